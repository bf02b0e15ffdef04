//! Cards both renderers' tests draw: a team's capabilities, a prompt's occurrence, a button.

use crate::domain::card::{Action, Choice, Control, Emphasis, Verb};
use crate::domain::prompt::OccurrenceView;
use crate::domain::ritual::RitualKind;

/// Three capabilities, one with a character every renderer escapes.
pub fn capabilities() -> Vec<Choice> {
    vec![
        Choice::new("architecture trade-offs", "cap-7"),
        Choice::new("run EBR", "cap-9"),
        Choice::new("observability & on-call", "cap-12"),
    ]
}

/// Occurrence 42 of an Atlas ritual of `kind`.
pub fn occurrence(kind: RitualKind, title: &str) -> OccurrenceView {
    OccurrenceView {
        id: 42,
        kind,
        team: "Atlas".into(),
        title: title.into(),
        capabilities: capabilities(),
    }
}

/// Button number `n`.
pub fn button(n: usize) -> Control {
    Control::Button {
        action: Action::on(Verb::LogGap, n as i64),
        label: format!("Button {n}"),
        emphasis: Emphasis::Normal,
    }
}
