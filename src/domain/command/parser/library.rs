//! The module library's subcommands: `module add "title" for "capability" [hours N] [link URL]
//! [level …]`, `module list [for "capability"]`, `module retire "title"` and `module approve
//! "title"`. `module add`'s clauses come in any order after the title, each at most once, and
//! `for` is required.

use super::values::parse_hours;
use super::{CAPABILITY, HOURS_MAX, Parser, TITLE};
use crate::domain::Level;
use crate::domain::command::lexer::TokenKind;
use crate::domain::command::{Command, Hours, ParseError};
use crate::domain::library::{MODULE_LEVELS, hours_problem, link_problem, module_level};

/// The words that start `module add`'s clauses; a bare-word title may not be one of them.
const CLAUSES: [&str; 4] = ["for", "hours", "link", "level"];

impl Parser {
    pub(in crate::domain::command) fn module_add(&mut self) -> Result<Command, ParseError> {
        let title = self.name(&TITLE, &CLAUSES)?;
        let mut capability = None;
        let mut hours = None;
        let mut link = None;
        let mut level = None;
        while let Some(keyword) = self.peek_keyword() {
            let seen = match keyword.as_str() {
                "for" => capability.is_some(),
                "hours" => hours.is_some(),
                "link" => link.is_some(),
                "level" => level.is_some(),
                _ => break,
            };
            if seen {
                return Err(self.error_here(format!("`{keyword}` is given twice — give it once")));
            }
            self.bump();
            match keyword.as_str() {
                "for" => capability = Some(self.name(&CAPABILITY, &CLAUSES)?),
                "hours" => hours = Some(self.module_hours()?),
                "link" => link = Some(self.link()?),
                _ => level = Some(self.module_level()?),
            }
        }
        let Some(capability) = capability else {
            return Err(self
                .expected("`for` and the capability the module builds (like `for \"run EBR\"`)"));
        };
        self.end()?;
        Ok(Command::ModuleAdd {
            title,
            capability,
            hours,
            link,
            level,
        })
    }

    pub(in crate::domain::command) fn module_list(&mut self) -> Result<Command, ParseError> {
        let capability = if self.at_keyword("for") {
            self.bump();
            Some(self.name(&CAPABILITY, &[])?)
        } else {
            None
        };
        self.end()?;
        Ok(Command::ModuleList { capability })
    }

    pub(in crate::domain::command) fn module_retire(&mut self) -> Result<Command, ParseError> {
        let title = self.name(&TITLE, &[])?;
        self.end()?;
        Ok(Command::ModuleRetire { title })
    }

    pub(in crate::domain::command) fn module_approve(&mut self) -> Result<Command, ParseError> {
        let title = self.name(&TITLE, &[])?;
        self.end()?;
        Ok(Command::ModuleApprove { title })
    }

    /// Reads how long a module takes: hours with up to two decimals, more than none.
    fn module_hours(&mut self) -> Result<Hours, ParseError> {
        let at = self.pos;
        let centi = self.number(
            "a number of hours (like 3 or 1.5)",
            &format!("a module is at most {HOURS_MAX} hours long"),
            parse_hours,
        )?;
        if let Some(problem) = hours_problem(centi) {
            return Err(self.error_at(problem, self.tokens.get(at)));
        }
        Ok(Hours { centi })
    }

    /// Reads a link: an address the platform recognised, or one typed bare or in quotes.
    fn link(&mut self) -> Result<String, ParseError> {
        const LINK: &str = "a link like https://lms.example.com/course";
        let link = match self.peek_kind() {
            Some(TokenKind::Link(url) | TokenKind::Quoted(url)) => url.clone(),
            Some(TokenKind::Word(word)) if !CLAUSES.contains(&word.to_lowercase().as_str()) => {
                word.clone()
            }
            _ => return Err(self.expected(LINK)),
        };
        if let Some(problem) = link_problem(&link) {
            return Err(self.error_here(problem));
        }
        self.bump();
        Ok(link)
    }

    /// Reads the level a module aims at.
    fn module_level(&mut self) -> Result<Level, ParseError> {
        let word = self.peek_word_or_quoted();
        match word.as_deref().map(module_level) {
            Some(Some(level)) => {
                self.bump();
                Ok(level)
            }
            Some(None)
                if word
                    .as_deref()
                    .is_some_and(|w| w.eq_ignore_ascii_case("none")) =>
            {
                Err(self.error_here(format!(
                    "a module aims at a level people reach — {MODULE_LEVELS}, not none"
                )))
            }
            _ => Err(self.expected(&format!("a level ({MODULE_LEVELS})"))),
        }
    }
}
