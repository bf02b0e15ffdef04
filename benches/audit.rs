//! Attention-audit benchmark at organisation scale (prints figures; not a timed test).
//!
//! 1. Generation (not measured): 200 managers' calendar exports for 2026 in a temporary folder,
//!    deterministic (a seeded xorshift). Managers sit in 20 departments of 10; each calendar has
//!    about 25 recurring series — five department rituals organised by the department's lead
//!    and present in all ten members' files (weekly staff meeting, fortnightly planning and
//!    retro, a monthly ops review on the last working day, a quarterly business review), two
//!    organisation-wide series shared with one manager of every department, and the manager's
//!    own stand-up, 1:1s, team meeting and reviews — plus about 300 one-off meetings, a third of
//!    them also in a colleague's file. Zones are London, New York, Sydney and Berlin, written as
//!    IANA names (Google style) or Windows names with VTIMEZONE blocks (Outlook style); series
//!    carry EXDATEs and moved or cancelled instances.
//! 2. Measurement: the release `cadence audit DIR --from 2026-01-01 --to 2026-12-31
//!    --format json`, run `BENCH_RUNS` times (default 2), each timed from spawn to exit, with
//!    its peak RSS from GNU time (`/usr/bin/time`) when installed, else from polling
//!    /proc/PID/status while it runs. Output goes to a file; its instance and meeting counts are
//!    printed from the JSON so the figures say how much work was done.
//!
//! Run: `cargo bench --bench audit`. `BENCH_MANAGERS` overrides 200, `BENCH_RUNS` the two runs;
//! `BENCH_DIR=PATH` writes the calendars there and keeps them.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

// The shared helpers include some only the other benchmarks use.
#[allow(dead_code)]
mod support;
use support::{Killed, peak_rss_mb};

