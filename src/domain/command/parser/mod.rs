//! The parser for `/cadence` commands: tokens in, a typed [`CommandLine`] or a [`ParseError`] out.
//!
//! The grammar is design.md §3: a subcommand word, then its arguments in a fixed order, then
//! optional clauses (`by 2026-12-15`, `budget 2000`) in any order, each at most once. `team:<name>`
//! may stand anywhere and is taken out before the subcommand is read. Keywords ignore case; names
//! are one bare word or a quoted string; free text (notes, evidence, reasons, criteria) is always
//! quoted, so a stray word is an error rather than silently part of a note.
//!
//! Errors are written for the manager who typed the command: what was expected, what was found,
//! and where (a character offset into [`display_text`](super::display_text)). The reply
//! adds the subcommand's usage line from [`ParseError::subcommand`].
//!
//! The parser is one [`Parser`] (a cursor over the tokens, with the helpers every subcommand
//! shares to read people, names and text and to word its errors), and one file per family of
//! subcommands: `decisions` (what managers decide), `setup` (teams and the capability library),
//! `library` (the module library), `rituals` (rituals and their triggers), `reports` (the
//! organisation's views and settings); `values` reads dates and numbers and words the
//! suggestions.

mod decisions;
mod library;
mod reports;
mod rituals;
mod setup;
mod sources;
mod tracks;
mod values;

use std::collections::HashSet;

use super::lexer::{self, OptionKey, Token, TokenKind, shorten};
use super::table::{self, Spec, Subcommand};
use super::text::CommandText;
use super::{ChannelRef, Command, CommandLine, ParseError, UserRef};
use values::{close_matches, or_list};

// The limits every path shares (commands, forms, cadence.toml) live in the domain's limits.
use crate::domain::limits::name_problem;
pub use crate::domain::limits::{
    BUDGET_HOURS_MAX, BUDGET_MAX, HOURS_MAX, NAME_MAX_CHARS, NUDGE_MAX_MINUTES, TARGET_MAX,
    TEXT_MAX_CHARS,
};
/// Largest ritual id the grammar reads: the store's ids are signed 64-bit integers.
pub const RITUAL_ID_MAX: u64 = i64::MAX.unsigned_abs();

/// How an argument is described in error messages.
struct Arg {
    /// What the parser wanted, for "expected … after `x`, found `y`".
    expected: &'static str,
    /// What the value is called, for "… is empty" and "… is too long".
    called: &'static str,
}

const PERSON: &str = "an @mention of the person";
const CAPABILITY: Arg = Arg {
    expected: "the capability's name (in quotes if it has spaces)",
    called: "the capability's name",
};
const TRACK: Arg = Arg {
    expected: "the track's name (in quotes if it has spaces)",
    called: "the track's name",
};
const TEAM_NAME: Arg = Arg {
    expected: "the team's name (in quotes if it has spaces)",
    called: "the team's name",
};
const FAMILY: Arg = Arg {
    expected: "the role family with a colon (`backend:` or `\"account exec\":`)",
    called: "the role family",
};
const SPRINT: Arg = Arg {
    expected: "the sprint's name (in quotes if it has spaces)",
    called: "the sprint's name",
};
const TITLE: Arg = Arg {
    expected: "the module's title (in quotes if it has spaces)",
    called: "the title",
};
const TOPIC: Arg = Arg {
    expected: "a topic (a subcommand, like `intervene`)",
    called: "the help topic",
};
const MEANS: Arg = Arg {
    expected: "how it will happen (like `\"pairing with @carol\"`)",
    called: "the means",
};
const NOTE: Arg = Arg {
    expected: "a note in double quotes",
    called: "the note",
};
const EVIDENCE: Arg = Arg {
    expected: "evidence in double quotes, or a link",
    called: "the evidence",
};
const REASON: Arg = Arg {
    expected: "a reason in double quotes",
    called: "the reason",
};
const CRITERIA: Arg = Arg {
    expected: "the mastery criteria in double quotes",
    called: "the criteria",
};
const DESCRIPTION: Arg = Arg {
    expected: "a description in double quotes",
    called: "the description",
};
const RITUAL_NAME: Arg = Arg {
    expected: "the ritual's name (in quotes if it has spaces)",
    called: "the ritual's name",
};
const DATE: &str = "a date like 2026-12-15";
const TRIGGER: &str = "a trigger like `jira:board=12:sprint_closed`";

