//! Each decision kind's payload: what the log keeps about it, and its one constructor.
//!
//! People are named by their platform user id and capabilities by name, as they were at the
//! time (the decision row also holds the ids, in columns). Every constructor checks the same
//! limits ([`crate::domain::limits`]) whichever path the decision came by, so a form cannot store
//! what a typed command refuses.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::command::{DateRange, Hours};
use crate::domain::ids::{CapabilityId, DecisionId, ModuleId};
use crate::domain::library::{ModuleState, hours_problem, link_problem};
use crate::domain::limits::{
    BUDGET_HOURS_MAX, BUDGET_MAX, HOURS_MAX, TARGET_MAX, name_problem, text_problem,
};
use crate::domain::outcomes::Quarter;
use crate::domain::pace::Pace;
use crate::domain::{DecisionKind, Level};

/// Why a decision cannot be made as asked; the words are for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn check_text(value: &str, called: &str) -> Result<(), Invalid> {
    text_problem(value, called).map_or(Ok(()), |p| Err(Invalid(p)))
}

pub(super) fn check_optional_text(value: Option<&str>, called: &str) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| check_text(v, called))
}

pub(super) fn check_name(value: &str, called: &str) -> Result<(), Invalid> {
    name_problem(value, called).map_or(Ok(()), |p| Err(Invalid(p)))
}

/// `gap`: a skill gap named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// Who has the gap.
    pub person: String,
    /// The capability, by name.
    pub capability: String,
}

impl Gap {
    /// A gap for `person` in `capability`.
    pub fn new(person: &str, capability: &str) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        Ok(Gap {
            person: person.to_owned(),
            capability: capability.to_owned(),
        })
    }
}

/// `coach`: a coaching moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coach {
    /// Who was coached.
    pub person: String,
    /// The capability, by name.
    pub capability: String,
    /// What happened.
    #[serde(default)]
    pub note: Option<String>,
}

impl Coach {
    /// A coaching moment for `person` on `capability`.
    pub fn new(person: &str, capability: &str, note: Option<&str>) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        check_optional_text(note, "the note")?;
        Ok(Coach {
            person: person.to_owned(),
            capability: capability.to_owned(),
            note: note.map(str::to_owned),
        })
    }
}

/// `intervene`: an intervention planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervene {
    /// For whom.
    pub person: String,
    /// The capability, by name.
    pub capability: String,
    /// By what means: a module, pairing, shadowing, a stretch assignment.
    pub means: String,
    /// By when.
    #[serde(default)]
    pub due: Option<NaiveDate>,
}

impl Intervene {
    /// An intervention due on `due`, which may not be before `today` in the team's zone.
    pub fn new(
        person: &str,
        capability: &str,
        means: &str,
        due: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        check_text(means, "the means")?;
        if let Some(due) = due
            && due < today
        {
            return Err(Invalid(format!(
                "The due date {due} is in the past (today is {today})."
            )));
        }
        Ok(Intervene {
            person: person.to_owned(),
            capability: capability.to_owned(),
            means: means.to_owned(),
            due,
        })
    }
}

/// `level` and `certify`: a person's level set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelSet {
    /// Whose level.
    pub person: String,
    /// The capability, by name.
    pub capability: String,
    /// The new level.
    pub level: Level,
    /// Free text or a link.
    #[serde(default)]
    pub evidence: Option<String>,
}

impl LevelSet {
    /// `person` at `level` in `capability`.
    pub fn new(
        person: &str,
        capability: &str,
        level: Level,
        evidence: Option<&str>,
    ) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        check_optional_text(evidence, "the evidence")?;
        Ok(LevelSet {
            person: person.to_owned(),
            capability: capability.to_owned(),
            level,
            evidence: evidence.map(str::to_owned),
        })
    }
}

/// `request_track`, `approve_track`, `decline_track`: a person and a track.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackAnswer {
    /// Who asks, or is answered.
    pub person: String,
    /// The track, by name.
    pub track: String,
    /// The request's note or the refusal's reason.
    #[serde(default)]
    pub note: Option<String>,
    /// The request answered, when answered from its card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<DecisionId>,
}

