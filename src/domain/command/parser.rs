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

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};

use super::lexer::{self, OptionKey, Token, TokenKind, shorten};
use super::table::{self, Spec, Subcommand};
use super::text::CommandText;
use super::{
    ChannelRef, Command, CommandLine, DateRange, Hours, MembershipChange, Nudge, ParseError,
    Period, UserRef,
};
use crate::domain::event::{Condition, Selector, Source, Test};
use crate::domain::ritual::RitualKind;
use crate::domain::similar::edit_distance;
use crate::domain::{Level, name_key};

/// Longest name (capability, track, team, role family, sprint, title, help topic), in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Longest free text (note, evidence, reason, criteria, description, means), in characters.
pub const TEXT_MAX_CHARS: usize = 2000;
/// Most learning hours one allocation may give; more is surely a typo.
pub const HOURS_MAX: u32 = 1000;
/// Largest target head count.
pub const TARGET_MAX: u32 = 10_000;
/// Largest commission budget, in whole currency units. Generous enough for any currency (a
/// trillion rupiah is still only tens of millions of dollars) and well inside what the store's
/// signed 64-bit integers hold.
pub const BUDGET_MAX: u64 = 1_000_000_000_000;
/// Longest wait before a ritual's nudge, in minutes: a week. Longer and the moment has passed.
pub const NUDGE_MAX_MINUTES: u32 = 10_080;
/// Largest ritual id the grammar reads: the store's ids are signed 64-bit integers.
pub const RITUAL_ID_MAX: u64 = i64::MAX.unsigned_abs();

/// The words `level` reads as a level; a bare capability name may not be one of them, so that
/// `level @alice mastery` says the capability is missing rather than the level.
const LEVEL_WORDS: [&str; 6] = [
    "none",
    "learning",
    "practising",
    "practicing",
    "mastery",
    "master",
];

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

/// Why a word is not a date.
enum DateProblem {
    /// Not `YYYY-MM-DD` at all.
    Shape,
    /// Shaped like a date but no such day (`2026-02-30`).
    NotReal,
}

/// Reads `YYYY-MM-DD`, exactly: four-digit year, two-digit month and day.
fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
    let bytes = s.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(DateProblem::Shape);
    }
    let field = |range: std::ops::Range<usize>| -> Option<u32> { s.get(range)?.parse().ok() };
    let (Some(y), Some(m), Some(d)) = (field(0..4), field(5..7), field(8..10)) else {
        return Err(DateProblem::Shape);
    };
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or(DateProblem::NotReal)
}

/// Why a word is not an acceptable number.
enum NumberProblem {
    /// Not a number at all.
    Shape,
    /// Starts with `-`.
    Negative,
    /// A decimal where a whole number is needed.
    NotWhole,
    /// More decimals than allowed.
    TooPrecise,
    /// A comma where a dot was meant (`1,5`).
    Comma,
    /// Bigger than the limit.
    TooLarge,
}

/// Reads a whole number no larger than `max`.
fn parse_count(s: &str, max: u32) -> Result<u32, NumberProblem> {
    let n = parse_count_u64(s)?;
    match u32::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(NumberProblem::TooLarge),
    }
}

/// Reads a whole number that fits in a `u64`, with [`parse_count`]'s complaints.
fn parse_count_u64(s: &str) -> Result<u64, NumberProblem> {
    if s.starts_with('-') {
        return Err(NumberProblem::Negative);
    }
    if s.contains(['.', ','])
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(NumberProblem::NotWhole);
    }
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(NumberProblem::Shape);
    }
    // Longer than any `u64`; avoid parsing a thousand-digit word.
    if s.trim_start_matches('0').len() > 20 {
        return Err(NumberProblem::TooLarge);
    }
    s.parse::<u64>().map_err(|_| NumberProblem::TooLarge)
}

