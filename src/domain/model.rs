//! The core vocabulary of design.md §2 that every layer shares: platforms, levels and decision
//! kinds. Identifiers of stored rows live in the store; these are the words.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The chat platform a tenant lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// A Slack workspace or Enterprise Grid organisation.
    Slack,
    /// A Microsoft Teams (Entra ID) tenant.
    Teams,
}

impl Platform {
    /// Every platform Cadence speaks.
    pub const ALL: [Platform; 2] = [Platform::Slack, Platform::Teams];

    /// Reads a stored name; `None` for a platform this build does not know.
    pub fn parse(stored: &str) -> Option<Self> {
        Platform::ALL.into_iter().find(|p| p.as_str() == stored)
    }

    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Teams => "teams",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a person has come with a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not started.
    None,
    /// Learning: following a module, shadowing.
    Learning,
    /// Practising under supervision.
    Practising,
    /// Can do it to the team's mastery criteria without escalation.
    Mastery,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [
        Level::None,
        Level::Learning,
        Level::Practising,
        Level::Mastery,
    ];

    /// The stable name used in commands and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Learning => "learning",
            Level::Practising => "practising",
            Level::Mastery => "mastery",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = UnknownWord;

    /// Accepts the stored names and the common American spelling `practicing`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(Level::None),
            "learning" => Ok(Level::Learning),
            "practising" | "practicing" => Ok(Level::Practising),
            "mastery" | "master" => Ok(Level::Mastery),
            _ => Err(UnknownWord(s.to_owned())),
        }
    }
}

/// A word that names none of the values it was read as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown word `{0}`")]
pub struct UnknownWord(pub String);

/// The manager decision rights of the operating model; every decision row has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// A skill gap named, usually in a retro.
    Gap,
    /// A coaching moment captured, usually in a pipeline call.
    Coach,
    /// An intervention planned.
    Intervene,
    /// A person's level set.
    Level,
    /// A person certified (level set to mastery with evidence).
    Certify,
    /// A track request approved.
    ApproveTrack,
    /// A track request declined.
    DeclineTrack,
    /// A member asked to enter a track (a request, recorded like a decision so it is auditable).
    RequestTrack,
    /// Skill order for a role family.
    Sequence,
    /// Learning hours allocated in a sprint or period.
    Hours,
    /// Local mastery criteria for a capability.
    Mastery,
    /// How many people a team needs at mastery.
    Target,
    /// A custom module requested, with a budget.
    Commission,
    /// A planned absence.
    Absence,
    /// Explicitly no gaps this time (silences the nudge).
    NoGaps,
    /// A nudge put off until the next working morning.
    #[serde(rename = "snooze")]
    SnoozeNudge,
    /// An earlier decision reverted by its author.
    Undo,
    /// A ritual the attention audit proposed, bound with a click.
    BindRitual,
    /// A module added to the workspace's library (admins).
    ModuleAdd,
    /// What a module in the library is, changed (configuration files and catalogue imports).
    ModuleUpdate,
    /// A proposed module approved for tracks (admins).
    ModuleApprove,
    /// A module taken out of use (admins).
    ModuleRetire,
    /// A team track's modules, in order.
    TrackModules,
    /// How often a track's modules are due.
    Pace,
    /// A module of a track finished.
    ModuleDone,
    /// A team's learning-hours and spend budgets for a quarter, set by an admin.
    Budget,
    /// An allocation over budget, sent to L&D as a request.
    RequestBudget,
    /// An over-budget request approved by L&D (the allocation is recorded with it).
    ApproveBudget,
    /// An over-budget request declined by L&D.
    DeclineBudget,
    /// A commission accepted by L&D (its module becomes proposed).
    AcceptCommission,
    /// A commission sent back by L&D with the changes it needs.
    ReviseCommission,
    /// A commission declined by L&D.
    DeclineCommission,
}