impl TrackAnswer {
    /// A request, approval or refusal for `person` and `track`.
    pub fn new(
        person: &str,
        track: &str,
        note: Option<&str>,
        request: Option<DecisionId>,
    ) -> Result<Self, Invalid> {
        check_name(track, "the track's name")?;
        check_optional_text(note, "the note")?;
        Ok(TrackAnswer {
            person: person.to_owned(),
            track: track.to_owned(),
            note: note.map(str::to_owned),
            request,
        })
    }
}

/// `sequence`: the order a role family learns its capabilities in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// The role family, as written.
    pub family: String,
    /// Capabilities by name, first to learn first.
    pub capabilities: Vec<String>,
    /// The same capabilities' ids.
    #[serde(default)]
    pub capability_ids: Vec<CapabilityId>,
}

impl Sequence {
    /// The order `capabilities` (name, id) for `family`.
    pub fn new(family: &str, capabilities: &[(String, CapabilityId)]) -> Result<Self, Invalid> {
        check_name(family, "the role family")?;
        if capabilities.is_empty() {
            return Err(Invalid("Name at least one capability.".to_owned()));
        }
        Ok(Sequence {
            family: family.to_owned(),
            capabilities: capabilities.iter().map(|(n, _)| n.clone()).collect(),
            capability_ids: capabilities.iter().map(|(_, id)| *id).collect(),
        })
    }
}

/// `track … modules …` and `track order`: a team track's modules, in the order they are
/// taken; with a pace when one was set with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackModules {
    /// The track, by name.
    pub track: String,
    /// Its modules by title, first to take first.
    pub modules: Vec<String>,
    /// The same modules' ids.
    pub module_ids: Vec<ModuleId>,
    /// How often a module is expected, when set with the modules.
    #[serde(default)]
    pub pace: Option<Pace>,
}

impl TrackModules {
    /// `track` made of `modules` (title, id), in order.
    pub fn new(
        track: &str,
        modules: &[(String, ModuleId)],
        pace: Option<Pace>,
    ) -> Result<Self, Invalid> {
        check_name(track, "the track's name")?;
        if modules.is_empty() {
            return Err(Invalid("Name at least one module.".to_owned()));
        }
        Ok(TrackModules {
            track: track.to_owned(),
            modules: modules.iter().map(|(n, _)| n.clone()).collect(),
            module_ids: modules.iter().map(|(_, id)| *id).collect(),
            pace,
        })
    }
}

/// `pace`: how often a track's modules are due, for the track or one person on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPace {
    /// The track, by name.
    pub track: String,
    /// Whose pace (their platform user id); the track's when absent.
    #[serde(default)]
    pub person: Option<String>,
    /// The pace.
    pub pace: Pace,
}

/// `done`: a module of someone's track finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleDone {
    /// Who finished it (platform user id).
    pub person: String,
    /// The module, by title.
    pub module: String,
    /// Its id.
    pub module_id: ModuleId,
}

/// The kind of period learning hours are allocated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// A named sprint.
    Sprint,
    /// The week starting on a Monday.
    Week,
}

impl PeriodKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Sprint => "sprint",
            PeriodKind::Week => "week",
        }
    }
}

/// `hours`: learning hours allocated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursAllocated {
    /// For whom.
    pub person: String,
    /// How many, as people write them (`6`, `1.5`).
    #[serde(with = "hours_text")]
    pub hours: Hours,
    /// Sprint or week.
    pub period_kind: PeriodKind,
    /// The sprint's name, or the week's Monday.
    pub period: String,
}

impl HoursAllocated {
    /// `hours` for `person` in the period.
    pub fn new(
        person: &str,
        hours: Hours,
        period_kind: PeriodKind,
        period: &str,
    ) -> Result<Self, Invalid> {
        if hours.centi == 0 || hours.centi > HOURS_MAX * 100 {
            return Err(Invalid(format!(
                "Allocate between 0.01 and {HOURS_MAX} hours."
            )));
        }
        check_name(period, "the sprint's name")?;
        Ok(HoursAllocated {
            person: person.to_owned(),
            hours,
            period_kind,
            period: period.to_owned(),
        })
    }
}

