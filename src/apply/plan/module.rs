//! `[[modules]]` checked: each module as every path to the library checks it
//! ([`crate::catalogue::describe`]), its capability listed under `[[capabilities]]` (as a
//! target's must be), and each title listed once.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::Problems;
use super::team::known_list;
use crate::apply::file::{HoursValue, ModuleEntry};
use crate::catalogue::{Described, Unit, describe, level_word, parse_duration};
use crate::domain::command::Hours;
use crate::domain::library::MODULE_LEVELS;
use crate::domain::name_key;

/// Checks every `[[modules]]` entry; the modules whose entries are sound.
pub(super) fn modules(
    entries: &[Spanned<ModuleEntry>],
    declared: &[&str],
    source: &str,
    problems: &mut Problems<'_>,
) -> Vec<Described> {
    let mut modules = Vec::new();
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    for entry in entries {
        let span = entry.span();
        let module = entry.get_ref();
        let what = format!("module {:?}", module.title);
        let mut sound = true;
        let mut fail = |problems: &mut Problems<'_>, message: String| {
            problems.add(span.clone(), &what, message);
            sound = false;
        };
        let capability = declared
            .iter()
            .copied()
            .find(|d| name_key(d) == name_key(&module.capability));
        if capability.is_none() {
            fail(
                problems,
                format!(
                    "capability `{}` is not listed under [[capabilities]]; add it there{}",
                    module.capability,
                    known_list(declared)
                ),
            );
        }
        let hours = match &module.hours {
            None => None,
            Some(value) => hours(value).unwrap_or_else(|message| {
                fail(problems, message);
                None
            }),
        };
        let level = match &module.level {
            None => None,
            Some(word) => level_word(word).or_else(|| {
                fail(problems, format!("`level = {word:?}`: use {MODULE_LEVELS}"));
                None
            }),
        };
        let line = (!source.is_empty()).then(|| super::locate(source, span.start).0);
        let described = describe(
            &module.title,
            capability.unwrap_or(&module.capability),
            hours,
            module
                .link
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty()),
            level,
            line,
        );
        let described = match described {
            Ok(described) => Some(described),
            Err(messages) => {
                for message in messages {
                    fail(problems, message);
                }
                None
            }
        };
        let Some(described) = described.filter(|_| sound) else {
            continue;
        };
        let key = name_key(&described.title);
        if let Some(first) = seen.get(&key) {
            let earlier = problems.line_of(first);
            problems.add(span, &what, format!("listed twice (also {earlier})"));
            continue;
        }
        seen.insert(key, span);
        modules.push(described);
    }
    modules
}

/// `hours`: a number of hours with at most two decimals, or a duration like "90 min".
fn hours(value: &HoursValue) -> Result<Option<Hours>, String> {
    match value {
        HoursValue::Text(text) => parse_duration(text, Unit::Hours),
        HoursValue::Number(number) => {
            let centi = (number * 100.0).round();
            if *number < 0.0 {
                Err(format!("`hours = {number}` is negative"))
            } else if (number * 100.0 - centi).abs() > 1e-6 {
                Err(format!("`hours = {number}`: give at most two decimals"))
            } else if centi > f64::from(u32::MAX) {
                Err(format!("`hours = {number}` is too large"))
            } else {
                // Whole, not negative and in range, as checked.
                Ok(Some(Hours {
                    centi: centi as u32,
                }))
            }
        }
    }
}
