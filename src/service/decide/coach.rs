//! `coach @person "capability" ["note"]`: a coaching moment, usually from a pipeline call.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::UserRef;
use crate::domain::decision::{Coach, Decision};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Records the coaching moment.
pub(in crate::service) async fn coach(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
    note: Option<&str>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let known = scope.maybe_capability(capability).await?;
    let decision = Coach::new(&who.user_id, capability, note).map_err(refused)?;
    let mut confirmation = Text::new()
        .plain("Captured a coaching moment for ")
        .mention(who.user_id.clone())
        .plain(" on ")
        .strong(capability);
    if let Some(note) = note {
        confirmation = confirmation.plain(": ").plain(note);
    }
    let draft = Draft::new(
        Decision::Coach(decision),
        Some(who.id),
        known.map(|c| c.id),
        confirmation.plain("."),
    );
    record(scope, &team, draft).await
}