/// Hours as people write them: `6`, `1.5`, `0.25`.
pub fn format_hours(hours: Hours) -> String {
    let whole = hours.centi / 100;
    match hours.centi % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Hours stored as text, `"6"` or `"1.5"`, the way people write them.
mod hours_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::command::Hours;

    pub fn serialize<S: Serializer>(hours: &Hours, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_hours(*hours))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hours, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not hours")))
    }

    pub(super) fn parse(text: &str) -> Option<Hours> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let fraction: u32 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<u32>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        Some(Hours {
            centi: whole.checked_mul(100)?.checked_add(fraction)?,
        })
    }
}

/// Optional hours stored as text, like [`hours_text`].
mod optional_hours_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::command::Hours;

    pub fn serialize<S: Serializer>(hours: &Option<Hours>, s: S) -> Result<S::Ok, S::Error> {
        match hours {
            Some(hours) => super::hours_text::serialize(hours, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Hours>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                super::hours_text::parse(&text)
                    .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not hours")))
            })
            .transpose()
    }
}

/// `mastery`: what mastery of a capability means in this team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    /// The capability, by name.
    pub capability: String,
    /// The criteria.
    pub criteria: String,
}

impl Criteria {
    /// Mastery of `capability` means `criteria`.
    pub fn new(capability: &str, criteria: &str) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        check_text(criteria, "the criteria")?;
        Ok(Criteria {
            capability: capability.to_owned(),
            criteria: criteria.to_owned(),
        })
    }
}

/// `target`: how many people a team needs at mastery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The capability, by name.
    pub capability: String,
    /// How many.
    pub target: u32,
}

impl Target {
    /// `count` people at mastery of `capability`.
    pub fn new(capability: &str, count: u32) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        if count > TARGET_MAX {
            return Err(Invalid(format!("A target is at most {TARGET_MAX} people.")));
        }
        Ok(Target {
            capability: capability.to_owned(),
            target: count,
        })
    }
}

/// `commission`: a custom module requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commission {
    /// What it should teach.
    pub title: String,
    /// Budget in whole currency units.
    #[serde(default)]
    pub budget: Option<u64>,
    /// The capability it builds, by name.
    #[serde(default)]
    pub capability: Option<String>,
    /// The channel the manager asked in, where L&D's answer is told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked_in: Option<String>,
}

impl Commission {
    /// A module called `title`.
    pub fn new(
        title: &str,
        budget: Option<u64>,
        capability: Option<&str>,
    ) -> Result<Self, Invalid> {
        check_name(title, "the module's title")?;
        if budget.is_some_and(|b| b > BUDGET_MAX) {
            return Err(Invalid(format!("A budget is at most {BUDGET_MAX}.")));
        }
        Ok(Commission {
            title: title.to_owned(),
            budget,
            capability: capability.map(str::to_owned),
            asked_in: None,
        })
    }
}

/// What a module is, besides its title and state: the capability it builds, how long it takes,
/// where it is and the level it aims at. Kept whole in `module_add` and on both sides of a
/// `module_update`, so an undo knows what to put back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFields {
    /// The capability it builds, by name.
    pub capability: String,
    /// How long it takes, as people write hours (`1.5`).
    #[serde(default, with = "optional_hours_text")]
    pub hours: Option<Hours>,
    /// An http(s) address.
    #[serde(default)]
    pub link: Option<String>,
    /// The level it brings people to: learning, practising or mastery.
    #[serde(default)]
    pub level: Option<Level>,
}

impl ModuleFields {
    /// A module building `capability`, checked as every path checks it.
    pub fn new(
        capability: &str,
        hours: Option<Hours>,
        link: Option<&str>,
        level: Option<Level>,
    ) -> Result<Self, Invalid> {
        check_name(capability, "the capability's name")?;
        if let Some(problem) = hours.and_then(|h| hours_problem(h.centi)) {
            return Err(Invalid(capitalised(&problem)));
        }
        if let Some(problem) = link.and_then(link_problem) {
            return Err(Invalid(capitalised(&problem)));
        }
        if level == Some(Level::None) {
            return Err(Invalid(
                "A module aims at learning, practising or mastery, not none.".to_owned(),
            ));
        }
        Ok(ModuleFields {
            capability: capability.to_owned(),
            hours,
            link: link.map(str::to_owned),
            level,
        })
    }
}

