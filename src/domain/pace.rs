//! Pace: how often someone on a track is expected to finish a module — `2/week`, `1/sprint`.
//! Set for a track and, where a person needs another rhythm, for them on it; reminders follow it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::card::{Card, Part};
use super::schedule::WorkingHours;
use super::text::Text;

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

/// A person's days away, first and last day inclusive, in their team's calendar.
pub type Away = (NaiveDate, NaiveDate);

/// The reminder a pace asks for in the period that holds `now`: the period's first day (which
/// names the reminder, so it is sent once) when one may be sent at `now`, else `None`.
///
/// One reminder per period, sent in the team's working hours (weekdays 09:00–17:30 on its wall
/// clock, across daylight-saving changes) from the period's first working morning on, never on
/// a day the person is away; someone away until the period ends gets none for it. Weeks run
/// Monday to Sunday; sprints are two weeks counted from the Monday of the week the person joined
/// the track.
pub fn reminder_due(
    pace: Pace,
    joined: NaiveDate,
    now: DateTime<Utc>,
    tz: Tz,
    away: &[Away],
) -> Option<NaiveDate> {
    let hours = WorkingHours::default();
    if hours.next_open(now, tz) != now {
        return None;
    }
    let today = now.with_timezone(&tz).date_naive();
    if away.iter().any(|(from, to)| *from <= today && today <= *to) {
        return None;
    }
    let start = period_start(pace.per, joined, today)?;
    let first_morning = hours.next_open(
        tz.from_local_datetime(&start.and_time(NaiveTime::MIN))
            .earliest()
            .map_or(now, |t| t.with_timezone(&Utc)),
        tz,
    );
    (now >= first_morning).then_some(start)
}

/// The first day of the period holding `today`; `None` before the person joined.
fn period_start(per: PacePeriod, joined: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let monday =
        |day: NaiveDate| day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let this_week = monday(today);
    match per {
        PacePeriod::Week => Some(this_week),
        PacePeriod::Sprint => {
            let anchor = monday(joined);
            if today < anchor {
                return None;
            }
            let periods = (this_week - anchor).num_days() / per.days();
            Some(anchor + Duration::days(periods * per.days()))
        }
    }
}

/// One person's progress on one track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackProgress {
    /// The track's name.
    pub track: String,
    /// Modules finished.
    pub done: usize,
    /// Modules on the track.
    pub total: usize,
    /// The first module not finished yet.
    pub next: Option<String>,
    /// The pace that applies: the person's own, else the track's.
    pub pace: Option<Pace>,
}

impl TrackProgress {
    /// "*EBR lead*: 2 of 3 modules done, next *Running the EBR* (pace 2/week)".
    pub fn line(&self) -> Text {
        let mut text = Text::new()
            .strong(self.track.clone())
            .plain(format!(": {} of {} modules done", self.done, self.total));
        if let Some(next) = &self.next {
            text = text.plain(", next ").strong(next.clone());
        }
        if let Some(pace) = self.pace {
            text = text.plain(format!(" (pace {pace})"));
        }
        text
    }
}

/// What a pace reminder says: whose, which track, how far they are and what is next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderView {
    /// The person's platform user id.
    pub user_id: String,
    /// The track's name.
    pub track: String,
    /// The pace that applies.
    pub pace: Pace,
    /// Modules finished.
    pub done: usize,
    /// Modules on the track.
    pub total: usize,
    /// The first module not finished.
    pub next: String,
}

/// The reminder, for the person's eyes where the platform allows it.
pub fn reminder_card(view: &ReminderView) -> Card {
    let period = match view.pace.per {
        PacePeriod::Week => "this week",
        PacePeriod::Sprint => "this sprint",
    };
    let modules = if view.pace.modules == 1 {
        "1 module".to_owned()
    } else {
        format!("{} modules", view.pace.modules)
    };
    let text = Text::new()
        .mention(view.user_id.as_str())
        .plain(format!(" {period} on "))
        .strong(view.track.as_str())
        .plain(format!(
            ": {modules} at your pace of {}. {} of {} done; next ",
            view.pace, view.done, view.total
        ))
        .strong(view.next.as_str())
        .plain(". When you finish it: ")
        .command(format!("done \"{}\"", view.next))
        .plain(".");
    Card {
        summary: format!("{period} on {}: {modules}; next {}", view.track, view.next),
        parts: vec![Part::Body(text)],
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

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("an instant")
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a day")
    }

    #[test]
    fn a_weekly_reminder_waits_for_monday_morning_on_the_team_clock_across_dst() {
        let london: Tz = "Europe/London".parse().expect("zone");
        let weekly: Pace = "2/week".parse().expect("pace");
        let joined = day("2026-03-18");
        // Monday 23 March 2026, GMT: 09:00 local is 09:00 UTC.
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-03-23T08:59:00Z"), london, &[]),
            None
        );
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-03-23T09:00:00Z"), london, &[]),
            Some(day("2026-03-23"))
        );
        // The clocks go forward on Sunday 29 March: Monday 30 March 09:00 BST is 08:00 UTC.
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-03-30T07:59:00Z"), london, &[]),
            None
        );
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-03-30T08:00:00Z"), london, &[]),
            Some(day("2026-03-30"))
        );
        // Later in the week it is still that week's reminder, in working hours only.
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-04-01T13:00:00Z"), london, &[]),
            Some(day("2026-03-30"))
        );
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-04-01T17:00:00Z"), london, &[]),
            None
        );
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-04-04T10:00:00Z"), london, &[]),
            None
        );
    }

    #[test]
    fn nobody_is_reminded_while_away() {
        let london: Tz = "Europe/London".parse().expect("zone");
        let weekly: Pace = "1/week".parse().expect("pace");
        let away = [(day("2026-06-01"), day("2026-06-03"))];
        let joined = day("2026-05-01");
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-06-01T10:00:00Z"), london, &away),
            None
        );
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-06-03T16:00:00Z"), london, &away),
            None
        );
        // Back on Thursday: that week's reminder may go then.
        assert_eq!(
            reminder_due(weekly, joined, utc("2026-06-04T08:00:00Z"), london, &away),
            Some(day("2026-06-01"))
        );
    }

    #[test]
    fn sprints_count_two_weeks_from_the_week_the_person_joined() {
        let utc_zone: Tz = "UTC".parse().expect("zone");
        let sprint: Pace = "1/sprint".parse().expect("pace");
        let joined = day("2026-01-07"); // a Wednesday: sprints start Monday 5 January
        let at = |t: &str| reminder_due(sprint, joined, utc(t), utc_zone, &[]);
        assert_eq!(at("2026-01-07T10:00:00Z"), Some(day("2026-01-05")));
        assert_eq!(at("2026-01-14T10:00:00Z"), Some(day("2026-01-05")));
        assert_eq!(at("2026-01-19T10:00:00Z"), Some(day("2026-01-19")));
        assert_eq!(at("2026-01-02T10:00:00Z"), None, "before joining");
    }
}
