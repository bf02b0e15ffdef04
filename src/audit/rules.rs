//! The classification rules: which meeting kind a series is, and why.
//!
//! Rules are tried in order and the first whose every condition holds names the kind; its
//! reason lists what matched ("title has `retro`; 7 people; fortnightly"), so anyone can check
//! a classification and write a rule to correct it. Rules from a TOML file (`--rules FILE`, and
//! later the `[audit]` section of `cadence.toml`) come first; one with the name of a default
//! rule replaces it, and `replace_default_rules = true` drops the defaults altogether:
//!
//! ```toml
//! [audit]
//! [[audit.rules]]
//! name = "ops sync"
//! kind = "store_review"
//! title = ["ops sync", "site walk"]
//! attendees_min = 3
//! ```

use serde::{Deserialize, Serialize};

use super::kind::MeetingKind;
use super::series::Cadence;

/// One rule: a kind and the conditions that must all hold.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule's name, shown in reasons; a file's rule replaces a default of the same name.
    pub name: String,
    /// The kind it gives.
    pub kind: MeetingKind,
    /// Phrases, any of which the title must contain (whole words, ignoring case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title: Vec<String>,
    /// Phrases, any of which the title or the description must contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<String>,
    /// Phrases none of which the title may contain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_title: Vec<String>,
    /// Fewest people (organizer and attendees, rooms aside).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendees_min: Option<u32>,
    /// Most people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendees_max: Option<u32>,
    /// Longest typical meeting, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_max: Option<u32>,
    /// Cadences, any of which the series must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cadence: Vec<Cadence>,
    /// Whether the series must be (or must not be) recurring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<bool>,
}

/// What a rule looks at in a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts<'a> {
    /// The series' title.
    pub title: &'a str,
    /// Its description.
    pub description: &'a str,
    /// How many people it typically has.
    pub attendees: u32,
    /// Its typical length in minutes.
    pub minutes: u32,
    /// How often it meets.
    pub cadence: Cadence,
    /// Whether it recurs.
    pub recurring: bool,
}

/// A classification with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The kind.
    pub kind: MeetingKind,
    /// The rule that matched, or `none`.
    pub rule: String,
    /// What matched, for a person.
    pub reason: String,
}

/// An ordered list of rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    rules: Vec<(Rule, bool)>,
}

/// The `[audit]` section of a rules file or of `cadence.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// Drop the built-in rules and use only these.
    #[serde(default)]
    pub replace_default_rules: bool,
    /// Rules tried before the built-in ones.
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Deserialize)]
struct RulesFile {
    #[serde(default)]
    audit: AuditSection,
}

/// Why a rules file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RulesError(pub String);

impl RuleSet {
    /// The built-in rules.
    pub fn defaults() -> RuleSet {
        RuleSet {
            rules: super::default_rules::rules()
                .into_iter()
                .map(|r| (r, true))
                .collect(),
        }
    }

    /// The built-in rules with a TOML file's `[audit]` section applied.
    pub fn from_toml(text: &str) -> Result<RuleSet, RulesError> {
        let file: RulesFile = toml::from_str(text).map_err(|e| RulesError(e.to_string()))?;
        RuleSet::with(file.audit)
    }

    /// The built-in rules with an `[audit]` section applied.
    pub fn with(section: AuditSection) -> Result<RuleSet, RulesError> {
        let mut set = if section.replace_default_rules {
            RuleSet { rules: Vec::new() }
        } else {
            RuleSet::defaults()
        };
        let mut added = Vec::new();
        for rule in section.rules {
            if rule.title.is_empty()
                && rule.text.is_empty()
                && rule.attendees_min.is_none()
                && rule.attendees_max.is_none()
                && rule.minutes_max.is_none()
                && rule.cadence.is_empty()
            {
                return Err(RulesError(format!(
                    "rule `{}` has no condition: give title, text, attendees_min, attendees_max, minutes_max or cadence",
                    rule.name
                )));
            }
            match set
                .rules
                .iter_mut()
                .find(|(r, _)| r.name.eq_ignore_ascii_case(&rule.name))
            {
                Some(slot) => *slot = (rule, false),
                None => added.push((rule, false)),
            }
        }
        added.append(&mut set.rules);
        Ok(RuleSet { rules: added })
    }

    /// The rules in the order they are tried.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|(r, _)| r)
    }

    /// The kind of a series, with the first matching rule's reason; `other` when none matches.
    pub fn classify(&self, facts: &Facts<'_>) -> Classification {
        for (rule, builtin) in &self.rules {
            if let Some(why) = rule.matches(facts) {
                let origin = if *builtin {
                    "built-in"
                } else {
                    "from the rules file"
                };
                return Classification {
                    kind: rule.kind,
                    rule: rule.name.clone(),
                    reason: format!("rule `{}` ({origin}): {}", rule.name, why.join("; ")),
                };
            }
        }
        Classification {
            kind: MeetingKind::Other,
            rule: "none".to_owned(),
            reason: "no rule matched".to_owned(),
        }
    }
}

impl Rule {
    /// What matched, when every condition holds.
    fn matches(&self, facts: &Facts<'_>) -> Option<Vec<String>> {
        let mut why = Vec::new();
        if !self.title.is_empty() {
            let phrase = self
                .title
                .iter()
                .find(|p| contains_phrase(facts.title, p))?;
            why.push(format!("title has \"{phrase}\""));
        }
        if !self.text.is_empty() {
            let (phrase, field) = self.text.iter().find_map(|p| {
                if contains_phrase(facts.title, p) {
                    Some((p, "title"))
                } else if contains_phrase(facts.description, p) {
                    Some((p, "description"))
                } else {
                    None
                }
            })?;
            why.push(format!("{field} has \"{phrase}\""));
        }
        if self
            .not_title
            .iter()
            .any(|p| contains_phrase(facts.title, p))
        {
            return None;
        }
        let people = facts.attendees;
        let min_ok = self.attendees_min.is_none_or(|m| people >= m);
        let max_ok = self.attendees_max.is_none_or(|m| people <= m);
        if !(min_ok && max_ok) {
            return None;
        }
        if self.attendees_min.is_some() || self.attendees_max.is_some() {
            why.push(format!("{people} people"));
        }
        if let Some(max) = self.minutes_max {
            if facts.minutes > max {
                return None;
            }
            why.push(format!("{} min", facts.minutes));
        }
        if !self.cadence.is_empty() {
            if !self.cadence.contains(&facts.cadence) {
                return None;
            }
            why.push(facts.cadence.label().to_owned());
        }
        if let Some(recurring) = self.recurring {
            if recurring != facts.recurring {
                return None;
            }
            why.push(if recurring { "recurring" } else { "one-off" }.to_owned());
        }
        Some(why)
    }
}

/// Whether `text` contains `phrase` as whole words, ignoring case: "retro" is in "Sprint Retro
/// #42" but not in "Retrofit sync"; "1:1" is in "Ana / Ben 1:1".
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let phrase = phrase.trim().to_lowercase();
    if phrase.is_empty() {
        return false;
    }
    let text = text.to_lowercase();
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(&phrase).any(|(at, found)| {
        let before = text[..at].chars().next_back();
        let after = text[at + found.len()..].chars().next();
        !word(before) && !word(after)
    })
}

#[cfg(test)]
mod tests;
