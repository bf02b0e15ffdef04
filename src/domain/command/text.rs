//! The command as the grammar reads it: words the person typed, with the people, channels and
//! links their platform resolved kept apart as whole pieces.
//!
//! Each platform's adapter produces a [`CommandText`] from its own markup (Slack's escaped
//! `<@U123|alice>`, Teams' `<at>Alice</at>` with mention entities), so the grammar never sees a
//! platform's syntax and speaks of "a mention", not "a mention Slack recognised".

use super::{ChannelRef, UserRef};

/// One piece of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Characters as typed (any escaping the platform did is undone).
    Text(String),
    /// A person the platform resolved from a mention.
    Mention(UserRef),
    /// A channel the platform resolved.
    Channel(ChannelRef),
    /// A link the platform recognised; the grammar keeps only its address.
    Link(String),
    /// A mention of a group (`@here`, `@channel`, a user group), shown as typed: never allowed
    /// in a command.
    Special(String),
}

impl Piece {
    /// How the piece reads to the person who typed it.
    pub fn shown(&self) -> String {
        match self {
            Piece::Text(text) => text.clone(),
            Piece::Mention(user) => format!("@{}", user.label.as_deref().unwrap_or(&user.id)),
            Piece::Channel(channel) => {
                format!("#{}", channel.label.as_deref().unwrap_or(&channel.id))
            }
            Piece::Link(url) => url.clone(),
            Piece::Special(text) => text.clone(),
        }
    }
}

/// A whole command, in pieces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandText {
    pieces: Vec<Piece>,
}

impl CommandText {
    /// A command of these pieces.
    pub fn new(pieces: Vec<Piece>) -> Self {
        let mut text = CommandText::default();
        for piece in pieces {
            text.push(piece);
        }
        text
    }

    /// A command that is only typed characters, with no resolved mentions.
    pub fn plain(text: &str) -> Self {
        CommandText::new(vec![Piece::Text(text.to_owned())])
    }

    /// Appends a piece, joining neighbouring text.
    pub fn push(&mut self, piece: Piece) {
        match (self.pieces.last_mut(), piece) {
            (_, Piece::Text(text)) if text.is_empty() => {}
            (Some(Piece::Text(last)), Piece::Text(text)) => last.push_str(&text),
            (_, piece) => self.pieces.push(piece),
        }
    }

    /// Appends typed characters.
    pub fn push_str(&mut self, text: &str) {
        self.push(Piece::Text(text.to_owned()));
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The command as the person saw it: `@alice`, `#team-atlas` and links' addresses in place of
    /// the resolved pieces.
    pub fn shown(&self) -> String {
        self.pieces.iter().map(Piece::shown).collect()
    }
}

impl std::fmt::Display for CommandText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}
