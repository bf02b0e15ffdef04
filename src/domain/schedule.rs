//! Cron schedules in a team's time zone, correct across daylight-saving changes.
//!
//! People write the usual five fields (`minute hour day-of-month month day-of-week`, e.g.
//! `0 9 * * MON` or "first Tuesday of each quarter month, 10:00": `0 10 1-7 1,4,7,10 TUE`), and
//! mean wall-clock time where the team is. The `cron` crate walks calendar fields; we walk them
//! on the wall clock (as if it were UTC, which has no daylight saving) and then place each
//! wall-clock tick on the time line ourselves, because the two daylight-saving edges need a
//! decision the crate cannot make for us:
//!
//! - a tick in the hour that is skipped when clocks go forward runs when the clocks jump, so it
//!   is late but never lost;
//! - a tick in the hour that is repeated when clocks go back runs at its first occurrence only.
//!
//! Placed this way, ticks never go backwards in time, so "the first tick after the last run"
//! is always well defined and a missed run is made up once, not once per missed tick.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A parsed five-field cron schedule.
#[derive(Clone)]
pub struct Schedule {
    text: String,
    inner: cron::Schedule,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schedule").field(&self.text).finish()
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Schedule {}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a schedule was refused, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ScheduleError(pub String);

/// The digest's schedule when a team sets none: Mondays at 09:00.
pub const DEFAULT_DIGEST: &str = "0 9 * * MON";

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(ScheduleError(format!(
                "a schedule has five fields (minute hour day-of-month month day-of-week), e.g. `{DEFAULT_DIGEST}`; `{text}` has {}",
                fields.len()
            )));
        }
        // Cron dialects disagree on whether day 0 or 1 is Sunday; names are unambiguous.
        if fields[4].chars().any(|c| c.is_ascii_digit()) {
            return Err(ScheduleError(format!(
                "write days of the week as names (MON, TUE-FRI, SAT,SUN), not numbers: `{}`",
                fields[4]
            )));
        }
        let inner = cron::Schedule::from_str(&format!("0 {}", fields.join(" ")))
            .map_err(|e| ScheduleError(format!("`{text}` is not a schedule: {e}")))?;
        Ok(Schedule {
            text: fields.join(" "),
            inner,
        })
    }
}

impl Schedule {
    /// The first run strictly after `after`, with the schedule read as wall-clock time in `tz`.
    /// `None` only for a schedule that never runs again (e.g. a year that has passed).
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        // Start a little before `after` on the wall clock: around a change, the tick that is
        // due next may carry an earlier wall-clock time than `after` shows (the repeated hour).
        let wall = after.with_timezone(&tz).naive_local() - Duration::hours(3);
        self.inner
            .after(&wall.and_utc())
            .map(|tick| place(tick.naive_utc(), tz))
            .take(10_000)
            .find(|at| *at > after)
    }
}

/// When a team is at work: weekdays, from `start` to `end` on its wall clock. Nudges wait for
/// these hours, so nobody is pinged at night or at the weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    /// The start of the working day.
    pub start: chrono::NaiveTime,
    /// The end of the working day.
    pub end: chrono::NaiveTime,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            end: chrono::NaiveTime::from_hms_opt(17, 30, 0).unwrap_or_default(),
        }
    }
}

impl WorkingHours {
    /// `at` if it falls in working hours in `tz`, else the start of the next working day.
    pub fn next_open(&self, at: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        use chrono::Datelike;
        let local = at.with_timezone(&tz).naive_local();
        let workday = |d: chrono::NaiveDate| d.weekday().number_from_monday() <= 5;
        if workday(local.date()) && local.time() >= self.start && local.time() < self.end {
            return at;
        }
        let mut day = local.date();
        if local.time() >= self.start || !workday(day) {
            day = day.succ_opt().unwrap_or(day);
        }
        while !workday(day) {
            day = day.succ_opt().unwrap_or(day);
        }
        place(day.and_time(self.start), tz).max(at)
    }
}

