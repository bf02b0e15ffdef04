//! Decisions: the append-only record of what a manager decided.
//!
//! A decision is one typed value, [`Decision`]: one variant per decision right, each with a
//! payload struct that is exactly what the log keeps (see [`payload`]). Every path that decides
//! (a slash command, a card, a form, `cadence apply`) builds it with the same constructor, so the
//! same rules hold whichever way it came; the store applies its effect on state in one place,
//! in the transaction that appends it, so the log and the state it explains never disagree; and
//! [`lines`] says it in words for people.

mod answers;
mod lines;
pub mod payload;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::DecisionKind;
use super::ids::{
    CapabilityId, DecisionId, OccurrenceId, PersonId, RosterVersion, TeamId, TenantId,
};
pub use answers::{Allocation, BudgetAnswer, BudgetRequest, CommissionAnswer};
pub use payload::{
    Absence, BindRitual, BudgetSet, Coach, Commission, Criteria, Gap, HoursAllocated, Intervene,
    Invalid, LevelSet, ModuleAdd, ModuleDone, ModuleFields, ModuleStateChange, ModuleUpdate,
    NoGaps, PeriodKind, Sequence, SetPace, Snooze, Target, TrackAnswer, TrackModules, Undo,
};

use super::DecisionSource;

/// What was decided: the decision right used and its arguments, typed.
///
/// Serialised adjacently tagged, so the variant name is the stored `kind` and the content the
/// stored `payload`; renaming a variant or a payload field changes the stored format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Decision {
    /// A skill gap named, usually in a retro.
    Gap(Gap),
    /// A coaching moment captured.
    Coach(Coach),
    /// An intervention planned.
    Intervene(Intervene),
    /// A person's level set.
    Level(LevelSet),
    /// A person certified at mastery.
    Certify(LevelSet),
    /// A member asked to enter a track.
    RequestTrack(TrackAnswer),
    /// A track request approved.
    ApproveTrack(TrackAnswer),
    /// A track request declined.
    DeclineTrack(TrackAnswer),
    /// The order a role family learns its capabilities in.
    Sequence(Sequence),
    /// Learning hours allocated.
    Hours(HoursAllocated),
    /// Local mastery criteria.
    Mastery(Criteria),
    /// How many people a team needs at mastery.
    Target(Target),
    /// A custom module requested.
    Commission(Commission),
    /// A planned absence.
    Absence(Absence),
    /// Nothing this time: the occurrence's artefact is delivered empty.
    NoGaps(NoGaps),
    /// A nudge put off.
    #[serde(rename = "snooze")]
    SnoozeNudge(Snooze),
    /// An earlier decision reverted.
    Undo(Undo),
    /// A ritual the attention audit proposed, bound: the ritual is added with it.
    BindRitual(BindRitual),
    /// A module added to the workspace's library.
    ModuleAdd(ModuleAdd),
    /// What a module in the library is, changed.
    ModuleUpdate(ModuleUpdate),
    /// A proposed module approved for tracks.
    ModuleApprove(ModuleStateChange),
    /// A module taken out of use.
    ModuleRetire(ModuleStateChange),
    /// A team track's modules, in order.
    TrackModules(TrackModules),
    /// How often a track's modules are due.
    Pace(SetPace),
    /// A module of a track finished.
    ModuleDone(ModuleDone),
    /// A team's budgets for a quarter, set by an admin.
    Budget(BudgetSet),
    /// An allocation over its team's budget, sent to L&D.
    RequestBudget(BudgetRequest),
    /// An over-budget request approved by L&D: the allocation is recorded.
    ApproveBudget(BudgetAnswer),
    /// An over-budget request declined by L&D.
    DeclineBudget(BudgetAnswer),
    /// A commission accepted by L&D: its module is proposed.
    AcceptCommission(CommissionAnswer),
    /// A commission sent back by L&D with the changes it needs.
    ReviseCommission(CommissionAnswer),
    /// A commission declined by L&D, with the reason.
    DeclineCommission(CommissionAnswer),
}

/// Why a stored decision could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("decision of kind `{kind}` does not read: {reason}")]
pub struct UnreadableDecision {
    /// The stored kind.
    pub kind: String,
    /// What serde said.
    pub reason: String,
}

