//! Reading values: dates, whole numbers, hours, budgets, ids and time zones, each with the
//! precise complaint a person needs; and wording suggestions (`close_matches`, `or_list`).

use std::str::FromStr;

use chrono::{NaiveDate, Weekday};

use super::{BUDGET_MAX, DATE, HOURS_MAX, Parser, RITUAL_ID_MAX};
use crate::domain::command::lexer::{TokenKind, shorten};
use crate::domain::command::{DateRange, ParseError};
use crate::domain::similar::edit_distance;

/// Why a word is not a date.
pub(super) enum DateProblem {
    /// Not `YYYY-MM-DD` at all.
    Shape,
    /// Shaped like a date but no such day (`2026-02-30`).
    NotReal,
}

/// Reads `YYYY-MM-DD`, exactly: four-digit year, two-digit month and day.
pub(super) fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
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
pub(super) enum NumberProblem {
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
pub(super) fn parse_count(s: &str, max: u32) -> Result<u32, NumberProblem> {
    let n = parse_count_u64(s)?;
    match u32::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(NumberProblem::TooLarge),
    }
}

/// Reads a whole number that fits in a `u64`, with [`parse_count`]'s complaints.
pub(super) fn parse_count_u64(s: &str) -> Result<u64, NumberProblem> {
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
pub(super) fn parse_hours(s: &str) -> Result<u32, NumberProblem> {
    parse_hours_up_to(s, HOURS_MAX)
}

/// Reads hours like [`parse_hours`], at most `max` (whole hours).
pub(super) fn parse_hours_up_to(s: &str, max: u32) -> Result<u32, NumberProblem> {
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
    if whole.len() > max.to_string().len() {
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
    if centi > max.saturating_mul(100) {
        return Err(NumberProblem::TooLarge);
    }
    Ok(centi)
}

/// Reads a budget: a whole number, optionally grouped in thousands with commas (`2,000`).
pub(super) fn parse_budget(s: &str) -> Result<u64, NumberProblem> {
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
pub(super) fn parse_id(s: &str) -> Result<u64, NumberProblem> {
    let s = s.strip_prefix('#').unwrap_or(s);
    let n = parse_count_u64(s)?;
    if n > RITUAL_ID_MAX {
        return Err(NumberProblem::TooLarge);
    }
    Ok(n)
}

/// The time zone an IANA name names, ignoring case (`europe/london` is Europe/London).
pub(super) fn parse_tz(s: &str) -> Option<chrono_tz::Tz> {
    chrono_tz::Tz::from_str(s).ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(s))
    })
}

/// The candidates a mistyped word was most likely meant to be, closest first, at most three.
pub(super) fn close_matches<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
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
pub(super) fn or_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

impl Parser {
    /// Reads a `YYYY-MM-DD` date.
    pub(super) fn date(&mut self) -> Result<NaiveDate, ParseError> {
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
    pub(super) fn date_range(&mut self) -> Result<DateRange, ParseError> {
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
    pub(super) fn number<T>(
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
}

/// The English name of a weekday, for messages.
pub(super) fn weekday_name(day: Weekday) -> &'static str {
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
