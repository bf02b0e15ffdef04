//! The report for a terminal: aligned tables, a bar chart of hours per kind, and the top three
//! with their `ritual add` lines last, where the eye lands when the command returns.

use std::fmt::Write;

use crate::audit::report::Report;
use crate::domain::percent::{share_percent, share_percent_tenths};

/// Widest bar in the chart, in characters.
const BAR_WIDTH: usize = 30;
/// Series listed.
const SERIES_SHOWN: usize = 15;
/// Managers listed.
const MANAGERS_SHOWN: usize = 25;
/// Diagnostics listed per file.
const DIAGNOSTICS_SHOWN: usize = 3;

/// Renders the report as text.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    header(report, &mut out);
    kinds(report, &mut out);
    managers(report, &mut out);
    series(report, &mut out);
    problems(report, &mut out);
    top(report, &mut out);
    out
}

/// `text` cut to `width` characters (with an ellipsis) and padded to it.
pub(crate) fn cell(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count > width {
        let head: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{head}…")
    } else {
        format!("{text}{}", " ".repeat(width - count))
    }
}

fn header(report: &Report, out: &mut String) {
    let t = &report.totals;
    let last_day = report.window.end - chrono::Duration::days(1);
    let _ = writeln!(
        out,
        "Attention audit: {} to {} ({:.1} weeks)",
        report.window.start.format("%Y-%m-%d"),
        last_day.format("%Y-%m-%d"),
        report.weeks
    );
    let _ = writeln!(
        out,
        "{} files, {} managers, {} instances; {} meetings in {} series ({} recurring)",
        t.files, t.managers, t.instances, t.meetings, t.series, t.recurring_series
    );
    let _ = writeln!(
        out,
        "Managers spend {:.1} hours a week in meetings ({:.1} h of meetings, each counted once).\n",
        t.manager_hours_per_week, t.meeting_hours_per_week
    );
}

fn kinds(report: &Report, out: &mut String) {
    let _ = writeln!(out, "Where the hours go (manager-hours per week)");
    let _ = writeln!(
        out,
        "{} {:>7} {:>6} {:>6} {:>8}",
        cell("kind", 18),
        "h/week",
        "share",
        "series",
        "managers"
    );
    let max = report
        .kinds
        .iter()
        .map(|k| k.hours_per_week)
        .fold(0.0_f64, f64::max);
    for kind in &report.kinds {
        let bar = if max > 0.0 {
            ((kind.hours_per_week / max) * BAR_WIDTH as f64).round() as usize
        } else {
            0
        };
        let _ = writeln!(
            out,
            "{} {:>7.1} {:>5}% {:>6} {:>8}  {}",
            cell(kind.label, 18),
            kind.hours_per_week,
            share_percent_tenths(kind.share),
            kind.series,
            kind.managers,
            "█".repeat(bar.max(usize::from(kind.hours_per_week > 0.0)))
        );
    }
    out.push('\n');
}

fn managers(report: &Report, out: &mut String) {
    let _ = writeln!(out, "Per manager (hours per week, and the largest kinds)");
    for manager in report.managers.iter().take(MANAGERS_SHOWN) {
        let kinds: Vec<String> = manager
            .kinds
            .iter()
            .take(3)
            .map(|k| format!("{} {}%", k.of.label(), share_percent(k.share)))
            .collect();
        let _ = writeln!(
            out,
            "{} {:>6.1}  {}",
            cell(&manager.name, 24),
            manager.hours_per_week,
            kinds.join(" · ")
        );
    }
    if report.managers.len() > MANAGERS_SHOWN {
        let _ = writeln!(
            out,
            "… and {} more (see --format csv)",
            report.managers.len() - MANAGERS_SHOWN
        );
    }
    out.push('\n');
}

fn series(report: &Report, out: &mut String) {
    let _ = writeln!(out, "Largest series");
    let _ = writeln!(
        out,
        "{} {} {} {:>7} {:>8}  why",
        cell("series", 30),
        cell("kind", 16),
        cell("cadence", 11),
        "h/week",
        "managers"
    );
    for s in report.series.iter().take(SERIES_SHOWN) {
        let decided = s
            .activity
            .as_ref()
            .map(|a| {
                format!(
                    " [Cadence: {:.1} decisions/occurrence, {}% answered]",
                    a.decisions_per_occurrence,
                    share_percent(a.answered_share)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {} {} {:>7.1} {:>8}  {}{decided}",
            cell(&s.title, 30),
            cell(s.classification.kind.label(), 16),
            cell(s.cadence.label(), 11),
            s.hours_per_week,
            s.managers.len(),
            s.classification.reason
        );
    }
    out.push('\n');
}

fn problems(report: &Report, out: &mut String) {
    let s = &report.skipped;
    let _ = writeln!(
        out,
        "Not counted as meeting time: {} all-day, {} shown as free, {} declined, {} with nobody else, {} of no or over 12 h length, {} duplicates.",
        s.all_day, s.free, s.declined, s.personal, s.unusual_length, s.duplicate
    );
    for file in report.files.iter().filter(|f| !f.diagnostics.is_empty()) {
        let _ = writeln!(
            out,
            "{}: {} problem{}",
            file.path,
            file.diagnostics.len(),
            if file.diagnostics.len() == 1 { "" } else { "s" }
        );
        for d in file.diagnostics.iter().take(DIAGNOSTICS_SHOWN) {
            let _ = writeln!(out, "  {d}");
        }
        if file.diagnostics.len() > DIAGNOSTICS_SHOWN {
            let _ = writeln!(out, "  … (all of them in --format json)");
        }
    }
    out.push('\n');
}

fn top(report: &Report, out: &mut String) {
    let _ = writeln!(out, "Attach capability planning to these first");
    if report.top.is_empty() {
        let _ = writeln!(
            out,
            "No recurring planning or review ritual was found in these calendars."
        );
    }
    for r in &report.top {
        let _ = writeln!(out, "{}. {} ({})", r.rank, r.title, r.kind.label());
        for why in &r.why {
            let _ = writeln!(out, "   - {why}");
        }
        let _ = writeln!(out, "   {}", r.command);
    }
}
