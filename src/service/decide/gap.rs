//! `gap @person "capability"`: a skill gap named, usually in a retro.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, Gap};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Records the gap; a capability not yet in the library is logged by name, with a hint.
pub(in crate::service) async fn gap(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let known = scope.maybe_capability(capability).await?;
    let decision = Gap::new(&who.user_id, capability).map_err(refused)?;
    let mut confirmation = Text::new()
        .plain("Logged a skill gap for ")
        .mention(who.user_id.clone())
        .plain(": ")
        .strong(capability)
        .plain(".");
    if known.is_none() {
        confirmation = confirmation
            .plain(" It isn't in the capability library yet; add it with ")
            .command(format!("capability add \"{capability}\""))
            .plain(" to track levels and targets.");
    }
    let draft = Draft::new(
        Decision::Gap(decision),
        Some(who.id),
        known.map(|c| c.id),
        confirmation,
    );
    record(scope, &team, draft).await
}
