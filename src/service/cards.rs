//! Clicks and form submissions on prompt cards: the same rights and records as commands.
//!
//! A click names its occurrence in the action it carries, so no server-side session is needed.
//! Only the team's managers (or Cadence admins) may decide from a card; anyone else is told so,
//! privately, and nothing is recorded. Each decision queues, in its own transaction, the card
//! updated in place to show what was decided and by whom.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;

use super::scope::{Scope, Stop};
use super::{Commands, Invocation, StoreError};
use crate::domain::card::{Action, Choice, Form, Verb};
use crate::domain::command::UserRef;
use crate::domain::decision::{
    Coach, Decision, FollowUp, FollowUpCard, Gap, Intervene, NewDecision, NoGaps, Snooze,
    TrackAnswer, TrackStatus,
};
use crate::domain::ids::{CapabilityId, DecisionId, OccurrenceId, PersonId};
use crate::domain::prompt::{
    OccurrenceView, TrackRequestView, coaching_form, intervention_form, prompt_card, qbr_form,
    track_request_card, with_outcome,
};
use crate::domain::ritual::RitualKind;
use crate::domain::schedule::WorkingHours;
use crate::domain::text::Text;
use crate::store::{Delivery, NewMessage, Occurrence, Team};

/// What the platform adapter read from a click or a submitted form.
#[derive(Debug, Clone, Default)]
pub struct CardInput {
    /// Which card action.
    pub action: Option<Action>,
    /// Field values by field id (`person`, `capability`, `means`, `note`, `due`, `person_2`…):
    /// a user id, a capability id, text, or an ISO date.
    pub fields: BTreeMap<String, String>,
    /// The card's message as (channel, platform message id), to update it.
    pub message: Option<(String, String)>,
    /// The click's trigger, when it may open a form.
    pub trigger: Option<String>,
    /// Whether this is a submitted form rather than a click.
    pub submitted: bool,
    /// The platform waits for the answer (a Teams `adaptiveCard/action` invoke): refusals and
    /// forms come back in the [`CardOutcome`] instead of being queued.
    pub answer_inline: bool,
    /// What makes this click or submission unique (Slack: the action's time, user and message;
    /// Teams: the invoke's activity id): it is recorded once however often it arrives.
    pub interaction_key: Option<String>,
}

/// What the adapter answers.
#[derive(Debug, Clone, PartialEq)]
pub enum CardOutcome {
    /// Done (recorded, or nothing to do); any message to the person was queued.
    Done,
    /// Recorded; the card was updated to this neutral card (also queued as an update).
    Replaced(serde_json::Value),
    /// Nothing recorded; what to tell the person (only with [`CardInput::answer_inline`]).
    Told(Text),
    /// A form to fill in (only with [`CardInput::answer_inline`]).
    Form(Form),
    /// A submitted form has errors: (field id, what is wrong). Nothing was recorded.
    FieldErrors(Vec<(String, String)>),
}

impl Commands {
    /// Handles a click or submission by the invocation's author.
    pub async fn card(
        &self,
        invocation: &Invocation,
        input: &CardInput,
    ) -> Result<CardOutcome, StoreError> {
        let scope = Scope::open(self, invocation, &[]).await?;
        match handle(&scope, input).await {
            Ok(outcome) => Ok(outcome),
            Err(Stop::Reply(reply)) if input.answer_inline => Ok(CardOutcome::Told(reply.text)),
            Err(Stop::Reply(reply)) => {
                tell(&scope, input, reply.text).await?;
                Ok(CardOutcome::Done)
            }
            Err(Stop::Store(e)) => Err(e),
        }
    }
}

