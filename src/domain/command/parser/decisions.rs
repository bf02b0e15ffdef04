//! The decision subcommands: `help`, `gap`, `coach`, `intervene`, `level`, `certify`, `approve`,
//! `decline`, `request`, `sequence`, `hours`, `mastery`, `target`, `away`, `commission` and
//! `coverage`. Each reads its arguments in order, then its clauses, then expects the end.

use std::collections::HashSet;
use std::str::FromStr;

use chrono::{Datelike, Weekday};

use super::values::{parse_budget, parse_count, parse_date, parse_hours, weekday_name};
use super::{
    CAPABILITY, CRITERIA, EVIDENCE, FAMILY, HOURS_MAX, MEANS, NAME_MAX_CHARS, NOTE, Parser, REASON,
    SPRINT, TARGET_MAX, TITLE, TOPIC, TRACK, describe,
};
use crate::domain::command::lexer::{OptionKey, TokenKind};
use crate::domain::command::{Command, Hours, ParseError, Period};
use crate::domain::{Level, name_key};

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

impl Parser {
    pub(in crate::domain::command) fn help(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn gap(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        let capability = self.name(&CAPABILITY, &[])?;
        self.end()?;
        Ok(Command::Gap { person, capability })
    }

    pub(in crate::domain::command) fn coach(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn intervene(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn level(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn certify(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn approve(&mut self) -> Result<Command, ParseError> {
        let person = self.person()?;
        self.track_keyword()?;
        let track = self.name(&TRACK, &[])?;
        self.end()?;
        Ok(Command::Approve { person, track })
    }

    pub(in crate::domain::command) fn decline(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn request(&mut self) -> Result<Command, ParseError> {
        self.track_keyword()?;
        let track = self.name(&TRACK, &[])?;
        let note = self.optional_text(&NOTE, &[])?;
        self.end()?;
        Ok(Command::Request { track, note })
    }

    pub(in crate::domain::command) fn sequence(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn hours(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn mastery(&mut self) -> Result<Command, ParseError> {
        let capability = self.name(&CAPABILITY, &[])?;
        let criteria = self.text(&CRITERIA)?;
        self.end()?;
        Ok(Command::Mastery {
            capability,
            criteria,
        })
    }

    pub(in crate::domain::command) fn target(&mut self) -> Result<Command, ParseError> {
        let capability = self.name(&CAPABILITY, &[])?;
        let count = self.number(
            "a whole number of people (like 4)",
            &format!("at most {TARGET_MAX}"),
            |w| parse_count(w, TARGET_MAX),
        )?;
        self.end()?;
        Ok(Command::Target { capability, count })
    }

    pub(in crate::domain::command) fn away(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn commission(&mut self) -> Result<Command, ParseError> {
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

    pub(in crate::domain::command) fn coverage(&mut self) -> Result<Command, ParseError> {
        let capability = match self.peek() {
            None => None,
            Some(_) => Some(self.name(&CAPABILITY, &[])?),
        };
        self.end()?;
        Ok(Command::Coverage { capability })
    }
}
