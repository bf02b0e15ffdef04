//! The organisation's side: `org [family:"…"] [quarter 2026Q4]`, `scorecard [@manager]
//! [quarter 2026Q4]`, `settings [learning-channel #c] [currency XXX] [over-budget …]` and
//! `budget [hours N] [spend N] [quarter 2026Q4]`. Their parts come in any order, each at most
//! once.

use super::BUDGET_HOURS_MAX;
use super::values::{parse_budget, parse_hours_up_to};
use crate::domain::command::lexer::TokenKind;
use crate::domain::command::{Command, Hours, ParseError};
use crate::domain::outcomes::Quarter;
use crate::domain::settings::{OverBudget, currency_code};

impl super::Parser {
    pub(in crate::domain::command) fn org(&mut self) -> Result<Command, ParseError> {
        let mut family = None;
        let mut quarter = None;
        loop {
            self.take_family(&mut family)?;
            if !self.take_quarter(&mut quarter)? {
                break;
            }
        }
        self.end()?;
        Ok(Command::Org { family, quarter })
    }

    pub(in crate::domain::command) fn scorecard(&mut self) -> Result<Command, ParseError> {
        let mut manager = None;
        let mut quarter = None;
        loop {
            if matches!(self.peek_kind(), Some(TokenKind::Mention(_))) {
                if manager.is_some() {
                    return Err(self
                        .error_here("name one manager — a scorecard is one person's".to_owned()));
                }
                manager = Some(self.person()?);
                continue;
            }
            if !self.take_quarter(&mut quarter)? {
                break;
            }
        }
        self.end()?;
        Ok(Command::Scorecard { manager, quarter })
    }

    pub(in crate::domain::command) fn settings(&mut self) -> Result<Command, ParseError> {
        let mut ld_channel = None;
        let mut currency = None;
        let mut over_budget = None;
        while let Some(keyword) = self.peek_keyword() {
            let twice = |parser: &Self| {
                parser.error_here(format!("`{keyword}` is given twice — give it once"))
            };
            match keyword.as_str() {
                "learning-channel" => {
                    if ld_channel.is_some() {
                        return Err(twice(self));
                    }
                    self.bump();
                    ld_channel = Some(self.channel()?);
                }
                "currency" => {
                    if currency.is_some() {
                        return Err(twice(self));
                    }
                    self.bump();
                    let code = match self.peek_kind() {
                        Some(TokenKind::Word(word)) => currency_code(word),
                        _ => None,
                    };
                    let Some(code) = code else {
                        return Err(self.expected("a three-letter currency code, like EUR or USD"));
                    };
                    currency = Some(code);
                    self.bump();
                }
                "over-budget" => {
                    if over_budget.is_some() {
                        return Err(twice(self));
                    }
                    self.bump();
                    let policy = match self.peek_kind() {
                        Some(TokenKind::Word(word)) => word.parse::<OverBudget>().ok(),
                        _ => None,
                    };
                    let Some(policy) = policy else {
                        return Err(self.expected("`refuse` or `request` after `over-budget`"));
                    };
                    over_budget = Some(policy);
                    self.bump();
                }
                _ => break,
            }
        }
        self.end()?;
        Ok(Command::Settings {
            ld_channel,
            currency,
            over_budget,
        })
    }

    pub(in crate::domain::command) fn budget(&mut self) -> Result<Command, ParseError> {
        let mut hours = None;
        let mut spend = None;
        let mut quarter = None;
        while let Some(keyword) = self.peek_keyword() {
            let twice = |parser: &Self| {
                parser.error_here(format!("`{keyword}` is given twice — give it once"))
            };
            match keyword.as_str() {
                "hours" => {
                    if hours.is_some() {
                        return Err(twice(self));
                    }
                    self.bump();
                    let centi = self.number(
                        "a number of hours (like 60 or 37.5)",
                        &format!("at most {BUDGET_HOURS_MAX} hours a quarter"),
                        |w| parse_hours_up_to(w, BUDGET_HOURS_MAX),
                    )?;
                    hours = Some(Hours { centi });
                }
                "spend" => {
                    if spend.is_some() {
                        return Err(twice(self));
                    }
                    self.bump();
                    spend = Some(self.number(
                        "an amount in whole currency units (like 5000 or 5,000)",
                        "keep it to 1,000,000,000,000",
                        parse_budget,
                    )?);
                }
                "quarter" => {
                    self.take_quarter(&mut quarter)?;
                }
                _ => break,
            }
        }
        self.end()?;
        Ok(Command::Budget {
            hours,
            spend,
            quarter,
        })
    }

    /// Takes `quarter 2026Q4` at the cursor into `quarter`; whether it found one.
    fn take_quarter(&mut self, quarter: &mut Option<Quarter>) -> Result<bool, ParseError> {
        if self.peek_keyword().as_deref() != Some("quarter") {
            return Ok(false);
        }
        if quarter.is_some() {
            return Err(self.error_here("`quarter` is given twice — give one quarter".to_owned()));
        }
        self.bump();
        let read = match self.peek_kind() {
            Some(TokenKind::Word(word) | TokenKind::Quoted(word)) => word.parse::<Quarter>().ok(),
            _ => None,
        };
        match read {
            Some(q) => {
                *quarter = Some(q);
                self.bump();
                Ok(true)
            }
            None => Err(self.expected("a quarter after `quarter`, like 2026Q4")),
        }
    }
}
