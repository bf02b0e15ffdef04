//! The reports as plain text for a terminal: the scoreboard as an aligned table, riskiest team
//! first, with the budget each team used where budgets are kept; each scorecard as its outcome lines, with the evidence under each when asked for.

use std::fmt::Write;

use super::{hours, participation_cell};
use crate::domain::outcomes::scoreboard::{OrgReport, TeamRow};
use crate::domain::outcomes::scorecard::Scorecard;

/// The scoreboard as text.
pub fn org(report: &OrgReport) -> String {
    let mut out = String::new();
    let family = report
        .family
        .as_ref()
        .map(|f| format!(", family \"{f}\""))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Organisation scoreboard, {} (as of {}){family}",
        report.quarter, report.as_of
    );
    let t = &report.total;
    let budget = t
        .budget
        .used_words(&report.currency)
        .map(|used| format!(" Budget used: {used}."))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} teams, {} with data. Capabilities at target: {} of {} (quarter start: {} of {}). \
         Reached mastery: {}. Single points of failure: {} open, {} opened, {} closed. \
         Dips ahead: {}. Interventions: {} done, {} due, {} overdue. Learning hours: {}. \
         Participation: {}.{budget}",
        t.teams,
        t.teams_with_data,
        t.at_target,
        t.targeted,
        t.at_target_start,
        t.targeted_start,
        people(t.reached_mastery),
        t.spofs_open,
        t.spofs_opened,
        t.spofs_closed,
        t.dips_ahead,
        t.interventions.done,
        t.interventions.due,
        t.interventions.overdue,
        hours(t.hours_centi),
        participation_cell(&t.participation)
    );
    let trend: Vec<String> = report
        .trend
        .iter()
        .map(|p| match p.percent() {
            Some(percent) => format!("{} {percent} %", p.quarter),
            None => format!("{} —", p.quarter),
        })
        .collect();
    let _ = writeln!(
        out,
        "Coverage trend (capabilities at target): {}",
        trend.join(", ")
    );
    let _ = writeln!(out);
    let header = [
        "team",
        "risk",
        "at target",
        "mastery",
        "SPOF open",
        "opened/closed",
        "dips",
        "interv. d/d/o",
        "hours",
        "participation",
        "budget used",
    ];
    let rows: Vec<[String; 11]> = report
        .teams
        .iter()
        .map(|team| row(team, &report.currency))
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let _ = writeln!(
        out,
        "{}",
        line(header.iter().map(|h| (*h).to_owned()).collect())
    );
    for r in rows {
        let _ = writeln!(out, "{}", line(r.to_vec()));
    }
    out
}

/// One team's cells; a team without data says so instead of showing zeros.
fn row(team: &TeamRow, currency: &str) -> [String; 11] {
    if !team.has_data {
        let mut cells: [String; 11] = Default::default();
        cells[0] = team.team.clone();
        cells[1] = "no data".to_owned();
        return cells;
    }
    [
        team.team.clone(),
        team.risk.to_string(),
        format!(
            "{}/{} (was {}/{})",
            team.at_target, team.targeted, team.at_target_start, team.targeted_start
        ),
        team.reached_mastery.to_string(),
        if team.spofs_open.is_empty() {
            "0".to_owned()
        } else {
            format!("{} ({})", team.spofs_open.len(), team.spofs_open.join(", "))
        },
        format!("{}/{}", team.spofs_opened, team.spofs_closed),
        team.dips_ahead.len().to_string(),
        format!(
            "{}/{}/{}",
            team.interventions.done, team.interventions.due, team.interventions.overdue
        ),
        hours(team.hours_centi),
        participation_cell(&team.participation),
        team.budget.used_words(currency).unwrap_or_default(),
    ]
}

/// Scorecards as text; with `evidence`, the decisions behind each line under it.
pub fn scorecards(cards: &[Scorecard], evidence: bool) -> String {
    let mut out = String::new();
    for (i, card) in cards.iter().enumerate() {
        scorecard(&mut out, card, evidence, i);
    }
    out.push_str(&scorecards_end(cards.len()));
    out
}