/// `budget`: a team's budgets for a quarter, set by an admin. What is not given keeps the value
/// an earlier decision set for the same team and quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetSet {
    /// The quarter.
    pub quarter: Quarter,
    /// Learning hours, as people write them.
    #[serde(
        default,
        with = "optional_hours_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub hours: Option<Hours>,
    /// Spend, in whole units of the workspace's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spend: Option<u64>,
}

impl BudgetSet {
    /// `hours` and `spend` for `quarter`: at least one of them.
    pub fn new(
        quarter: Quarter,
        hours: Option<Hours>,
        spend: Option<u64>,
    ) -> Result<Self, Invalid> {
        if hours.is_none() && spend.is_none() {
            return Err(Invalid(
                "Give the budget's hours, its spend, or both.".to_owned(),
            ));
        }
        if hours.is_some_and(|h| h.centi > BUDGET_HOURS_MAX * 100) {
            return Err(Invalid(format!(
                "An hours budget is at most {BUDGET_HOURS_MAX} hours a quarter."
            )));
        }
        if spend.is_some_and(|b| b > BUDGET_MAX) {
            return Err(Invalid(format!("A budget is at most {BUDGET_MAX}.")));
        }
        Ok(BudgetSet {
            quarter,
            hours,
            spend,
        })
    }
}

/// "the link …" → "The link ….", for a message that stands alone.
fn capitalised(problem: &str) -> String {
    let mut chars = problem.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

/// `module_add`: a module added to the workspace's library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleAdd {
    /// Its title, as it will be stored.
    pub title: String,
    /// What it is.
    #[serde(flatten)]
    pub fields: ModuleFields,
    /// The state it starts in: approved when an admin adds it.
    pub state: ModuleState,
}

impl ModuleAdd {
    /// A module called `title`, starting in `state`.
    pub fn new(title: &str, fields: ModuleFields, state: ModuleState) -> Result<Self, Invalid> {
        check_name(title, "the module's title")?;
        Ok(ModuleAdd {
            title: title.to_owned(),
            fields,
            state,
        })
    }
}

/// `module_update`: what a module is, changed (from `cadence.toml` or a catalogue import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleUpdate {
    /// The module's title.
    pub title: String,
    /// What it was.
    pub before: ModuleFields,
    /// What it is now.
    pub after: ModuleFields,
}

/// `module_approve` and `module_retire`: a module moved from one state to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleStateChange {
    /// The module's title.
    pub title: String,
    /// The state it was in.
    pub from: ModuleState,
    /// The state it is in now.
    pub to: ModuleState,
}

impl ModuleStateChange {
    /// `title`, in state `from`, approved: only a proposed module can be.
    pub fn approve(title: &str, from: ModuleState) -> Result<Self, Invalid> {
        let why = match from {
            ModuleState::Proposed => None,
            ModuleState::Approved => Some("is approved already"),
            ModuleState::Retired => Some("is retired; add it again under a new title"),
            ModuleState::Commissioned => Some(
                "is a commission L&D has not accepted yet; only a proposed module can be approved",
            ),
        };
        Self::to(title, from, ModuleState::Approved, why)
    }

    /// `title`, in state `from`, retired: a proposed or approved module can be.
    pub fn retire(title: &str, from: ModuleState) -> Result<Self, Invalid> {
        let why = match from {
            ModuleState::Proposed | ModuleState::Approved => None,
            ModuleState::Retired => Some("is retired already"),
            ModuleState::Commissioned => {
                Some("is a commission L&D has not accepted yet; it is answered, not retired")
            }
        };
        Self::to(title, from, ModuleState::Retired, why)
    }

