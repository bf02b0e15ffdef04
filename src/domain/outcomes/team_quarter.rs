//! One team's quarter: the figures both the organisation's scoreboard and a manager's scorecard
//! are made of, worked out once from [`OrgData`].

use std::collections::HashMap;

use serde::Serialize;

use super::history::{CapabilityAt, LevelEvent};
use super::participation::Participation;
use super::{
    HoursRecord, InterventionStatus, OccurrenceRecord, OrgData, TeamInfo, TeamRecords, Window,
};
use crate::domain::coverage::{CapabilityTarget, CoverageInputs, Master, coverage_report};
use crate::domain::ids::{CapabilityId, PersonId};

/// Interventions counted for a quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InterventionCounts {
    /// Done, due in the quarter (or planned in it, without a due date).
    pub done: u32,
    /// Still planned, due between now and the quarter's end.
    pub due: u32,
    /// Still planned, past their due date.
    pub overdue: u32,
}

/// One team's quarter.
#[derive(Debug, Clone)]
pub struct TeamQuarter<'a> {
    /// The team.
    pub team: &'a TeamInfo,
    /// Targeted capabilities when the quarter started.
    pub start: Vec<CapabilityAt>,
    /// Targeted capabilities at the window's end.
    pub end: Vec<CapabilityAt>,
    /// Decisions that took a member to mastery in the quarter.
    pub reached: Vec<&'a LevelEvent>,
    /// Capabilities that became a single point of failure in the quarter (one entry each time).
    pub spofs_opened: Vec<CapabilityId>,
    /// Capabilities that stopped being one in the quarter, while still targeted.
    pub spofs_closed: Vec<CapabilityId>,
    /// Targeted capabilities whose planned absences leave them below target in the four weeks
    /// after the window's end.
    pub dips_ahead: Vec<CapabilityId>,
    /// Interventions.
    pub interventions: InterventionCounts,
    /// Hours allocated in the quarter.
    pub hours: Vec<&'a HoursRecord>,
    /// The team's ritual occurrences in the quarter.
    pub occurrences: Vec<&'a OccurrenceRecord>,
}

impl TeamQuarter<'_> {
    /// Targeted capabilities at the end that meet their target.
    pub fn at_target(&self) -> usize {
        self.end.iter().filter(|c| c.meets_target()).count()
    }

    /// Targeted capabilities at the start that met their target.
    pub fn at_target_start(&self) -> usize {
        self.start.iter().filter(|c| c.meets_target()).count()
    }

    /// Single points of failure open at the end.
    pub fn spofs_open(&self) -> usize {
        self.end
            .iter()
            .filter(|c| c.is_single_point_of_failure())
            .count()
    }

    /// Distinct people who reached mastery of something.
    pub fn people_reached(&self) -> usize {
        let mut people: Vec<PersonId> = self.reached.iter().map(|e| e.person).collect();
        people.sort_unstable();
        people.dedup();
        people.len()
    }

    /// Hours allocated, in hundredths.
    pub fn hours_centi(&self) -> i64 {
        self.hours.iter().map(|h| h.hours_centi).sum()
    }

    /// Participation in the team's rituals.
    pub fn participation(&self) -> Participation {
        Participation::of(self.occurrences.iter().copied())
    }

    /// Whether anything at all was recorded for the team: a team with nothing is shown as
    /// "no data", not as zeros that read like failure.
    pub fn has_data(&self) -> bool {
        !self.start.is_empty()
            || !self.end.is_empty()
            || !self.reached.is_empty()
            || !self.hours.is_empty()
            || !self.occurrences.is_empty()
            || self.interventions != InterventionCounts::default()
    }

    /// How much attention the team needs, highest first: open single points of failure weigh
    /// most, then capabilities below target, dips ahead, overdue interventions, and prompts
    /// left mostly unanswered.
    pub fn risk(&self) -> u32 {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let below = count(self.end.len() - self.at_target());
        let unanswered = match self.participation().percent() {
            Some(p) if p < 50 => 1,
            _ => 0,
        };
        count(self.spofs_open()) * 3
            + below * 2
            + count(self.dips_ahead.len())
            + self.interventions.overdue
            + unanswered
    }
}

