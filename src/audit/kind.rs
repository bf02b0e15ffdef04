//! What a recurring meeting is for: the audit's meeting kinds, and how each maps onto the
//! ritual kinds Cadence's grammar knows (`/cadence ritual add KIND …`).
//!
//! The audit needs a few kinds the grammar does not (stand-ups, hiring loops, everything else):
//! they are counted, so leadership sees where the hours go, but no ritual is suggested for them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::ritual::RitualKind;

/// The kind of a meeting series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Sprint or release retrospective.
    Retro,
    /// Sprint, PI or roadmap planning.
    Planning,
    /// Daily stand-up.
    Standup,
    /// Quarterly (or monthly, executive) business review.
    Qbr,
    /// Sales pipeline review.
    Pipeline,
    /// Sales forecast or commit call.
    Forecast,
    /// Review of one deal.
    DealReview,
    /// Store, site or operations review.
    StoreReview,
    /// A manager's one-to-one.
    OneOnOne,
    /// Post-incident review.
    IncidentReview,
    /// Interviews and hiring debriefs.
    Hiring,
    /// Anything else.
    Other,
}

impl MeetingKind {
    /// Every kind, in report order.
    pub const ALL: [MeetingKind; 12] = [
        MeetingKind::Retro,
        MeetingKind::Planning,
        MeetingKind::Qbr,
        MeetingKind::Pipeline,
        MeetingKind::Forecast,
        MeetingKind::DealReview,
        MeetingKind::StoreReview,
        MeetingKind::IncidentReview,
        MeetingKind::OneOnOne,
        MeetingKind::Standup,
        MeetingKind::Hiring,
        MeetingKind::Other,
    ];

    /// The stable snake_case name used in rules files, JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Retro => "retro",
            MeetingKind::Planning => "planning",
            MeetingKind::Standup => "standup",
            MeetingKind::Qbr => "qbr",
            MeetingKind::Pipeline => "pipeline",
            MeetingKind::Forecast => "forecast",
            MeetingKind::DealReview => "deal_review",
            MeetingKind::StoreReview => "store_review",
            MeetingKind::OneOnOne => "one_on_one",
            MeetingKind::IncidentReview => "incident_review",
            MeetingKind::Hiring => "hiring",
            MeetingKind::Other => "other",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::Retro => "Retro",
            MeetingKind::Planning => "Planning",
            MeetingKind::Standup => "Stand-up",
            MeetingKind::Qbr => "Business review",
            MeetingKind::Pipeline => "Pipeline review",
            MeetingKind::Forecast => "Forecast call",
            MeetingKind::DealReview => "Deal review",
            MeetingKind::StoreReview => "Store / ops review",
            MeetingKind::OneOnOne => "1:1",
            MeetingKind::IncidentReview => "Incident review",
            MeetingKind::Hiring => "Hiring",
            MeetingKind::Other => "Other",
        }
    }

    /// The ritual kind `/cadence ritual add` takes for this kind; `None` where Cadence has no
    /// prompt worth attaching (stand-ups, hiring, other).
    pub fn ritual_kind(self) -> Option<RitualKind> {
        Some(match self {
            MeetingKind::Retro => RitualKind::Retro,
            MeetingKind::Planning => RitualKind::Planning,
            MeetingKind::Qbr => RitualKind::Qbr,
            MeetingKind::Pipeline => RitualKind::PipelineCall,
            MeetingKind::Forecast => RitualKind::ForecastCall,
            MeetingKind::DealReview => RitualKind::DealReview,
            MeetingKind::StoreReview => RitualKind::StoreReview,
            MeetingKind::OneOnOne => RitualKind::OneOnOne,
            MeetingKind::IncidentReview => RitualKind::IncidentReview,
            MeetingKind::Standup | MeetingKind::Hiring | MeetingKind::Other => return None,
        })
    }

    /// How much this kind of meeting sets priorities, from 0 to 1: the first factor of the
    /// ranking. Planning and review rituals decide what the team does next, which is where
    /// capability decisions belong; a 1:1 decides about one person; a stand-up coordinates.
    pub fn decision_weight(self) -> f64 {
        match self {
            MeetingKind::Qbr | MeetingKind::Planning | MeetingKind::Retro => 1.0,
            MeetingKind::Pipeline | MeetingKind::Forecast | MeetingKind::StoreReview => 0.9,
            MeetingKind::DealReview | MeetingKind::IncidentReview => 0.8,
            MeetingKind::OneOnOne => 0.5,
            MeetingKind::Standup | MeetingKind::Hiring | MeetingKind::Other => 0.0,
        }
    }
}

impl fmt::Display for MeetingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no meeting kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a meeting kind; use one of retro, planning, standup, qbr, pipeline, forecast, deal_review, store_review, one_on_one, incident_review, hiring, other"
)]
pub struct UnknownKind(pub String);

impl FromStr for MeetingKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase().replace('-', "_");
        MeetingKind::ALL
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ritual_kinds_are_the_grammars() {
        for kind in MeetingKind::ALL {
            assert_eq!(kind.as_str().parse::<MeetingKind>(), Ok(kind));
            if let Some(ritual) = kind.ritual_kind() {
                // The line the audit prints must parse in `/cadence ritual add`.
                assert_eq!(ritual.as_str().parse::<RitualKind>(), Ok(ritual));
                assert!(kind.decision_weight() > 0.0);
            } else {
                assert_eq!(kind.decision_weight(), 0.0);
            }
        }
        assert!("meeting".parse::<MeetingKind>().is_err());
    }
}
