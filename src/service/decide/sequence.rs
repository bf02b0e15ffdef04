//! `sequence FAMILY: a > b > "c d"`: the order a role family learns its capabilities in.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::decision::{Decision, Sequence};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Replaces the family's skill order; every capability must be in the library.
pub(in crate::service) async fn sequence(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    family: &str,
    capabilities: &[String],
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let mut found = Vec::with_capacity(capabilities.len());
    let mut missing = Vec::new();
    for name in capabilities {
        match scope.maybe_capability(name).await? {
            Some(cap) => found.push((cap.name, cap.id)),
            None => missing.push(name.clone()),
        }
    }
    if !missing.is_empty() {
        if let [only] = missing.as_slice() {
            // One unknown name gets the full "did you mean" answer.
            scope.capability(only).await?;
        }
        let text = Text::new()
            .plain("These aren't in the capability library yet: ")
            .strong(missing.join(", "))
            .plain(". Add them with ")
            .command("capability add \"name\" \"what it means\"")
            .plain(" first. Nothing was recorded.");
        return Err(Reply::invalid(text).into());
    }
    let sequence = Sequence::new(family, &found).map_err(refused)?;
    let confirmation = Text::new()
        .plain("Skill order for ")
        .strong(family)
        .plain(" in ")
        .strong(team.name.clone())
        .plain(": ")
        .plain(sequence.capabilities.join(" → "))
        .plain(".");
    let draft = Draft::new(Decision::Sequence(sequence), None, None, confirmation);
    record(scope, &team, draft).await
}
