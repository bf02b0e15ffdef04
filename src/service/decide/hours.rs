//! `hours @person N [sprint "name" | week YYYY-MM-DD]`: learning hours allocated inside a
//! sprint's or a week's capacity, drawn from the team's hours budget for the quarter.

use chrono::{Datelike, Duration, NaiveDate};

use super::budget::record_allocation;
use super::{Draft, Right, refused, team_for};
use crate::domain::command::{Hours, Period, UserRef};
use crate::domain::decision::payload::format_hours;
use crate::domain::decision::{Allocation, Decision, HoursAllocated, PeriodKind};
use crate::domain::limits::WEEK_HOURS_MAX;
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Allocates the hours; no period means the current week in the team's time zone.
pub(in crate::service) async fn hours(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    hours: Hours,
    period: Option<&Period>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let who = scope.member(&team, person).await?;
    let (kind, label) = match period {
        Some(Period::Sprint(name)) => (PeriodKind::Sprint, name.clone()),
        Some(Period::Week(day)) => (PeriodKind::Week, monday_of(*day).to_string()),
        None => (PeriodKind::Week, monday_of(scope.today(&team)).to_string()),
    };
    let allocated = HoursAllocated::new(&who.user_id, hours, kind, &label).map_err(refused)?;
    if kind == PeriodKind::Week {
        let already = scope
            .store()
            .week_hours(scope.tenant, who.id, &label)
            .await?;
        let cap = u64::from(WEEK_HOURS_MAX) * 100;
        if already + u64::from(hours.centi) > cap {
            let left = Hours {
                centi: u32::try_from(cap.saturating_sub(already)).unwrap_or(0),
            };
            let text = Text::new().mention(who.user_id.clone()).plain(format!(
                " already has {} learning hours in the week of {label}; a week holds at most \
                     {WEEK_HOURS_MAX}, so {} remain. Nothing was recorded.",
                format_hours(Hours {
                    centi: u32::try_from(already).unwrap_or(u32::MAX)
                }),
                format_hours(left)
            ));
            return Err(Reply::invalid(text).into());
        }
    }
    let period_text = match kind {
        PeriodKind::Sprint => format!("sprint {label}"),
        PeriodKind::Week => format!("the week of {label}"),
    };
    let confirmation = Text::new()
        .plain(format!(
            "Allocated {} learning hours to ",
            format_hours(hours)
        ))
        .mention(who.user_id.clone())
        .plain(" in ")
        .plain(period_text)
        .plain(".");
    let asked = Allocation::Hours(allocated.clone());
    let draft = Draft::new(Decision::Hours(allocated), Some(who.id), None, confirmation);
    let settings = scope.store().settings(scope.tenant).await?;
    record_allocation(scope, (&team, &settings), draft, asked).await
}

/// The Monday of the week `day` falls in.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let wed: NaiveDate = "2026-11-25".parse().expect("date");
        assert_eq!(monday_of(wed).to_string(), "2026-11-23");
        assert_eq!(monday_of(monday_of(wed)), monday_of(wed));
    }
}
