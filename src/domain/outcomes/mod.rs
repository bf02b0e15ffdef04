//! Outcomes upward: what the decision log says about capability, participation and money, for
//! the people who steer manager-led learning (L&D, leadership) rather than run a team.
//!
//! The store reads one tenant's log into [`OrgData`]; from it, [`team_quarter`] works out one
//! team's quarter (coverage at its start and end, mastery reached, single points of failure
//! opened and closed, dips ahead, interventions, hours, participation, budget used); the
//! [`scoreboard`] rolls teams up for the organisation and the [`scorecard`] says it per manager,
//! each figure with the decisions behind it. Nothing is stored, so every figure can be rebuilt
//! from the log at any date.

pub mod history;
pub mod participation;
pub mod quarter;
pub mod scoreboard;
pub mod scorecard;
pub mod team_quarter;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::command::DateRange;
use crate::domain::ids::{CapabilityId, PersonId, TeamId};
pub use history::{Evidence, History};
pub use participation::{OccurrenceRecord, Participation};
pub use quarter::Quarter;
pub use team_quarter::{TeamQuarter, team_quarter};

/// How much of each decision behind a figure a report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDetail {
    /// Only what the figures are made of: each decision's id and instant, no words. The
    /// scoreboard, and scorecards printed without their evidence.
    Figures,
    /// The figures and, for each decision, what it said, who made it and in which ritual.
    Evidence,
}

/// A team, as the reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInfo {
    /// Which team.
    pub id: TeamId,
    /// Its name.
    pub name: String,
}

/// Where a planned intervention stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    /// Planned, not yet done.
    Planned,
    /// Done.
    Done,
    /// Called off.
    Cancelled,
}

/// A planned intervention, as the reports count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionRecord {
    /// Whose team.
    pub team: TeamId,
    /// Where it stands.
    pub status: InterventionStatus,
    /// When it is due, if a date was given.
    pub due: Option<NaiveDate>,
    /// When it was planned.
    pub planned_at: DateTime<Utc>,
}

/// Learning hours allocated by one decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursRecord {
    /// Whose team.
    pub team: TeamId,
    /// Hours in hundredths.
    pub hours_centi: i64,
    /// The decision.
    pub evidence: Evidence,
}

/// Everything the organisation's reports read for one tenant.
#[derive(Debug, Clone, Default)]
pub struct OrgData {
    /// Every team.
    pub teams: Vec<TeamInfo>,
    /// Display names of people.
    pub people: HashMap<PersonId, String>,
    /// People's platform user ids (Slack `U…`, Teams AAD object ids).
    pub user_ids: HashMap<PersonId, String>,
    /// Capability names.
    pub capabilities: HashMap<CapabilityId, String>,
    /// Levels, targets and who was on which team when.
    pub history: History,
    /// Planned absences per person.
    pub absences: HashMap<PersonId, Vec<DateRange>>,
    /// Ritual occurrences that expect an artefact, and what came of their prompts.
    pub occurrences: Vec<OccurrenceRecord>,
    /// Planned interventions.
    pub interventions: Vec<InterventionRecord>,
    /// Learning hours allocated in the window read (earlier ones count in no report).
    pub hours: Vec<HoursRecord>,
    /// Teams' budgets per quarter, with what was drawn from them.
    pub budgets: Vec<(TeamId, crate::domain::budget::BudgetUse)>,
    /// The workspace's currency, that spend is counted in.
    pub currency: String,
}

/// One team's occurrences, hours and interventions, found once for all teams so that working
/// out every team's quarter reads each record once.
#[derive(Debug, Clone, Default)]
pub struct TeamRecords<'a> {
    /// Ritual occurrences.
    pub occurrences: Vec<&'a OccurrenceRecord>,
    /// Hours allocated.
    pub hours: Vec<&'a HoursRecord>,
    /// Planned interventions.
    pub interventions: Vec<&'a InterventionRecord>,
}

impl OrgData {
    /// Every team's records, by team.
    pub fn records_by_team(&self) -> HashMap<TeamId, TeamRecords<'_>> {
        let mut by_team: HashMap<TeamId, TeamRecords<'_>> = HashMap::new();
        for o in &self.occurrences {
            by_team.entry(o.team).or_default().occurrences.push(o);
        }
        for h in &self.hours {
            by_team.entry(h.team).or_default().hours.push(h);
        }
        for i in &self.interventions {
            by_team.entry(i.team).or_default().interventions.push(i);
        }
        by_team
    }

    /// A person's display name, or their id when it is unknown.
    pub fn person_name(&self, person: PersonId) -> String {
        self.people
            .get(&person)
            .cloned()
            .unwrap_or_else(|| format!("person {}", person.0))
    }

    /// A capability's name, or its id when it is unknown.
    pub fn capability_name(&self, capability: CapabilityId) -> String {
        self.capabilities
            .get(&capability)
            .cloned()
            .unwrap_or_else(|| format!("capability {}", capability.0))
    }
}

/// The period a report reads: a quarter, up to `as_of` when the quarter is not over yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The quarter.
    pub quarter: Quarter,
    /// The last instant read: the quarter's end, or now while it runs.
    pub as_of: DateTime<Utc>,
}

impl Window {
    /// `quarter`, read as of `now`.
    pub fn new(quarter: Quarter, now: DateTime<Utc>) -> Self {
        let end = quarter.ends_at() - Duration::milliseconds(1);
        Window {
            quarter,
            as_of: now.min(end),
        }
    }

    /// When the quarter started.
    pub fn from(&self) -> DateTime<Utc> {
        self.quarter.starts_at()
    }

    /// Just after `as_of`: the end of the half-open range `[from, until)` the window covers.
    pub fn until(&self) -> DateTime<Utc> {
        self.as_of + Duration::milliseconds(1)
    }

    /// The day of `as_of` (UTC).
    pub fn as_of_day(&self) -> NaiveDate {
        self.as_of.date_naive()
    }

    /// Whether the quarter had begun by `now` at all.
    pub fn has_begun(&self) -> bool {
        self.as_of >= self.from()
    }

    /// The instants the quarter's weekly samples are taken at: its start, every seven days,
    /// and `as_of`.
    pub fn samples(&self) -> Vec<DateTime<Utc>> {
        let mut at = self.from();
        let mut samples = Vec::new();
        while at < self.as_of {
            samples.push(at);
            at += Duration::days(7);
        }
        samples.push(self.as_of);
        samples
    }
}
