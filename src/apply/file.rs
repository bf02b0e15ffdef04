//! The configuration file's shape, as serde reads it: [`ApplyFile`] and its entries. Unknown keys
//! are refused here; what the values mean is checked in `plan`, so that every problem is
//! reported at once.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::domain::Platform;

/// A configuration file as written. [`parse`](super::parse) reads and checks one;
/// [`apply`](super::apply()) writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyFile {
    /// Which workspace or tenant the file describes.
    pub workspace: Spanned<Workspace>,
    /// Display names for user ids.
    #[serde(default)]
    pub people: Vec<Spanned<PersonEntry>>,
    /// Capabilities in the library.
    #[serde(default)]
    pub capabilities: Vec<Spanned<CapabilityEntry>>,
    /// Modules in the library, each building a listed capability.
    #[serde(default)]
    pub modules: Vec<Spanned<ModuleEntry>>,
    /// Teams, with their targets, absences and rituals.
    #[serde(default)]
    pub teams: Vec<Spanned<TeamEntry>>,
    /// `[audit]`: the attention audit's classification rules, which `cadence audit --rules
    /// cadence.toml` reads. `apply` writes nothing of it, but a malformed section is refused
    /// here too, so one file holds both and is checked whole.
    #[serde(default)]
    pub audit: Option<crate::audit::AuditSection>,
    /// The text it was read from, to turn byte spans into lines and columns.
    #[serde(skip)]
    pub(super) source: String,
}

/// `[workspace]`: the tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// `slack` or `teams`.
    pub platform: Platform,
    /// The Slack team or enterprise id, or the Teams tenant id.
    pub id: String,
}

/// `[[people]]`: a display name for a user id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    /// The platform's user id.
    pub id: String,
    /// The name to show; the stored one (or the id, for someone new) when left out.
    pub name: Option<String>,
}

/// `[[capabilities]]`: a capability in the library.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityEntry {
    /// Its name.
    pub name: String,
    /// What it means; doubles as the default mastery criteria.
    pub description: Option<String>,
    /// The role family it belongs to.
    pub family: Option<String>,
}

/// `[[modules]]`: a learning module in the library.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleEntry {
    /// Its title, unique in the library.
    pub title: String,
    /// The capability it builds: one listed under `[[capabilities]]`.
    pub capability: String,
    /// How long it takes: a number of hours (`3`, `1.5`) or a duration (`"90 min"`).
    pub hours: Option<HoursValue>,
    /// Where it is: an http(s) address.
    pub link: Option<String>,
    /// The level it aims at: learning, practising or mastery.
    pub level: Option<String>,
}

/// A module's `hours` as written: a number of hours, or a duration in words.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum HoursValue {
    /// `hours = 3` or `hours = 1.5`.
    Number(f64),
    /// `hours = "90 min"`, `"1h30"`, `"2 h"`.
    Text(String),
}

/// `[[teams]]`: a team and everything it owns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamEntry {
    /// Its name.
    pub name: String,
    /// IANA time zone name.
    pub tz: Spanned<String>,
    /// The home channel's id.
    pub channel: Option<String>,
    /// User ids of the managers: exactly these.
    pub managers: Vec<String>,
    /// User ids of the other members.
    #[serde(default)]
    pub members: Vec<String>,
    /// How many people must be at mastery, per capability.
    #[serde(default)]
    pub targets: Vec<Spanned<TargetEntry>>,
    /// Planned absences of the team's people.
    #[serde(default)]
    pub absences: Vec<Spanned<AbsenceEntry>>,
    /// The rituals the team runs.
    #[serde(default)]
    pub rituals: Vec<Spanned<RitualEntry>>,
    /// The weekly digest's schedule (five-field cron in the team's time zone), or `off`.
    pub digest: Option<Spanned<String>>,
}

/// `[[teams.targets]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    /// A capability listed under `[[capabilities]]`.
    pub capability: String,
    /// How many people the team needs at mastery.
    pub count: u32,
}

/// `[[teams.absences]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsenceEntry {
    /// A user id listed in the team.
    pub person: String,
    /// The first day away.
    pub from: Spanned<DateText>,
    /// The last day away; the first when left out.
    pub to: Option<Spanned<DateText>>,
}

/// `[[teams.rituals]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RitualEntry {
    /// The ritual kind (`retro`, `qbr`, `pipeline`, …).
    pub kind: Spanned<String>,
    /// Its name, unique within the team; `<team> <kind>` when left out.
    pub name: Option<String>,
    /// Where its prompts go; the team's channel when left out.
    pub channel: Option<String>,
    /// Trigger selectors, e.g. `jira:board=12:sprint_closed`; may be empty with a schedule.
    #[serde(default)]
    pub on: Vec<Spanned<String>>,
    /// A five-field cron schedule in the team's time zone that starts it too.
    pub schedule: Option<Spanned<String>>,
    /// With a schedule: minutes before the scheduled time to post the prompt.
    pub prompt_before_minutes: Option<u32>,
    /// `start` or `end` (the default): which moment of an occurrence gets the prompt.
    pub prompt_on: Option<Spanned<String>>,
    /// Minutes after the prompt before one nudge; the kind's default when left out, 0 for none.
    pub nudge_after_minutes: Option<u32>,
}

/// A day as written: a TOML date (`2026-12-01`) or a string (`"2026-12-01"`), checked later so
/// that a bad date is reported together with every other problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2026-12-01")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<DateText, E> {
                Ok(DateText(text.to_owned()))
            }

            // toml hands its own date values over as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateText, A::Error> {
                let date =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateText(date.to_string()))
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}
