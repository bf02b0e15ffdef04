//! Pace: how often someone on a track is expected to finish a module — `2/week`, `1/sprint`.
//! Set for a track and, where a person needs another rhythm, for them on it; reminders follow it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The most modules a pace may ask for in one period.
pub const PACE_MAX: u32 = 10;

/// How many modules per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pace {
    /// Modules per period, 1 to [`PACE_MAX`].
    pub modules: u32,
    /// The period.
    pub per: PacePeriod,
}

/// The period a pace counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PacePeriod {
    /// A calendar week (Monday to Sunday in the team's zone).
    Week,
    /// Two weeks, a sprint's usual length.
    Sprint,
}

impl PacePeriod {
    /// The word used in commands and stored payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            PacePeriod::Week => "week",
            PacePeriod::Sprint => "sprint",
        }
    }

    /// Its length in days.
    pub fn days(self) -> i64 {
        match self {
            PacePeriod::Week => 7,
            PacePeriod::Sprint => 14,
        }
    }
}

/// Why a pace did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a pace; write modules per week or sprint, like 2/week or 1/sprint (at most {PACE_MAX})"
)]
pub struct BadPace(pub String);

impl FromStr for Pace {
    type Err = BadPace;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadPace(text.to_owned());
        let (count, period) = text.trim().split_once('/').ok_or_else(bad)?;
        let modules: u32 = count.parse().map_err(|_| bad())?;
        if modules == 0 || modules > PACE_MAX || count.starts_with('+') || count.starts_with('0') {
            return Err(bad());
        }
        let per = match period.to_ascii_lowercase().as_str() {
            "week" => PacePeriod::Week,
            "sprint" => PacePeriod::Sprint,
            _ => return Err(bad()),
        };
        Ok(Pace { modules, per })
    }
}

impl fmt::Display for Pace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.modules, self.per.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_read_as_written_and_print_back() {
        for text in ["2/week", "1/sprint", "10/week"] {
            let pace: Pace = text.parse().expect(text);
            assert_eq!(pace.to_string(), text);
        }
        assert_eq!(
            "3/Week".parse::<Pace>().map(|p| p.to_string()),
            Ok("3/week".into())
        );
        for bad in [
            "",
            "2",
            "week",
            "0/week",
            "11/week",
            "2/month",
            "+2/week",
            "02/week",
            "-1/sprint",
            "2/",
        ] {
            assert!(bad.parse::<Pace>().is_err(), "{bad} should not read");
        }
    }
}
