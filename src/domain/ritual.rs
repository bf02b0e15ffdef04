//! Ritual kinds: the meetings and events a team already runs (design.md §2, "ritual").
//!
//! The kind decides which prompt an occurrence gets (a retro asks for skill gaps, a QBR for three
//! interventions, a pipeline call for coaching moments) and which meetings the attention audit
//! recognises. The snake_case names are stable: they appear in commands
//! (`/cadence ritual add retro …`), in `cadence.toml` and in the database.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::model::UnknownWord;

/// What kind of ritual an occurrence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RitualKind {
    /// Sprint retrospective.
    #[serde(rename = "retro")]
    Retro,
    /// Sprint planning.
    #[serde(rename = "planning")]
    Planning,
    /// Retrospective after a release.
    #[serde(rename = "release_retro")]
    ReleaseRetro,
    /// Quarterly business review.
    #[serde(rename = "qbr")]
    Qbr,
    /// Sales pipeline call.
    #[serde(rename = "pipeline")]
    PipelineCall,
    /// Sales forecast call.
    #[serde(rename = "forecast")]
    ForecastCall,
    /// Review of one deal.
    #[serde(rename = "deal_review")]
    DealReview,
    /// Store or site review (retail, fulfilment).
    #[serde(rename = "store_review")]
    StoreReview,
    /// Post-incident review.
    #[serde(rename = "incident_review")]
    IncidentReview,
    /// A manager's one-to-one.
    #[serde(rename = "one_on_one")]
    OneOnOne,
    /// Anything else the team names itself.
    #[serde(rename = "custom")]
    Custom,
}

impl RitualKind {
    /// Every kind, in the order design.md lists them.
    pub const ALL: [RitualKind; 11] = [
        RitualKind::Retro,
        RitualKind::Planning,
        RitualKind::ReleaseRetro,
        RitualKind::Qbr,
        RitualKind::PipelineCall,
        RitualKind::ForecastCall,
        RitualKind::DealReview,
        RitualKind::StoreReview,
        RitualKind::IncidentReview,
        RitualKind::OneOnOne,
        RitualKind::Custom,
    ];

    /// The stable name used in commands, configuration and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RitualKind::Retro => "retro",
            RitualKind::Planning => "planning",
            RitualKind::ReleaseRetro => "release_retro",
            RitualKind::Qbr => "qbr",
            RitualKind::PipelineCall => "pipeline",
            RitualKind::ForecastCall => "forecast",
            RitualKind::DealReview => "deal_review",
            RitualKind::StoreReview => "store_review",
            RitualKind::IncidentReview => "incident_review",
            RitualKind::OneOnOne => "one_on_one",
            RitualKind::Custom => "custom",
        }
    }
}

impl RitualKind {
    /// What a ritual of this kind is expected to produce: `gaps`, `interventions`, `coaching` or
    /// `none` (the stored `rituals.artefact`). An occurrence without it gets at most one nudge.
    ///
    /// Moved here from `service::rituals::artefact` so that chat (`/cadence ritual add`) and
    /// configuration as code (`cadence apply`) derive the same artefact from a kind.
    pub fn artefact(self) -> &'static str {
        match self {
            RitualKind::Retro | RitualKind::ReleaseRetro | RitualKind::IncidentReview => "gaps",
            RitualKind::Qbr | RitualKind::Planning => "interventions",
            RitualKind::PipelineCall | RitualKind::ForecastCall | RitualKind::DealReview => {
                "coaching"
            }
            RitualKind::StoreReview | RitualKind::OneOnOne | RitualKind::Custom => "none",
        }
    }

    /// Minutes after the prompt before the one nudge when none is configured: retro-like
    /// kinds (whose artefact is named gaps) are nudged after [`DEFAULT_NUDGE_MINUTES`], others
    /// not at all. The same rule as `/cadence ritual add` without `nudge`.
    pub fn default_nudge_minutes(self) -> Option<i64> {
        (self.artefact() == "gaps").then_some(DEFAULT_NUDGE_MINUTES)
    }
}

/// Minutes after a retro-like prompt before its one nudge, unless configured otherwise.
pub const DEFAULT_NUDGE_MINUTES: i64 = 120;

impl fmt::Display for RitualKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RitualKind {
    type Err = UnknownWord;

    /// Accepts the stable names in any case, with `-` for `_`, and the longer spellings people
    /// type (`sprint_retro`, `pipeline_call`, `1:1`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase().replace('-', "_");
        let kind = match word.as_str() {
            "retro" | "sprint_retro" | "retrospective" => RitualKind::Retro,
            "planning" | "sprint_planning" => RitualKind::Planning,
            "release_retro" => RitualKind::ReleaseRetro,
            "qbr" => RitualKind::Qbr,
            "pipeline" | "pipeline_call" | "pipeline_review" => RitualKind::PipelineCall,
            "forecast" | "forecast_call" => RitualKind::ForecastCall,
            "deal_review" => RitualKind::DealReview,
            "store_review" => RitualKind::StoreReview,
            "incident_review" | "postmortem" => RitualKind::IncidentReview,
            "one_on_one" | "1:1" | "1on1" => RitualKind::OneOnOne,
            "custom" => RitualKind::Custom,
            _ => return Err(UnknownWord(s.to_owned())),
        };
        Ok(kind)
    }
}

/// Which moment of an occurrence gets the prompt: its start (a pre-read, an incident opened)
/// or its end (the retro that just happened), the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptOn {
    /// When the occurrence starts.
    Start,
    /// When it ends.
    #[default]
    End,
}

impl PromptOn {
    /// The stable name used in configuration and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PromptOn::Start => "start",
            PromptOn::End => "end",
        }
    }
}

impl fmt::Display for PromptOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PromptOn {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "start" => Ok(PromptOn::Start),
            "end" => Ok(PromptOn::End),
            _ => Err(UnknownWord(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_moments_round_trip() {
        for on in [PromptOn::Start, PromptOn::End] {
            assert_eq!(on.as_str().parse::<PromptOn>(), Ok(on));
        }
        assert!("later".parse::<PromptOn>().is_err());
    }

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for kind in RitualKind::ALL {
            assert_eq!(kind.as_str().parse::<RitualKind>(), Ok(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::Value::from(kind.as_str()));
            assert_eq!(serde_json::from_value::<RitualKind>(json).unwrap(), kind);
        }
    }

    #[test]
    fn artefacts_and_default_nudges_follow_the_kind() {
        assert_eq!(RitualKind::Retro.artefact(), "gaps");
        assert_eq!(RitualKind::Qbr.artefact(), "interventions");
        assert_eq!(RitualKind::PipelineCall.artefact(), "coaching");
        assert_eq!(RitualKind::OneOnOne.artefact(), "none");
        assert_eq!(
            RitualKind::IncidentReview.default_nudge_minutes(),
            Some(DEFAULT_NUDGE_MINUTES)
        );
        assert_eq!(RitualKind::Qbr.default_nudge_minutes(), None);
    }

    #[test]
    fn accepts_common_spellings_and_refuses_others() {
        assert_eq!("Pipeline-Call".parse(), Ok(RitualKind::PipelineCall));
        assert_eq!("1:1".parse(), Ok(RitualKind::OneOnOne));
        assert_eq!("QBR".parse(), Ok(RitualKind::Qbr));
        assert!("standup".parse::<RitualKind>().is_err());
    }
}
