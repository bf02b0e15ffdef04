//! `undo`: reverts the author's own last decision in this team, within a day, by appending a
//! compensating decision (the log stays append-only). Refused, with the reason, when there is
//! nothing of theirs to revert, it is too old, or it cannot be reverted.

use chrono::Duration;

use super::Reply;
use super::decide::{Draft, Right, record, team_for};
use super::scope::{Scope, Stop};
use crate::domain::decision::{Decision, RecordedDecision, TrackStatus, Undo};
use crate::domain::text::Text;

/// How long after a decision its author may still undo it.
const UNDO_WINDOW: Duration = Duration::hours(24);

/// Reverts the author's last standing decision in the team.
pub(super) async fn undo(scope: &Scope<'_>, named_team: Option<&str>) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Members).await?;
    let last = scope
        .store()
        .last_decision_by(scope.tenant, team.id, scope.actor.id)
        .await?;
    let Some(last) = last else {
        let text = Text::new()
            .plain("You have no decision in ")
            .strong(team.name.clone())
            .plain(" to undo. Nothing was recorded.");
        return Err(Reply::invalid(text).into());
    };
    if let Some(reason) = why_not(scope, &last).await? {
        let text = Text::new()
            .plain("Your last decision in ")
            .strong(team.name.clone())
            .plain(" — ")
            .append(last.decision.summary(last.subject_user_id.as_deref()))
            .plain(format!(" — {reason} Nothing was recorded."));
        return Err(Reply::invalid(text).into());
    }
    let confirmation = Text::new()
        .plain("Undone: ")
        .append(last.decision.summary(last.subject_user_id.as_deref()))
        .plain(". The log keeps both the decision and this undo.");
    let undo = Decision::Undo(Undo {
        reverts: last.id,
        kind: last.kind(),
    });
    record(scope, &team, Draft::new(undo, None, None, confirmation)).await
}

/// Why `last` cannot be undone now, if it cannot.
async fn why_not(scope: &Scope<'_>, last: &RecordedDecision) -> Result<Option<String>, Stop> {
    if scope.now() - last.at > UNDO_WINDOW {
        return Ok(Some(
            "was made more than 24 hours ago, so it can't be undone; record a correction instead."
                .to_owned(),
        ));
    }
    Ok(match &last.decision {
        Decision::SnoozeNudge(_) => Some("is a snooze, which can't be undone.".to_owned()),
        Decision::RequestTrack(track) => {
            let answered = scope
                .store()
                .track_status(scope.tenant, scope.actor.id, &track.track)
                .await?
                != Some(TrackStatus::Requested);
            answered.then(|| "has been answered already, so it can't be undone.".to_owned())
        }
        Decision::RequestBudget(_) => {
            let answered = scope
                .store()
                .budget_request_status(scope.tenant, last.id)
                .await?
                != Some(crate::store::RequestStatus::Requested);
            answered.then(|| "has been answered by L&D already, so it can't be undone.".to_owned())
        }
        _ => None,
    })
}