const DEPARTMENT: usize = 10;
const ONE_OFFS: usize = 300;
const ZONES: [(&str, &str); 4] = [
    ("Europe/London", "GMT Standard Time"),
    ("America/New_York", "Eastern Standard Time"),
    ("Australia/Sydney", "AUS Eastern Standard Time"),
    ("Europe/Berlin", "W. Europe Standard Time"),
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One recurring or single event as the generator writes it.
#[derive(Clone)]
struct Ev {
    uid: String,
    summary: String,
    zone: usize,
    start: String,
    minutes: u32,
    rule: Option<String>,
    exdate: Option<String>,
    organizer: usize,
    attendees: Vec<usize>,
}

fn email(m: usize) -> String {
    format!("manager{m:03}@bench.example")
}

fn vtimezone(out: &mut String, zone: usize, outlook: bool) {
    let (iana, windows) = ZONES[zone];
    let (std_start, std_from, std_to, std_rule, dst_start, dst_from, dst_to, dst_rule) = match zone
    {
        0 => (
            "19701025T020000",
            "+0100",
            "+0000",
            "BYMONTH=10;BYDAY=-1SU",
            "19700329T010000",
            "+0000",
            "+0100",
            "BYMONTH=3;BYDAY=-1SU",
        ),
        1 => (
            "19701101T020000",
            "-0400",
            "-0500",
            "BYMONTH=11;BYDAY=1SU",
            "19700308T020000",
            "-0500",
            "-0400",
            "BYMONTH=3;BYDAY=2SU",
        ),
        2 => (
            "19700405T030000",
            "+1100",
            "+1000",
            "BYMONTH=4;BYDAY=1SU",
            "19701004T020000",
            "+1000",
            "+1100",
            "BYMONTH=10;BYDAY=1SU",
        ),
        _ => (
            "19701025T030000",
            "+0200",
            "+0100",
            "BYMONTH=10;BYDAY=-1SU",
            "19700329T020000",
            "+0100",
            "+0200",
            "BYMONTH=3;BYDAY=-1SU",
        ),
    };
    let tzid = if outlook { windows } else { iana };
    let _ = write!(
        out,
        "BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:{std_start}\r\nTZOFFSETFROM:{std_from}\r\nTZOFFSETTO:{std_to}\r\nRRULE:FREQ=YEARLY;{std_rule}\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:{dst_start}\r\nTZOFFSETFROM:{dst_from}\r\nTZOFFSETTO:{dst_to}\r\nRRULE:FREQ=YEARLY;{dst_rule}\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    );
}

fn write_event(out: &mut String, ev: &Ev, outlook: bool) {
    let (iana, windows) = ZONES[ev.zone];
    let tz = if outlook {
        format!("\"{windows}\"")
    } else {
        iana.to_owned()
    };
    let end = {
        let h: u32 = ev.start[9..11].parse().unwrap();
        let m: u32 = ev.start[11..13].parse().unwrap();
        let total = h * 60 + m + ev.minutes;
        format!("{}T{:02}{:02}00", &ev.start[..8], total / 60, total % 60)
    };
    let _ = write!(
        out,
        "BEGIN:VEVENT\r\nDTSTART;TZID={tz}:{}\r\nDTEND;TZID={tz}:{end}\r\n",
        ev.start
    );
    if let Some(rule) = &ev.rule {
        let _ = write!(out, "RRULE:{rule}\r\n");
    }
    if let Some(ex) = &ev.exdate {
        let _ = write!(out, "EXDATE;TZID={tz}:{ex}\r\n");
    }
    let _ = write!(
        out,
        "DTSTAMP:20261120T090000Z\r\nUID:{}\r\nORGANIZER;CN=Manager {}:mailto:{}\r\n",
        ev.uid,
        ev.organizer,
        email(ev.organizer)
    );
    for &a in &ev.attendees {
        let _ = write!(
            out,
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Person {a}:mailto:{}\r\n",
            email(a)
        );
    }
    let _ = write!(
        out,
        "SEQUENCE:0\r\nSTATUS:CONFIRMED\r\nSUMMARY:{}\r\nDESCRIPTION:Generated for the audit benchmark\\, agenda to follow.\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n",
        ev.summary
    );
}

fn department_series(dept: usize, zone: usize) -> Vec<Ev> {
    let lead = dept * DEPARTMENT;
    let members: Vec<usize> = (lead..lead + DEPARTMENT).collect();
    let ev = |key: &str, summary: &str, start: &str, minutes, rule: &str| Ev {
        uid: format!("dept{dept}-{key}@bench.example"),
        summary: format!("{summary} (dept {dept})"),
        zone,
        start: start.to_owned(),
        minutes,
        rule: Some(rule.to_owned()),
        exdate: None,
        organizer: lead,
        attendees: members.clone(),
    };
    let mut staff = ev(
        "staff",
        "Department staff meeting",
        "20260105T100000",
        60,
        "FREQ=WEEKLY;BYDAY=MO",
    );
    staff.exdate = Some("20261228T100000".to_owned());
    vec![
        staff,
        ev(
            "planning",
            "Sprint planning",
            "20260106T140000",
            90,
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        ),
        ev(
            "retro",
            "Sprint retro",
            "20260116T150000",
            60,
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        ),
        ev(
            "ops",
            "Monthly ops review",
            "20260130T110000",
            60,
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        ev(
            "qbr",
            "QBR",
            "20260113T090000",
            180,
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        ),
    ]
}

fn org_series(managers: usize) -> Vec<Ev> {
    let reps: Vec<usize> = (0..managers).step_by(DEPARTMENT).map(|l| l + 1).collect();
    vec![
        Ev {
            uid: "org-pipeline@bench.example".to_owned(),
            summary: "Global pipeline review".to_owned(),
            zone: 0,
            start: "20260107T150000".to_owned(),
            minutes: 60,
            rule: Some("FREQ=WEEKLY;BYDAY=WE".to_owned()),
            exdate: None,
            organizer: reps[0],
            attendees: reps.clone(),
        },
        Ev {
            uid: "org-forecast@bench.example".to_owned(),
            summary: "Forecast call".to_owned(),
            zone: 1,
            start: "20260108T110000".to_owned(),
            minutes: 30,
            rule: Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH".to_owned()),
            exdate: None,
            organizer: reps[0],
            attendees: reps,
        },
    ]
}

/// (key, title, first start, minutes, rule, other attendees' offsets).
type SeriesSpec = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static str,
    &'static [usize],
);

/// The manager's own series.
const OWN_SERIES: [SeriesSpec; 16] = [
    (
        "standup",
        "Team stand-up",
        "20260105T093000",
        15,
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        &[1000],
    ),
    (
        "team",
        "Team meeting",
        "20260108T140000",
        60,
        "FREQ=WEEKLY;BYDAY=TH",
        &[1000, 3000],
    ),
    (
        "deal",
        "Deal review",
        "20260113T160000",
        60,
        "FREQ=MONTHLY;BYDAY=2TU",
        &[3000],
    ),
    (
        "pipe",
        "Team pipeline call",
        "20260109T100000",
        45,
        "FREQ=WEEKLY;BYDAY=FR;UNTIL=20261218T235959Z",
        &[1000, 4000],
    ),
    (
        "store",
        "Store review",
        "20260107T080000",
        45,
        "FREQ=WEEKLY;BYDAY=WE;COUNT=40",
        &[4000],
    ),
    (
        "hiring",
        "Hiring sync",
        "20260109T160000",
        30,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        &[5000],
    ),
    (
        "arch",
        "Architecture review",
        "20260114T130000",
        60,
        "FREQ=MONTHLY;BYDAY=2WE",
        &[1000, 5000],
    ),
    (
        "incident",
        "Incident review",
        "20260116T120000",
        60,
        "FREQ=MONTHLY;BYDAY=-1FR",
        &[6000],
    ),
    (
        "skip",
        "Skip-level",
        "20260115T170000",
        30,
        "FREQ=MONTHLY;BYMONTHDAY=15",
        &[6000],
    ),
    (
        "budget",
        "Budget review",
        "20260120T150000",
        60,
        "FREQ=MONTHLY;BYDAY=3TU",
        &[3000],
    ),
    (
        "advisory",
        "Customer advisory board",
        "20260212T160000",
        90,
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=12",
        &[7000],
    ),
    (
        "focus",
        "Focus time",
        "20260106T080000",
        60,
        "FREQ=WEEKLY;BYDAY=TU,TH",
        &[],
    ),
    (
        "oo0",
        "1:1 A",
        "20260105T110000",
        30,
        "FREQ=WEEKLY;BYDAY=MO",
        &[2000],
    ),
    (
        "oo1",
        "1:1 B",
        "20260106T120000",
        30,
        "FREQ=WEEKLY;BYDAY=TU",
        &[2001],
    ),
    (
        "oo2",
        "1:1 C",
        "20260107T130000",
        30,
        "FREQ=WEEKLY;BYDAY=WE",
        &[2002],
    ),
    (
        "oo3",
        "1:1 D",
        "20260108T140000",
        30,
        "FREQ=WEEKLY;BYDAY=TH",
        &[2003],
    ),
];

/// Fortnightly 1:1s: four more.
const FORTNIGHTLY_ONE_ON_ONES: [(&str, &str); 4] = [
    ("20260106T110000", "TU"),
    ("20260107T120000", "WE"),
    ("20260108T130000", "TH"),
    ("20260109T140000", "FR"),
];

fn own_series(m: usize, zone: usize) -> Vec<Ev> {
    let ev =
        |key: String, summary: String, start: &str, minutes, rule: String, others: Vec<usize>| Ev {
            uid: format!("m{m}-{key}@bench.example"),
            summary,
            zone,
            start: start.to_owned(),
            minutes,
            rule: Some(rule),
            exdate: None,
            organizer: m,
            attendees: std::iter::once(m).chain(others).collect(),
        };
    let mut list: Vec<Ev> = OWN_SERIES
        .iter()
        .map(|(key, summary, start, minutes, rule, others)| {
            let others = others.iter().map(|o| o + m * 10).collect();
            let summary = if key.starts_with("oo") {
                format!("{summary} / M{m}")
            } else {
                (*summary).to_owned()
            };
            ev(
                (*key).to_owned(),
                summary,
                start,
                *minutes,
                (*rule).to_owned(),
                others,
            )
        })
        .collect();
    for (i, (start, day)) in FORTNIGHTLY_ONE_ON_ONES.iter().enumerate() {
        let rule = format!("FREQ=WEEKLY;INTERVAL=2;BYDAY={day}");
        list.push(ev(
            format!("oof{i}"),
            format!("1:1 F{i} / M{m}"),
            start,
            30,
            rule,
            vec![2004 + i + m * 10],
        ));
    }
    list
}

fn one_offs(m: usize, managers: usize, zone: usize, rng: &mut Rng) -> (Vec<Ev>, Vec<(usize, Ev)>) {
    let (mut own, mut shared) = (Vec::new(), Vec::new());
    for i in 0..ONE_OFFS {
        let day = 1 + rng.below(365);
        let date = chrono::NaiveDate::from_yo_opt(2026, u32::try_from(day).unwrap()).unwrap();
        let start = format!(
            "{}T{:02}{:02}00",
            date.format("%Y%m%d"),
            8 + rng.below(9),
            [0, 15, 30, 45][rng.below(4) as usize]
        );
        let colleague = (m + 1 + rng.below(managers as u64 - 1) as usize) % managers;
        let ev = Ev {
            uid: format!("m{m}-once{i}@bench.example"),
            summary: format!("Customer call {}", rng.below(500)),
            zone,
            start,
            minutes: [30, 45, 60][rng.below(3) as usize],
            rule: None,
            exdate: None,
            organizer: m,
            attendees: vec![m, 7000 + rng.below(900) as usize, colleague],
        };
        if i % 3 == 0 {
            shared.push((colleague, ev))
        } else {
            own.push(ev)
        }
    }
    (own, shared)
}

fn generate(dir: &Path, managers: usize) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let org = org_series(managers);
    let mut files: Vec<Vec<Ev>> = (0..managers).map(|_| Vec::new()).collect();
    let mut extra: Vec<Vec<Ev>> = (0..managers).map(|_| Vec::new()).collect();
    for (m, file) in files.iter_mut().enumerate() {
        let zone = (m / DEPARTMENT) % ZONES.len();
        file.extend(department_series(m / DEPARTMENT, zone));
        file.extend(own_series(m, zone));
        let (own, shared) = one_offs(m, managers, zone, &mut rng);
        file.extend(own);
        for (colleague, ev) in shared {
            extra[colleague].push(ev.clone());
            file.push(ev);
        }
    }
    for m in 0..managers {
        let outlook = m % 2 == 1;
        let mut out = String::with_capacity(1 << 20);
        out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
        out.push_str(if outlook {
            "PRODID:Microsoft Exchange Server 2010\r\nX-WR-CALNAME:Calendar\r\n"
        } else {
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        });
        if !outlook {
            let _ = write!(out, "X-WR-CALNAME:{}\r\n", email(m));
        }
        for zone in 0..ZONES.len() {
            vtimezone(&mut out, zone, outlook);
        }
        let dept_lead = (m / DEPARTMENT) * DEPARTMENT;
        let mut events: Vec<&Ev> = files[m].iter().chain(extra[m].iter()).collect();
        if m % DEPARTMENT == 1 {
            events.extend(org.iter());
        }
        for ev in events {
            write_event(&mut out, ev, outlook);
        }
        // A moved and a cancelled department staff meeting, as every member's client stores them.
        let uid = format!("dept{}-staff@bench.example", m / DEPARTMENT);
        let zone = (m / DEPARTMENT) % ZONES.len();
        let tz = if outlook {
            format!("\"{}\"", ZONES[zone].1)
        } else {
            ZONES[zone].0.to_owned()
        };
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nRECURRENCE-ID;TZID={tz}:20260309T100000\r\nDTSTART;TZID={tz}:20260310T100000\r\nDTEND;TZID={tz}:20260310T110000\r\nUID:{uid}\r\nORGANIZER:mailto:{}\r\nATTENDEE:mailto:{}\r\nSUMMARY:Department staff meeting (moved)\r\nEND:VEVENT\r\n",
            email(dept_lead),
            email(m)
        );
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nRECURRENCE-ID;TZID={tz}:20260406T100000\r\nDTSTART;TZID={tz}:20260406T100000\r\nDTEND;TZID={tz}:20260406T110000\r\nUID:{uid}\r\nORGANIZER:mailto:{}\r\nSTATUS:CANCELLED\r\nSUMMARY:Department staff meeting\r\nEND:VEVENT\r\n",
            email(dept_lead)
        );
        out.push_str("END:VCALENDAR\r\n");
        std::fs::write(dir.join(format!("manager{m:03}.ics")), out).unwrap();
    }
}

