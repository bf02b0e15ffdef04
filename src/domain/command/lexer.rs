//! The tokenizer for `/cadence` commands: turns a [`CommandText`] into tokens.
//!
//! The platform's adapter has already turned its markup into typed characters and resolved
//! pieces (people, channels, links). The lexer splits the characters into words, quoted strings,
//! labels (`backend:`), `team:`/`family:` options and the `>` that separates the steps of a
//! `sequence`, and passes the resolved pieces through as mention, channel and link tokens.
//!
//! While it reads, the lexer also writes the *display text*: the command as the person saw it in
//! their composer (`@alice` rather than the mention's id). Every token and every
//! [`ParseError::at`] is a character offset into that text, so a reply can point at the mistake
//! in words the person recognises.
//!
//! The lexer never panics and runs in time linear in the input, whatever the input.

use super::text::{CommandText, Piece};
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
    /// The content of a quoted string, trimmed, with backslash escapes undone and resolved pieces
    /// written as the person saw them.
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
    /// A person the platform resolved from a mention.
    Mention(UserRef),
    /// A channel the platform resolved.
    Channel(ChannelRef),
    /// A link the platform recognised; only the address is kept.
    Link(String),
    /// `>`: separates the steps of a `sequence`.
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

/// One unit of input: a typed character or a whole resolved piece.
#[derive(Debug, Clone)]
enum Unit {
    Char(char),
    Piece(Piece),
}

/// Returns the command as the person saw it. [`ParseError::at`] is a character offset into this
/// text, so a reply can quote the command and point at the mistake.
pub fn display_text(text: &CommandText) -> String {
    lex(text).display
}

/// Reads a whole command. Never fails outright: a problem is reported in [`Lexed::error`] along
/// with the tokens read before it, so the parser can still tell which subcommand it was.
pub(crate) fn lex(text: &CommandText) -> Lexed {
    let mut lexer = Lexer::new(text);
    let error = lexer.run().err();
    Lexed {
        tokens: lexer.tokens,
        display: lexer.display,
        display_len: lexer.display_len,
        error,
    }
}

/// The lexer's state: the input as units, a cursor, and the display text written so far.
struct Lexer {
    /// The input.
    units: Vec<Unit>,
    /// The next unit to read.
    i: usize,
    /// The display text written so far.
    display: String,
    /// `display` in characters.
    display_len: usize,
    /// Tokens read so far.
    tokens: Vec<Token>,
}

impl Lexer {
    fn new(text: &CommandText) -> Self {
        let mut units = Vec::new();
        for piece in text.pieces() {
            match piece {
                Piece::Text(typed) => {
                    // `chars()` promises only a quarter of the bytes; reserve for all of them
                    // so a command is read into one allocation, not several.
                    units.reserve(typed.len());
                    units.extend(typed.chars().map(Unit::Char));
                }
                other => units.push(Unit::Piece(other.clone())),
            }
        }
        Lexer {
            units,
            i: 0,
            display: String::new(),
            display_len: 0,
            tokens: Vec::new(),
        }
    }

    /// The character under the cursor, if it is one.
    fn peek_char(&self) -> Option<char> {
        match self.units.get(self.i) {
            Some(Unit::Char(c)) => Some(*c),
            _ => None,
        }
    }

