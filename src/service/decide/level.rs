//! `level @person "capability" LEVEL ["evidence"]` and `certify @person "capability"
//! ["evidence"]`: a person's level set, or certified at mastery.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::Level;
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, LevelSet};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Sets the level.
pub(in crate::service) async fn level(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
    level: Level,
    evidence: Option<&str>,
) -> Result<Reply, Stop> {
    set(
        scope, named_team, person, capability, level, evidence, false,
    )
    .await
}

/// Certifies at mastery.
pub(in crate::service) async fn certify(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
    evidence: Option<&str>,
) -> Result<Reply, Stop> {
    set(
        scope,
        named_team,
        person,
        capability,
        Level::Mastery,
        evidence,
        true,
    )
    .await
}

async fn set(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
    level: Level,
    evidence: Option<&str>,
    certified: bool,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let cap = scope.capability(capability).await?;
    let set = LevelSet::new(&who.user_id, &cap.name, level, evidence).map_err(refused)?;
    let mut confirmation = Text::new()
        .plain(if certified { "Certified " } else { "Set " })
        .mention(who.user_id.clone())
        .plain(" at ")
        .strong(level.as_str())
        .plain(" in ")
        .strong(cap.name.clone());
    if let Some(evidence) = evidence {
        confirmation = confirmation
            .plain(" (evidence: ")
            .plain(evidence)
            .plain(")");
    }
    let decision = if certified {
        Decision::Certify(set)
    } else {
        Decision::Level(set)
    };
    let draft = Draft::new(
        decision,
        Some(who.id),
        Some(cap.id),
        confirmation.plain("."),
    );
    record(scope, &team, draft).await
}
