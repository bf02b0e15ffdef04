//! Checking: the file as written becomes a [`Plan`] of typed values, or every problem in it.
//!
//! One function per section of the file (the workspace, people, capabilities, the modules in
//! `module`, then each team in `team`, its rituals in `ritual`), all reporting into one [`Problems`] collector. They run in
//! the order the file is written, so problems come out in that order, each with its line and
//! column and the record it concerns.

mod module;
mod ritual;
mod team;

use std::collections::HashMap;
use std::ops::Range;

use crate::domain::ritual::PromptOn;

use toml::Spanned;

use super::APPLY_ACTOR;
use super::file::{ApplyFile, CapabilityEntry, PersonEntry};
use super::report::{ApplyError, Problem, locate};
use crate::domain::command::{DateRange, NAME_MAX_CHARS, TEXT_MAX_CHARS};
use crate::domain::event::Selector;
use crate::domain::ritual::RitualKind;
use crate::domain::{Platform, name_key};

/// What the file asks for, checked and typed.
pub(super) struct Plan<'f> {
    pub(super) platform: Platform,
    pub(super) workspace_id: &'f str,
    /// Everyone the file names, each once, with the display name the file gives.
    pub(super) people: Vec<(&'f str, Option<&'f str>)>,
    pub(super) capabilities: Vec<PlannedCapability<'f>>,
    /// The `[[modules]]`, checked.
    pub(super) modules: Vec<crate::catalogue::Described>,
    pub(super) teams: Vec<PlannedTeam<'f>>,
}

/// A `[[capabilities]]` entry, checked.
pub(super) struct PlannedCapability<'f> {
    pub(super) name: &'f str,
    /// `None`: keep; `Some(None)`: clear; `Some(Some(text))`: set.
    pub(super) description: Option<Option<&'f str>>,
    pub(super) family: Option<Option<&'f str>>,
}

/// A `[[teams]]` entry, checked.
pub(super) struct PlannedTeam<'f> {
    pub(super) name: &'f str,
    /// Where `[[teams]]` starts, for problems found against the database.
    pub(super) span: Range<usize>,
    pub(super) tz: chrono_tz::Tz,
    pub(super) channel: Option<&'f str>,
    pub(super) managers: Vec<&'f str>,
    /// Not managers.
    pub(super) members: Vec<&'f str>,
    /// Capability name as written, count.
    pub(super) targets: Vec<(&'f str, u32)>,
    /// User id, days.
    pub(super) absences: Vec<(&'f str, DateRange)>,
    pub(super) rituals: Vec<PlannedRitual<'f>>,
    /// `None`: leave the stored digest schedule; `Some(None)`: the default; `Some(Some(s))`.
    pub(super) digest: Option<Option<String>>,
}

/// A `[[teams.rituals]]` entry, checked, with its defaults filled in.
pub(super) struct PlannedRitual<'f> {
    pub(super) name: String,
    pub(super) kind: RitualKind,
    pub(super) channel: &'f str,
    pub(super) prompt_on: PromptOn,
    pub(super) nudge_after_minutes: Option<i64>,
    pub(super) triggers: Vec<Selector>,
    pub(super) schedule: Option<String>,
    pub(super) prompt_before_minutes: i64,
}

/// Problems found so far, located in the file's text.
pub(super) struct Problems<'f> {
    source: &'f str,
    found: Vec<Problem>,
}

impl<'f> Problems<'f> {
    /// None yet, in a file read from `source` (empty when the text is not known).
    pub(super) fn new(source: &'f str) -> Self {
        Problems {
            source,
            found: Vec::new(),
        }
    }

