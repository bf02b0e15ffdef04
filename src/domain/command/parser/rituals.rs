//! The ritual subcommands: `ritual add` (its kind, channel, triggers, schedule, name and nudge),
//! `ritual pause` and `ritual resume`. Triggers are read by [`Selector`]; two that pick the same
//! events are refused.

use std::collections::HashMap;
use std::str::FromStr;

use super::values::{close_matches, or_list, parse_count, parse_id};
use super::{NUDGE_MAX_MINUTES, Parser, RITUAL_NAME, TRIGGER};
use crate::domain::command::lexer::{TokenKind, shorten};
use crate::domain::command::{Command, Nudge, ParseError};
use crate::domain::event::{Condition, Selector, Source, Test};
use crate::domain::ritual::RitualKind;

impl Parser {
    /// `ritual pause ID`, the words that name it taken.
    pub(in crate::domain::command) fn ritual_pause(&mut self) -> Result<Command, ParseError> {
        let id = self.ritual_id()?;
        self.end()?;
        Ok(Command::RitualPause { id })
    }

    /// `ritual resume ID`, the words that name it taken.
    pub(in crate::domain::command) fn ritual_resume(&mut self) -> Result<Command, ParseError> {
        let id = self.ritual_id()?;
        self.end()?;
        Ok(Command::RitualResume { id })
    }

    /// `ritual add KIND #channel on SELECTOR… [every "CRON" [before N]] [name "name"]
    /// [nudge N|off]` (or `every` instead of `on`), the clauses after the triggers in any order,
    /// each at most once. `before N` counts back from a schedule's time or from the moment an
    /// `ics:` trigger picks (a meeting's start or end).
    pub(in crate::domain::command) fn ritual_add(&mut self) -> Result<Command, ParseError> {
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
        let from_feed = triggers.iter().any(|t: &Selector| t.source == Source::Ics);
        if before.is_some() && schedule.is_none() && !from_feed {
            return Err(self.error_here(
                "`before` counts back from a schedule or a calendar feed's meeting — add `every \"…\"` or an `ics:` trigger too"
                    .to_owned(),
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

    /// Reads `off` or a number of minutes, 1 to [`NUDGE_MAX_MINUTES`].
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
