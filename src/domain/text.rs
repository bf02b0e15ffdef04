//! Neutral rich text: what the domain says, without any platform's markup.
//!
//! The domain never writes mrkdwn or Teams markdown itself. It builds a [`Text`] from spans that
//! keep user-supplied words apart from formatting, and each platform's renderer escapes the words
//! for its own syntax. That separation is what makes "escape all user text" hold by construction.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One piece of a message. Serialised (snake_case) because cards holding text are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Words shown as they are (escaped by the renderer).
    Plain(String),
    /// Words shown in bold.
    Strong(String),
    /// Words shown as code.
    Code(String),
    /// A Cadence command, without the words that invoke Cadence: each platform writes it the way
    /// its people invoke Cadence (`/cadence gap …` in Slack, `@Cadence gap …` in Teams).
    Command(String),
    /// A mention of a user by platform id; renders as a ping.
    Mention(String),
    /// A reference to a channel by platform id.
    Channel(String),
    /// A link: an http(s) address shown as `label`. Renderers show only addresses that pass
    /// [`crate::domain::library::link_problem`] as links; anything else as plain words.
    Link {
        /// The address.
        url: String,
        /// What is shown for it.
        label: String,
    },
    /// A line break.
    Break,
}

/// A message body made of spans.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    spans: Vec<Span>,
}

impl Text {
    /// An empty text.
    pub fn new() -> Self {
        Text::default()
    }

    /// The spans, in order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Appends plain words.
    pub fn plain(mut self, words: impl Into<String>) -> Self {
        self.spans.push(Span::Plain(words.into()));
        self
    }

    /// Appends bold words.
    pub fn strong(mut self, words: impl Into<String>) -> Self {
        self.spans.push(Span::Strong(words.into()));
        self
    }

    /// Appends a Cadence command (`gap @person "capability"`), which each platform shows with its
    /// own way of invoking Cadence.
    pub fn command(mut self, words: impl Into<String>) -> Self {
        self.spans.push(Span::Command(words.into()));
        self
    }

    /// Appends words shown as code (ids, names of settings).
    pub fn code(mut self, words: impl Into<String>) -> Self {
        self.spans.push(Span::Code(words.into()));
        self
    }

    /// Appends a mention of a user by platform id.
    pub fn mention(mut self, user_id: impl Into<String>) -> Self {
        self.spans.push(Span::Mention(user_id.into()));
        self
    }

    /// Appends a reference to a channel by platform id.
    pub fn channel(mut self, channel_id: impl Into<String>) -> Self {
        self.spans.push(Span::Channel(channel_id.into()));
        self
    }

    /// Appends a link to `url`, shown as `label`.
    pub fn link(mut self, url: impl Into<String>, label: impl Into<String>) -> Self {
        self.spans.push(Span::Link {
            url: url.into(),
            label: label.into(),
        });
        self
    }

    /// Appends a line break.
    pub fn line(mut self) -> Self {
        self.spans.push(Span::Break);
        self
    }

    /// Appends another text.
    pub fn append(mut self, other: Text) -> Self {
        self.spans.extend(other.spans);
        self
    }

    /// Appends a span in place.
    pub fn push(&mut self, span: Span) {
        self.spans.push(span);
    }
}

/// Plain-text rendering for terminals and logs: no markup, mentions as `@id`.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for span in &self.spans {
            match span {
                Span::Plain(s) | Span::Strong(s) => f.write_str(s)?,
                Span::Code(s) => write!(f, "`{s}`")?,
                // Plain text knows no platform: the command alone, as people type it after
                // invoking Cadence.
                Span::Command(s) => write!(f, "`{s}`")?,
                Span::Mention(id) => write!(f, "@{id}")?,
                Span::Channel(id) => write!(f, "#{id}")?,
                Span::Link { url, label } if url == label => f.write_str(url)?,
                Span::Link { url, label } => write!(f, "{label} ({url})")?,
                Span::Break => f.write_str("\n")?,
            }
        }
        Ok(())
    }
}
