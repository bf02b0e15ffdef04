//! Cards as plain text for a terminal: what `cadence digest` prints. Controls are left out;
//! a terminal cannot click.

use crate::domain::card::{Card, Part};

/// The card's parts, one block per part, for reading in a terminal.
pub fn card_text(card: &Card) -> String {
    let mut out = String::new();
    for part in &card.parts {
        match part {
            Part::Heading(title) => {
                out.push_str(title);
                out.push('\n');
                out.push_str(&"=".repeat(title.chars().count()));
                out.push('\n');
            }
            Part::Body(text) => {
                out.push_str(&text.to_string());
                out.push('\n');
            }
            Part::Facts(facts) => {
                let width = facts
                    .iter()
                    .map(|f| f.label.chars().count())
                    .max()
                    .unwrap_or(0);
                for fact in facts {
                    let pad = width - fact.label.chars().count();
                    out.push_str(&format!(
                        "  {}{}  {}\n",
                        fact.label,
                        " ".repeat(pad),
                        fact.value
                    ));
                }
            }
            Part::Note(lines) => {
                for line in lines {
                    out.push_str(&format!("  - {line}\n"));
                }
            }
            Part::Separator => out.push('\n'),
            Part::Controls(_) => {}
        }
    }
    out
}