/// Reads hours with up to two decimals (`6`, `1.5`, `.25`) into hundredths, at most
/// [`HOURS_MAX`].
fn parse_hours(s: &str) -> Result<u32, NumberProblem> {
    if s.starts_with('-') {
        return Err(NumberProblem::Negative);
    }
    let (whole, frac) = match s.split_once('.') {
        Some((whole, frac)) => (whole, Some(frac)),
        None => (s, None),
    };
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if frac.is_none() && s.contains(',') && s.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err(NumberProblem::Comma);
    }
    let frac_ok = match frac {
        None => true,
        Some(f) => !f.is_empty() && digits(f),
    };
    if !digits(whole) || !frac_ok || (whole.is_empty() && frac.is_none()) {
        return Err(NumberProblem::Shape);
    }
    let frac = frac.unwrap_or_default();
    if frac.len() > 2 {
        return Err(NumberProblem::TooPrecise);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 4 {
        return Err(NumberProblem::TooLarge);
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| NumberProblem::Shape)?
    };
    let frac_centi: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().map_err(|_| NumberProblem::Shape)? * 10,
        _ => frac.parse::<u32>().map_err(|_| NumberProblem::Shape)?,
    };
    let centi = whole * 100 + frac_centi;
    if centi > HOURS_MAX * 100 {
        return Err(NumberProblem::TooLarge);
    }
    Ok(centi)
}

/// Reads a budget: a whole number, optionally grouped in thousands with commas (`2,000`).
fn parse_budget(s: &str) -> Result<u64, NumberProblem> {
    if s.starts_with('-') {
        return Err(NumberProblem::Negative);
    }
    let groups: Vec<&str> = s.split(',').collect();
    let grouped_ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups
            .first()
            .is_some_and(|g| groups.len() == 1 || g.len() <= 3);
    if !grouped_ok {
        if s.contains('.')
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        {
            return Err(NumberProblem::NotWhole);
        }
        return Err(NumberProblem::Shape);
    }
    let digits: String = groups.concat();
    if digits.trim_start_matches('0').len() > 13 {
        return Err(NumberProblem::TooLarge);
    }
    match digits.parse::<u64>() {
        Ok(n) if n <= BUDGET_MAX => Ok(n),
        _ => Err(NumberProblem::TooLarge),
    }
}

/// Reads a ritual's id: a whole number up to [`RITUAL_ID_MAX`], optionally written `#3` as
/// replies show it. Zero is left to the caller, which says why it is not an id.
fn parse_id(s: &str) -> Result<u64, NumberProblem> {
    let s = s.strip_prefix('#').unwrap_or(s);
    let n = parse_count_u64(s)?;
    if n > RITUAL_ID_MAX {
        return Err(NumberProblem::TooLarge);
    }
    Ok(n)
}

/// The time zone an IANA name names, ignoring case (`europe/london` is Europe/London).
fn parse_tz(s: &str) -> Option<chrono_tz::Tz> {
    chrono_tz::Tz::from_str(s).ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(s))
    })
}

