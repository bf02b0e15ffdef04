//! The capability history: who was on which team, at which level, against which target, at any
//! past instant, replayed from the decision log.
//!
//! Built from three things the store already keeps: level decisions (`level`, `certify`) and
//! target decisions that were not undone (an undone decision counts as never made, as
//! everywhere else in Cadence), and each person's time on each team. Nothing here is stored,
//! so the history cannot drift from the log it explains; the reports read it at a few instants
//! per quarter (weekly samples), each a handful of binary searches per team member.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::Level;
use crate::domain::ids::{CapabilityId, DecisionId, PersonId, TeamId};

/// Why a decision is shown as evidence: what it was, when, by whom, in which ritual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The decision.
    pub decision: DecisionId,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// What it said, in words ("level @bob \"run EBR\" mastery").
    pub what: String,
    /// Who recorded it (display name).
    pub by: String,
    /// The ritual occurrence it was made in, if any ("Retro: ATL Sprint 42").
    pub ritual: Option<String>,
}

impl Evidence {
    /// A decision's id and instant without its words, for reports that print no evidence.
    pub fn bare(decision: DecisionId, at: DateTime<Utc>) -> Self {
        Evidence {
            decision,
            at,
            what: String::new(),
            by: String::new(),
            ritual: None,
        }
    }
}

/// A person's level in a capability set by a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEvent {
    /// Whose.
    pub person: PersonId,
    /// Which capability.
    pub capability: CapabilityId,
    /// The level from then on.
    pub level: Level,
    /// The decision, for evidence.
    pub evidence: Evidence,
}

/// A team's target for a capability set by a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetEvent {
    /// Whose.
    pub team: TeamId,
    /// Which capability.
    pub capability: CapabilityId,
    /// How many people the team needs at mastery from then on.
    pub target: u32,
    /// The decision, for evidence.
    pub evidence: Evidence,
}

/// Whether a person managed the team or was a member of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StintRole {
    /// A manager.
    Manager,
    /// A member.
    Member,
}

/// A person's time on a team: from `from` until `until` (open while still there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stint {
    /// Which team.
    pub team: TeamId,
    /// Who.
    pub person: PersonId,
    /// As manager or member.
    pub role: StintRole,
    /// Joined.
    pub from: DateTime<Utc>,
    /// Left; `None` while still on the team.
    pub until: Option<DateTime<Utc>>,
}

impl Stint {
    /// Whether the person was on the team at `at`.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && self.until.is_none_or(|u| at < u)
    }

    /// Whether the stint overlaps `[from, until)`.
    pub fn overlaps(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        self.from < until && self.until.is_none_or(|u| from < u)
    }
}

/// A targeted capability of a team at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityAt {
    /// Which capability.
    pub capability: CapabilityId,
    /// The target then (above zero).
    pub target: u32,
    /// Members then at mastery.
    pub masters: Vec<PersonId>,
}

impl CapabilityAt {
    /// Whether the team had as many masters as it needed.
    pub fn meets_target(&self) -> bool {
        self.masters.len() >= usize::try_from(self.target).unwrap_or(usize::MAX)
    }

    /// At most one master of a capability the team needs: one resignation from not having it.
    /// Structural, so planned absences (reported as dips) do not open and close it.
    pub fn is_single_point_of_failure(&self) -> bool {
        self.masters.len() <= 1
    }
}

/// The replayable history of one tenant.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Per person, every level event, by capability then in time order: a team's people are
    /// few, so reading by person keeps every per-team question small however large the
    /// tenant. One list per person, not one per person and capability: most such lists would
    /// hold one or two events, and small lists cost more memory than what they hold.
    levels: HashMap<PersonId, Vec<LevelEvent>>,
    /// Per team, every target event, by capability then in time order.
    targets: HashMap<TeamId, Vec<TargetEvent>>,
    stints: HashMap<TeamId, Vec<Stint>>,
    families: HashMap<CapabilityId, Option<String>>,
}

/// Builds a [`History`] event by event, as the log is read, so the events are held once.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    history: History,
}

