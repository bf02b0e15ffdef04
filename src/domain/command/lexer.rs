//! The tokenizer for `/cadence` commands: turns Slack-escaped command text into tokens.
//!
//! Slack sends slash-command text with `should_escape` on, so the lexer sees mentions as
//! `<@U123|alice>`, channels as `<#C123|team-atlas>`, links as `<https://…|label>`, and the
//! characters `&`, `<`, `>` that a person typed as `&amp;`, `&lt;`, `&gt;`. The lexer undoes all of
//! that once, here, so the parser only ever sees typed tokens: words, quoted strings, labels
//! (`backend:`), `team:`/`family:` options, mentions, channels, links and the `>` that separates
//! the steps of a `sequence`.
//!
//! While it reads, the lexer also writes the *display text*: the command as the person saw it in
//! their composer (`@alice` rather than `<@U123|alice>`, `&` rather than `&amp;`). Every token and
//! every [`ParseError::at`] is a character offset into that text, so a reply can point at the
//! mistake in words the person recognises.
//!
//! The lexer never panics and runs in time linear in the input, whatever the input: every Slack
//! escape `<…>` it accepts contains no other `<`, so no character is scanned more than a few times.

use super::{ChannelRef, ParseError, UserRef};

/// The characters that open and close a quoted string. Curly quotes are accepted because macOS and
/// iOS autocorrect turn a typed `"` into `“` or `”`, and people should not have to fight that.
const QUOTES: [char; 3] = ['"', '\u{201C}', '\u{201D}'];

/// Whether `c` opens or closes a quoted string.
fn is_quote(c: char) -> bool {
    QUOTES.contains(&c)
}

/// The key of a `key:value` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionKey {
    /// `team:<name>`: which team the command is for.
    Team,
    /// `family:<name>`: the role family a capability belongs to.
    Family,
}

impl OptionKey {
    /// The key as written, with its colon.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OptionKey::Team => "team:",
            OptionKey::Family => "family:",
        }
    }

    /// The key a word starts with, if any, compared without regard to case.
    fn prefix_of(word: &str) -> Option<(OptionKey, &str)> {
        [OptionKey::Team, OptionKey::Family]
            .into_iter()
            .find_map(|key| {
                let len = key.as_str().len();
                // `get` rather than indexing: the word may start with a multi-byte character.
                let head = word.get(..len)?;
                head.eq_ignore_ascii_case(key.as_str())
                    .then(|| (key, word.get(len..).unwrap_or_default()))
            })
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A bare word, with HTML entities decoded.
    Word(String),
    /// The content of a quoted string, trimmed, with escapes, entities and Slack markup normalised
    /// to plain text.
    Quoted(String),
    /// A word or quoted string followed directly by `:` (`backend:`, `"account exec":`), without
    /// the colon.
    Label(String),
    /// `team:Atlas`, `team:"Team Atlas"`, `family:…`.
    Option {
        /// Which option.
        key: OptionKey,
        /// Its value (trimmed when quoted).
        value: String,
    },
    /// A user mention Slack resolved: `<@U123|alice>`.
    Mention(UserRef),
    /// A channel Slack resolved: `<#C123|team-atlas>`.
    Channel(ChannelRef),
    /// A link Slack recognised: `<https://…|label>`; only the address is kept.
    Link(String),
    /// `>` (typed, so sent as `&gt;`): separates the steps of a `sequence`.
    Gt,
}

/// One token and where it was in the display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// What it is.
    pub(crate) kind: TokenKind,
    /// Character offset of its first character in the display text.
    pub(crate) at: usize,
    /// The token as the person saw it (`"run EBR"`, `@alice`, `team:Atlas`), for error messages.
    pub(crate) shown: String,
}

/// The result of reading a whole command.
#[derive(Debug)]
pub(crate) struct Lexed {
    /// The tokens, in order. When `error` is set, only those before the error.
    pub(crate) tokens: Vec<Token>,
    /// The command as the person saw it; offsets index into it.
    pub(crate) display: String,
    /// Length of `display` in characters.
    pub(crate) display_len: usize,
    /// The first thing that could not be read, if any.
    pub(crate) error: Option<ParseError>,
}

/// A Slack escape sequence `<…>`, parsed.
enum Escape {
    /// `<@ID>` or `<@ID|label>`.
    User(UserRef),
    /// `<#ID>` or `<#ID|label>`.
    Channel(ChannelRef),
    /// `<url>` or `<url|label>`.
    Link(String),
    /// `<!here>`, `<!channel>`, `<!subteam^ID|@team>`, `<!date^…|fallback>`: shown as text.
    Special(String),
}