/// Reads a command into a typed [`CommandLine`].
///
/// Empty text (or only `team:<name>`) is `help`. Never panics, whatever the input.
pub fn parse(text: &CommandText) -> Result<CommandLine, ParseError> {
    let lexed = lexer::lex(text);
    if let Some(mut error) = lexed.error {
        error.subcommand = identify(&lexed.tokens);
        return Err(error);
    }
    let (team_tokens, tokens): (Vec<Token>, Vec<Token>) =
        lexed.tokens.into_iter().partition(|token| {
            matches!(
                token.kind,
                TokenKind::Option {
                    key: OptionKey::Team,
                    ..
                }
            )
        });
    let mut parser = Parser {
        sub: identify(&tokens),
        tokens,
        pos: 0,
        end_at: lexed.display_len,
    };
    let team = parser.team_option(&team_tokens)?;
    parser.sub = None;
    let command = parser.command()?;
    Ok(CommandLine { team, command })
}

/// The subcommand the first words of some tokens select, for errors found before parsing.
fn identify(tokens: &[Token]) -> Option<Subcommand> {
    let mut words = tokens.iter().filter_map(|token| match &token.kind {
        TokenKind::Option {
            key: OptionKey::Team,
            ..
        } => None,
        TokenKind::Word(w) => Some(Some(w.as_str())),
        _ => Some(None),
    });
    let first = words.next().flatten()?;
    table::identify(first, words.next().flatten())
}

/// A token as quoted in an error message, or "nothing" at the end of the command.
fn describe(token: Option<&Token>) -> String {
    match token {
        Some(token) => format!("`{}`", shorten(&token.shown, 40)),
        None => "nothing".to_owned(),
    }
}

/// The parser's state: the tokens left after `team:` was taken out, and a cursor.
pub(super) struct Parser {
    /// The subcommand being read, once known, for [`ParseError::subcommand`].
    sub: Option<Subcommand>,
    /// The tokens, without `team:` options.
    tokens: Vec<Token>,
    /// The next token to read.
    pos: usize,
    /// Where the command ends in the display text, for "found nothing" errors.
    end_at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&TokenKind> {
        self.peek().map(|token| &token.kind)
    }

    /// The lower-cased word at the cursor, if it is a bare word (a keyword candidate).
    fn peek_keyword(&self) -> Option<String> {
        match self.peek_kind()? {
            TokenKind::Word(w) => Some(w.to_lowercase()),
            _ => None,
        }
    }

    /// Whether the cursor is at the bare word `keyword`.
    fn at_keyword(&self, keyword: &str) -> bool {
        self.peek_keyword().as_deref() == Some(keyword)
    }

    fn bump(&mut self) {
        self.pos = (self.pos + 1).min(self.tokens.len());
    }

    /// The token before the cursor, as shown.
    fn previous(&self) -> Option<&str> {
        let p = self.pos.checked_sub(1)?;
        self.tokens.get(p).map(|token| token.shown.as_str())
    }

    /// An error about `token` (or the end of the command when `None`).
    fn error_at(&self, message: String, token: Option<&Token>) -> ParseError {
        ParseError {
            message,
            found: token.map(|token| token.shown.clone()),
            at: Some(token.map_or(self.end_at, |token| token.at)),
            subcommand: self.sub,
        }
    }

    /// An error about the token at the cursor.
    fn error_here(&self, message: String) -> ParseError {
        self.error_at(message, self.peek())
    }

