//! Modules brought into the library in bulk: a CSV catalogue as an LMS exports it (`cadence
//! import modules FILE.csv`, read in [`read`]) and the `[[modules]]` of `cadence.toml` (`cadence
//! apply`). Both describe a module the same way ([`Described`], checked by [`describe`] with the
//! rules a typed `module add` follows) and are written the same way ([`write`]).
//!
//! # What a write guarantees
//!
//! Every problem is reported at once — each row's or entry's line and what is wrong, and every
//! capability the library does not have — and then nothing is written. Otherwise each module new
//! to the library is a `module_add` decision (approved: L&D brought it in), each whose capability,
//! hours, link or level differ a `module_update`, and all of them are recorded in one transaction:
//! the library never holds half a catalogue. A value a file leaves out (an empty cell, a key not
//! given) keeps the stored one. A module already as described is left alone, so the same file
//! imported again records nothing; its state (proposed, retired) is chat's business.

pub mod read;
mod write;

use std::fmt;

use crate::domain::Level;
use crate::domain::command::Hours;
use crate::domain::library::{hours_problem, link_problem};
use crate::domain::limits::name_problem;
use crate::domain::names;

pub use read::{Catalogue, read_catalogue};
pub use write::{Actor, WriteError, Written, check_titles, import, write};

/// The user id the decisions of `cadence import` are recorded as.
pub const IMPORT_ACTOR: &str = "cadence-import";
/// That person's display name.
pub const IMPORT_ACTOR_NAME: &str = "cadence import";

/// A module a file describes, checked: its title as it will be stored, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The title, normalised as chat normalises names.
    pub title: String,
    /// The capability it builds, by name, as written.
    pub capability: String,
    /// How long it takes.
    pub hours: Option<Hours>,
    /// Where it is.
    pub link: Option<String>,
    /// The level it aims at.
    pub level: Option<Level>,
    /// Where the file describes it (line from 1), for problems found later.
    pub line: Option<usize>,
}

/// One thing wrong with a file or what it asks for, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line, from 1, when known.
    pub line: Option<usize>,
    /// The module it concerns (`module "EBR storyline"`), or the column; empty for the file.
    pub what: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.what.is_empty() {
            write!(f, "{}: ", self.what)?;
        }
        f.write_str(&self.message)
    }
}

impl Problem {
    /// The problem prefixed `FILE:LINE:` as compilers write it, so editors can jump to it.
    pub fn located(&self, file: &str) -> String {
        let mut out = file.to_owned();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        out.push_str(": ");
        if !self.what.is_empty() {
            out.push_str(&self.what);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        out
    }
}

/// Checks one module as every path checks it: the title a name (normalised, no invisible or
/// reordering characters), the capability a name, hours more than none and at most the limit,
/// the link an http(s) address. Every problem, or the module.
pub fn describe(
    title: &str,
    capability: &str,
    hours: Option<Hours>,
    link: Option<&str>,
    level: Option<Level>,
    line: Option<usize>,
) -> Result<Described, Vec<String>> {
    let mut problems = Vec::new();
    let title = match names::normalise(title) {
        Ok(title) => match name_problem(&title, "the title") {
            Some(problem) => {
                problems.push(problem);
                None
            }
            None => Some(title),
        },
        Err(names::NameError::Empty) => {
            problems.push("the title is empty".to_owned());
            None
        }
        Err(problem) => {
            problems.push(format!("the title can't be used: {problem}"));
            None
        }
    };
    let capability = capability.trim();
    if capability.is_empty() {
        problems.push("the capability is empty".to_owned());
    } else if let Some(problem) = name_problem(capability, "the capability's name") {
        problems.push(problem);
    }
    if let Some(problem) = hours.and_then(|h| hours_problem(h.centi)) {
        problems.push(problem);
    }
    if let Some(problem) = link.and_then(link_problem) {
        problems.push(problem);
    }
    if level == Some(Level::None) {
        problems.push("a module aims at learning, practising or mastery, not none".to_owned());
    }
    match title {
        Some(title) if problems.is_empty() => Ok(Described {
            title,
            capability: capability.to_owned(),
            hours,
            link: link.map(str::to_owned),
            level,
            line,
        }),
        _ => Err(problems),
    }
}

/// The level a catalogue or file names: the levels' own words, and the beginner, intermediate
/// and advanced that LMS catalogues use for the same three steps.
pub fn level_word(word: &str) -> Option<Level> {
    match word.trim().to_lowercase().as_str() {
        "learning" | "beginner" | "introductory" | "foundation" | "basic" => Some(Level::Learning),
        "practising" | "practicing" | "intermediate" => Some(Level::Practising),
        "mastery" | "master" | "advanced" | "expert" => Some(Level::Mastery),
        _ => None,
    }
}

/// The unit a bare number of a duration is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Hours, the default.
    Hours,
    /// Minutes, for a column headed like `Duration (min)`.
    Minutes,
}

