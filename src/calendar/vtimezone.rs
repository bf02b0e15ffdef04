//! Zones defined only by a VTIMEZONE block in the file (RFC 5545 §3.6.5), for TZIDs that are
//! neither IANA nor Windows names: Outlook's "Customized Time Zone", display names such as
//! "(UTC+01:00) Amsterdam, Berlin…", or a company's own.
//!
//! Each STANDARD or DAYLIGHT observance gives onsets (its DTSTART, its RRULE, its RDATEs) in
//! the local time before the change, with the offsets before and after. They are expanded once,
//! to the year 2100, into a sorted list of changes, so an offset is a binary search.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::content::ContentLine;
use super::rule::Recurrence;
use super::value;
use super::zone::shifted;

/// The last year onsets are expanded to.
const LAST_YEAR: i32 = 2100;

/// A zone read from a VTIMEZONE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinedZone {
    /// The TZID.
    pub tzid: String,
    /// `X-LIC-LOCATION`, an IANA name some exporters add.
    pub location: Option<String>,
    /// `(instant in seconds, offset in seconds after it)`, ascending.
    changes: Vec<(i64, i32)>,
    /// Every offset the zone uses, largest first.
    offsets: Vec<i32>,
    /// The offset before the first change.
    initial: i32,
}

/// One STANDARD or DAYLIGHT block, as read.
#[derive(Debug, Clone, Default)]
pub struct Observance {
    /// Its properties.
    pub lines: Vec<ContentLine>,
}

impl DefinedZone {
    /// Builds a zone from its observances; `Err` says why it cannot be used.
    pub fn build(
        tzid: &str,
        location: Option<String>,
        observances: &[Observance],
    ) -> Result<DefinedZone, String> {
        let mut changes: Vec<(i64, i32)> = Vec::new();
        let mut earliest: Option<(NaiveDateTime, i32)> = None;
        for observance in observances {
            let field = |name: &str| observance.lines.iter().find(|l| l.name == name);
            let from = field("TZOFFSETFROM")
                .ok_or("an observance without TZOFFSETFROM")
                .and_then(|l| value::utc_offset(&l.value).map_err(|_| "a bad TZOFFSETFROM"))?;
            let to = field("TZOFFSETTO")
                .ok_or("an observance without TZOFFSETTO")
                .and_then(|l| value::utc_offset(&l.value).map_err(|_| "a bad TZOFFSETTO"))?;
            let start = field("DTSTART")
                .ok_or("an observance without DTSTART".to_owned())
                .and_then(|l| value::date_time(&l.value))?
                .at;
            if earliest.is_none_or(|(at, _)| start < at) {
                earliest = Some((start, from));
            }
            for onset in onsets(observance, start, from)? {
                let instant = shifted(onset, -i64::from(from));
                changes.push((instant.and_utc().timestamp(), to));
            }
        }
        let (_, initial) = earliest.ok_or("no STANDARD or DAYLIGHT block")?;
        changes.sort_unstable();
        changes.dedup_by_key(|(at, _)| *at);
        // Largest first: the largest offset gives the earliest instant for a local time.
        let mut offsets: Vec<i32> = changes.iter().map(|(_, o)| *o).collect();
        offsets.push(initial);
        offsets.sort_unstable_by(|a, b| b.cmp(a));
        offsets.dedup();
        Ok(DefinedZone {
            tzid: tzid.to_owned(),
            location,
            changes,
            offsets,
            initial,
        })
    }

    /// The offset in seconds east of UTC in force at `instant`.
    pub fn offset_at(&self, instant: DateTime<Utc>) -> i32 {
        let at = instant.timestamp();
        match self.changes.partition_point(|(change, _)| *change <= at) {
            0 => self.initial,
            n => self.changes.get(n - 1).map_or(self.initial, |(_, o)| *o),
        }
    }

    /// The instant a wall-clock time names: the earlier of two, the pre-gap offset in a gap.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        for &offset in &self.offsets {
            let instant = shifted(local, -i64::from(offset)).and_utc();
            if self.offset_at(instant) == offset {
                return instant;
            }
        }
        let before = self.offset_at(shifted(local, -86_400).and_utc());
        shifted(local, -i64::from(before)).and_utc()
    }

    /// The wall-clock time at an instant.
    pub fn to_local(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        shifted(instant.naive_utc(), i64::from(self.offset_at(instant)))
    }
}

/// The local onsets of one observance: DTSTART, its RRULE up to [`LAST_YEAR`], its RDATEs.
fn onsets(
    observance: &Observance,
    start: NaiveDateTime,
    from: i32,
) -> Result<Vec<NaiveDateTime>, String> {
    let mut onsets = vec![start];
    for line in &observance.lines {
        match line.name.as_str() {
            "RRULE" => {
                let (rule, _) = Recurrence::parse(&line.value)?;
                let until = rule.until_local(|utc| shifted(utc, i64::from(from)));
                let end = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31)
                    .and_then(|d| d.and_hms_opt(23, 59, 59))
                    .unwrap_or(start);
                onsets.extend(rule.starts(start, until, start, end)?.starts);
            }
            "RDATE" => {
                for item in value::split_list(&line.value) {
                    onsets.push(value::date_time(item)?.at);
                }
            }
            _ => {}
        }
    }
    Ok(onsets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::content::{parse_line, unfold};

    fn observance(text: &str) -> Observance {
        Observance {
            lines: unfold(text)
                .into_iter()
                .map(|(n, l)| parse_line(n, &l).unwrap())
                .collect(),
        }
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    /// Outlook's definition of W. Europe Standard Time, under a name no table knows.
    fn custom_berlin() -> DefinedZone {
        let standard = observance(
            "DTSTART:16010101T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\n",
        );
        let daylight = observance(
            "DTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\n",
        );
        DefinedZone::build("Customized Time Zone", None, &[standard, daylight]).unwrap()
    }

    #[test]
    fn a_custom_zone_follows_its_rules_across_both_changes() {
        let zone = custom_berlin();
        // Summer time 2026 starts 29 March 02:00 and ends 25 October 03:00.
        assert_eq!(
            zone.to_utc(at("2026-03-27 10:00")),
            at("2026-03-27 09:00").and_utc()
        );
        assert_eq!(
            zone.to_utc(at("2026-03-30 10:00")),
            at("2026-03-30 08:00").and_utc()
        );
        assert_eq!(
            zone.to_utc(at("2026-10-26 10:00")),
            at("2026-10-26 09:00").and_utc()
        );
        // 02:30 on 29 March is in the gap: read with +01:00, the offset before it.
        assert_eq!(
            zone.to_utc(at("2026-03-29 02:30")),
            at("2026-03-29 01:30").and_utc()
        );
        // 02:30 on 25 October happens twice: the first, at +02:00.
        assert_eq!(
            zone.to_utc(at("2026-10-25 02:30")),
            at("2026-10-25 00:30").and_utc()
        );
        assert_eq!(
            zone.to_local(at("2026-07-01 08:00").and_utc()),
            at("2026-07-01 10:00")
        );
    }

    #[test]
    fn a_block_without_offsets_is_refused() {
        let broken = observance("DTSTART:16010101T030000\nTZOFFSETTO:+0100\n");
        let error = DefinedZone::build("Broken", None, &[broken]).unwrap_err();
        assert!(error.contains("TZOFFSETFROM"), "{error}");
    }
}
