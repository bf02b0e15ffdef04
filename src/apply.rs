//! Configuration as code: `cadence apply cadence.toml` (design.md §4) upserts a workspace's
//! teams, people, capabilities, targets, absences, rituals and triggers from one TOML file.
//!
//! Chat commands edit the same records, so everything here goes through the store's domain
//! operations, and targets and absences are recorded as decisions (source `api`, actor the
//! person `cadence-apply`), exactly as `/cadence target` and `/cadence away` record them.
//!
//! # The file
//!
//! ```toml
//! [workspace]
//! platform = "slack"            # or "teams"
//! id = "T0123ABCD"              # Slack team_id (enterprise_id for org-wide installs) or Teams tenant id
//!
//! [[people]]                    # optional: display names; anyone listed in a team is created anyway
//! id = "U01ALICE"
//! name = "Alice"
//!
//! [[capabilities]]
//! name = "run EBR"
//! description = "runs an executive business review end to end"   # optional
//! family = "account exec"                                         # optional
//!
//! [[teams]]
//! name = "Atlas"
//! tz = "Europe/London"          # IANA time zone
//! channel = "C0123ATLAS"        # optional: the home channel's id
//! digest = "0 9 * * MON"        # optional: the weekly digest's schedule (the default), or "off"
//! managers = ["U01ALICE"]       # at least one
//! members = ["U02BOB", "U03CAROL"]
//!   [[teams.targets]]
//!   capability = "run EBR"      # must be listed under [[capabilities]]
//!   count = 4
//!   [[teams.absences]]
//!   person = "U02BOB"           # must be in this team
//!   from = "2026-12-01"         # a TOML date (2026-12-01) or a string
//!   to = "2026-12-14"           # optional: one day when left out
//!   [[teams.rituals]]
//!   kind = "retro"              # retro, planning, release_retro, qbr, pipeline, forecast, ...
//!   name = "Atlas sprint retro" # optional: "<team> <kind>" when left out
//!   channel = "C0123RETRO"      # optional: the team's channel when left out
//!   on = ["jira:board=12:sprint_closed"]   # trigger selectors; may be empty with a schedule
//!   schedule = "0 10 1-7 1,4,7,10 TUE"    # optional: five-field cron in the team's tz
//!   prompt_before_minutes = 15  # optional, with a schedule: prompt this long before
//!   prompt_on = "end"           # optional: "start" or "end" (the default)
//!   nudge_after_minutes = 120   # optional: the kind's default when left out, 0 for none
//! ```
//!
//! Unknown keys are errors, so a typo never passes silently. Every problem in the file is
//! reported at once, each with its line and the team, capability or ritual it concerns, and
//! nothing is written until the whole file is valid.
//!
//! # Rules
//!
//! - People are matched by user id; capabilities and teams by name within the workspace, and
//!   rituals by name within their team, ignoring case and spacing (the stored spelling of a team
//!   or capability name stays; a ritual takes the file's).
//! - Applying the same file twice changes nothing the second time, and records no decision.
//! - Two teams may swap home channels in one apply; a channel that is home to a team the file
//!   does not move elsewhere is a problem, reported before anything is written.
//! - A value the file gives replaces the stored one; an optional value it leaves out keeps the
//!   stored one (a person's name, a capability's description or family, a team's home channel).
//!   `description = ""` clears a description.
//! - The file is the source of truth for the membership of the teams it lists: the managers are
//!   exactly those listed (former managers still listed under `members` stay as members), the
//!   members are added, and anyone else who belongs to the team now leaves it (their history is
//!   kept, as with `/cadence team remove`).
//! - A target is recorded as a `target` decision only when its count differs from the stored
//!   one; an absence as an `absence` decision only when the same person, first and last day are
//!   not stored yet. Targets and absences the file does not mention are left as they are (they
//!   are decisions; set `count = 0` to drop a target).
//! - A ritual in the file is described whole: its kind, channel, prompt moment, nudge and exactly
//!   the listed triggers. Whether it is paused is left to chat. Rituals the file does not
//!   mention, and teams and capabilities it does not mention, are left alone.
//! - `apply` acts with an administrator's rights; who may run it is whoever may run the binary
//!   against the database.
//! - The writes are many small transactions, not one: if the database fails part-way, fix it and
//!   apply the same file again.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::domain::command::{
    DateRange, MembershipChange, NAME_MAX_CHARS, NUDGE_MAX_MINUTES, TARGET_MAX, TEXT_MAX_CHARS,
};
use crate::domain::decision::{Absence, Decision, NewDecision, Target};
use crate::domain::event::Selector;
use crate::domain::ids::{CapabilityId, PersonId, TenantId};
use crate::domain::ritual::RitualKind;
use crate::domain::{DecisionSource, Platform, name_key};
use crate::store::{NewRitual, NewTeam, Role, Store, StoreError, Team};

/// The user id of the person `apply` records its decisions as.
pub const APPLY_ACTOR: &str = "cadence-apply";
/// That person's display name.
pub const APPLY_ACTOR_NAME: &str = "cadence apply";
/// The longest absence recorded in one go, as for `/cadence away`: longer is a typo in the year.
const MAX_ABSENCE_DAYS: i64 = 366;

/// A configuration file as written. [`parse`] reads and checks one; [`apply`] writes it.
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
    /// Teams, with their targets, absences and rituals.
    #[serde(default)]
    pub teams: Vec<Spanned<TeamEntry>>,
    /// The text it was read from, to turn byte spans into lines and columns.
    #[serde(skip)]
    source: String,
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

/// One thing wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line, from 1, when known.
    pub line: Option<usize>,
    /// The column, from 1, when known.
    pub column: Option<usize>,
    /// The record it concerns, e.g. `team "Atlas", ritual "Atlas sprint retro"`; empty when the
    /// file as a whole is at fault.
    pub what: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        if !self.what.is_empty() {
            write!(f, "{}: ", self.what)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a file was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The file is not TOML, or not of the expected shape (a missing key, an unknown one, a
    /// string where a number belongs). TOML readers stop at the first such problem.
    #[error("{0}")]
    Syntax(Problem),
    /// The file reads, but says things that cannot be applied: every problem found. Nothing was
    /// written.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    /// The database failed. Writes before the failure stay; applying again finishes the job.
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

/// A decision the file asks for that the decision rules refuse.
fn invalid_decision(team: &str, problem: crate::domain::decision::Invalid) -> ApplyError {
    ApplyError::Invalid(vec![Problem {
        line: None,
        column: None,
        what: format!("team \"{team}\""),
        message: problem.0,
    }])
}

impl ApplyError {
    /// The problems with the file, if that is what went wrong.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ApplyError::Syntax(problem) => std::slice::from_ref(problem),
            ApplyError::Invalid(problems) => problems,
            ApplyError::Store(_) => &[],
        }
    }

    /// A report for a person, each problem prefixed `FILE:LINE:COLUMN:` as compilers do, so
    /// editors can jump to it.
    pub fn report(&self, file: &str) -> String {
        let problems = self.problems();
        if problems.is_empty() {
            return format!("{file}: {self}");
        }
        let mut out = format!(
            "{file}: {} found; nothing was changed",
            plural(problems.len(), "problem")
        );
        for p in problems {
            out.push_str("\n  ");
            out.push_str(file);
            if let Some(line) = p.line {
                out.push_str(&format!(":{line}"));
                if let Some(column) = p.column {
                    out.push_str(&format!(":{column}"));
                }
            }
            out.push_str(": ");
            if !p.what.is_empty() {
                out.push_str(&p.what);
                out.push_str(": ");
            }
            out.push_str(&p.message);
        }
        out
    }
}

