//! Slack's slash-command text as the grammar's [`CommandText`].
//!
//! With the command's escaping on (`should_escape: true`), Slack sends mentions as
//! `<@U123|alice>`, channels as `<#C123|team-atlas>`, links as `<https://…|label>`, group
//! mentions as `<!here>` or `<!subteam^S1|@devs>`, and the characters `&`, `<`, `>` a person typed
//! as `&amp;`, `&lt;`, `&gt;`. This undoes all of that once, so the grammar sees typed characters
//! and resolved pieces. <https://api.slack.com/interactivity/slash-commands#creating_commands>
//!
//! It never fails and runs in time linear in the input: every escape it accepts contains no
//! other `<`, so no character is scanned more than a few times.

use crate::domain::command::{ChannelRef, CommandText, Piece, UserRef};

/// Reads slash-command text as Slack sends it.
pub fn command_text(raw: &str) -> CommandText {
    Reader::new(raw).read()
}

/// The text as characters, with where the next `<` and `>` are from each position.
struct Reader {
    chars: Vec<char>,
    /// `next_gt[p]`: index of the first `>` at or after `p`, or `chars.len()`.
    next_gt: Vec<usize>,
    /// `next_lt[p]`: index of the first `<` at or after `p`, or `chars.len()`.
    next_lt: Vec<usize>,
}

impl Reader {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        // Precomputed so that checking whether a `<` starts an escape costs O(1) up front
        // instead of a scan to the end of the input, which would be quadratic on `<<<<…`.
        let mut next_gt = vec![n; n + 1];
        let mut next_lt = vec![n; n + 1];
        for p in (0..n).rev() {
            next_gt[p] = if chars[p] == '>' { p } else { next_gt[p + 1] };
            next_lt[p] = if chars[p] == '<' { p } else { next_lt[p + 1] };
        }
        Reader {
            chars,
            next_gt,
            next_lt,
        }
    }

    fn read(&self) -> CommandText {
        let mut text = CommandText::default();
        let mut typed = String::new();
        let mut p = 0;
        while p < self.chars.len() {
            if let Some((piece, next)) = self.escape(p) {
                text.push_str(&typed);
                typed.clear();
                text.push(piece);
                p = next;
            } else if let Some((c, len)) = self.entity(p) {
                typed.push(c);
                p += len;
            } else {
                typed.push(self.chars[p]);
                p += 1;
            }
        }
        text.push_str(&typed);
        text
    }

    /// The HTML entity Slack may have written at `p`, as the character it stands for and the
    /// number of input characters it takes. Slack encodes exactly these three.
    fn entity(&self, p: usize) -> Option<(char, usize)> {
        if self.chars.get(p) != Some(&'&') {
            return None;
        }
        let after = |s: &str| {
            s.chars()
                .enumerate()
                .all(|(k, c)| self.chars.get(p + 1 + k) == Some(&c))
        };
        if after("amp;") {
            Some(('&', 5))
        } else if after("lt;") {
            Some(('<', 4))
        } else if after("gt;") {
            Some(('>', 4))
        } else {
            None
        }
    }

    /// Decodes entities in a slice of the input.
    fn decode(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut p = from;
        while p < to {
            match self.entity(p) {
                Some((c, len)) if p + len <= to => {
                    out.push(c);
                    p += len;
                }
                _ => {
                    out.push(self.chars[p]);
                    p += 1;
                }
            }
        }
        out
    }

    /// The escape starting at `p`, if the input there is one, and the index just past it.
    fn escape(&self, p: usize) -> Option<(Piece, usize)> {
        if self.chars.get(p) != Some(&'<') {
            return None;
        }
        let close = *self.next_gt.get(p + 1)?;
        // Slack escapes every `<` the person typed, so a real escape contains no raw `<`.
        if close >= self.chars.len() || *self.next_lt.get(p + 1)? < close {
            return None;
        }
        let start = p + 1;
        let first = *self.chars.get(start)?;
        let body_start = if matches!(first, '@' | '#' | '!') {
            start + 1
        } else {
            start
        };
        let bar = self.chars[body_start..close]
            .iter()
            .position(|&c| c == '|')
            .map(|k| body_start + k);
        let id_end = bar.unwrap_or(close);
        let id: String = self.chars[body_start..id_end].iter().collect();
        if id.is_empty() || id.chars().any(char::is_whitespace) {
            return None;
        }
        let label = bar
            .map(|b| self.decode(b + 1, close))
            .filter(|label| !label.is_empty());
        let piece = match first {
            '@' => Piece::Mention(UserRef { id, label }),
            '#' => Piece::Channel(ChannelRef { id, label }),
            '!' => Piece::Special(label.unwrap_or_else(|| {
                // `<!subteam^S123>`, `<!here>`: show the part before any `^` as an @-word.
                format!("@{}", id.split('^').next().unwrap_or_default())
            })),
            _ if is_url_scheme(&id) => Piece::Link(self.decode(body_start, id_end)),
            _ => return None,
        };
        Some((piece, close + 1))
    }
}