impl Escape {
    /// How the escape reads as plain text: what Slack showed the person.
    fn as_text(&self) -> String {
        match self {
            Escape::User(user) => format!("@{}", user.label.as_deref().unwrap_or(&user.id)),
            Escape::Channel(channel) => {
                format!("#{}", channel.label.as_deref().unwrap_or(&channel.id))
            }
            Escape::Link(url) => url.clone(),
            Escape::Special(text) => text.clone(),
        }
    }
}

/// Returns the command as the person saw it: Slack markup shown as `@alice`, `#team-atlas` or the
/// link's address, and `&amp;`, `&lt;`, `&gt;` decoded. [`ParseError::at`] is a character offset
/// into this text, so a reply can quote the command and point at the mistake.
pub fn display_text(text: &str) -> String {
    lex(text).display
}

/// Reads a whole command. Never fails outright: a problem is reported in [`Lexed::error`] along
/// with the tokens read before it, so the parser can still tell which subcommand it was.
pub(crate) fn lex(text: &str) -> Lexed {
    let mut lexer = Lexer::new(text);
    let error = lexer.run().err();
    Lexed {
        tokens: lexer.tokens,
        display: lexer.display,
        display_len: lexer.display_len,
        error,
    }
}

/// The lexer's state: the input as characters, a cursor, and the display text written so far.
struct Lexer {
    /// The raw input.
    chars: Vec<char>,
    /// The next character to read.
    i: usize,
    /// `next_gt[p]`: index of the first `>` at or after `p`, or `chars.len()`.
    next_gt: Vec<usize>,
    /// `next_lt[p]`: index of the first `<` at or after `p`, or `chars.len()`.
    next_lt: Vec<usize>,
    /// The display text written so far.
    display: String,
    /// `display` in characters.
    display_len: usize,
    /// Tokens read so far.
    tokens: Vec<Token>,
}

impl Lexer {
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
        Lexer {
            chars,
            i: 0,
            next_gt,
            next_lt,
            display: String::new(),
            display_len: 0,
            tokens: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn show(&mut self, c: char) {
        self.display.push(c);
        self.display_len += 1;
    }

    fn show_str(&mut self, s: &str) {
        self.display.push_str(s);
        self.display_len += s.chars().count();
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

    /// The Slack escape starting at `p`, if the input there is one, and the index just past it.
    fn escape(&self, p: usize) -> Option<(Escape, usize)> {
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
        let escape = match first {
            '@' => Escape::User(UserRef { id, label }),
            '#' => Escape::Channel(ChannelRef { id, label }),
            '!' => Escape::Special(label.unwrap_or_else(|| {
                // `<!subteam^S123>`, `<!here>`: show the part before any `^` as an @-word.
                format!("@{}", id.split('^').next().unwrap_or_default())
            })),
            _ if is_url_scheme(&id) => Escape::Link(self.decode(body_start, id_end)),
            _ => return None,
        };
        Some((escape, close + 1))
    }

    fn push(&mut self, kind: TokenKind, at: usize, shown_from: usize) {
        let shown = self
            .display
            .get(shown_from..)
            .unwrap_or_default()
            .to_owned();
        self.tokens.push(Token { kind, at, shown });
    }

    fn run(&mut self) -> Result<(), ParseError> {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.show(c);
                self.i += 1;
                continue;
            }
            let at = self.display_len;
            let from = self.display.len();
            if is_quote(c) {
                let content = self.quoted()?;
                if self.peek() == Some(':') {
                    self.show(':');
                    self.i += 1;
                    self.push(TokenKind::Label(content), at, from);
                } else {
                    self.push(TokenKind::Quoted(content), at, from);
                }
            } else if c == '>' || self.entity(self.i).is_some_and(|(d, _)| d == '>') {
                // A raw `>` is not what Slack sends, but other callers (tests, Teams) may.
                self.i += if c == '>' { 1 } else { 4 };
                self.show('>');
                self.push(TokenKind::Gt, at, from);
            } else if let Some((escape, next)) = self.escape(self.i) {
                self.i = next;
                let text = escape.as_text();
                self.show_str(&text);
                let kind = match escape {
                    Escape::User(user) => TokenKind::Mention(user),
                    Escape::Channel(channel) => TokenKind::Channel(channel),
                    Escape::Link(url) => TokenKind::Link(url),
                    Escape::Special(_) => {
                        return Err(ParseError {
                            message: format!(
                                "special mentions like `{text}` aren't allowed in commands — \
                                 mention people one by one"
                            ),
                            found: Some(text),
                            at: Some(at),
                            subcommand: None,
                        });
                    }
                };
                self.push(kind, at, from);
            } else {
                self.word(at, from)?;
            }
        }
        Ok(())
    }