impl Decision {
    /// The decision right this is.
    pub fn kind(&self) -> DecisionKind {
        match self {
            Decision::Gap(_) => DecisionKind::Gap,
            Decision::Coach(_) => DecisionKind::Coach,
            Decision::Intervene(_) => DecisionKind::Intervene,
            Decision::Level(_) => DecisionKind::Level,
            Decision::Certify(_) => DecisionKind::Certify,
            Decision::RequestTrack(_) => DecisionKind::RequestTrack,
            Decision::ApproveTrack(_) => DecisionKind::ApproveTrack,
            Decision::DeclineTrack(_) => DecisionKind::DeclineTrack,
            Decision::Sequence(_) => DecisionKind::Sequence,
            Decision::Hours(_) => DecisionKind::Hours,
            Decision::Mastery(_) => DecisionKind::Mastery,
            Decision::Target(_) => DecisionKind::Target,
            Decision::Commission(_) => DecisionKind::Commission,
            Decision::Absence(_) => DecisionKind::Absence,
            Decision::NoGaps(_) => DecisionKind::NoGaps,
            Decision::SnoozeNudge(_) => DecisionKind::SnoozeNudge,
            Decision::Undo(_) => DecisionKind::Undo,
            Decision::BindRitual(_) => DecisionKind::BindRitual,
            Decision::ModuleAdd(_) => DecisionKind::ModuleAdd,
            Decision::ModuleUpdate(_) => DecisionKind::ModuleUpdate,
            Decision::ModuleApprove(_) => DecisionKind::ModuleApprove,
            Decision::ModuleRetire(_) => DecisionKind::ModuleRetire,
            Decision::TrackModules(_) => DecisionKind::TrackModules,
            Decision::Pace(_) => DecisionKind::Pace,
            Decision::ModuleDone(_) => DecisionKind::ModuleDone,
            Decision::Budget(_) => DecisionKind::Budget,
            Decision::RequestBudget(_) => DecisionKind::RequestBudget,
            Decision::ApproveBudget(_) => DecisionKind::ApproveBudget,
            Decision::DeclineBudget(_) => DecisionKind::DeclineBudget,
            Decision::AcceptCommission(_) => DecisionKind::AcceptCommission,
            Decision::ReviseCommission(_) => DecisionKind::ReviseCommission,
            Decision::DeclineCommission(_) => DecisionKind::DeclineCommission,
        }
    }

    /// The payload the log keeps, as JSON.
    pub fn payload(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut tagged)) => tagged
                .remove("payload")
                .unwrap_or_else(|| serde_json::Value::Object(Default::default())),
            _ => serde_json::Value::Object(Default::default()),
        }
    }

    /// Reads a decision back from its stored kind and payload.
    pub fn from_stored(kind: &str, payload: serde_json::Value) -> Result<Self, UnreadableDecision> {
        let tagged = serde_json::json!({ "kind": kind, "payload": payload });
        serde_json::from_value(tagged).map_err(|e| UnreadableDecision {
            kind: kind.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Reads a decision back from its stored kind and payload text in one pass, without
    /// building the payload as a JSON value first: what reading the log in bulk wants.
    pub fn from_stored_text(kind: &str, payload: &str) -> Result<Self, UnreadableDecision> {
        let unreadable = |e: serde_json::Error| UnreadableDecision {
            kind: kind.to_owned(),
            reason: e.to_string(),
        };
        let tag = serde_json::to_string(kind).map_err(unreadable)?;
        serde_json::from_str(&format!("{{\"kind\":{tag},\"payload\":{payload}}}"))
            .map_err(unreadable)
    }

    /// Whether it delivers a ritual's artefact, so the occurrence stops waiting for it (and its
    /// nudge is not sent).
    pub fn delivers_artefact(&self) -> bool {
        matches!(
            self,
            Decision::Gap(_) | Decision::NoGaps(_) | Decision::Intervene(_) | Decision::Coach(_)
        )
    }
}

/// A decision about to be recorded: what was decided, and by whom, where and about what.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Whose data this is.
    pub tenant: TenantId,
    /// The team decided for, if any.
    pub team: Option<TeamId>,
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
    /// What was decided.
    pub decision: Decision,
    /// A message to queue with it, in the same transaction (a card updated to show it).
    pub follow_up: Option<FollowUp>,
    /// A key that makes the same click or form recorded once however often it arrives: a
    /// second decision with the same key is refused as a conflict.
    pub idempotency_key: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// The roster version the author's right was checked against, when that check read a
    /// cached roster: the store refuses the decision as stale if the roster changed since.
    pub roster: Option<RosterVersion>,
}

impl NewDecision {
    /// The decision right used.
    pub fn kind(&self) -> DecisionKind {
        self.decision.kind()
    }
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
    /// An over-budget request for L&D, whose buttons answer the decision being recorded.
    BudgetRequest(Box<crate::domain::budget::BudgetRequestView>),
    /// A commission for L&D, whose buttons answer the decision being recorded.
    Commission(Box<crate::domain::commission::CommissionView>),
}

/// A decision as the log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedDecision {
    /// Stored id.
    pub id: DecisionId,
    /// The team it was made for.
    pub team: Option<TeamId>,
    /// What was decided.
    pub decision: Decision,
    /// Who decided: the platform user id.
    pub actor_user_id: String,
    /// Whom it was about: the platform user id.
    pub subject_user_id: Option<String>,
    /// Where it was made.
    pub source: DecisionSource,
    /// When.
    pub at: DateTime<Utc>,
    /// The undo that reverted it, if one did.
    pub reverted_by: Option<DecisionId>,
}