/// Whether an escape's body starts like a URL (`https:`, `mailto:`, `tel:`).
fn is_url_scheme(body: &str) -> bool {
    let Some((scheme, _)) = body.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// Writes a command back as Slack sends it: mentions, channels and links escaped, and `&`, `<`,
/// `>` typed by the person as entities. The inverse of [`command_text`].
pub fn slack_text(text: &CommandText) -> String {
    let mut out = String::new();
    for piece in text.pieces() {
        match piece {
            Piece::Text(typed) => escape_entities(&mut out, typed),
            Piece::Mention(user) => {
                out.push_str("<@");
                out.push_str(&user.id);
                label(&mut out, user.label.as_deref());
            }
            Piece::Channel(channel) => {
                out.push_str("<#");
                out.push_str(&channel.id);
                label(&mut out, channel.label.as_deref());
            }
            Piece::Link(url) => {
                out.push('<');
                escape_entities(&mut out, url);
                out.push('>');
            }
            Piece::Special(shown) => {
                out.push_str("<!");
                out.push_str(shown.trim_start_matches('@'));
                out.push('>');
            }
        }
    }
    out
}

fn label(out: &mut String, label: Option<&str>) {
    if let Some(label) = label {
        out.push('|');
        escape_entities(out, label);
    }
    out.push('>');
}

fn escape_entities(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, label: Option<&str>) -> Piece {
        Piece::Mention(UserRef {
            id: id.into(),
            label: label.map(Into::into),
        })
    }

    #[test]
    fn mentions_channels_and_links_become_pieces() {
        let text = command_text(
            "<@U1|alice> <@W2> <#C3|team-atlas> <#C4> <https://x.io/a?b=1&amp;c=2|docs>",
        );
        assert_eq!(
            text.pieces(),
            &[
                user("U1", Some("alice")),
                Piece::Text(" ".into()),
                user("W2", None),
                Piece::Text(" ".into()),
                Piece::Channel(ChannelRef {
                    id: "C3".into(),
                    label: Some("team-atlas".into())
                }),
                Piece::Text(" ".into()),
                Piece::Channel(ChannelRef {
                    id: "C4".into(),
                    label: None
                }),
                Piece::Text(" ".into()),
                Piece::Link("https://x.io/a?b=1&c=2".into()),
            ]
        );
    }

    #[test]
    fn mention_labels_keep_spaces_and_decode_entities() {
        assert_eq!(
            command_text("<@U1|Alice &amp; Co>").pieces(),
            &[user("U1", Some("Alice & Co"))]
        );
    }

    #[test]
    fn entities_decode_to_what_was_typed() {
        assert_eq!(
            command_text("R&amp;D a&gt;b &lt;e &amp;amp;").pieces(),
            &[Piece::Text("R&D a>b <e &amp;".into())]
        );
    }

    #[test]
    fn unresolved_angle_brackets_are_typed_text() {
        assert_eq!(
            command_text("<nope <@ U1> <<<<").pieces(),
            &[Piece::Text("<nope <@ U1> <<<<".into())]
        );
    }

    #[test]
    fn group_mentions_are_special() {
        assert_eq!(
            command_text("gap <!channel> <!subteam^S1|@devs>").pieces(),
            &[
                Piece::Text("gap ".into()),
                Piece::Special("@channel".into()),
                Piece::Text(" ".into()),
                Piece::Special("@devs".into()),
            ]
        );
    }

    #[test]
    fn slack_text_is_the_inverse() {
        for raw in [
            "gap <@U1|alice> \"R&amp;D\"",
            "sequence backend: a &gt; b",
            "ritual add retro <#C1|team-atlas> on jira:board=12:sprint_closed",
            "see <https://x.io/a?b=1&amp;c=2>",
        ] {
            let text = command_text(raw);
            assert_eq!(command_text(&slack_text(&text)), text, "{raw}");
        }
    }
}