    /// "expected {what} after `x`, found `y`{hint}" about the token at the cursor.
    fn expected_with(&self, what: &str, hint: &str) -> ParseError {
        let found = describe(self.peek());
        let message = match self.previous() {
            Some(previous) => {
                format!(
                    "expected {what} after `{}`, found {found}{hint}",
                    shorten(previous, 30)
                )
            }
            None => format!("expected {what}, found {found}{hint}"),
        };
        self.error_here(message)
    }

    fn expected(&self, what: &str) -> ParseError {
        self.expected_with(what, "")
    }

    /// The error for a bare `@name` where a person was expected: a mention the platform
    /// resolved arrives as a whole piece, so plain text means the person was typed, not picked.
    fn not_a_mention(&self, word: &str) -> ParseError {
        self.error_here(format!(
            "`{}` is not a mention — pick the person from the @ suggestions so their name \
             turns into a mention",
            shorten(word, 40)
        ))
    }

    /// Fails unless the command has ended.
    pub(super) fn end(&self) -> Result<(), ParseError> {
        let Some(token) = self.peek() else {
            return Ok(());
        };
        let after_name = self
            .pos
            .checked_sub(1)
            .and_then(|p| self.tokens.get(p))
            .is_some_and(|previous| {
                matches!(previous.kind, TokenKind::Word(_) | TokenKind::Quoted(_))
            });
        // Some leftovers are a known slip with its own advice; the rest get the general message.
        let advice = match &token.kind {
            TokenKind::Label(label) if label.eq_ignore_ascii_case("team") => Some(
                "write the team's name right after `team:`, with no space, like `team:Atlas` or \
                 `team:\"Team Atlas\"`",
            ),
            TokenKind::Label(label) if label.eq_ignore_ascii_case("family") => Some(
                "write the role family right after `family:`, with no space, like \
                 `family:\"account exec\"`",
            ),
            TokenKind::Option {
                key: OptionKey::Family,
                ..
            } => Some("`family:` only goes with `capability add`, `sequence` and `org`"),
            TokenKind::Gt => Some("`>` only separates the capabilities of a `sequence`"),
            _ => None,
        };
        let message = match (advice, self.previous()) {
            (Some(advice), _) => advice.to_owned(),
            (None, Some(previous)) => {
                let hint = if after_name {
                    " (names with spaces go in double quotes)"
                } else {
                    ""
                };
                format!(
                    "didn't expect {} after `{}` — the command is complete without it{hint}",
                    describe(Some(token)),
                    shorten(previous, 30)
                )
            }
            (None, None) => format!("didn't expect {}", describe(Some(token))),
        };
        Err(self.error_here(message))
    }

    /// Checks a name found at the cursor: not empty, not too long, on one line.
    fn check_name(&self, value: &str, arg: &Arg) -> Result<(), ParseError> {
        match name_problem(value, arg.called) {
            Some(message) => Err(self.error_here(message)),
            None => Ok(()),
        }
    }

    /// Checks free text found at the cursor: not empty, not too long.
    fn check_text(&self, value: &str, arg: &Arg) -> Result<(), ParseError> {
        let called = arg.called;
        let n = value.chars().count();
        if value.trim().is_empty() {
            Err(self.error_here(format!(
                "{called} is empty — write something between the quotes, or leave it out"
            )))
        } else if n > TEXT_MAX_CHARS {
            Err(self.error_here(format!(
                "{called} is {n} characters long — keep it to {TEXT_MAX_CHARS}"
            )))
        } else {
            Ok(())
        }
    }

    /// Reads the `team:` options taken out of the command: at most one, with a proper name.
    fn team_option(&self, team_tokens: &[Token]) -> Result<Option<String>, ParseError> {
        match team_tokens {
            [] => Ok(None),
            [token] => {
                let TokenKind::Option { value, .. } = &token.kind else {
                    return Ok(None);
                };
                match name_problem(value, "the team's name after `team:`") {
                    Some(message) => Err(self.error_at(message, Some(token))),
                    None => Ok(Some(value.clone())),
                }
            }
            [_, second, ..] => Err(self.error_at(
                "`team:` is given twice — name one team per command".to_owned(),
                Some(second),
            )),
        }
    }

