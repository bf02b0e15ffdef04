//! The reports as CSV (RFC 4180). The scoreboard: one row per team and a `total` row. The
//! scorecards: one row per outcome line, in the long form HR systems import; with evidence,
//! one more row per decision behind a line. Columns are documented in docs/scorecard.md.

use crate::audit::csv::row;
use crate::domain::outcomes::scoreboard::{OrgReport, TeamRow};
use crate::domain::outcomes::scorecard::Scorecard;

/// The scoreboard's header row.
pub const ORG_COLUMNS: [&str; 26] = [
    "quarter",
    "as_of",
    "team",
    "has_data",
    "risk",
    "targeted_start",
    "at_target_start",
    "targeted",
    "at_target",
    "reached_mastery",
    "spofs_open",
    "spofs_opened",
    "spofs_closed",
    "dips_ahead",
    "interventions_done",
    "interventions_due",
    "interventions_overdue",
    "learning_hours",
    "occurrences",
    "answered",
    "median_minutes_to_decision",
    "budget_hours",
    "budget_hours_used",
    "budget_spend",
    "budget_spend_used",
    "currency",
];

/// The scorecards' header row.
pub const SCORECARD_COLUMNS: [&str; 16] = [
    "quarter",
    "as_of",
    "manager_id",
    "manager",
    "team",
    "measure",
    "capability",
    "start",
    "value",
    "of",
    "target",
    "text",
    "evidence_decision",
    "evidence_date",
    "evidence_by",
    "evidence",
];

/// The scoreboard as CSV.
pub fn org(report: &OrgReport) -> String {
    let mut out = String::new();
    row(&mut out, ORG_COLUMNS.iter().map(|c| (*c).to_owned()));
    let t = &report.total;
    let total = TeamRow {
        team: "total".to_owned(),
        has_data: t.teams_with_data > 0,
        risk: 0,
        targeted_start: t.targeted_start,
        at_target_start: t.at_target_start,
        targeted: t.targeted,
        at_target: t.at_target,
        reached_mastery: t.reached_mastery,
        spofs_open: Vec::new(),
        spofs_opened: t.spofs_opened,
        spofs_closed: t.spofs_closed,
        dips_ahead: Vec::new(),
        interventions: t.interventions,
        hours_centi: t.hours_centi,
        budget: t.budget,
        participation: t.participation,
    };
    for team in report.teams.iter().chain(std::iter::once(&total)) {
        let is_total = std::ptr::eq(team, &total);
        let (spofs, dips) = if is_total {
            (t.spofs_open, t.dips_ahead)
        } else {
            (len(&team.spofs_open), len(&team.dips_ahead))
        };
        let p = &team.participation;
        let b = &team.budget;
        row(
            &mut out,
            [
                report.quarter.clone(),
                report.as_of.to_string(),
                team.team.clone(),
                team.has_data.to_string(),
                if is_total {
                    String::new()
                } else {
                    team.risk.to_string()
                },
                team.targeted_start.to_string(),
                team.at_target_start.to_string(),
                team.targeted.to_string(),
                team.at_target.to_string(),
                team.reached_mastery.to_string(),
                spofs.to_string(),
                team.spofs_opened.to_string(),
                team.spofs_closed.to_string(),
                dips.to_string(),
                team.interventions.done.to_string(),
                team.interventions.due.to_string(),
                team.interventions.overdue.to_string(),
                super::hours(team.hours_centi),
                p.occurrences.to_string(),
                p.answered.to_string(),
                p.median_minutes.map(|m| m.to_string()).unwrap_or_default(),
                b.hours_centi.map(centi).unwrap_or_default(),
                b.hours_centi
                    .map(|_| centi(b.hours_used_centi))
                    .unwrap_or_default(),
                b.spend.map(|s| s.to_string()).unwrap_or_default(),
                b.spend
                    .map(|_| b.spend_used.to_string())
                    .unwrap_or_default(),
                if b.is_set() {
                    report.currency.clone()
                } else {
                    String::new()
                },
            ],
        );
    }
    out
}

/// Hundredths of an hour as a plain number.
fn centi(hours: u64) -> String {
    super::hours(i64::try_from(hours).unwrap_or(i64::MAX))
}

fn len(list: &[String]) -> u32 {
    u32::try_from(list.len()).unwrap_or(u32::MAX)
}

/// Scorecards as CSV; with `evidence`, one extra row per decision behind a line, carrying the
/// line's columns and the decision's.
pub fn scorecards(cards: &[Scorecard], evidence: bool) -> String {
    let mut out = scorecards_head();
    for card in cards {
        scorecard(&mut out, card, evidence);
    }
    out
}

/// The scorecards' header row.
pub fn scorecards_head() -> String {
    let mut out = String::new();
    row(&mut out, SCORECARD_COLUMNS.iter().map(|c| (*c).to_owned()));
    out
}

