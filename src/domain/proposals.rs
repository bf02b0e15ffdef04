//! The attention audit's proposals as a card: each proposed ritual with its binding line and a
//! Bind button, for the managers who may bind it with a click (decision `bind_ritual`).

use super::card::{Action, Card, Control, Emphasis, Part, Verb};
use super::text::Text;

/// One proposal as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalView {
    /// The saved proposal's id, which its Bind button names.
    pub id: i64,
    /// 1, 2 or 3.
    pub ordinal: i64,
    /// The meeting series' title.
    pub title: String,
    /// Its kind, as the audit named it.
    pub kind: String,
    /// The `ritual add …` line that binds it.
    pub command: String,
}

/// The card: a heading, then for each proposal its title, its line and a Bind button.
pub fn proposals_card(proposals: &[ProposalView]) -> Card {
    let mut parts = vec![Part::Heading(
        "Bind a ritual from the attention audit".into(),
    )];
    for proposal in proposals {
        parts.push(Part::Body(
            Text::new()
                .plain(format!("{}. ", proposal.ordinal))
                .strong(proposal.title.clone())
                .plain(format!(" ({})", proposal.kind))
                .line()
                .command(proposal.command.clone()),
        ));
        parts.push(Part::Controls(vec![Control::Button {
            action: Action::on(Verb::BindRitual, proposal.id),
            label: format!("Bind #{}", proposal.ordinal),
            emphasis: Emphasis::Primary,
        }]));
    }
    parts.push(Part::Note(vec![Text::new().plain(
        "Binding adds the ritual to your team, with its prompts in this channel; only managers can bind.",
    )]));
    Card {
        summary: "The attention audit's proposed rituals".into(),
        parts,
    }
}