    /// Reads an @mention.
    fn person(&mut self) -> Result<UserRef, ParseError> {
        match self.peek_kind() {
            Some(TokenKind::Mention(user)) => {
                let user = user.clone();
                self.bump();
                Ok(user)
            }
            Some(TokenKind::Word(w)) if w.starts_with('@') && w.chars().count() > 1 => {
                Err(self.not_a_mention(w))
            }
            _ => Err(self.expected(PERSON)),
        }
    }

    /// Reads a #channel. A bare `#name` is refused: a channel picked from the suggestions arrives
    /// as a whole piece, so plain text means it was typed, not picked.
    fn channel(&mut self) -> Result<ChannelRef, ParseError> {
        match self.peek_kind() {
            Some(TokenKind::Channel(found)) => {
                let found = found.clone();
                self.bump();
                Ok(found)
            }
            Some(TokenKind::Word(w)) if w.starts_with('#') && w.chars().count() > 1 => Err(self
                .error_here(format!(
                    "`{}` is not a channel link — pick it from the # suggestions so it turns \
                     into a link",
                    shorten(w, 40)
                ))),
            _ => Err(self.expected("a #channel")),
        }
    }

    /// Reads one or more @mentions (commas and `and` between them are allowed), no one twice.
    fn people(&mut self) -> Result<Vec<UserRef>, ParseError> {
        let first = self.person()?;
        // A set, so that a pasted list of thousands of mentions stays linear.
        let mut ids: HashSet<String> = HashSet::from([first.id.clone()]);
        let mut people: Vec<UserRef> = vec![first];
        loop {
            match self.peek_kind() {
                Some(TokenKind::Mention(user)) => {
                    if !ids.insert(user.id.clone()) {
                        let shown = self.peek().map(|t| t.shown.clone()).unwrap_or_default();
                        return Err(self.error_here(format!(
                            "`{}` is listed twice — name each person once",
                            shorten(&shown, 40)
                        )));
                    }
                    people.push(user.clone());
                    self.bump();
                }
                Some(TokenKind::Word(w)) if w.starts_with('@') && w.chars().count() > 1 => {
                    return Err(self.not_a_mention(w));
                }
                Some(TokenKind::Word(w))
                    if (w == "," || w.eq_ignore_ascii_case("and"))
                        && matches!(
                            self.tokens.get(self.pos + 1).map(|t| &t.kind),
                            Some(TokenKind::Mention(_))
                        ) =>
                {
                    self.bump();
                }
                _ => return Ok(people),
            }
        }
    }

    /// Reads a name: a quoted string or one bare word that is not one of `reserved`.
    fn name(&mut self, arg: &Arg, reserved: &[&str]) -> Result<String, ParseError> {
        let value = match self.peek_kind() {
            Some(TokenKind::Quoted(s)) => s.clone(),
            Some(TokenKind::Word(w))
                if !w.starts_with('@') && !reserved.contains(&w.to_lowercase().as_str()) =>
            {
                w.clone()
            }
            _ => return Err(self.expected(arg.expected)),
        };
        self.check_name(&value, arg)?;
        self.bump();
        Ok(value)
    }

    /// Reads free text: a quoted string or a link. A bare word is refused with a hint to quote,
    /// because guessing where unquoted text ends would swallow the words after it.
    fn text(&mut self, arg: &Arg) -> Result<String, ParseError> {
        let value = match self.peek_kind() {
            Some(TokenKind::Quoted(s) | TokenKind::Link(s)) => s.clone(),
            Some(TokenKind::Word(_)) => {
                return Err(self.expected_with(arg.expected, " — put the whole text in quotes"));
            }
            _ => return Err(self.expected(arg.expected)),
        };
        self.check_text(&value, arg)?;
        self.bump();
        Ok(value)
    }

