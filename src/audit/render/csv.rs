//! The report as CSV (RFC 4180), one table with a `level` column: `organisation` rows (one per
//! kind), `manager` rows (one per manager and kind) and `series` rows. The columns are listed
//! in [`COLUMNS`] and explained in docs/audit.md; empty cells mean "not applicable".

use std::fmt::Write;

use crate::audit::report::Report;

/// The header row.
pub const COLUMNS: [&str; 20] = [
    "level",
    "manager",
    "kind",
    "series",
    "title",
    "cadence",
    "recurring",
    "occurrences",
    "minutes",
    "attendees",
    "managers",
    "hours_per_week",
    "meeting_hours_per_week",
    "share",
    "rule",
    "reason",
    "decisions_per_occurrence",
    "answered_share",
    "score",
    "rank",
];

/// Renders the report as CSV.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    row(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for k in &report.kinds {
        let mut cells = blank();
        cells[0] = "organisation".to_owned();
        cells[2] = k.kind.as_str().to_owned();
        cells[10] = k.managers.to_string();
        cells[11] = hours(k.hours_per_week);
        cells[12] = hours(k.meeting_hours_per_week);
        cells[13] = ratio(k.share);
        row(&mut out, cells);
    }
    for m in &report.managers {
        for k in &m.kinds {
            let mut cells = blank();
            cells[0] = "manager".to_owned();
            cells[1] = m.id.clone();
            cells[2] = k.of.as_str().to_owned();
            cells[11] = hours(k.hours_per_week);
            cells[13] = ratio(k.share);
            row(&mut out, cells);
        }
    }
    for s in &report.series {
        let rank = report
            .top
            .iter()
            .find(|r| r.series == s.key)
            .map(|r| r.rank);
        let cells = [
            "series".to_owned(),
            String::new(),
            s.classification.kind.as_str().to_owned(),
            s.key.clone(),
            s.title.clone(),
            s.cadence.label().to_owned(),
            s.recurring.to_string(),
            s.occurrences.to_string(),
            s.minutes.to_string(),
            s.attendees.to_string(),
            s.managers.len().to_string(),
            hours(s.hours_per_week),
            hours(s.meeting_hours_per_week),
            ratio(s.share),
            s.classification.rule.clone(),
            s.classification.reason.clone(),
            s.activity
                .as_ref()
                .map(|a| format!("{:.2}", a.decisions_per_occurrence))
                .unwrap_or_default(),
            s.activity
                .as_ref()
                .map(|a| ratio(a.answered_share))
                .unwrap_or_default(),
            format!("{:.3}", s.score),
            rank.map(|r| r.to_string()).unwrap_or_default(),
        ];
        row(&mut out, cells);
    }
    out
}

fn blank() -> [String; 20] {
    std::array::from_fn(|_| String::new())
}

fn hours(value: f64) -> String {
    format!("{value:.2}")
}

fn ratio(value: f64) -> String {
    format!("{value:.4}")
}

pub(crate) fn row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let line: Vec<String> = cells.into_iter().map(|c| field(&c)).collect();
    let _ = write!(out, "{}\r\n", line.join(","));
}

/// One field, quoted when it holds a comma, a quote or a line break. A leading `=`, `+`, `-`
/// or `@` gets a `'` so a spreadsheet shows the title instead of running it as a formula.
pub(crate) fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '@'])
        || (text.starts_with('-') && text.parse::<f64>().is_err())
    {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1.5"), "-1.5");
    }
}
