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

/// Reads a `/cadence` command as Slack sends it (with escaping on) into a typed [`CommandLine`].
///
/// Empty text (or only `team:<name>`) is `help`. Never panics, whatever the input.
pub fn parse(text: &str) -> Result<CommandLine, ParseError> {
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

    /// The error for a bare `@name` where a person was expected: Slack sends a mention it
    /// resolved as `<@U123|name>`, so plain text means the person was typed, not picked.
    fn not_a_mention(&self, word: &str) -> ParseError {
        self.error_here(format!(
            "`{}` is not a mention Slack recognised — pick the person from the @ autocomplete so \
             their name turns into a link",
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

    /// Reads a #channel. A bare `#name` is refused: Slack sends a channel picked from the
    /// autocomplete as `<#C123|name>`, so plain text means it was typed, not picked.
    fn channel(&mut self) -> Result<ChannelRef, ParseError> {
        match self.peek_kind() {
            Some(TokenKind::Channel(found)) => {
                let found = found.clone();
                self.bump();
                Ok(found)
            }
            Some(TokenKind::Word(w)) if w.starts_with('#') && w.chars().count() > 1 => Err(self
                .error_here(format!(
                    "`{}` is not a channel Slack recognised — pick it from the # autocomplete so \
                     it turns into a link",
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
            format!("`{shown}` is not a /cadence command — try `/cadence help` to see them all")
        } else {
            format!(
                "`{shown}` is not a /cadence command — did you mean {}?",
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
        const ID: &str = "the ritual's id, a number like 3 (`/cadence ritual list` shows them)";
        let at = self.pos;
        let id = self.number(ID, "no ritual has an id that large", parse_id)?;
        if id == 0 {
            return Err(self.error_at(
                "ritual ids start at 1 — `/cadence ritual list` shows them".to_owned(),
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

    fn alice() -> UserRef {
        UserRef {
            id: "U1".into(),
            label: Some("alice".into()),
        }
    }

    fn bob() -> UserRef {
        UserRef {
            id: "U2".into(),
            label: Some("bob".into()),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Parses text that must parse, for the command alone.
    fn ok(text: &str) -> Command {
        match parse(text) {
            Ok(line) => {
                assert_eq!(line.team, None, "{text}");
                line.command
            }
            Err(e) => panic!("{text:?} failed: {e:?}"),
        }
    }

    /// Parses text that must not parse.
    fn err(text: &str) -> ParseError {
        match parse(text) {
            Ok(line) => panic!("{text:?} parsed as {line:?}"),
            Err(e) => e,
        }
    }

    /// Asserts an error's message contains `part` and names `sub`.
    fn fails(text: &str, sub: Option<Subcommand>, part: &str) -> ParseError {
        let e = err(text);
        assert!(
            e.message.contains(part),
            "{text:?}: message {:?} lacks {part:?}",
            e.message
        );
        assert_eq!(e.subcommand, sub, "{text:?}: {e:?}");
        e
    }

    // ---- help, empty, team: ----

    #[test]
    fn empty_text_is_help() {
        assert_eq!(ok(""), Command::Help { topic: None });
        assert_eq!(ok("  \n "), Command::Help { topic: None });
        assert_eq!(ok("HELP"), Command::Help { topic: None });
    }

    #[test]
    fn help_takes_a_topic_of_words() {
        assert_eq!(
            ok("help intervene"),
            Command::Help {
                topic: Some("intervene".into())
            }
        );
        assert_eq!(
            ok("help team  create"),
            Command::Help {
                topic: Some("team create".into())
            }
        );
        assert_eq!(
            ok("help \"team add\""),
            Command::Help {
                topic: Some("team add".into())
            }
        );
        fails(
            "help <@U1|alice>",
            Some(Subcommand::Help),
            "expected a topic",
        );
    }

    #[test]
    fn team_option_may_stand_anywhere_once() {
        let expected = CommandLine {
            team: Some("Team Atlas".into()),
            command: Command::Gap {
                person: alice(),
                capability: "run EBR".into(),
            },
        };
        for text in [
            "team:\"Team Atlas\" gap <@U1|alice> \"run EBR\"",
            "gap team:“Team Atlas” <@U1|alice> \"run EBR\"",
            "gap <@U1|alice> \"run EBR\" TEAM:\"Team Atlas\"",
        ] {
            assert_eq!(parse(text), Ok(expected.clone()), "{text}");
        }
        assert_eq!(
            parse("team:Atlas me").map(|l| l.team),
            Ok(Some("Atlas".into()))
        );
        assert_eq!(
            parse("team:Atlas"),
            Ok(CommandLine {
                team: Some("Atlas".into()),
                command: Command::Help { topic: None }
            })
        );
        let e = fails(
            "team:Atlas gap <@U1|alice> x team:Zeus",
            Some(Subcommand::Gap),
            "`team:` is given twice",
        );
        assert_eq!(e.found.as_deref(), Some("team:Zeus"));
        assert_eq!(e.at, Some(24));
        fails(
            "me team:\"  \"",
            Some(Subcommand::Me),
            "team's name after `team:` is empty",
        );
        fails("me team: Atlas", Some(Subcommand::Me), "with no space");
    }

    // ---- each subcommand's valid forms ----

    #[test]
    fn gap() {
        let expected = Command::Gap {
            person: alice(),
            capability: "architecture trade-offs".into(),
        };
        assert_eq!(ok("gap <@U1|alice> \"architecture trade-offs\""), expected);
        assert_eq!(ok("GAP <@U1|alice> “architecture trade-offs”"), expected);
        assert_eq!(
            ok("gap <@U1> testing"),
            Command::Gap {
                person: UserRef {
                    id: "U1".into(),
                    label: None
                },
                capability: "testing".into(),
            }
        );
        assert_eq!(
            ok("gap <@U1|alice> R&amp;D"),
            Command::Gap {
                person: alice(),
                capability: "R&D".into()
            }
        );
    }

    #[test]
    fn coach() {
        assert_eq!(
            ok("coach <@U2|bob> \"objection handling\" \"lost the pricing thread on Acme call\""),
            Command::Coach {
                person: bob(),
                capability: "objection handling".into(),
                note: Some("lost the pricing thread on Acme call".into()),
            }
        );
        assert_eq!(
            ok("coach <@U2|bob> pricing"),
            Command::Coach {
                person: bob(),
                capability: "pricing".into(),
                note: None,
            }
        );
        assert_eq!(
            ok("coach <@U2|bob> pricing <https://x.io/call|the call>"),
            Command::Coach {
                person: bob(),
                capability: "pricing".into(),
                note: Some("https://x.io/call".into()),
            }
        );
    }

    #[test]
    fn intervene() {
        let expected = Command::Intervene {
            person: alice(),
            capability: "architecture trade-offs".into(),
            means: "ADR pairing with @carol".into(),
            due: Some(day(2026, 12, 15)),
        };
        assert_eq!(
            ok(
                "intervene <@U1|alice> \"architecture trade-offs\" via \"ADR pairing with <@U3|carol>\" by 2026-12-15"
            ),
            expected
        );
        assert_eq!(
            ok(
                "intervene <@U1|alice> \"architecture trade-offs\" BY 2026-12-15 VIA \"ADR pairing with @carol\""
            ),
            expected
        );
        assert_eq!(
            ok("intervene <@U1|alice> testing via <@U3|carol>"),
            Command::Intervene {
                person: alice(),
                capability: "testing".into(),
                means: "@carol".into(),
                due: None,
            }
        );
        assert_eq!(
            ok("intervene <@U1|alice> testing via shadowing"),
            Command::Intervene {
                person: alice(),
                capability: "testing".into(),
                means: "shadowing".into(),
                due: None,
            }
        );
    }

    #[test]
    fn level() {
        for (word, level) in [
            ("none", Level::None),
            ("Learning", Level::Learning),
            ("practising", Level::Practising),
            ("practicing", Level::Practising),
            ("MASTERY", Level::Mastery),
        ] {
            assert_eq!(
                ok(&format!("level <@U1|alice> \"run EBR\" {word}")),
                Command::Level {
                    person: alice(),
                    capability: "run EBR".into(),
                    level,
                    evidence: None,
                }
            );
        }
        assert_eq!(
            ok("level <@U1|alice> \"run EBR\" mastery \"ran Globex EBR solo\""),
            Command::Level {
                person: alice(),
                capability: "run EBR".into(),
                level: Level::Mastery,
                evidence: Some("ran Globex EBR solo".into()),
            }
        );
    }

    #[test]
    fn certify() {
        assert_eq!(
            ok("certify <@U1|alice> \"run EBR\""),
            Command::Certify {
                person: alice(),
                capability: "run EBR".into(),
                evidence: None
            }
        );
        assert_eq!(
            ok("certify <@U1|alice> \"run EBR\" <https://docs.x/ebr>"),
            Command::Certify {
                person: alice(),
                capability: "run EBR".into(),
                evidence: Some("https://docs.x/ebr".into())
            }
        );
    }

    #[test]
    fn tracks() {
        assert_eq!(
            ok("approve <@U1|alice> track \"Architecture lead\""),
            Command::Approve {
                person: alice(),
                track: "Architecture lead".into()
            }
        );
        assert_eq!(
            ok("decline <@U2|bob> TRACK \"Architecture lead\" \"revisit after Q1\""),
            Command::Decline {
                person: bob(),
                track: "Architecture lead".into(),
                reason: Some("revisit after Q1".into()),
            }
        );
        assert_eq!(
            ok("decline <@U2|bob> track lead"),
            Command::Decline {
                person: bob(),
                track: "lead".into(),
                reason: None,
            }
        );
        assert_eq!(
            ok("request track \"Architecture lead\" \"I led two ADRs\""),
            Command::Request {
                track: "Architecture lead".into(),
                note: Some("I led two ADRs".into()),
            }
        );
        assert_eq!(
            ok("request track lead"),
            Command::Request {
                track: "lead".into(),
                note: None,
            }
        );
    }

    #[test]
    fn sequence() {
        let expected = Command::Sequence {
            family: "backend".into(),
            capabilities: vec![
                "testing".into(),
                "observability".into(),
                "architecture trade-offs".into(),
            ],
        };
        assert_eq!(
            ok("sequence backend: testing &gt; observability &gt; \"architecture trade-offs\""),
            expected
        );
        assert_eq!(
            ok("sequence backend: testing&gt;observability&gt;\"architecture trade-offs\""),
            expected
        );
        assert_eq!(
            ok("sequence family:backend testing > observability > “architecture trade-offs”"),
            expected
        );
        assert_eq!(
            ok("sequence \"account exec\": \"run EBR\""),
            Command::Sequence {
                family: "account exec".into(),
                capabilities: vec!["run EBR".into()],
            }
        );
    }

    #[test]
    fn hours() {
        let hours = |text: &str| match ok(text) {
            Command::Hours { hours, period, .. } => (hours.centi, period),
            other => panic!("{other:?}"),
        };
        assert_eq!(hours("hours <@U1|alice> 6"), (600, None));
        assert_eq!(hours("hours <@U1|alice> 1.5"), (150, None));
        assert_eq!(hours("hours <@U1|alice> 0.25"), (25, None));
        assert_eq!(hours("hours <@U1|alice> .5"), (50, None));
        assert_eq!(hours("hours <@U1|alice> 0"), (0, None));
        assert_eq!(hours("hours <@U1|alice> 1000"), (100_000, None));
        assert_eq!(
            hours("hours <@U1|alice> 6 sprint \"Sprint 42\""),
            (600, Some(Period::Sprint("Sprint 42".into())))
        );
        assert_eq!(
            hours("hours <@U1|alice> 6 Sprint 42"),
            (600, Some(Period::Sprint("42".into())))
        );
        assert_eq!(
            hours("hours <@U1|alice> 2.75 week 2026-11-30"),
            (275, Some(Period::Week(day(2026, 11, 30))))
        );
    }

    #[test]
    fn mastery_and_target() {
        assert_eq!(
            ok("mastery \"run EBR\" \"two EBRs end to end, no escalation\""),
            Command::Mastery {
                capability: "run EBR".into(),
                criteria: "two EBRs end to end, no escalation".into(),
            }
        );
        for (n, count) in [("4", 4), ("0", 0), ("10000", 10_000), ("007", 7)] {
            assert_eq!(
                ok(&format!("target \"run EBR\" {n}")),
                Command::Target {
                    capability: "run EBR".into(),
                    count
                }
            );
        }
    }

    #[test]
    fn away() {
        assert_eq!(
            ok("away <@U2|bob> 2026-12-01..2026-12-14"),
            Command::Away {
                person: bob(),
                dates: DateRange {
                    from: day(2026, 12, 1),
                    to: day(2026, 12, 14)
                },
            }
        );
        assert_eq!(
            ok("away <@U2|bob> 2026-12-01"),
            Command::Away {
                person: bob(),
                dates: DateRange {
                    from: day(2026, 12, 1),
                    to: day(2026, 12, 1)
                },
            }
        );
        assert_eq!(
            ok("away <@U2|bob> 2028-02-29..2028-02-29"),
            Command::Away {
                person: bob(),
                dates: DateRange {
                    from: day(2028, 2, 29),
                    to: day(2028, 2, 29)
                },
            }
        );
    }

    #[test]
    fn commission() {
        let full = Command::Commission {
            title: "competitive positioning vs Initech".into(),
            budget: Some(2000),
            capability: Some("positioning".into()),
        };
        assert_eq!(
            ok("commission \"competitive positioning vs Initech\" budget 2000 for positioning"),
            full
        );
        assert_eq!(
            ok(
                "commission \"competitive positioning vs Initech\" FOR \"positioning\" budget 2,000"
            ),
            full
        );
        assert_eq!(
            ok("commission positioning"),
            Command::Commission {
                title: "positioning".into(),
                budget: None,
                capability: None,
            }
        );
        assert_eq!(
            ok("commission x budget 1,000,000,000,000"),
            Command::Commission {
                title: "x".into(),
                budget: Some(BUDGET_MAX),
                capability: None,
            }
        );
    }

    #[test]
    fn coverage_and_me() {
        assert_eq!(ok("coverage"), Command::Coverage { capability: None });
        assert_eq!(
            ok("Coverage \"run EBR\""),
            Command::Coverage {
                capability: Some("run EBR".into())
            }
        );
        assert_eq!(ok("me"), Command::Me);
        assert_eq!(ok("ME"), Command::Me);
    }

    #[test]
    fn team_create() {
        let carol = UserRef {
            id: "U3".into(),
            label: Some("carol".into()),
        };
        let full = Command::TeamCreate {
            name: "Atlas".into(),
            managers: vec![alice()],
            members: vec![bob(), carol.clone()],
            tz: Some(chrono_tz::Europe::London),
            channel: Some(ChannelRef {
                id: "C9".into(),
                label: Some("team-atlas".into()),
            }),
        };
        assert_eq!(
            ok(
                "team create Atlas managers <@U1|alice> members <@U2|bob> <@U3|carol> tz Europe/London channel <#C9|team-atlas>"
            ),
            full
        );
        assert_eq!(
            ok(
                "team create \"Atlas\" channel <#C9|team-atlas> TZ europe/london members <@U2|bob>, <@U3|carol> MANAGERS <@U1|alice>"
            ),
            full
        );
        assert_eq!(
            ok("team create \"Team Atlas\""),
            Command::TeamCreate {
                name: "Team Atlas".into(),
                managers: vec![],
                members: vec![],
                tz: None,
                channel: None,
            }
        );
    }

    #[test]
    fn team_members() {
        for (word, change) in [
            ("add", MembershipChange::Add),
            ("REMOVE", MembershipChange::Remove),
            ("managers", MembershipChange::Managers),
        ] {
            assert_eq!(
                ok(&format!("team {word} <@U1|alice> and <@U2|bob>")),
                Command::TeamMembers {
                    change,
                    people: vec![alice(), bob()]
                }
            );
        }
        assert_eq!(
            ok("team add <@U2|bob>"),
            Command::TeamMembers {
                change: MembershipChange::Add,
                people: vec![bob()]
            }
        );
    }

    #[test]
    fn capability_add() {
        let full = Command::CapabilityAdd {
            name: "run EBR".into(),
            description: Some("runs an executive business review end to end".into()),
            family: Some("account exec".into()),
        };
        assert_eq!(
            ok(
                "capability add \"run EBR\" \"runs an executive business review end to end\" family:\"account exec\""
            ),
            full
        );
        assert_eq!(
            ok(
                "capability add family:“account exec” \"run EBR\" \"runs an executive business review end to end\""
            ),
            full
        );
        assert_eq!(
            ok("Capability ADD testing Family:backend"),
            Command::CapabilityAdd {
                name: "testing".into(),
                description: None,
                family: Some("backend".into()),
            }
        );
        assert_eq!(
            ok("capability add testing"),
            Command::CapabilityAdd {
                name: "testing".into(),
                description: None,
                family: None,
            }
        );
    }

    fn atlas() -> ChannelRef {
        ChannelRef {
            id: "C1".into(),
            label: Some("team-atlas".into()),
        }
    }

    fn selector(text: &str) -> Selector {
        Selector::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn ritual_add_with_a_schedule() {
        let qbr = ok(
            "ritual add qbr <#C1|team-atlas> every \"0 10 1-7 1,4,7,10 TUE\" before 15 name \"QBR\"",
        );
        let Command::RitualAdd {
            triggers,
            schedule,
            before,
            name,
            ..
        } = qbr
        else {
            panic!("not a ritual add: {qbr:?}");
        };
        assert!(triggers.is_empty());
        assert_eq!(schedule.as_deref(), Some("0 10 1-7 1,4,7,10 TUE"));
        assert_eq!((before, name.as_deref()), (Some(15), Some("QBR")));
        let here = ok("ritual add retro on teams:meeting_ended");
        assert!(
            matches!(here, Command::RitualAdd { channel: None, ref triggers, .. } if triggers.len() == 1),
            "no channel means this one: {here:?}"
        );
        let both = ok("ritual add qbr <#C1|x> on generic:qbr_ended every \"0 10 * * TUE\"");
        assert!(
            matches!(both, Command::RitualAdd { ref triggers, schedule: Some(_), .. } if triggers.len() == 1)
        );
        fails(
            "ritual add qbr <#C1|x> every \"0 10 * * 2\"",
            Some(Subcommand::RitualAdd),
            "write days of the week as names",
        );
        fails(
            "ritual add qbr <#C1|x> every 0 10 * * TUE",
            Some(Subcommand::RitualAdd),
            "a schedule in quotes",
        );
        fails(
            "ritual add qbr <#C1|x> on generic:qbr_ended before 15",
            Some(Subcommand::RitualAdd),
            "`before` counts back from a schedule",
        );
        fails(
            "ritual add qbr <#C1|x> every \"0 10 * * TUE\" before 0",
            Some(Subcommand::RitualAdd),
            "leave `before` out",
        );
    }

    #[test]
    fn ritual_add() {
        assert_eq!(
            ok("ritual add retro <#C1|team-atlas> on jira:board=12:sprint_closed"),
            Command::RitualAdd {
                kind: RitualKind::Retro,
                channel: Some(atlas()),
                triggers: vec![selector("jira:board=12:sprint_closed")],
                schedule: None,
                before: None,
                name: None,
                nudge: None,
            }
        );
        let full = Command::RitualAdd {
            kind: RitualKind::PipelineCall,
            channel: Some(atlas()),
            triggers: vec![
                selector("zoom:topic~Pipeline:meeting_ended"),
                selector("teams:meeting_ended"),
            ],
            schedule: None,
            before: None,
            name: Some("Atlas pipeline".into()),
            nudge: Some(Nudge::AfterMinutes(120)),
        };
        assert_eq!(
            ok(
                "ritual add pipeline <#C1|team-atlas> on zoom:meeting_ended:topic~Pipeline teams:meeting_ended name \"Atlas pipeline\" nudge 120"
            ),
            full
        );
        assert_eq!(
            ok(
                "RITUALS ADD Pipeline-Call <#C1|team-atlas> ON ZOOM:topic~Pipeline:Meeting_Ended teams:MEETING_ENDED NUDGE 0120 Name “Atlas pipeline”"
            ),
            full
        );
        assert_eq!(
            ok("ritual add 1:1 <#C1|team-atlas> on generic:one_on_one name Weekly nudge off"),
            Command::RitualAdd {
                kind: RitualKind::OneOnOne,
                channel: Some(atlas()),
                triggers: vec![selector("generic:one_on_one")],
                schedule: None,
                before: None,
                name: Some("Weekly".into()),
                nudge: Some(Nudge::Off),
            }
        );
        assert_eq!(
            ok(&format!(
                "ritual add \"qbr\" <#C2> on linear:team=ENG:cycle_completed nudge {NUDGE_MAX_MINUTES}"
            )),
            Command::RitualAdd {
                kind: RitualKind::Qbr,
                channel: Some(ChannelRef {
                    id: "C2".into(),
                    label: None,
                }),
                triggers: vec![selector("linear:team=ENG:cycle_completed")],
                schedule: None,
                before: None,
                name: None,
                nudge: Some(Nudge::AfterMinutes(NUDGE_MAX_MINUTES)),
            }
        );
        // `&` arrives as an entity and stays part of the value.
        assert_eq!(
            ok("ritual add custom <#C1|team-atlas> on generic:topic~R&amp;D:review"),
            Command::RitualAdd {
                kind: RitualKind::Custom,
                channel: Some(atlas()),
                triggers: vec![selector("generic:topic~R&D:review")],
                schedule: None,
                before: None,
                name: None,
                nudge: None,
            }
        );
        assert_eq!(
            parse("team:Atlas ritual add retro <#C1|team-atlas> on jira:sprint_closed")
                .map(|line| line.team),
            Ok(Some("Atlas".into()))
        );
    }

    #[test]
    fn ritual_list_pause_resume() {
        assert_eq!(ok("ritual list"), Command::RitualList);
        assert_eq!(ok("Rituals LIST"), Command::RitualList);
        assert_eq!(ok("ritual pause 3"), Command::RitualPause { id: 3 });
        assert_eq!(ok("ritual pause #3"), Command::RitualPause { id: 3 });
        assert_eq!(ok("ritual resume 007"), Command::RitualResume { id: 7 });
        assert_eq!(
            ok(&format!("ritual resume {RITUAL_ID_MAX}")),
            Command::RitualResume { id: RITUAL_ID_MAX }
        );
        assert_eq!(
            parse("ritual list team:\"Team Atlas\""),
            Ok(CommandLine {
                team: Some("Team Atlas".into()),
                command: Command::RitualList,
            })
        );
    }

    #[test]
    fn ritual_actions_and_ids_are_checked() {
        fails(
            "ritual",
            None,
            "expected `add`, `list`, `pause` or `resume` after `ritual`, found nothing",
        );
        fails("ritual lst", None, "did you mean `list`?");
        fails("ritual delete 3", None, "found `delete`");
        fails(
            "ritual list all",
            Some(Subcommand::RitualList),
            "didn't expect `all`",
        );
        fails(
            "ritual pause",
            Some(Subcommand::RitualPause),
            "expected the ritual's id, a number like 3",
        );
        let e = fails(
            "ritual pause 0",
            Some(Subcommand::RitualPause),
            "ritual ids start at 1",
        );
        assert_eq!((e.found.as_deref(), e.at), (Some("0"), Some(13)));
        fails(
            "ritual resume #0",
            Some(Subcommand::RitualResume),
            "start at 1",
        );
        fails("ritual pause -3", Some(Subcommand::RitualPause), "negative");
        fails(
            "ritual pause 2.5",
            Some(Subcommand::RitualPause),
            "not a whole number",
        );
        fails(
            "ritual pause three",
            Some(Subcommand::RitualPause),
            "found `three`",
        );
        fails("ritual pause #", Some(Subcommand::RitualPause), "found `#`");
        fails(
            "ritual resume 9223372036854775808",
            Some(Subcommand::RitualResume),
            "too large",
        );
        fails(
            "ritual resume 99999999999999999999999999999",
            Some(Subcommand::RitualResume),
            "too large",
        );
        fails(
            "ritual pause 3 4",
            Some(Subcommand::RitualPause),
            "didn't expect `4`",
        );
        fails(
            "digest now",
            Some(Subcommand::Digest),
            "didn't expect `now`",
        );
        fails("ritaul list", None, "did you mean `ritual`?");
    }

    #[test]
    fn ritual_add_kind_and_channel_are_checked() {
        fails(
            "ritual add",
            Some(Subcommand::RitualAdd),
            "expected a kind of ritual (like retro, planning or qbr) after `add`, found nothing",
        );
        let e = fails(
            "ritual add standup <#C1|team-atlas> on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "`standup` is not a kind of ritual — use `retro`, `planning`, `release_retro`, `qbr`, \
             `pipeline`, `forecast`, `deal_review`, `store_review`, `incident_review`, \
             `one_on_one` or `custom`.",
        );
        assert_eq!((e.found.as_deref(), e.at), (Some("standup"), Some(11)));
        fails(
            "ritual add retor <#C1|team-atlas> on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "Did you mean `retro`?",
        );
        fails(
            "ritual add <#C1|team-atlas> on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "expected a kind of ritual",
        );
        fails(
            "ritual add retro team-atlas on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "expected a #channel after `retro`, found `team-atlas`",
        );
        let e = fails(
            "ritual add retro #team-atlas on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "`#team-atlas` is not a channel Slack recognised — pick it from the # autocomplete",
        );
        assert_eq!((e.found.as_deref(), e.at), (Some("#team-atlas"), Some(17)));
        fails(
            "ritual add retro <@U1|alice> on jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "a #channel",
        );
        fails(
            "ritual add retro <#C1|team-atlas> jira:sprint_closed",
            Some(Subcommand::RitualAdd),
            "expected the word `on`",
        );
        fails(
            "ritual add retro <#C1|team-atlas>",
            Some(Subcommand::RitualAdd),
            "expected the word `on`, then what starts the ritual (like `on jira:board=12:sprint_closed`), or `every` and a schedule (like `every \"0 10 * * TUE\"`) after `#team-atlas`, found nothing",
        );
    }

    #[test]
    fn ritual_add_triggers_are_checked() {
        const ADD: &str = "ritual add retro <#C1|team-atlas> on";
        let at = |text: &str| format!("{ADD} {text}");
        fails(
            ADD,
            Some(Subcommand::RitualAdd),
            "expected a trigger like `jira:board=12:sprint_closed` after `on`, found nothing",
        );
        fails(
            &at("name x"),
            Some(Subcommand::RitualAdd),
            "expected a trigger like `jira:board=12:sprint_closed` after `on`, found `name`",
        );
        fails(
            &at("\"jira:sprint_closed\""),
            Some(Subcommand::RitualAdd),
            "expected a trigger",
        );
        let e = fails(
            &at("trello:board=1:card_moved"),
            Some(Subcommand::RitualAdd),
            "`trello:board=1:card_moved` is not a trigger I can read — `trello` is not a source; \
             use one of jira, github, linear, zoom, teams, generic",
        );
        assert_eq!(e.found.as_deref(), Some("trello:board=1:card_moved"));
        fails(
            &at("jira:board=12"),
            Some(Subcommand::RitualAdd),
            "names no event; add one, e.g. jira:sprint_closed",
        );
        fails(
            &at("jira:sprint_closed:sprint_started"),
            Some(Subcommand::RitualAdd),
            "a selector names one event",
        );
        fails(
            &at("jira:board=:x"),
            Some(Subcommand::RitualAdd),
            "needs a key and a value",
        );
        fails(
            &at("jira:"),
            Some(Subcommand::RitualAdd),
            "`jira:` is not a trigger",
        );
        fails(
            &at("retro"),
            Some(Subcommand::RitualAdd),
            "`retro` is not a source",
        );
        let e = fails(
            &at("jira:board=12:sprint_closed github:milestone_closed JIRA:board=12:SPRINT_CLOSED"),
            Some(Subcommand::RitualAdd),
            "`JIRA:board=12:SPRINT_CLOSED` is listed twice — give each trigger once",
        );
        assert_eq!(e.at, Some(84));
        fails(
            &at("zoom:a=1:topic~X:meeting_ended zoom:meeting_ended:topic~x:a=1"),
            Some(Subcommand::RitualAdd),
            "`zoom:meeting_ended:topic~x:a=1` picks the same events as `zoom:a=1:topic~X:meeting_ended`",
        );
        // Different conditions are different triggers.
        assert!(matches!(
            ok(&at("zoom:topic=x:meeting_ended zoom:topic~x:meeting_ended")),
            Command::RitualAdd { triggers, .. } if triggers.len() == 2
        ));
        fails(
            &at("jira:sprint_closed nam x"),
            Some(Subcommand::RitualAdd),
            "expected another trigger, `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `nam` — did you mean `name`?",
        );
        fails(
            &at("jira:sprint_closed <@U1|alice>"),
            Some(Subcommand::RitualAdd),
            "expected `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `@alice`",
        );
        fails(
            &at("jira:sprint_closed family:x"),
            Some(Subcommand::RitualAdd),
            "expected `every`, `before`, `name` or `nudge`",
        );
    }

    #[test]
    fn ritual_add_clauses_are_checked() {
        const ADD: &str = "ritual add retro <#C1|team-atlas> on jira:sprint_closed";
        let at = |text: &str| format!("{ADD} {text}");
        fails(
            &at("\"Atlas retro\""),
            Some(Subcommand::RitualAdd),
            "expected `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `\"Atlas retro\"` — write `name` before the ritual's name",
        );
        fails(
            &at("name x github:milestone_closed"),
            Some(Subcommand::RitualAdd),
            "list every trigger right after `on`",
        );
        fails(
            &at("name"),
            Some(Subcommand::RitualAdd),
            "the ritual's name (in quotes if it has spaces) after `name`, found nothing",
        );
        fails(
            &at("name nudge 5"),
            Some(Subcommand::RitualAdd),
            "the ritual's name",
        );
        fails(
            &at("name \"\""),
            Some(Subcommand::RitualAdd),
            "the ritual's name is empty",
        );
        fails(
            &at(&format!("name \"{}\"", "x".repeat(NAME_MAX_CHARS + 1))),
            Some(Subcommand::RitualAdd),
            "keep it to 120",
        );
        fails(
            &at("name Atlas retro"),
            Some(Subcommand::RitualAdd),
            "found `retro`",
        );
        fails(
            &at("name a name b"),
            Some(Subcommand::RitualAdd),
            "`name` is given twice",
        );
        fails(
            &at("nudge 5 nudge off"),
            Some(Subcommand::RitualAdd),
            "`nudge` is given twice",
        );
        fails(
            &at("nudge"),
            Some(Subcommand::RitualAdd),
            "expected a number of minutes (like 120) or `off` after `nudge`, found nothing",
        );
        fails(
            &at("nudge never"),
            Some(Subcommand::RitualAdd),
            "found `never`",
        );
        let e = fails(
            &at("nudge 0"),
            Some(Subcommand::RitualAdd),
            "give at least 1 minute",
        );
        assert_eq!(e.found.as_deref(), Some("0"));
        fails(&at("nudge -5"), Some(Subcommand::RitualAdd), "negative");
        fails(
            &at("nudge 1.5"),
            Some(Subcommand::RitualAdd),
            "not a whole number",
        );
        fails(
            &at("nudge 10081"),
            Some(Subcommand::RitualAdd),
            "`10081` is too large — at most 10080 minutes (a week)",
        );
        fails(
            &at("nudge 5 later"),
            Some(Subcommand::RitualAdd),
            "found `later`",
        );
    }

    // ---- invalid forms ----

    #[test]
    fn unknown_subcommands_suggest_close_ones() {
        let e = fails("gapp <@U1|alice> x", None, "did you mean `gap`?");
        assert_eq!(e.found.as_deref(), Some("gapp"));
        assert_eq!(e.at, Some(0));
        fails("covrage", None, "did you mean `coverage`?");
        fails("interv", None, "did you mean `intervene`?");
        fails("sertify", None, "did you mean `certify`?");
        let e = fails("frobnicate", None, "is not a /cadence command");
        assert!(e.message.contains("/cadence help"), "{}", e.message);
        fails("<@U1|alice> gap x", None, "expected a command like `gap`");
        fails("\"gap\"", None, "expected a command like `gap`");
        assert_eq!(ok("digest"), Command::Digest);
        fails(
            "team create x channel #atlas &gt;",
            Some(Subcommand::TeamCreate),
            "`#atlas` is not a channel Slack recognised",
        );
        fails(
            "team",
            None,
            "expected `create`, `add`, `remove` or `managers`",
        );
        fails("team crate x", None, "did you mean `create`?");
        fails(
            "capability remove x",
            Some(Subcommand::CapabilityAdd),
            "expected `add`",
        );
    }

    #[test]
    fn missing_arguments() {
        let e = fails(
            "gap",
            Some(Subcommand::Gap),
            "expected an @mention of the person after `gap`, found nothing",
        );
        assert_eq!((e.at, e.found), (Some(3), None));
        let e = fails(
            "gap <@U1|alice>",
            Some(Subcommand::Gap),
            "expected the capability's name (in quotes if it has spaces) after `@alice`, found nothing",
        );
        assert_eq!(e.at, Some(10));
        fails(
            "intervene <@U1|alice> x",
            Some(Subcommand::Intervene),
            "expected `via`",
        );
        fails(
            "intervene <@U1|alice> x via",
            Some(Subcommand::Intervene),
            "how it will happen",
        );
        fails(
            "intervene <@U1|alice> x via y by",
            Some(Subcommand::Intervene),
            "expected a date like 2026-12-15 after `by`, found nothing",
        );
        fails(
            "level <@U1|alice> x",
            Some(Subcommand::Level),
            "expected a level",
        );
        fails(
            "approve <@U1|alice> \"lead\"",
            Some(Subcommand::Approve),
            "expected the word `track`",
        );
        fails(
            "approve <@U1|alice> track",
            Some(Subcommand::Approve),
            "the track's name",
        );
        fails("request", Some(Subcommand::Request), "`track`");
        fails(
            "mastery \"run EBR\"",
            Some(Subcommand::Mastery),
            "mastery criteria",
        );
        fails(
            "target \"run EBR\"",
            Some(Subcommand::Target),
            "whole number of people",
        );
        fails("away <@U2|bob>", Some(Subcommand::Away), "a range like");
        fails(
            "commission",
            Some(Subcommand::Commission),
            "the module's title",
        );
        fails(
            "commission x budget",
            Some(Subcommand::Commission),
            "a budget in whole currency units",
        );
        fails(
            "commission x for",
            Some(Subcommand::Commission),
            "capability's name",
        );
        fails(
            "hours <@U1|alice>",
            Some(Subcommand::Hours),
            "a number of hours",
        );
        fails(
            "hours <@U1|alice> 2 sprint",
            Some(Subcommand::Hours),
            "sprint's name",
        );
        fails(
            "team create",
            Some(Subcommand::TeamCreate),
            "the team's name",
        );
        fails(
            "team create x managers",
            Some(Subcommand::TeamCreate),
            "@mention",
        );
        fails(
            "team create x tz",
            Some(Subcommand::TeamCreate),
            "a time zone like Europe/London",
        );
        fails(
            "team create x channel",
            Some(Subcommand::TeamCreate),
            "a #channel",
        );
        fails("team add", Some(Subcommand::TeamMembers), "@mention");
        fails(
            "capability add",
            Some(Subcommand::CapabilityAdd),
            "capability's name",
        );
        fails(
            "sequence",
            Some(Subcommand::Sequence),
            "role family with a colon",
        );
        fails(
            "sequence backend:",
            Some(Subcommand::Sequence),
            "capability's name",
        );
    }

    #[test]
    fn wrong_types() {
        fails(
            "gap \"run EBR\" <@U1|alice>",
            Some(Subcommand::Gap),
            "expected an @mention",
        );
        fails(
            "gap <@U1|alice> <@U2|bob>",
            Some(Subcommand::Gap),
            "capability's name",
        );
        fails(
            "gap <@U1|alice> <#C1|chan>",
            Some(Subcommand::Gap),
            "capability's name",
        );
        fails(
            "target \"run EBR\" four",
            Some(Subcommand::Target),
            "found `four`",
        );
        fails(
            "target \"run EBR\" -1",
            Some(Subcommand::Target),
            "negative",
        );
        fails(
            "target \"run EBR\" 2.5",
            Some(Subcommand::Target),
            "not a whole number",
        );
        fails(
            "target \"run EBR\" 10001",
            Some(Subcommand::Target),
            "too large",
        );
        fails(
            "target \"run EBR\" 99999999999999999999999999999",
            Some(Subcommand::Target),
            "too large",
        );
        fails(
            "hours <@U1|alice> six",
            Some(Subcommand::Hours),
            "found `six`",
        );
        fails("hours <@U1|alice> -2", Some(Subcommand::Hours), "negative");
        fails(
            "hours <@U1|alice> 1.255",
            Some(Subcommand::Hours),
            "too many decimals",
        );
        fails(
            "hours <@U1|alice> 1,5",
            Some(Subcommand::Hours),
            "with a dot",
        );
        fails(
            "hours <@U1|alice> 1000.01",
            Some(Subcommand::Hours),
            "at most 1000 hours",
        );
        fails(
            "hours <@U1|alice> 99999999999",
            Some(Subcommand::Hours),
            "too large",
        );
        fails(
            "hours <@U1|alice> 6.",
            Some(Subcommand::Hours),
            "a number of hours",
        );
        fails(
            "commission x budget 2,00",
            Some(Subcommand::Commission),
            "found `2,00`",
        );
        fails(
            "commission x budget $2000",
            Some(Subcommand::Commission),
            "whole currency units",
        );
        fails(
            "commission x budget 20.50",
            Some(Subcommand::Commission),
            "not a whole number",
        );
        fails(
            "commission x budget 1,000,000,000,001",
            Some(Subcommand::Commission),
            "too large",
        );
        fails(
            "commission x budget 1 budget 2",
            Some(Subcommand::Commission),
            "`budget` is given twice",
        );
        fails(
            "level <@U1|alice> x expert",
            Some(Subcommand::Level),
            "expected a level (none, learning, practising or mastery) after `x`, found `expert`",
        );
        fails(
            "level <@U1|alice> mastery",
            Some(Subcommand::Level),
            "capability's name",
        );
        fails(
            "coach <@U2|bob> x lost the thread",
            Some(Subcommand::Coach),
            "put the whole text in quotes",
        );
        fails(
            "team create x channel team-atlas",
            Some(Subcommand::TeamCreate),
            "a #channel",
        );
        fails(
            "team create x tz Europe/Londn",
            Some(Subcommand::TeamCreate),
            "did you mean `Europe/London`?",
        );
        fails(
            "team create x tz Mars/Olympus",
            Some(Subcommand::TeamCreate),
            "not a time zone I know",
        );
        fails(
            "team add <@U1|alice> x",
            Some(Subcommand::TeamMembers),
            "didn't expect `x`",
        );
    }

    #[test]
    fn bad_dates() {
        let e = fails(
            "intervene <@U1|alice> x via y by tomorrow",
            Some(Subcommand::Intervene),
            "expected a date like 2026-12-15 after `by`, found `tomorrow`",
        );
        assert_eq!(e.found.as_deref(), Some("tomorrow"));
        assert_eq!(e.at, Some(28));
        fails(
            "intervene <@U1|alice> x via y by 2026-02-30",
            Some(Subcommand::Intervene),
            "`2026-02-30` is not a real date",
        );
        fails(
            "intervene <@U1|alice> x via y by 2026-2-3",
            Some(Subcommand::Intervene),
            "a date like",
        );
        fails(
            "intervene <@U1|alice> x via y by 15/12/2026",
            Some(Subcommand::Intervene),
            "a date like",
        );
        fails(
            "away <@U2|bob> 2026-12-14..2026-12-01",
            Some(Subcommand::Away),
            "ends before it starts",
        );
        fails(
            "away <@U2|bob> 2026-12-01..2026-13-01",
            Some(Subcommand::Away),
            "not a real date",
        );
        fails(
            "away <@U2|bob> 2026-12-01..",
            Some(Subcommand::Away),
            "a range like",
        );
        fails(
            "away <@U2|bob> 2026-12-01 2026-12-14",
            Some(Subcommand::Away),
            "`2026-12-01..2026-12-14`",
        );
        fails(
            "hours <@U1|alice> 6 week 2026-12-02",
            Some(Subcommand::Hours),
            "`2026-12-02` is a Wednesday — weeks start on Monday, so write `week 2026-11-30`",
        );
        fails(
            "hours <@U1|alice> 6 week 2026-11-30 sprint x",
            Some(Subcommand::Hours),
            "either a sprint or a week",
        );
    }

    #[test]
    fn extra_trailing_words() {
        let e = fails(
            "gap <@U1|alice> \"run EBR\" today",
            Some(Subcommand::Gap),
            "didn't expect `today` after `\"run EBR\"`",
        );
        assert_eq!(e.at, Some(21));
        fails(
            "gap <@U1|alice> run EBR",
            Some(Subcommand::Gap),
            "names with spaces go in double quotes",
        );
        fails("me now", Some(Subcommand::Me), "didn't expect `now`");
        fails(
            "coverage a b",
            Some(Subcommand::Coverage),
            "didn't expect `b`",
        );
        fails(
            "approve <@U1|alice> track lead \"why\"",
            Some(Subcommand::Approve),
            "didn't expect",
        );
        fails(
            "mastery x \"y\" \"z\"",
            Some(Subcommand::Mastery),
            "didn't expect",
        );
        fails(
            "gap <@U1|alice> x family:y",
            Some(Subcommand::Gap),
            "only goes with `capability add`",
        );
        fails(
            "gap <@U1|alice> x &gt; y",
            Some(Subcommand::Gap),
            "only separates",
        );
    }

    #[test]
    fn unterminated_quotes_name_the_subcommand() {
        let e = fails(
            "coach <@U2|bob> \"pricing",
            Some(Subcommand::Coach),
            "never closed",
        );
        assert_eq!(e.at, Some(11));
        fails(
            "team create \"Atlas",
            Some(Subcommand::TeamCreate),
            "never closed",
        );
        fails("\"", None, "never closed");
        fails(
            "gap <@U1|alice> \"ends in backslash\\\"",
            Some(Subcommand::Gap),
            "never closed",
        );
    }

    #[test]
    fn bare_at_names_are_not_mentions() {
        let e = fails(
            "gap @nobody \"run EBR\"",
            Some(Subcommand::Gap),
            "`@nobody` is not a mention Slack recognised — pick the person from the @ autocomplete",
        );
        assert_eq!((e.found.as_deref(), e.at), (Some("@nobody"), Some(4)));
        fails(
            "team add <@U1|alice> @bob",
            Some(Subcommand::TeamMembers),
            "`@bob` is not a mention",
        );
        fails(
            "team create x members @bob",
            Some(Subcommand::TeamCreate),
            "`@bob` is not a mention",
        );
        fails(
            "team create x channel #atlas",
            Some(Subcommand::TeamCreate),
            "`#atlas` is not a channel Slack recognised",
        );
        fails("gap <!here> x", Some(Subcommand::Gap), "special mentions");
        fails(
            "team add <!channel>",
            Some(Subcommand::TeamMembers),
            "special mentions",
        );
        fails(
            "team add <!subteam^S1|@devs>",
            Some(Subcommand::TeamMembers),
            "special mentions",
        );
    }

    #[test]
    fn names_are_checked() {
        fails(
            "gap <@U1|alice> \"\"",
            Some(Subcommand::Gap),
            "the capability's name is empty",
        );
        fails("gap <@U1|alice> \"   \"", Some(Subcommand::Gap), "is empty");
        fails(
            "gap <@U1|alice> \"a\nb\"",
            Some(Subcommand::Gap),
            "line breaks",
        );
        let long = "x".repeat(NAME_MAX_CHARS + 1);
        fails(
            &format!("gap <@U1|alice> \"{long}\""),
            Some(Subcommand::Gap),
            "121 characters long — keep it to 120",
        );
        let fits = "é".repeat(NAME_MAX_CHARS);
        assert_eq!(
            ok(&format!("gap <@U1|alice> \"{fits}\"")),
            Command::Gap {
                person: alice(),
                capability: fits.clone()
            }
        );
        let text = "y".repeat(TEXT_MAX_CHARS + 1);
        fails(
            &format!("coach <@U1|alice> x \"{text}\""),
            Some(Subcommand::Coach),
            "keep it to 2000",
        );
        fails(
            "coach <@U1|alice> x \"\"",
            Some(Subcommand::Coach),
            "the note is empty",
        );
        fails(
            "capability add x family:\"\"",
            Some(Subcommand::CapabilityAdd),
            "role family after `family:` is empty",
        );
        fails(
            "capability add x family:a family:b",
            Some(Subcommand::CapabilityAdd),
            "`family:` is given twice",
        );
        fails(
            "capability add x \"d\" \"e\"",
            Some(Subcommand::CapabilityAdd),
            "didn't expect",
        );
        fails(
            "intervene <@U1|alice> via via x",
            Some(Subcommand::Intervene),
            "capability's name",
        );
        fails(
            "intervene <@U1|alice> x via y via z",
            Some(Subcommand::Intervene),
            "`via` is given twice",
        );
    }

    #[test]
    fn sequences_are_checked() {
        fails(
            "sequence backend: a &gt; b &gt; A",
            Some(Subcommand::Sequence),
            "`A` appears twice",
        );
        fails(
            "sequence backend: \"run  EBR\" > \"Run EBR\"",
            Some(Subcommand::Sequence),
            "appears twice",
        );
        fails(
            "sequence backend: a &gt;",
            Some(Subcommand::Sequence),
            "capability's name (in quotes if it has spaces) after `>`, found nothing",
        );
        fails(
            "sequence backend: a &gt; &gt; b",
            Some(Subcommand::Sequence),
            "after `>`, found `>`",
        );
        fails(
            "sequence backend: &gt; a",
            Some(Subcommand::Sequence),
            "capability's name",
        );
        fails(
            "sequence backend a &gt; b",
            Some(Subcommand::Sequence),
            "role family with a colon",
        );
        fails(
            "sequence backend: architecture trade-offs",
            Some(Subcommand::Sequence),
            "expected `>` between capabilities",
        );
        fails(
            "sequence \"\": a",
            Some(Subcommand::Sequence),
            "the role family is empty",
        );
    }

    #[test]
    fn team_create_clauses_once_each() {
        fails(
            "team create x tz UTC tz UTC",
            Some(Subcommand::TeamCreate),
            "`tz` is given twice",
        );
        fails(
            "team create x members <@U1|a> members <@U2|b>",
            Some(Subcommand::TeamCreate),
            "`members` is given twice",
        );
        fails(
            "team create x members <@U1|a> <@U1|a>",
            Some(Subcommand::TeamCreate),
            "listed twice",
        );
        fails(
            "team create Team Atlas",
            Some(Subcommand::TeamCreate),
            "a team name with spaces goes in double quotes",
        );
        fails(
            "team create managers <@U1|a>",
            Some(Subcommand::TeamCreate),
            "the team's name",
        );
    }

    #[test]
    fn error_offsets_count_characters_of_the_display_text() {
        // "gap @Zoë “x” &" — the entity and the mention are shown decoded.
        let e = err("gap <@U1|Zoë> “x” &amp;");
        assert_eq!(
            super::super::display_text("gap <@U1|Zoë> “x” &amp;"),
            "gap @Zoë “x” &"
        );
        assert_eq!((e.at, e.found.as_deref()), (Some(13), Some("&")));
    }

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
