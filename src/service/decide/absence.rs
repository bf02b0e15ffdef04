//! `away @person YYYY-MM-DD[..YYYY-MM-DD]`: a planned absence, so coverage dips show ahead.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::{DateRange, UserRef};
use crate::domain::decision::{Absence, Decision};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Records the absence.
pub(in crate::service) async fn away(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    dates: DateRange,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let absence = Absence::new(&who.user_id, dates).map_err(refused)?;
    let confirmation = Text::new()
        .plain("Noted: ")
        .mention(who.user_id.clone())
        .plain(format!(
            " is away {}. Coverage on those days counts without them.",
            describe(&dates)
        ));
    let draft = Draft::new(Decision::Absence(absence), Some(who.id), None, confirmation);
    record(scope, &team, draft).await
}

fn describe(dates: &DateRange) -> String {
    if dates.from == dates.to {
        format!("on {}", dates.from)
    } else {
        format!("from {} to {}", dates.from, dates.to)
    }
}