    /// Reads a bare word starting at the cursor and pushes it as a word, label or option.
    fn word(&mut self, at: usize, from: usize) -> Result<(), ParseError> {
        let mut word = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || is_quote(c) || c == '>' {
                break;
            }
            if let Some((d, len)) = self.entity(self.i) {
                if d == '>' {
                    // `a&gt;b` is `a > b`: a sequence need not be spaced.
                    break;
                }
                word.push(d);
                self.show(d);
                self.i += len;
                continue;
            }
            if c == '<' && !word.is_empty() && self.escape(self.i).is_some() {
                break;
            }
            word.push(c);
            self.show(c);
            self.i += 1;
        }
        let glued_quote = self.peek().is_some_and(is_quote);
        let kind = match OptionKey::prefix_of(&word) {
            Some((key, "")) if glued_quote => {
                let value = self.quoted()?;
                TokenKind::Option { key, value }
            }
            Some((key, rest)) if !rest.is_empty() => TokenKind::Option {
                key,
                value: rest.to_owned(),
            },
            _ => match word.strip_suffix(':') {
                Some(label) => TokenKind::Label(label.to_owned()),
                None => TokenKind::Word(word),
            },
        };
        self.push(kind, at, from);
        Ok(())
    }

    /// Reads a quoted string starting at the opening quote under the cursor; returns its content,
    /// trimmed, with `\"` and `\\` unescaped, entities decoded and Slack markup as plain text.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let at = self.display_len;
        let from = self.display.len();
        if let Some(open) = self.peek() {
            self.show(open);
            self.i += 1;
        }
        let mut content = String::new();
        loop {
            let Some(c) = self.peek() else {
                let shown = self.display.get(from..).unwrap_or_default();
                let short = shorten(shown, 24);
                return Err(ParseError {
                    message: format!(
                        "the quote that starts `{short}` is never closed — add a closing `\"`"
                    ),
                    found: Some(short),
                    at: Some(at),
                    subcommand: None,
                });
            };
            if c == '\\'
                && let Some(&next) = self.chars.get(self.i + 1)
                && (next == '\\' || is_quote(next))
            {
                content.push(next);
                self.show(c);
                self.show(next);
                self.i += 2;
                continue;
            }
            if is_quote(c) {
                self.show(c);
                self.i += 1;
                break;
            }
            if let Some((d, len)) = self.entity(self.i) {
                content.push(d);
                self.show(d);
                self.i += len;
                continue;
            }
            if let Some((escape, next)) = self.escape(self.i) {
                // Inside quotes, markup is just words: "pairing with <@U9|carol>" is about Carol,
                // it does not name her as the command's person.
                let text = escape.as_text();
                content.push_str(&text);
                self.show_str(&text);
                self.i = next;
                continue;
            }
            content.push(c);
            self.show(c);
            self.i += 1;
        }
        Ok(content.trim().to_owned())
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

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        let lexed = lex(text);
        assert_eq!(lexed.error, None, "unexpected error for {text:?}");
        lexed.tokens.into_iter().map(|t| t.kind).collect()
    }

    fn word(s: &str) -> TokenKind {
        TokenKind::Word(s.to_owned())
    }

    fn quoted(s: &str) -> TokenKind {
        TokenKind::Quoted(s.to_owned())
    }

    #[test]
    fn splits_words_and_quoted_strings() {
        assert_eq!(
            kinds(r#"gap  "run EBR"  now"#),
            vec![word("gap"), quoted("run EBR"), word("now")]
        );
    }

    #[test]
    fn curly_quotes_open_and_close_strings() {
        assert_eq!(kinds("“run EBR”"), vec![quoted("run EBR")]);
        assert_eq!(kinds("”odd pair“"), vec![quoted("odd pair")]);
        assert_eq!(kinds("\"mixed”"), vec![quoted("mixed")]);
    }

    #[test]
    fn backslash_escapes_quotes_and_itself_only() {
        assert_eq!(kinds(r#""say \"hi\"""#), vec![quoted(r#"say "hi""#)]);
        assert_eq!(kinds(r#""a\\b""#), vec![quoted(r"a\b")]);
        assert_eq!(kinds(r#""C:\path""#), vec![quoted(r"C:\path")]);
        assert_eq!(kinds(r#""\“x\”""#), vec![quoted("“x”")]);
    }

    #[test]
    fn quoted_content_is_trimmed() {
        assert_eq!(kinds("\"  run EBR \""), vec![quoted("run EBR")]);
    }

    #[test]
    fn mentions_channels_and_links_become_tokens() {
        assert_eq!(
            kinds("<@U1|alice> <@W2> <#C3|team-atlas> <#C4> <https://x.io/a?b=1&amp;c=2|docs>"),
            vec![
                TokenKind::Mention(UserRef {
                    id: "U1".into(),
                    label: Some("alice".into())
                }),
                TokenKind::Mention(UserRef {
                    id: "W2".into(),
                    label: None
                }),
                TokenKind::Channel(ChannelRef {
                    id: "C3".into(),
                    label: Some("team-atlas".into())
                }),
                TokenKind::Channel(ChannelRef {
                    id: "C4".into(),
                    label: None
                }),
                TokenKind::Link("https://x.io/a?b=1&c=2".into()),
            ]
        );
    }

    #[test]
    fn mention_labels_keep_spaces_and_decode_entities() {
        assert_eq!(
            kinds("<@U1|Alice &amp; Co>"),
            vec![TokenKind::Mention(UserRef {
                id: "U1".into(),
                label: Some("Alice & Co".into())
            })]
        );
    }

    #[test]
    fn markup_inside_quotes_is_plain_text() {
        assert_eq!(
            kinds(
                "\"ADR pairing with <@U9|carol> and <@U8> in <#C1|arch> see <https://a.b|doc> &lt;3 &amp; <!here>\""
            ),
            vec![quoted(
                "ADR pairing with @carol and @U8 in #arch see https://a.b <3 & @here"
            )]
        );
    }

    #[test]
    fn entities_decode_in_words_and_gt_separates() {
        assert_eq!(
            kinds("R&amp;D a&gt;b &gt; c > d &lt;e"),
            vec![
                word("R&D"),
                word("a"),
                TokenKind::Gt,
                word("b"),
                TokenKind::Gt,
                word("c"),
                TokenKind::Gt,
                word("d"),
                word("<e"),
            ]
        );
    }

    #[test]
    fn labels_and_options() {
        assert_eq!(
            kinds(
                r#"backend: "account exec": team:Atlas TEAM:"Team Atlas" family:"role fam" team: x"#
            ),
            vec![
                TokenKind::Label("backend".into()),
                TokenKind::Label("account exec".into()),
                TokenKind::Option {
                    key: OptionKey::Team,
                    value: "Atlas".into()
                },
                TokenKind::Option {
                    key: OptionKey::Team,
                    value: "Team Atlas".into()
                },
                TokenKind::Option {
                    key: OptionKey::Family,
                    value: "role fam".into()
                },
                TokenKind::Label("team".into()),
                word("x"),
            ]
        );
    }

    #[test]
    fn unresolved_angle_brackets_are_literal() {
        assert_eq!(
            kinds("<nope <@ U1>"),
            vec![word("<nope"), word("<@"), word("U1"), TokenKind::Gt]
        );
        assert_eq!(kinds("<<<<"), vec![word("<<<<")]);
    }

    #[test]
    fn special_mentions_are_refused_outside_quotes() {
        let lexed = lex("gap <!channel> x");
        let err = lexed.error.unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.found.as_deref(), Some("@channel"));
        assert_eq!(err.at, Some(4));
        let lexed = lex("gap <!subteam^S1|@devs>");
        assert_eq!(lexed.error.and_then(|e| e.found).as_deref(), Some("@devs"));
    }

    #[test]
    fn unterminated_quote_is_an_error_at_the_quote() {
        let lexed = lex("coach <@U1|bob> \"lost the thread");
        let err = lexed.error.unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.at, Some(11));
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(lexed.tokens.len(), 2);
    }

    #[test]
    fn offsets_index_the_display_text() {
        let text = "intervene <@U1|alice> \"a &amp; b\" via x";
        let lexed = lex(text);
        assert_eq!(lexed.display, "intervene @alice \"a & b\" via x");
        let ats: Vec<usize> = lexed.tokens.iter().map(|t| t.at).collect();
        assert_eq!(ats, vec![0, 10, 17, 25, 29]);
        assert_eq!(lexed.tokens[2].shown, "\"a & b\"");
        assert_eq!(display_text(text), lexed.display);
    }
}
