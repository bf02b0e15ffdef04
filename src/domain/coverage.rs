//! Coverage: the outcome Cadence reports. For each capability a team cares about, how many people
//! at mastery are available on a day, against how many the team needs.
//!
//! Computed from stored levels, memberships and absences every time it is asked for, so it can
//! never drift from the decisions that shaped it. [`coverage_on`] answers for one day;
//! [`coverage_report`] adds what the digest, `/cadence coverage` and App Home show around it:
//! the change since a week ago, dips ahead from planned absences, and who is on the way.

use chrono::{Duration, NaiveDate};

use super::Level;
use super::command::DateRange;
use super::ids::{CapabilityId, PersonId};

/// What coverage is computed from, as read from the store for one team.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageInputs {
    /// Capabilities the team has a target for or a master of.
    pub capabilities: Vec<CapabilityTarget>,
    /// Current team members at mastery, one entry per person and capability.
    pub masters: Vec<Master>,
    /// Who was a member at mastery a week ago, with their absences: the baseline for the
    /// change since last week.
    pub masters_week_ago: Vec<Master>,
    /// Current team members learning or practising a capability the team tracks.
    pub learners: Vec<Learner>,
}

/// A team member on the way to mastery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner {
    /// Which capability.
    pub capability: CapabilityId,
    /// Who.
    pub person: PersonId,
    /// Their display name.
    pub name: String,
    /// Learning or practising.
    pub level: Level,
}

/// A capability and the team's target for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityTarget {
    /// Which capability.
    pub capability: CapabilityId,
    /// Its name.
    pub name: String,
    /// How many masters the team needs; `None` when no target is set.
    pub target: Option<u32>,
}

/// A team member at mastery of a capability, with their recorded absences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Master {
    /// Which capability.
    pub capability: CapabilityId,
    /// Who.
    pub person: PersonId,
    /// Their display name.
    pub name: String,
    /// Days they are away.
    pub absences: Vec<DateRange>,
}

impl Master {
    /// Whether the person is at work on `day`.
    pub fn available_on(&self, day: NaiveDate) -> bool {
        !self.absences.iter().any(|a| a.from <= day && day <= a.to)
    }
}

/// Coverage of one capability on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityCoverage {
    /// Which capability.
    pub capability: CapabilityId,
    /// Its name.
    pub name: String,
    /// The target, if set.
    pub target: Option<u32>,
    /// Masters at work that day, by name.
    pub available: Vec<String>,
    /// Masters away that day, by name.
    pub away: Vec<String>,
}

impl CapabilityCoverage {
    /// Available masters divided by the target, as a whole percentage rounded half up (2 of
    /// 3 is 67); `None` without a positive target (a target of zero is always met).
    pub fn percent(&self) -> Option<u32> {
        let available = u64::try_from(self.available.len()).unwrap_or(u64::MAX);
        let whole = super::percent::percent(available, u64::from(self.target?))?;
        Some(u32::try_from(whole).unwrap_or(u32::MAX))
    }

    /// A targeted capability (target above zero) with at most one available master.
    pub fn is_single_point_of_failure(&self) -> bool {
        matches!(self.target, Some(t) if t > 0) && self.available.len() <= 1
    }

    /// Whether the team has as many available masters as it needs.
    pub fn meets_target(&self) -> bool {
        match self.target {
            Some(target) => self.available.len() >= usize::try_from(target).unwrap_or(usize::MAX),
            None => true,
        }
    }
}

