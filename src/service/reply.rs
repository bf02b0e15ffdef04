//! What a command answers: neutral text plus what happened, for metrics and tests.

use crate::domain::command::{ParseError, usage_for};
use crate::domain::ids::DecisionId;
use crate::domain::text::Text;

/// What running a command did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A decision was recorded.
    Recorded(DecisionId),
    /// The same request was recorded before; nothing more was.
    Replayed,
    /// Set-up data changed (teams, capabilities).
    Changed,
    /// Information shown; nothing changed.
    Shown,
    /// The command did not parse or named something unknown; nothing changed.
    Invalid,
    /// The actor may not do this; nothing changed.
    Refused,
}

/// The answer to the command's author (ephemeral).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// What to tell them.
    pub text: Text,
    /// What happened.
    pub outcome: Outcome,
}

impl Reply {
    /// Something was wrong with what they asked; nothing was recorded.
    pub fn invalid(text: Text) -> Self {
        Reply {
            text,
            outcome: Outcome::Invalid,
        }
    }

    /// They may not do this; nothing was recorded.
    pub fn refused(text: Text) -> Self {
        Reply {
            text,
            outcome: Outcome::Refused,
        }
    }
}

/// Explains a command that did not parse: what, where, and how it is written.
pub fn parse_error(error: &ParseError) -> Reply {
    let mut text = Text::new()
        .plain("I couldn't read that: ")
        .plain(error.message.clone());
    if let Some(sub) = error.subcommand {
        text = text.line().plain("Usage: ").command(usage_for(sub));
    } else {
        text = text
            .line()
            .plain("Try ")
            .command("help")
            .plain(" for the list of commands.");
    }
    text = text.line().plain("Nothing was recorded.");
    Reply::invalid(text)
}
