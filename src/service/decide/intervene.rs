//! `intervene @person "capability" via "means" [by YYYY-MM-DD]`: an intervention planned.

use chrono::NaiveDate;

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, Intervene};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Records the intervention; the due date may not be in the past in the team's time zone.
pub(in crate::service) async fn intervene(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    capability: &str,
    means: &str,
    due: Option<NaiveDate>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let cap = scope.capability(capability).await?;
    let decision =
        Intervene::new(&who.user_id, &cap.name, means, due, scope.today(&team)).map_err(refused)?;
    let mut confirmation = Text::new()
        .plain("Planned an intervention for ")
        .mention(who.user_id.clone())
        .plain(" on ")
        .strong(cap.name.clone())
        .plain(" via ")
        .plain(means);
    if let Some(due) = due {
        confirmation = confirmation.plain(format!(", due {due}"));
    }
    let draft = Draft::new(
        Decision::Intervene(decision),
        Some(who.id),
        Some(cap.id),
        confirmation.plain("."),
    );
    record(scope, &team, draft).await
}