    fn to(
        title: &str,
        from: ModuleState,
        to: ModuleState,
        why_not: Option<&str>,
    ) -> Result<Self, Invalid> {
        check_name(title, "the module's title")?;
        if let Some(why) = why_not {
            return Err(Invalid(format!("The module {title} {why}.")));
        }
        Ok(ModuleStateChange {
            title: title.to_owned(),
            from,
            to,
        })
    }
}

/// The longest absence recorded in one go; longer ones are almost always a typo in the year.
pub const MAX_ABSENCE_DAYS: i64 = 366;

/// `absence`: a planned absence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    /// Who.
    pub person: String,
    /// First day away.
    pub from: NaiveDate,
    /// Last day away.
    pub to: NaiveDate,
}

impl Absence {
    /// `person` away on `dates`.
    pub fn new(person: &str, dates: DateRange) -> Result<Self, Invalid> {
        let days = (dates.to - dates.from).num_days() + 1;
        if dates.to < dates.from {
            return Err(Invalid("The absence ends before it starts.".to_owned()));
        }
        if days > MAX_ABSENCE_DAYS {
            return Err(Invalid(format!(
                "That absence is {days} days long; Cadence records at most {MAX_ABSENCE_DAYS} at a time. \
                 Check the dates."
            )));
        }
        Ok(Absence {
            person: person.to_owned(),
            from: dates.from,
            to: dates.to,
        })
    }

    /// The days away.
    pub fn dates(&self) -> DateRange {
        DateRange {
            from: self.from,
            to: self.to,
        }
    }
}

/// `no_gaps`: nothing this time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NoGaps {}

/// `snooze`: a nudge put off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snooze {
    /// When the nudge is due again.
    pub until: DateTime<Utc>,
}

/// `undo`: an earlier decision reverted by a compensating one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undo {
    /// The decision reverted.
    pub reverts: DecisionId,
    /// What kind it was.
    pub kind: DecisionKind,
}

/// A ritual the attention audit proposed, bound with a click: everything the ritual is added
/// with, so the log alone explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindRitual {
    /// The ritual's kind.
    pub kind: crate::domain::ritual::RitualKind,
    /// Its name.
    pub name: String,
    /// Where its prompts go.
    pub channel: String,
    /// What starts it.
    pub triggers: Vec<crate::domain::event::Selector>,
    /// Minutes before the trigger's moment that the prompt goes out.
    #[serde(default)]
    pub before_minutes: i64,
    /// Minutes after the prompt before one nudge, if any.
    #[serde(default)]
    pub nudge_after_minutes: Option<i64>,
    /// The saved audit proposal it binds.
    pub proposal: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_print_as_typed_and_read_back() {
        assert_eq!(format_hours(Hours { centi: 600 }), "6");
        assert_eq!(format_hours(Hours { centi: 150 }), "1.5");
        assert_eq!(format_hours(Hours { centi: 25 }), "0.25");
        for centi in [600, 150, 25, 1, 100_000] {
            let allocated =
                HoursAllocated::new("U1", Hours { centi }, PeriodKind::Week, "2026-11-23")
                    .expect("valid");
            let json = serde_json::to_value(&allocated).expect("json");
            let back: HoursAllocated = serde_json::from_value(json).expect("reads");
            assert_eq!(back.hours.centi, centi);
        }
    }

    #[test]
    fn constructors_hold_every_path_to_the_same_limits() {
        let today: NaiveDate = "2026-11-25".parse().expect("date");
        let long = "x".repeat(crate::domain::limits::TEXT_MAX_CHARS + 1);
        assert!(Intervene::new("U1", "run EBR", &long, None, today).is_err());
        assert!(Intervene::new("U1", "run EBR", "pairing\u{0}", None, today).is_err());
        let yesterday = today.pred_opt().expect("day");
        assert!(Intervene::new("U1", "run EBR", "pairing", Some(yesterday), today).is_err());
        assert!(Intervene::new("U1", "run EBR", "pairing", Some(today), today).is_ok());
        assert!(Coach::new("U1", "run EBR", Some(&long)).is_err());
        assert!(Target::new("run EBR", TARGET_MAX + 1).is_err());
        assert!(HoursAllocated::new("U1", Hours { centi: 0 }, PeriodKind::Week, "w").is_err());
    }
}
