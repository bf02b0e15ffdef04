//! RRULE (RFC 5545 §3.3.10): read by hand for clear messages, expanded by the `rrule` crate.
//!
//! The `rrule` crate does the hard part well (BYDAY with ordinals, BYSETPOS, BYMONTHDAY with
//! negative days, COUNT, WKST), but it wants every time in one chrono-tz zone and refuses an
//! UNTIL in another zone, an UNTIL before DTSTART, and Windows or VTIMEZONE-defined zones. So
//! expansion here runs on wall-clock times only — the digits placed in UTC as a neutral
//! container, where no DST can move them — and the caller turns each wall-clock start into an
//! instant with the event's own zone. That is also what RFC 5545 asks: a rule repeats local
//! time, so 10:00 Europe/London stays 10:00 across the clock change.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use rrule::{Frequency, NWeekday, RRule, Tz};

use super::value;

/// How far a rule may run before it counts as a runaway (instances in one expansion).
const MAX_INSTANCES: u16 = u16::MAX;

/// Most periods a rule may have to step through before the range starts. Expansion always
/// starts at DTSTART, so a secondly rule from the year 1 would never reach 2026; meeting rules
/// (daily since 1970 is under 30,000 periods) are far below this.
const MAX_PERIODS_BEFORE: i64 = 200_000;

/// UNTIL as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// `UNTIL=20261231`: instances on that day still count.
    Date(NaiveDate),
    /// `UNTIL=20261231T100000`: wall-clock in the event's zone.
    Local(NaiveDateTime),
    /// `UNTIL=20261231T100000Z`.
    Utc(NaiveDateTime),
}

/// One RRULE, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// FREQ.
    pub freq: Frequency,
    /// INTERVAL, at least 1.
    pub interval: u16,
    /// COUNT.
    pub count: Option<u32>,
    /// UNTIL.
    pub until: Option<Until>,
    /// BYDAY, with ordinals (`2TU`, `-1FR`).
    pub by_day: Vec<NWeekday>,
    /// BYMONTHDAY.
    pub by_month_day: Vec<i8>,
    /// BYMONTH.
    pub by_month: Vec<u8>,
    /// BYYEARDAY.
    pub by_year_day: Vec<i16>,
    /// BYWEEKNO.
    pub by_week_no: Vec<i8>,
    /// BYSETPOS.
    pub by_set_pos: Vec<i32>,
    /// BYHOUR.
    pub by_hour: Vec<u8>,
    /// BYMINUTE.
    pub by_minute: Vec<u8>,
    /// WKST.
    pub week_start: Option<Weekday>,
}

/// A rule's starts within a range, as wall-clock times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Starts {
    /// The starts, ascending.
    pub starts: Vec<NaiveDateTime>,
    /// Whether expansion stopped at the runaway bound.
    pub truncated: bool,
}

