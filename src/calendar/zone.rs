//! Time zones: what a `TZID` names and how wall-clock time in it becomes an instant.
//!
//! A TZID is read, in order, as an IANA name (also inside the `/mozilla.org/…/Europe/Berlin`
//! prefixes some exporters add, or named by the VTIMEZONE's `X-LIC-LOCATION`), then as a Windows
//! name through CLDR's table (Outlook and Exchange), and only then by the file's own VTIMEZONE
//! rules. IANA comes first even when the file carries a VTIMEZONE: exporters often write only the
//! current year's rule, while the IANA database knows every year.
//!
//! Wall-clock times that do not exist (the skipped hour in spring) are read with the offset
//! before the gap, and times that happen twice (the repeated hour in autumn) as the first of the
//! two, as RFC 5545 §3.3.5 says.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};

/// `at` moved by `seconds`, or left where it is at the ends of chrono's range (only reachable
/// with absurd input: dates here have four-digit years).
pub(crate) fn shifted(at: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    at.checked_add_signed(Duration::seconds(seconds))
        .unwrap_or(at)
}
use chrono_tz::Tz;

use super::vtimezone::DefinedZone;
use super::windows_zones::iana_for_windows;

/// A zone wall-clock times can be in.
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    /// UTC.
    Utc,
    /// A zone of the IANA database.
    Iana(Tz),
    /// A zone known only from a VTIMEZONE in the file.
    Defined(Arc<DefinedZone>),
}

impl Zone {
    /// The zone's name: the IANA name, or the TZID of a VTIMEZONE.
    pub fn name(&self) -> &str {
        match self {
            Zone::Utc => "UTC",
            Zone::Iana(tz) => tz.name(),
            Zone::Defined(zone) => &zone.tzid,
        }
    }

    /// The instant a wall-clock time in this zone names.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Utc => local.and_utc(),
            Zone::Iana(tz) => iana_to_utc(*tz, local),
            Zone::Defined(zone) => zone.to_utc(local),
        }
    }

    /// The wall-clock time in this zone at an instant.
    pub fn to_local(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Utc => instant.naive_utc(),
            Zone::Iana(tz) => instant.with_timezone(tz).naive_local(),
            Zone::Defined(zone) => zone.to_local(instant),
        }
    }
}

fn iana_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(at) => at.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // In a gap: use the offset in force a day earlier, i.e. before the change.
            let before = tz
                .offset_from_utc_datetime(&shifted(local, -86_400))
                .fix()
                .local_minus_utc();
            shifted(local, -i64::from(before)).and_utc()
        }
    }
}

/// Reads an IANA name, ignoring case, also as the tail of a path-like TZID.
pub fn iana(name: &str) -> Option<Tz> {
    let name = name.trim().trim_matches('"');
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    if let Some(tz) = insensitive(name) {
        return Some(tz);
    }
    // `/mozilla.org/20070129_1/Europe/Berlin`, `/softwarestudio.org/Olson_20011030_5/America/New_York`.
    let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    (2..=3)
        .filter(|&n| parts.len() > n)
        .find_map(|n| insensitive(&parts[parts.len() - n..].join("/")))
}

/// An IANA name compared without case (hand-typed and some exported TZIDs are lower case).
fn insensitive(name: &str) -> Option<Tz> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(name))
        .copied()
}

/// Resolves a TZID to a zone: IANA, the VTIMEZONE's location, Windows, then the VTIMEZONE.
pub fn resolve(tzid: &str, defined: Option<&Arc<DefinedZone>>) -> Option<Zone> {
    let trimmed = tzid.trim().trim_matches('"');
    if trimmed.eq_ignore_ascii_case("UTC")
        || trimmed.eq_ignore_ascii_case("GMT")
        || trimmed.eq_ignore_ascii_case("Z")
    {
        return Some(Zone::Utc);
    }
    if let Some(tz) = iana(trimmed) {
        return Some(Zone::Iana(tz));
    }
    if let Some(tz) = defined
        .and_then(|zone| zone.location.as_deref())
        .and_then(iana)
    {
        return Some(Zone::Iana(tz));
    }
    if let Some(tz) = iana_for_windows(trimmed).and_then(iana) {
        return Some(Zone::Iana(tz));
    }
    defined.map(|zone| Zone::Defined(Arc::clone(zone)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        at(text).and_utc()
    }

    #[test]
    fn names_resolve_through_iana_windows_and_prefixes() {
        assert_eq!(
            resolve("Europe/London", None),
            Some(Zone::Iana(Tz::Europe__London))
        );
        assert_eq!(
            resolve("europe/london", None),
            Some(Zone::Iana(Tz::Europe__London))
        );
        assert_eq!(
            resolve("/mozilla.org/20070129_1/Europe/Berlin", None),
            Some(Zone::Iana(Tz::Europe__Berlin))
        );
        assert_eq!(
            resolve(
                "/softwarestudio.org/Olson_20011030_5/America/New_York",
                None
            ),
            Some(Zone::Iana(Tz::America__New_York))
        );
        assert_eq!(
            resolve("\"Pacific Standard Time\"", None),
            Some(Zone::Iana(Tz::America__Los_Angeles))
        );
        assert_eq!(
            resolve("AUS Eastern Standard Time", None),
            Some(Zone::Iana(Tz::Australia__Sydney))
        );
        assert_eq!(resolve("UTC", None), Some(Zone::Utc));
        assert_eq!(resolve("Mars Standard Time", None), None);
    }

    #[test]
    fn london_before_and_after_the_spring_change() {
        let london = Zone::Iana(Tz::Europe__London);
        assert_eq!(
            london.to_utc(at("2026-03-27 10:00")),
            utc("2026-03-27 10:00")
        );
        assert_eq!(
            london.to_utc(at("2026-03-30 10:00")),
            utc("2026-03-30 09:00")
        );
        // 01:30 on 29 March does not exist in London: read with GMT, the offset before the gap.
        assert_eq!(
            london.to_utc(at("2026-03-29 01:30")),
            utc("2026-03-29 01:30")
        );
        // 01:30 on 25 October happens twice: the first, in BST.
        assert_eq!(
            london.to_utc(at("2026-10-25 01:30")),
            utc("2026-10-25 00:30")
        );
    }

    #[test]
    fn sydney_changes_the_other_way() {
        let sydney = Zone::Iana(Tz::Australia__Sydney);
        // AEDT (+11) until the first Sunday of April, AEST (+10) after; back on in October.
        assert_eq!(
            sydney.to_utc(at("2026-04-03 10:00")),
            utc("2026-04-02 23:00")
        );
        assert_eq!(
            sydney.to_utc(at("2026-04-06 10:00")),
            utc("2026-04-06 00:00")
        );
        assert_eq!(
            sydney.to_utc(at("2026-10-05 10:00")),
            utc("2026-10-04 23:00")
        );
        assert_eq!(
            sydney.to_local(utc("2026-10-04 23:00")),
            at("2026-10-05 10:00")
        );
    }
}
