//! Team budgets per quarter: the learning hours and the spend L&D gives a team, what
//! allocations draw from them, and how both are said.
//!
//! An admin sets a team's budget for a quarter (`budget team:Atlas hours 60 spend 5000`). A
//! `hours` allocation draws the hours budget, a commission's budget figure the spend budget, of
//! the quarter the allocation is made in (UTC, by the service's clock). A team with no budget for
//! a quarter is unlimited. Whether an allocation fits is decided by the store inside the
//! transaction that records it, so allocations made at the same moment never overspend; an
//! allocation that does not fit comes back as a [`Shortfall`]. This module holds the arithmetic,
//! the words, and the card L&D answers an over-budget request on.

use serde::{Deserialize, Serialize};

use super::card::{Action, Card, Control, Emphasis, Fact, Part, Verb};
use super::command::Hours;
use super::decision::payload::format_hours;
use super::decision::{Allocation, BudgetAnswer, Decision, PeriodKind};
use super::outcomes::Quarter;
use super::text::Text;

/// Which budget an allocation draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Drawn {
    /// Learning hours, in hundredths.
    Hours,
    /// Spend, in whole currency units.
    Spend,
}

/// A team's budgets for one quarter and what has been drawn from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetUse {
    /// The quarter.
    pub quarter: Quarter,
    /// The hours budget in hundredths; `None` when none is set (unlimited).
    pub hours_centi: Option<u64>,
    /// The spend budget; `None` when none is set (unlimited).
    pub spend: Option<u64>,
    /// Hours allocated in the quarter, in hundredths (approved requests included).
    pub hours_used_centi: u64,
    /// Spend committed in the quarter.
    pub spend_used: u64,
}

impl BudgetUse {
    /// Nothing set and nothing drawn.
    pub fn none(quarter: Quarter) -> Self {
        BudgetUse {
            quarter,
            hours_centi: None,
            spend: None,
            hours_used_centi: 0,
            spend_used: 0,
        }
    }

    /// Whether a budget of either kind is set.
    pub fn is_set(&self) -> bool {
        self.hours_centi.is_some() || self.spend.is_some()
    }

    /// The budget of one kind and what was drawn from it, if that budget is set.
    pub fn of(&self, drawn: Drawn) -> Option<(u64, u64)> {
        match drawn {
            Drawn::Hours => self.hours_centi.map(|b| (b, self.hours_used_centi)),
            Drawn::Spend => self.spend.map(|b| (b, self.spend_used)),
        }
    }

    /// "38 of 60 learning hours left in 2026Q4", or "3,800 of 5,000 GBP left in 2026Q4"; with
    /// what approvals took over it. `None` when that budget is not set.
    pub fn left_line(&self, drawn: Drawn, currency: &str) -> Option<String> {
        let (budget, used) = self.of(drawn)?;
        let left = budget.saturating_sub(used);
        let mut line = format!(
            "{} of {} left in {}",
            amount_of(drawn, left, currency, false),
            amount_of(drawn, budget, currency, true),
            self.quarter
        );
        if used > budget {
            line.push_str(&format!(
                " ({} over, approved by L&D)",
                amount_of(drawn, used - budget, currency, true)
            ));
        }
        Some(line)
    }

    /// "Budget 2026Q4: 22 of 60 h, 1,200 of 5,000 GBP used"; `None` when no budget is set.
    pub fn used_line(&self, currency: &str) -> Option<String> {
        BudgetFigures::of(self)
            .used_words(currency)
            .map(|words| format!("Budget {}: {words} used", self.quarter))
    }
}

/// Budgets and what was drawn from them, without their quarter: the cells of a report row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BudgetFigures {
    /// The hours budget in hundredths; `None` when none is set.
    pub hours_centi: Option<u64>,
    /// Hours drawn, in hundredths.
    pub hours_used_centi: u64,
    /// The spend budget; `None` when none is set.
    pub spend: Option<u64>,
    /// Spend drawn.
    pub spend_used: u64,
}

impl BudgetFigures {
    /// The figures of one team's quarter.
    pub fn of(used: &BudgetUse) -> Self {
        BudgetFigures {
            hours_centi: used.hours_centi,
            hours_used_centi: used.hours_used_centi,
            spend: used.spend,
            spend_used: used.spend_used,
        }
    }

    /// Adds another team's figures. Only teams with a budget of a kind count toward that kind,
    /// so what is used is always read against the budgets it was drawn from.
    pub fn add(&mut self, other: &BudgetFigures) {
        if let Some(hours) = other.hours_centi {
            self.hours_centi = Some(self.hours_centi.unwrap_or(0).saturating_add(hours));
            self.hours_used_centi = self.hours_used_centi.saturating_add(other.hours_used_centi);
        }
        if let Some(spend) = other.spend {
            self.spend = Some(self.spend.unwrap_or(0).saturating_add(spend));
            self.spend_used = self.spend_used.saturating_add(other.spend_used);
        }
    }

    /// Whether a budget of either kind is set.
    pub fn is_set(&self) -> bool {
        self.hours_centi.is_some() || self.spend.is_some()
    }

