//! A tenant's own event sources: `source add KIND`, `source list`, `source rotate ID` and
//! `source remove ID`.

use crate::domain::command::lexer::TokenKind;
use crate::domain::command::{Command, ParseError};
use crate::domain::event::Source;

/// The sources a tenant may add: those that send webhooks.
pub const HOOK_SOURCES: [Source; 5] = [
    Source::Jira,
    Source::Github,
    Source::Linear,
    Source::Zoom,
    Source::Generic,
];

/// The longest source id accepted (ids Cadence makes are 16 characters).
const ID_MAX: usize = 40;

impl super::Parser {
    /// `source add KIND`, the words that name it taken.
    pub(in crate::domain::command) fn source_add(&mut self) -> Result<Command, ParseError> {
        let kind = match self.peek_kind() {
            Some(TokenKind::Word(word)) => HOOK_SOURCES
                .into_iter()
                .find(|s| s.as_str().eq_ignore_ascii_case(word)),
            _ => None,
        };
        let Some(kind) = kind else {
            return Err(self.expected("the kind of source: jira, github, linear, zoom or generic"));
        };
        self.bump();
        self.end()?;
        Ok(Command::SourceAdd { kind })
    }

    /// `source list`, the words that name it taken.
    pub(in crate::domain::command) fn source_list(&mut self) -> Result<Command, ParseError> {
        self.end()?;
        Ok(Command::SourceList)
    }

    /// `source rotate ID`, the words that name it taken.
    pub(in crate::domain::command) fn source_rotate(&mut self) -> Result<Command, ParseError> {
        let id = self.source_id()?;
        Ok(Command::SourceRotate { id })
    }

    /// `source remove ID`, the words that name it taken.
    pub(in crate::domain::command) fn source_remove(&mut self) -> Result<Command, ParseError> {
        let id = self.source_id()?;
        Ok(Command::SourceRemove { id })
    }

    fn source_id(&mut self) -> Result<String, ParseError> {
        let id = match self.peek_kind() {
            Some(TokenKind::Word(word))
                if !word.is_empty()
                    && word.len() <= ID_MAX
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
            {
                Some(word.clone())
            }
            _ => None,
        };
        let Some(id) = id else {
            return Err(self.expected("the source's id, as `source list` shows it"));
        };
        self.bump();
        self.end()?;
        Ok(id)
    }
}
