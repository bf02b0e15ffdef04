//! Manager scorecards for performance calibration: per manager and quarter, outcome lines only
//! (people at mastery against target, single points of failure closed, capabilities at target,
//! learning hours, participation), each with the decisions behind it. No completion counts:
//! a course finished is not a capability gained.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::history::{Evidence, StintRole};
use super::participation::duration;
use super::team_quarter::{TeamQuarter, team_quarter};
use super::{OrgData, ReportDetail, TeamInfo, TeamRecords, Window};

use crate::domain::ids::{CapabilityId, PersonId, TeamId};

/// One manager's scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    /// The manager's platform user id.
    pub manager_id: String,
    /// Their display name.
    pub manager: String,
    /// The quarter.
    pub quarter: String,
    /// The last day read.
    pub as_of: chrono::NaiveDate,
    /// Outcome lines, team by team.
    pub lines: Vec<ScoreLine>,
}

/// What a line measures; the CSV's `measure` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// People at mastery of one capability, start → end, against the target.
    PeopleAtMastery,
    /// Targeted capabilities at target, of those targeted.
    CapabilitiesAtTarget,
    /// Single points of failure closed in the quarter.
    SinglePointsOfFailureClosed,
    /// Single points of failure opened in the quarter.
    SinglePointsOfFailureOpened,
    /// Learning hours allocated inside sprint capacity.
    LearningHours,
    /// Ritual prompts answered, of occurrences.
    RitualsAnswered,
    /// The median minutes from ritual to first decision.
    MedianMinutesToDecision,
}

impl Measure {
    /// The stable name the CSV and JSON use.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::PeopleAtMastery => "people_at_mastery",
            Measure::CapabilitiesAtTarget => "capabilities_at_target",
            Measure::SinglePointsOfFailureClosed => "single_points_of_failure_closed",
            Measure::SinglePointsOfFailureOpened => "single_points_of_failure_opened",
            Measure::LearningHours => "learning_hours",
            Measure::RitualsAnswered => "rituals_answered",
            Measure::MedianMinutesToDecision => "median_minutes_to_decision",
        }
    }
}

/// One outcome line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreLine {
    /// The team it is about.
    pub team: String,
    /// What it measures.
    pub measure: Measure,
    /// The capability, for per-capability lines.
    pub capability: Option<String>,
    /// The value when the quarter started, where that is meaningful.
    pub start: Option<i64>,
    /// The value at the window's end (hours in hundredths are given as whole hours here only
    /// when whole; see `text`).
    pub value: String,
    /// What `value` is out of ("3 of 5"), where it is a share.
    pub of: Option<i64>,
    /// The target, for people at mastery.
    pub target: Option<u32>,
    /// The line as people read it.
    pub text: String,
    /// The decisions behind it.
    pub evidence: Vec<Evidence>,
}

/// Scorecards for everyone who managed a team in the window (or only for `manager`), by name.
pub fn scorecards(data: &OrgData, window: Window, manager: Option<PersonId>) -> Vec<Scorecard> {
    each_scorecard(data, window, manager, ReportDetail::Evidence).collect()
}

/// The same scorecards as [`scorecards`], in the same order, each worked out only when the
/// iterator gets to it, so they can be printed as they come; with [`ReportDetail::Figures`],
/// their lines carry no evidence.
pub fn each_scorecard(
    data: &OrgData,
    window: Window,
    manager: Option<PersonId>,
    detail: ReportDetail,
) -> impl Iterator<Item = Scorecard> + '_ {
    let records = data.records_by_team();
    managers(data, window, manager)
        .into_iter()
        .map(move |(person, teams)| scorecard(data, &records, window, person, &teams, detail))
}

/// Everyone who managed a team in the window (or only `manager`), in the order their
/// scorecards are printed (by name), each with the teams they managed (by name). Found in one
/// pass over the teams, so the organisation's scorecards cost no more than its teams.
pub fn managers(
    data: &OrgData,
    window: Window,
    manager: Option<PersonId>,
) -> Vec<(PersonId, Vec<&TeamInfo>)> {
    let (from, until) = (window.from(), window.until());
    let mut teams_of: BTreeMap<PersonId, Vec<&TeamInfo>> = BTreeMap::new();
    for team in &data.teams {
        let mut managers: Vec<PersonId> = data
            .history
            .stints(team.id)
            .iter()
            .filter(|s| s.role == StintRole::Manager && s.overlaps(from, until))
            .map(|s| s.person)
            .filter(|p| manager.is_none_or(|m| m == *p))
            .collect();
        managers.sort_unstable();
        managers.dedup();
        for person in managers {
            teams_of.entry(person).or_default().push(team);
        }
    }
    let mut managers: Vec<(PersonId, Vec<&TeamInfo>)> = teams_of.into_iter().collect();
    for (_, teams) in &mut managers {
        teams.sort_by_key(|t| t.name.to_lowercase());
    }
    managers.sort_by_cached_key(|(person, _)| data.person_name(*person).to_lowercase());
    managers
}

