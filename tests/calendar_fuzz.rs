//! A fuzz harness for the iCalendar reader and expander that runs on stable Rust under
//! `cargo test` (cargo-fuzz needs a nightly toolchain). proptest mutates the real calendars of
//! tests/fixtures — deleting, repeating and swapping lines, cutting the file short, replacing
//! characters with the ones the grammar cares about, and splicing in hostile property lines —
//! and checks, for every mutant, that reading and expanding never panic, that every diagnostic
//! points at a line of the file, that instances start inside the window and never end before
//! they start, and that one file never takes more than a few seconds.
//!
//! It runs for `CADENCE_FUZZ_SECONDS` (5 by default; `.ci/run` gives it 45), with a new seed
//! each run; a failure prints the smallest mutant proptest could shrink it to.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use cadence::calendar::{self, ExpandOptions, Window};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Longest one mutant may take to read and expand.
const PER_CASE_LIMIT: Duration = Duration::from_secs(5);

/// Lines that have broken calendar readers before, or that push the expander to its limits.
const HOSTILE: &[&str] = &[
    "RRULE:FREQ=SECONDLY",
    "RRULE:FREQ=MINUTELY;INTERVAL=1",
    "RRULE:FREQ=DAILY;INTERVAL=0",
    "RRULE:FREQ=YEARLY;INTERVAL=65535",
    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "RRULE:FREQ=MONTHLY;BYSETPOS=366;BYDAY=MO",
    "RRULE:FREQ=WEEKLY;UNTIL=99991231T235959Z;COUNT=4294967295",
    "RRULE:FREQ=MONTHLY;BYDAY=53MO,-53SU;BYWEEKNO=53",
    "RRULE:",
    "DTSTART:00010101T000000",
    "DTSTART:99991231T235959Z",
    "DTSTART;VALUE=DATE:99991231",
    "DTSTART;TZID=:20260105T100000",
    "DTSTART;TZID=\"Customized Time Zone\":20260329T013000",
    "DTEND:00010101T000000Z",
    "DURATION:P99999999W",
    "DURATION:-P1D",
    "EXDATE:",
    "EXDATE;VALUE=DATE:20260105,,,",
    "RDATE;VALUE=PERIOD:20260101T000000Z/",
    "RDATE;VALUE=PERIOD:20260101T000000Z/P99999999W",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:20260105T100000Z",
    "RECURRENCE-ID;VALUE=DATE:20260105",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTIMEZONE",
    "END:VTIMEZONE",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+2500",
    "TZOFFSETTO:-9999",
    "X-WR-TIMEZONE:Mars/Olympus",
    "ATTENDEE;CN=\"unterminated:mailto:x@y",
    ";;;:",
    "UID:",
];

const TRICKY: &[char] = &[
    ':', ';', '"', ',', '\\', ' ', '\t', '\n', '\r', 'Z', 'T', '=', '-', '\0', 'é', '9',
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Repeat(usize),
    Swap(usize, usize),
    Truncate(usize),
    Replace(usize, char),
    Insert(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = any::<usize>();
    prop_oneof![
        index.prop_map(Mutation::Delete),
        index.prop_map(Mutation::Repeat),
        (index, any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        index.prop_map(Mutation::Truncate),
        (index, proptest::sample::select(TRICKY)).prop_map(|(i, c)| Mutation::Replace(i, c)),
        (index, proptest::sample::select(HOSTILE)).prop_map(|(i, l)| Mutation::Insert(i, l)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let n = lines.len().max(1);
    match *mutation {
        Mutation::Delete(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Mutation::Repeat(i) if !lines.is_empty() => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::Swap(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
        Mutation::Truncate(at) => {
            let joined = lines.concat();
            let cut = joined
                .char_indices()
                .map(|(i, _)| i)
                .nth(at % joined.chars().count().max(1));
            return joined[..cut.unwrap_or(joined.len())].to_owned();
        }
        Mutation::Replace(at, c) => {
            let mut chars: Vec<char> = lines.concat().chars().collect();
            if !chars.is_empty() {
                let i = at % chars.len();
                chars[i] = c;
            }
            return chars.into_iter().collect();
        }
        Mutation::Insert(i, line) => lines.insert(i % (lines.len() + 1), format!("{line}\r\n")),
        _ => {}
    }
    lines.concat()
}

fn corpus() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut texts = Vec::new();
    for dir in ["ics", "ics-bad"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            texts.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    texts
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let window = Window {
        start: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
    };
    let started = Instant::now();
    let parsed = calendar::read(text);
    let lines = text.split('\n').count();
    for d in &parsed.diagnostics {
        if let Some(line) = d.line {
            prop_assert!(
                line >= 1 && line <= lines,
                "diagnostic at line {line} of {lines}: {d}"
            );
        }
    }
    let options = ExpandOptions {
        include_cancelled: true,
        ..ExpandOptions::default()
    };
    let expansion = calendar::expand(&parsed, window, &options);
    for instance in &expansion.instances {
        prop_assert!(
            window.contains(instance.start),
            "{instance:?} starts outside the window"
        );
        prop_assert!(
            instance.end >= instance.start,
            "{instance:?} ends before it starts"
        );
    }
    prop_assert!(
        started.elapsed() < PER_CASE_LIMIT,
        "reading and expanding took {:?}",
        started.elapsed()
    );
    Ok(())
}

#[test]
fn mutated_calendars_never_break_the_reader_or_the_expander() {
    let seconds: u64 = std::env::var("CADENCE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let corpus = corpus();
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 1..8));
    let mut cases = 0u64;
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(Config {
            cases: 32,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&strategy, |(index, mutations)| {
            let text = mutations
                .iter()
                .fold(corpus[index].clone(), |text, m| apply(&text, m));
            check(&text)
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
        cases += 32;
    }
    eprintln!("calendar fuzz: {cases} mutated calendars in {seconds} s, no failure");
}