/// One scorecard's rows, appended to `out`; with `evidence`, a row per decision behind a line.
pub fn scorecard(out: &mut String, card: &Scorecard, evidence: bool) {
    for line in &card.lines {
        let cells = |e: Option<&crate::domain::outcomes::Evidence>| {
            [
                card.quarter.clone(),
                card.as_of.to_string(),
                card.manager_id.clone(),
                card.manager.clone(),
                line.team.clone(),
                line.measure.as_str().to_owned(),
                line.capability.clone().unwrap_or_default(),
                line.start.map(|s| s.to_string()).unwrap_or_default(),
                line.value.clone(),
                line.of.map(|o| o.to_string()).unwrap_or_default(),
                line.target.map(|t| t.to_string()).unwrap_or_default(),
                line.text.clone(),
                e.map(|e| e.decision.0.to_string()).unwrap_or_default(),
                e.map(|e| e.at.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                e.map(|e| e.by.clone()).unwrap_or_default(),
                e.map(|e| match &e.ritual {
                    Some(r) => format!("{} (in {r})", e.what),
                    None => e.what.clone(),
                })
                .unwrap_or_default(),
            ]
        };
        row(out, cells(None));
        if evidence {
            for e in &line.evidence {
                row(out, cells(Some(e)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcomes::scoreboard::org_report;
    use crate::domain::outcomes::scorecard;
    use crate::report::fixture;

    #[test]
    fn the_scoreboard_has_a_row_per_team_and_a_total_with_text_fields_quoted_and_defused() {
        let report = org_report(&fixture::org(), fixture::window(), None);
        let csv = org(&report);
        assert!(csv.ends_with("\r\n"));
        let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
        assert_eq!(
            rows,
            [
                "quarter,as_of,team,has_data,risk,targeted_start,at_target_start,targeted,at_target,\
                 reached_mastery,spofs_open,spofs_opened,spofs_closed,dips_ahead,interventions_done,\
                 interventions_due,interventions_overdue,learning_hours,occurrences,answered,\
                 median_minutes_to_decision,budget_hours,budget_hours_used,budget_spend,\
                 budget_spend_used,currency",
                // A comma and quotes: quoted, quotes doubled. No budget this quarter.
                "2026Q4,2026-11-20,\"Sales, \"\"West\"\"\",true,5,1,0,1,0,0,1,0,0,0,0,0,0,0,2,1,30,,,,,",
                "2026Q4,2026-11-20,Atlas,true,1,1,0,1,1,1,0,0,1,0,0,0,1,10.5,1,1,45,20,10.5,5000,1200,GBP",
                // No data, and a leading '=' a spreadsheet would run: defused.
                "2026Q4,2026-11-20,'=Ops,false,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,,,",
                // The total: no risk of its own; the median over every team's answers.
                "2026Q4,2026-11-20,total,true,,2,0,2,1,1,1,0,1,0,0,0,1,10.5,3,2,38,20,10.5,5000,1200,GBP",
            ]
        );
        assert_eq!(rows[0], ORG_COLUMNS.join(","));
    }

    #[test]
    fn scorecards_have_a_row_per_line_and_one_more_per_decision_with_evidence() {
        let cards = scorecard::scorecards(&fixture::org(), fixture::window(), None);
        let csv = scorecards(&cards, true);
        let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
        assert_eq!(rows[0], SCORECARD_COLUMNS.join(","));
        assert_eq!(
            rows[0],
            "quarter,as_of,manager_id,manager,team,measure,capability,start,value,of,target,text,\
             evidence_decision,evidence_date,evidence_by,evidence"
        );
        assert_eq!(
            rows[1],
            "2026Q4,2026-11-20,U04,Dana Cole,\"Sales, \"\"West\"\"\",people_at_mastery,\
             '=SUM(A1) forecasting,0,0,,1,\
             people at mastery of “=SUM(A1) forecasting”: 0 → 0 (target 1),,,,"
        );
        assert_eq!(
            rows[7],
            "2026Q4,2026-11-20,U04,Dana Cole,\"Sales, \"\"West\"\"\",rituals_answered,,,1,2,,\
             \"rituals answered: 1 of 2, median 30 min after the meeting\",11,2026-11-02,Dana Cole,\
             \"answered \"\"occurrence 2\"\" 30 min after the meeting (in pipeline 2)\""
        );
        assert!(rows.contains(
            &"2026Q4,2026-11-20,U01,Priya Raman,Atlas,people_at_mastery,run EBR,1,2,,2,\
              people at mastery of “run EBR”: 1 → 2 (target 2),2,2026-10-20,Priya Raman,\
              Carol: run EBR → mastery"
        ));
        // 14 lines (7 each) and 5 decisions behind them: 1 for Dana, 4 for Priya.
        assert_eq!(rows.len(), 1 + 14 + 5);
        let bare = scorecards(&cards, false);
        assert_eq!(bare.split_terminator("\r\n").count(), 1 + 14);
        assert!(!bare.contains("2026-10-20,Priya Raman"));
    }
}
