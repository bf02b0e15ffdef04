//! The decision commands. Each subcommand has its own file with one handler that resolves what
//! the command names, builds the typed decision with its one constructor, and says what to
//! confirm; [`record`] checks the author's rights and records it with the same rules for all.

mod absence;
mod budget;
mod coach;
mod commission;
mod gap;
mod hours;
mod intervene;
mod level;
mod mastery;
mod module;
mod modules_track;
mod sequence;
mod target;
mod track;

pub(super) use absence::away;
pub(super) use budget::budget;
pub(super) use coach::coach;
pub(super) use commission::commission;
pub(super) use gap::gap;
pub(super) use hours::hours;
pub(super) use intervene::intervene;
pub(super) use level::{certify, level};
pub(super) use mastery::mastery;
pub(super) use module::{module_add, module_approve, module_list, module_retire};
pub(super) use modules_track::{compose, done, pace, reorder};
pub(super) use sequence::sequence;
pub(super) use target::target;
pub(super) use track::{approve, decline, request};

use super::scope::{Scope, Stop};
use super::{Outcome, Reply, StoreError};
use crate::domain::decision::{Decision, FollowUp, Invalid, NewDecision};
use crate::domain::ids::{CapabilityId, PersonId};
use crate::domain::text::Text;
use crate::store::Team;

/// What a command decided, before it is recorded.
pub(super) struct Draft {
    /// The typed decision.
    pub(super) decision: Decision,
    /// Whom it is about.
    pub(super) subject: Option<PersonId>,
    /// Which capability it is about.
    pub(super) capability: Option<CapabilityId>,
    /// A message to queue with it.
    pub(super) follow_up: Option<FollowUp>,
    /// What to tell the author once it is recorded.
    pub(super) confirmation: Text,
}

impl Draft {
    /// A decision about `subject` and `capability`, confirmed with `confirmation`.
    pub(super) fn new(
        decision: Decision,
        subject: Option<PersonId>,
        capability: Option<CapabilityId>,
        confirmation: Text,
    ) -> Self {
        Draft {
            decision,
            subject,
            capability,
            follow_up: None,
            confirmation,
        }
    }
}

/// Who may make a decision for a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Right {
    /// The team's managers and Cadence admins.
    Managers,
    /// Anyone in the team (a member asking for a track, undoing their own decision).
    Members,
}

/// The team a decision command is for, once the author's `right` to decide for it is checked.
pub(super) async fn team_for(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    right: Right,
) -> Result<Team, Stop> {
    let team = scope.team_to_decide(named_team).await?;
    authorise(scope, &team, right).await?;
    Ok(team)
}

/// Managers and admins decide; a member may only do what `right` allows them.
async fn authorise(scope: &Scope<'_>, team: &Team, right: Right) -> Result<(), Stop> {
    if right == Right::Members {
        if scope.is_admin() || scope.role(team).await?.is_some() {
            return Ok(());
        }
        let text = Text::new()
            .plain("You're not in ")
            .strong(team.name.clone())
            .plain(", so you can't do that for it. Nothing was recorded.");
        return Err(Reply::refused(text).into());
    }
    scope.require_manager(team, "record decisions for").await
}

/// Records a drafted decision for `team` and answers with its confirmation.
pub(super) async fn record(scope: &Scope<'_>, team: &Team, draft: Draft) -> Result<Reply, Stop> {
    record_in(scope, Some(team), draft).await
}

/// Records a drafted decision of the whole workspace (the module library), which belongs to no
/// team, and answers with its confirmation.
pub(super) async fn record_for_workspace(scope: &Scope<'_>, draft: Draft) -> Result<Reply, Stop> {
    record_in(scope, None, draft).await
}

/// Records a drafted decision for `team`, or for the workspace when there is none.
pub(super) async fn record_in(
    scope: &Scope<'_>,
    team: Option<&Team>,
    draft: Draft,
) -> Result<Reply, Stop> {
    let queued = draft.follow_up.is_some();
    let kind = draft.decision.kind();
    let team_id = team.map(|t| t.id);
    let recorded = scope
        .store()
        .record(&NewDecision {
            tenant: scope.tenant,
            team: team_id,
            actor: scope.actor.id,
            subject: draft.subject,
            capability: draft.capability,
            occurrence: None,
            channel: scope.invocation.channel_id.clone(),
            source: scope.invocation.source,
            decision: draft.decision,
            follow_up: draft.follow_up,
            idempotency_key: scope.invocation.request_key.clone(),
            at: scope.now(),
            roster: team.and_then(|t| scope.roster_checked(t)),
        })
        .await;
    let id = match recorded {
        Ok(id) => id,
        // The very same request again (a replay of its signed bytes): it was recorded once,
        // and is answered as it was then.
        Err(StoreError::Replayed) => {
            tracing::info!(%kind, team = ?team_id, "replayed request; nothing more recorded");
            return Ok(Reply {
                text: draft.confirmation,
                outcome: Outcome::Replayed,
            });
        }
        // What the decision changes moved on since it was read (another admin retired the
        // module first): the author is told, nothing is recorded.
        Err(StoreError::Conflict(what)) => {
            let text = Text::new().plain(format!(
                "That can't be recorded now: {what}. Nothing was recorded."
            ));
            return Err(Reply::invalid(text).into());
        }
        Err(e) => return Err(e.into()),
    };
    // The request's own log line names the decision; a second line per command would double
    // what every decision costs to log.
    tracing::Span::current().record("decision", id.0);
    tracing::debug!(decision = id.0, %kind, team = ?team_id, "decision recorded");
    if queued {
        scope.commands.wake_outbox();
    }
    Ok(Reply {
        text: draft.confirmation,
        outcome: Outcome::Recorded(id),
    })
}

/// A decision the rules refuse, told to the author.
pub(super) fn refused(invalid: Invalid) -> Stop {
    Reply::invalid(Text::new().plain(invalid.0).plain(" Nothing was recorded.")).into()
}

fn people(count: u32) -> &'static str {
    if count == 1 { "person" } else { "people" }
}