impl HistoryBuilder {
    /// Adds a level event.
    pub fn level(&mut self, event: LevelEvent) {
        self.history
            .levels
            .entry(event.person)
            .or_default()
            .push(event);
    }

    /// Adds a target event.
    pub fn target(&mut self, event: TargetEvent) {
        self.history
            .targets
            .entry(event.team)
            .or_default()
            .push(event);
    }

    /// Adds a stint.
    pub fn stint(&mut self, stint: Stint) {
        self.history
            .stints
            .entry(stint.team)
            .or_default()
            .push(stint);
    }

    /// The history, with `families` giving each capability's role family.
    pub fn finish(self, families: HashMap<CapabilityId, Option<String>>) -> History {
        let mut history = self.history;
        history.families = families;
        for list in history.levels.values_mut() {
            list.sort_by_key(|e| (e.capability, e.evidence.at, e.evidence.decision));
            list.shrink_to_fit();
        }
        for list in history.targets.values_mut() {
            list.sort_by_key(|e| (e.capability, e.evidence.at, e.evidence.decision));
            list.shrink_to_fit();
        }
        history
    }
}

/// The part of `events` (sorted by capability) about `capability`.
fn of_capability<E>(
    events: &[E],
    capability: CapabilityId,
    of: impl Fn(&E) -> CapabilityId,
) -> &[E] {
    let start = events.partition_point(|e| of(e) < capability);
    let end = start + events[start..].partition_point(|e| of(e) == capability);
    &events[start..end]
}

impl History {
    /// A history from the log's events and the teams' stints, in any order. `families` gives
    /// each capability's role family, for reports filtered to one.
    pub fn new(
        levels: Vec<LevelEvent>,
        targets: Vec<TargetEvent>,
        stints: Vec<Stint>,
        families: HashMap<CapabilityId, Option<String>>,
    ) -> Self {
        let mut builder = HistoryBuilder::default();
        levels.into_iter().for_each(|e| builder.level(e));
        targets.into_iter().for_each(|e| builder.target(e));
        stints.into_iter().for_each(|s| builder.stint(s));
        builder.finish(families)
    }

    /// A person's level events about `capability`, in time order.
    fn levels_of(&self, person: PersonId, capability: CapabilityId) -> &[LevelEvent] {
        self.levels
            .get(&person)
            .map(|events| of_capability(events, capability, |e| e.capability))
            .unwrap_or_default()
    }

    /// A person's level in a capability at `at`: the last level decision at or before then.
    pub fn level_at(&self, person: PersonId, capability: CapabilityId, at: DateTime<Utc>) -> Level {
        last_at(self.levels_of(person, capability), at, |e| e.evidence.at)
            .map_or(Level::None, |e| e.level)
    }

    /// A team's target for a capability at `at`, if one was set by then.
    pub fn target_at(
        &self,
        team: TeamId,
        capability: CapabilityId,
        at: DateTime<Utc>,
    ) -> Option<u32> {
        let events = of_capability(self.targets.get(&team)?, capability, |e| e.capability);
        last_at(events, at, |e| e.evidence.at).map(|e| e.target)
    }

