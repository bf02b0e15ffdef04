//! A small organisation for the renderers' tests, read for 2026Q4 as of 20 November:
//!
//! - Atlas (Priya manages Bob and Carol): "run EBR", target 2 since September; Bob at mastery
//!   before the quarter, Carol from 20 October, which closes a single point of failure. One
//!   retro answered after 45 min, 10.5 learning hours, one intervention overdue. Risk 1.
//! - `Sales, "West"` (Dana manages Eve): `=SUM(A1) forecasting`, target 1, nobody at mastery:
//!   an open single point of failure below target. Two pipeline calls, one answered after
//!   30 min. Risk 5.
//! - `=Ops`: nothing recorded.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::Level;
use crate::domain::budget::BudgetUse;
use crate::domain::ids::{CapabilityId, DecisionId, OccurrenceId, PersonId, TeamId};
use crate::domain::outcomes::history::{LevelEvent, Stint, StintRole, TargetEvent};
use crate::domain::outcomes::participation::Answer;
use crate::domain::outcomes::{
    Evidence, History, HoursRecord, InterventionRecord, InterventionStatus, OccurrenceRecord,
    OrgData, TeamInfo, Window,
};
use crate::domain::ritual::RitualKind;

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

/// 2026Q4 as of 20 November, noon.
pub(crate) fn window() -> Window {
    Window::new(
        "2026Q4".parse().expect("quarter"),
        at("2026-11-20T12:00:00Z"),
    )
}

fn evidence(id: i64, when: &str, what: &str, by: &str) -> Evidence {
    Evidence {
        decision: DecisionId(id),
        at: at(when),
        what: what.to_owned(),
        by: by.to_owned(),
        ritual: None,
    }
}

fn stint(team: i64, person: i64, role: StintRole) -> Stint {
    Stint {
        team: TeamId(team),
        person: PersonId(person),
        role,
        from: at("2026-01-05T09:00:00Z"),
        until: None,
    }
}

fn occurrence(
    id: i64,
    team: i64,
    kind: RitualKind,
    when: &str,
    answer: Option<(i64, &str, &str)>,
) -> OccurrenceRecord {
    OccurrenceRecord {
        occurrence: OccurrenceId(id),
        team: TeamId(team),
        ritual: format!("{} {id}", kind.as_str()),
        kind,
        title: format!("occurrence {id}"),
        happened_at: at(when),
        answers: answer
            .map(|(decision, by, when)| Answer {
                decision: DecisionId(decision),
                by: by.to_owned(),
                at: at(when),
            })
            .into_iter()
            .collect(),
        nudges: 0,
        snoozes: 0,
    }
}

/// The organisation described at the top.
pub(crate) fn org() -> OrgData {
    let level = |id, person, when: &str, what: &str| LevelEvent {
        person: PersonId(person),
        capability: CapabilityId(1),
        level: Level::Mastery,
        evidence: evidence(id, when, what, "Priya Raman"),
    };
    let target = |id, team, capability, target, when: &str| TargetEvent {
        team: TeamId(team),
        capability: CapabilityId(capability),
        target,
        evidence: evidence(id, when, "target", "Priya Raman"),
    };
    let history = History::new(
        vec![
            level(1, 2, "2026-08-01T10:00:00Z", "Bob: run EBR → mastery"),
            level(2, 3, "2026-10-20T10:00:00Z", "Carol: run EBR → mastery"),
        ],
        vec![
            target(3, 1, 1, 2, "2026-09-01T10:00:00Z"),
            target(4, 2, 2, 1, "2026-09-15T10:00:00Z"),
        ],
        vec![
            stint(1, 1, StintRole::Manager),
            stint(1, 2, StintRole::Member),
            stint(1, 3, StintRole::Member),
            stint(2, 4, StintRole::Manager),
            stint(2, 5, StintRole::Member),
        ],
        HashMap::new(),
    );
    let names = [
        (1, "Priya Raman"),
        (2, "Bob"),
        (3, "Carol"),
        (4, "Dana Cole"),
        (5, "Eve"),
    ];
    OrgData {
        teams: [(1, "Atlas"), (2, "Sales, \"West\""), (3, "=Ops")]
            .into_iter()
            .map(|(id, name)| TeamInfo {
                id: TeamId(id),
                name: name.to_owned(),
            })
            .collect(),
        people: names
            .iter()
            .map(|(id, name)| (PersonId(*id), (*name).to_owned()))
            .collect(),
        user_ids: names
            .iter()
            .map(|(id, _)| (PersonId(*id), format!("U0{id}")))
            .collect(),
        capabilities: HashMap::from([
            (CapabilityId(1), "run EBR".to_owned()),
            (CapabilityId(2), "=SUM(A1) forecasting".to_owned()),
        ]),
        history,
        absences: HashMap::new(),
        occurrences: vec![
            occurrence(
                1,
                1,
                RitualKind::Retro,
                "2026-10-06T15:00:00Z",
                Some((10, "Priya Raman", "2026-10-06T15:45:00Z")),
            ),
            occurrence(
                2,
                2,
                RitualKind::PipelineCall,
                "2026-11-02T15:00:00Z",
                Some((11, "Dana Cole", "2026-11-02T15:30:00Z")),
            ),
            occurrence(3, 2, RitualKind::PipelineCall, "2026-11-09T15:00:00Z", None),
        ],
        interventions: vec![InterventionRecord {
            team: TeamId(1),
            status: InterventionStatus::Planned,
            due: Some("2026-11-01".parse().expect("date")),
            planned_at: at("2026-10-06T16:00:00Z"),
        }],
        hours: vec![HoursRecord {
            team: TeamId(1),
            hours_centi: 1050,
            evidence: evidence(
                12,
                "2026-10-06T16:30:00Z",
                "10.5 h in ATL Sprint 41",
                "Priya Raman",
            ),
        }],
        budgets: vec![
            (
                TeamId(1),
                BudgetUse {
                    hours_centi: Some(2000),
                    hours_used_centi: 1050,
                    spend: Some(5000),
                    spend_used: 1200,
                    ..BudgetUse::none(window().quarter)
                },
            ),
            // Another quarter's budget is not this report's.
            (
                TeamId(2),
                BudgetUse {
                    hours_centi: Some(100),
                    ..BudgetUse::none(window().quarter.previous())
                },
            ),
        ],
        currency: "GBP".to_owned(),
    }
}