fn list(problems: &[Problem]) -> String {
    let mut out = format!(
        "{} found; nothing was changed",
        plural(problems.len(), "problem")
    );
    for p in problems {
        out.push_str(&format!("\n  {p}"));
    }
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How many records of one kind were created, changed, left as they were or removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// New records (for memberships: people who joined).
    pub created: usize,
    /// Changed records (for memberships: role changes).
    pub updated: usize,
    /// Records already as the file says.
    pub unchanged: usize,
    /// Records removed (memberships only: people who left).
    pub removed: usize,
}

impl Counts {
    fn changed(&self) -> bool {
        self.created + self.updated + self.removed > 0
    }
}

/// What an apply did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplySummary {
    /// The tenant written to.
    pub tenant: Option<TenantId>,
    /// People by user id.
    pub people: Counts,
    /// Capabilities in the library.
    pub capabilities: Counts,
    /// Teams' own settings (time zone, home channel) and their existence; a team counts as
    /// updated when its membership changed too.
    pub teams: Counts,
    /// One per person and team.
    pub memberships: Counts,
    /// Targets (each created or updated one is a decision).
    pub targets: Counts,
    /// Absences (each created one is a decision).
    pub absences: Counts,
    /// Rituals with their triggers.
    pub rituals: Counts,
    /// Decisions recorded.
    pub decisions: usize,
}

impl ApplySummary {
    /// Whether anything was written.
    pub fn changed(&self) -> bool {
        [
            self.people,
            self.capabilities,
            self.teams,
            self.memberships,
            self.targets,
            self.absences,
            self.rituals,
        ]
        .iter()
        .any(Counts::changed)
    }
}

impl fmt::Display for ApplySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("people", &self.people),
            ("capabilities", &self.capabilities),
            ("teams", &self.teams),
            ("targets", &self.targets),
            ("absences", &self.absences),
            ("rituals", &self.rituals),
        ];
        for (kind, c) in rows {
            writeln!(
                f,
                "{kind:<13} {} created, {} updated, {} unchanged",
                c.created, c.updated, c.unchanged
            )?;
        }
        let m = &self.memberships;
        writeln!(
            f,
            "{:<13} {} joined, {} changed role, {} left, {} unchanged",
            "memberships", m.created, m.updated, m.removed, m.unchanged
        )?;
        if self.changed() {
            write!(f, "{} recorded", plural(self.decisions, "decision"))
        } else {
            write!(f, "nothing to change")
        }
    }
}

/// Reads and checks a configuration file: a TOML or shape error stops at the first one (with its
/// line and column); otherwise every problem in what the file says is reported at once.
pub fn parse(text: &str) -> Result<ApplyFile, ApplyError> {
    let mut file: ApplyFile = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (line, column) = locate(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        ApplyError::Syntax(Problem {
            line,
            column,
            what: String::new(),
            message: e.message().trim().to_owned(),
        })
    })?;
    file.source = text.to_owned();
    plan(&file)?;
    Ok(file)
}

/// Applies a file: checks it again, with what the database holds (a home channel that belongs
/// to a team the file does not describe), then upserts everything, recording decisions at `at`.
/// Nothing is written unless every check passes.
pub async fn apply(
    store: &Store,
    file: &ApplyFile,
    at: DateTime<Utc>,
) -> Result<ApplySummary, ApplyError> {
    let plan = plan(file)?;
    check_against_store(store, file, &plan).await?;
    let summary = write(store, &plan, at).await?;
    tracing::info!(
        workspace = %plan.workspace_id,
        decisions = summary.decisions,
        changed = summary.changed(),
        "configuration applied"
    );
    Ok(summary)
}

/// Line and column (both from 1, the column in characters) of a byte offset in `text`.
fn locate(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}

// ---------------------------------------------------------------------------------------------
// Checking: the file as written becomes a plan of typed values, or a list of problems.

/// What the file asks for, checked and typed.
struct Plan<'f> {
    platform: Platform,
    workspace_id: &'f str,
    /// Everyone the file names, each once, with the display name the file gives.
    people: Vec<(&'f str, Option<&'f str>)>,
    capabilities: Vec<PlannedCapability<'f>>,
    teams: Vec<PlannedTeam<'f>>,
}

struct PlannedCapability<'f> {
    name: &'f str,
    /// `None`: keep; `Some(None)`: clear; `Some(Some(text))`: set.
    description: Option<Option<&'f str>>,
    family: Option<Option<&'f str>>,
}

struct PlannedTeam<'f> {
    name: &'f str,
    /// Where `[[teams]]` starts, for problems found against the database.
    span: Range<usize>,
    tz: &'static str,
    channel: Option<&'f str>,
    managers: Vec<&'f str>,
    /// Not managers.
    members: Vec<&'f str>,
    /// Capability name as written, count.
    targets: Vec<(&'f str, u32)>,
    /// User id, days.
    absences: Vec<(&'f str, DateRange)>,
    rituals: Vec<PlannedRitual<'f>>,
    /// `None`: leave the stored digest schedule; `Some(None)`: the default; `Some(Some(s))`.
    digest: Option<Option<String>>,
}

struct PlannedRitual<'f> {
    name: String,
    kind: RitualKind,
    channel: &'f str,
    prompt_on: &'static str,
    nudge_after_minutes: Option<i64>,
    triggers: Vec<Selector>,
    schedule: Option<String>,
    prompt_before_minutes: i64,
}

