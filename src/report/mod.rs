//! The organisation's reports on paper: the scoreboard and the manager scorecards worked out in
//! [`crate::domain::outcomes`], rendered as text for a terminal, CSV for spreadsheets and HR
//! systems (columns in docs/scorecard.md), and one self-contained HTML page. JSON is the
//! reports' own serde form.

pub mod csv;
pub mod html;
pub mod text;

use crate::domain::outcomes::participation::Participation;

/// Participation in a cell: "4/5 (80 %), median 38 min", or "no rituals".
pub(crate) fn participation_cell(p: &Participation) -> String {
    let Some(percent) = p.percent() else {
        return "no rituals".to_owned();
    };
    let mut cell = format!("{}/{} ({percent} %)", p.answered, p.occurrences);
    if let Some(m) = p.median_minutes {
        cell.push_str(&format!(
            ", median {}",
            crate::domain::outcomes::participation::duration(m)
        ));
    }
    cell
}

/// Hundredths of an hour as a plain number: `46`, `1.5`.
pub(crate) fn hours(centi: i64) -> String {
    crate::domain::digest::hours(centi)
        .trim_end_matches(" h")
        .to_owned()
}

#[cfg(test)]
mod fixture;
