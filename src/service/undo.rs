//! `undo`: reverts the author's own last decision, within a day, by appending a compensating
//! decision (the log stays append-only). The last decision is the newest of the author's in
//! this team and the author's for the whole workspace (the module library's, which belong to no
//! team, so an admin can undo a library change from any channel). Refused, with the reason, when
//! there is nothing of theirs to revert, it is too old, or it cannot be reverted.

use chrono::Duration;

use super::Reply;
use super::decide::{Draft, Right, record_in, team_for};
use super::scope::{Scope, Stop};
use crate::domain::decision::{Decision, RecordedDecision, TrackStatus, Undo};
use crate::domain::library::ModuleState;
use crate::domain::text::Text;
use crate::store::Team;

/// How long after a decision its author may still undo it.
const UNDO_WINDOW: Duration = Duration::hours(24);

/// Reverts the author's last standing decision in the team or the workspace.
pub(super) async fn undo(scope: &Scope<'_>, named_team: Option<&str>) -> Result<Reply, Stop> {
    let store = scope.store();
    let workspace_last = match named_team {
        Some(_) => None,
        None => {
            store
                .last_workspace_decision_by(scope.tenant, scope.actor.id)
                .await?
        }
    };
    let (team, team_last) = match team_for(scope, named_team, Right::Members).await {
        Ok(team) => {
            let last = store
                .last_decision_by(scope.tenant, team.id, scope.actor.id)
                .await?;
            (Some(team), last)
        }
        // Not in a team's channel, but the author has (or as an admin may have) a decision of
        // the workspace to undo.
        Err(_) if named_team.is_none() && (workspace_last.is_some() || scope.may_set_up()) => {
            (None, None)
        }
        Err(stop) => return Err(stop),
    };
    let newest_is_team = match (&team_last, &workspace_last) {
        (Some(t), Some(w)) => (t.at, t.id) > (w.at, w.id),
        (Some(_), None) => true,
        _ => false,
    };
    let last = if newest_is_team {
        team_last
    } else {
        workspace_last
    };
    let Some(last) = last else {
        return Err(Reply::invalid(nothing_to_undo(team)).into());
    };
    // A workspace decision is undone for the workspace, wherever the author is.
    let team = team.filter(|_| newest_is_team);
    let place = match &team {
        Some(team) => Text::new().plain(" in ").strong(team.name.clone()),
        None => Text::new().plain(" in the workspace"),
    };
    if let Some(reason) = why_not(scope, &last).await? {
        let text = Text::new()
            .plain("Your last decision")
            .append(place)
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
    record_in(
        scope,
        team.as_ref(),
        Draft::new(undo, None, None, confirmation),
    )
    .await
}

fn nothing_to_undo(team: Option<Team>) -> Text {
    match team {
        Some(team) => Text::new()
            .plain("You have no decision in ")
            .strong(team.name)
            .plain(" to undo. Nothing was recorded."),
        None => Text::new().plain("You have no decision to undo. Nothing was recorded."),
    }
}

/// Why `last` cannot be undone now, if it cannot.
async fn why_not(scope: &Scope<'_>, last: &RecordedDecision) -> Result<Option<String>, Stop> {
    if scope.now() - last.at > UNDO_WINDOW {
        return Ok(Some(
            "was made more than 24 hours ago, so it can't be undone; record a correction instead."
                .to_owned(),
        ));
    }
    let module_now = |title: &str| {
        let title = title.to_owned();
        async move {
            scope
                .store()
                .module_by_title(scope.tenant, &title)
                .await
                .map(|m| m.map(|m| m.state))
        }
    };
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
        Decision::ModuleAdd(add) => moved_on(module_now(&add.title).await?, add.state),
        Decision::ModuleApprove(change) | Decision::ModuleRetire(change) => {
            moved_on(module_now(&change.title).await?, change.to)
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

/// Why a library decision can't be undone when its module is no longer where it left it.
fn moved_on(now: Option<ModuleState>, left: ModuleState) -> Option<String> {
    match now {
        Some(state) if state == left => None,
        Some(state) => Some(format!(
            "can't be undone: the module has been {state} since."
        )),
        None => Some("can't be undone: the module is no longer in the library.".to_owned()),
    }
}