impl Recurrence {
    /// Reads an RRULE value. Unknown parts (`X-…`) are returned as warnings and ignored.
    pub fn parse(text: &str) -> Result<(Recurrence, Vec<String>), String> {
        let mut warnings = Vec::new();
        let mut rule = Recurrence {
            freq: Frequency::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_year_day: Vec::new(),
            by_week_no: Vec::new(),
            by_set_pos: Vec::new(),
            by_hour: Vec::new(),
            by_minute: Vec::new(),
            week_start: None,
        };
        let mut freq = None;
        for part in text.trim().split(';').filter(|p| !p.trim().is_empty()) {
            let (key, val) = part
                .split_once('=')
                .ok_or_else(|| format!("RRULE part `{part}` has no `=`"))?;
            let key = key.trim().to_ascii_uppercase();
            let val = val.trim();
            let bad = |what: &str| format!("RRULE {key}=`{val}`: {what}");
            match key.as_str() {
                "FREQ" => freq = Some(frequency(val).ok_or_else(|| bad("unknown frequency"))?),
                "INTERVAL" => {
                    rule.interval = val
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| bad("not a whole number from 1 to 65535"))?
                }
                "COUNT" => rule.count = Some(val.parse().map_err(|_| bad("not a count"))?),
                "UNTIL" => rule.until = Some(until(val).map_err(|e| bad(&e))?),
                "BYDAY" => rule.by_day = list(val, n_weekday).map_err(|e| bad(&e))?,
                "BYMONTHDAY" => rule.by_month_day = numbers(val, -31, 31).map_err(|e| bad(&e))?,
                "BYMONTH" => rule.by_month = numbers(val, 1, 12).map_err(|e| bad(&e))?,
                "BYYEARDAY" => rule.by_year_day = numbers(val, -366, 366).map_err(|e| bad(&e))?,
                "BYWEEKNO" => rule.by_week_no = numbers(val, -53, 53).map_err(|e| bad(&e))?,
                "BYSETPOS" => rule.by_set_pos = numbers(val, -366, 366).map_err(|e| bad(&e))?,
                "BYHOUR" => rule.by_hour = numbers(val, 0, 23).map_err(|e| bad(&e))?,
                "BYMINUTE" => rule.by_minute = numbers(val, 0, 59).map_err(|e| bad(&e))?,
                "WKST" => rule.week_start = Some(weekday(val).ok_or_else(|| bad("not a weekday"))?),
                "BYSECOND" => warnings.push(format!("RRULE {key} is ignored")),
                _ => warnings.push(format!("RRULE part {key} is not understood; ignored")),
            }
        }
        rule.freq = freq.ok_or_else(|| "RRULE has no FREQ".to_owned())?;
        if rule.count.is_some() && rule.until.is_some() {
            warnings.push("RRULE has both COUNT and UNTIL; both are applied".to_owned());
        }
        Ok((rule, warnings))
    }

    /// The wall-clock starts of the rule beginning at `dtstart`, from `from` to `to` inclusive.
    ///
    /// `until` is UNTIL already turned into wall-clock time in the event's zone; DTSTART itself
    /// is always the first instance (RFC 5545 §3.8.5.3), even when the rule would not pick it.
    pub fn starts(
        &self,
        dtstart: NaiveDateTime,
        until: Option<NaiveDateTime>,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Starts, String> {
        let container = |at: NaiveDateTime| Utc.from_utc_datetime(&at).with_timezone(&Tz::UTC);
        let period = period_seconds(self.freq) * i64::from(self.interval);
        let periods_before = (from - dtstart).num_seconds() / period.max(1);
        if periods_before > MAX_PERIODS_BEFORE {
            return Err(format!(
                "RRULE starts {periods_before} periods before the range asked for, more than {MAX_PERIODS_BEFORE}"
            ));
        }
        if until.is_some_and(|u| u < dtstart) {
            // Outlook writes this when a series is cut back to its first instance.
            let starts = if (from..=to).contains(&dtstart) {
                vec![dtstart]
            } else {
                Vec::new()
            };
            return Ok(Starts {
                starts,
                truncated: false,
            });
        }
        let mut rule = RRule::new(self.freq).interval(self.interval);
        if let Some(count) = self.count {
            rule = rule.count(count);
        }
        if let Some(until) = until {
            rule = rule.until(container(until));
        }
        if let Some(week_start) = self.week_start {
            rule = rule.week_start(week_start);
        }
        rule = rule
            .by_weekday(self.by_day.clone())
            .by_month_day(self.by_month_day.clone())
            .by_month(&months(&self.by_month))
            .by_year_day(self.by_year_day.clone())
            .by_week_no(self.by_week_no.clone())
            .by_set_pos(self.by_set_pos.clone())
            .by_hour(self.by_hour.clone())
            .by_minute(self.by_minute.clone());
        let set = rule
            .build(container(dtstart))
            .map_err(|e| format!("RRULE cannot be expanded: {e}"))?
            .after(container(from))
            .before(container(to));
        let result = set.all(MAX_INSTANCES);
        let mut starts: Vec<NaiveDateTime> = result.dates.iter().map(|d| d.naive_utc()).collect();
        if (from..=to).contains(&dtstart) && starts.first() != Some(&dtstart) {
            starts.insert(0, dtstart);
            starts.sort_unstable();
            starts.dedup();
        }
        Ok(Starts {
            starts,
            truncated: result.limited,
        })
    }

    /// UNTIL as wall-clock time, given how to turn a UTC instant into the event's wall clock.
    pub fn until_local(
        &self,
        to_local: impl Fn(NaiveDateTime) -> NaiveDateTime,
    ) -> Option<NaiveDateTime> {
        self.until.map(|until| match until {
            // The whole day counts: Google writes a DATE UNTIL even for timed events.
            Until::Date(day) => day
                .and_hms_opt(23, 59, 59)
                .unwrap_or(day.and_time(NaiveTime::MIN)),
            Until::Local(at) => at,
            Until::Utc(at) => to_local(at),
        })
    }
}

