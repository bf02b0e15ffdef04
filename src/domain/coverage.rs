//! Coverage: the outcome Cadence reports. For each capability a team cares about, how many people
//! at mastery are available on a day, against how many the team needs.
//!
//! Computed from stored levels, memberships and absences every time it is asked for, so it can
//! never drift from the decisions that shaped it.

use chrono::NaiveDate;

use super::command::DateRange;
use super::ids::{CapabilityId, PersonId};

/// What coverage is computed from, as read from the store for one team.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageInputs {
    /// Capabilities the team has a target for or a master of.
    pub capabilities: Vec<CapabilityTarget>,
    /// Current team members at mastery, one entry per person and capability.
    pub masters: Vec<Master>,
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
    /// Available masters divided by the target, as a whole percentage; `None` without a
    /// positive target (a target of zero is always met).
    pub fn percent(&self) -> Option<u32> {
        match self.target {
            Some(target) if target > 0 => {
                let available = u32::try_from(self.available.len()).unwrap_or(u32::MAX);
                Some(available.saturating_mul(100) / target)
            }
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn inputs() -> CoverageInputs {
        CoverageInputs {
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
}