async fn handle(scope: &Scope<'_>, input: &CardInput) -> Result<CardOutcome, Stop> {
    let Some(action) = &input.action else {
        return Ok(CardOutcome::Done);
    };
    if matches!(action.verb, Verb::PickPerson | Verb::PickCapability) {
        // Selections live in the message until a button is pressed.
        return Ok(CardOutcome::Done);
    }
    if matches!(action.verb, Verb::ApproveTrack | Verb::DeclineTrack) {
        return answer_track_request(scope, input, action).await;
    }
    let occurrence = match action.record {
        Some(id) => {
            scope
                .store()
                .occurrence(scope.tenant, OccurrenceId(id))
                .await?
        }
        None => None,
    };
    let Some(occurrence) = occurrence else {
        return Err(invalid(
            "This card is no longer known to Cadence; nothing was recorded.",
        ));
    };
    let team = scope
        .store()
        .team_by_id(scope.tenant, occurrence.ritual.team)
        .await?
        .ok_or_else(|| invalid("This card's team no longer exists; nothing was recorded."))?;
    scope
        .require_manager(&team, "answer this prompt for")
        .await?;
    let choices = capability_choices(scope).await?;
    match (action.verb, input.submitted) {
        (Verb::NoGaps, _) => {
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
                &team,
                &occurrence,
                &choices,
                vec![(Recorded::nothing(&occurrence), line)],
                true,
            )
            .await
        }
        (Verb::SnoozeNudge, _) => snooze(scope, input, &team, &occurrence).await,
        (Verb::LogGap, _) => {
            let (Some(person), Some(capability)) =
                (input.fields.get("person"), input.fields.get("capability"))
            else {
                return Err(invalid(
                    "Pick a person and a capability on the card first, then press Log gap.",
                ));
            };
            let who = scope
                .member(
                    &team,
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
                &team,
                &occurrence,
                &choices,
                vec![(recorded, line)],
                false,
            )
            .await
        }
        (Verb::PlanIntervention | Verb::PlanInterventions | Verb::CoachingMoment, false) => {
            open_form(scope, input, &occurrence, action.verb, &choices).await
        }
        (Verb::PlanIntervention | Verb::CoachingMoment, true) => {
            let rows = [(
                "person",
                "capability",
                if action.verb == Verb::CoachingMoment {
                    "note"
                } else {
                    "means"
                },
            )];
            submit_rows(
                scope,
                input,
                &team,
                &occurrence,
                action.verb,
                &choices,
                &rows,
            )
            .await
        }
        (Verb::PlanInterventions, true) => {
            let rows = [
                ("person_1", "capability_1", "means_1"),
                ("person_2", "capability_2", "means_2"),
                ("person_3", "capability_3", "means_3"),
            ];
            submit_rows(
                scope,
                input,
                &team,
                &occurrence,
                action.verb,
                &choices,
                &rows,
            )
            .await
        }
        (Verb::ApproveTrack | Verb::DeclineTrack | Verb::PickPerson | Verb::PickCapability, _) => {
            Err(invalid(
                "Use the approve or decline command for track requests; nothing was recorded.",
            ))
        }
    }
}

