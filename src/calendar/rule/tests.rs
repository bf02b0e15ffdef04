//! Hand-checked expansions of each RRULE feature (dates worked out on a 2026 calendar: 1 January
//! 2026 is a Thursday).

use chrono::NaiveDateTime;

use super::*;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// The days of the first starts of `rule` from `dtstart`, within 2026.
fn days(rule: &str, dtstart: &str, take: usize) -> Vec<String> {
    let (rule, warnings) = Recurrence::parse(rule).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let until = rule.until_local(|utc| utc);
    let starts = rule
        .starts(
            at(dtstart),
            until,
            at("2026-01-01 00:00"),
            at("2026-12-31 23:59"),
        )
        .unwrap();
    starts
        .starts
        .iter()
        .take(take)
        .map(|s| s.format("%m-%d %H:%M").to_string())
        .collect()
}

#[test]
fn weekly_by_day_with_count() {
    assert_eq!(
        days("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", "2026-01-05 10:00", 10),
        ["01-05 10:00", "01-07 10:00", "01-12 10:00", "01-14 10:00"]
    );
}

#[test]
fn fortnightly_with_interval() {
    assert_eq!(
        days("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "2026-01-01 15:00", 4),
        ["01-01 15:00", "01-15 15:00", "01-29 15:00", "02-12 15:00"]
    );
}

#[test]
fn second_tuesday_of_the_month() {
    assert_eq!(
        days("FREQ=MONTHLY;BYDAY=2TU", "2026-01-13 09:00", 4),
        ["01-13 09:00", "02-10 09:00", "03-10 09:00", "04-14 09:00"]
    );
}

#[test]
fn last_friday_of_the_month() {
    assert_eq!(
        days("FREQ=MONTHLY;BYDAY=-1FR", "2026-01-30 16:00", 4),
        ["01-30 16:00", "02-27 16:00", "03-27 16:00", "04-24 16:00"]
    );
}

#[test]
fn by_month_day_including_the_last_day() {
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31 17:00", 3),
        ["01-31 17:00", "02-28 17:00", "03-31 17:00"]
    );
    assert_eq!(
        days("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2", "2026-01-15 11:00", 5),
        ["01-15 11:00", "02-15 11:00"]
    );
}

#[test]
fn by_set_pos_picks_the_last_working_day() {
    assert_eq!(
        days(
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "2026-01-30 14:00",
            4
        ),
        ["01-30 14:00", "02-27 14:00", "03-31 14:00", "04-30 14:00"]
    );
}

#[test]
fn by_set_pos_out_of_range_selects_nothing_that_month() {
    // The 20th and 31st: months without a 31st have one candidate, so -2 picks nothing there.
    assert_eq!(
        days(
            "FREQ=MONTHLY;BYMONTHDAY=20,31;BYSETPOS=-2",
            "2026-01-20 10:00",
            6
        ),
        [
            "01-20 10:00",
            "03-20 10:00",
            "05-20 10:00",
            "07-20 10:00",
            "08-20 10:00",
            "10-20 10:00"
        ]
    );
}

#[test]
fn quarterly_first_tuesday() {
    assert_eq!(
        days("FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU", "2026-01-06 10:00", 4),
        ["01-06 10:00", "04-07 10:00", "07-07 10:00", "10-06 10:00"]
    );
}

#[test]
fn yearly_by_month_and_day() {
    assert_eq!(
        days("FREQ=YEARLY;BYMONTH=3,9;BYDAY=-1WE", "2026-03-25 13:00", 3),
        ["03-25 13:00", "09-30 13:00"]
    );
}

#[test]
fn until_is_inclusive_and_a_date_until_keeps_that_day() {
    assert_eq!(
        days("FREQ=DAILY;UNTIL=20260107T100000Z", "2026-01-05 10:00", 10),
        ["01-05 10:00", "01-06 10:00", "01-07 10:00"]
    );
    assert_eq!(
        days("FREQ=DAILY;UNTIL=20260106", "2026-01-05 10:00", 10),
        ["01-05 10:00", "01-06 10:00"]
    );
}

#[test]
fn until_before_dtstart_leaves_the_first_instance() {
    assert_eq!(
        days("FREQ=WEEKLY;UNTIL=20251201T000000Z", "2026-01-05 10:00", 10),
        ["01-05 10:00"]
    );
}

#[test]
fn weekdays_standup_with_wkst() {
    assert_eq!(
        days(
            "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;WKST=SU",
            "2026-01-01 09:15",
            4
        ),
        ["01-01 09:15", "01-02 09:15", "01-05 09:15", "01-06 09:15"]
    );
}

#[test]
fn dtstart_off_the_rule_still_counts() {
    // DTSTART on a Sunday with a Monday rule: RFC 5545 makes DTSTART the first instance.
    assert_eq!(
        days("FREQ=WEEKLY;BYDAY=MO;COUNT=2", "2026-01-04 10:00", 5)[0],
        "01-04 10:00"
    );
}

#[test]
fn bad_rules_say_why() {
    let missing = Recurrence::parse("INTERVAL=2").unwrap_err();
    assert!(missing.contains("no FREQ"), "{missing}");
    let day = Recurrence::parse("FREQ=WEEKLY;BYDAY=XX").unwrap_err();
    assert!(day.contains("BYDAY"), "{day}");
    let ordinal = Recurrence::parse("FREQ=MONTHLY;BYDAY=0MO").unwrap_err();
    assert!(ordinal.contains("ordinal"), "{ordinal}");
    let interval = Recurrence::parse("FREQ=DAILY;INTERVAL=0").unwrap_err();
    assert!(interval.contains("INTERVAL"), "{interval}");
    let (_, warnings) = Recurrence::parse("FREQ=DAILY;X-NAME=1").unwrap();
    assert_eq!(warnings.len(), 1);
}

#[test]
fn a_rule_that_would_step_too_long_before_the_range_is_refused() {
    let (rule, _) = Recurrence::parse("FREQ=SECONDLY").unwrap();
    let error = rule
        .starts(
            at("2020-01-01 00:00"),
            None,
            at("2026-01-01 00:00"),
            at("2026-01-02 00:00"),
        )
        .unwrap_err();
    assert!(error.contains("periods before"), "{error}");
    // A daily meeting since 1970 is well within the bound.
    let (daily, _) = Recurrence::parse("FREQ=DAILY").unwrap();
    let starts = daily
        .starts(
            at("1970-01-01 09:00"),
            None,
            at("2026-01-01 00:00"),
            at("2026-01-03 00:00"),
        )
        .unwrap();
    assert_eq!(
        starts.starts,
        [at("2026-01-01 09:00"), at("2026-01-02 09:00")]
    );
}
