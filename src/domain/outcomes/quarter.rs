//! Calendar quarters, the period the organisation's reports are read for: `2026Q4` is
//! 1 October to 31 December 2026. Boundaries are UTC days, the same for every team, so one
//! quarter's figures add up across time zones.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// One calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    /// 1 to 4.
    number: u32,
}

/// Why a quarter did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a quarter; write the year and the quarter, like 2026Q4")]
pub struct BadQuarter(pub String);

impl Quarter {
    /// The quarter `day` falls in.
    pub fn containing(day: NaiveDate) -> Self {
        Quarter {
            year: day.year(),
            number: (day.month() - 1) / 3 + 1,
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// The instant it starts: midnight UTC of its first day.
    pub fn starts_at(self) -> DateTime<Utc> {
        midnight(self.first_day())
    }

    /// The instant it ends: midnight UTC of the next quarter's first day.
    pub fn ends_at(self) -> DateTime<Utc> {
        midnight(self.next().first_day())
    }

    /// The quarter after.
    pub fn next(self) -> Self {
        if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// The quarter before.
    pub fn previous(self) -> Self {
        if self.number == 1 {
            Quarter {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number - 1,
            }
        }
    }

    /// Whether `at` falls inside it.
    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.starts_at() <= at && at < self.ends_at()
    }
}

/// Midnight UTC at the start of `day`.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.number)
    }
}

impl serde::Serialize for Quarter {
    /// As people write it, `2026Q4`: the form decisions about a quarter keep in the log.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Quarter {
    type Err = BadQuarter;

    /// Reads `2026Q4`, `2026-Q4` or `2026q4`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadQuarter(text.to_owned());
        let upper = text.trim().to_ascii_uppercase();
        let (year, number) = upper.split_once('Q').ok_or_else(bad)?;
        let year = year.strip_suffix('-').unwrap_or(year);
        if year.len() != 4 || number.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&number) || !(1970..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, number })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    #[test]
    fn quarters_read_and_print_as_people_write_them() {
        let q: Quarter = "2026Q4".parse().expect("quarter");
        assert_eq!(q.to_string(), "2026Q4");
        assert_eq!(
            "2026-q1".parse::<Quarter>().map(|q| q.to_string()),
            Ok("2026Q1".into())
        );
        for bad in ["2026", "Q4", "2026Q5", "2026Q0", "26Q1", "2026Q44", ""] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad} should not read");
        }
    }

    #[test]
    fn a_quarter_spans_its_three_months_and_wraps_at_the_year() {
        let q: Quarter = "2026Q4".parse().expect("quarter");
        assert_eq!(q.first_day(), day("2026-10-01"));
        assert_eq!(q.last_day(), day("2026-12-31"));
        assert_eq!(q.next().to_string(), "2027Q1");
        assert_eq!(q.next().previous(), q);
        assert_eq!(Quarter::containing(day("2026-03-31")).to_string(), "2026Q1");
        assert_eq!(Quarter::containing(day("2026-04-01")).to_string(), "2026Q2");
        assert!(q.contains(midnight(day("2026-12-31"))));
        assert!(!q.contains(midnight(day("2027-01-01"))));
    }

    #[test]
    fn quarters_are_kept_as_written() {
        let q: Quarter = "2026Q4".parse().expect("quarter");
        assert_eq!(
            serde_json::to_value(q).expect("json"),
            serde_json::json!("2026Q4")
        );
        assert_eq!(
            serde_json::from_value::<Quarter>(serde_json::json!("2026Q4")).ok(),
            Some(q)
        );
        assert!(serde_json::from_value::<Quarter>(serde_json::json!("2026Q5")).is_err());
    }
}