/// Problems found so far, located in the file's text.
struct Problems<'f> {
    source: &'f str,
    found: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, span: Range<usize>, what: &str, message: impl Into<String>) {
        let (line, column) = if self.source.is_empty() {
            (None, None)
        } else {
            let (line, column) = locate(self.source, span.start);
            (Some(line), Some(column))
        };
        self.found.push(Problem {
            line,
            column,
            what: what.to_owned(),
            message: message.into(),
        });
    }

    /// "line N", for pointing at an earlier entry.
    fn line_of(&self, span: &Range<usize>) -> String {
        if self.source.is_empty() {
            "earlier".to_owned()
        } else {
            format!("on line {}", locate(self.source, span.start).0)
        }
    }

    fn name(&mut self, span: &Range<usize>, what: &str, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(span.clone(), what, format!("`{field}` is empty"));
        } else if value.chars().count() > NAME_MAX_CHARS {
            self.add(
                span.clone(),
                what,
                format!("`{field}` is longer than {NAME_MAX_CHARS} characters"),
            );
        }
    }

    fn user_id(&mut self, span: &Range<usize>, what: &str, id: &str) {
        let message = if id.trim().is_empty() {
            "a user id is empty".to_owned()
        } else if id.starts_with('@') || id.starts_with('<') {
            format!("`{id}`: write the platform's user id (like U01ALICE), not a mention")
        } else if id.chars().any(char::is_whitespace) {
            format!("`{id}`: a user id has no spaces")
        } else if id == APPLY_ACTOR {
            format!("`{id}` is reserved for the decisions `cadence apply` records")
        } else {
            return;
        };
        self.add(span.clone(), what, message);
    }

    fn channel(&mut self, span: &Range<usize>, what: &str, id: &str) {
        let message = if id.trim().is_empty() {
            "`channel` is empty".to_owned()
        } else if id.starts_with('#') || id.starts_with('<') {
            format!("channel `{id}`: write the channel's id (like C0123ABCD), not its name")
        } else if id.chars().any(char::is_whitespace) {
            format!("channel `{id}`: a channel id has no spaces")
        } else {
            return;
        };
        self.add(span.clone(), what, message);
    }
}

/// An optional text as the file gives it: left out keeps, empty clears.
fn optional_text(value: Option<&String>) -> Option<Option<&str>> {
    value.map(|text| Some(text.trim()).filter(|t| !t.is_empty()))
}

