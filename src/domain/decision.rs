//! Decisions: the append-only record of what a manager decided, and the state change each one
//! carries. The store writes the decision row and applies its [`Effect`] in one transaction, so
//! the log and the state it explains never disagree.

use chrono::{DateTime, NaiveDate, Utc};

use super::command::{DateRange, Hours};
use super::ids::{CapabilityId, OccurrenceId, PersonId, TeamId, TenantId};
use super::{DecisionKind, DecisionSource, Level};

/// A decision about to be recorded.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Whose data this is.
    pub tenant: TenantId,
    /// The team decided for, if any.
    pub team: Option<TeamId>,
    /// Which decision right was used.
    pub kind: DecisionKind,
    /// Who decided.
    pub actor: PersonId,
    /// Whom it is about, if a person.
    pub subject: Option<PersonId>,
    /// Which capability it is about, if one.
    pub capability: Option<CapabilityId>,
    /// The ritual occurrence it was made in, if any.
    pub occurrence: Option<OccurrenceId>,
    /// Where it was decided.
    pub channel: Option<String>,
    /// How it was decided.
    pub source: DecisionSource,
    /// The decision's arguments as typed, for the log and the digest.
    pub payload: serde_json::Value,
    /// What it changes.
    pub effect: Effect,
    /// A message to queue with it, in the same transaction (a card updated to show it).
    pub follow_up: Option<FollowUp>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A message a decision queues in the transaction that records it. The store names it
/// `{key_prefix}{decision id}`, so each decision queues it at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    /// Where.
    pub channel_id: String,
    /// The id of the message to replace, if it updates one.
    pub replaces: Option<String>,
    /// What to show.
    pub card: FollowUpCard,
    /// The start of the idempotency key.
    pub key_prefix: String,
}

/// The card a follow-up shows.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowUpCard {
    /// A card ready to send, as JSON.
    Ready(serde_json::Value),
    /// A track request for the managers, whose buttons answer the decision being recorded.
    TrackRequest {
        /// The requester's platform user id.
        person_id: String,
        /// The requester's name.
        person_name: String,
        /// The track.
        track: String,
        /// Why they ask.
        note: Option<String>,
    },
}

/// The state change a decision carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Nothing beyond the log entry (gaps, coaching moments).
    None,
    /// The occurrence's nudge comes back at `until`.
    SnoozeNudge {
        /// Whose nudge.
        occurrence: OccurrenceId,
        /// When it is due again.
        until: chrono::DateTime<chrono::Utc>,
    },
    /// A person's level for a capability.
    SetLevel {
        /// Whose level.
        person: PersonId,
        /// Which capability.
        capability: CapabilityId,
        /// The new level.
        level: Level,
        /// Evidence, free text or a link.
        evidence: Option<String>,
    },
    /// A planned intervention.
    PlanIntervention {
        /// The team planning it.
        team: TeamId,
        /// For whom.
        person: PersonId,
        /// For which capability.
        capability: CapabilityId,
        /// By what means.
        means: String,
        /// By when.
        due: Option<NaiveDate>,
    },
    /// A track request, approval or refusal; the track is created on first mention.
    SetTrackStatus {
        /// The person's team.
        team: TeamId,
        /// Who.
        person: PersonId,
        /// The track's name.
        track: String,
        /// The new status.
        status: TrackStatus,
        /// The request note or refusal reason.
        note: Option<String>,
    },
    /// A manager's answer to one track request, applied only if that request is still the
    /// person's open request for the track (so two answers, or an old card, cannot both land).
    AnswerTrackRequest {
        /// Who asked.
        person: PersonId,
        /// The track's name.
        track: String,
        /// Approved or declined.
        status: TrackStatus,
        /// The request decision being answered.
        request: super::ids::DecisionId,
    },
    /// The skill order for a role family in a team, replacing the previous one.
    SetSequence {
        /// The team.
        team: TeamId,
        /// The role family, as written.
        family: String,
        /// First to learn first.
        capabilities: Vec<CapabilityId>,
    },
    /// Learning hours allocated.
    AllocateHours {
        /// The team whose capacity they come from.
        team: TeamId,
        /// For whom.
        person: PersonId,
        /// How many.
        hours: Hours,
        /// `sprint` or `week`.
        period_kind: &'static str,
        /// The sprint's name or the week's Monday.
        period_label: String,
    },
    /// Local mastery criteria for a capability.
    SetCriteria {
        /// The team.
        team: TeamId,
        /// The capability.
        capability: CapabilityId,
        /// What mastery means here.
        criteria: String,
    },
    /// How many people a team needs at mastery.
    SetTarget {
        /// The team.
        team: TeamId,
        /// The capability.
        capability: CapabilityId,
        /// How many.
        count: u32,
    },
    /// A planned absence.
    AddAbsence {
        /// Who.
        person: PersonId,
        /// Which days.
        dates: DateRange,
    },
    /// A custom module requested.
    Commission {
        /// The team asking.
        team: TeamId,
        /// What it should teach.
        title: String,
        /// Budget in whole currency units.
        budget: Option<u64>,
        /// The capability it builds.
        capability: Option<CapabilityId>,
    },
}

/// Where a person stands with a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackStatus {
    /// Asked, not yet decided.
    Requested,
    /// A manager approved entry.
    Approved,
    /// A manager declined.
    Declined,
}

impl TrackStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TrackStatus::Requested => "requested",
            TrackStatus::Approved => "approved",
            TrackStatus::Declined => "declined",
        }
    }

    /// Reads a stored name.
    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "requested" => Some(TrackStatus::Requested),
            "approved" => Some(TrackStatus::Approved),
            "declined" => Some(TrackStatus::Declined),
            _ => None,
        }
    }
}