/// The length of one period of `freq`, roughly, in seconds.
fn period_seconds(freq: Frequency) -> i64 {
    match freq {
        Frequency::Secondly => 1,
        Frequency::Minutely => 60,
        Frequency::Hourly => 3_600,
        Frequency::Daily => 86_400,
        Frequency::Weekly => 604_800,
        Frequency::Monthly => 2_592_000,
        Frequency::Yearly => 31_536_000,
    }
}

fn frequency(text: &str) -> Option<Frequency> {
    Some(match text.to_ascii_uppercase().as_str() {
        "YEARLY" => Frequency::Yearly,
        "MONTHLY" => Frequency::Monthly,
        "WEEKLY" => Frequency::Weekly,
        "DAILY" => Frequency::Daily,
        "HOURLY" => Frequency::Hourly,
        "MINUTELY" => Frequency::Minutely,
        "SECONDLY" => Frequency::Secondly,
        _ => return None,
    })
}

fn until(text: &str) -> Result<Until, String> {
    match value::date_or_time(text, None)? {
        value::RawTime::Date(day) => Ok(Until::Date(day)),
        value::RawTime::DateTime(at) if at.utc => Ok(Until::Utc(at.at)),
        value::RawTime::DateTime(at) => Ok(Until::Local(at.at)),
    }
}

fn weekday(text: &str) -> Option<Weekday> {
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// `MO`, `2TU`, `-1FR`, `+3WE`.
fn n_weekday(text: &str) -> Result<NWeekday, String> {
    let text = text.trim();
    let split = text.len().saturating_sub(2);
    let (number, day) = (
        text.get(..split).unwrap_or_default(),
        text.get(split..).unwrap_or_default(),
    );
    let day = weekday(day).ok_or_else(|| format!("`{text}` is not a weekday"))?;
    if number.is_empty() {
        return Ok(NWeekday::Every(day));
    }
    let n: i16 = number
        .parse()
        .ok()
        .filter(|n: &i16| *n != 0 && n.abs() <= 53)
        .ok_or_else(|| format!("`{text}` has an ordinal outside -53..53"))?;
    Ok(NWeekday::Nth(n, day))
}

fn list<T>(text: &str, item: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
    text.split(',').map(item).collect()
}

fn numbers<T>(text: &str, min: i32, max: i32) -> Result<Vec<T>, String>
where
    T: TryFrom<i32>,
{
    list(text, |item| {
        let n: i32 = item
            .trim()
            .parse()
            .map_err(|_| format!("`{item}` is not a number"))?;
        if n < min || n > max || (n == 0 && min < 0) {
            return Err(format!("{n} is outside {min}..{max}"));
        }
        T::try_from(n).map_err(|_| format!("{n} is out of range"))
    })
}

fn months(numbers: &[u8]) -> Vec<chrono::Month> {
    numbers
        .iter()
        .filter_map(|&m| chrono::Month::try_from(m).ok())
        .collect()
}

#[cfg(test)]
mod tests;