impl RecordedDecision {
    /// The decision right used.
    pub fn kind(&self) -> DecisionKind {
        self.decision.kind()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Level;

    #[test]
    fn payloads_keep_the_stored_shape() {
        let gap = Decision::Gap(Gap {
            person: "U1".into(),
            capability: "run EBR".into(),
        });
        assert_eq!(gap.kind().as_str(), "gap");
        assert_eq!(
            gap.payload(),
            serde_json::json!({ "person": "U1", "capability": "run EBR" })
        );
        assert_eq!(Decision::from_stored("gap", gap.payload()), Ok(gap));
        let none = Decision::NoGaps(NoGaps {});
        assert_eq!(none.payload(), serde_json::json!({}));
        assert_eq!(
            Decision::from_stored("no_gaps", serde_json::json!({})),
            Ok(none)
        );
    }

    #[test]
    fn every_kind_reads_back_under_its_stored_name() {
        let level = LevelSet {
            person: "U1".into(),
            capability: "run EBR".into(),
            level: Level::Mastery,
            evidence: None,
        };
        for decision in [
            Decision::Level(level.clone()),
            Decision::Certify(level),
            Decision::SnoozeNudge(Snooze {
                until: "2026-11-30T09:00:00Z".parse().expect("instant"),
            }),
        ] {
            let kind = decision.kind().as_str();
            assert_eq!(
                Decision::from_stored(kind, decision.payload()),
                Ok(decision.clone())
            );
            assert_eq!(
                Decision::from_stored_text(kind, &decision.payload().to_string()),
                Ok(decision.clone())
            );
        }
        assert!(Decision::from_stored_text("level", "{}").is_err());
    }

    #[test]
    fn module_decisions_keep_their_fields_flat_and_read_back() {
        use crate::domain::command::Hours;
        use crate::domain::library::ModuleState;
        let fields = ModuleFields::new(
            "run EBR",
            Some(Hours { centi: 150 }),
            Some("https://lms.example.com/c/1"),
            Some(Level::Practising),
        )
        .expect("valid");
        let add = Decision::ModuleAdd(
            ModuleAdd::new("EBR storyline", fields.clone(), ModuleState::Approved).expect("valid"),
        );
        assert_eq!(add.kind().as_str(), "module_add");
        assert_eq!(
            add.payload(),
            serde_json::json!({
                "title": "EBR storyline", "capability": "run EBR", "hours": "1.5",
                "link": "https://lms.example.com/c/1", "level": "practising", "state": "approved"
            })
        );
        let retire = Decision::ModuleRetire(
            ModuleStateChange::retire("EBR storyline", ModuleState::Approved).expect("valid"),
        );
        let update = Decision::ModuleUpdate(ModuleUpdate {
            title: "EBR storyline".into(),
            before: fields.clone(),
            after: ModuleFields::new("run EBR", None, None, None).expect("valid"),
        });
        for decision in [add, retire, update] {
            let kind = decision.kind().as_str();
            assert_eq!(
                Decision::from_stored(kind, decision.payload()),
                Ok(decision.clone())
            );
        }
        assert!(ModuleStateChange::approve("x", ModuleState::Approved).is_err());
        assert!(ModuleStateChange::retire("x", ModuleState::Retired).is_err());
        assert!(ModuleFields::new("run EBR", None, Some("ftp://x"), None).is_err());
        assert!(ModuleFields::new("run EBR", Some(Hours { centi: 0 }), None, None).is_err());
        assert!(ModuleFields::new("run EBR", None, None, Some(Level::None)).is_err());
    }

    #[test]
    fn rows_written_before_typed_payloads_still_read() {
        let old = serde_json::json!({
            "person": "U1", "capability": "run EBR", "means": "pairing", "due": null
        });
        assert!(Decision::from_stored("intervene", old).is_ok());
        let old = serde_json::json!({ "until": "2026-11-30T09:00:00+00:00" });
        assert!(Decision::from_stored("snooze", old).is_ok());
        let old = serde_json::json!({ "person": "U1", "hours": "6", "period_kind": "sprint", "period": "Sprint 42" });
        assert!(Decision::from_stored("hours", old).is_ok());
        assert!(Decision::from_stored("gap", serde_json::json!({ "n": 1 })).is_err());
    }
}
