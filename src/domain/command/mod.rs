//! The `/cadence` command grammar (design.md §3), shared by Slack and Teams.
//!
//! Input is a [`CommandText`]: the characters the person typed, with the people, channels and
//! links their platform resolved as whole pieces. Each platform's adapter makes it from its own
//! markup (Slack's escaped `<@U123|alice>`, Teams' `<at>Alice</at>` with mention entities), so
//! there is one grammar and it knows no platform.
//!
//! [`parse`] turns it into a typed [`CommandLine`] or a [`ParseError`] that says what was wrong,
//! where, and how the subcommand is written. [`CommandLine::to_command_text`] writes the command
//! back, so `parse(&line.to_command_text()) == Ok(line)`; its `Display` shows it as the person
//! sees it.

mod help;
mod lexer;
mod parser;
mod render;
mod table;
mod text;

use chrono::NaiveDate;

use crate::domain::outcomes::Quarter;
use crate::domain::pace::Pace;
use crate::domain::settings::OverBudget;

pub use help::{HelpEntry, help_topic, help_topics, overview, usage_for};
pub use lexer::display_text;
pub use parser::parse;
pub use parser::{
    BUDGET_HOURS_MAX, BUDGET_MAX, HOURS_MAX, NAME_MAX_CHARS, NUDGE_MAX_MINUTES, RITUAL_ID_MAX,
    TARGET_MAX, TEXT_MAX_CHARS,
};
pub use table::{SPECS, Spec, Subcommand, top_level_words};
pub use text::{CommandText, Piece};

/// A parsed command: what to do, and for which team if named with `team:<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    /// The team named with `team:<name>`; otherwise the channel's team.
    pub team: Option<String>,
    /// What to do.
    pub command: Command,
}

/// A chat user named in a command, as the platform identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserRef {
    /// The platform's user id (`U123ABC` in Slack, the AAD or Bot Framework id in Teams).
    pub id: String,
    /// The name the platform showed with the mention, if any.
    pub label: Option<String>,
}

/// A channel named in a command.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelRef {
    /// The platform's channel id (`C123ABC`).
    pub id: String,
    /// The channel's name as the platform showed it, if any.
    pub label: Option<String>,
}

/// A number of hours with up to two decimals, kept exact as hundredths of an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hours {
    /// Hundredths of an hour: 650 is 6.5 hours.
    pub centi: u32,
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day, on or after `from`.
    pub to: NaiveDate,
}

/// The period learning hours are allocated in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Period {
    /// A named sprint: `sprint "Sprint 42"`.
    Sprint(String),
    /// The week starting on the given Monday: `week 2026-11-30`.
    Week(NaiveDate),
}

/// What changes about a team's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipChange {
    /// `team add @a @b`: the people join as members.
    Add,
    /// `team remove @a`: the people leave the team.
    Remove,
    /// `team managers @a @b`: the team's managers become exactly these people.
    Managers,
}

/// Whether, and when, a ritual's prompt is followed by its one nudge if the artefact is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nudge {
    /// `nudge off`: never nudge.
    Off,
    /// `nudge 120`: nudge this many minutes after the prompt, 1 to [`NUDGE_MAX_MINUTES`] (a week).
    AfterMinutes(u32),
}