/// Reads a duration as catalogues write it: `90 min`, `1.5 h`, `2h`, `1h 30m`, `1h30`, `1:30`,
/// `01:30:00`, ISO 8601's `PT1H30M`, or a bare number in `plain` units (`1,5` with a decimal
/// comma too). Empty is none. Rounded to the hundredth of an hour.
pub fn parse_duration(text: &str, plain: Unit) -> Result<Option<Hours>, String> {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return Ok(None);
    }
    let unreadable = || {
        format!(
            "`{text}` is not a duration — write it like 90 min, 1.5 h, 2h, 1:30 or a number of {}",
            match plain {
                Unit::Hours => "hours",
                Unit::Minutes => "minutes",
            }
        )
    };
    let minutes = if let Some(iso) = text.strip_prefix('p') {
        iso_minutes(iso)
    } else if text.contains(':') {
        clock_minutes(&text)
    } else {
        unit_minutes(&text, plain)
    }
    .ok_or_else(unreadable)?;
    let centi = (minutes * 100.0 / 60.0).round();
    if !(0.0..=f64::from(u32::MAX)).contains(&centi) {
        return Err(unreadable());
    }
    // In range, as checked: the cast cannot truncate.
    Ok(Some(Hours {
        centi: centi as u32,
    }))
}

/// `1:30` or `01:30:00`: hours, minutes and perhaps seconds.
fn clock_minutes(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str| -> Option<f64> {
        (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [h, m] => Some(number(h)? * 60.0 + number(m)?),
        [h, m, s] => Some(number(h)? * 60.0 + number(m)? + number(s)? / 60.0),
        _ => None,
    }
}

/// ISO 8601's `PT1H30M` (the `P` taken off), with days as 24 hours.
fn iso_minutes(text: &str) -> Option<f64> {
    let (days, time) = match text.split_once('t') {
        Some((days, time)) => (days, time),
        None => (text, ""),
    };
    let mut minutes = 0.0;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let (_, factor) = units.iter().find(|(unit, _)| *unit == c)?;
                minutes += number.parse::<f64>().ok()? * factor;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    read(days, &[('d', 1440.0)])?;
    read(time, &[('h', 60.0), ('m', 1.0), ('s', 1.0 / 60.0)])?;
    (!(days.is_empty() && time.is_empty())).then_some(minutes)
}

/// Numbers with units, `1h 30m`, `90 min`, `1.5 hours`, `1h30`; a lone bare number is in
/// `plain` units, a bare number after hours is minutes.
fn unit_minutes(text: &str, plain: Unit) -> Option<f64> {
    let mut minutes = 0.0;
    let mut rest = text.trim();
    let mut pairs = 0;
    let mut after_hours = false;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(rest.len());
        let number = rest.get(..number_len)?;
        let value = decimal(number)?;
        rest = rest.get(number_len..)?.trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = rest.get(..unit_len)?;
        rest = rest.get(unit_len..)?.trim_start();
        pairs += 1;
        let factor = match unit {
            "h" | "hr" | "hrs" | "hour" | "hours" | "std" => {
                after_hours = true;
                60.0
            }
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "" if after_hours => 1.0,
            "" if pairs == 1 && rest.is_empty() => match plain {
                Unit::Hours => 60.0,
                Unit::Minutes => 1.0,
            },
            _ => return None,
        };
        minutes += value * factor;
    }
    Some(minutes)
}

/// A number with a decimal point or a decimal comma (`1.5`, `1,5`), not negative.
fn decimal(text: &str) -> Option<f64> {
    if text.is_empty() || text.matches([',', '.']).count() > 1 {
        return None;
    }
    text.replace(',', ".").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(text: &str) -> Option<u32> {
        parse_duration(text, Unit::Hours)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .map(|h| h.centi)
    }

    #[test]
    fn durations_read_as_catalogues_write_them() {
        for (text, centi) in [
            ("90 min", 150),
            ("1.5 h", 150),
            ("2h", 200),
            ("2", 200),
            ("1,5", 150),
            ("1h 30m", 150),
            ("1h30", 150),
            ("1 hour 15 minutes", 125),
            ("45 mins", 75),
            ("20 min", 33),
            ("1:30", 150),
            ("01:30:00", 150),
            ("PT1H30M", 150),
            ("pt45m", 75),
            ("P1D", 2400),
        ] {
            assert_eq!(hours(text), Some(centi), "{text}");
        }
        assert_eq!(hours("  "), None);
        assert_eq!(
            parse_duration("90", Unit::Minutes).ok().flatten(),
            Some(Hours { centi: 150 })
        );
        for bad in [
            "about an hour",
            "-2",
            "2 days",
            "1.2.3",
            "1:2:3:4",
            "P",
            "h",
        ] {
            assert!(parse_duration(bad, Unit::Hours).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_module_is_checked_as_chat_checks_it() {
        let ok = describe(
            "  EBR   storyline ",
            "run EBR",
            Some(Hours { centi: 300 }),
            Some("https://lms.example.com/c/1"),
            Some(Level::Practising),
            Some(2),
        )
        .expect("valid");
        assert_eq!(ok.title, "EBR storyline");
        let problems = describe(
            "EBR\u{202E}storyline",
            " ",
            Some(Hours { centi: 0 }),
            Some("ftp://x"),
            Some(Level::None),
            None,
        )
        .expect_err("five problems");
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert_eq!(level_word("Intermediate"), Some(Level::Practising));
        assert_eq!(level_word("none"), None);
    }
}
