//! The reports as self-contained HTML pages (inline CSS and SVG, no script, nothing fetched),
//! in the attention audit's look: the scoreboard with its coverage trend per quarter and
//! participation per ritual kind, and the scorecards with their evidence.

use std::fmt::Write;

use super::hours;
use crate::audit::html::{STYLE, esc};
use crate::domain::outcomes::participation::{Participation, duration};
use crate::domain::outcomes::scoreboard::{KindParticipation, OrgReport, TeamRow, TrendPoint};
use crate::domain::outcomes::scorecard::Scorecard;
use crate::domain::ritual::RitualKind;

const MORE_STYLE: &str = "main{max-width:1120px}
.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr))}.totals div{min-width:0}
.risk{display:inline-block;min-width:22px;text-align:center;border-radius:4px;padding:0 5px;font-weight:600}
.r0{background:#e7f6ee;color:#14532d}.r1{background:#fef3c7;color:#78350f}.r2{background:#fee2e2;color:#7f1d1d}
td.team{font-weight:600;white-space:nowrap}th .why{font-weight:400}.totals .why{margin-top:2px}td.nw{white-space:nowrap}.sub{display:block}
tr.nodata td{color:#8a94a0;font-style:italic;font-weight:400}
.charts{display:flex;gap:24px;flex-wrap:wrap}.charts figure{flex:1 1 420px;margin:0;background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:10px 14px}
.charts svg{display:block;max-width:100%;height:auto}svg text.muted{fill:#6b7785}
figcaption{font-size:13px;color:#4a5868;margin-bottom:6px}
.evidence{color:#4a5868;font-size:12.5px;margin:2px 0 6px 18px;padding:0}
.card{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:12px 18px;margin:14px 0}
.card h2{margin:4px 0 2px}.card h2 small{font-weight:400;color:#4a5868;font-size:13px}.card h3{font-size:15px;margin:12px 0 4px}.card>ul{margin:4px 0}";

/// The charts' drawing width: both fit side by side in the page's 1120 px.
const CHART_WIDTH: usize = 490;
/// Rows of the participation chart.
const KIND_ROW: usize = 26;

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
    let p = &t.participation;
    let answered = if p.occurrences > 0 {
        format!("{} of {}", p.answered, p.occurrences)
    } else {
        "none".to_owned()
    };
    let answered_detail = match (p.percent(), p.median_minutes) {
        (Some(percent), Some(m)) => format!("{percent} %, median {} after", duration(m)),
        (Some(percent), None) => format!("{percent} %"),
        (None, _) => "no ritual prompts".to_owned(),
    };
    let budget = match t.budget.used_words(&report.currency) {
        Some(used) => format!("<div><b>{}</b>budget used</div>", esc(&used)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<h1>Capability scoreboard, {}</h1><p class=\"lede\">Outcomes of manager-led learning across {} teams as of {}{family}: \
         people who can do each capability at mastery against each team's target, from the decision log.</p>\
         <div class=\"totals\" id=\"totals\"><div><b>{} of {}</b>capabilities at target<span class=\"why sub\">{} of {} at the start</span></div>\
         <div><b>{}</b>people reached mastery</div><div><b>{}</b>single points of failure open<span class=\"why sub\">{} opened, {} closed</span></div>\
         <div><b>{}</b>dips ahead from absences</div><div><b>{answered}</b>rituals answered<span class=\"why sub\">{answered_detail}</span></div>\
         <div><b>{}</b>learning hours</div>{budget}</div>",
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
        hours(t.hours_centi),
    );
    // Both charts as tall as the taller, so their frames line up.
    let kinds_height = 20 + KIND_ROW * report.participation_by_kind.len().max(1);
    out.push_str("<div class=\"charts\">");
    out.push_str(&trend_chart(&report.trend, kinds_height.max(220)));
    out.push_str(&kinds_chart(&report.participation_by_kind, kinds_height));
    out.push_str("</div>\n<h2>Teams, riskiest first</h2>\n");
    teams_table(&report.teams, &report.currency, &mut out);
    out.push_str(
        "<footer>Made by <code>cadence report org</code>. Risk weighs open single points of failure most, then capabilities \
         below target, dips ahead, overdue interventions and unanswered prompts. A single point of failure is a targeted \
         capability with at most one person at mastery; absences count as dips, not as failures.</footer>\n</main></body></html>\n",
    );
    out
}

/// Capabilities at target per quarter, as vertical bars on a 0–100 % scale with their
/// percentage above and the counts below.
fn trend_chart(trend: &[TrendPoint], height: usize) -> String {
    let width = CHART_WIDTH;
    let mut svg = format!(
        "<figure id=\"trend\"><figcaption>Capabilities at target, per quarter</figcaption>\
         <svg role=\"img\" aria-label=\"Coverage trend per quarter\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    // The plot: from `left` to the right edge, 100 % at `top`, 0 % at `base`; below the base,
    // the quarter and its counts.
    let (left, top, base) = (46, 22, height - 40);
    let span = base - top;
    for step in 0..=4 {
        let y = base - span * step / 4;
        let stroke = if step == 0 { "#c9d0d8" } else { "#eef0f3" };
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{stroke}\"/>\
             <text class=\"muted\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{} %</text>",
            width - 6,
            left - 6,
            y + 4,
            step * 25
        );
    }
    let slot = (width - left) / trend.len().max(1);
    let bar = (slot * 3 / 5).min(72);
    for (i, point) in trend.iter().enumerate() {
        let centre = left + slot * i + slot / 2;
        let percent = point.percent();
        let h = percent.map_or(0, |p| (p.min(100) as usize) * span / 100);
        let label = percent.map_or("—".to_owned(), |p| format!("{p} %"));
        let counts = if point.targeted == 0 {
            "nothing targeted".to_owned()
        } else {
            format!("{} of {}", point.at_target, point.targeted)
        };
        let _ = write!(
            svg,
            "<rect class=\"bar\" data-quarter=\"{q}\" x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{h}\" rx=\"3\" fill=\"#0f766e\">\
             <title>{q}: {} of {} at target</title></rect>\
             <text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{label}</text>\
             <text x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{q}</text>\
             <text class=\"muted\" x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{counts}</text>",
            centre - bar / 2,
            base - h,
            point.at_target,
            point.targeted,
            base - h - 6,
            base + 17,
            base + 32,
            q = esc(&point.quarter),
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// A ritual kind as people name it in a chart.
fn kind_label(kind: RitualKind) -> &'static str {
    match kind {
        RitualKind::Retro => "Retro",
        RitualKind::Planning => "Planning",
        RitualKind::ReleaseRetro => "Release retro",
        RitualKind::Qbr => "QBR",
        RitualKind::PipelineCall => "Pipeline call",
        RitualKind::ForecastCall => "Forecast call",
        RitualKind::DealReview => "Deal review",
        RitualKind::StoreReview => "Store review",
        RitualKind::IncidentReview => "Incident review",
        RitualKind::OneOnOne => "One-to-one",
        RitualKind::Custom => "Custom",
    }
}

/// Answered share per ritual kind, as horizontal bars: the kind on the left, the answered
/// count and share on the right.
fn kinds_chart(kinds: &[KindParticipation], height: usize) -> String {
    let width = CHART_WIDTH;
    let (label, track) = (118, 250);
    let mut svg = format!(
        "<figure id=\"participation\"><figcaption>Prompts answered, per ritual kind</figcaption>\
         <svg role=\"img\" aria-label=\"Participation per ritual kind\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    if kinds.is_empty() {
        svg.push_str("<text x=\"10\" y=\"24\">No ritual prompts in this quarter.</text>");
    }
    for (i, k) in kinds.iter().enumerate() {
        let y = 10 + i * KIND_ROW;
        let p = k.participation;
        let percent = p.percent().unwrap_or(0);
        let w = (percent.min(100) as usize) * track / 100;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label}\" y=\"{y}\" width=\"{track}\" height=\"16\" rx=\"3\" fill=\"#eef0f3\"/>\
             <rect class=\"bar\" data-kind=\"{}\" x=\"{label}\" y=\"{y}\" width=\"{w}\" height=\"16\" rx=\"3\" fill=\"#2563eb\">\
             <title>{} of {} answered</title></rect>\
             <text x=\"{}\" y=\"{}\">{} of {} · {percent} %</text>",
            label - 8,
            y + 12,
            kind_label(k.kind),
            esc(k.kind.as_str()),
            p.answered,
            p.occurrences,
            label + track + 8,
            y + 12,
            p.answered,
            p.occurrences,
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Participation in a table cell: the answered share, with the median under it.
fn participation_html(p: &Participation) -> String {
    let Some(percent) = p.percent() else {
        return "no rituals".to_owned();
    };
    let mut cell = format!("{} of {} ({percent} %)", p.answered, p.occurrences);
    if let Some(m) = p.median_minutes {
        let _ = write!(
            cell,
            "<span class=\"why sub\">median {}</span>",
            duration(m)
        );
    }
    cell
}

fn teams_table(teams: &[TeamRow], currency: &str, out: &mut String) {
    out.push_str(
        "<table id=\"teams\"><thead><tr><th>Team</th><th class=\"n\">Risk</th><th>At target</th><th class=\"n\">Reached mastery</th>\
         <th>Single points of failure open</th><th class=\"n\">Dips ahead</th>\
         <th>Interventions<span class=\"why sub\">done / due / overdue</span></th>\
         <th class=\"n\">Hours</th><th>Participation</th><th>Budget used</th></tr></thead><tbody>\n",
    );
    for team in teams {
        if !team.has_data {
            let _ = writeln!(
                out,
                "<tr class=\"nodata\"><td class=\"team\">{}</td><td colspan=\"9\">no data yet: no targets, rituals or decisions recorded</td></tr>",
                esc(&team.team)
            );
            continue;
        }
        let class = match team.risk {
            0 => "r0",
            1..=4 => "r1",
            _ => "r2",
        };
        let open = if team.spofs_open.is_empty() {
            "none".to_owned()
        } else {
            esc(&team.spofs_open.join(", "))
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"team\">{}</td><td class=\"n\"><span class=\"risk {class}\">{}</span></td>\
             <td class=\"nw\">{} of {}<span class=\"why sub\">start: {} of {}</span></td><td class=\"n\">{}</td>\
             <td>{open}<span class=\"why sub\">{} opened, {} closed this quarter</span></td><td class=\"n\">{}</td>\
             <td class=\"nw\">{} / {} / {}</td><td class=\"n\">{}</td><td class=\"nw\">{}</td><td>{}</td></tr>",
            esc(&team.team),
            team.risk,
            team.at_target,
            team.targeted,
            team.at_target_start,
            team.targeted_start,
            team.reached_mastery,
            team.spofs_opened,
            team.spofs_closed,
            team.dips_ahead.len(),
            team.interventions.done,
            team.interventions.due,
            team.interventions.overdue,
            hours(team.hours_centi),
            participation_html(&team.participation),
            esc(&team
                .budget
                .used_words(currency)
                .unwrap_or_else(|| "no budget".to_owned())),
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Scorecards as a page; with `evidence`, the decisions under each line.
pub fn scorecards(cards: &[Scorecard], evidence: bool) -> String {
    let quarter = cards
        .first()
        .map(|c| c.quarter.as_str())
        .unwrap_or_default();
    let mut out = scorecards_head(quarter);
    for card in cards {
        scorecard(&mut out, card, evidence);
    }
    out.push_str(&scorecards_end(cards.len()));
    out
}

/// The page's head and title for scorecards of `quarter`.
pub fn scorecards_head(quarter: &str) -> String {
    let mut out = String::with_capacity(16 * 1024);
    head(&mut out, &format!("Manager scorecards, {quarter}"));
    let _ = writeln!(
        out,
        "<h1>Manager scorecards, {}</h1><p class=\"lede\">Capability outcomes for calibration, each line traceable to the decisions behind it. No completion counts.</p>",
        esc(quarter)
    );
    out
}

/// One scorecard's section, appended to `out`; with `evidence`, the decisions under each line.
pub fn scorecard(out: &mut String, card: &Scorecard, evidence: bool) {
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

/// What closes the page after `count` scorecards: a sentence when there were none, and the
/// footer.
pub fn scorecards_end(count: usize) -> String {
    let mut out = String::new();
    if count == 0 {
        out.push_str("<p>No one managed a team in this quarter.</p>");
    }
    out.push_str(
        "<footer>Made by <code>cadence report scorecard</code>.</footer>\n</main></body></html>\n",
    );
    out
}