/// Runs the audit once; returns (seconds, peak RSS in MB, the JSON it wrote).
fn measure(dir: &Path, out: &Path) -> (f64, Option<f64>, serde_json::Value) {
    let gnu_time = Path::new("/usr/bin/time").is_file();
    let audit = [
        "audit",
        dir.to_str().unwrap(),
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "json",
    ];
    let mut command = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "PEAK_RSS_KB=%M"])
            .arg(env!("CARGO_BIN_EXE_cadence"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_cadence"))
    };
    command
        .args(audit)
        .stdout(std::fs::File::create(out).unwrap())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let child = command.spawn().unwrap();
    let pid = child.id();
    let mut child = Killed(child);
    let mut polled: Option<f64> = None;
    while child.0.try_wait().unwrap().is_none() {
        if !gnu_time {
            polled = peak_rss_mb(pid).or(polled);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut stderr = String::new();
    if let Some(mut e) = child.0.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        child.0.wait().unwrap().success(),
        "cadence audit failed: {stderr}"
    );
    let rss = stderr
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_RSS_KB="))
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .or(polled);
    let json = serde_json::from_reader(std::fs::File::open(out).unwrap()).unwrap();
    (seconds, rss, json)
}

fn main() {
    let managers: usize = std::env::var("BENCH_MANAGERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let dir = tempfile::tempdir().unwrap();
    // BENCH_DIR keeps the calendars (for profiling); otherwise they go with the temporary folder.
    let calendars = std::env::var_os("BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("calendars"));
    std::fs::create_dir_all(&calendars).unwrap();
    let started = Instant::now();
    generate(&calendars, managers);
    // Write the files out now, so the runs measure the audit and not the page cache flushing.
    let _ = Command::new("sync").status();
    let bytes: u64 = std::fs::read_dir(&calendars)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "generated {managers} calendars ({:.1} MB of .ics) in {:.2} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    for run in 1..=runs {
        // The machine may be shared: say how busy it was when the run started.
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "run {run}: load average before it: {}",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
        let (seconds, rss, json) = measure(&calendars, &dir.path().join("report.json"));
        let totals = &json["totals"];
        println!(
            "run {run}: cadence audit --format json: {seconds:.2} s, peak RSS {}, {} instances, {} meetings, {} series, top: {}",
            rss.map_or("unknown".to_owned(), |mb| format!("{mb:.1} MB")),
            totals["instances"],
            totals["meetings"],
            totals["series"],
            json["top"]
                .as_array()
                .map(|t| t
                    .iter()
                    .map(|r| r["title"].as_str().unwrap_or_default().to_owned())
                    .collect::<Vec<_>>()
                    .join(" | "))
                .unwrap_or_default()
        );
    }
}
