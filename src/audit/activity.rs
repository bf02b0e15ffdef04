//! What Cadence itself knows about a ritual, when the caller has it: decisions recorded per
//! occurrence and the share of prompts answered. The audit shows it beside the series and
//! treats a series that already has it as attached; reading it from the database is the
//! caller's job (`--cadence-data FILE` reads the same shape from JSON meanwhile).

use serde::{Deserialize, Serialize};

use super::series::normalized_title;

/// Cadence's record of one ritual, matched to a series by UID or by title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RitualActivity {
    /// The series' UID, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Otherwise its title (compared without case, digits and punctuation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Occurrences Cadence saw.
    pub occurrences: u32,
    /// Decisions recorded per occurrence.
    pub decisions_per_occurrence: f64,
    /// Share of occurrences whose prompt was answered, 0 to 1.
    pub answered_share: f64,
}

/// Cadence's records for several rituals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceData {
    /// One entry per ritual.
    pub rituals: Vec<RitualActivity>,
}

impl CadenceData {
    /// The record for a series with this UID (if recurring) and title.
    pub fn find(&self, uid: Option<&str>, title: &str) -> Option<&RitualActivity> {
        let by_uid =
            uid.and_then(|uid| self.rituals.iter().find(|r| r.uid.as_deref() == Some(uid)));
        by_uid.or_else(|| {
            let wanted = normalized_title(title);
            self.rituals.iter().find(|r| {
                r.uid.is_none()
                    && r.title
                        .as_deref()
                        .is_some_and(|t| normalized_title(t) == wanted)
            })
        })
    }
}