    /// The resolved piece under the cursor, if it is one.
    fn peek_piece(&self) -> Option<&Piece> {
        match self.units.get(self.i) {
            Some(Unit::Piece(piece)) => Some(piece),
            _ => None,
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.units.len()
    }

    fn show(&mut self, c: char) {
        self.display.push(c);
        self.display_len += 1;
    }

    fn show_str(&mut self, s: &str) {
        self.display.push_str(s);
        self.display_len += s.chars().count();
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
        while !self.at_end() {
            let at = self.display_len;
            let from = self.display.len();
            if let Some(piece) = self.peek_piece().cloned() {
                self.i += 1;
                let text = piece.shown();
                self.show_str(&text);
                let kind = match piece {
                    Piece::Mention(user) => TokenKind::Mention(user),
                    Piece::Channel(channel) => TokenKind::Channel(channel),
                    Piece::Link(url) => TokenKind::Link(url),
                    Piece::Text(_) | Piece::Special(_) => {
                        return Err(ParseError {
                            message: format!(
                                "group mentions like `{text}` aren't allowed in commands — \
                                 mention people one by one"
                            ),
                            found: Some(text),
                            at: Some(at),
                            subcommand: None,
                        });
                    }
                };
                self.push(kind, at, from);
                continue;
            }
            let Some(c) = self.peek_char() else { break };
            if c.is_whitespace() {
                self.show(c);
                self.i += 1;
            } else if is_quote(c) {
                let content = self.quoted()?;
                if self.peek_char() == Some(':') {
                    self.show(':');
                    self.i += 1;
                    self.push(TokenKind::Label(content), at, from);
                } else {
                    self.push(TokenKind::Quoted(content), at, from);
                }
            } else if c == '>' {
                self.i += 1;
                self.show('>');
                self.push(TokenKind::Gt, at, from);
            } else {
                self.word(at, from)?;
            }
        }
        Ok(())
    }

    /// Reads a bare word starting at the cursor and pushes it as a word, label or option. A word
    /// ends at a space, a quote, a `>` (`a>b` is `a > b`: a sequence need not be spaced) or a
    /// resolved piece.
    fn word(&mut self, at: usize, from: usize) -> Result<(), ParseError> {
        let mut word = String::new();
        while let Some(c) = self.peek_char() {
            if c.is_whitespace() || is_quote(c) || c == '>' {
                break;
            }
            word.push(c);
            self.show(c);
            self.i += 1;
        }
        let glued_quote = self.peek_char().is_some_and(is_quote);
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
    /// trimmed, with `\"` and `\\` unescaped and resolved pieces as the person saw them.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let at = self.display_len;
        let from = self.display.len();
        if let Some(open) = self.peek_char() {
            self.show(open);
            self.i += 1;
        }
        let mut content = String::new();
        loop {
            if let Some(piece) = self.peek_piece() {
                // Inside quotes, a mention is just words: "pairing with @carol" is about Carol,
                // it does not name her as the command's person.
                let text = piece.shown();
                content.push_str(&text);
                self.show_str(&text);
                self.i += 1;
                continue;
            }
            let Some(c) = self.peek_char() else {
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
            let next = match self.units.get(self.i + 1) {
                Some(Unit::Char(next)) => Some(*next),
                _ => None,
            };
            if c == '\\'
                && let Some(next) = next
                && (next == '\\' || is_quote(next))
            {
                content.push(next);
                self.show(c);
                self.show(next);
                self.i += 2;
                continue;
            }
            self.show(c);
            self.i += 1;
            if is_quote(c) {
                break;
            }
            content.push(c);
        }
        Ok(content.trim().to_owned())
    }
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

    fn typed(text: &str) -> CommandText {
        CommandText::plain(text)
    }

    fn kinds(text: &CommandText) -> Vec<TokenKind> {
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

    fn alice() -> UserRef {
        UserRef {
            id: "U1".into(),
            label: Some("alice".into()),
        }
    }

    #[test]
    fn splits_words_and_quoted_strings() {
        assert_eq!(
            kinds(&typed(r#"gap  "run EBR"  now"#)),
            vec![word("gap"), quoted("run EBR"), word("now")]
        );
    }

    #[test]
    fn curly_quotes_open_and_close_strings() {
        assert_eq!(kinds(&typed("“run EBR”")), vec![quoted("run EBR")]);
        assert_eq!(kinds(&typed("”odd pair“")), vec![quoted("odd pair")]);
        assert_eq!(kinds(&typed("\"mixed”")), vec![quoted("mixed")]);
    }

    #[test]
    fn backslash_escapes_quotes_and_itself_only() {
        assert_eq!(
            kinds(&typed(r#""say \"hi\"""#)),
            vec![quoted(r#"say "hi""#)]
        );
        assert_eq!(kinds(&typed(r#""a\\b""#)), vec![quoted(r"a\b")]);
        assert_eq!(kinds(&typed(r#""C:\path""#)), vec![quoted(r"C:\path")]);
        assert_eq!(kinds(&typed(r#""\“x\”""#)), vec![quoted("“x”")]);
    }

    #[test]
    fn quoted_content_is_trimmed() {
        assert_eq!(kinds(&typed("\"  run EBR \"")), vec![quoted("run EBR")]);
    }

    #[test]
    fn resolved_pieces_become_tokens() {
        let text = CommandText::new(vec![
            Piece::Text("gap ".into()),
            Piece::Mention(alice()),
            Piece::Text(" in ".into()),
            Piece::Channel(ChannelRef {
                id: "C3".into(),
                label: None,
            }),
            Piece::Link("https://x.io".into()),
        ]);
        assert_eq!(
            kinds(&text),
            vec![
                word("gap"),
                TokenKind::Mention(alice()),
                word("in"),
                TokenKind::Channel(ChannelRef {
                    id: "C3".into(),
                    label: None
                }),
                TokenKind::Link("https://x.io".into()),
            ]
        );
    }

    #[test]
    fn mentions_inside_quotes_are_plain_text() {
        let text = CommandText::new(vec![
            Piece::Text("\"ADR pairing with ".into()),
            Piece::Mention(alice()),
            Piece::Text(" <3 & more\"".into()),
        ]);
        assert_eq!(
            kinds(&text),
            vec![quoted("ADR pairing with @alice <3 & more")]
        );
    }

    #[test]
    fn gt_separates_even_unspaced() {
        assert_eq!(
            kinds(&typed("R&D a>b > c <e")),
            vec![
                word("R&D"),
                word("a"),
                TokenKind::Gt,
                word("b"),
                TokenKind::Gt,
                word("c"),
                word("<e"),
            ]
        );
    }

    #[test]
    fn labels_and_options() {
        assert_eq!(
            kinds(&typed(
                r#"backend: "account exec": team:Atlas TEAM:"Team Atlas" family:"role fam" team: x"#
            )),
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
    fn group_mentions_are_refused() {
        let text = CommandText::new(vec![
            Piece::Text("gap ".into()),
            Piece::Special("@channel".into()),
            Piece::Text(" x".into()),
        ]);
        let lexed = lex(&text);
        let err = lexed.error.unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.found.as_deref(), Some("@channel"));
        assert_eq!(err.at, Some(4));
    }

    #[test]
    fn unterminated_quote_is_an_error_at_the_quote() {
        let text = CommandText::new(vec![
            Piece::Text("coach ".into()),
            Piece::Mention(alice()),
            Piece::Text(" \"lost the thread".into()),
        ]);
        let lexed = lex(&text);
        let err = lexed.error.unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.at, Some(13));
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(lexed.tokens.len(), 2);
    }

    #[test]
    fn offsets_index_the_display_text() {
        let text = CommandText::new(vec![
            Piece::Text("intervene ".into()),
            Piece::Mention(alice()),
            Piece::Text(" \"a & b\" via x".into()),
        ]);
        let lexed = lex(&text);
        assert_eq!(lexed.display, "intervene @alice \"a & b\" via x");
        let ats: Vec<usize> = lexed.tokens.iter().map(|t| t.at).collect();
        assert_eq!(ats, vec![0, 10, 17, 25, 29]);
        assert_eq!(lexed.tokens[2].shown, "\"a & b\"");
        assert_eq!(display_text(&text), lexed.display);
    }
}
