//! The organisation's scoreboard: every team's quarter side by side, riskiest first, rolled up,
//! with the coverage trend over the last four quarters, participation per ritual kind and the
//! budget each team used. What
//! `/cadence org`, an admin's App Home and `cadence report org` show.

use std::collections::HashMap;

use serde::Serialize;

use super::participation::Participation;
use super::team_quarter::{InterventionCounts, TeamQuarter, team_quarter};
use super::{OrgData, Quarter, TeamRecords, Window};
use crate::domain::budget::BudgetFigures;
use crate::domain::ids::TeamId;
use crate::domain::ritual::RitualKind;

/// How many quarters the coverage trend shows, the report's own last.
pub const TREND_QUARTERS: usize = 4;

/// The scoreboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgReport {
    /// The quarter, e.g. `2026Q4`.
    pub quarter: String,
    /// The last day read (the quarter's end, or today while it runs).
    pub as_of: chrono::NaiveDate,
    /// The role family the capabilities were limited to, if any.
    pub family: Option<String>,
    /// One row per team, riskiest first; teams with no data last.
    pub teams: Vec<TeamRow>,
    /// Every team added up.
    pub total: Totals,
    /// Capabilities at target over the last quarters, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Participation per ritual kind, most occurrences first.
    pub participation_by_kind: Vec<KindParticipation>,
    /// The workspace's currency, that spend is counted in.
    pub currency: String,
}

/// One team's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRow {
    /// The team's name.
    pub team: String,
    /// Whether anything was recorded for it; a row without data reads "no data".
    pub has_data: bool,
    /// The risk score the rows are sorted by.
    pub risk: u32,
    /// Targeted capabilities at the quarter's start.
    pub targeted_start: u32,
    /// Of those, at target then.
    pub at_target_start: u32,
    /// Targeted capabilities now (at the window's end).
    pub targeted: u32,
    /// Of those, at target.
    pub at_target: u32,
    /// People who reached mastery of something in the quarter.
    pub reached_mastery: u32,
    /// Single points of failure open now, by capability name.
    pub spofs_open: Vec<String>,
    /// Single points of failure opened in the quarter.
    pub spofs_opened: u32,
    /// Single points of failure closed in the quarter.
    pub spofs_closed: u32,
    /// Capabilities planned absences take below target in the next four weeks.
    pub dips_ahead: Vec<String>,
    /// Interventions done, due and overdue.
    pub interventions: InterventionCounts,
    /// Learning hours allocated in the quarter, in hundredths.
    pub hours_centi: i64,
    /// The team's budgets for the quarter and what was drawn from them.
    pub budget: BudgetFigures,
    /// Participation in the team's rituals.
    pub participation: Participation,
}

/// Every team added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Teams in the workspace.
    pub teams: u32,
    /// Teams with any data.
    pub teams_with_data: u32,
    /// Targeted capabilities at the quarter's start, summed over teams.
    pub targeted_start: u32,
    /// Of those, at target.
    pub at_target_start: u32,
    /// Targeted capabilities now, summed over teams.
    pub targeted: u32,
    /// Of those, at target.
    pub at_target: u32,
    /// People who reached mastery.
    pub reached_mastery: u32,
    /// Single points of failure open now.
    pub spofs_open: u32,
    /// Opened in the quarter.
    pub spofs_opened: u32,
    /// Closed in the quarter.
    pub spofs_closed: u32,
    /// Capabilities with dips ahead.
    pub dips_ahead: u32,
    /// Interventions.
    pub interventions: InterventionCounts,
    /// Learning hours, in hundredths.
    pub hours_centi: i64,
    /// Every team's budgets added up, each kind over the teams that have one.
    pub budget: BudgetFigures,
    /// Participation over every team's rituals.
    pub participation: Participation,
}

/// Capabilities at target at one quarter's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    /// The quarter.
    pub quarter: String,
    /// Targeted capabilities, summed over teams.
    pub targeted: u32,
    /// Of those, at target.
    pub at_target: u32,
}

impl TrendPoint {
    /// At target as a whole percentage of targeted; `None` when nothing was targeted.
    pub fn percent(&self) -> Option<u64> {
        crate::domain::percent::percent(u64::from(self.at_target), u64::from(self.targeted))
    }
}

