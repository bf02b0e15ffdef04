//! The organisation's views: `org [family:"…"] [quarter 2026Q4]` and
//! `scorecard [@manager] [quarter 2026Q4]`. Their parts come in any order, each at most once.

use crate::domain::command::lexer::TokenKind;
use crate::domain::command::{Command, ParseError};
use crate::domain::outcomes::Quarter;

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
