//! `target "capability" N`: how many people the team needs at mastery.

use super::{Draft, Right, people, record, refused, team_for};
use crate::domain::decision::{Decision, Target};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Sets the team's target.
pub(in crate::service) async fn target(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    capability: &str,
    count: u32,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let cap = scope.capability(capability).await?;
    let decision = Target::new(&cap.name, count).map_err(refused)?;
    let confirmation = Text::new()
        .strong(team.name.clone())
        .plain(format!(
            " now aims for {count} {} at mastery of ",
            people(count)
        ))
        .strong(cap.name.clone())
        .plain(".");
    let draft = Draft::new(Decision::Target(decision), None, Some(cap.id), confirmation);
    record(scope, &team, draft).await
}