/// Approve or Decline on a track-request card: the managers of the requester's team decide.
async fn answer_track_request(
    scope: &Scope<'_>,
    input: &CardInput,
    action: &Action,
) -> Result<CardOutcome, Stop> {
    let request = match action.record {
        Some(id) => scope.store().decision(scope.tenant, DecisionId(id)).await?,
        None => None,
    };
    let Some((request, asked)) = request.and_then(|d| match &d.decision {
        Decision::RequestTrack(asked) if d.reverted_by.is_none() => {
            Some((d.clone(), asked.clone()))
        }
        _ => None,
    }) else {
        return Err(invalid(
            "This request is no longer known to Cadence; nothing was recorded.",
        ));
    };
    let team = match request.team {
        Some(team) => scope.store().team_by_id(scope.tenant, team).await?,
        None => None,
    };
    let Some(team) = team else {
        return Err(invalid(
            "This request's team no longer exists; nothing was recorded.",
        ));
    };
    scope
        .require_manager(&team, "answer track requests for")
        .await?;
    let person_id = request.subject_user_id.clone().unwrap_or_default();
    let track = asked.track.clone();
    let Some(person) = scope.store().find_person(scope.tenant, &person_id).await? else {
        return Err(invalid(
            "The person who asked is no longer known; nothing was recorded.",
        ));
    };
    if scope
        .store()
        .track_status(scope.tenant, person.id, &track)
        .await?
        != Some(TrackStatus::Requested)
    {
        return Err(invalid(
            "This request has already been answered; nothing was recorded.",
        ));
    }
    let answer = TrackAnswer::new(&person.user_id, &track, None, Some(request.id))
        .map_err(invalid_because)?;
    let (decision, verb) = match action.verb {
        Verb::ApproveTrack => (Decision::ApproveTrack(answer), "Approved"),
        _ => (Decision::DeclineTrack(answer), "Declined"),
    };
    let view = TrackRequestView {
        person_id: person.user_id.clone(),
        person_name: person.display_name.clone(),
        track: track.clone(),
        note: asked.note.clone(),
        decision: request.id.0,
    };
    let line = Text::new()
        .plain(format!("{verb} by "))
        .mention(scope.actor.user_id.clone());
    let follow_up = input.message.as_ref().map(|(channel, ts)| FollowUp {
        channel_id: channel.clone(),
        replaces: Some(ts.clone()),
        card: FollowUpCard::Ready(
            serde_json::to_value(with_outcome(&track_request_card(&view), &[line], true))
                .unwrap_or_default(),
        ),
        key_prefix: format!("track-answer:{}:", request.id.0),
    });
    let outcome = replaced(follow_up.clone());
    let recorded = scope
        .store()
        .record(&NewDecision {
            tenant: scope.tenant,
            team: Some(team.id),
            actor: scope.actor.id,
            subject: Some(person.id),
            capability: None,
            occurrence: None,
            channel: input.message.as_ref().map(|(c, _)| c.clone()),
            source: scope.invocation.source,
            decision,
            follow_up,
            idempotency_key: input.interaction_key.clone(),
            at: scope.now(),
        })
        .await;
    match recorded {
        Ok(_) => {
            scope.commands.wake_outbox();
            Ok(outcome)
        }
        Err(StoreError::Replayed) => Ok(CardOutcome::Done),
        // Another answer got there first: this one is not recorded.
        Err(e) if e.is_conflict() => Err(invalid(
            "This request has already been answered; nothing was recorded.",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A decision about to be recorded from a card.
struct Recorded {
    decision: Decision,
    subject: Option<PersonId>,
    capability: Option<CapabilityId>,
    /// What makes this decision one of a kind on its prompt, if anything does.
    once: Option<Once>,
}

/// A decision that may be made once per prompt: its key, and what a second attempt is told.
struct Once {
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
async fn record(
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

/// The outcome of a decision whose card update is `follow_up`.
fn replaced(follow_up: Option<FollowUp>) -> CardOutcome {
    match follow_up.map(|f| f.card) {
        Some(FollowUpCard::Ready(card)) => CardOutcome::Replaced(card),
        _ => CardOutcome::Done,
    }
}

/// Validates and records a submitted form's rows: each row is empty or complete.
async fn submit_rows(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    verb: Verb,
    choices: &[Choice],
    rows: &[(&str, &str, &str)],
) -> Result<CardOutcome, Stop> {
    let mut errors = Vec::new();
    let mut complete = Vec::new();
    for (i, (person, capability, text)) in rows.iter().enumerate() {
        let values = [person, capability, text]
            .map(|f| input.fields.get(*f).filter(|v| !v.trim().is_empty()));
        let filled = values.iter().filter(|v| v.is_some()).count();
        if filled == 0 && i > 0 {
            continue;
        }
        for (field, value) in [person, capability, text].iter().zip(values) {
            if value.is_none() {
                errors.push((
                    (**field).to_owned(),
                    "Fill this in too, or leave the whole row empty.".to_owned(),
                ));
            }
        }
        if let [Some(p), Some(c), Some(t)] = values {
            complete.push((person, p.clone(), capability, c.clone(), t.clone()));
        }
    }
    let due = match input.fields.get("due").filter(|d| !d.is_empty()) {
        Some(text) => match text.parse::<NaiveDate>() {
            Ok(day) if day >= scope.today(team) => Some(day),
            _ => {
                errors.push(("due".to_owned(), "Pick a date from today on.".to_owned()));
                None
            }
        },
        None => None,
    };
    // Resolve everything before recording anything, so a bad row records nothing.
    let mut resolved = Vec::new();
    for (person_field, person, capability_field, capability, text) in complete {
        let who = match scope
            .member(
                team,
                &UserRef {
                    id: person,
                    label: None,
                },
            )
            .await
        {
            Ok(who) => Some(who),
            Err(Stop::Reply(_)) => {
                errors.push((
                    (*person_field).to_owned(),
                    format!("Not a member of {}.", team.name),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let cap = match capability_by_choice(scope, &capability).await {
            Ok(cap) => Some(cap),
            Err(Stop::Reply(_)) => {
                errors.push((
                    (*capability_field).to_owned(),
                    "Pick a capability from the list.".to_owned(),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        if let (Some(who), Some(cap)) = (who, cap) {
            resolved.push((who, cap, text));
        }
    }
    if !errors.is_empty() {
        return Ok(CardOutcome::FieldErrors(errors));
    }
    // Every row of the form is recorded in one transaction: all of them or none. Each row is
    // built by the decision's one constructor, so a form is held to the command's limits.
    let today = scope.today(team);
    let mut decided = Vec::with_capacity(resolved.len());
    for (row, (who, (cap_id, cap_name), text)) in resolved.into_iter().enumerate() {
        let text_field = rows.get(row).map(|r| r.2).unwrap_or("note");
        let decision = if verb == Verb::CoachingMoment {
            Coach::new(&who.user_id, &cap_name, Some(&text)).map(Decision::Coach)
        } else {
            Intervene::new(&who.user_id, &cap_name, &text, due, today).map(Decision::Intervene)
        };
        let decision = match decision {
            Ok(decision) => decision,
            Err(problem) => {
                errors.push((text_field.to_owned(), problem.0));
                continue;
            }
        };
        let Some(line) = decision.signed_card_line(&who.user_id, &scope.actor.user_id) else {
            continue;
        };
        let recorded = Recorded {
            decision,
            subject: Some(who.id),
            capability: Some(cap_id),
            once: None,
        };
        decided.push((recorded, line));
    }
    if !errors.is_empty() {
        return Ok(CardOutcome::FieldErrors(errors));
    }
    record(scope, input, team, occurrence, choices, decided, false).await
}

/// Queues the form a button opens, remembering which card to update when it is submitted.
async fn open_form(
    scope: &Scope<'_>,
    input: &CardInput,
    occurrence: &Occurrence,
    verb: Verb,
    choices: &[Choice],
) -> Result<CardOutcome, Stop> {
    let form: Form = match verb {
        Verb::PlanInterventions => qbr_form(occurrence.id.0, choices),
        Verb::CoachingMoment => coaching_form(occurrence.id.0, choices),
        _ => intervention_form(occurrence.id.0, choices),
    };
    if input.answer_inline {
        return Ok(CardOutcome::Form(form));
    }
    let Some(trigger) = &input.trigger else {
        return Err(invalid(
            "That button needs Slack to open a form; try again.",
        ));
    };
    let (channel, ts) = input.message.clone().unwrap_or_default();
    let card = json!({ "form": form, "context": { "channel": channel, "ts": ts } });
    scope
        .store()
        .enqueue(
            &NewMessage {
                tenant: scope.tenant,
                idempotency_key: format!("form:{}:{trigger}", scope.tenant.0),
                channel_id: &channel,
                delivery: Delivery::OpenView(trigger.clone()),
                card,
                occurrence: Some(occurrence.id),
            },
            scope.now(),
        )
        .await?;
    scope.commands.wake_outbox();
    Ok(CardOutcome::Done)
}

/// Tells the person privately, through the outbox.
async fn tell(scope: &Scope<'_>, input: &CardInput, text: Text) -> Result<(), StoreError> {
    let Some((channel, _)) = &input.message else {
        return Ok(());
    };
    let card = crate::domain::card::Card {
        summary: text.to_string(),
        parts: vec![crate::domain::card::Part::Body(text)],
    };
    let key = format!(
        "tell:{}:{}:{}",
        scope.actor.user_id,
        channel,
        scope.now().timestamp_millis()
    );
    scope
        .store()
        .enqueue(
            &NewMessage {
                tenant: scope.tenant,
                idempotency_key: key,
                channel_id: channel,
                delivery: Delivery::Ephemeral(scope.actor.user_id.clone()),
                card: serde_json::to_value(card).unwrap_or_default(),
                occurrence: None,
            },
            scope.now(),
        )
        .await?;
    scope.commands.wake_outbox();
    Ok(())
}

fn invalid_because(problem: crate::domain::decision::Invalid) -> Stop {
    Stop::Reply(super::Reply::invalid(
        Text::new().plain(problem.0).plain(" Nothing was recorded."),
    ))
}

fn invalid(words: &str) -> Stop {
    Stop::Reply(super::Reply::invalid(Text::new().plain(words)))
}

async fn capability_choices(scope: &Scope<'_>) -> Result<Vec<Choice>, Stop> {
    Ok(scope.store().capability_choices(scope.tenant).await?)
}

/// The capability a picker or form names: its id from a list, or its name typed where the
/// library was empty when the card was made.
async fn capability_by_choice(
    scope: &Scope<'_>,
    value: &str,
) -> Result<(CapabilityId, String), Stop> {
    let found = match value.parse::<i64>() {
        Ok(id) => {
            scope
                .store()
                .capability_by_id(scope.tenant, CapabilityId(id))
                .await?
        }
        Err(_) => {
            scope
                .store()
                .capability_by_name(scope.tenant, value)
                .await?
        }
    };
    let cap = found.ok_or_else(|| {
        invalid("That capability is not in the library; add it with the capability add command.")
    })?;
    Ok((cap.id, cap.name))
}

fn view(team: &Team, occurrence: &Occurrence, choices: &[Choice]) -> OccurrenceView {
    OccurrenceView {
        id: occurrence.id.0,
        kind: occurrence.ritual.kind.parse().unwrap_or(RitualKind::Custom),
        team: team.name.clone(),
        title: occurrence.title.clone(),
        capabilities: choices.to_vec(),
    }
}

/// Puts the occurrence's nudge off until the next working morning in the team's time zone,
/// and shows on the nudge who snoozed it until when.
async fn snooze(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
) -> Result<CardOutcome, Stop> {
    if occurrence.artefact_at.is_some() {
        return Err(invalid(
            "This prompt has been answered already, so there is nothing to snooze.",
        ));
    }
    let tz = team.time_zone();
    let tomorrow = scope.now().with_timezone(&tz).date_naive() + chrono::Duration::days(1);
    let midnight = tomorrow
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(tz).earliest())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| scope.now() + chrono::Duration::days(1));
    let until = WorkingHours::default().next_open(midnight, tz);
    let line = Text::new()
        .plain(format!(
            "Snoozed until {} by ",
            until.with_timezone(&tz).format("%a %-d %b %H:%M")
        ))
        .mention(scope.actor.user_id.clone())
        .plain(".");
    let follow_up = input.message.as_ref().map(|(channel, ts)| FollowUp {
        channel_id: channel.clone(),
        replaces: Some(ts.clone()),
        card: FollowUpCard::Ready(
            serde_json::to_value(crate::domain::card::Card {
                summary: line.to_string(),
                parts: vec![crate::domain::card::Part::Body(
                    Text::new()
                        .strong(occurrence.title.clone())
                        .plain(": ")
                        .append(line),
                )],
            })
            .unwrap_or_default(),
        ),
        key_prefix: format!("snooze:{}:", occurrence.id.0),
    });
    let outcome = replaced(follow_up.clone());
    let decision = NewDecision {
        tenant: scope.tenant,
        team: Some(team.id),
        actor: scope.actor.id,
        subject: None,
        capability: None,
        occurrence: Some(occurrence.id),
        channel: input.message.as_ref().map(|(c, _)| c.clone()),
        source: scope.invocation.source,
        decision: Decision::SnoozeNudge(Snooze { until }),
        follow_up,
        idempotency_key: input.interaction_key.clone(),
        at: scope.now(),
    };
    match scope.store().record_all(&[decision]).await {
        Ok(_) => {}
        Err(StoreError::Replayed) => return Ok(CardOutcome::Done),
        Err(e) => return Err(e.into()),
    }
    scope.commands.wake_outbox();
    Ok(outcome)
}
