//! The reports as self-contained HTML pages (inline CSS and SVG, no script, nothing fetched),
//! in the attention audit's look: the scoreboard with its coverage trend per quarter and
//! participation per ritual kind, and the scorecards with their evidence.

use std::fmt::Write;

use super::{hours, participation_cell};
use crate::audit::html::{STYLE, esc};
use crate::domain::outcomes::scoreboard::{KindParticipation, OrgReport, TeamRow, TrendPoint};
use crate::domain::outcomes::scorecard::Scorecard;

const MORE_STYLE: &str = ".risk{display:inline-block;min-width:22px;text-align:center;border-radius:4px;padding:0 5px;font-weight:600}
.r0{background:#e7f6ee;color:#14532d}.r1{background:#fef3c7;color:#78350f}.r2{background:#fee2e2;color:#7f1d1d}
tr.nodata td{color:#8a94a0;font-style:italic}
.charts{display:flex;gap:24px;flex-wrap:wrap}.charts figure{margin:0;background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:10px 14px}
figcaption{font-size:13px;color:#4a5868;margin-bottom:6px}
.evidence{color:#4a5868;font-size:12.5px;margin:2px 0 6px 18px;padding:0}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:12px 18px;margin:14px 0}";

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}\n{MORE_STYLE}</style></head><body><main>\n",
        esc(title)
    );
}

/// The scoreboard as a page.
pub fn org(report: &OrgReport) -> String {
    let mut out = String::with_capacity(32 * 1024 + report.teams.len() * 600);
    head(
        &mut out,
        &format!("Capability scoreboard, {}", report.quarter),
    );
    let family = report
        .family
        .as_ref()
        .map(|f| format!(", role family “{}”", esc(f)))
        .unwrap_or_default();
    let t = &report.total;
    let _ = writeln!(
        out,
        "<h1>Capability scoreboard, {}</h1><p class=\"lede\">Outcomes of manager-led learning across {} teams as of {}{family}: \
         people who can do each capability at mastery against each team's target, from the decision log.</p>\
         <div class=\"totals\" id=\"totals\"><div><b>{} of {}</b>capabilities at target (start: {} of {})</div>\
         <div><b>{}</b>people reached mastery</div><div><b>{}</b>single points of failure open ({} opened, {} closed)</div>\
         <div><b>{}</b>dips ahead from absences</div><div><b>{}</b>rituals answered</div><div><b>{}</b>learning hours</div></div>",
        esc(&report.quarter),
        t.teams,
        report.as_of,
        t.at_target,
        t.targeted,
        t.at_target_start,
        t.targeted_start,
        t.reached_mastery,
        t.spofs_open,
        t.spofs_opened,
        t.spofs_closed,
        t.dips_ahead,
        esc(&participation_cell(&t.participation)),
        hours(t.hours_centi),
    );
    out.push_str("<div class=\"charts\">");
    out.push_str(&trend_chart(&report.trend));
    out.push_str(&kinds_chart(&report.participation_by_kind));
    out.push_str("</div>\n<h2>Teams, riskiest first</h2>\n");
    teams_table(&report.teams, &mut out);
    out.push_str(
        "<footer>Made by <code>cadence report org</code>. Risk weighs open single points of failure most, then capabilities \
         below target, dips ahead, overdue interventions and unanswered prompts. A single point of failure is a targeted \
         capability with at most one person at mastery; absences count as dips, not as failures.</footer>\n</main></body></html>\n",
    );
    out
}

/// Capabilities at target per quarter, as vertical bars with their percentage.
fn trend_chart(trend: &[TrendPoint]) -> String {
    let (width, height, bar) = (340, 190, 52);
    let mut svg = format!(
        "<figure id=\"trend\"><figcaption>Capabilities at target, per quarter</figcaption>\
         <svg role=\"img\" aria-label=\"Coverage trend per quarter\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    let base = height - 28;
    let _ = write!(
        svg,
        "<line x1=\"10\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#c9d0d8\"/>",
        width - 10
    );
    for (i, point) in trend.iter().enumerate() {
        let x = 22 + i * (bar + 28);
        let percent = point.percent();
        let h = percent.map_or(0, |p| (p.min(100) as usize) * (base - 30) / 100);
        let label = percent.map_or("—".to_owned(), |p| format!("{p} %"));
        let _ = write!(
            svg,
            "<rect class=\"bar\" data-quarter=\"{q}\" x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" rx=\"3\" fill=\"#0f766e\">\
             <title>{q}: {} of {} at target</title></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{q}</text>",
            base - h,
            point.at_target,
            point.targeted,
            x + bar / 2,
            base - h - 6,
            x + bar / 2,
            base + 18,
            q = esc(&point.quarter),
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Answered share per ritual kind, as horizontal bars.
fn kinds_chart(kinds: &[KindParticipation]) -> String {
    let row = 26;
    let (width, height) = (420, 20 + row * kinds.len().max(1));
    let mut svg = format!(
        "<figure id=\"participation\"><figcaption>Prompts answered, per ritual kind</figcaption>\
         <svg role=\"img\" aria-label=\"Participation per ritual kind\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    if kinds.is_empty() {
        svg.push_str("<text x=\"10\" y=\"24\">No ritual prompts in this quarter.</text>");
    }
    for (i, k) in kinds.iter().enumerate() {
        let y = 10 + i * row;
        let p = k.participation;
        let percent = p.percent().unwrap_or(0);
        let w = (percent.min(100) as usize) * 220 / 100;
        let _ = write!(
            svg,
            "<text x=\"10\" y=\"{}\">{}</text>\
             <rect x=\"120\" y=\"{y}\" width=\"220\" height=\"16\" rx=\"3\" fill=\"#eef0f3\"/>\
             <rect class=\"bar\" data-kind=\"{}\" x=\"120\" y=\"{y}\" width=\"{w}\" height=\"16\" rx=\"3\" fill=\"#2563eb\">\
             <title>{} of {} answered</title></rect>\
             <text x=\"348\" y=\"{}\">{percent} % of {}</text>",
            y + 12,
            esc(k.kind.as_str()),
            esc(k.kind.as_str()),
            p.answered,
            p.occurrences,
            y + 12,
            p.occurrences
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

fn teams_table(teams: &[TeamRow], out: &mut String) {
    out.push_str(
        "<table id=\"teams\"><thead><tr><th>Team</th><th class=\"n\">Risk</th><th>At target</th><th class=\"n\">Reached mastery</th>\
         <th>Single points of failure</th><th class=\"n\">Dips ahead</th><th>Interventions done / due / overdue</th>\
         <th class=\"n\">Hours</th><th>Participation</th></tr></thead><tbody>\n",
    );
    for team in teams {
        if !team.has_data {
            let _ = writeln!(
                out,
                "<tr class=\"nodata\"><td>{}</td><td colspan=\"8\">no data yet: no targets, rituals or decisions recorded</td></tr>",
                esc(&team.team)
            );
            continue;
        }
        let class = match team.risk {
            0 => "r0",
            1..=4 => "r1",
            _ => "r2",
        };
        let spofs = if team.spofs_open.is_empty() {
            format!(
                "none open ({} opened, {} closed)",
                team.spofs_opened, team.spofs_closed
            )
        } else {
            format!(
                "{} open: {} ({} opened, {} closed)",
                team.spofs_open.len(),
                esc(&team.spofs_open.join(", ")),
                team.spofs_opened,
                team.spofs_closed
            )
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\"><span class=\"risk {class}\">{}</span></td><td>{} of {} <span class=\"why\">(start {} of {})</span></td>\
             <td class=\"n\">{}</td><td>{spofs}</td><td class=\"n\">{}</td><td>{} / {} / {}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&team.team),
            team.risk,
            team.at_target,
            team.targeted,
            team.at_target_start,
            team.targeted_start,
            team.reached_mastery,
            team.dips_ahead.len(),
            team.interventions.done,
            team.interventions.due,
            team.interventions.overdue,
            hours(team.hours_centi),
            esc(&participation_cell(&team.participation)),
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Scorecards as a page; with `evidence`, the decisions under each line.
pub fn scorecards(cards: &[Scorecard], evidence: bool) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let quarter = cards.first().map(|c| c.quarter.clone()).unwrap_or_default();
    head(&mut out, &format!("Manager scorecards, {quarter}"));
    let _ = writeln!(
        out,
        "<h1>Manager scorecards, {}</h1><p class=\"lede\">Capability outcomes for calibration, each line traceable to the decisions behind it. No completion counts.</p>",
        esc(&quarter)
    );
    if cards.is_empty() {
        out.push_str("<p>No one managed a team in this quarter.</p>");
    }
    for card in cards {
        let _ = write!(
            out,
            "<section class=\"card\" data-manager=\"{}\"><h2>{} <small>({}, as of {})</small></h2>",
            esc(&card.manager_id),
            esc(&card.manager),
            esc(&card.manager_id),
            card.as_of
        );
        let mut team: Option<&str> = None;
        for line in &card.lines {
            if team != Some(line.team.as_str()) {
                if team.is_some() {
                    out.push_str("</ul>");
                }
                let _ = write!(out, "<h3>{}</h3><ul>", esc(&line.team));
                team = Some(&line.team);
            }
            let _ = write!(out, "<li class=\"line\">{}", esc(&line.text));
            if evidence && !line.evidence.is_empty() {
                out.push_str("<ul class=\"evidence\">");
                for e in &line.evidence {
                    let ritual = e
                        .ritual
                        .as_ref()
                        .map(|r| format!(", in {}", esc(r)))
                        .unwrap_or_default();
                    let _ = write!(
                        out,
                        "<li>{} {} (#{} by {}{ritual})</li>",
                        e.at.format("%Y-%m-%d"),
                        esc(&e.what),
                        e.decision.0,
                        esc(&e.by)
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>");
        }
        if team.is_some() {
            out.push_str("</ul>");
        } else {
            out.push_str("<p>Nothing recorded yet.</p>");
        }
        out.push_str("</section>\n");
    }
    out.push_str(
        "<footer>Made by <code>cadence report scorecard</code>.</footer>\n</main></body></html>\n",
    );
    out
}