/// The time zone an IANA name names, ignoring case, as `/cadence team create … tz` reads it.
fn parse_tz(name: &str) -> Option<chrono_tz::Tz> {
    chrono_tz::Tz::from_str(name).ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
    })
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn plan(file: &ApplyFile) -> Result<Plan<'_>, ApplyError> {
    let mut problems = Problems {
        source: &file.source,
        found: Vec::new(),
    };
    let workspace = file.workspace.get_ref();
    if workspace.id.trim().is_empty() {
        problems.add(file.workspace.span(), "workspace", "`id` is empty");
    }

    // People: the [[people]] table first, then everyone the teams name.
    let mut people: Vec<(&str, Option<&str>)> = Vec::new();
    let mut people_seen: HashMap<&str, Range<usize>> = HashMap::new();
    for entry in &file.people {
        let span = entry.span();
        let person = entry.get_ref();
        let what = format!("person {:?}", person.id);
        problems.user_id(&span, &what, &person.id);
        if let Some(name) = &person.name {
            problems.name(&span, &what, "name", name);
        }
        if let Some(first) = people_seen.get(person.id.as_str()) {
            let earlier = problems.line_of(first);
            problems.add(span, &what, format!("listed twice (also {earlier})"));
            continue;
        }
        people_seen.insert(&person.id, span);
        people.push((&person.id, person.name.as_deref().map(str::trim)));
    }

    // Capabilities.
    let mut capabilities = Vec::new();
    let mut capability_seen: HashMap<String, Range<usize>> = HashMap::new();
    for entry in &file.capabilities {
        let span = entry.span();
        let cap = entry.get_ref();
        let what = format!("capability {:?}", cap.name);
        problems.name(&span, &what, "name", &cap.name);
        if let Some(description) = &cap.description
            && description.chars().count() > TEXT_MAX_CHARS
        {
            problems.add(
                span.clone(),
                &what,
                format!("`description` is longer than {TEXT_MAX_CHARS} characters"),
            );
        }
        if let Some(family) = &cap.family
            && family.chars().count() > NAME_MAX_CHARS
        {
            problems.add(
                span.clone(),
                &what,
                format!("`family` is longer than {NAME_MAX_CHARS} characters"),
            );
        }
        let key = name_key(&cap.name);
        if let Some(first) = capability_seen.get(&key) {
            let earlier = problems.line_of(first);
            problems.add(span, &what, format!("listed twice (also {earlier})"));
            continue;
        }
        capability_seen.insert(key, span);
        capabilities.push(PlannedCapability {
            name: cap.name.trim(),
            description: optional_text(cap.description.as_ref()),
            family: optional_text(cap.family.as_ref()),
        });
    }
    let declared: Vec<&str> = capabilities.iter().map(|c| c.name).collect();

    // Teams.
    let mut teams = Vec::new();
    let mut team_seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut channel_seen: HashMap<&str, (Range<usize>, &str)> = HashMap::new();
    for entry in &file.teams {
        let span = entry.span();
        let team = entry.get_ref();
        let what = format!("team {:?}", team.name);
        problems.name(&span, &what, "name", &team.name);
        let key = name_key(&team.name);
        if let Some(first) = team_seen.get(&key) {
            let earlier = problems.line_of(first);
            problems.add(
                span.clone(),
                &what,
                format!("listed twice (also {earlier})"),
            );
        } else {
            team_seen.insert(key, span.clone());
        }

        let tz = match parse_tz(team.tz.get_ref().trim()) {
            Some(tz) => tz.name(),
            None => {
                problems.add(
                    team.tz.span(),
                    &what,
                    format!(
                        "`{}` is not a time zone; use an IANA name like Europe/London or America/New_York",
                        team.tz.get_ref()
                    ),
                );
                "UTC"
            }
        };

        let channel = team.channel.as_deref().map(str::trim);
        if let Some(channel) = channel {
            problems.channel(&span, &what, channel);
            if let Some((first, other)) = channel_seen.get(channel) {
                let earlier = problems.line_of(first);
                problems.add(
                    span.clone(),
                    &what,
                    format!("channel `{channel}` is already the home of team {other:?} ({earlier}); a channel is home to one team"),
                );
            } else if !channel.is_empty() {
                channel_seen.insert(channel, (span.clone(), &team.name));
            }
        }

        if team.managers.is_empty() {
            problems.add(
                span.clone(),
                &what,
                "`managers` is empty; a team needs at least one manager",
            );
        }
        let mut managers: Vec<&str> = Vec::new();
        for id in &team.managers {
            problems.user_id(&span, &what, id);
            if !managers.contains(&id.as_str()) {
                managers.push(id);
            }
        }
        let mut members: Vec<&str> = Vec::new();
        for id in &team.members {
            problems.user_id(&span, &what, id);
            if !managers.contains(&id.as_str()) && !members.contains(&id.as_str()) {
                members.push(id);
            }
        }
        for id in managers.iter().chain(&members) {
            if !people_seen.contains_key(id) {
                people_seen.insert(*id, span.clone());
                people.push((*id, None));
            }
        }

        let mut targets: Vec<(&str, u32)> = Vec::new();
        for target in &team.targets {
            let t = target.get_ref();
            let what = format!("{what}, target {:?}", t.capability);
            let Some(name) = declared
                .iter()
                .copied()
                .find(|d| name_key(d) == name_key(&t.capability))
            else {
                problems.add(
                    target.span(),
                    &what,
                    format!(
                        "`{}` is not listed under [[capabilities]]; add it there{}",
                        t.capability,
                        known_list(&declared)
                    ),
                );
                continue;
            };
            if t.count > TARGET_MAX {
                problems.add(
                    target.span(),
                    &what,
                    format!("`count` is at most {TARGET_MAX}"),
                );
            }
            if targets.iter().any(|(n, _)| *n == name) {
                problems.add(
                    target.span(),
                    &what,
                    "the team has two targets for this capability; keep one",
                );
                continue;
            }
            targets.push((name, t.count));
        }

        let mut absences: Vec<(&str, DateRange)> = Vec::new();
        for absence in &team.absences {
            let a = absence.get_ref();
            let what = format!("{what}, absence of {:?}", a.person);
            if !managers.contains(&a.person.as_str()) && !members.contains(&a.person.as_str()) {
                problems.add(
                    absence.span(),
                    &what,
                    format!(
                        "`{}` is not among this team's managers or members",
                        a.person
                    ),
                );
            }
            let from = parse_day(&a.from.get_ref().0);
            if from.is_none() {
                problems.add(
                    a.from.span(),
                    &what,
                    format!(
                        "`from = {}` is not a date; write it like 2026-12-01",
                        a.from.get_ref().0
                    ),
                );
            }
            let to = match &a.to {
                Some(to) => {
                    let day = parse_day(&to.get_ref().0);
                    if day.is_none() {
                        problems.add(
                            to.span(),
                            &what,
                            format!(
                                "`to = {}` is not a date; write it like 2026-12-14",
                                to.get_ref().0
                            ),
                        );
                    }
                    day
                }
                None => from,
            };
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            if from > to {
                problems.add(
                    absence.span(),
                    &what,
                    format!("`from` ({from}) is after `to` ({to})"),
                );
                continue;
            }
            let days = (to - from).num_days() + 1;
            if days > MAX_ABSENCE_DAYS {
                problems.add(
                    absence.span(),
                    &what,
                    format!("{days} days is longer than the {MAX_ABSENCE_DAYS} recorded at a time; check the year"),
                );
                continue;
            }
            let dates = DateRange { from, to };
            if !absences.contains(&(a.person.as_str(), dates)) {
                absences.push((&a.person, dates));
            }
        }

        let mut rituals: Vec<PlannedRitual<'_>> = Vec::new();
        let mut ritual_seen: HashMap<String, Range<usize>> = HashMap::new();
        for ritual in &team.rituals {
            let r = ritual.get_ref();
            let kind = RitualKind::from_str(r.kind.get_ref());
            let name = match (&r.name, &kind) {
                (Some(name), _) => name.trim().to_owned(),
                (None, Ok(kind)) => {
                    format!("{} {}", team.name.trim(), kind.as_str().replace('_', " "))
                }
                (None, Err(_)) => format!("{} {}", team.name.trim(), r.kind.get_ref()),
            };
            let what = format!("{what}, ritual {name:?}");
            let kind = match kind {
                Ok(kind) => Some(kind),
                Err(_) => {
                    let known: Vec<&str> = RitualKind::ALL.iter().map(|k| k.as_str()).collect();
                    problems.add(
                        r.kind.span(),
                        &what,
                        format!(
                            "`{}` is not a ritual kind; use one of {}",
                            r.kind.get_ref(),
                            known.join(", ")
                        ),
                    );
                    None
                }
            };
            problems.name(&ritual.span(), &what, "name", &name);
            let key = name_key(&name);
            if let Some(first) = ritual_seen.get(&key) {
                let earlier = problems.line_of(first);
                problems.add(
                    ritual.span(),
                    &what,
                    format!("the team has two rituals with this name (also {earlier}); give one a `name`"),
                );
            } else {
                ritual_seen.insert(key, ritual.span());
            }
            let channel = match r.channel.as_deref().map(str::trim).or(channel) {
                Some(channel) => {
                    if r.channel.is_some() {
                        problems.channel(&ritual.span(), &what, channel);
                    }
                    channel
                }
                None => {
                    problems.add(
                        ritual.span(),
                        &what,
                        "no channel for its prompts: give `channel` here or on the team",
                    );
                    ""
                }
            };
            let schedule = match &r.schedule {
                Some(text) => match text.get_ref().parse::<crate::domain::schedule::Schedule>() {
                    Ok(schedule) => Some(schedule.to_string()),
                    Err(e) => {
                        problems.add(text.span(), &what, format!("`schedule`: {e}"));
                        None
                    }
                },
                None => None,
            };
            let prompt_before_minutes = match (r.prompt_before_minutes, &r.schedule) {
                (Some(minutes), None) if minutes > 0 => {
                    problems.add(
                        ritual.span(),
                        &what,
                        "`prompt_before_minutes` needs a `schedule` to count back from",
                    );
                    0
                }
                (Some(minutes), _) if minutes > NUDGE_MAX_MINUTES => {
                    problems.add(
                        ritual.span(),
                        &what,
                        format!("`prompt_before_minutes` is at most {NUDGE_MAX_MINUTES} (a week)"),
                    );
                    0
                }
                (minutes, _) => i64::from(minutes.unwrap_or(0)),
            };
            if r.on.is_empty() && r.schedule.is_none() {
                problems.add(
                    ritual.span(),
                    &what,
                    "`on` is empty; give at least one trigger, like \"jira:board=12:sprint_closed\", or a `schedule`",
                );
            }
            let mut triggers: Vec<Selector> = Vec::new();
            for on in &r.on {
                match Selector::from_str(on.get_ref().trim()) {
                    Ok(selector) => {
                        if !triggers.contains(&selector) {
                            triggers.push(selector);
                        }
                    }
                    Err(e) => {
                        problems.add(on.span(), &what, format!("trigger `{}`: {e}", on.get_ref()))
                    }
                }
            }
            let prompt_on = match r.prompt_on.as_ref().map(|p| (p.get_ref().trim(), p.span())) {
                None => "end",
                Some((p, _)) if p.eq_ignore_ascii_case("end") => "end",
                Some((p, _)) if p.eq_ignore_ascii_case("start") => "start",
                Some((p, span)) => {
                    problems.add(
                        span,
                        &what,
                        format!("`prompt_on = \"{p}\"`: use \"start\" or \"end\""),
                    );
                    "end"
                }
            };
            let nudge_after_minutes = match r.nudge_after_minutes {
                Some(0) => None,
                Some(minutes) if minutes > NUDGE_MAX_MINUTES => {
                    problems.add(
                        ritual.span(),
                        &what,
                        format!(
                            "`nudge_after_minutes` is at most {NUDGE_MAX_MINUTES} (a week); 0 for no nudge"
                        ),
                    );
                    None
                }
                Some(minutes) => Some(i64::from(minutes)),
                None => kind.and_then(RitualKind::default_nudge_minutes),
            };
            if let Some(kind) = kind {
                rituals.push(PlannedRitual {
                    name,
                    kind,
                    channel,
                    prompt_on,
                    nudge_after_minutes,
                    triggers,
                    schedule,
                    prompt_before_minutes,
                });
            }
        }
        let digest = match &team.digest {
            None => None,
            Some(text) if text.get_ref().trim().eq_ignore_ascii_case("off") => {
                Some(Some("off".to_owned()))
            }
            Some(text) => match text.get_ref().parse::<crate::domain::schedule::Schedule>() {
                Ok(schedule) if schedule.to_string() == crate::domain::schedule::DEFAULT_DIGEST => {
                    Some(None)
                }
                Ok(schedule) => Some(Some(schedule.to_string())),
                Err(e) => {
                    problems.add(
                        text.span(),
                        &format!("team \"{}\"", team.name.trim()),
                        format!("`digest`: {e}, or \"off\""),
                    );
                    None
                }
            },
        };

        teams.push(PlannedTeam {
            name: team.name.trim(),
            span,
            tz,
            channel,
            managers,
            members,
            targets,
            absences,
            rituals,
            digest,
        });
    }

    if !problems.found.is_empty() {
        return Err(ApplyError::Invalid(problems.found));
    }
    Ok(Plan {
        platform: workspace.platform,
        workspace_id: workspace.id.trim(),
        people,
        capabilities,
        teams,
    })
}