/// Puts a wall-clock time in `tz` on the time line: a repeated time at its first occurrence, a
/// skipped time at the instant the clocks jump past it.
fn place(wall: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // The first wall-clock minute after the gap; gaps last at most a few hours.
            (1..=24 * 60)
                .map(|m| wall + Duration::minutes(m))
                .find_map(|candidate| tz.from_local_datetime(&candidate).earliest())
                .map(|at| at.with_timezone(&Utc))
                // Unreachable for real zones; fall back to reading the time as UTC.
                .unwrap_or_else(|| wall.and_utc())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn runs(schedule: &str, tz: Tz, from: &str, to: &str) -> Vec<String> {
        let schedule: Schedule = schedule.parse().expect("test schedule");
        let (mut at, to) = (utc(from), utc(to));
        let mut out = Vec::new();
        while let Some(next) = schedule.next_after(at, tz) {
            if next > to {
                break;
            }
            out.push(format!(
                "{} {}",
                next.format("%Y-%m-%dT%H:%MZ"),
                next.with_timezone(&tz).format("%H:%M%:z")
            ));
            at = next;
        }
        out
    }

    #[test]
    fn weekly_digest_keeps_local_time_across_london_changes() {
        let got = runs(
            DEFAULT_DIGEST,
            chrono_tz::Europe::London,
            "2026-10-19T00:00:00Z",
            "2026-11-03T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-10-19T08:00Z 09:00+01:00",
                "2026-10-26T09:00Z 09:00+00:00",
                "2026-11-02T09:00Z 09:00+00:00",
            ]
        );
    }

    #[test]
    fn skipped_hour_in_london_runs_when_clocks_jump() {
        // 29 March 2026: 01:00 GMT becomes 02:00 BST; 01:30 does not exist that day.
        let got = runs(
            "30 1 * * *",
            chrono_tz::Europe::London,
            "2026-03-28T00:00:00Z",
            "2026-03-31T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-03-28T01:30Z 01:30+00:00",
                "2026-03-29T01:00Z 02:00+01:00",
                "2026-03-30T00:30Z 01:30+01:00",
            ]
        );
    }

    #[test]
    fn repeated_hour_in_london_runs_once() {
        // 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
        let got = runs(
            "30 1 * * *",
            chrono_tz::Europe::London,
            "2026-10-24T00:00:00Z",
            "2026-10-27T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-10-24T00:30Z 01:30+01:00",
                "2026-10-25T00:30Z 01:30+01:00",
                "2026-10-26T01:30Z 01:30+00:00",
            ]
        );
    }

    #[test]
    fn every_half_hour_through_the_repeated_hour_never_goes_back() {
        let got = runs(
            "*/30 0-3 * * *",
            chrono_tz::Europe::London,
            "2026-10-24T22:59:00Z",
            "2026-10-25T03:00:00Z",
        );
        // 00:00, 00:30, 01:00 and 01:30 BST, then (repeated 01:00 and 01:30 skipped) 02:00 …
        assert_eq!(
            got,
            [
                "2026-10-24T23:00Z 00:00+01:00",
                "2026-10-24T23:30Z 00:30+01:00",
                "2026-10-25T00:00Z 01:00+01:00",
                "2026-10-25T00:30Z 01:30+01:00",
                "2026-10-25T02:00Z 02:00+00:00",
                "2026-10-25T02:30Z 02:30+00:00",
                "2026-10-25T03:00Z 03:00+00:00",
            ]
        );
    }

    #[test]
    fn skipped_hour_in_sydney_runs_when_clocks_jump() {
        // 4 October 2026: 02:00 AEST becomes 03:00 AEDT; 02:30 does not exist that day.
        let got = runs(
            "30 2 * * *",
            chrono_tz::Australia::Sydney,
            "2026-10-02T00:00:00Z",
            "2026-10-05T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-10-02T16:30Z 02:30+10:00",
                "2026-10-03T16:00Z 03:00+11:00",
                "2026-10-04T15:30Z 02:30+11:00",
            ]
        );
    }

    #[test]
    fn repeated_hour_in_sydney_runs_once() {
        // 5 April 2026: 03:00 AEDT becomes 02:00 AEST; 02:30 happens twice.
        let got = runs(
            "30 2 * * *",
            chrono_tz::Australia::Sydney,
            "2026-04-03T00:00:00Z",
            "2026-04-06T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-04-03T15:30Z 02:30+11:00",
                "2026-04-04T15:30Z 02:30+11:00",
                "2026-04-05T16:30Z 02:30+10:00",
            ]
        );
    }

    #[test]
    fn first_tuesday_of_each_quarter_month() {
        let got = runs(
            "0 10 1-7 1,4,7,10 TUE",
            chrono_tz::Europe::London,
            "2026-01-01T00:00:00Z",
            "2026-12-31T00:00:00Z",
        );
        assert_eq!(
            got,
            [
                "2026-01-06T10:00Z 10:00+00:00",
                "2026-04-07T09:00Z 10:00+01:00",
                "2026-07-07T09:00Z 10:00+01:00",
                "2026-10-06T09:00Z 10:00+01:00",
            ]
        );
    }

    #[test]
    fn a_run_missed_for_weeks_is_made_up_once() {
        let schedule: Schedule = DEFAULT_DIGEST.parse().expect("schedule");
        let last_run = utc("2026-10-05T08:00:00Z");
        let due = schedule
            .next_after(last_run, chrono_tz::Europe::London)
            .expect("due");
        assert_eq!(due, utc("2026-10-12T08:00:00Z"));
        // Down until 25 November: the next run after "now" is the coming Monday, one run.
        let now = utc("2026-11-25T15:00:00Z");
        assert!(due < now);
        let after_catch_up = schedule
            .next_after(now, chrono_tz::Europe::London)
            .expect("next");
        assert_eq!(after_catch_up, utc("2026-11-30T09:00:00Z"));
    }

    #[test]
    fn working_hours_wait_for_the_next_working_morning() {
        let hours = WorkingHours::default();
        let london = chrono_tz::Europe::London;
        // Wednesday 25 November 2026, 15:00 in London: open.
        let open = utc("2026-11-25T15:00:00Z");
        assert_eq!(hours.next_open(open, london), open);
        // Wednesday evening: Thursday 09:00.
        assert_eq!(
            hours.next_open(utc("2026-11-25T18:00:00Z"), london),
            utc("2026-11-26T09:00:00Z")
        );
        // Early Thursday: the same morning.
        assert_eq!(
            hours.next_open(utc("2026-11-26T06:00:00Z"), london),
            utc("2026-11-26T09:00:00Z")
        );
        // Friday evening and Saturday: Monday 09:00.
        assert_eq!(
            hours.next_open(utc("2026-11-27T20:00:00Z"), london),
            utc("2026-11-30T09:00:00Z")
        );
        assert_eq!(
            hours.next_open(utc("2026-11-28T12:00:00Z"), london),
            utc("2026-11-30T09:00:00Z")
        );
        // In Sydney, 22:00 UTC on Wednesday is 09:00 on Thursday: open.
        let sydney = chrono_tz::Australia::Sydney;
        let morning = utc("2026-11-25T22:00:00Z");
        assert_eq!(hours.next_open(morning, sydney), morning);
    }

    #[test]
    fn refuses_what_it_cannot_read_unambiguously() {
        for (text, says) in [
            ("0 9 * *", "five fields"),
            ("0 9 * * 1", "names"),
            ("0 25 * * MON", "not a schedule"),
            ("every monday", "five fields"),
        ] {
            let error = text.parse::<Schedule>().expect_err(text);
            assert!(error.0.contains(says), "{text}: {}", error.0);
        }
        assert_eq!(
            " 0  9 * *  MON "
                .parse::<Schedule>()
                .expect("spaces")
                .to_string(),
            "0 9 * * MON"
        );
    }
}