    /// Reads optional free text: present when the cursor is at a quoted string, a link, or a bare
    /// word other than the `clauses` that may follow.
    fn optional_text(&mut self, arg: &Arg, clauses: &[&str]) -> Result<Option<String>, ParseError> {
        match self.peek_kind() {
            None => Ok(None),
            Some(TokenKind::Quoted(_) | TokenKind::Link(_)) => self.text(arg).map(Some),
            Some(TokenKind::Word(w))
                if !w.starts_with('@') && !clauses.contains(&w.to_lowercase().as_str()) =>
            {
                self.text(arg).map(Some)
            }
            Some(_) => Ok(None),
        }
    }

    /// Reads the text of a word or quoted string at the cursor without consuming it.
    fn peek_word_or_quoted(&self) -> Option<String> {
        match self.peek_kind()? {
            TokenKind::Word(w) | TokenKind::Quoted(w) => Some(w.clone()),
            _ => None,
        }
    }

    /// Reads the subcommand (its one or two words, from [`table::SPECS`]) and its arguments.
    fn command(&mut self) -> Result<Command, ParseError> {
        let Some(token) = self.peek().cloned() else {
            return Ok(Command::Help { topic: None });
        };
        let TokenKind::Word(word) = &token.kind else {
            return Err(self.error_here(format!(
                "expected a command like `gap` or `help` first, found {}",
                describe(Some(&token))
            )));
        };
        let first = table::first_word(word);
        let candidates: Vec<&'static Spec> = table::SPECS
            .iter()
            .filter(|spec| spec.first_word() == first)
            .collect();
        let Some(only) = candidates.first() else {
            return Err(self.unknown_subcommand(&token));
        };
        self.bump();
        // `track order …` before `track "name" …`: a second word that selects a row wins, and
        // a one-word row takes the rest.
        let second = self.peek_keyword().unwrap_or_default();
        let two_words = candidates
            .iter()
            .find(|spec| spec.second_words().contains(&second.as_str()));
        let one_word = candidates
            .iter()
            .find(|spec| spec.second_words().is_empty());
        if let (None, Some(spec)) = (two_words, one_word) {
            self.sub = Some(spec.sub);
            return (spec.parse)(self);
        }
        if only.second_words().is_empty() && two_words.is_none() {
            self.sub = Some(only.sub);
            return (only.parse)(self);
        }
        if let [single] = candidates.as_slice() {
            // `capability` has one second word: errors after it show its usage.
            self.sub = Some(single.sub);
        }
        let second = self.peek_keyword().unwrap_or_default();
        let chosen = candidates
            .iter()
            .find(|spec| spec.second_words().contains(&second.as_str()));
        let Some(spec) = chosen else {
            let words: Vec<&str> = candidates
                .iter()
                .flat_map(|spec| spec.second_words())
                .collect();
            let hint = Some(second.as_str())
                .filter(|w| !w.is_empty())
                .map(|w| close_matches(w, words.iter().copied()))
                .filter(|m| !m.is_empty())
                .map(|m| format!(" — did you mean {}?", or_list(&m)))
                .unwrap_or_default();
            return Err(self.expected_with(&or_list(&words), &hint));
        };
        self.sub = Some(spec.sub);
        self.bump();
        (spec.parse)(self)
    }

    fn unknown_subcommand(&self, token: &Token) -> ParseError {
        let shown = shorten(&token.shown, 40);
        let matches = close_matches(&token.shown, table::top_level_words());
        let message = if matches.is_empty() {
            format!("`{shown}` is not a Cadence command — `help` lists them all")
        } else {
            format!(
                "`{shown}` is not a Cadence command — did you mean {}?",
                or_list(&matches)
            )
        };
        self.error_at(message, Some(token))
    }
}

#[cfg(test)]
mod tests {
    use super::values::parse_tz;
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(or_list(&["a"]), "`a`");
        assert_eq!(or_list(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(
            close_matches("co", table::top_level_words()),
            Vec::<&str>::new()
        );
        assert_eq!(
            close_matches("coa", table::top_level_words()),
            vec!["coach"]
        );
        assert!(parse_tz("utc").is_some());
        assert!(parse_tz("America/Argentina/Buenos_Aires").is_some());
        assert!(parse_tz("").is_none());
    }
}