    /// The problems found, as the error that stops the apply, if there are any.
    pub(super) fn finish(self) -> Result<(), ApplyError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ApplyError::Invalid(self.found))
        }
    }

    /// One more problem, at `span`, about `what`.
    pub(super) fn add(&mut self, span: Range<usize>, what: &str, message: impl Into<String>) {
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

    /// One more problem, at a line (from 1) already known, about `what`.
    pub(super) fn add_at_line(&mut self, line: Option<usize>, what: &str, message: String) {
        self.found.push(Problem {
            line,
            column: None,
            what: what.to_owned(),
            message,
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

    /// A name that is empty or too long.
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

    /// A user id that is empty, a mention, has spaces, or is the apply's own.
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

    /// A channel id that is empty, a name, or has spaces.
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

/// Checks a file into a plan: every problem in what it says, or the typed values to write.
pub(super) fn plan(file: &ApplyFile) -> Result<Plan<'_>, ApplyError> {
    let mut problems = Problems::new(&file.source);
    let workspace = file.workspace.get_ref();
    if workspace.id.trim().is_empty() {
        problems.add(file.workspace.span(), "workspace", "`id` is empty");
    }
    // People: the [[people]] table first, then everyone the teams name.
    let mut people = People::listed(&file.people, &mut problems);
    let capabilities = capabilities(&file.capabilities, &mut problems);
    let declared: Vec<&str> = capabilities.iter().map(|c| c.name).collect();
    let modules = module::modules(&file.modules, &declared, &file.source, &mut problems);
    let mut seen = team::Seen::default();
    let mut teams = Vec::new();
    for entry in &file.teams {
        teams.push(team::team(
            entry,
            &declared,
            &mut seen,
            &mut people,
            &mut problems,
        ));
    }
    problems.finish()?;
    Ok(Plan {
        platform: workspace.platform,
        workspace_id: workspace.id.trim(),
        people: people.named,
        capabilities,
        modules,
        teams,
    })
}

/// Everyone the file names so far, each once, and where each was first named.
struct People<'f> {
    /// User id and the display name the file gives, in the order first named.
    named: Vec<(&'f str, Option<&'f str>)>,
    seen: HashMap<&'f str, Range<usize>>,
}

impl<'f> People<'f> {
    /// `[[people]]`: proper ids and names, each person listed once.
    fn listed(entries: &'f [Spanned<PersonEntry>], problems: &mut Problems<'_>) -> Self {
        let mut people = People {
            named: Vec::new(),
            seen: HashMap::new(),
        };
        for entry in entries {
            let span = entry.span();
            let person = entry.get_ref();
            let what = format!("person {:?}", person.id);
            problems.user_id(&span, &what, &person.id);
            if let Some(name) = &person.name {
                problems.name(&span, &what, "name", name);
            }
            if let Some(first) = people.seen.get(person.id.as_str()) {
                let earlier = problems.line_of(first);
                problems.add(span, &what, format!("listed twice (also {earlier})"));
                continue;
            }
            people.seen.insert(&person.id, span);
            people
                .named
                .push((&person.id, person.name.as_deref().map(str::trim)));
        }
        people
    }

    /// A team's managers and members not named before, without a display name.
    fn named_in_team(&mut self, ids: impl IntoIterator<Item = &'f str>, span: &Range<usize>) {
        for id in ids {
            if !self.seen.contains_key(id) {
                self.seen.insert(id, span.clone());
                self.named.push((id, None));
            }
        }
    }
}

/// `[[capabilities]]`: proper names and texts, each capability listed once.
fn capabilities<'f>(
    entries: &'f [Spanned<CapabilityEntry>],
    problems: &mut Problems<'_>,
) -> Vec<PlannedCapability<'f>> {
    let mut capabilities = Vec::new();
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    for entry in entries {
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
        if let Some(first) = seen.get(&key) {
            let earlier = problems.line_of(first);
            problems.add(span, &what, format!("listed twice (also {earlier})"));
            continue;
        }
        seen.insert(key, span);
        capabilities.push(PlannedCapability {
            name: cap.name.trim(),
            description: optional_text(cap.description.as_ref()),
            family: optional_text(cap.family.as_ref()),
        });
    }
    capabilities
}

/// An optional text as the file gives it: left out keeps, empty clears.
fn optional_text(value: Option<&String>) -> Option<Option<&str>> {
    value.map(|text| Some(text.trim()).filter(|t| !t.is_empty()))
}
