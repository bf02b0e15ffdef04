//! Events from the tools a team already uses (Jira sprints, GitHub milestones, Linear cycles,
//! Zoom and Teams meetings, our generic signed hook), normalised so that one matcher can decide
//! which rituals they start. Adapters verify and translate the platform payloads into
//! [`SourceEvent`]; nothing here knows a payload's shape.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::UnknownWord;

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Jira Cloud sprint webhooks.
    Jira,
    /// GitHub milestone webhooks.
    Github,
    /// Linear cycle webhooks.
    Linear,
    /// Zoom meeting webhooks.
    Zoom,
    /// Microsoft Teams meeting start/end activities.
    Teams,
    /// Cadence's own signed JSON hook, for anything else.
    Generic,
    /// A polled iCalendar feed: its instances start and end meetings (`ics:feed=NAME:ended`).
    Ics,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 7] = [
        Source::Jira,
        Source::Github,
        Source::Linear,
        Source::Zoom,
        Source::Teams,
        Source::Generic,
        Source::Ics,
    ];

    /// The stable name used in selectors, routes and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Jira => "jira",
            Source::Github => "github",
            Source::Linear => "linear",
            Source::Zoom => "zoom",
            Source::Teams => "teams",
            Source::Generic => "generic",
            Source::Ics => "ics",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Source {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Source::ALL
            .into_iter()
            .find(|source| source.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownWord(s.to_owned()))
    }
}

/// One verified event, in Cadence's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceEvent {
    /// Where it came from.
    pub source: Source,
    /// What happened, in snake case: `sprint_closed`, `sprint_started`, `milestone_closed`,
    /// `cycle_completed`, `meeting_started`, `meeting_ended`, or a generic event's own name.
    pub name: String,
    /// A stable key of the thing the event is about, so repeats of the same happening (a
    /// sprint closed twice, a retried delivery) make one occurrence: `sprint:37`.
    pub subject: String,
    /// Human title: the sprint's, milestone's, cycle's or meeting's name.
    pub title: String,
    /// What selectors can test, lower-case keys: `board`, `repo`, `team`, `topic`, `account`…
    pub attributes: BTreeMap<String, String>,
    /// When it happened, by the source's clock.
    pub at: DateTime<Utc>,
}

/// Which events start a ritual: a source, an event name and conditions on attributes.
///
/// Written `SOURCE:EVENT` followed by `:KEY=VALUE` (equals, ignoring case) or `:KEY~VALUE`
/// (contains, ignoring case) conditions in any order, e.g. `jira:board=12:sprint_closed` is read
/// as source `jira`, condition `board=12`, event `sprint_closed`: the one part without `=` or `~`
/// is the event name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Selector {
    /// The source.
    pub source: Source,
    /// The event name.
    pub event: String,
    /// Conditions on attributes, all of which must hold.
    pub conditions: Vec<Condition>,
}

/// A test on one attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Condition {
    /// The attribute's key, lower case.
    pub key: String,
    /// Equality or containment.
    pub test: Test,
    /// The value compared with, as written.
    pub value: String,
}

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// The attribute equals the value, ignoring case.
    Equals,
    /// The attribute contains the value, ignoring case.
    Contains,
}

/// Why a selector could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

impl Selector {
    /// Whether `event` is one this selector picks.
    pub fn matches(&self, event: &SourceEvent) -> bool {
        self.source == event.source
            && self.event.eq_ignore_ascii_case(&event.name)
            && self.conditions.iter().all(|c| c.holds(&event.attributes))
    }
}

impl Condition {
    fn holds(&self, attributes: &BTreeMap<String, String>) -> bool {
        let Some(actual) = attributes.get(&self.key) else {
            return false;
        };
        // The processor tests every ritual's conditions against every event: ASCII text (board
        // ids, most titles) is compared in place; only other text is lower-cased into copies,
        // which is what gives Unicode its full case rules.
        if actual.is_ascii() && self.value.is_ascii() {
            let (actual, wanted) = (actual.as_bytes(), self.value.as_bytes());
            return match self.test {
                Test::Equals => actual.eq_ignore_ascii_case(wanted),
                Test::Contains => {
                    wanted.is_empty()
                        || actual
                            .windows(wanted.len())
                            .any(|window| window.eq_ignore_ascii_case(wanted))
                }
            };
        }
        let (actual, wanted) = (actual.to_lowercase(), self.value.to_lowercase());
        match self.test {
            Test::Equals => actual == wanted,
            Test::Contains => actual.contains(&wanted),
        }
    }
}

impl FromStr for Selector {
    type Err = SelectorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.split(':');
        let source_text = parts.next().unwrap_or_default();
        let source: Source = source_text.parse().map_err(|_| {
            let known: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
            SelectorError(format!(
                "`{source_text}` is not a source; use one of {}",
                known.join(", ")
            ))
        })?;
        let mut event = None;
        let mut conditions = Vec::new();
        for part in parts {
            let split = part
                .find(['=', '~'])
                .map(|i| (&part[..i], &part[i..i + 1], &part[i + 1..]));
            match split {
                Some((key, op, value)) if !key.is_empty() && !value.is_empty() => {
                    let test = if op == "=" {
                        Test::Equals
                    } else {
                        Test::Contains
                    };
                    conditions.push(Condition {
                        key: key.to_lowercase(),
                        test,
                        value: value.to_owned(),
                    });
                }
                Some(_) => {
                    return Err(SelectorError(format!(
                        "`{part}` needs a key and a value, like board=12"
                    )));
                }
                None if part.is_empty() => {
                    return Err(SelectorError("empty part in the selector".to_owned()));
                }
                None if event.is_some() => {
                    return Err(SelectorError(format!(
                        "`{part}`: a selector names one event"
                    )));
                }
                None => event = Some(part.to_lowercase()),
            }
        }
        let event = event.ok_or_else(|| {
            SelectorError(format!(
                "`{text}` names no event; add one, e.g. {source}:sprint_closed"
            ))
        })?;
        let selector = Selector {
            source,
            event,
            conditions,
        };
        if source == Source::Ics {
            selector.check_feed()?;
        }
        Ok(selector)
    }
}