/// Coverage of every capability in `inputs` on `day`, targeted capabilities first, then by name.
pub fn coverage_on(inputs: &CoverageInputs, day: NaiveDate) -> Vec<CapabilityCoverage> {
    let mut rows: Vec<CapabilityCoverage> = inputs
        .capabilities
        .iter()
        .map(|c| {
            let (available, away): (Vec<&Master>, Vec<&Master>) = inputs
                .masters
                .iter()
                .filter(|m| m.capability == c.capability)
                .partition(|m| m.available_on(day));
            CapabilityCoverage {
                capability: c.capability,
                name: c.name.clone(),
                target: c.target,
                available: available.into_iter().map(|m| m.name.clone()).collect(),
                away: away.into_iter().map(|m| m.name.clone()).collect(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.target
            .is_some()
            .cmp(&a.target.is_some())
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    rows
}

/// How many days ahead [`coverage_report`] looks for dips: four weeks.
pub const DIP_HORIZON_DAYS: i64 = 28;

/// A run of days on which planned absences leave a capability below its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dip {
    /// The first day of the run.
    pub from: NaiveDate,
    /// The last day of the run.
    pub to: NaiveDate,
    /// The fewest masters available on any day of the run.
    pub lowest: usize,
    /// Who is away at some point of the run, by name.
    pub away: Vec<String>,
}

/// Everything reported about one capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityReport {
    /// Coverage today.
    pub today: CapabilityCoverage,
    /// Masters who were available a week ago.
    pub week_ago: usize,
    /// Runs of days in the next [`DIP_HORIZON_DAYS`] below target because of absences.
    pub dips: Vec<Dip>,
    /// Who is learning or practising it, by name, practising first.
    pub in_progress: Vec<(String, Level)>,
}

impl CapabilityReport {
    /// Available masters today minus a week ago.
    pub fn change(&self) -> i64 {
        let now = i64::try_from(self.today.available.len()).unwrap_or(i64::MAX);
        now - i64::try_from(self.week_ago).unwrap_or(i64::MAX)
    }
}

/// Masters available per day of `range` for each capability in `inputs`: the time line the
/// report's dips come from. Capabilities in [`coverage_on`]'s order.
pub fn coverage_between(
    inputs: &CoverageInputs,
    range: DateRange,
) -> Vec<(CapabilityTarget, Vec<(NaiveDate, usize)>)> {
    let mut capabilities = inputs.capabilities.clone();
    capabilities.sort_by(|a, b| {
        b.target
            .is_some()
            .cmp(&a.target.is_some())
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    capabilities
        .into_iter()
        .map(|c| {
            let masters: Vec<&Master> = inputs
                .masters
                .iter()
                .filter(|m| m.capability == c.capability)
                .collect();
            let days = range
                .from
                .iter_days()
                .take_while(|day| *day <= range.to)
                .map(|day| (day, masters.iter().filter(|m| m.available_on(day)).count()))
                .collect();
            (c, days)
        })
        .collect()
}

/// The report for `today`: coverage now, the change since a week ago, dips in the next
/// [`DIP_HORIZON_DAYS`] days, and people in progress; capabilities in [`coverage_on`]'s order.
pub fn coverage_report(inputs: &CoverageInputs, today: NaiveDate) -> Vec<CapabilityReport> {
    let week_ago = today - Duration::days(7);
    let ahead = DateRange {
        from: today + Duration::days(1),
        to: today + Duration::days(DIP_HORIZON_DAYS),
    };
    let timelines = coverage_between(inputs, ahead);
    coverage_on(inputs, today)
        .into_iter()
        .zip(timelines)
        .map(|(now, (capability, days))| {
            let week_ago = inputs
                .masters_week_ago
                .iter()
                .filter(|m| m.capability == now.capability && m.available_on(week_ago))
                .count();
            let masters: Vec<&Master> = inputs
                .masters
                .iter()
                .filter(|m| m.capability == capability.capability)
                .collect();
            let dips = dips(capability.target, &masters, &days);
            let mut in_progress: Vec<(String, Level)> = inputs
                .learners
                .iter()
                .filter(|l| l.capability == now.capability)
                .map(|l| (l.name.clone(), l.level))
                .collect();
            in_progress.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            CapabilityReport {
                today: now,
                week_ago,
                dips,
                in_progress,
            }
        })
        .collect()
}

/// Runs of days below a positive target on which someone at mastery is away: a shortage that
/// absences cause or deepen, not the standing one.
fn dips(target: Option<u32>, masters: &[&Master], days: &[(NaiveDate, usize)]) -> Vec<Dip> {
    let Some(target) = target.filter(|t| *t > 0).map(|t| t as usize) else {
        return Vec::new();
    };
    let mut found: Vec<Dip> = Vec::new();
    let mut previous: Option<NaiveDate> = None;
    for &(day, available) in days {
        let dipping = available < target && available < masters.len();
        if !dipping {
            previous = None;
            continue;
        }
        let away: Vec<String> = masters
            .iter()
            .filter(|m| !m.available_on(day))
            .map(|m| m.name.clone())
            .collect();
        match (previous, found.last_mut()) {
            (Some(yesterday), Some(dip)) if dip.to == yesterday => {
                dip.to = day;
                dip.lowest = dip.lowest.min(available);
                for name in away {
                    if !dip.away.contains(&name) {
                        dip.away.push(name);
                    }
                }
            }
            _ => found.push(Dip {
                from: day,
                to: day,
                lowest: available,
                away,
            }),
        }
        previous = Some(day);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn inputs() -> CoverageInputs {
        CoverageInputs {
            masters_week_ago: Vec::new(),
            learners: Vec::new(),
            capabilities: vec![
                CapabilityTarget {
                    capability: CapabilityId(1),
                    name: "run EBR".into(),
                    target: Some(4),
                },
                CapabilityTarget {
                    capability: CapabilityId(2),
                    name: "on-call".into(),
                    target: Some(0),
                },
                CapabilityTarget {
                    capability: CapabilityId(3),
                    name: "ADRs".into(),
                    target: None,
                },
                CapabilityTarget {
                    capability: CapabilityId(4),
                    name: "pricing".into(),
                    target: Some(2),
                },
            ],
            masters: vec![
                Master {
                    capability: CapabilityId(1),
                    person: PersonId(1),
                    name: "alice".into(),
                    absences: vec![],
                },
                Master {
                    capability: CapabilityId(1),
                    person: PersonId(2),
                    name: "bob".into(),
                    absences: vec![DateRange {
                        from: day("2026-12-01"),
                        to: day("2026-12-14"),
                    }],
                },
                Master {
                    capability: CapabilityId(3),
                    person: PersonId(2),
                    name: "bob".into(),
                    absences: vec![],
                },
            ],
        }
    }

    #[test]
    fn absences_remove_masters_on_their_days_only() {
        let before = coverage_on(&inputs(), day("2026-11-30"));
        let during = coverage_on(&inputs(), day("2026-12-14"));
        let ebr = |rows: &[CapabilityCoverage]| rows.iter().find(|r| r.name == "run EBR").cloned();
        let (before, during) = (ebr(&before).expect("row"), ebr(&during).expect("row"));
        assert_eq!(before.available, vec!["alice", "bob"]);
        assert_eq!(before.percent(), Some(50));
        assert!(!before.is_single_point_of_failure());
        assert_eq!(during.available, vec!["alice"]);
        assert_eq!(during.away, vec!["bob"]);
        assert_eq!(during.percent(), Some(25));
        assert!(during.is_single_point_of_failure());
    }

    #[test]
    fn zero_targets_are_met_and_never_single_points_of_failure() {
        let rows = coverage_on(&inputs(), day("2026-11-30"));
        let on_call = rows.iter().find(|r| r.name == "on-call").expect("row");
        assert!(on_call.meets_target());
        assert!(!on_call.is_single_point_of_failure());
        assert_eq!(on_call.percent(), None);
    }

    #[test]
    fn a_targeted_capability_with_no_masters_is_a_single_point_of_failure() {
        let rows = coverage_on(&inputs(), day("2026-11-30"));
        let pricing = rows.iter().find(|r| r.name == "pricing").expect("row");
        assert!(pricing.available.is_empty());
        assert_eq!(pricing.percent(), Some(0));
        assert!(pricing.is_single_point_of_failure());
        assert!(!pricing.meets_target());
    }

    #[test]
    fn targeted_capabilities_come_first() {
        let names: Vec<String> = coverage_on(&inputs(), day("2026-11-30"))
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, vec!["on-call", "pricing", "run EBR", "ADRs"]);
    }

    fn report(inputs: &CoverageInputs, today: &str, name: &str) -> CapabilityReport {
        coverage_report(inputs, day(today))
            .into_iter()
            .find(|r| r.today.name == name)
            .expect("capability in report")
    }

    #[test]
    fn report_finds_the_dip_a_planned_absence_causes() {
        // Bob is away 1–14 December: run EBR (target 4) drops from 2 to 1 master then.
        let ebr = report(&inputs(), "2026-11-25", "run EBR");
        assert_eq!(
            ebr.dips,
            vec![Dip {
                from: day("2026-12-01"),
                to: day("2026-12-14"),
                lowest: 1,
                away: vec!["bob".into()],
            }]
        );
        // Only the days inside the four-week horizon count.
        let late = report(&inputs(), "2026-12-10", "run EBR");
        assert_eq!(late.today.available, vec!["alice"]);
        assert_eq!(late.dips.len(), 1);
        assert_eq!(
            (late.dips[0].from, late.dips[0].to),
            (day("2026-12-11"), day("2026-12-14"))
        );
    }

    #[test]
    fn no_dips_without_a_positive_target_or_a_master_to_lose() {
        let rows = coverage_report(&inputs(), day("2026-11-25"));
        for name in ["on-call", "ADRs", "pricing"] {
            let row = rows.iter().find(|r| r.today.name == name).expect("row");
            assert!(row.dips.is_empty(), "{name}: {:?}", row.dips);
        }
    }

    #[test]
    fn a_dip_that_still_meets_target_is_not_reported() {
        let mut inputs = inputs();
        inputs.capabilities[0].target = Some(1);
        assert!(report(&inputs, "2026-11-25", "run EBR").dips.is_empty());
    }

    #[test]
    fn change_counts_masters_available_now_against_a_week_ago() {
        let mut inputs = inputs();
        // A week ago only alice was at mastery, and she was away that day; carol has since
        // left the team, so she is in the baseline but not today.
        inputs.masters_week_ago = vec![
            Master {
                capability: CapabilityId(1),
                person: PersonId(1),
                name: "alice".into(),
                absences: vec![DateRange {
                    from: day("2026-11-18"),
                    to: day("2026-11-18"),
                }],
            },
            Master {
                capability: CapabilityId(1),
                person: PersonId(3),
                name: "carol".into(),
                absences: vec![],
            },
        ];
        let ebr = report(&inputs, "2026-11-25", "run EBR");
        assert_eq!(ebr.week_ago, 1, "carol counted, alice away");
        assert_eq!(ebr.today.available.len(), 2);
        assert_eq!(ebr.change(), 1);
        let pricing = report(&inputs, "2026-11-25", "pricing");
        assert_eq!((pricing.week_ago, pricing.change()), (0, 0));
    }

    #[test]
    fn people_in_progress_are_listed_practising_first() {
        let mut inputs = inputs();
        inputs.learners = vec![
            Learner {
                capability: CapabilityId(4),
                person: PersonId(5),
                name: "erin".into(),
                level: Level::Learning,
            },
            Learner {
                capability: CapabilityId(4),
                person: PersonId(6),
                name: "dan".into(),
                level: Level::Practising,
            },
        ];
        let pricing = report(&inputs, "2026-11-25", "pricing");
        assert_eq!(
            pricing.in_progress,
            vec![
                ("dan".to_owned(), Level::Practising),
                ("erin".to_owned(), Level::Learning)
            ]
        );
    }

    #[test]
    fn the_time_line_counts_each_day() {
        let range = DateRange {
            from: day("2026-11-30"),
            to: day("2026-12-02"),
        };
        let lines = coverage_between(&inputs(), range);
        let (capability, days) = lines
            .iter()
            .find(|(c, _)| c.name == "run EBR")
            .expect("line");
        assert_eq!(capability.target, Some(4));
        assert_eq!(
            days,
            &vec![
                (day("2026-11-30"), 2),
                (day("2026-12-01"), 1),
                (day("2026-12-02"), 1)
            ]
        );
    }
}