/// One `/cadence` subcommand with its arguments, fully typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help [topic]`.
    Help {
        /// A subcommand to explain, if asked.
        topic: Option<String>,
    },
    /// `gap @person "capability"`: a skill gap named.
    Gap {
        /// Who has the gap.
        person: UserRef,
        /// The capability, by name.
        capability: String,
    },
    /// `coach @person "capability" ["note"]`: a coaching moment.
    Coach {
        /// Who is coached.
        person: UserRef,
        /// The capability, by name.
        capability: String,
        /// What happened.
        note: Option<String>,
    },
    /// `intervene @person "capability" via "means" [by YYYY-MM-DD]`: an intervention planned.
    Intervene {
        /// Who it is for.
        person: UserRef,
        /// The capability, by name.
        capability: String,
        /// How: a module, pairing, shadowing, a stretch assignment.
        means: String,
        /// When it is due.
        due: Option<NaiveDate>,
    },
    /// `level @person "capability" LEVEL ["evidence"]`.
    Level {
        /// Whose level.
        person: UserRef,
        /// The capability, by name.
        capability: String,
        /// The new level.
        level: crate::domain::Level,
        /// Free text or a link.
        evidence: Option<String>,
    },
    /// `certify @person "capability" ["evidence"]`: level set to mastery as a certification.
    Certify {
        /// Who is certified.
        person: UserRef,
        /// The capability, by name.
        capability: String,
        /// Free text or a link.
        evidence: Option<String>,
    },
    /// `approve @person track "name"`.
    Approve {
        /// Who enters the track.
        person: UserRef,
        /// The track, by name.
        track: String,
    },
    /// `decline @person track "name" ["reason"]`.
    Decline {
        /// Whose request is declined.
        person: UserRef,
        /// The track, by name.
        track: String,
        /// Why, shown to the person.
        reason: Option<String>,
    },
    /// `request track "name" ["note"]`: a member asks to enter a track.
    Request {
        /// The track, by name.
        track: String,
        /// Why the member wants it.
        note: Option<String>,
    },
    /// `sequence FAMILY: a > b > "c d"`: the order skills are learned in for a role family.
    Sequence {
        /// The role family, e.g. `backend` or `account exec`.
        family: String,
        /// Capabilities, first to learn first; at least one.
        capabilities: Vec<String>,
    },
    /// `hours @person N [sprint "name" | week YYYY-MM-DD]`: learning hours allocated.
    Hours {
        /// Whose hours.
        person: UserRef,
        /// How many.
        hours: Hours,
        /// In which period; none means the current week.
        period: Option<Period>,
    },
    /// `mastery "capability" "criteria"`: local mastery criteria.
    Mastery {
        /// The capability, by name.
        capability: String,
        /// What mastery means in this team.
        criteria: String,
    },
    /// `target "capability" N`: how many people the team needs at mastery.
    Target {
        /// The capability, by name.
        capability: String,
        /// How many people, zero allowed.
        count: u32,
    },
    /// `away @person YYYY-MM-DD[..YYYY-MM-DD]`: a planned absence.
    Away {
        /// Who is away.
        person: UserRef,
        /// The days away, inclusive.
        dates: DateRange,
    },
    /// `commission "title" [budget N] [for "capability"]`: request a custom module.
    Commission {
        /// What the module should teach.
        title: String,
        /// Budget in whole currency units.
        budget: Option<u64>,
        /// The capability it builds, by name.
        capability: Option<String>,
    },
    /// `coverage ["capability"]`: the outcome view, now.
    Coverage {
        /// Only this capability, if named.
        capability: Option<String>,
    },
    /// `me`: my capabilities, tracks and requests.
    Me,
    /// `digest`: this week's capability digest, shown only to the asker.
    Digest,
    /// `team create NAME [managers @a…] [members @b…] [tz ZONE] [channel #c]`.
    TeamCreate {
        /// The team's name.
        name: String,
        /// Managers; none means the author.
        managers: Vec<UserRef>,
        /// Members.
        members: Vec<UserRef>,
        /// Time zone; none means UTC.
        tz: Option<chrono_tz::Tz>,
        /// Home channel; none means the channel the command runs in.
        channel: Option<ChannelRef>,
    },
    /// `team add|remove|managers @a…`.
    TeamMembers {
        /// What changes.
        change: MembershipChange,
        /// Who; at least one.
        people: Vec<UserRef>,
    },
    /// `capability add "name" ["description"] [family:"role family"]`.
    CapabilityAdd {
        /// The capability's name.
        name: String,
        /// What it means, and the default mastery criteria.
        description: Option<String>,
        /// The role family it belongs to.
        family: Option<String>,
    },
    /// `ritual add KIND #channel on SELECTOR [SELECTOR…] [name "…"] [nudge MINUTES | nudge off]`.
    RitualAdd {
        /// What kind of ritual, which decides its prompt.
        kind: crate::domain::ritual::RitualKind,
        /// Where its prompts are posted; none means the channel the command is typed in (Teams
        /// has no way to write another channel into a message).
        channel: Option<ChannelRef>,
        /// The events that start an occurrence, any of them, none twice; at least one unless
        /// the ritual has a schedule.
        triggers: Vec<crate::domain::event::Selector>,
        /// A five-field cron schedule in the team's time zone that starts it too, checked and
        /// written in its normal form (see [`crate::domain::schedule::Schedule`]).
        schedule: Option<String>,
        /// With a schedule: minutes before the scheduled time to post the prompt.
        before: Option<u32>,
        /// What the ritual is called; none means a name made from the team and the kind.
        name: Option<String>,
        /// When to nudge; none means the kind's default.
        nudge: Option<Nudge>,
    },
    /// `ritual list`: the team's rituals with their ids.
    RitualList,
    /// `ritual pause ID`: the ritual's events start nothing until it is resumed.
    RitualPause {
        /// The ritual's id, as `ritual list` shows it.
        id: u64,
    },
    /// `ritual resume ID`: a paused ritual starts again.
    RitualResume {
        /// The ritual's id, as `ritual list` shows it.
        id: u64,
    },
    /// `undo`: reverts the author's own last decision in this team, within a day.
    Undo,
    /// `audit`: the latest attention audit's top three rituals, with the lines that bind them.
    Audit,
    /// `org [family:"…"] [quarter 2026Q4]`: the organisation's scoreboard (admins).
    Org {
        /// Count only capabilities of this role family.
        family: Option<String>,
        /// The quarter; the current one when not given.
        quarter: Option<Quarter>,
    },
    /// `settings [learning-channel #c] [currency XXX] [over-budget refuse|request]`: the
    /// workspace's settings (admins); with nothing after it, shows them.
    Settings {
        /// The channel L&D works in.
        ld_channel: Option<ChannelRef>,
        /// The currency budgets are kept in (ISO 4217, capitals).
        currency: Option<String>,
        /// What an allocation over budget does.
        over_budget: Option<OverBudget>,
    },
    /// `source add KIND`: a new event source of this workspace's own (admins), answered
    /// privately with its URL and secret.
    SourceAdd {
        /// What will send to it.
        kind: crate::domain::event::Source,
    },
    /// `source list`: the workspace's own event sources (admins).
    SourceList,
    /// `source rotate ID`: a new secret for the source; the old one works for a day more.
    SourceRotate {
        /// The source's id.
        id: String,
    },
    /// `source remove ID`: the source stops being accepted.
    SourceRemove {
        /// The source's id.
        id: String,
    },
    /// `track "name" modules "A" > "B" [pace 2/week]`: a team track made of approved modules,
    /// in the order they are taken.
    TrackCompose {
        /// The track's name.
        track: String,
        /// Its modules by title, in order.
        modules: Vec<String>,
        /// How often a module is expected, if set.
        pace: Option<Pace>,
    },
    /// `track order "name" "B" > "A"`: the track's modules in a new order.
    TrackOrder {
        /// The track's name.
        track: String,
        /// Every module of the track, by title, in the new order.
        modules: Vec<String>,
    },
    /// `pace [@person] "track" 1/sprint`: the track's pace, or one person's on it.
    Pace {
        /// Whose pace; the track's when not given.
        person: Option<UserRef>,
        /// The track's name.
        track: String,
        /// The pace.
        pace: Pace,
    },
    /// `done [@person] "module"`: a module finished (by the author, or by someone their
    /// manager names).
    Done {
        /// Who finished it; the author when not given.
        person: Option<UserRef>,
        /// The module's title.
        module: String,
    },
    /// `module add "title" for "capability" [hours N] [link URL] [level LEVEL]`: a module added
    /// to the workspace's library (admins).
    ModuleAdd {
        /// The module's title.
        title: String,
        /// The capability it builds, by name.
        capability: String,
        /// How long it takes.
        hours: Option<Hours>,
        /// Where it is: an http(s) address.
        link: Option<String>,
        /// The level it brings people to: learning, practising or mastery.
        level: Option<crate::domain::Level>,
    },
    /// `module list [for "capability"]`: the library's modules.
    ModuleList {
        /// Only the modules building this capability.
        capability: Option<String>,
    },
    /// `module retire "title"`: a module taken out of use (admins).
    ModuleRetire {
        /// The module's title.
        title: String,
    },
    /// `module approve "title"`: a proposed module approved for tracks (admins).
    ModuleApprove {
        /// The module's title.
        title: String,
    },
    /// `budget [hours N] [spend N] [quarter 2026Q4]`: a team's budgets for a quarter, set by
    /// admins; with no amounts, shows them with what is used and left.
    Budget {
        /// Learning hours for the quarter.
        hours: Option<Hours>,
        /// Spend for the quarter, in whole units of the workspace's currency.
        spend: Option<u64>,
        /// The quarter; the current one when not given.
        quarter: Option<Quarter>,
    },
    /// `scorecard [@manager] [quarter 2026Q4]`: a manager's scorecard (their own, or anyone's
    /// for admins).
    Scorecard {
        /// Whose; the author's own when not given.
        manager: Option<UserRef>,
        /// The quarter; the current one when not given.
        quarter: Option<Quarter>,
    },
}