/// One manager's scorecard: a block of lines for each of `teams`, the teams they managed in
/// the window (from [`managers`]); `records` from [`OrgData::records_by_team`]; the lines'
/// evidence only with [`ReportDetail::Evidence`].
pub fn scorecard<'a>(
    data: &'a OrgData,
    records: &HashMap<TeamId, TeamRecords<'a>>,
    window: Window,
    manager: PersonId,
    teams: &[&'a TeamInfo],
    detail: ReportDetail,
) -> Scorecard {
    let none = TeamRecords::default();
    let lines = teams
        .iter()
        .flat_map(|team| {
            let own = records.get(&team.id).unwrap_or(&none);
            let quarter = team_quarter(data, team, own, window, None);
            let mut lines = team_lines(data, &quarter, window, detail);
            if detail == ReportDetail::Figures {
                // Some evidence is cheaper to drop than to leave out as it is made.
                lines.iter_mut().for_each(|l| l.evidence = Vec::new());
            }
            lines
        })
        .collect();
    Scorecard {
        manager_id: data.user_ids.get(&manager).cloned().unwrap_or_default(),
        manager: data.person_name(manager),
        quarter: window.quarter.to_string(),
        as_of: window.as_of_day(),
        lines,
    }
}

fn signed(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A team's outcome lines.
fn team_lines(
    data: &OrgData,
    quarter: &TeamQuarter<'_>,
    window: Window,
    detail: ReportDetail,
) -> Vec<ScoreLine> {
    let team = TeamLines {
        data,
        quarter,
        window,
        detail,
    };
    let mut lines = team.people_at_mastery();
    lines.extend(team.capabilities_at_target());
    lines.extend(team.single_points_of_failure());
    lines.push(team.learning_hours());
    lines.extend(team.participation());
    lines
}

/// What one team's lines are written from.
struct TeamLines<'q, 'a> {
    data: &'a OrgData,
    quarter: &'q TeamQuarter<'a>,
    window: Window,
    detail: ReportDetail,
}

impl TeamLines<'_, '_> {
    /// A line about the team with only its measure and text set.
    fn line(&self, measure: Measure, text: String) -> ScoreLine {
        ScoreLine {
            team: self.quarter.team.name.clone(),
            measure,
            capability: None,
            start: None,
            value: String::new(),
            of: None,
            target: None,
            text,
            evidence: Vec::new(),
        }
    }

    /// The level decisions about `capability` for the team's people in the quarter.
    fn level_evidence(&self, capability: CapabilityId) -> Vec<Evidence> {
        if self.detail == ReportDetail::Figures {
            return Vec::new();
        }
        self.data
            .history
            .level_events(
                self.quarter.team.id,
                capability,
                self.window.from(),
                self.window.until(),
            )
            .into_iter()
            .map(|e| e.evidence.clone())
            .collect()
    }

    /// People at mastery per capability targeted at the start or the end.
    fn people_at_mastery(&self) -> Vec<ScoreLine> {
        let (data, quarter, window) = (self.data, self.quarter, self.window);
        let (from, until) = (window.from(), window.until());
        let history = &data.history;
        let mut lines = Vec::new();
        let mut capabilities: Vec<CapabilityId> = quarter
            .start
            .iter()
            .chain(&quarter.end)
            .map(|c| c.capability)
            .collect();
        capabilities.sort_by_key(|c| data.capability_name(*c).to_lowercase());
        capabilities.dedup();
        for capability in capabilities {
            let name = data.capability_name(capability);
            let start = quarter.start.iter().find(|c| c.capability == capability);
            let end = quarter.end.iter().find(|c| c.capability == capability);
            let before = start.map_or(0, |c| c.masters.len());
            let now = match end {
                Some(c) => c.masters.len(),
                None => history
                    .members_at(quarter.team.id, window.as_of)
                    .into_iter()
                    .filter(|p| {
                        history.level_at(*p, capability, window.as_of)
                            == crate::domain::Level::Mastery
                    })
                    .count(),
            };
            let target = end.map(|c| c.target);
            let target_words = match target {
                Some(t) => format!("target {t}"),
                None => "no longer targeted".to_owned(),
            };
            let mut evidence = self.level_evidence(capability);
            if self.detail == ReportDetail::Evidence {
                evidence.extend(
                    history
                        .target_events(quarter.team.id, from, until)
                        .into_iter()
                        .filter(|e| e.capability == capability)
                        .map(|e| e.evidence.clone()),
                );
            }
            evidence.sort_by_key(|e| (e.at, e.decision));
            lines.push(ScoreLine {
                capability: Some(name.clone()),
                start: Some(signed(before)),
                value: now.to_string(),
                target,
                evidence,
                ..self.line(
                    Measure::PeopleAtMastery,
                    format!("people at mastery of “{name}”: {before} → {now} ({target_words})"),
                )
            });
        }
        lines
    }

    /// Targeted capabilities at target, now and when the quarter began.
    fn capabilities_at_target(&self) -> Option<ScoreLine> {
        let quarter = self.quarter;
        if !quarter.end.is_empty() || !quarter.start.is_empty() {
            return Some(ScoreLine {
                start: Some(signed(quarter.at_target_start())),
                value: quarter.at_target().to_string(),
                of: Some(signed(quarter.end.len())),
                ..self.line(
                    Measure::CapabilitiesAtTarget,
                    format!(
                        "capabilities at target: {} of {} ({} of {} when the quarter began)",
                        quarter.at_target(),
                        quarter.end.len(),
                        quarter.at_target_start(),
                        quarter.start.len()
                    ),
                )
            });
        }
        None
    }

    /// Single points of failure closed and opened, naming the capabilities.
    fn single_points_of_failure(&self) -> Vec<ScoreLine> {
        let (data, quarter) = (self.data, self.quarter);
        let mut lines = Vec::new();
        for (measure, list, verb) in [
            (
                Measure::SinglePointsOfFailureClosed,
                &quarter.spofs_closed,
                "closed",
            ),
            (
                Measure::SinglePointsOfFailureOpened,
                &quarter.spofs_opened,
                "opened",
            ),
        ] {
            let mut names: Vec<String> = list.iter().map(|c| data.capability_name(*c)).collect();
            names.dedup();
            let mut text = format!("single points of failure {verb}: {}", list.len());
            if !names.is_empty() {
                text.push_str(&format!(" ({})", names.join(", ")));
            }
            let mut unique: Vec<CapabilityId> = list.clone();
            unique.sort_unstable();
            unique.dedup();
            let mut evidence: Vec<Evidence> = unique
                .into_iter()
                .flat_map(|c| self.level_evidence(c))
                .collect();
            evidence.sort_by_key(|e| (e.at, e.decision));
            lines.push(ScoreLine {
                value: list.len().to_string(),
                evidence,
                ..self.line(measure, text)
            });
        }
        lines
    }

    /// Learning hours allocated in the quarter.
    fn learning_hours(&self) -> ScoreLine {
        let quarter = self.quarter;
        let centi = quarter.hours_centi();
        ScoreLine {
            value: hours_value(centi),
            evidence: quarter.hours.iter().map(|h| h.evidence.clone()).collect(),
            ..self.line(
                Measure::LearningHours,
                format!(
                    "learning hours allocated inside sprint capacity: {}",
                    hours_value(centi)
                ),
            )
        }
    }

    /// Prompts answered and the median time to a decision.
    fn participation(&self) -> Vec<ScoreLine> {
        let quarter = self.quarter;
        let mut lines = Vec::new();
        let participation = quarter.participation();
        if participation.occurrences > 0 {
            let mut text = format!(
                "rituals answered: {} of {}",
                participation.answered, participation.occurrences
            );
            if let Some(m) = participation.median_minutes {
                text.push_str(&format!(", median {} after the meeting", duration(m)));
            }
            let with_evidence = self.detail == ReportDetail::Evidence;
            let evidence = quarter
                .occurrences
                .iter()
                .filter(|_| with_evidence)
                .filter_map(|o| {
                    let first = o.first_answer()?;
                    Some(Evidence {
                        decision: first.decision,
                        at: first.at,
                        what: format!(
                            "answered \"{}\" {} after the meeting",
                            o.title,
                            duration(o.minutes_to_answer().unwrap_or(0))
                        ),
                        by: first.by.clone(),
                        ritual: Some(o.ritual.clone()),
                    })
                })
                .collect();
            lines.push(ScoreLine {
                value: participation.answered.to_string(),
                of: Some(i64::from(participation.occurrences)),
                evidence,
                ..self.line(Measure::RitualsAnswered, text)
            });
            if let Some(m) = participation.median_minutes {
                lines.push(ScoreLine {
                    value: m.to_string(),
                    ..self.line(
                        Measure::MedianMinutesToDecision,
                        format!("median time from ritual to decision: {}", duration(m)),
                    )
                });
            }
        }
        lines
    }
}

/// Hundredths of an hour as a plain number: `46`, `1.5`.
fn hours_value(centi: i64) -> String {
    if centi % 100 == 0 {
        (centi / 100).to_string()
    } else {
        let text = format!("{}.{:02}", centi / 100, (centi % 100).abs());
        text.trim_end_matches('0').to_owned()
    }
}
