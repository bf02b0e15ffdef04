//! The demo's transcript: what people did and what they then saw, in order, written as a short
//! story of the channel with a one-line header per step. What Cadence "said" is never written
//! here: each platform's driver reads it back from the loopback stand-in (or from Cadence's
//! answer to the request) and renders it with [`super::blockkit`] or [`super::adaptive`].

use std::io::Write;

use serde_json::Value;

use crate::domain::card::Verb;

/// Lines longer than this are wrapped at a space.
const WIDTH: usize = 100;

/// One thing that happened in the channel.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Who saw it, and how.
    pub shown: Shown,
    /// Its words, rendered as the platform shows them.
    pub lines: Vec<String>,
    /// The actions its buttons offer, so a later step can press one.
    pub verbs: Vec<Verb>,
    /// The message or form itself, for a later click or submission.
    pub handle: Option<Handle>,
}

/// How a [`Seen`] came to be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Someone typed, clicked or filled something in (the first line says what).
    Did {
        /// Who, as the channel shows them.
        who: String,
    },
    /// Something outside the chat happened: a tool's webhook, time passing.
    Note,
    /// Cadence posted a new message in a channel.
    Posted {
        /// The channel, by name.
        channel: String,
    },
    /// Cadence replied in a message's thread.
    Reply {
        /// The channel, by name.
        channel: String,
    },
    /// Cadence changed one of its messages in place.
    Updated {
        /// The channel, by name.
        channel: String,
    },
    /// An answer only one person sees.
    Private {
        /// Who sees it.
        to: String,
    },
    /// A form opened for the person who clicked.
    Form {
        /// Who sees it.
        to: String,
    },
    /// The card the person who clicked sees in place of the one they clicked.
    Answer {
        /// Who sees it.
        to: String,
    },
}

/// A posted message or an opened form: enough for a click on it or a submission of it.
#[derive(Debug, Clone)]
pub struct Handle {
    /// The channel (platform id) it is in.
    pub channel: String,
    /// Its platform id: a Slack `ts` or view id, a Teams activity id.
    pub id: String,
    /// What the platform received: Block Kit message or view, or an Adaptive Card.
    pub body: Value,
}

impl Seen {
    /// Something someone did, in one line.
    pub fn did(who: &str, what: String) -> Seen {
        Seen::plain(
            Shown::Did {
                who: who.to_owned(),
            },
            vec![what],
        )
    }

    /// A note on what happened outside the chat.
    pub fn note(what: String) -> Seen {
        Seen::plain(Shown::Note, vec![what])
    }

    /// Lines with nothing to act on.
    pub fn plain(shown: Shown, lines: Vec<String>) -> Seen {
        Seen {
            shown,
            lines,
            verbs: Vec::new(),
            handle: None,
        }
    }

    /// Whether its words include `words`, in any case (headers are shown in upper case).
    fn says(&self, words: &str) -> bool {
        self.lines
            .join("\n")
            .to_lowercase()
            .contains(&words.to_lowercase())
    }
}

