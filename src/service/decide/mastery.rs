//! `mastery "capability" "criteria"`: what mastery of a capability means in this team.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::decision::{Criteria, Decision};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Sets the team's local mastery criteria.
pub(in crate::service) async fn mastery(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    capability: &str,
    criteria: &str,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let cap = scope.capability(capability).await?;
    let decision = Criteria::new(&cap.name, criteria).map_err(refused)?;
    let confirmation = Text::new()
        .plain("In ")
        .strong(team.name.clone())
        .plain(", mastery of ")
        .strong(cap.name.clone())
        .plain(" now means: ")
        .plain(criteria)
        .plain(".");
    let draft = Draft::new(
        Decision::Mastery(decision),
        None,
        Some(cap.id),
        confirmation,
    );
    record(scope, &team, draft).await
}