/// The `index`th scorecard (from 0) as text, appended to `out`.
pub fn scorecard(out: &mut String, card: &Scorecard, evidence: bool, index: usize) {
    if index > 0 {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Scorecard: {} ({}), {} as of {}",
        card.manager, card.manager_id, card.quarter, card.as_of
    );
    let mut team = None;
    for line in &card.lines {
        if team != Some(&line.team) {
            let _ = writeln!(out, "  {}", line.team);
            team = Some(&line.team);
        }
        let _ = writeln!(out, "    {}", line.text);
        if evidence {
            for e in &line.evidence {
                let ritual = e
                    .ritual
                    .as_ref()
                    .map(|r| format!(", in {r}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "      - {} {} (#{} by {}{ritual})",
                    e.at.format("%Y-%m-%d"),
                    e.what,
                    e.decision.0,
                    e.by
                );
            }
        }
    }
    if card.lines.is_empty() {
        let _ = writeln!(out, "    nothing recorded yet");
    }
}

/// What follows `count` scorecards: a sentence when there were none.
pub fn scorecards_end(count: usize) -> String {
    if count == 0 {
        "No one managed a team in this quarter.\n".to_owned()
    } else {
        String::new()
    }
}

/// "1 person", "3 people".
fn people(n: u32) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcomes::scoreboard::org_report;
    use crate::domain::outcomes::scorecard;
    use crate::report::fixture;

    #[test]
    fn the_scoreboard_is_a_summary_and_a_table_riskiest_first_without_zeros_for_no_data() {
        let report = org_report(&fixture::org(), fixture::window(), None);
        let text = org(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Organisation scoreboard, 2026Q4 (as of 2026-11-20)"
        );
        assert_eq!(
            lines[1],
            "3 teams, 2 with data. Capabilities at target: 1 of 2 (quarter start: 0 of 2). \
             Reached mastery: 1 person. Single points of failure: 1 open, 0 opened, 1 closed. \
             Dips ahead: 0. Interventions: 0 done, 0 due, 1 overdue. Learning hours: 10.5. \
             Participation: 2/3 (67 %), median 38 min. Budget used: 10.5 of 20 h, 1,200 of 5,000 GBP."
        );
        assert_eq!(
            lines[2],
            "Coverage trend (capabilities at target): 2026Q1 —, 2026Q2 —, 2026Q3 0 %, 2026Q4 50 %"
        );
        assert_eq!(lines[3], "");
        assert_eq!(
            lines[4],
            "team           risk     at target      mastery  SPOF open                 \
             opened/closed  dips  interv. d/d/o  hours  participation               budget used"
        );
        assert_eq!(
            lines[5],
            "Sales, \"West\"  5        0/1 (was 0/1)  0        1 (=SUM(A1) forecasting)  \
             0/0            0     0/0/0          0      1/2 (50 %), median 30 min"
        );
        assert_eq!(
            lines[6],
            "Atlas          1        1/1 (was 0/1)  1        0                         \
             0/1            0     0/0/1          10.5   1/1 (100 %), median 45 min  \
             10.5 of 20 h, 1,200 of 5,000 GBP"
        );
        assert_eq!(lines[7], "=Ops           no data");
        assert_eq!(lines.len(), 8);
    }

    #[test]
    fn a_scorecard_lists_its_lines_by_team_with_the_evidence_only_when_asked() {
        let cards = scorecard::scorecards(&fixture::org(), fixture::window(), None);
        let text = scorecards(&cards, true);
        let priya = &text[text.find("Scorecard: Priya").expect("Priya's card")..];
        assert_eq!(
            priya,
            "Scorecard: Priya Raman (U01), 2026Q4 as of 2026-11-20
  Atlas
    people at mastery of “run EBR”: 1 → 2 (target 2)
      - 2026-10-20 Carol: run EBR → mastery (#2 by Priya Raman)
    capabilities at target: 1 of 1 (0 of 1 when the quarter began)
    single points of failure closed: 1 (run EBR)
      - 2026-10-20 Carol: run EBR → mastery (#2 by Priya Raman)
    single points of failure opened: 0
    learning hours allocated inside sprint capacity: 10.5
      - 2026-10-06 10.5 h in ATL Sprint 41 (#12 by Priya Raman)
    rituals answered: 1 of 1, median 45 min after the meeting
      - 2026-10-06 answered \"occurrence 1\" 45 min after the meeting (#10 by Priya Raman, in retro 1)
    median time from ritual to decision: 45 min
"
        );
        assert!(text.starts_with(
            "Scorecard: Dana Cole (U04), 2026Q4 as of 2026-11-20\n  Sales, \"West\"\n"
        ));
        let bare = scorecards(&cards, false);
        assert!(!bare.contains("      - "), "{bare}");
        assert_eq!(bare.lines().count(), text.lines().count() - 5);
        assert_eq!(
            scorecards(&[], true),
            "No one managed a team in this quarter.\n"
        );
    }
}
