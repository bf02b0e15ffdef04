//! Typed readers for iCalendar values (RFC 5545 §3.3): DATE, DATE-TIME, DURATION, UTC-OFFSET,
//! PERIOD and TEXT. Each returns `Err` with a message for a person; none panics.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A DATE-TIME as written: local digits and whether it ended in `Z` (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDateTime {
    /// The wall-clock digits.
    pub at: NaiveDateTime,
    /// Whether the value ended in `Z`.
    pub utc: bool,
}

/// A DATE or DATE-TIME value, told apart by its shape or by `VALUE=DATE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawTime {
    /// `20261124`.
    Date(NaiveDate),
    /// `20261124T100000` or `20261124T100000Z`.
    DateTime(RawDateTime),
}

/// Reads `YYYYMMDD`.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a date (YYYYMMDD)"));
    }
    let number = |range: std::ops::Range<usize>| -> u32 {
        text.get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    };
    let year = i32::try_from(number(0..4)).unwrap_or_default();
    NaiveDate::from_ymd_opt(year, number(4..6), number(6..8))
        .ok_or_else(|| format!("`{text}` is not a calendar date"))
}

/// Reads `YYYYMMDDTHHMMSS[Z]`; a second of 60 (a leap second) is read as 59.
pub fn date_time(text: &str) -> Result<RawDateTime, String> {
    let text = text.trim();
    let (body, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (text, false),
    };
    let (day, time) = body
        .split_once(['T', 't'])
        .ok_or_else(|| format!("`{text}` is not a date-time (YYYYMMDDTHHMMSS)"))?;
    let day = date(day)?;
    // Some exporters write HHMM without seconds; accept it rather than drop the event.
    if !(time.len() == 6 || time.len() == 4) || !time.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` has no time of day HHMMSS"));
    }
    let number = |range: std::ops::Range<usize>| -> u32 {
        time.get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    };
    let seconds = if time.len() == 6 {
        number(4..6).min(59)
    } else {
        0
    };
    let clock = NaiveTime::from_hms_opt(number(0..2), number(2..4), seconds)
        .ok_or_else(|| format!("`{text}` is not a time of day"))?;
    Ok(RawDateTime {
        at: day.and_time(clock),
        utc,
    })
}

/// Reads a DATE or a DATE-TIME; `VALUE=DATE` forces a date.
pub fn date_or_time(text: &str, value_param: Option<&str>) -> Result<RawTime, String> {
    let is_date = value_param.is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || (!text.contains(['T', 't']) && text.trim().len() == 8);
    if is_date {
        date(text).map(RawTime::Date)
    } else {
        date_time(text).map(RawTime::DateTime)
    }
}

/// Reads a DURATION such as `PT1H30M`, `P1D`, `-P2W`; weeks and days are taken as whole days.
pub fn duration(text: &str) -> Result<Duration, String> {
    let original = text.trim();
    let fail = || format!("`{original}` is not a duration (like PT1H30M)");
    let (negative, rest) = match original.as_bytes().first() {
        Some(b'-') => (true, &original[1..]),
        Some(b'+') => (false, &original[1..]),
        _ => (false, original),
    };
    let rest = rest.strip_prefix(['P', 'p']).ok_or_else(fail)?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    let mut seen_unit = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            d if d.is_ascii_digit() => number.push(d),
            'T' if !in_time && number.is_empty() => in_time = true,
            unit => {
                let n: i64 = number.parse().map_err(|_| fail())?;
                number.clear();
                seen_unit = true;
                let step = match (unit, in_time) {
                    ('W', false) => Duration::try_weeks(n),
                    ('D', false) => Duration::try_days(n),
                    ('H', true) => Duration::try_hours(n),
                    ('M', true) => Duration::try_minutes(n),
                    ('S', true) => Duration::try_seconds(n),
                    _ => None,
                };
                total = step.and_then(|s| total.checked_add(&s)).ok_or_else(fail)?;
            }
        }
    }
    if !number.is_empty() || !seen_unit {
        return Err(fail());
    }
    Ok(if negative { -total } else { total })
}

/// Reads a UTC offset `+HHMM` or `-HHMMSS` into seconds east of UTC.
pub fn utc_offset(text: &str) -> Result<i32, String> {
    let text = text.trim();
    let fail = || format!("`{text}` is not a UTC offset (like +0100)");
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(fail()),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail());
    }
    let part = |range: std::ops::Range<usize>| -> i32 {
        digits
            .get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    };
    let seconds = part(0..2) * 3600 + part(2..4) * 60 + part(4..6);
    if part(0..2) > 23 || part(2..4) > 59 {
        return Err(fail());
    }
    Ok(sign * seconds)
}

/// Unescapes a TEXT value: `\n`, `\N`, `\,`, `\;` and `\\`.
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a list value on commas that are not escaped (`\,` stays inside an item).
pub fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn dates_and_date_times() {
        assert_eq!(
            date("20261124").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        assert!(date("20261324").is_err());
        assert!(date("2026-11-24").is_err());
        let utc = date_time("20261124T100000Z").unwrap();
        assert_eq!(utc.at, at("2026-11-24 10:00:00"));
        assert!(utc.utc);
        let local = date_time("20261124T093000").unwrap();
        assert!(!local.utc);
        assert_eq!(
            date_time("20261124T0930").unwrap().at,
            at("2026-11-24 09:30:00")
        );
        assert!(date_time("20261124T250000").is_err());
        assert!(date_time("20261124").is_err());
        assert_eq!(
            date_or_time("20261124", None).unwrap(),
            RawTime::Date(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
        );
        assert!(matches!(
            date_or_time("20261124T100000", Some("DATE-TIME")).unwrap(),
            RawTime::DateTime(_)
        ));
    }

    #[test]
    fn durations() {
        assert_eq!(duration("PT1H30M").unwrap(), Duration::minutes(90));
        assert_eq!(duration("P1D").unwrap(), Duration::days(1));
        assert_eq!(duration("P2W").unwrap(), Duration::days(14));
        assert_eq!(duration("-PT15M").unwrap(), Duration::minutes(-15));
        assert_eq!(duration("P1DT2H").unwrap(), Duration::hours(26));
        assert!(duration("PT").is_err());
        assert!(duration("1H").is_err());
        assert!(duration("PT1X").is_err());
        assert!(duration("P1H").is_err());
        assert!(duration("PT99999999999999999999H").is_err());
    }

    #[test]
    fn offsets_and_text() {
        assert_eq!(utc_offset("+0100").unwrap(), 3600);
        assert_eq!(utc_offset("-0430").unwrap(), -(4 * 3600 + 30 * 60));
        assert_eq!(utc_offset("+053000").unwrap(), 5 * 3600 + 30 * 60);
        assert!(utc_offset("0100").is_err());
        assert_eq!(
            text("Agenda\\n1\\, 2\\; 3 \\\\ done"),
            "Agenda\n1, 2; 3 \\ done"
        );
        assert_eq!(
            split_list("20260101T100000,20260108T100000").collect::<Vec<_>>(),
            vec!["20260101T100000", "20260108T100000"]
        );
    }
}
