//! Hand-checked expansions: DST in both hemispheres, overrides, cancellations, EXDATE, RDATE,
//! Windows zones, VTIMEZONE-only zones, X-WR-TIMEZONE, all-day events and bad input.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

use super::*;
use crate::calendar::{Severity, read};

fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

fn year_2026() -> Window {
    Window {
        start: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
    }
}

/// Wraps VEVENT lines (and anything else) in a VCALENDAR, with CRLF endings.
fn ics(body: &str) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for line in body.lines() {
        text.push_str(line.trim_start_matches('|'));
        text.push_str("\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

fn starts(text: &str) -> Vec<String> {
    let calendar = read(text);
    expand(&calendar, year_2026(), &ExpandOptions::default())
        .instances
        .iter()
        .map(|i| i.start.format("%m-%d %H:%M").to_string())
        .collect()
}

#[test]
fn london_ten_oclock_stays_ten_oclock_local_across_both_changes() {
    let text = ics("BEGIN:VEVENT
UID:standup-london
DTSTART;TZID=Europe/London:20260323T100000
DTEND;TZID=Europe/London:20260323T101500
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:autumn-london
DTSTART;TZID=Europe/London:20261019T100000
DTEND;TZID=Europe/London:20261019T101500
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT");
    // GMT (+0) before 29 March, BST (+1) after; BST before 25 October, GMT after.
    assert_eq!(
        starts(&text),
        ["03-23 10:00", "03-30 09:00", "10-19 09:00", "10-26 10:00"]
    );
}

#[test]
fn sydney_and_new_york_change_in_opposite_directions() {
    let text = ics("BEGIN:VEVENT
UID:sydney
DTSTART;TZID=Australia/Sydney:20260330T090000
DURATION:PT30M
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:new-york
DTSTART;TZID=America/New_York:20260302T090000
DURATION:PT30M
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT");
    // New York: EST (-5) until 8 March, EDT (-4) after. Sydney: AEDT (+11) until 5 April,
    // AEST (+10) after — 09:00 local is 22:00 then 23:00 UTC the day before.
    assert_eq!(
        starts(&text),
        ["03-02 14:00", "03-09 13:00", "03-29 22:00", "04-05 23:00"]
    );
}

#[test]
fn windows_zone_names_map_through_cldr() {
    let text = ics("BEGIN:VTIMEZONE
TZID:Pacific Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:pst
DTSTART;TZID=Pacific Standard Time:20260302T100000
DTEND;TZID=Pacific Standard Time:20260302T110000
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT");
    let calendar = read(&text);
    assert_eq!(
        calendar.zones.values().next().map(Zone::name),
        Some("America/Los_Angeles")
    );
    assert_eq!(starts(&text), ["03-02 18:00", "03-09 17:00"]);
}

#[test]
fn a_zone_known_only_from_its_vtimezone() {
    let text = ics("BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:custom
DTSTART;TZID=Customized Time Zone:20260323T100000
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT");
    assert_eq!(starts(&text), ["03-23 09:00", "03-30 08:00"]);
}

#[test]
fn overrides_move_retitle_and_cancel_single_instances() {
    let text = ics("BEGIN:VEVENT
UID:pipeline
DTSTART;TZID=America/New_York:20260105T110000
DTEND;TZID=America/New_York:20260105T120000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Pipeline call
END:VEVENT
BEGIN:VEVENT
UID:pipeline
RECURRENCE-ID;TZID=America/New_York:20260112T110000
DTSTART;TZID=America/New_York:20260113T150000
DTEND;TZID=America/New_York:20260113T160000
SUMMARY:Pipeline call (moved)
SEQUENCE:1
END:VEVENT
BEGIN:VEVENT
UID:pipeline
RECURRENCE-ID:20260119T160000Z
DTSTART;TZID=America/New_York:20260119T110000
DTEND;TZID=America/New_York:20260119T120000
STATUS:CANCELLED
END:VEVENT");
    let calendar = read(&text);
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    let got: Vec<(String, String, Option<DateTime<Utc>>)> = expansion
        .instances
        .iter()
        .map(|i| {
            (
                i.start.format("%m-%d %H:%M").to_string(),
                i.details.summary.clone(),
                i.recurrence_id,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "01-05 16:00".to_owned(),
                "Pipeline call".to_owned(),
                Some(utc("2026-01-05 16:00"))
            ),
            (
                "01-13 20:00".to_owned(),
                "Pipeline call (moved)".to_owned(),
                Some(utc("2026-01-12 16:00"))
            ),
            (
                "01-26 16:00".to_owned(),
                "Pipeline call".to_owned(),
                Some(utc("2026-01-26 16:00"))
            ),
        ]
    );
    assert_eq!(expansion.cancelled, 1);
    let with_cancelled = expand(
        &calendar,
        year_2026(),
        &ExpandOptions {
            include_cancelled: true,
            ..ExpandOptions::default()
        },
    );
    assert_eq!(with_cancelled.instances.len(), 4);
    assert_eq!(with_cancelled.instances[2].status, Status::Cancelled);
}

#[test]
fn a_cancelled_series_has_no_instances() {
    let text = ics("BEGIN:VEVENT
UID:gone
DTSTART:20260105T100000Z
RRULE:FREQ=DAILY;COUNT=5
STATUS:CANCELLED
END:VEVENT");
    let expansion = expand(&read(&text), year_2026(), &ExpandOptions::default());
    assert!(expansion.instances.is_empty());
    assert_eq!(expansion.cancelled, 5);
}

#[test]
fn exdate_in_another_zone_and_as_a_date_and_rdate_with_a_period() {
    let text = ics("BEGIN:VEVENT
UID:ops
DTSTART;TZID=Europe/London:20260105T090000
DTEND;TZID=Europe/London:20260105T093000
RRULE:FREQ=DAILY;COUNT=5
EXDATE:20260106T090000Z
EXDATE;VALUE=DATE:20260108
RDATE;TZID=Europe/London:20260110T120000,20260111T120000
RDATE;VALUE=PERIOD:20260112T150000Z/PT2H
END:VEVENT");
    let calendar = read(&text);
    assert!(
        calendar.diagnostics.is_empty(),
        "{:?}",
        calendar.diagnostics
    );
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    let got: Vec<String> = expansion
        .instances
        .iter()
        .map(|i| format!("{}-{}", i.start.format("%d %H:%M"), i.end.format("%H:%M")))
        .collect();
    assert_eq!(
        got,
        [
            "05 09:00-09:30",
            "07 09:00-09:30",
            "09 09:00-09:30",
            "10 12:00-12:30",
            "11 12:00-12:30",
            "12 15:00-17:00"
        ]
    );
}

#[test]
fn an_rdate_in_utc_keeps_its_instant_in_a_zoned_series() {
    // Found by the cross-check: in British summer time, 13:00Z is 14:00 in London.
    let text = ics("BEGIN:VEVENT
UID:district
DTSTART;TZID=Europe/London:20260604T090000
DTEND;TZID=Europe/London:20260604T094500
RRULE:FREQ=WEEKLY;COUNT=1
RDATE;VALUE=PERIOD:20260611T130000Z/PT2H
RDATE:20260612T080000Z
END:VEVENT");
    let calendar = read(&text);
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    let got: Vec<(DateTime<Utc>, DateTime<Utc>)> = expansion
        .instances
        .iter()
        .map(|i| (i.start, i.end))
        .collect();
    assert_eq!(
        got,
        [
            (utc("2026-06-04 08:00"), utc("2026-06-04 08:45")),
            (utc("2026-06-11 13:00"), utc("2026-06-11 15:00")),
            (utc("2026-06-12 08:00"), utc("2026-06-12 08:45")),
        ]
    );
}

#[test]
fn x_wr_timezone_applies_to_floating_times_only() {
    let text = ics("X-WR-TIMEZONE:America/New_York
BEGIN:VEVENT
UID:floating
DTSTART:20260302T090000
DTEND:20260302T100000
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:utc
DTSTART:20260302T090000Z
DTEND:20260302T100000Z
END:VEVENT");
    assert_eq!(starts(&text), ["03-02 09:00", "03-02 14:00", "03-09 13:00"]);
}

#[test]
fn all_day_events_are_dates_at_midnight_utc() {
    let text = ics("X-WR-TIMEZONE:Australia/Sydney
BEGIN:VEVENT
UID:offsite
DTSTART;VALUE=DATE:20260310
DTEND;VALUE=DATE:20260312
RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=2
EXDATE;VALUE=DATE:20260414
END:VEVENT
BEGIN:VEVENT
UID:holiday
DTSTART;VALUE=DATE:20260126
END:VEVENT");
    let calendar = read(&text);
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    let got: Vec<(DateTime<Utc>, DateTime<Utc>, bool)> = expansion
        .instances
        .iter()
        .map(|i| (i.start, i.end, i.all_day))
        .collect();
    assert_eq!(
        got,
        [
            (utc("2026-01-26 00:00"), utc("2026-01-27 00:00"), true),
            (utc("2026-03-10 00:00"), utc("2026-03-12 00:00"), true),
        ]
    );
}

#[test]
fn folded_lines_and_escaped_text() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:folded\r\nDTSTART:20260105T100000Z\r\nSUMMARY:Quarterly business\r\n  review\\, EMEA\r\nDESCRIPTION:Agenda:\\n1. Pipeline\\n2. Hiring\r\nATTENDEE;CN=\"Lee, Sam\";PARTSTAT=ACCEPTED:mailto:Sam.Lee@Example\r\n .com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let calendar = read(text);
    let instance = &expand(&calendar, year_2026(), &ExpandOptions::default()).instances[0];
    assert_eq!(instance.details.summary, "Quarterly business review, EMEA");
    assert_eq!(
        instance.details.description,
        "Agenda:\n1. Pipeline\n2. Hiring"
    );
    assert_eq!(instance.details.attendees[0].email, "sam.lee@example.com");
    assert_eq!(
        instance.details.attendees[0].name.as_deref(),
        Some("Lee, Sam")
    );
    assert_eq!(instance.end, instance.start);
}

#[test]
fn bad_input_is_reported_with_line_numbers_and_the_rest_is_read() {
    let text = "BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
UID:no-start\r
SUMMARY:Broken\r
END:VEVENT\r
this line is garbage\r
BEGIN:VEVENT\r
UID:bad-rule\r
DTSTART:20260105T100000Z\r
RRULE:FREQ=SOMETIMES\r
EXDATE:2026-01-12\r
BEGIN:VALARM\r
DESCRIPTION:reminder\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:unknown-zone\r
DTSTART;TZID=Mars/Olympus:20260105T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:truncated\r
DTSTART:20260105T100000Z\r
";
    let calendar = read(text);
    let lines: Vec<(Option<usize>, Severity)> = calendar
        .diagnostics
        .iter()
        .map(|d| (d.line, d.severity))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(2), Severity::Skipped),
            (Some(6), Severity::Skipped),
            (Some(10), Severity::Skipped),
            (Some(11), Severity::Skipped),
            (Some(16), Severity::Warning),
            (Some(20), Severity::Skipped),
        ],
        "{:#?}",
        calendar.diagnostics
    );
    assert!(calendar.diagnostics[0].message.contains("DTSTART"));
    assert!(calendar.diagnostics[2].message.contains("FREQ"));
    assert!(calendar.diagnostics[4].message.contains("Mars/Olympus"));
    assert!(
        calendar.diagnostics[5]
            .to_string()
            .starts_with("line 20: skipped: VEVENT is never closed")
    );
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    let uids: Vec<&str> = expansion.instances.iter().map(|i| i.uid.as_ref()).collect();
    assert_eq!(uids, ["bad-rule", "unknown-zone"]);
    assert_eq!(expansion.instances[0].details.description, "");
}

#[test]
fn a_rule_the_expander_refuses_keeps_its_first_instance_and_says_where() {
    let text = ics("BEGIN:VEVENT
UID:setpos-alone
DTSTART:20260105T100000Z
RRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=40
END:VEVENT");
    let calendar = read(&text);
    let expansion = expand(&calendar, year_2026(), &ExpandOptions::default());
    assert_eq!(expansion.instances.len(), 1);
    assert_eq!(expansion.diagnostics.len(), 1);
    assert_eq!(expansion.diagnostics[0].line, Some(4));
}

#[test]
fn the_window_is_half_open_and_instances_before_it_are_left_out() {
    let text = ics("BEGIN:VEVENT
UID:daily
DTSTART:20251230T000000Z
RRULE:FREQ=DAILY;COUNT=4
END:VEVENT");
    assert_eq!(starts(&text), ["01-01 00:00", "01-02 00:00"]);
}