    /// "22 of 60 h, 1,200 of 5,000 GBP": used of each budget set; `None` when none is.
    pub fn used_words(&self, currency: &str) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(budget) = self.hours_centi {
            parts.push(format!(
                "{} of {} h",
                hours(self.hours_used_centi),
                hours(budget)
            ));
        }
        if let Some(budget) = self.spend {
            parts.push(format!(
                "{} of {} {currency}",
                money(self.spend_used),
                money(budget)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Why an allocation does not fit its team's budget: which budget, for which quarter, and the
/// figures as they stood inside the transaction that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// The quarter whose budget it is.
    pub quarter: Quarter,
    /// Which budget.
    pub drawn: Drawn,
    /// The budget (hours in hundredths).
    pub budget: u64,
    /// Already drawn.
    pub used: u64,
    /// What the allocation asked for.
    pub asked: u64,
}

impl Shortfall {
    /// What is left of the budget.
    pub fn left(&self) -> u64 {
        self.budget.saturating_sub(self.used)
    }

    /// "That is over Atlas's learning-hours budget for 2026Q4: 4 of 60 learning hours are left,
    /// and this asks for 6."
    pub fn words(&self, team: &str, currency: &str) -> Text {
        let which = match self.drawn {
            Drawn::Hours => "learning-hours",
            Drawn::Spend => "spend",
        };
        Text::new()
            .plain("That is over ")
            .strong(team)
            .plain(format!(
                "'s {which} budget for {}: {} of {} left, and this asks for {}.",
                self.quarter,
                amount_of(self.drawn, self.left(), currency, false),
                amount_of(self.drawn, self.budget, currency, true),
                amount_of(self.drawn, self.asked, currency, false),
            ))
    }
}

/// "6 learning hours", "4 of 60 learning hours": the unit is said once, after the last figure.
fn amount_of(drawn: Drawn, n: u64, currency: &str, unit: bool) -> String {
    match (drawn, unit) {
        (Drawn::Hours, true) => format!("{} learning hours", hours(n)),
        (Drawn::Hours, false) => hours(n),
        (Drawn::Spend, true) => format!("{} {currency}", money(n)),
        (Drawn::Spend, false) => money(n),
    }
}

/// What an allocation draws: which budget, and how much (hours in hundredths).
pub fn draw_of(allocation: &Allocation) -> Option<(Drawn, u64)> {
    match allocation {
        Allocation::Hours(h) => Some((Drawn::Hours, u64::from(h.hours.centi))),
        Allocation::Commission(c) => c.budget.map(|b| (Drawn::Spend, b)),
    }
}

/// Hundredths of an hour as people write them: `6`, `1.5`.
pub fn hours(centi: u64) -> String {
    format_hours(Hours {
        centi: u32::try_from(centi).unwrap_or(u32::MAX),
    })
}

/// Whole currency units grouped in thousands: `1,200`.
pub fn money(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An allocation in words: "6 learning hours for @bob in the week of 2026-11-23", "the module
/// *EBR basics* with a budget of 3,000 GBP".
pub fn allocation_words(allocation: &Allocation, currency: &str) -> Text {
    match allocation {
        Allocation::Hours(h) => {
            let period = match h.period_kind {
                PeriodKind::Sprint => format!(" in sprint {}", h.period),
                PeriodKind::Week => format!(" in the week of {}", h.period),
            };
            Text::new()
                .plain(format!("{} learning hours for ", format_hours(h.hours)))
                .mention(h.person.clone())
                .plain(period)
        }
        Allocation::Commission(c) => {
            let text = Text::new().plain("the module ").strong(c.title.clone());
            match c.budget {
                Some(b) => text.plain(format!(" with a budget of {} {currency}", money(b))),
                None => text,
            }
        }
    }
}

/// What the card L&D answers an over-budget request on shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRequestView {
    /// The manager who asked: their platform user id.
    pub requester: String,
    /// Their display name, for the plain-text summary.
    pub requester_name: String,
    /// The team.
    pub team: String,
    /// What would be recorded.
    pub allocation: Allocation,
    /// The budget it does not fit.
    pub shortfall: Shortfall,
    /// The workspace's currency.
    pub currency: String,
}

/// The request card posted to L&D's channel; Approve and Decline answer the request decision
/// `decision`.
pub fn budget_request_card(view: &BudgetRequestView, decision: i64) -> Card {
    let action = |verb| Action::on(verb, decision).with_subject(view.requester.as_str());
    let summary = format!(
        "{} asks L&D to approve an allocation over {}'s {} budget",
        view.requester_name, view.team, view.shortfall.quarter
    );
    Card {
        summary,
        parts: vec![
            Part::Heading("Over-budget request".into()),
            Part::Body(
                Text::new()
                    .mention(view.requester.as_str())
                    .plain(" asks to allocate ")
                    .append(allocation_words(&view.allocation, &view.currency))
                    .plain(" for ")
                    .strong(view.team.as_str())
                    .plain(", over its budget."),
            ),
            Part::Facts(vec![Fact {
                label: format!("Budget {}", view.shortfall.quarter),
                value: Text::new().plain(format!(
                    "{} of {} left; this asks for {}",
                    amount_of(view.shortfall.drawn, view.shortfall.left(), &view.currency, false),
                    amount_of(view.shortfall.drawn, view.shortfall.budget, &view.currency, true),
                    amount_of(view.shortfall.drawn, view.shortfall.asked, &view.currency, false),
                )),
            }]),
            Part::Controls(vec![
                Control::Button {
                    action: action(Verb::ApproveBudget),
                    label: "Approve".into(),
                    emphasis: Emphasis::Primary,
                },
                Control::Button {
                    action: action(Verb::DeclineBudget),
                    label: "Decline".into(),
                    emphasis: Emphasis::Danger,
                },
            ]),
            Part::Note(vec![Text::new().plain(
                "Only workspace admins (L&D) can answer; anyone else is told so and nothing is recorded.",
            )]),
        ],
    }
}

/// What the manager who asked is told, privately where they asked, once L&D has answered.
pub fn answer_notice(decision: &Decision) -> Option<(&BudgetAnswer, Card)> {
    let (answer, approved) = match decision {
        Decision::ApproveBudget(answer) => (answer, true),
        Decision::DeclineBudget(answer) => (answer, false),
        _ => return None,
    };
    let what = match &answer.allocation {
        // The currency is not kept with the answer; the module's title says which request.
        Allocation::Commission(c) => Text::new().plain("the module ").strong(c.title.clone()),
        Allocation::Hours(_) => allocation_words(&answer.allocation, ""),
    };
    let text = if approved {
        Text::new()
            .plain("L&D approved your over-budget request for ")
            .append(what)
            .plain(format!(
                ": it is recorded, over the {} budget.",
                answer.quarter
            ))
    } else {
        Text::new()
            .plain("L&D declined your over-budget request for ")
            .append(what)
            .plain(". Nothing was allocated.")
    };
    Some((answer, Card::of_text(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q4() -> Quarter {
        "2026Q4".parse().expect("quarter")
    }

    #[test]
    fn money_is_grouped_in_thousands() {
        assert_eq!(money(0), "0");
        assert_eq!(money(999), "999");
        assert_eq!(money(1200), "1,200");
        assert_eq!(money(1_000_000_000_000), "1,000,000,000,000");
    }

    #[test]
    fn what_is_left_is_said_with_its_unit_once() {
        let budget = BudgetUse {
            hours_centi: Some(6000),
            spend: Some(5000),
            hours_used_centi: 2200,
            spend_used: 1200,
            ..BudgetUse::none(q4())
        };
        assert_eq!(
            budget.left_line(Drawn::Hours, "GBP").as_deref(),
            Some("38 of 60 learning hours left in 2026Q4")
        );
        assert_eq!(
            budget.left_line(Drawn::Spend, "GBP").as_deref(),
            Some("3,800 of 5,000 GBP left in 2026Q4")
        );
        assert_eq!(
            budget.used_line("GBP").as_deref(),
            Some("Budget 2026Q4: 22 of 60 h, 1,200 of 5,000 GBP used")
        );
        let over = BudgetUse {
            hours_used_centi: 6250,
            ..budget
        };
        assert_eq!(
            over.left_line(Drawn::Hours, "GBP").as_deref(),
            Some(
                "0 of 60 learning hours left in 2026Q4 (2.5 learning hours over, approved by L&D)"
            )
        );
    }

    #[test]
    fn a_team_without_a_budget_has_nothing_to_say() {
        let none = BudgetUse::none(q4());
        assert!(!none.is_set());
        assert_eq!(none.left_line(Drawn::Hours, "EUR"), None);
        assert_eq!(none.used_line("EUR"), None);
        let hours_only = BudgetUse {
            hours_centi: Some(1000),
            ..none
        };
        assert_eq!(
            hours_only.used_line("EUR").as_deref(),
            Some("Budget 2026Q4: 0 of 10 h used")
        );
        assert_eq!(hours_only.left_line(Drawn::Spend, "EUR"), None);
    }

    #[test]
    fn totals_count_used_only_against_budgets_that_are_set() {
        let mut total = BudgetFigures::default();
        total.add(&BudgetFigures {
            hours_centi: Some(6000),
            hours_used_centi: 2200,
            spend: None,
            spend_used: 900,
        });
        total.add(&BudgetFigures {
            hours_centi: None,
            hours_used_centi: 500,
            spend: Some(5000),
            spend_used: 1200,
        });
        assert_eq!(
            total.used_words("GBP").as_deref(),
            Some("22 of 60 h, 1,200 of 5,000 GBP")
        );
        assert!(!BudgetFigures::default().is_set());
    }

    #[test]
    fn a_shortfall_says_what_is_left_and_what_was_asked() {
        let short = Shortfall {
            quarter: q4(),
            drawn: Drawn::Hours,
            budget: 6000,
            used: 5600,
            asked: 600,
        };
        assert_eq!(short.left(), 400);
        assert_eq!(
            short.words("Atlas", "EUR").to_string(),
            "That is over Atlas's learning-hours budget for 2026Q4: 4 of 60 learning hours left, and this asks for 6."
        );
    }
}
