//! Snooze on a nudge: the occurrence's nudge waits until the next working morning in the team's
//! time zone, and the nudge shows who snoozed it until when.

use super::{CardInput, CardOutcome, invalid, replaced};
use crate::domain::decision::{Decision, FollowUp, FollowUpCard, NewDecision, Snooze};
use crate::domain::schedule::WorkingHours;
use crate::domain::text::Text;
use crate::service::StoreError;
use crate::service::scope::{Scope, Stop};
use crate::store::{Occurrence, Team};

/// Puts the occurrence's nudge off until the next working morning in the team's time zone,
/// and shows on the nudge who snoozed it until when.
pub(super) async fn snooze(
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
    let tz = team.tz;
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
        roster: None,
    };
    match scope.store().record_all(&[decision]).await {
        Ok(_) => {}
        Err(StoreError::Replayed) => return Ok(CardOutcome::Done),
        Err(e) => return Err(e.into()),
    }
    scope.commands.wake_outbox();
    Ok(outcome)
}
