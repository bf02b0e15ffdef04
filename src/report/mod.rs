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

/// The formats scorecards can be printed in one at a time, as they are worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFormat {
    /// Plain text, as [`text::scorecards`].
    Text,
    /// CSV, as [`csv::scorecards`].
    Csv,
    /// One HTML page, as [`html::scorecards`].
    Html,
}

/// Prints scorecards to `out` one by one, byte for byte what the format's `scorecards` prints
/// for all of them at once: an organisation's scorecards never have to sit in memory together.
pub struct ScorecardPrinter<W: std::io::Write> {
    format: CardFormat,
    evidence: bool,
    out: W,
    printed: usize,
}

impl<W: std::io::Write> ScorecardPrinter<W> {
    /// A printer in `format`, with the evidence under each line when `evidence`.
    pub fn new(format: CardFormat, evidence: bool, out: W) -> Self {
        ScorecardPrinter {
            format,
            evidence,
            out,
            printed: 0,
        }
    }

    /// Prints the next scorecard (the page's head first, in HTML, with its quarter).
    pub fn print(
        &mut self,
        card: &crate::domain::outcomes::scorecard::Scorecard,
    ) -> std::io::Result<()> {
        let mut chunk = String::new();
        if self.printed == 0 {
            chunk.push_str(&self.head(&card.quarter));
        }
        match self.format {
            CardFormat::Text => text::scorecard(&mut chunk, card, self.evidence, self.printed),
            CardFormat::Csv => csv::scorecard(&mut chunk, card, self.evidence),
            CardFormat::Html => html::scorecard(&mut chunk, card, self.evidence),
        }
        self.printed += 1;
        self.out.write_all(chunk.as_bytes())
    }

    /// Prints what follows the last scorecard, and flushes.
    pub fn finish(mut self) -> std::io::Result<W> {
        let mut chunk = String::new();
        if self.printed == 0 {
            chunk.push_str(&self.head(""));
        }
        chunk.push_str(&match self.format {
            CardFormat::Text => text::scorecards_end(self.printed),
            CardFormat::Csv => String::new(),
            CardFormat::Html => html::scorecards_end(self.printed),
        });
        self.out.write_all(chunk.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// What comes before the first scorecard.
    fn head(&self, quarter: &str) -> String {
        match self.format {
            CardFormat::Text => String::new(),
            CardFormat::Csv => csv::scorecards_head(),
            CardFormat::Html => html::scorecards_head(quarter),
        }
    }
}