    /// The team's stints, in no particular order.
    pub fn stints(&self, team: TeamId) -> &[Stint] {
        self.stints
            .get(&team)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Who was on the team at `at`, managers included.
    pub fn members_at(&self, team: TeamId, at: DateTime<Utc>) -> Vec<PersonId> {
        let mut people: Vec<PersonId> = self
            .stints(team)
            .iter()
            .filter(|s| s.covers(at))
            .map(|s| s.person)
            .collect();
        people.sort_unstable();
        people.dedup();
        people
    }

    /// Whether a capability is in `family` (every capability is, without a family filter).
    pub fn in_family(&self, capability: CapabilityId, family: Option<&str>) -> bool {
        let Some(wanted) = family else {
            return true;
        };
        self.families
            .get(&capability)
            .and_then(Option::as_deref)
            .is_some_and(|f| crate::domain::name_key(f) == crate::domain::name_key(wanted))
    }

    /// The team's targeted capabilities (target above zero) at `at`, with the members who were
    /// at mastery then; in capability order.
    pub fn targeted_at(
        &self,
        team: TeamId,
        at: DateTime<Utc>,
        family: Option<&str>,
    ) -> Vec<CapabilityAt> {
        self.targeted_at_each(team, &[at], family)
            .pop()
            .unwrap_or_default()
    }

    /// [`History::targeted_at`] at each of `instants`, in one pass over the team's events:
    /// each member's events about a capability are found once, not once per instant.
    pub fn targeted_at_each(
        &self,
        team: TeamId,
        instants: &[DateTime<Utc>],
        family: Option<&str>,
    ) -> Vec<Vec<CapabilityAt>> {
        let mut result = vec![Vec::new(); instants.len()];
        let Some(targets) = self.targets.get(&team) else {
            return result;
        };
        let members: Vec<Vec<PersonId>> = instants
            .iter()
            .map(|at| self.members_at(team, *at))
            .collect();
        let mut people: Vec<PersonId> = members.iter().flatten().copied().collect();
        people.sort_unstable();
        people.dedup();
        let levels: Vec<&[LevelEvent]> = people
            .iter()
            .map(|p| self.levels.get(p).map(Vec::as_slice).unwrap_or_default())
            .collect();
        // Per instant, where each member stands in `people`.
        let members: Vec<Vec<(PersonId, usize)>> = members
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .filter_map(|p| people.binary_search(&p).ok().map(|i| (p, i)))
                    .collect()
            })
            .collect();
        // Target events are sorted by capability, so each instant's list comes out in
        // capability order.
        for events in targets.chunk_by(|a, b| a.capability == b.capability) {
            let Some(capability) = events.first().map(|e| e.capability) else {
                continue;
            };
            if !self.in_family(capability, family) {
                continue;
            }
            let of_capability: Vec<&[LevelEvent]> = levels
                .iter()
                .map(|l| of_capability(l, capability, |e| e.capability))
                .collect();
            for ((at, members), found) in instants.iter().zip(&members).zip(&mut result) {
                let Some(target) = last_at(events, *at, |e| e.evidence.at)
                    .map(|e| e.target)
                    .filter(|t| *t > 0)
                else {
                    continue;
                };
                let masters = members
                    .iter()
                    .filter(|(_, i)| {
                        of_capability.get(*i).is_some_and(|events| {
                            last_at(events, *at, |e| e.evidence.at)
                                .is_some_and(|e| e.level == Level::Mastery)
                        })
                    })
                    .map(|(p, _)| *p)
                    .collect();
                found.push(CapabilityAt {
                    capability,
                    target,
                    masters,
                });
            }
        }
        result
    }

    /// Decisions in `[from, until)` that took a member of the team to mastery (someone not at
    /// mastery just before), in the order they were made.
    pub fn reached_mastery(
        &self,
        team: TeamId,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        family: Option<&str>,
    ) -> Vec<&LevelEvent> {
        let mut people: Vec<PersonId> = self
            .stints(team)
            .iter()
            .filter(|s| s.overlaps(from, until))
            .map(|s| s.person)
            .collect();
        people.sort_unstable();
        people.dedup();
        let mut found: Vec<&LevelEvent> = Vec::new();
        let of_people = people
            .iter()
            .filter_map(|p| self.levels.get(p).map(|events| (p, events)))
            .flat_map(|(p, events)| {
                events
                    .chunk_by(|a, b| a.capability == b.capability)
                    .map(move |events| (p, events))
            });
        for (person, events) in of_people {
            if events
                .first()
                .is_none_or(|e| !self.in_family(e.capability, family))
            {
                continue;
            }
            let mut before = Level::None;
            for event in events {
                let at = event.evidence.at;
                if at >= until {
                    break;
                }
                let promoted = before != Level::Mastery && event.level == Level::Mastery;
                if promoted
                    && at >= from
                    && self
                        .stints(team)
                        .iter()
                        .any(|s| s.person == *person && s.covers(at))
                {
                    found.push(event);
                }
                before = event.level;
            }
        }
        found.sort_by_key(|e| (e.evidence.at, e.evidence.decision));
        found
    }

    /// Level decisions in `[from, until)` about a capability for people on the team when made.
    pub fn level_events(
        &self,
        team: TeamId,
        capability: CapabilityId,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<&LevelEvent> {
        let mut found: Vec<&LevelEvent> = self
            .stints(team)
            .iter()
            .map(|s| (s, self.levels_of(s.person, capability)))
            .flat_map(|(stint, events)| {
                events.iter().filter(move |e| {
                    let at = e.evidence.at;
                    from <= at && at < until && stint.covers(at)
                })
            })
            .collect();
        found.sort_by_key(|e| (e.evidence.at, e.evidence.decision));
        found.dedup_by_key(|e| e.evidence.decision);
        found
    }

    /// Target decisions about the team in `[from, until)`.
    pub fn target_events(
        &self,
        team: TeamId,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<&TargetEvent> {
        let mut found: Vec<&TargetEvent> = self
            .targets
            .get(&team)
            .into_iter()
            .flatten()
            .filter(|e| from <= e.evidence.at && e.evidence.at < until)
            .collect();
        found.sort_by_key(|e| (e.evidence.at, e.evidence.decision));
        found
    }
}

/// The last of `events` (in time order) at or before `at`.
fn last_at<E>(events: &[E], at: DateTime<Utc>, when: impl Fn(&E) -> DateTime<Utc>) -> Option<&E> {
    let upto = events.partition_point(|e| when(e) <= at);
    upto.checked_sub(1).and_then(|i| events.get(i))
}

/// What a decision said, in words for a report's evidence column: "bob: run EBR → mastery".
/// `subject` is the display name of the person it is about.
pub fn evidence_words(
    decision: &crate::domain::decision::Decision,
    subject: Option<&str>,
) -> String {
    use crate::domain::decision::Decision;
    let who = subject.unwrap_or("someone");
    match decision {
        Decision::Level(set) => format!("{who}: {} → {}", set.capability, set.level.as_str()),
        Decision::Certify(set) => format!("{who} certified in {}", set.capability),
        Decision::Target(target) => {
            format!("target for {} set to {}", target.capability, target.target)
        }
        Decision::Hours(hours) => format!(
            "{} h for {who} ({} {})",
            crate::domain::digest::hours(i64::from(hours.hours.centi)).trim_end_matches(" h"),
            hours.period_kind.as_str(),
            hours.period
        ),
        Decision::ApproveBudget(crate::domain::decision::BudgetAnswer {
            allocation: crate::domain::decision::Allocation::Hours(hours),
            ..
        }) => format!(
            "{} h for {who} ({} {}), over budget, approved by L&D",
            crate::domain::digest::hours(i64::from(hours.hours.centi)).trim_end_matches(" h"),
            hours.period_kind.as_str(),
            hours.period
        ),
        other => format!("{} for {who}", other.kind().as_str()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    pub(crate) fn evidence(id: i64, when: &str) -> Evidence {
        Evidence {
            decision: DecisionId(id),
            at: at(when),
            what: format!("decision {id}"),
            by: "ana".into(),
            ritual: None,
        }
    }

    pub(crate) fn level(
        id: i64,
        person: i64,
        capability: i64,
        level: Level,
        when: &str,
    ) -> LevelEvent {
        LevelEvent {
            person: PersonId(person),
            capability: CapabilityId(capability),
            level,
            evidence: evidence(id, when),
        }
    }

    pub(crate) fn target(
        id: i64,
        team: i64,
        capability: i64,
        target: u32,
        when: &str,
    ) -> TargetEvent {
        TargetEvent {
            team: TeamId(team),
            capability: CapabilityId(capability),
            target,
            evidence: evidence(id, when),
        }
    }

    pub(crate) fn stint(team: i64, person: i64, from: &str, until: Option<&str>) -> Stint {
        Stint {
            team: TeamId(team),
            person: PersonId(person),
            role: StintRole::Member,
            from: at(from),
            until: until.map(at),
        }
    }

    #[test]
    fn levels_and_targets_read_as_they_were_at_each_instant() {
        let history = History::new(
            vec![
                level(1, 7, 1, Level::Practising, "2026-07-01T10:00:00Z"),
                level(2, 7, 1, Level::Mastery, "2026-10-15T10:00:00Z"),
            ],
            vec![
                target(3, 1, 1, 2, "2026-07-01T09:00:00Z"),
                target(4, 1, 1, 4, "2026-11-01T09:00:00Z"),
            ],
            vec![stint(1, 7, "2026-01-01T00:00:00Z", None)],
            HashMap::new(),
        );
        let (p, c, t) = (PersonId(7), CapabilityId(1), TeamId(1));
        assert_eq!(
            history.level_at(p, c, at("2026-06-30T00:00:00Z")),
            Level::None
        );
        assert_eq!(
            history.level_at(p, c, at("2026-10-15T10:00:00Z")),
            Level::Mastery
        );
        assert_eq!(
            history.level_at(p, c, at("2026-10-15T09:59:59Z")),
            Level::Practising
        );
        assert_eq!(history.target_at(t, c, at("2026-06-01T00:00:00Z")), None);
        assert_eq!(history.target_at(t, c, at("2026-10-31T00:00:00Z")), Some(2));
        assert_eq!(history.target_at(t, c, at("2026-11-02T00:00:00Z")), Some(4));
        let then = history.targeted_at(t, at("2026-10-20T00:00:00Z"), None);
        assert_eq!(then.len(), 1);
        assert_eq!(then[0].masters, vec![p]);
        assert!(then[0].is_single_point_of_failure());
        assert!(!then[0].meets_target());
    }

    #[test]
    fn someone_who_changed_team_counts_where_they_were_when_it_happened() {
        // Bob reached mastery on team 1 in October, moved to team 2 on 1 November.
        let history = History::new(
            vec![level(1, 2, 1, Level::Mastery, "2026-10-10T10:00:00Z")],
            vec![
                target(2, 1, 1, 1, "2026-09-01T00:00:00Z"),
                target(3, 2, 1, 1, "2026-09-01T00:00:00Z"),
            ],
            vec![
                stint(1, 2, "2026-01-01T00:00:00Z", Some("2026-11-01T00:00:00Z")),
                stint(2, 2, "2026-11-01T00:00:00Z", None),
            ],
            HashMap::new(),
        );
        let (from, until) = (at("2026-10-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
        assert_eq!(
            history.reached_mastery(TeamId(1), from, until, None).len(),
            1
        );
        assert!(
            history
                .reached_mastery(TeamId(2), from, until, None)
                .is_empty()
        );
        let end = at("2026-12-31T00:00:00Z");
        assert!(
            history.targeted_at(TeamId(1), end, None)[0]
                .masters
                .is_empty()
        );
        assert_eq!(
            history.targeted_at(TeamId(2), end, None)[0].masters,
            vec![PersonId(2)]
        );
    }

    #[test]
    fn a_second_mastery_decision_is_not_a_second_promotion() {
        let history = History::new(
            vec![
                level(1, 2, 1, Level::Mastery, "2026-10-10T10:00:00Z"),
                level(2, 2, 1, Level::Mastery, "2026-10-20T10:00:00Z"),
                level(3, 3, 1, Level::Mastery, "2026-09-10T10:00:00Z"),
            ],
            vec![],
            vec![
                stint(1, 2, "2026-01-01T00:00:00Z", None),
                stint(1, 3, "2026-01-01T00:00:00Z", None),
            ],
            HashMap::new(),
        );
        let found = history.reached_mastery(
            TeamId(1),
            at("2026-10-01T00:00:00Z"),
            at("2027-01-01T00:00:00Z"),
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].evidence.decision, DecisionId(1));
    }
}