/// The events a calendar-feed instance stands for: the meeting's start and its end.
pub const FEED_EVENTS: [&str; 2] = ["started", "ended"];

impl Selector {
    /// The feed a calendar selector names (`feed=NAME`), if it names one.
    pub fn feed(&self) -> Option<&str> {
        self.conditions
            .iter()
            .find(|c| c.key == "feed" && c.test == Test::Equals)
            .map(|c| c.value.as_str())
    }

    /// A calendar selector names its feed with `feed=NAME` and picks `started` or `ended`:
    /// a feed is polled, so there is no other event to wait for.
    fn check_feed(&self) -> Result<(), SelectorError> {
        if !FEED_EVENTS.contains(&self.event.as_str()) {
            return Err(SelectorError(format!(
                "a calendar feed's instances are `started` or `ended`, not `{}`, e.g. ics:feed=team:title~Retro:ended",
                self.event
            )));
        }
        if self.feed().is_none() {
            return Err(SelectorError(
                "name the feed with feed=NAME, e.g. ics:feed=team:title~Retro:ended".to_owned(),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        for c in &self.conditions {
            let op = match c.test {
                Test::Equals => '=',
                Test::Contains => '~',
            };
            write!(f, ":{}{op}{}", c.key, c.value)?;
        }
        write!(f, ":{}", self.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sprint_closed(board: &str) -> SourceEvent {
        SourceEvent {
            source: Source::Jira,
            name: "sprint_closed".into(),
            subject: "sprint:37".into(),
            title: "ATL Sprint 42".into(),
            attributes: BTreeMap::from([("board".to_owned(), board.to_owned())]),
            at: Utc::now(),
        }
    }

    #[test]
    fn reads_and_writes_selectors() {
        let s: Selector = "jira:board=12:sprint_closed".parse().expect("selector");
        assert_eq!(s.source, Source::Jira);
        assert_eq!(s.event, "sprint_closed");
        assert_eq!(s.to_string(), "jira:board=12:sprint_closed");
        let z: Selector = "zoom:meeting_ended:topic~Pipeline"
            .parse()
            .expect("selector");
        assert_eq!(z.to_string(), "zoom:topic~Pipeline:meeting_ended");
        assert_eq!(z.to_string().parse::<Selector>(), Ok(z));
    }

    #[test]
    fn refuses_unclear_selectors() {
        for bad in [
            "",
            "jira",
            "trello:x",
            "jira:a:b",
            "jira:=1:x",
            "jira:board=:x",
            "jira::x",
        ] {
            assert!(bad.parse::<Selector>().is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_calendar_feed_selectors() {
        let s: Selector = "ics:feed=atlas:title~Retro:ended"
            .parse()
            .expect("selector");
        assert_eq!(s.source, Source::Ics);
        assert_eq!(s.feed(), Some("atlas"));
        assert_eq!(s.to_string(), "ics:feed=atlas:title~Retro:ended");
        for bad in [
            "ics:feed=atlas:meeting_ended",
            "ics:title~Retro:ended",
            "ics:feed~atlas:started",
        ] {
            assert!(bad.parse::<Selector>().is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Comparing ASCII text in place gives what lower-cased copies give.
        #[test]
        fn conditions_compare_as_lower_cased_copies_would(
            actual in "[a-zA-Z0-9 _-]{0,12}|[a-zA-ZÄÖÉéäöΣσς ]{0,8}",
            wanted in "[a-zA-Z0-9 _-]{0,4}|[a-zA-ZÄÖÉéäöΣσς ]{0,3}",
        ) {
            let attributes = BTreeMap::from([("topic".to_owned(), actual.clone())]);
            let (actual, lower) = (actual.to_lowercase(), wanted.to_lowercase());
            for (test, expected) in [
                (Test::Equals, actual == lower),
                (Test::Contains, actual.contains(&lower)),
            ] {
                let condition = Condition { key: "topic".into(), test, value: wanted.clone() };
                proptest::prop_assert_eq!(condition.holds(&attributes), expected);
            }
        }
    }

    #[test]
    fn matches_source_event_and_every_condition() {
        let s: Selector = "jira:board=12:sprint_closed".parse().expect("selector");
        assert!(s.matches(&sprint_closed("12")));
        assert!(!s.matches(&sprint_closed("13")));
        let mut started = sprint_closed("12");
        started.name = "sprint_started".into();
        assert!(!s.matches(&started));
        let any_board: Selector = "jira:SPRINT_CLOSED".parse().expect("selector");
        assert!(any_board.matches(&sprint_closed("99")));
        let topic: Selector = "zoom:topic~pipeline:meeting_ended"
            .parse()
            .expect("selector");
        let meeting = SourceEvent {
            source: Source::Zoom,
            name: "meeting_ended".into(),
            subject: "meeting:1".into(),
            title: "Weekly Pipeline Review".into(),
            attributes: BTreeMap::from([("topic".to_owned(), "Weekly Pipeline Review".to_owned())]),
            at: Utc::now(),
        };
        assert!(topic.matches(&meeting));
        assert!(!s.matches(&meeting));
    }
}