/// What a step must see before the story goes on.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// An answer to the person who acted (privately, in the thread, or in place of the card)
    /// containing these words.
    Told(&'static str),
    /// A new message whose card offers this action.
    CardWith(Verb),
    /// A new message containing these words.
    Posted(&'static str),
    /// A message changed in place, now containing these words.
    Updated(&'static str),
    /// A form, opened for the person who clicked.
    FormOpened,
}

impl Expect {
    /// Whether `seen` holds what is expected.
    pub fn met(self, seen: &[Seen]) -> bool {
        seen.iter().any(|s| match (self, &s.shown) {
            (
                Expect::Told(words),
                Shown::Private { .. } | Shown::Reply { .. } | Shown::Answer { .. },
            ) => s.says(words),
            (Expect::CardWith(verb), Shown::Posted { .. }) => s.verbs.contains(&verb),
            (Expect::Posted(words), Shown::Posted { .. }) => s.says(words),
            (Expect::Updated(words), Shown::Updated { .. }) => s.says(words),
            (Expect::FormOpened, Shown::Form { .. }) => true,
            _ => false,
        })
    }

    /// What was expected, in words.
    pub fn describe(self) -> String {
        match self {
            Expect::Told(words) => format!("an answer saying \"{words}\""),
            Expect::CardWith(verb) => format!("a new card with a `{}` button", verb.code()),
            Expect::Posted(words) => format!("a new message saying \"{words}\""),
            Expect::Updated(words) => format!("a message updated to say \"{words}\""),
            Expect::FormOpened => "a form to open".to_owned(),
        }
    }
}

/// The first expectation `seen` does not meet, described.
pub fn unmet(expect: &[Expect], seen: &[Seen]) -> Option<String> {
    expect.iter().find(|e| !e.met(seen)).map(|e| e.describe())
}

/// Writes the story as it happens.
pub struct Transcript<'w> {
    out: &'w mut (dyn Write + Send),
}

impl<'w> Transcript<'w> {
    /// A transcript written to `out`.
    pub fn new(out: &'w mut (dyn Write + Send)) -> Self {
        Transcript { out }
    }

    /// A line of the opening, as it is.
    pub fn say(&mut self, line: &str) -> std::io::Result<()> {
        writeln!(self.out, "{line}")
    }

    /// A step's header: its number, the story's time, what happens and the route called.
    pub fn step(
        &mut self,
        number: usize,
        when: &str,
        title: &str,
        route: &str,
    ) -> std::io::Result<()> {
        writeln!(self.out)?;
        writeln!(self.out, "━━ {number}. {title}  ·  {when}  ·  {route}")?;
        self.out.flush()
    }

    /// Everything seen in a step, in order.
    pub fn seen(&mut self, seen: &[Seen]) -> std::io::Result<()> {
        for one in seen {
            self.one(one)?;
        }
        self.out.flush()
    }

    fn one(&mut self, seen: &Seen) -> std::io::Result<()> {
        let lead = match &seen.shown {
            Shown::Did { who } => {
                let mut lines = seen.lines.iter();
                let first = lines.next().map(String::as_str).unwrap_or_default();
                self.wrapped(&format!("{who} › "), first)?;
                for line in lines {
                    self.wrapped("    ", line)?;
                }
                return Ok(());
            }
            Shown::Note => {
                for line in &seen.lines {
                    self.wrapped("  ", &format!("({line})"))?;
                }
                return Ok(());
            }
            Shown::Posted { channel } => format!("Cadence in {channel}:"),
            Shown::Reply { channel } => format!("Cadence, replying in the thread in {channel}:"),
            Shown::Updated { channel } => format!("Cadence updates its message in {channel}:"),
            Shown::Private { to } => format!("Only {to} sees:"),
            Shown::Form { to } => format!("A form opens for {to}:"),
            Shown::Answer { to } => format!("{to} now sees, in place of the card:"),
        };
        writeln!(self.out, "  {lead}")?;
        for line in &seen.lines {
            self.wrapped("  │ ", line)?;
        }
        Ok(())
    }

    /// `line` after `lead`, wrapped at a space before [`WIDTH`], continuing under the lead.
    fn wrapped(&mut self, lead: &str, line: &str) -> std::io::Result<()> {
        let indent = if lead.trim().is_empty() || lead.contains('│') {
            lead.to_owned()
        } else {
            " ".repeat(lead.chars().count())
        };
        let mut first = true;
        for piece in wrap(line, WIDTH.saturating_sub(lead.chars().count()).max(20)) {
            let lead = if first { lead } else { indent.as_str() };
            writeln!(self.out, "{lead}{piece}")?;
            first = false;
        }
        Ok(())
    }
}

/// `line` cut at spaces into pieces of at most `width` characters (a longer word stays whole).
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for word in line.split(' ') {
        let wanted = piece.chars().count() + 1 + word.chars().count();
        if !piece.is_empty() && wanted > width {
            pieces.push(std::mem::take(&mut piece));
        } else if !piece.is_empty() {
            piece.push(' ');
        }
        piece.push_str(word);
    }
    pieces.push(piece);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("", 9), [""]);
        assert_eq!(wrap("unbreakableword x", 5), ["unbreakableword", "x"]);
    }

    #[test]
    fn expectations_look_at_the_right_kind_of_message() {
        let posted = Seen {
            shown: Shown::Posted {
                channel: "#team-atlas".to_owned(),
            },
            lines: vec!["Atlas — capability digest".to_owned()],
            verbs: vec![Verb::LogGap],
            handle: None,
        };
        let seen = [posted];
        assert!(Expect::Posted("capability digest").met(&seen));
        assert!(Expect::CardWith(Verb::LogGap).met(&seen));
        assert!(!Expect::Updated("capability digest").met(&seen));
        assert!(!Expect::Told("capability digest").met(&seen));
        assert_eq!(
            unmet(&[Expect::Posted("digest"), Expect::FormOpened], &seen),
            Some("a form to open".to_owned())
        );
    }
}
