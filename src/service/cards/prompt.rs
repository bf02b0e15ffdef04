//! Answers on a prompt card itself: log a gap, or "nothing this time"; and recording decisions
//! from a card, all or none, with the card updated in place to show everything decided on it.

use super::{CardInput, CardOutcome, capability_by_choice, invalid, invalid_because, replaced};
use crate::domain::card::Choice;
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, FollowUp, FollowUpCard, Gap, NewDecision, NoGaps};
use crate::domain::ids::{CapabilityId, PersonId};
use crate::domain::prompt::{OccurrenceView, prompt_card, with_outcome};
use crate::domain::text::Text;
use crate::service::StoreError;
use crate::service::scope::{Scope, Stop};
use crate::store::{Occurrence, Team};

/// "Nothing this time": closes the prompt, once.
pub(super) async fn no_gaps(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    choices: &[Choice],
) -> Result<CardOutcome, Stop> {
    // A second click (a double click, or a colleague a moment later) records nothing.
    let earlier = scope
        .store()
        .decisions_in(scope.tenant, occurrence.id)
        .await?;
    if earlier
        .iter()
        .any(|d| matches!(d.decision, Decision::NoGaps(_)) && d.reverted_by.is_none())
    {
        return Err(invalid(
            "This prompt was already closed with \"nothing this time\".",
        ));
    }
    let line = Text::new()
        .plain("Nothing this time, said ")
        .mention(scope.actor.user_id.clone());
    record(
        scope,
        input,
        team,
        occurrence,
        choices,
        vec![(Recorded::nothing(occurrence), line)],
        true,
    )
    .await
}

/// Log gap: the person and capability picked on the card, once per prompt.
pub(super) async fn log_gap(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    choices: &[Choice],
) -> Result<CardOutcome, Stop> {
    let (Some(person), Some(capability)) =
        (input.fields.get("person"), input.fields.get("capability"))
    else {
        return Err(invalid(
            "Pick a person and a capability on the card first, then press Log gap.",
        ));
    };
    let who = scope
        .member(
            team,
            &UserRef {
                id: person.clone(),
                label: None,
            },
        )
        .await?;
    let cap = capability_by_choice(scope, capability).await?;
    let earlier = scope
        .store()
        .decisions_in(scope.tenant, occurrence.id)
        .await?;
    let repeat = earlier.iter().any(|d| {
        d.reverted_by.is_none()
            && d.subject_user_id.as_deref() == Some(who.user_id.as_str())
            && matches!(&d.decision, Decision::Gap(gap) if gap.capability == cap.1)
    });
    if repeat {
        return Err(invalid(
            "That gap is already logged on this prompt; nothing was recorded.",
        ));
    }
    let line = Text::new()
        .plain("Gap: ")
        .mention(who.user_id.clone())
        .plain(" — ")
        .strong(cap.1.clone())
        .plain(" (logged by ")
        .mention(scope.actor.user_id.clone())
        .plain(")");
    let recorded = Recorded {
        decision: Decision::Gap(Gap::new(&who.user_id, &cap.1).map_err(invalid_because)?),
        subject: Some(who.id),
        capability: Some(cap.0),
        // One gap per person and capability on a prompt, however many clicks race.
        once: Some(Once {
            key: format!("gap:{}:{}:{}", occurrence.id.0, who.id.0, cap.0.0),
            told: "That gap is already logged on this prompt; nothing was recorded.",
        }),
    };
    record(
        scope,
        input,
        team,
        occurrence,
        choices,
        vec![(recorded, line)],
        false,
    )
    .await
}

/// A decision about to be recorded from a card.
pub(super) struct Recorded {
    pub(super) decision: Decision,
    pub(super) subject: Option<PersonId>,
    pub(super) capability: Option<CapabilityId>,
    /// What makes this decision one of a kind on its prompt, if anything does.
    pub(super) once: Option<Once>,
}

/// A decision that may be made once per prompt: its key, and what a second attempt is told.
pub(super) struct Once {
    key: String,
    told: &'static str,
}

impl Recorded {
    fn nothing(occurrence: &Occurrence) -> Self {
        Recorded {
            decision: Decision::NoGaps(NoGaps {}),
            subject: None,
            capability: None,
            once: Some(Once {
                key: format!("no-gaps:{}", occurrence.id.0),
                told: "This prompt was already closed with \"nothing this time\".",
            }),
        }
    }
}

/// Records decisions, all or none, with the card updated to show them (and everything decided
/// before) queued with the last one.
pub(super) async fn record(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    choices: &[Choice],
    decided: Vec<(Recorded, Text)>,
    close: bool,
) -> Result<CardOutcome, Stop> {
    let follow_up = match &input.message {
        Some((channel, ts)) => {
            let earlier = scope
                .store()
                .decisions_in(scope.tenant, occurrence.id)
                .await?;
            let mut lines: Vec<Text> = earlier.iter().filter_map(|d| d.card_line()).collect();
            lines.extend(decided.iter().map(|(_, line)| line.clone()));
            let closed = close
                || earlier
                    .iter()
                    .any(|d| matches!(d.decision, Decision::NoGaps(_)) && d.reverted_by.is_none());
            let card = with_outcome(
                &prompt_card(&view(team, occurrence, choices)),
                &lines,
                closed,
            );
            Some(FollowUp {
                channel_id: channel.clone(),
                replaces: Some(ts.clone()),
                card: FollowUpCard::Ready(serde_json::to_value(card).unwrap_or_default()),
                key_prefix: format!("card:{}:", occurrence.id.0),
            })
        }
        None => None,
    };
    let count = decided.len();
    let told_on_replay = decided
        .iter()
        .find_map(|(recorded, _)| recorded.once.as_ref().map(|once| once.told));
    let decisions: Vec<NewDecision> = decided
        .into_iter()
        .enumerate()
        .map(|(i, (recorded, _))| NewDecision {
            tenant: scope.tenant,
            team: Some(team.id),
            actor: scope.actor.id,
            subject: recorded.subject,
            capability: recorded.capability,
            occurrence: Some(occurrence.id),
            channel: input.message.as_ref().map(|(c, _)| c.clone()),
            source: scope.invocation.source,
            decision: recorded.decision,
            follow_up: if i + 1 == count {
                follow_up.clone()
            } else {
                None
            },
            // A decision made once per prompt is keyed by what it is about; anything else by
            // the interaction, one key per row of a form, so a replay records nothing.
            idempotency_key: match recorded.once {
                Some(once) => Some(once.key),
                None => input
                    .interaction_key
                    .as_ref()
                    .map(|key| format!("{key}#{i}")),
            },
            at: scope.now(),
            roster: None,
        })
        .collect();
    match scope.store().record_all(&decisions).await {
        Ok(_) => {}
        // Recorded before: a second click on a once-per-prompt decision is told so; the same
        // click or form delivered again changes nothing (the first updated the card).
        Err(StoreError::Replayed) => {
            return match told_on_replay {
                Some(told) => Err(invalid(told)),
                None => Ok(CardOutcome::Done),
            };
        }
        Err(e) => return Err(e.into()),
    }
    scope.commands.wake_outbox();
    Ok(replaced(follow_up))
}

fn view(team: &Team, occurrence: &Occurrence, choices: &[Choice]) -> OccurrenceView {
    OccurrenceView {
        id: occurrence.id.0,
        kind: occurrence.ritual.kind,
        team: team.name.clone(),
        title: occurrence.title.clone(),
        capabilities: choices.to_vec(),
    }
}
