//! The report as one self-contained HTML page for a leadership pre-read: inline CSS, inline SVG
//! charts, no script, no external asset (it is mailed and opened offline). The top three come
//! first, then where the hours go, per manager and per series.

use std::fmt::Write;

use crate::audit::kind::MeetingKind;
use crate::audit::report::Report;
use crate::domain::percent::{share_percent, share_percent_tenths};

/// Managers in the stacked chart.
const MANAGERS_CHARTED: usize = 12;
/// Series in the table.
const SERIES_LISTED: usize = 20;

pub(crate) const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2733;margin:0;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px}
.lede{color:#4a5868;margin:0 0 18px}
.totals{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.totals div{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:10px 14px;min-width:130px}
.totals b{display:block;font-size:22px}
.ritual{background:#fff;border:1px solid #dfe3e8;border-left:5px solid #0f766e;border-radius:8px;padding:12px 18px;margin:12px 0}
.ritual h3{margin:0 0 6px;font-size:17px}.ritual ul{margin:6px 0 10px;padding-left:20px}
pre{background:#0f1720;color:#e6edf3;padding:10px 12px;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dfe3e8;font-size:13.5px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.why{color:#4a5868;font-size:12.5px}
svg text{font:12px system-ui,sans-serif;fill:#1d2733}
.legend span{display:inline-block;margin:0 12px 4px 0;font-size:12.5px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
footer{color:#6b7785;font-size:12px;margin-top:30px}";

/// Renders the report as a page.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let last_day = report.window.end - chrono::Duration::days(1);
    let period = format!(
        "{} to {}",
        report.window.start.format("%-d %B %Y"),
        last_day.format("%-d %B %Y")
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Attention audit, {}</title><style>{STYLE}</style></head><body><main>\n",
        esc(&period)
    );
    let t = &report.totals;
    let _ = writeln!(
        out,
        "<h1>Where managers' meeting hours go</h1><p class=\"lede\">Attention audit of {} managers' calendars, {} ({:.1} weeks).</p>\
         <div class=\"totals\"><div><b>{:.0}</b>manager-hours a week in meetings</div><div><b>{:.1}</b>hours per manager a week</div>\
         <div><b>{}</b>recurring series</div><div><b>{}</b>meetings</div></div>",
        t.managers,
        esc(&period),
        report.weeks,
        t.manager_hours_per_week,
        t.manager_hours_per_week / (t.managers.max(1) as f64),
        t.recurring_series,
        t.meetings
    );
    top_three(report, &mut out);
    out.push_str("<h2>Where the hours go</h2>\n");
    out.push_str(&kinds_chart(report));
    kinds_table(report, &mut out);
    out.push_str("<h2>Per manager</h2>\n");
    out.push_str(&managers_chart(report));
    series_table(report, &mut out);
    let _ = write!(
        out,
        "<footer>Made by <code>cadence audit</code>. Manager-hours count a shared meeting once for each manager in it. \
         Not counted: {} all-day entries, {} shown as free, {} declined, {} with nobody else, {} of unusual length.</footer>\n</main></body></html>\n",
        report.skipped.all_day,
        report.skipped.free,
        report.skipped.declined,
        report.skipped.personal,
        report.skipped.unusual_length
    );
    out
}

fn top_three(report: &Report, out: &mut String) {
    out.push_str("<section id=\"top-three\"><h2>Attach capability planning to these first</h2>\n");
    if report.top.is_empty() {
        out.push_str("<p>No recurring planning or review ritual was found in these calendars.</p>");
    }
    for r in &report.top {
        let _ = write!(
            out,
            "<article class=\"ritual\"><h3>{}. {} <small>({})</small></h3><ul>",
            r.rank,
            esc(&r.title),
            esc(r.kind.label())
        );
        for why in &r.why {
            let _ = write!(out, "<li>{}</li>", esc(why));
        }
        let _ = writeln!(
            out,
            "</ul><pre class=\"command\">{}</pre><details><summary>As cadence.toml</summary><pre>{}</pre></details></article>",
            esc(&r.command),
            esc(&r.toml)
        );
    }
    out.push_str("</section>\n");
}

/// A colour per kind: teal for kinds Cadence attaches to, greys for the rest.
fn colour(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Qbr => "#0f766e",
        MeetingKind::Planning => "#0d9488",
        MeetingKind::Retro => "#14b8a6",
        MeetingKind::Pipeline => "#2563eb",
        MeetingKind::Forecast => "#3b82f6",
        MeetingKind::DealReview => "#60a5fa",
        MeetingKind::StoreReview => "#7c3aed",
        MeetingKind::IncidentReview => "#a855f7",
        MeetingKind::OneOnOne => "#d97706",
        MeetingKind::Standup => "#9ca3af",
        MeetingKind::Hiring => "#b6bcc6",
        MeetingKind::Other => "#d1d5db",
    }
}

fn kinds_chart(report: &Report) -> String {
    let (label_w, bar_w, row_h) = (170.0, 560.0, 26.0);
    let max = report
        .kinds
        .iter()
        .map(|k| k.hours_per_week)
        .fold(0.0_f64, f64::max);
    let height = row_h * report.kinds.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg id=\"kinds-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"Manager-hours per week by kind of meeting\">",
        w = label_w + bar_w + 120.0
    );
    for (i, k) in report.kinds.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let width = if max > 0.0 {
            (k.hours_per_week / max * bar_w).max(1.0)
        } else {
            1.0
        };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"bar\" data-kind=\"{kind}\" x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"{bh}\" rx=\"3\" fill=\"{fill}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{hours:.1} h · {share}%</text>",
            lx = label_w - 8.0,
            ty = y + 15.0,
            label = esc(k.label),
            kind = k.kind.as_str(),
            bh = row_h - 8.0,
            fill = colour(k.kind),
            vx = label_w + width + 6.0,
            hours = k.hours_per_week,
            share = share_percent(k.share)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn managers_chart(report: &Report) -> String {
    // The managers with the most meeting hours, most first.
    let mut shown: Vec<_> = report.managers.iter().collect();
    shown.sort_by(|a, b| b.hours_per_week.total_cmp(&a.hours_per_week));
    shown.truncate(MANAGERS_CHARTED);
    let (label_w, bar_w, row_h) = (170.0, 560.0, 22.0);
    let max = shown
        .iter()
        .map(|m| m.hours_per_week)
        .fold(0.0_f64, f64::max);
    let height = row_h * shown.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg id=\"managers-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"Meeting hours per week per manager, by kind\">",
        w = label_w + bar_w + 70.0
    );
    for (i, m) in shown.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 13.0,
            esc(&m.name)
        );
        let mut x = label_w;
        for k in &m.kinds {
            let width = if max > 0.0 {
                k.hours_per_week / max * bar_w
            } else {
                0.0
            };
            let _ = write!(
                svg,
                "<rect class=\"segment\" data-kind=\"{}\" x=\"{x:.1}\" y=\"{y}\" width=\"{width:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {:.1} h</title></rect>",
                k.of.as_str(),
                row_h - 6.0,
                colour(k.of),
                esc(k.of.label()),
                k.hours_per_week
            );
            x += width;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\">{:.1} h</text>",
            x + 6.0,
            y + 13.0,
            m.hours_per_week
        );
    }
    svg.push_str("</svg>\n<p class=\"legend\">");
    for kind in MeetingKind::ALL {
        if report.kinds.iter().any(|k| k.kind == kind) {
            let _ = write!(
                svg,
                "<span><i style=\"background:{}\"></i>{}</span>",
                colour(kind),
                esc(kind.label())
            );
        }
    }
    svg.push_str("</p>\n");
    svg
}

fn kinds_table(report: &Report, out: &mut String) {
    out.push_str("<table id=\"kinds\"><tr><th>Kind</th><th class=\"n\">Manager-hours / week</th><th class=\"n\">Share</th><th class=\"n\">Series</th><th class=\"n\">Managers</th></tr>\n");
    for k in &report.kinds {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{}%</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(k.label),
            k.hours_per_week,
            share_percent_tenths(k.share),
            k.series,
            k.managers
        );
    }
    out.push_str("</table>\n");
}

fn series_table(report: &Report, out: &mut String) {
    out.push_str("<h2>Largest series</h2><table id=\"series\"><tr><th>Series</th><th>Kind and why</th><th>Cadence</th><th class=\"n\">Manager-hours / week</th><th class=\"n\">Managers</th><th>Cadence data</th></tr>\n");
    for s in report.series.iter().take(SERIES_LISTED) {
        let activity = s
            .activity
            .as_ref()
            .map(|a| {
                format!(
                    "{:.1} decisions per occurrence, {}% answered",
                    a.decisions_per_occurrence,
                    share_percent(a.answered_share)
                )
            })
            .unwrap_or_else(|| "—".to_owned());
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}<div class=\"why\">{}</div></td><td>{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&s.title),
            esc(s.classification.kind.label()),
            esc(&s.classification.reason),
            s.cadence.label(),
            s.hours_per_week,
            s.managers.len(),
            esc(&activity)
        );
    }
    out.push_str("</table>\n");
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