impl DecisionKind {
    /// Every kind.
    pub const ALL: [DecisionKind; 32] = [
        DecisionKind::Gap,
        DecisionKind::Coach,
        DecisionKind::Intervene,
        DecisionKind::Level,
        DecisionKind::Certify,
        DecisionKind::ApproveTrack,
        DecisionKind::DeclineTrack,
        DecisionKind::RequestTrack,
        DecisionKind::Sequence,
        DecisionKind::Hours,
        DecisionKind::Mastery,
        DecisionKind::Target,
        DecisionKind::Commission,
        DecisionKind::Absence,
        DecisionKind::NoGaps,
        DecisionKind::SnoozeNudge,
        DecisionKind::Undo,
        DecisionKind::BindRitual,
        DecisionKind::ModuleAdd,
        DecisionKind::ModuleUpdate,
        DecisionKind::ModuleApprove,
        DecisionKind::ModuleRetire,
        DecisionKind::TrackModules,
        DecisionKind::Pace,
        DecisionKind::ModuleDone,
        DecisionKind::Budget,
        DecisionKind::RequestBudget,
        DecisionKind::ApproveBudget,
        DecisionKind::DeclineBudget,
        DecisionKind::AcceptCommission,
        DecisionKind::ReviseCommission,
        DecisionKind::DeclineCommission,
    ];

    /// The stable name stored in the decision log.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Gap => "gap",
            DecisionKind::Coach => "coach",
            DecisionKind::Intervene => "intervene",
            DecisionKind::Level => "level",
            DecisionKind::Certify => "certify",
            DecisionKind::ApproveTrack => "approve_track",
            DecisionKind::DeclineTrack => "decline_track",
            DecisionKind::RequestTrack => "request_track",
            DecisionKind::Sequence => "sequence",
            DecisionKind::Hours => "hours",
            DecisionKind::Mastery => "mastery",
            DecisionKind::Target => "target",
            DecisionKind::Commission => "commission",
            DecisionKind::Absence => "absence",
            DecisionKind::NoGaps => "no_gaps",
            DecisionKind::SnoozeNudge => "snooze",
            DecisionKind::Undo => "undo",
            DecisionKind::BindRitual => "bind_ritual",
            DecisionKind::ModuleAdd => "module_add",
            DecisionKind::ModuleUpdate => "module_update",
            DecisionKind::ModuleApprove => "module_approve",
            DecisionKind::ModuleRetire => "module_retire",
            DecisionKind::TrackModules => "track_modules",
            DecisionKind::Pace => "pace",
            DecisionKind::ModuleDone => "module_done",
            DecisionKind::Budget => "budget",
            DecisionKind::RequestBudget => "request_budget",
            DecisionKind::ApproveBudget => "approve_budget",
            DecisionKind::DeclineBudget => "decline_budget",
            DecisionKind::AcceptCommission => "accept_commission",
            DecisionKind::ReviseCommission => "revise_commission",
            DecisionKind::DeclineCommission => "decline_commission",
        }
    }
}

impl FromStr for DecisionKind {
    type Err = UnknownWord;

    /// Reads a stored name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DecisionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownWord(s.to_owned()))
    }
}

impl fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSource {
    /// `/cadence …` in Slack or `@Cadence …` in Teams.
    SlashCommand,
    /// A click or form on an interactive card.
    Card,
    /// Slack App Home or the Teams personal tab.
    AppHome,
    /// Configuration as code or another program.
    Api,
}

impl DecisionSource {
    /// Reads a stored name.
    pub fn parse(stored: &str) -> Option<Self> {
        [
            DecisionSource::SlashCommand,
            DecisionSource::Card,
            DecisionSource::AppHome,
            DecisionSource::Api,
        ]
        .into_iter()
        .find(|source| source.as_str() == stored)
    }

    /// The stable name stored in the decision log.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionSource::SlashCommand => "slash_command",
            DecisionSource::Card => "card",
            DecisionSource::AppHome => "app_home",
            DecisionSource::Api => "api",
        }
    }
}

/// Normalises a name for case- and space-insensitive lookups ("Run  EBR" finds "run EBR").
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_both_spellings_and_order_by_progress() {
        assert_eq!("practicing".parse::<Level>(), Ok(Level::Practising));
        assert_eq!("Mastery".parse::<Level>(), Ok(Level::Mastery));
        assert!("expert".parse::<Level>().is_err());
        assert!(Level::Learning < Level::Mastery);
    }

    #[test]
    fn name_keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  Run   EBR "), "run ebr");
    }
}
