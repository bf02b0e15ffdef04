//! Commissioning as a workflow: a manager's `commission` goes to L&D's channel as a card; an
//! admin accepts it (the module becomes `proposed`, its budget kept), asks for changes, or
//! declines it with a reason; the manager is told where they asked. This module holds the card,
//! the form an answer with a reason opens, and the words the manager is told.

use super::budget::money;
use super::card::{Action, Card, Control, Emphasis, Fact, Form, Input, InputKind, Part, Verb};
use super::decision::{CommissionAnswer, Decision};
use super::limits::TEXT_MAX_CHARS;
use super::text::Text;

/// What L&D's commission card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommissionView {
    /// The manager who commissioned: their platform user id.
    pub requester: String,
    /// Their name, for the plain-text summary.
    pub requester_name: String,
    /// Their team's name.
    pub team: String,
    /// The module asked for.
    pub title: String,
    /// The capability it builds, if named.
    pub capability: Option<String>,
    /// Its budget, if given.
    pub budget: Option<u64>,
    /// The workspace's currency.
    pub currency: String,
}

/// The start of the outbox key of a commission's card in L&D's channel; the commission's
/// decision id ends it, so a card is posted once per commission.
pub const COMMISSION_CARD_KEY: &str = "commission-card:";

/// The field a reason comes back under.
pub const REASON_FIELD: &str = "reason";

/// The card posted to L&D's channel; its buttons answer the commission decision `decision`.
pub fn commission_card(view: &CommissionView, decision: i64) -> Card {
    let action = |verb| Action::on(verb, decision).with_subject(view.requester.as_str());
    let mut facts = vec![Fact {
        label: "Team".into(),
        value: Text::new().plain(view.team.as_str()),
    }];
    if let Some(capability) = &view.capability {
        facts.push(Fact {
            label: "Builds".into(),
            value: Text::new().plain(capability.as_str()),
        });
    }
    facts.push(Fact {
        label: "Budget".into(),
        value: Text::new().plain(match view.budget {
            Some(budget) => format!("{} {}", money(budget), view.currency),
            None => "none given".to_owned(),
        }),
    });
    Card {
        summary: format!(
            "{} commissions a module for {}: {}",
            view.requester_name, view.team, view.title
        ),
        parts: vec![
            Part::Heading("Module commission".into()),
            Part::Body(
                Text::new()
                    .mention(view.requester.as_str())
                    .plain(" commissions a module: ")
                    .strong(view.title.as_str())
                    .plain("."),
            ),
            Part::Facts(facts),
            Part::Controls(vec![
                Control::Button {
                    action: action(Verb::AcceptCommission),
                    label: "Accept".into(),
                    emphasis: Emphasis::Primary,
                },
                Control::Button {
                    action: action(Verb::ReviseCommission),
                    label: "Ask for changes".into(),
                    emphasis: Emphasis::Normal,
                },
                Control::Button {
                    action: action(Verb::DeclineCommission),
                    label: "Decline".into(),
                    emphasis: Emphasis::Danger,
                },
            ]),
            Part::Note(vec![Text::new().plain(
                "Accepted, it joins the library as a proposed module, for L&D to approve for tracks. Only workspace admins (L&D) can answer.",
            )]),
        ],
    }
}

/// The form "Ask for changes" or "Decline" opens: one reason, required.
pub fn reason_form(verb: Verb, decision: i64) -> Form {
    let (heading, label, submit) = match verb {
        Verb::ReviseCommission => ("Ask for changes", "What should change?", "Send"),
        _ => ("Decline the commission", "Why not?", "Decline"),
    };
    Form {
        action: Action::on(verb, decision),
        title: heading.into(),
        submit: submit.into(),
        inputs: vec![Input {
            id: REASON_FIELD.into(),
            label: label.into(),
            kind: InputKind::Text {
                multiline: true,
                max_chars: u32::try_from(TEXT_MAX_CHARS).unwrap_or(u32::MAX),
            },
            optional: false,
        }],
    }
}

/// The line the answered card keeps in place of its buttons.
pub fn outcome_line(answer: &Decision, actor: &str) -> Option<Text> {
    let (verb, reason) = match answer {
        Decision::AcceptCommission(_) => ("Accepted by ", None),
        Decision::ReviseCommission(a) => ("Changes asked by ", a.reason.as_deref()),
        Decision::DeclineCommission(a) => ("Declined by ", a.reason.as_deref()),
        _ => return None,
    };
    let mut line = Text::new().plain(verb).mention(actor);
    if let Some(reason) = reason {
        line = line.plain(": ").plain(reason);
    }
    Some(line)
}

/// What the manager who commissioned is told, privately where they asked, once L&D answered:
/// the answer, with the decision it is about.
pub fn answer_notice(decision: &Decision) -> Option<(&CommissionAnswer, Card)> {
    let (answer, text) = match decision {
        Decision::AcceptCommission(a) => (
            a,
            Text::new()
                .plain("L&D accepted your commission ")
                .strong(a.title.as_str())
                .plain(": it is in the library as a proposed module, and can go into tracks once L&D approves it."),
        ),
        Decision::ReviseCommission(a) => (
            a,
            Text::new()
                .plain("L&D asked for changes to your commission ")
                .strong(a.title.as_str())
                .plain(": ")
                .plain(a.reason.as_deref().unwrap_or_default())
                .line()
                .plain("It is closed and its budget given back; commission it again with the changes."),
        ),
        Decision::DeclineCommission(a) => (
            a,
            Text::new()
                .plain("L&D declined your commission ")
                .strong(a.title.as_str())
                .plain(": ")
                .plain(a.reason.as_deref().unwrap_or_default())
                .line()
                .plain("Nothing is spent on it."),
        ),
        _ => return None,
    };
    Some((answer, Card::of_text(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::DecisionId;

    fn view() -> CommissionView {
        CommissionView {
            requester: "UALICE".into(),
            requester_name: "Alice".into(),
            team: "Atlas".into(),
            title: "Pricing vs Initech".into(),
            capability: Some("positioning".into()),
            budget: Some(2000),
            currency: "EUR".into(),
        }
    }

    #[test]
    fn the_card_offers_three_answers_on_the_commission() {
        let card = commission_card(&view(), 7);
        let verbs: Vec<Verb> = card
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Controls(c) => Some(c.iter().map(|c| c.action().verb).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(
            verbs,
            [
                Verb::AcceptCommission,
                Verb::ReviseCommission,
                Verb::DeclineCommission
            ]
        );
        assert_eq!(card.mentions(), ["UALICE"]);
        assert!(card.summary.contains("Pricing vs Initech"));
    }

    #[test]
    fn a_refusal_needs_a_reason_and_an_acceptance_does_not() {
        let id = DecisionId(7);
        assert!(CommissionAnswer::new(id, "x", "U1", None, Some("  "), true).is_err());
        assert!(CommissionAnswer::new(id, "x", "U1", None, None, false).is_ok());
        let answer = CommissionAnswer::new(id, "x", "U1", Some("C1"), Some(" cheaper "), true)
            .expect("valid");
        assert_eq!(answer.reason.as_deref(), Some("cheaper"));
        let (_, card) = answer_notice(&Decision::DeclineCommission(answer)).expect("a notice");
        assert!(card.summary.contains("declined your commission x: cheaper"));
    }
}