/// The candidates a mistyped word was most likely meant to be, closest first, at most three.
fn close_matches<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let word = word.to_lowercase();
    let len = word.chars().count();
    // Distance is only meaningful for short words; a pasted paragraph is nothing like `gap`.
    if len == 0 || len > 40 {
        return Vec::new();
    }
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let distance = edit_distance(&word, &candidate.to_lowercase());
            let limit = if candidate.chars().count() <= 4 { 1 } else { 2 };
            let prefix = len >= 3 && candidate.to_lowercase().starts_with(&word);
            (distance <= limit || prefix).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn or_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
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
            } => Some("`family:` only goes with `capability add` and `sequence`"),
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

    /// Reads a `YYYY-MM-DD` date.
    fn date(&mut self) -> Result<NaiveDate, ParseError> {
        let Some(text) = self.peek_word_or_quoted() else {
            return Err(self.expected(DATE));
        };
        match parse_date(&text) {
            Ok(date) => {
                self.bump();
                Ok(date)
            }
            Err(DateProblem::Shape) => Err(self.expected(DATE)),
            Err(DateProblem::NotReal) => Err(self.error_here(format!(
                "`{}` is not a real date — check the month and day",
                shorten(&text, 40)
            ))),
        }
    }

    /// Reads `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    fn date_range(&mut self) -> Result<DateRange, ParseError> {
        const RANGE: &str = "a date like 2026-12-01 or a range like 2026-12-01..2026-12-14";
        let Some(text) = self.peek_word_or_quoted() else {
            return Err(self.expected(RANGE));
        };
        let (from, to) = match text.split_once("..") {
            Some((from, to)) => (from, to),
            None => (text.as_str(), text.as_str()),
        };
        let read = |part: &str| match parse_date(part) {
            Ok(date) => Ok(date),
            Err(DateProblem::Shape) => Err(self.expected(RANGE)),
            Err(DateProblem::NotReal) => Err(self.error_here(format!(
                "`{}` is not a real date — check the month and day",
                shorten(part, 40)
            ))),
        };
        let (from, to) = (read(from)?, read(to)?);
        if to < from {
            return Err(self.error_here(format!(
                "`{}` ends before it starts — write the first day first",
                shorten(&text, 40)
            )));
        }
        self.bump();
        Ok(DateRange { from, to })
    }

    /// Turns a number problem into a message about the token at the cursor.
    fn number_error(&self, problem: NumberProblem, what: &str, limit: &str) -> ParseError {
        let word = self
            .peek()
            .map(|t| shorten(&t.shown, 40))
            .unwrap_or_default();
        match problem {
            NumberProblem::Shape => self.expected(what),
            NumberProblem::Negative => {
                self.error_here(format!("`{word}` is negative — expected {what}"))
            }
            NumberProblem::NotWhole => {
                self.error_here(format!("`{word}` is not a whole number — expected {what}"))
            }
            NumberProblem::TooPrecise => {
                self.error_here(format!("`{word}` has too many decimals — expected {what}"))
            }
            NumberProblem::Comma => self.error_here(format!(
                "`{word}` uses a comma — write decimals with a dot, like 1.5"
            )),
            NumberProblem::TooLarge => self.error_here(format!("`{word}` is too large — {limit}")),
        }
    }

    /// Reads a bare word at the cursor and converts it with `read`, or fails with `what`.
    fn number<T>(
        &mut self,
        what: &str,
        limit: &str,
        read: impl Fn(&str) -> Result<T, NumberProblem>,
    ) -> Result<T, ParseError> {
        let Some(TokenKind::Word(word)) = self.peek_kind() else {
            return Err(self.expected(what));
        };
        match read(word) {
            Ok(value) => {
                self.bump();
                Ok(value)
            }
            Err(problem) => Err(self.number_error(problem, what, limit)),
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
        if only.second_words().is_empty() {
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

    pub(super) fn help(&mut self) -> Result<Command, ParseError> {
        let mut words = Vec::new();
        while self.peek().is_some() {
            let Some(word) = self.peek_word_or_quoted() else {
                return Err(self.expected(TOPIC.expected));
            };
            self.check_name(&word, &TOPIC)?;
            words.push(word);
            self.bump();
        }
        let topic = (!words.is_empty()).then(|| words.join(" "));
        if let Some(topic) = &topic
            && topic.chars().count() > NAME_MAX_CHARS
        {
            return Err(self.error_at(
                format!("the help topic is too long — keep it to {NAME_MAX_CHARS} characters"),
                self.tokens.get(1),
            ));
        }
        Ok(Command::Help { topic })
    }

    pub(super) fn gap(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &[])?;
        self.end()?;
        Ok(Command::Gap { person, capability })
    }

    pub(super) fn coach(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &[])?;
        let note = self.optional_text(&NOTE, &[])?;
        self.end()?;
        Ok(Command::Coach {
            person,
            capability,
            note,
        })
    }

    pub(super) fn intervene(&mut self) -> Result<Command, ParseError> {
        const CLAUSES: [&str; 2] = ["via", "by"];
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &CLAUSES)?;
        let mut means = None;
        let mut due = None;
        // `via` is required and `by` optional, but either may come first: people write
        // "by Friday via pairing" as often as the other way round.
        while let Some(keyword) = self.peek_keyword() {
            match keyword.as_str() {
                "via" | "by"
                    if (keyword == "via" && means.is_some())
                        || (keyword == "by" && due.is_some()) =>
                {
                    return Err(
                        self.error_here(format!("`{keyword}` is given twice — give it once"))
                    );
                }
                "via" => {
                    self.bump();
                    let value = match self.peek_kind() {
                        Some(TokenKind::Quoted(s) | TokenKind::Link(s)) => s.clone(),
                        // `via @carol` means pairing with Carol: the mention is the means.
                        Some(TokenKind::Mention(user)) => {
                            format!("@{}", user.label.as_deref().unwrap_or(&user.id))
                        }
                        Some(TokenKind::Word(w))
                            if !CLAUSES.contains(&w.to_lowercase().as_str()) =>
                        {
                            w.clone()
                        }
                        _ => return Err(self.expected(MEANS.expected)),
                    };
                    self.check_text(&value, &MEANS)?;
                    self.bump();
                    means = Some(value);
                }
                "by" => {
                    self.bump();
                    due = Some(self.date()?);
                }
                _ => break,
            }
        }
        let Some(means) = means else {
            return Err(
                self.expected("`via` and how it will happen (like `via \"pairing with @carol\"`)")
            );
        };
        self.end()?;
        Ok(Command::Intervene {
            person,
            capability,
            means,
            due,
        })
    }

    pub(super) fn level(&mut self) -> Result<Command, ParseError> {
        const LEVEL: &str = "a level (none, learning, practising or mastery)";
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &LEVEL_WORDS)?;
        let level = match self.peek_word_or_quoted().map(|w| Level::from_str(&w)) {
            Some(Ok(level)) => level,
            _ => return Err(self.expected(LEVEL)),
        };
        self.bump();
        let evidence = self.optional_text(&EVIDENCE, &[])?;
        self.end()?;
        Ok(Command::Level {
            person,
            capability,
            level,
            evidence,
        })
    }

    pub(super) fn certify(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &[])?;
        let evidence = self.optional_text(&EVIDENCE, &[])?;
        self.end()?;
        Ok(Command::Certify {
            person,
            capability,
            evidence,
        })
    }

    /// Reads the `track` keyword.
    fn track_keyword(&mut self) -> Result<(), ParseError> {
        if self.at_keyword("track") {
            self.bump();
            Ok(())
        } else {
            Err(self.expected("the word `track`, then the track's name"))
        }
    }

    pub(super) fn approve(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        self.track_keyword()?;
        let track = self.name(&TRACK, &[])?;
        self.end()?;
        Ok(Command::Approve { person, track })
    }

    pub(super) fn decline(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        self.track_keyword()?;
        let track = self.name(&TRACK, &[])?;
        let reason = self.optional_text(&REASON, &[])?;
        self.end()?;
        Ok(Command::Decline {
            person,
            track,
            reason,
        })
    }

    pub(super) fn request(&mut self) -> Result<Command, ParseError> {
        self.track_keyword()?;
        let track = self.name(&TRACK, &[])?;
        let note = self.optional_text(&NOTE, &[])?;
        self.end()?;
        Ok(Command::Request { track, note })
    }

    pub(super) fn sequence(&mut self) -> Result<Command, ParseError> {
        let family = match self.peek_kind() {
            Some(
                TokenKind::Label(value)
                | TokenKind::Option {
                    key: OptionKey::Family,
                    value,
                },
            ) => value.clone(),
            _ => return Err(self.expected(FAMILY.expected)),
        };
        self.check_name(&family, &FAMILY)?;
        self.bump();
        let mut capabilities: Vec<String> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        loop {
            let item_at = self.pos;
            let item = self.name(&CAPABILITY, &[])?;
            if !keys.insert(name_key(&item)) {
                let token = self.tokens.get(item_at);
                return Err(self.error_at(
                    format!(
                        "{} appears twice in the sequence — list each capability once",
                        describe(token)
                    ),
                    token,
                ));
            }
            capabilities.push(item);
            match self.peek_kind() {
                None => break,
                Some(TokenKind::Gt) => self.bump(),
                Some(TokenKind::Word(_) | TokenKind::Quoted(_)) => {
                    return Err(self.expected_with(
                        "`>` between capabilities",
                        " — names with spaces go in double quotes",
                    ));
                }
                Some(_) => {
                    self.end()?;
                    break;
                }
            }
        }
        Ok(Command::Sequence {
            family,
            capabilities,
        })
    }

    pub(super) fn hours(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let hours = self.number(
            "a number of hours (like 6 or 1.5)",
            &format!("at most {HOURS_MAX} hours"),
            parse_hours,
        )?;
        let mut period = None;
        while let Some(keyword) = self.peek_keyword() {
            match keyword.as_str() {
                "sprint" | "week" if period.is_some() => {
                    return Err(
                        self.error_here("give either a sprint or a week, not both".to_owned())
                    );
                }
                "sprint" => {
                    self.bump();
                    period = Some(Period::Sprint(self.name(&SPRINT, &["week"])?));
                }
                "week" => {
                    self.bump();
                    let at = self.pos;
                    let monday = self.date()?;
                    if monday.weekday() != Weekday::Mon {
                        let back = u64::from(monday.weekday().num_days_from_monday());
                        let suggestion = monday
                            .checked_sub_days(chrono::Days::new(back))
                            .map(|d| format!(", so write `week {d}`"))
                            .unwrap_or_default();
                        return Err(self.error_at(
                            format!(
                                "`{monday}` is a {} — weeks start on Monday{suggestion}",
                                weekday_name(monday.weekday())
                            ),
                            self.tokens.get(at),
                        ));
                    }
                    period = Some(Period::Week(monday));
                }
                _ => break,
            }
        }
        self.end()?;
        Ok(Command::Hours {
            person,
            hours: Hours { centi: hours },
            period,
        })
    }

    pub(super) fn mastery(&mut self) -> Result<Command, ParseError> {
        let capability = self.name(&CAPABILITY, &[])?;
        let criteria = self.text(&CRITERIA)?;
        self.end()?;
        Ok(Command::Mastery {
            capability,
            criteria,
        })
    }

    pub(super) fn target(&mut self) -> Result<Command, ParseError> {
        let capability = self.name(&CAPABILITY, &[])?;
        let count = self.number(
            "a whole number of people (like 4)",
            &format!("at most {TARGET_MAX}"),
            |w| parse_count(w, TARGET_MAX),
        )?;
        self.end()?;
        Ok(Command::Target { capability, count })
    }

    pub(super) fn away(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let dates = self.date_range()?;
        if dates.from == dates.to
            && let Some(next) = self.peek_word_or_quoted()
            && parse_date(&next).is_ok()
        {
            return Err(self.error_here(format!(
                "write a range with two dots and no spaces, like `{}..{next}`",
                dates.from
            )));
        }
        self.end()?;
        Ok(Command::Away { person, dates })
    }

    pub(super) fn commission(&mut self) -> Result<Command, ParseError> {
        const CLAUSES: [&str; 2] = ["budget", "for"];
        let title = self.name(&TITLE, &CLAUSES)?;
        let mut budget = None;
        let mut capability = None;
        while let Some(keyword) = self.peek_keyword() {
            match keyword.as_str() {
                "budget" | "for"
                    if (keyword == "budget" && budget.is_some())
                        || (keyword == "for" && capability.is_some()) =>
                {
                    return Err(
                        self.error_here(format!("`{keyword}` is given twice — give it once"))
                    );
                }
                "budget" => {
                    self.bump();
                    budget = Some(self.number(
                        "a budget in whole currency units (like 2000 or 2,000)",
                        "keep it to 1,000,000,000,000",
                        parse_budget,
                    )?);
                }
                "for" => {
                    self.bump();
                    capability = Some(self.name(&CAPABILITY, &CLAUSES)?);
                }
                _ => break,
            }
        }
        self.end()?;
        Ok(Command::Commission {
            title,
            budget,
            capability,
        })
    }

    pub(super) fn coverage(&mut self) -> Result<Command, ParseError> {
        let capability = match self.peek() {
            None => None,
            Some(_) => Some(self.name(&CAPABILITY, &[])?),
        };
        self.end()?;
        Ok(Command::Coverage { capability })
    }

    /// `team add|remove|managers @a…`, the words that name it taken: which of the three was
    /// written decides the change.
    pub(super) fn team_members(&mut self) -> Result<Command, ParseError> {
        let change = match self.previous().map(str::to_lowercase).as_deref() {
            Some("remove") => MembershipChange::Remove,
            Some("managers") => MembershipChange::Managers,
            _ => MembershipChange::Add,
        };
        let people = self.people()?;
        self.end()?;
        Ok(Command::TeamMembers { change, people })
    }

    pub(super) fn team_create(&mut self) -> Result<Command, ParseError> {
        const CLAUSES: [&str; 4] = ["managers", "members", "tz", "channel"];
        let name = self.name(&TEAM_NAME, &CLAUSES)?;
        let mut managers: Option<Vec<UserRef>> = None;
        let mut members: Option<Vec<UserRef>> = None;
        let mut tz = None;
        let mut channel: Option<ChannelRef> = None;
        let mut any_clause = false;
        while self.peek().is_some() {
            let keyword = self.peek_keyword().unwrap_or_default();
            let seen = match keyword.as_str() {
                "managers" => managers.is_some(),
                "members" => members.is_some(),
                "tz" => tz.is_some(),
                "channel" => channel.is_some(),
                _ => {
                    let hint = if !any_clause {
                        " (a team name with spaces goes in double quotes)"
                    } else {
                        ""
                    };
                    return Err(
                        self.expected_with("`managers`, `members`, `tz` or `channel`", hint)
                    );
                }
            };
            if seen {
                return Err(self.error_here(format!(
                    "`{keyword}` is given twice — list everything after one `{keyword}`"
                )));
            }
            self.bump();
            any_clause = true;
            match keyword.as_str() {
                "managers" => managers = Some(self.people()?),
                "members" => members = Some(self.people()?),
                "tz" => {
                    let zone = self.peek_word_or_quoted();
                    let Some(zone) = zone else {
                        return Err(self.expected("a time zone like Europe/London"));
                    };
                    match parse_tz(&zone) {
                        Some(found) => {
                            tz = Some(found);
                            self.bump();
                        }
                        None => {
                            let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
                            let advice = match close_matches(&zone, names).as_slice() {
                                [] => {
                                    "use a name like Europe/London or America/New_York".to_owned()
                                }
                                m => format!("did you mean {}?", or_list(m)),
                            };
                            return Err(self.error_here(format!(
                                "`{}` is not a time zone I know — {advice}",
                                shorten(&zone, 40)
                            )));
                        }
                    }
                }
                _ => channel = Some(self.channel()?),
            }
        }
        Ok(Command::TeamCreate {
            name,
            managers: managers.unwrap_or_default(),
            members: members.unwrap_or_default(),
            tz,
            channel,
        })
    }

    /// After `capability`: `add "name" ["description"] [family:…]`, `family:` anywhere.
    /// `capability add "name" ["description"] [family:"…"]`, the words that name it taken.
    pub(super) fn capability_add(&mut self) -> Result<Command, ParseError> {
        let mut family = None;
        self.take_family(&mut family)?;
        let name = self.name(&CAPABILITY, &[])?;
        self.take_family(&mut family)?;
        let description = self.optional_text(&DESCRIPTION, &[])?;
        self.take_family(&mut family)?;
        self.end()?;
        Ok(Command::CapabilityAdd {
            name,
            description,
            family,
        })
    }

    /// Takes `family:…` options at the cursor into `family`, refusing a second one.
    fn take_family(&mut self, family: &mut Option<String>) -> Result<(), ParseError> {
        while let Some(TokenKind::Option {
            key: OptionKey::Family,
            value,
        }) = self.peek_kind()
        {
            if family.is_some() {
                return Err(
                    self.error_here("`family:` is given twice — give one role family".to_owned())
                );
            }
            let value = value.clone();
            self.check_name(
                &value,
                &Arg {
                    expected: FAMILY.expected,
                    called: "the role family after `family:`",
                },
            )?;
            *family = Some(value);
            self.bump();
        }
        Ok(())
    }

    /// After `ritual` (or `rituals`): `add …`, `list`, `pause ID` or `resume ID`.
    /// `ritual pause ID`, the words that name it taken.
    pub(super) fn ritual_pause(&mut self) -> Result<Command, ParseError> {
        let id = self.ritual_id()?;
        self.end()?;
        Ok(Command::RitualPause { id })
    }

    /// `ritual resume ID`, the words that name it taken.
    pub(super) fn ritual_resume(&mut self) -> Result<Command, ParseError> {
        let id = self.ritual_id()?;
        self.end()?;
        Ok(Command::RitualResume { id })
    }

    /// `ritual add KIND #channel on SELECTOR… [every "CRON" [before N]] [name "name"]
    /// [nudge N|off]` (or `every` instead of `on`), the clauses after the triggers in any order,
    /// each at most once.
    pub(super) fn ritual_add(&mut self) -> Result<Command, ParseError> {
        const CLAUSES: [&str; 4] = ["every", "before", "name", "nudge"];
        let kind = self.ritual_kind()?;
        let channel = if self.at_keyword("on") || self.at_keyword("every") {
            None
        } else {
            Some(self.channel()?)
        };
        let triggers = if self.at_keyword("on") {
            self.bump();
            self.triggers(&CLAUSES)?
        } else if self.at_keyword("every") {
            Vec::new()
        } else {
            return Err(self.expected(
                "the word `on`, then what starts the ritual (like `on jira:board=12:sprint_closed`), \
                 or `every` and a schedule (like `every \"0 10 * * TUE\"`)",
            ));
        };
        let mut name = None;
        let mut nudge = None;
        let mut schedule = None;
        let mut before = None;
        while self.peek().is_some() {
            let keyword = self.peek_keyword().unwrap_or_default();
            let seen = match keyword.as_str() {
                "name" => name.is_some(),
                "nudge" => nudge.is_some(),
                "every" => schedule.is_some(),
                "before" => before.is_some(),
                _ => {
                    let hint = match self.peek_kind() {
                        Some(TokenKind::Word(w)) if w.contains(':') => {
                            " — list every trigger right after `on`"
                        }
                        Some(TokenKind::Quoted(_)) if name.is_none() => {
                            " — write `name` before the ritual's name"
                        }
                        _ => "",
                    };
                    return Err(self.expected_with("`every`, `before`, `name` or `nudge`", hint));
                }
            };
            if seen {
                return Err(self.error_here(format!("`{keyword}` is given twice — give it once")));
            }
            self.bump();
            match keyword.as_str() {
                "name" => name = Some(self.name(&RITUAL_NAME, &CLAUSES)?),
                "every" => schedule = Some(self.schedule()?),
                "before" => before = Some(self.lead_minutes()?),
                _ => nudge = Some(self.nudge()?),
            }
        }
        if before.is_some() && schedule.is_none() {
            return Err(self.error_here(
                "`before` counts back from a schedule — add `every \"…\"` too".to_owned(),
            ));
        }
        Ok(Command::RitualAdd {
            kind,
            channel,
            triggers,
            schedule,
            before,
            name,
            nudge,
        })
    }

    /// Reads a kind of ritual (`retro`, `qbr`, `1:1`…), naming them all when it is not one.
    fn ritual_kind(&mut self) -> Result<RitualKind, ParseError> {
        let Some(word) = self.peek_word_or_quoted() else {
            return Err(self.expected("a kind of ritual (like retro, planning or qbr)"));
        };
        if let Ok(kind) = RitualKind::from_str(&word) {
            self.bump();
            return Ok(kind);
        }
        let kinds: Vec<&str> = RitualKind::ALL.iter().map(|kind| kind.as_str()).collect();
        let guess = match close_matches(&word, kinds.iter().copied()).as_slice() {
            [] => String::new(),
            m => format!(" Did you mean {}?", or_list(m)),
        };
        Err(self.error_here(format!(
            "`{}` is not a kind of ritual — use {}.{guess}",
            shorten(&word, 40),
            or_list(&kinds)
        )))
    }

    /// Reads one or more triggers after `on`, up to one of the `clauses` or the end. Each is a
    /// bare word that [`Selector`] reads; its own complaint is shown when it can't.
    fn triggers(&mut self, clauses: &[&str]) -> Result<Vec<Selector>, ParseError> {
        let mut triggers: Vec<Selector> = Vec::new();
        // A set, so that a pasted list of thousands of triggers stays linear.
        let mut seen: HashMap<SelectorKey, usize> = HashMap::new();
        let mut shown: Vec<String> = Vec::new();
        loop {
            let text = match self.peek_kind() {
                Some(TokenKind::Word(w)) if clauses.contains(&w.to_lowercase().as_str()) => break,
                Some(TokenKind::Word(w)) => w.clone(),
                // `jira:` is read as a label; the selector says what is missing.
                Some(TokenKind::Label(label)) => format!("{label}:"),
                _ if triggers.is_empty() => return Err(self.expected(TRIGGER)),
                _ => break,
            };
            if !triggers.is_empty() && !text.contains(':') {
                // Most likely a mistyped clause rather than a trigger without a source.
                let guesses = close_matches(&text, clauses.iter().copied());
                if !guesses.is_empty() {
                    return Err(self.expected_with(
                        &format!("another trigger, {}", or_list(clauses)),
                        &format!(" — did you mean {}?", or_list(&guesses)),
                    ));
                }
            }
            let selector = Selector::from_str(&text).map_err(|e| {
                self.error_here(format!(
                    "`{}` is not a trigger I can read — {}",
                    shorten(&text, 40),
                    shorten(&e.0, 200)
                ))
            })?;
            if let Some(&earlier) = seen.get(&SelectorKey::of(&selector)) {
                let earlier = shown.get(earlier).map(String::as_str).unwrap_or_default();
                let this = shorten(&text, 40);
                let message = if earlier.eq_ignore_ascii_case(&text) {
                    format!("`{this}` is listed twice — give each trigger once")
                } else {
                    format!(
                        "`{this}` picks the same events as `{}` — give each trigger once",
                        shorten(earlier, 40)
                    )
                };
                return Err(self.error_here(message));
            }
            seen.insert(SelectorKey::of(&selector), triggers.len());
            shown.push(text);
            triggers.push(selector);
            self.bump();
        }
        if triggers.is_empty() {
            return Err(self.expected(TRIGGER));
        }
        Ok(triggers)
    }

    /// Reads `off` or a number of minutes, 1 to [`NUDGE_MAX_MINUTES`].
    /// A quoted five-field cron schedule, like `"0 10 1-7 1,4,7,10 TUE"`.
    fn schedule(&mut self) -> Result<String, ParseError> {
        const SCHEDULE: &str =
            "a schedule in quotes: minute hour day month weekday, like \"0 10 * * TUE\"";
        let Some(TokenKind::Quoted(text)) = self.peek_kind() else {
            return Err(self.expected(SCHEDULE));
        };
        match text.parse::<crate::domain::schedule::Schedule>() {
            Ok(schedule) => {
                self.bump();
                Ok(schedule.to_string())
            }
            Err(e) => Err(self.error_here(e.0)),
        }
    }

    /// Minutes before a scheduled time: a whole number from 1 to a week.
    fn lead_minutes(&mut self) -> Result<u32, ParseError> {
        let at = self.pos;
        let minutes = self.number(
            "a number of minutes (like 15)",
            &format!("at most {NUDGE_MAX_MINUTES} minutes (a week)"),
            |w| parse_count(w, NUDGE_MAX_MINUTES),
        )?;
        if minutes == 0 {
            return Err(self.error_at(
                "`before 0` is the scheduled time itself — leave `before` out".to_owned(),
                self.tokens.get(at),
            ));
        }
        Ok(minutes)
    }

    fn nudge(&mut self) -> Result<Nudge, ParseError> {
        if self.at_keyword("off") {
            self.bump();
            return Ok(Nudge::Off);
        }
        let at = self.pos;
        let minutes = self.number(
            "a number of minutes (like 120) or `off`",
            &format!("at most {NUDGE_MAX_MINUTES} minutes (a week)"),
            |w| parse_count(w, NUDGE_MAX_MINUTES),
        )?;
        if minutes == 0 {
            return Err(self.error_at(
                "a nudge after 0 minutes would arrive with the prompt — give at least 1 minute, \
                 or write `nudge off`"
                    .to_owned(),
                self.tokens.get(at),
            ));
        }
        Ok(Nudge::AfterMinutes(minutes))
    }

    /// Reads a ritual's id, a positive whole number (`#3`, as replies show it, is read too).
    fn ritual_id(&mut self) -> Result<u64, ParseError> {
        const ID: &str = "the ritual's id, a number like 3 (`ritual list` shows them)";
        let at = self.pos;
        let id = self.number(ID, "no ritual has an id that large", parse_id)?;
        if id == 0 {
            return Err(self.error_at(
                "ritual ids start at 1 — `ritual list` shows them".to_owned(),
                self.tokens.get(at),
            ));
        }
        Ok(id)
    }
}