/// Participation in one kind of ritual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindParticipation {
    /// The ritual kind.
    pub kind: RitualKind,
    /// Its participation.
    pub participation: Participation,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl TeamRow {
    /// The row for one team's quarter.
    pub fn of(data: &OrgData, quarter: &TeamQuarter<'_>) -> Self {
        let names = |ids: &mut dyn Iterator<Item = crate::domain::ids::CapabilityId>| {
            let mut names: Vec<String> = ids.map(|c| data.capability_name(c)).collect();
            names.sort_by_key(|n| n.to_lowercase());
            names
        };
        TeamRow {
            team: quarter.team.name.clone(),
            has_data: quarter.has_data(),
            risk: quarter.risk(),
            targeted_start: count(quarter.start.len()),
            at_target_start: count(quarter.at_target_start()),
            targeted: count(quarter.end.len()),
            at_target: count(quarter.at_target()),
            reached_mastery: count(quarter.people_reached()),
            spofs_open: names(
                &mut quarter
                    .end
                    .iter()
                    .filter(|c| c.is_single_point_of_failure())
                    .map(|c| c.capability),
            ),
            spofs_opened: count(quarter.spofs_opened.len()),
            spofs_closed: count(quarter.spofs_closed.len()),
            dips_ahead: names(&mut quarter.dips_ahead.iter().copied()),
            interventions: quarter.interventions,
            hours_centi: quarter.hours_centi(),
            // The quarter is the report's: `org_report` fills it in.
            budget: BudgetFigures::default(),
            participation: quarter.participation(),
        }
    }
}

/// The scoreboard for `window`, limited to capabilities of `family` when given.
pub fn org_report(data: &OrgData, window: Window, family: Option<&str>) -> OrgReport {
    let records = data.records_by_team();
    let none = TeamRecords::default();
    let quarters: Vec<TeamQuarter<'_>> = data
        .teams
        .iter()
        .map(|team| {
            let own = records.get(&team.id).unwrap_or(&none);
            team_quarter(data, team, own, window, family)
        })
        .collect();
    // The first of a team's budgets for the quarter, should there be more than one.
    let mut budgets: HashMap<TeamId, BudgetFigures> = HashMap::new();
    for (team, used) in data.budgets.iter().rev() {
        if used.quarter == window.quarter {
            budgets.insert(*team, BudgetFigures::of(used));
        }
    }
    let mut teams: Vec<TeamRow> = quarters
        .iter()
        .map(|q| TeamRow {
            budget: budgets.get(&q.team.id).copied().unwrap_or_default(),
            ..TeamRow::of(data, q)
        })
        .collect();
    teams.sort_by(|a, b| {
        b.has_data
            .cmp(&a.has_data)
            .then(b.risk.cmp(&a.risk))
            .then_with(|| a.team.to_lowercase().cmp(&b.team.to_lowercase()))
    });

    let mut total = Totals {
        teams: count(teams.len()),
        participation: Participation::of(
            quarters.iter().flat_map(|q| q.occurrences.iter().copied()),
        ),
        ..Totals::default()
    };
    for row in &teams {
        total.teams_with_data += u32::from(row.has_data);
        total.targeted_start += row.targeted_start;
        total.at_target_start += row.at_target_start;
        total.targeted += row.targeted;
        total.at_target += row.at_target;
        total.reached_mastery += row.reached_mastery;
        total.spofs_open += count(row.spofs_open.len());
        total.spofs_opened += row.spofs_opened;
        total.spofs_closed += row.spofs_closed;
        total.dips_ahead += count(row.dips_ahead.len());
        total.interventions.done += row.interventions.done;
        total.interventions.due += row.interventions.due;
        total.interventions.overdue += row.interventions.overdue;
        total.hours_centi += row.hours_centi;
        total.budget.add(&row.budget);
    }

    let mut participation_by_kind: Vec<KindParticipation> = RitualKind::ALL
        .iter()
        .map(|kind| KindParticipation {
            kind: *kind,
            participation: Participation::of(
                quarters
                    .iter()
                    .flat_map(|q| q.occurrences.iter().copied())
                    .filter(|o| o.kind == *kind),
            ),
        })
        .filter(|k| k.participation.occurrences > 0)
        .collect();
    participation_by_kind.sort_by(|a, b| {
        b.participation
            .occurrences
            .cmp(&a.participation.occurrences)
    });

    OrgReport {
        quarter: window.quarter.to_string(),
        as_of: window.as_of_day(),
        family: family.map(str::to_owned),
        teams,
        total,
        trend: trend(data, window, family),
        participation_by_kind,
        currency: data.currency.clone(),
    }
}

/// Capabilities at target at the end of each of the last [`TREND_QUARTERS`] quarters.
fn trend(data: &OrgData, window: Window, family: Option<&str>) -> Vec<TrendPoint> {
    let mut quarters: Vec<Quarter> = vec![window.quarter];
    while quarters.len() < TREND_QUARTERS {
        let earliest = quarters[quarters.len() - 1];
        quarters.push(earliest.previous());
    }
    quarters.reverse();
    let instants: Vec<_> = quarters
        .iter()
        .map(|quarter| Window::new(*quarter, window.as_of).as_of)
        .collect();
    let mut points: Vec<TrendPoint> = quarters
        .iter()
        .map(|quarter| TrendPoint {
            quarter: quarter.to_string(),
            targeted: 0,
            at_target: 0,
        })
        .collect();
    for team in &data.teams {
        let each = data.history.targeted_at_each(team.id, &instants, family);
        for (point, capabilities) in points.iter_mut().zip(each) {
            point.targeted += count(capabilities.len());
            point.at_target += count(capabilities.iter().filter(|c| c.meets_target()).count());
        }
    }
    points
}
