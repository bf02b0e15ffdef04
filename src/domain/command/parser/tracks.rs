//! Tracks made of modules: `track "name" modules "A" > "B" [pace 2/week]`,
//! `track order "name" "B" > "A"`, `pace [@person] "track" 1/sprint` and
//! `done [@person] "module"`.

use std::collections::HashSet;

use super::{Arg, Parser, TRACK, describe};
use crate::domain::command::lexer::TokenKind;
use crate::domain::command::{Command, ParseError};
use crate::domain::name_key;
use crate::domain::pace::Pace;

const MODULE: Arg = Arg {
    expected: "the module's title (in quotes if it has spaces)",
    called: "the module's title",
};

const PACE: &str = "a pace like 2/week or 1/sprint";

impl Parser {
    pub(in crate::domain::command) fn track_compose(&mut self) -> Result<Command, ParseError> {
        let track = self.name(&TRACK, &["modules"])?;
        if self.peek_keyword().as_deref() != Some("modules") {
            return Err(
                self.expected("`modules` and the track's modules, like `modules \"A\" > \"B\"`")
            );
        }
        self.bump();
        let modules = self.module_sequence()?;
        let pace = if self.peek_keyword().as_deref() == Some("pace") {
            self.bump();
            Some(self.pace_value()?)
        } else {
            None
        };
        self.end()?;
        Ok(Command::TrackCompose {
            track,
            modules,
            pace,
        })
    }

    pub(in crate::domain::command) fn track_order(&mut self) -> Result<Command, ParseError> {
        let track = self.name(&TRACK, &[])?;
        let modules = self.module_sequence()?;
        self.end()?;
        Ok(Command::TrackOrder { track, modules })
    }

    pub(in crate::domain::command) fn pace(&mut self) -> Result<Command, ParseError> {
        let person = match self.peek_kind() {
            Some(TokenKind::Mention(_)) => Some(self.person()?),
            _ => None,
        };
        let track = self.name(&TRACK, &[])?;
        let pace = self.pace_value()?;
        self.end()?;
        Ok(Command::Pace {
            person,
            track,
            pace,
        })
    }

    pub(in crate::domain::command) fn done(&mut self) -> Result<Command, ParseError> {
        let person = match self.peek_kind() {
            Some(TokenKind::Mention(_)) => Some(self.person()?),
            _ => None,
        };
        let module = self.name(&MODULE, &[])?;
        self.end()?;
        Ok(Command::Done { person, module })
    }

    /// `"A" > "B" > "C"`: at least one module, each once.
    fn module_sequence(&mut self) -> Result<Vec<String>, ParseError> {
        let mut modules: Vec<String> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        loop {
            let at = self.pos;
            let module = self.name(&MODULE, &["pace"])?;
            if !keys.insert(name_key(&module)) {
                let token = self.tokens.get(at);
                return Err(self.error_at(
                    format!(
                        "{} appears twice in the track — list each module once",
                        describe(token)
                    ),
                    token,
                ));
            }
            modules.push(module);
            match self.peek_kind() {
                Some(TokenKind::Gt) => self.bump(),
                Some(TokenKind::Quoted(_)) => {
                    return Err(self.expected("`>` between modules"));
                }
                _ => return Ok(modules),
            }
        }
    }

    /// `2/week` or `1/sprint`.
    fn pace_value(&mut self) -> Result<Pace, ParseError> {
        let read = match self.peek_kind() {
            Some(TokenKind::Word(word)) => word.parse::<Pace>().ok(),
            _ => None,
        };
        match read {
            Some(pace) => {
                self.bump();
                Ok(pace)
            }
            None => Err(self.expected(PACE)),
        }
    }
}