/// What makes two triggers the same: the source, the event and the set of conditions, with
/// values compared ignoring case as matching compares them. Written in another order, or with a
/// condition repeated, a trigger still picks the same events.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SelectorKey {
    source: Source,
    event: String,
    /// Key, whether it tests equality, lower-cased value; sorted, without repeats.
    conditions: Vec<(String, bool, String)>,
}

impl SelectorKey {
    fn of(selector: &Selector) -> SelectorKey {
        let mut conditions: Vec<(String, bool, String)> = selector
            .conditions
            .iter()
            .map(|Condition { key, test, value }| {
                (key.clone(), *test == Test::Equals, value.to_lowercase())
            })
            .collect();
        conditions.sort();
        conditions.dedup();
        SelectorKey {
            source: selector.source,
            event: selector.event.to_lowercase(),
            conditions,
        }
    }
}

/// What is wrong with a name (capability, track, team, …), if anything: empty, too long, or
/// spread over lines. `called` is what the name is, like "the capability's name".
fn name_problem(value: &str, called: &str) -> Option<String> {
    let n = value.chars().count();
    if value.trim().is_empty() {
        Some(format!("{called} is empty — write it between the quotes"))
    } else if n > NAME_MAX_CHARS {
        Some(format!(
            "{called} is {n} characters long — keep it to {NAME_MAX_CHARS}"
        ))
    } else if value.chars().any(char::is_control) {
        Some(format!("{called} can't contain line breaks or tabs"))
    } else {
        None
    }
}

/// The English name of a weekday, for messages.
fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
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