/// Why a command could not be read. Nothing is recorded for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What was wrong, in words for the person who typed it.
    pub message: String,
    /// The offending piece of input, as typed (unescaped), if there is one.
    pub found: Option<String>,
    /// Character offset of the offending piece in the (unescaped) input, if known.
    pub at: Option<usize>,
    /// The subcommand being parsed, if the parser got that far, for its usage line.
    pub subcommand: Option<Subcommand>,
}

impl Command {
    /// Everyone the command names, in order of appearance.
    pub fn people(&self) -> Vec<&UserRef> {
        match self {
            Command::Gap { person, .. }
            | Command::Coach { person, .. }
            | Command::Intervene { person, .. }
            | Command::Level { person, .. }
            | Command::Certify { person, .. }
            | Command::Approve { person, .. }
            | Command::Decline { person, .. }
            | Command::Hours { person, .. }
            | Command::Away { person, .. } => vec![person],
            Command::Scorecard { manager, .. } => manager.iter().collect(),
            Command::Pace { person, .. } | Command::Done { person, .. } => person.iter().collect(),
            Command::TeamCreate {
                managers, members, ..
            } => managers.iter().chain(members).collect(),
            Command::TeamMembers { people, .. } => people.iter().collect(),
            Command::Help { .. }
            | Command::Request { .. }
            | Command::Sequence { .. }
            | Command::Mastery { .. }
            | Command::Target { .. }
            | Command::Commission { .. }
            | Command::Coverage { .. }
            | Command::Me
            | Command::Digest
            | Command::CapabilityAdd { .. }
            | Command::RitualAdd { .. }
            | Command::RitualList
            | Command::RitualPause { .. }
            | Command::RitualResume { .. }
            | Command::Undo
            | Command::Audit
            | Command::Org { .. }
            | Command::Settings { .. }
            | Command::SourceAdd { .. }
            | Command::SourceList
            | Command::SourceRotate { .. }
            | Command::SourceRemove { .. }
            | Command::TrackCompose { .. }
            | Command::TrackOrder { .. }
            | Command::ModuleAdd { .. }
            | Command::ModuleList { .. }
            | Command::ModuleRetire { .. }
            | Command::ModuleApprove { .. }
            | Command::Budget { .. } => Vec::new(),
        }
    }
}