/// ` (listed: "a", "b")`, when the list is short enough to read.
fn known_list(names: &[&str]) -> String {
    match names.len() {
        0 => String::new(),
        1..=8 => {
            let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            format!(" (listed: {})", quoted.join(", "))
        }
        _ => String::new(),
    }
}

/// What only the database can tell: a home channel the file gives a team that already belongs
/// to a team the file does not move elsewhere.
async fn check_against_store(
    store: &Store,
    file: &ApplyFile,
    plan: &Plan<'_>,
) -> Result<(), ApplyError> {
    let Some(tenant) = store.find_tenant(plan.platform, plan.workspace_id).await? else {
        return Ok(());
    };
    let mut problems = Problems {
        source: &file.source,
        found: Vec::new(),
    };
    for team in &plan.teams {
        let Some(channel) = team.channel else {
            continue;
        };
        let Some((owner, _)) = store
            .team_by_channel_with_roles(tenant, channel, &[])
            .await?
        else {
            continue;
        };
        if name_key(&owner.name) == name_key(team.name) {
            continue;
        }
        // Fine if the owner is in the file with another channel: it moves away first.
        let moves_away = plan
            .teams
            .iter()
            .any(|t| name_key(t.name) == name_key(&owner.name) && t.channel.is_some());
        if !moves_away {
            problems.add(
                team.span.clone(),
                &format!("team {:?}", team.name),
                format!(
                    "channel `{channel}` is the home of team {:?}, which this file does not move to another channel",
                    owner.name
                ),
            );
        }
    }
    if problems.found.is_empty() {
        Ok(())
    } else {
        Err(ApplyError::Invalid(problems.found))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing: every step compares with what is stored first, so a second apply changes nothing.

async fn write(
    store: &Store,
    plan: &Plan<'_>,
    at: DateTime<Utc>,
) -> Result<ApplySummary, ApplyError> {
    let mut summary = ApplySummary::default();
    let tenant = store.tenant(plan.platform, plan.workspace_id, at).await?;
    summary.tenant = Some(tenant);
    let actor = store
        .person(tenant, APPLY_ACTOR, Some(APPLY_ACTOR_NAME), at)
        .await?
        .id;

    let mut people: HashMap<&str, PersonId> = HashMap::new();
    for (user_id, name) in &plan.people {
        let before = store.find_person(tenant, user_id).await?;
        let after = store.person(tenant, user_id, *name, at).await?;
        match before {
            None => summary.people.created += 1,
            Some(before) if before.display_name != after.display_name => {
                summary.people.updated += 1;
            }
            Some(_) => summary.people.unchanged += 1,
        }
        people.insert(user_id, after.id);
    }
    let ids = |users: &[&str]| -> Vec<PersonId> {
        users
            .iter()
            .filter_map(|u| people.get(u).copied())
            .collect()
    };

    // Name key → id and stored name (the name decisions quote, as chat's do).
    let mut capabilities: HashMap<String, (CapabilityId, String)> = HashMap::new();
    for cap in &plan.capabilities {
        let stored = match store.capability_by_name(tenant, cap.name).await? {
            None => {
                summary.capabilities.created += 1;
                store
                    .add_capability(
                        tenant,
                        cap.name,
                        cap.description.flatten(),
                        cap.family.flatten(),
                        at,
                    )
                    .await?
            }
            Some(stored) => {
                let description = cap.description.unwrap_or(stored.description.as_deref());
                let family = cap.family.unwrap_or(stored.family.as_deref());
                if description == stored.description.as_deref()
                    && family == stored.family.as_deref()
                {
                    summary.capabilities.unchanged += 1;
                    stored
                } else {
                    summary.capabilities.updated += 1;
                    store
                        .update_capability(tenant, stored.id, description, family)
                        .await?
                        .unwrap_or(stored)
                }
            }
        };
        capabilities.insert(name_key(cap.name), (stored.id, stored.name));
    }

    // Find the teams first, and free any home channel another team in the file takes over, so
    // two teams can swap channels in one apply.
    let mut existing: Vec<Option<Team>> = Vec::with_capacity(plan.teams.len());
    for team in &plan.teams {
        existing.push(store.team_by_name(tenant, team.name).await?);
    }
    for (i, stored) in existing.iter_mut().enumerate() {
        let Some(team) = stored else { continue };
        let Some(home) = team.home_channel.clone() else {
            continue;
        };
        let taken_by_other = plan
            .teams
            .iter()
            .enumerate()
            .any(|(j, t)| j != i && t.channel == Some(home.as_str()));
        if taken_by_other {
            let tz = team.tz.clone();
            *team = store.update_team(team, &tz, None).await?;
        }
    }

    for (planned, stored) in plan.teams.iter().zip(existing) {
        let managers = ids(&planned.managers);
        let members = ids(&planned.members);
        let team = match stored {
            None => {
                summary.teams.created += 1;
                summary.memberships.created += managers.len() + members.len();
                store
                    .create_team(
                        tenant,
                        NewTeam {
                            name: planned.name,
                            tz: planned.tz,
                            home_channel: planned.channel,
                            managers: &managers,
                            members: &members,
                        },
                        at,
                    )
                    .await?
            }
            Some(team) => {
                let channel = planned.channel.or(team.home_channel.as_deref());
                let settings_changed =
                    team.tz != planned.tz || team.home_channel.as_deref() != channel;
                let team = if settings_changed {
                    let channel = channel.map(str::to_owned);
                    store
                        .update_team(&team, planned.tz, channel.as_deref())
                        .await?
                } else {
                    team
                };
                let membership = sync_membership(store, &team, &managers, &members, at).await?;
                summary.memberships.created += membership.created;
                summary.memberships.updated += membership.updated;
                summary.memberships.removed += membership.removed;
                summary.memberships.unchanged += membership.unchanged;
                if settings_changed || membership.changed() {
                    summary.teams.updated += 1;
                } else {
                    summary.teams.unchanged += 1;
                }
                team
            }
        };

        if let Some(wanted) = &planned.digest
            && store.digest_schedule(&team).await? != *wanted
        {
            store.set_digest_schedule(&team, wanted.as_deref()).await?;
        }
        let stored_targets = store.targets_of(&team).await?;
        for (name, count) in &planned.targets {
            let Some((capability, cap_name)) = capabilities.get(&name_key(name)) else {
                continue;
            };
            let capability = *capability;
            match stored_targets.get(&capability) {
                Some(stored) if stored == count => {
                    summary.targets.unchanged += 1;
                    continue;
                }
                Some(_) => summary.targets.updated += 1,
                None => summary.targets.created += 1,
            }
            store
                .record(&NewDecision {
                    tenant,
                    team: Some(team.id),
                    actor,
                    subject: None,
                    capability: Some(capability),
                    occurrence: None,
                    channel: None,
                    source: DecisionSource::Api,
                    decision: Decision::Target(
                        Target::new(cap_name, *count)
                            .map_err(|e| invalid_decision(&team.name, e))?,
                    ),
                    follow_up: None,
                    idempotency_key: None,
                    at,
                })
                .await?;
            summary.decisions += 1;
        }

        let mut stored_absences: HashMap<PersonId, Vec<DateRange>> = HashMap::new();
        for (user_id, dates) in &planned.absences {
            let Some(person) = people.get(user_id).copied() else {
                continue;
            };
            let stored = match stored_absences.entry(person) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(unknown) => unknown.insert(store.absences_of(tenant, person).await?),
            };
            if stored.contains(dates) {
                summary.absences.unchanged += 1;
                continue;
            }
            store
                .record(&NewDecision {
                    tenant,
                    team: Some(team.id),
                    actor,
                    subject: Some(person),
                    capability: None,
                    occurrence: None,
                    channel: None,
                    source: DecisionSource::Api,
                    decision: Decision::Absence(
                        Absence::new(user_id, *dates)
                            .map_err(|e| invalid_decision(&team.name, e))?,
                    ),
                    follow_up: None,
                    idempotency_key: None,
                    at,
                })
                .await?;
            stored.push(*dates);
            summary.absences.created += 1;
            summary.decisions += 1;
        }

        for ritual in &planned.rituals {
            let wanted = NewRitual {
                team: &team,
                kind: ritual.kind.as_str(),
                name: &ritual.name,
                channel_id: ritual.channel,
                prompt_on: ritual.prompt_on,
                artefact: ritual.kind.artefact(),
                nudge_after_minutes: ritual.nudge_after_minutes,
                triggers: &ritual.triggers,
                schedule: ritual.schedule.as_deref(),
                prompt_before_minutes: ritual.prompt_before_minutes,
            };
            match store.ritual_by_name(&team, &ritual.name).await? {
                None => {
                    store.add_ritual(wanted, at).await?;
                    summary.rituals.created += 1;
                }
                Some(stored) => {
                    let stored_triggers: BTreeSet<String> =
                        stored.triggers.iter().map(Selector::to_string).collect();
                    let wanted_triggers: BTreeSet<String> =
                        ritual.triggers.iter().map(Selector::to_string).collect();
                    let same = stored.kind == wanted.kind
                        && stored.name == wanted.name
                        && stored.channel_id == wanted.channel_id
                        && stored.prompt_on == wanted.prompt_on
                        && stored.artefact == wanted.artefact
                        && stored.nudge_after_minutes == wanted.nudge_after_minutes
                        && stored.schedule.as_deref() == wanted.schedule
                        && stored.prompt_before_minutes == wanted.prompt_before_minutes
                        && stored_triggers == wanted_triggers;
                    if same {
                        summary.rituals.unchanged += 1;
                    } else {
                        store.update_ritual(stored.id, wanted, at).await?;
                        summary.rituals.updated += 1;
                    }
                }
            }
        }
    }
    Ok(summary)
}

/// Makes the team's managers exactly `managers`, adds `members`, and removes everyone else.
async fn sync_membership(
    store: &Store,
    team: &Team,
    managers: &[PersonId],
    members: &[PersonId],
    at: DateTime<Utc>,
) -> Result<Counts, StoreError> {
    let current: HashMap<PersonId, Role> = store
        .members(team)
        .await?
        .into_iter()
        .map(|m| (m.person.id, m.role))
        .collect();
    let mut counts = Counts::default();
    let wanted_managers: HashSet<PersonId> = managers.iter().copied().collect();
    let current_managers: HashSet<PersonId> = current
        .iter()
        .filter(|(_, role)| **role == Role::Manager)
        .map(|(id, _)| *id)
        .collect();
    for id in managers {
        match current.get(id) {
            None => counts.created += 1,
            Some(Role::Member) => counts.updated += 1,
            Some(Role::Manager) => counts.unchanged += 1,
        }
    }
    let mut to_add = Vec::new();
    for id in members {
        match current.get(id) {
            None => {
                counts.created += 1;
                to_add.push(*id);
            }
            // Demoted by the managers change below.
            Some(Role::Manager) => counts.updated += 1,
            Some(Role::Member) => counts.unchanged += 1,
        }
    }
    let to_remove: Vec<PersonId> = current
        .keys()
        .filter(|id| !wanted_managers.contains(id) && !members.contains(id))
        .copied()
        .collect();
    counts.removed = to_remove.len();

    if wanted_managers != current_managers {
        store
            .change_membership(team, MembershipChange::Managers, managers, at)
            .await?;
    }
    if !to_add.is_empty() {
        store
            .change_membership(team, MembershipChange::Add, &to_add, at)
            .await?;
    }
    if !to_remove.is_empty() {
        store
            .change_membership(team, MembershipChange::Remove, &to_remove, at)
            .await?;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const EXAMPLE: &str = include_str!("../cadence.toml");

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text) {
            Err(ApplyError::Invalid(problems)) => problems,
            Err(other) => panic!("expected problems, got {other}"),
            Ok(_) => panic!("expected problems, the file was accepted"),
        }
    }

    const MINIMAL: &str = r#"
[workspace]
platform = "slack"
id = "T1"

[[capabilities]]
name = "run EBR"

[[teams]]
name = "Atlas"
tz = "Europe/London"
channel = "CATLAS"
managers = ["UALICE"]
members = ["UBOB"]
"#;

    #[test]
    fn the_example_file_parses_and_plans() {
        let file = parse(EXAMPLE).expect("cadence.toml is valid");
        let plan = plan(&file).expect("plan");
        assert_eq!(plan.teams.len(), 2);
        let kinds: Vec<RitualKind> = plan
            .teams
            .iter()
            .flat_map(|t| t.rituals.iter().map(|r| r.kind))
            .collect();
        for kind in [RitualKind::Retro, RitualKind::Qbr, RitualKind::PipelineCall] {
            assert!(kinds.contains(&kind), "{kind} is in the example");
        }
    }

    #[test]
    fn defaults_follow_chat() {
        let text = format!(
            "{MINIMAL}\n[[teams.rituals]]\nkind = \"sprint-retro\"\non = [\"jira:board=12:sprint_closed\"]\n\
             [[teams.rituals]]\nkind = \"qbr\"\nchannel = \"CQBR\"\non = [\"generic:qbr_ended\"]\n\
             [[teams.rituals]]\nkind = \"incident_review\"\nnudge_after_minutes = 0\nprompt_on = \"start\"\non = [\"generic:incident_closed\"]\n"
        );
        let file = parse(&text).expect("valid");
        let plan = plan(&file).expect("plan");
        let atlas = &plan.teams[0];
        assert_eq!(atlas.tz, "Europe/London");
        let retro = &atlas.rituals[0];
        assert_eq!(retro.name, "Atlas retro");
        assert_eq!(retro.channel, "CATLAS", "the team's channel by default");
        assert_eq!(retro.prompt_on, "end");
        assert_eq!(
            retro.nudge_after_minutes,
            Some(120),
            "retros nudge by default"
        );
        let qbr = &atlas.rituals[1];
        assert_eq!((qbr.channel, qbr.nudge_after_minutes), ("CQBR", None));
        let incident = &atlas.rituals[2];
        assert_eq!(incident.nudge_after_minutes, None, "0 means no nudge");
        assert_eq!(incident.prompt_on, "start");
    }

    #[test]
    fn schedules_for_rituals_and_digests_are_read_and_checked() {
        let text = MINIMAL.replace(
            "members = [\"UBOB\"]",
            "members = [\"UBOB\"]\ndigest = \"0  8 * * FRI\"",
        ) + "\n[[teams.rituals]]\nkind = \"qbr\"\nschedule = \"0 10 1-7 1,4,7,10 TUE\"\nprompt_before_minutes = 15\n";
        let file = parse(&text).expect("valid");
        let plan = plan(&file).expect("plan");
        let atlas = &plan.teams[0];
        assert_eq!(atlas.digest, Some(Some("0 8 * * FRI".to_owned())));
        let qbr = &atlas.rituals[0];
        assert_eq!(qbr.schedule.as_deref(), Some("0 10 1-7 1,4,7,10 TUE"));
        assert_eq!(qbr.prompt_before_minutes, 15);
        assert!(qbr.triggers.is_empty());

        let off = MINIMAL.replace(
            "members = [\"UBOB\"]",
            "members = [\"UBOB\"]\ndigest = \"off\"",
        );
        assert_eq!(digest_of(&off), Some(Some("off".to_owned())));
        let default = MINIMAL.replace(
            "members = [\"UBOB\"]",
            "members = [\"UBOB\"]\ndigest = \"0 9 * * MON\"",
        );
        assert_eq!(digest_of(&default), Some(None));

        let bad = MINIMAL.replace(
            "members = [\"UBOB\"]",
            "members = [\"UBOB\"]\ndigest = \"mondays\"",
        ) + "\n[[teams.rituals]]\nkind = \"qbr\"\nschedule = \"0 10 * * 2\"\n\
               [[teams.rituals]]\nkind = \"retro\"\nname = \"r2\"\nprompt_before_minutes = 5\non = [\"generic:x\"]\n\
               [[teams.rituals]]\nkind = \"retro\"\nname = \"r3\"\n";
        let found: Vec<String> = problems(&bad).into_iter().map(|p| p.message).collect();
        let all = found.join("\n");
        assert!(
            all.contains("`digest`: a schedule has five fields"),
            "{all}"
        );
        assert!(
            all.contains("`schedule`: write days of the week as names"),
            "{all}"
        );
        assert!(
            all.contains("`prompt_before_minutes` needs a `schedule`"),
            "{all}"
        );
        assert!(all.contains("or a `schedule`"), "{all}");
    }

    fn digest_of(text: &str) -> Option<Option<String>> {
        let file = parse(text).expect("valid");
        plan(&file).expect("plan").teams[0].digest.clone()
    }

    #[test]
    fn unknown_keys_are_errors_with_line_and_column() {
        let text = MINIMAL.replace("members = [\"UBOB\"]", "membres = [\"UBOB\"]");
        match parse(&text) {
            Err(ApplyError::Syntax(p)) => {
                assert_eq!(p.line, Some(14), "{p}");
                assert_eq!(p.column, Some(1), "{p}");
                assert!(p.message.contains("unknown field `membres`"), "{p}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let broken = MINIMAL.replace("name = \"Atlas\"", "name = \"Atlas");
        assert!(matches!(parse(&broken), Err(ApplyError::Syntax(_))));
        let bad_platform = MINIMAL.replace("\"slack\"", "\"discord\"");
        match parse(&bad_platform) {
            Err(ApplyError::Syntax(p)) => assert_eq!(p.line, Some(3), "{p}"),
            other => panic!("expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_with_what_it_concerns() {
        let text = r##"
[workspace]
platform = "slack"
id = "T1"

[[capabilities]]
name = "run EBR"

[[capabilities]]
name = "Run  ebr"

[[teams]]
name = "Atlas"
tz = "Europe/Lundon"
channel = "#team-atlas"
managers = []
members = ["@bob"]
  [[teams.targets]]
  capability = "run QBR"
  count = 4
  [[teams.absences]]
  person = "UCAROL"
  from = 2026-12-14
  to = "2026-12-01"
  [[teams.rituals]]
  kind = "standup"
  on = ["jira:board=12"]
  [[teams.rituals]]
  kind = "retro"
  name = "Sprint retro"
  on = []
  nudge_after_minutes = 20000
  prompt_on = "later"

[[teams]]
name = "atlas"
tz = "UTC"
managers = ["UALICE"]
"##;
        let found = problems(text);
        let rendered: Vec<String> = found.iter().map(ToString::to_string).collect();
        let expect = [
            "line 9, column 1: capability \"Run  ebr\": listed twice (also on line 6)",
            "line 14, column 6: team \"Atlas\": `Europe/Lundon` is not a time zone",
            "line 12, column 1: team \"Atlas\": channel `#team-atlas`: write the channel's id",
            "line 12, column 1: team \"Atlas\": `managers` is empty",
            "line 12, column 1: team \"Atlas\": `@bob`: write the platform's user id",
            "team \"Atlas\", target \"run QBR\": `run QBR` is not listed under [[capabilities]]; add it there (listed: \"run EBR\")",
            "team \"Atlas\", absence of \"UCAROL\": `UCAROL` is not among this team's managers or members",
            "team \"Atlas\", absence of \"UCAROL\": `from` (2026-12-14) is after `to` (2026-12-01)",
            "line 26, column 10: team \"Atlas\", ritual \"Atlas standup\": `standup` is not a ritual kind; use one of retro,",
            "line 27, column 9: team \"Atlas\", ritual \"Atlas standup\": trigger `jira:board=12`: `jira:board=12` names no event",
            "team \"Atlas\", ritual \"Sprint retro\": `on` is empty",
            "line 33, column 15: team \"Atlas\", ritual \"Sprint retro\": `prompt_on = \"later\"`: use \"start\" or \"end\"",
            "team \"Atlas\", ritual \"Sprint retro\": `nudge_after_minutes` is at most 10080",
            "line 35, column 1: team \"atlas\": listed twice (also on line 12)",
        ];
        for wanted in expect {
            assert!(
                rendered.iter().any(|r| r.contains(wanted)),
                "missing {wanted:?} in:\n{}",
                rendered.join("\n")
            );
        }
        assert_eq!(found.len(), expect.len(), "{}", rendered.join("\n"));
    }

    #[test]
    fn dates_read_as_toml_dates_or_strings_and_bad_ones_are_named() {
        let ok = format!(
            "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = 2026-12-01\n  to = \"2026-12-14\"\n\
             [[teams.absences]]\n  person = \"UALICE\"\n  from = \"2026-12-24\"\n"
        );
        let file = parse(&ok).expect("valid");
        let plan = plan(&file).expect("plan");
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            plan.teams[0].absences,
            vec![
                (
                    "UBOB",
                    DateRange {
                        from: day("2026-12-01"),
                        to: day("2026-12-14")
                    }
                ),
                (
                    "UALICE",
                    DateRange {
                        from: day("2026-12-24"),
                        to: day("2026-12-24")
                    }
                ),
            ]
        );
        let bad = format!(
            "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = \"2026-13-01\"\n  to = \"2028-12-14\"\n"
        );
        let found = problems(&bad);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("`from = 2026-13-01` is not a date")
        );
        let long = format!(
            "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = 2026-01-01\n  to = 2028-12-14\n"
        );
        assert!(problems(&long)[0].message.contains("check the year"));
    }

    #[test]
    fn a_channel_is_home_to_one_team_in_the_file() {
        let text = format!(
            "{MINIMAL}\n[[teams]]\nname = \"Borealis\"\ntz = \"UTC\"\nchannel = \"CATLAS\"\nmanagers = [\"UERIN\"]\n"
        );
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("channel `CATLAS` is already the home of team \"Atlas\""),
            "{}",
            found[0]
        );
    }

    #[test]
    fn the_apply_actor_is_reserved_and_people_are_listed_once() {
        let text = MINIMAL.replace("[\"UBOB\"]", "[\"UBOB\", \"cadence-apply\"]")
            + "\n[[people]]\nid = \"UBOB\"\n[[people]]\nid = \"UBOB\"\nname = \"Bob\"\n";
        let found = problems(&text);
        let rendered: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{rendered:?}");
        assert!(rendered[0].contains("person \"UBOB\": listed twice"));
        assert!(rendered[1].contains("`cadence-apply` is reserved"));
    }

    #[test]
    fn reports_name_the_file_like_a_compiler() {
        let text = MINIMAL.replace("Europe/London", "Mars/Olympus");
        let error = parse(&text).expect_err("bad tz");
        let report = error.report("cadence.toml");
        assert!(
            report.starts_with("cadence.toml: 1 problem found; nothing was changed\n  cadence.toml:11:6: team \"Atlas\": `Mars/Olympus` is not a time zone"),
            "{report}"
        );
    }

    #[test]
    fn summaries_read_per_kind() {
        let mut summary = ApplySummary::default();
        assert!(!summary.changed());
        assert!(summary.to_string().ends_with("nothing to change"));
        summary.targets.updated = 1;
        summary.memberships.removed = 1;
        summary.decisions = 1;
        let text = summary.to_string();
        assert!(
            text.contains("targets       0 created, 1 updated, 0 unchanged"),
            "{text}"
        );
        assert!(
            text.contains("memberships   0 joined, 0 changed role, 1 left, 0 unchanged"),
            "{text}"
        );
        assert!(text.ends_with("1 decision recorded"), "{text}");
    }
}