/// Works out `team`'s quarter in `window`, counting only capabilities of `family` when given;
/// `records` are the team's own (from [`OrgData::records_by_team`]).
pub fn team_quarter<'a>(
    data: &'a OrgData,
    team: &'a TeamInfo,
    records: &TeamRecords<'a>,
    window: Window,
    family: Option<&str>,
) -> TeamQuarter<'a> {
    let history = &data.history;
    let samples = window.samples();
    let mut spofs_opened = Vec::new();
    let mut spofs_closed = Vec::new();
    let mut previous: Option<Vec<CapabilityAt>> = None;
    let mut start = Vec::new();
    let mut end = Vec::new();
    let at_samples = history.targeted_at_each(team.id, &samples, family);
    for (i, now) in at_samples.into_iter().enumerate() {
        if let Some(before) = &previous {
            let was: HashMap<CapabilityId, bool> = before
                .iter()
                .map(|c| (c.capability, c.is_single_point_of_failure()))
                .collect();
            for c in &now {
                match (was.get(&c.capability), c.is_single_point_of_failure()) {
                    (Some(false) | None, true) => spofs_opened.push(c.capability),
                    (Some(true), false) => spofs_closed.push(c.capability),
                    _ => {}
                }
            }
        } else {
            // A capability already one when the quarter starts was opened before it.
            start = now.clone();
        }
        if i + 1 == samples.len() {
            end = now.clone();
        }
        previous = Some(now);
    }

    let dips_ahead = dips_ahead(data, &end, window);
    let (from, until) = (window.from(), window.until());
    let today = window.as_of_day();
    let mut interventions = InterventionCounts::default();
    for record in &records.interventions {
        let in_quarter = match record.due {
            Some(due) => window.quarter.first_day() <= due && due <= window.quarter.last_day(),
            None => window.quarter.contains(record.planned_at),
        };
        match record.status {
            InterventionStatus::Done if in_quarter => interventions.done += 1,
            InterventionStatus::Planned if record.planned_at < until => match record.due {
                Some(due) if due < today => interventions.overdue += 1,
                Some(due) if due <= window.quarter.last_day() => interventions.due += 1,
                _ => {}
            },
            _ => {}
        }
    }
    TeamQuarter {
        team,
        start,
        end,
        reached: history.reached_mastery(team.id, from, until, family),
        spofs_opened,
        spofs_closed,
        dips_ahead,
        interventions,
        hours: records
            .hours
            .iter()
            .copied()
            .filter(|h| from <= h.evidence.at && h.evidence.at < until)
            .collect(),
        occurrences: records
            .occurrences
            .iter()
            .copied()
            .filter(|o| from <= o.happened_at && o.happened_at < until)
            .collect(),
    }
}

/// Targeted capabilities that planned absences take below target in the four weeks after the
/// window's end, found with the same rule the digest uses.
fn dips_ahead(data: &OrgData, end: &[CapabilityAt], window: Window) -> Vec<CapabilityId> {
    let inputs = CoverageInputs {
        capabilities: end
            .iter()
            .map(|c| CapabilityTarget {
                capability: c.capability,
                name: data.capability_name(c.capability),
                target: Some(c.target),
            })
            .collect(),
        masters: end
            .iter()
            .flat_map(|c| {
                c.masters.iter().map(|p| Master {
                    capability: c.capability,
                    person: *p,
                    name: data.person_name(*p),
                    absences: data.absences.get(p).cloned().unwrap_or_default(),
                })
            })
            .collect(),
        masters_week_ago: Vec::new(),
        learners: Vec::new(),
    };
    coverage_report(&inputs, window.as_of_day())
        .into_iter()
        .filter(|r| !r.dips.is_empty())
        .map(|r| r.today.capability)
        .collect()
}
