//! Weekly-digest benchmark at organisation scale (prints figures; not a timed test).
//!
//! 1. Generation (timed, but not the result): one Slack tenant with 40 capabilities and 2,000
//!    teams of 12 current members (2 managers, 10 members; some teams also have members who left
//!    during the year), each with a target per capability, levels for every person on 10–15
//!    capabilities, two event-triggered rituals (a fortnightly retro, a weekly pipeline call)
//!    and their occurrences, and a year of decisions as the app writes them: level history,
//!    targets, gaps and coaching moments in rituals, interventions, learning hours, absences and
//!    track requests, each with the rows its effect writes. Rows carry explicit ids and go in
//!    with multi-row INSERTs in one transaction per table; decisions get ids in time order, as
//!    the append-only log would. Generation is deterministic (a seeded xorshift per team).
//! 2. Measurement, in a fresh child process (this binary with `--measure URL TEAMS`) so that its
//!    peak RSS is the digest run's alone: a `ManualClock` at Sunday 2026-11-29 12:00 UTC,
//!    `Scheduler::plan()` once (one digest job per team, default schedule Monday 09:00 in the
//!    team's zone), then the clock moves to Monday 2026-11-30 14:30 UTC and `run_due()` runs
//!    until it claims nothing. The teams are spread evenly over Australia/Sydney, Asia/Tokyo,
//!    Europe/London and America/New_York: Monday 09:00 there is Sunday 22:00, Monday 00:00, 09:00
//!    and 14:00 UTC, so at 14:30 every team's digest is due at once — the worst case of a real
//!    Monday, when the zones' digests would arrive in four waves. Then it counts the queued
//!    `digest:%` outbox rows, which must equal the number of teams.
//! 3. Profile (same child, after the figures above are taken): 200 teams' digests are read again
//!    one at a time, with sqlx's statement events counted per statement, to show where a
//!    digest's time goes.
//!
//! SQLite always (a temporary file); PostgreSQL when `CADENCE_TEST_DATABASE_URL` is set (a fresh
//! `cadence_bench_<time>` database on that server, dropped afterwards). PostgreSQL gets
//! `VACUUM ANALYZE` after the bulk load, as autovacuum would have done over a year; SQLite gets no
//! `ANALYZE`, as Cadence never runs one.
//!
//! Run: `cargo bench --bench digest`. `BENCH_TEAMS` overrides 2000 teams; `BENCH_PROFILE_TEAMS`
//! the 200 teams profiled (`BENCH_PROFILE=0` skips the profile); `BENCH_SQLITE=0` runs PostgreSQL
//! only. Exits non-zero when a run did not queue every team's digest.

// A measuring tool, not the service: failing loudly on a broken set-up is what we want here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cadence::domain::clock::ManualClock;
use cadence::scheduler::Scheduler;
use cadence::service::digest::team_digest;
use cadence::store::Store;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{AnyConnection, Connection};

mod support;
use support::{Killed, peak_rss_mb, percentile};

/// When the scheduler plans: Sunday, before any zone's Monday 09:00.
const PLAN_AT: &str = "2026-11-29T12:00:00Z";
/// When the digests run: Monday, after 09:00 in every zone below.
const RUN_AT: &str = "2026-11-30T14:30:00Z";
/// The teams' zones, in turn.
const ZONES: [&str; 4] = [
    "Australia/Sydney",
    "Asia/Tokyo",
    "Europe/London",
    "America/New_York",
];
/// The targets the run has to meet on this machine.
const TARGET_SECONDS: f64 = 10.0;
const TARGET_MB: f64 = 200.0;

const CAPABILITIES: [&str; 40] = [
    "run EBR",
    "discovery call",
    "negotiation",
    "forecasting",
    "account planning",
    "pipeline review",
    "objection handling",
    "demo delivery",
    "pricing",
    "contract review",
    "customer onboarding",
    "renewals",
    "incident command",
    "postmortem facilitation",
    "on-call",
    "capacity planning",
    "code review",
    "release management",
    "API design",
    "database tuning",
    "threat modelling",
    "accessibility review",
    "performance testing",
    "observability",
    "cost management",
    "vendor management",
    "stakeholder updates",
    "roadmapping",
    "user research",
    "experiment design",
    "data analysis",
    "SQL",
    "technical writing",
    "mentoring",
    "hiring interviews",
    "workshop facilitation",
    "budgeting",
    "QBR preparation",
    "competitive positioning",
    "escalation handling",
];
const TRACKS: [&str; 4] = [
    "Leadership",
    "Solutions architecture",
    "Enterprise sales",
    "Coaching",
];
const MEANS: [&str; 5] = [
    "shadow a senior on two calls",
    "pair on the next one",
    "internal workshop",
    "course: fundamentals",
    "run one with a coach",
];
const FIRST: [&str; 16] = [
    "Ada", "Bob", "Chen", "Dana", "Emeka", "Fatima", "Goran", "Hana", "Ines", "Jonas", "Kemi",
    "Luis", "Mia", "Noor", "Oskar", "Priya",
];
const LAST: [&str; 16] = [
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jansen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov",
];
const LEVELS: [&str; 3] = ["learning", "practising", "mastery"];
const DAY_MS: i64 = 86_400_000;

fn instant(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn day_of(ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(ms).unwrap().date_naive()
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Hours as the app writes them into a payload: `6`, `1.5`, `0.25`.
fn format_hours(centi: i64) -> String {
    let whole = centi / 100;
    match centi % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// xorshift64*: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
    fn index(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

// ---------------------------------------------------------------------------------------------
// The organisation, in memory.

/// What a decision's payload needs beyond its columns.
enum Detail {
    Empty,
    Gap,
    Coach {
        note: bool,
    },
    Level {
        level: usize,
        evidence: bool,
    },
    Target(i64),
    Intervene {
        means: usize,
        due: Option<NaiveDate>,
    },
    Hours {
        centi: i64,
        week: NaiveDate,
    },
    Absence {
        from: NaiveDate,
        to: NaiveDate,
    },
    RequestTrack {
        track: usize,
        note: bool,
    },
    AnswerTrack {
        track: usize,
        request: usize,
    },
}

/// A decision before it has its id; `request` in [`Detail::AnswerTrack`] and every `decision`
/// below are indexes into [`Org::decisions`], turned into ids in time order on insert.
struct Decision {
    at: i64,
    team: i64,
    kind: &'static str,
    actor: i64,
    subject: Option<i64>,
    capability: Option<i64>,
    occurrence: Option<i64>,
    source: &'static str,
    detail: Detail,
}

struct Member {
    team: i64,
    person: i64,
    role: &'static str,
    joined: i64,
    left: Option<i64>,
}

struct LevelRow {
    person: i64,
    capability: i64,
    level: usize,
    evidence: Option<String>,
    set_by: i64,
    decision: usize,
    at: i64,
}

struct TargetRow {
    team: i64,
    capability: i64,
    target: i64,
    decision: usize,
    at: i64,
}

struct OccurrenceRow {
    ritual: i64,
    subject: String,
    title: String,
    happened: i64,
    artefact: Option<i64>,
}

struct InterventionRow {
    team: i64,
    person: i64,
    capability: i64,
    means: usize,
    due: Option<NaiveDate>,
    decision: usize,
    at: i64,
}

struct HoursRow {
    team: i64,
    person: i64,
    centi: i64,
    week: NaiveDate,
    decision: usize,
    at: i64,
}

struct AbsenceRow {
    person: i64,
    from: NaiveDate,
    to: NaiveDate,
    decision: usize,
    at: i64,
}

struct EnrolmentRow {
    track: i64,
    person: i64,
    team: i64,
    status: &'static str,
    note: Option<String>,
    decided_by: Option<i64>,
    decision: usize,
    at: i64,
}

#[derive(Default)]
struct Org {
    teams: usize,
    /// (user id, display name); a person's id is its index + 1.
    people: Vec<(String, String)>,
    members: Vec<Member>,
    decisions: Vec<Decision>,
    levels: Vec<LevelRow>,
    targets: Vec<TargetRow>,
    occurrences: Vec<OccurrenceRow>,
    interventions: Vec<InterventionRow>,
    hours: Vec<HoursRow>,
    absences: Vec<AbsenceRow>,
    enrolments: Vec<EnrolmentRow>,
}

impl Org {
    fn person(&mut self, rng: &mut Rng, team: usize, n: usize) -> i64 {
        let name = format!(
            "{} {}",
            FIRST[rng.index(FIRST.len())],
            LAST[rng.index(LAST.len())]
        );
        self.people.push((format!("U{team:05}{n:02}"), name));
        self.people.len() as i64
    }

    fn decide(&mut self, decision: Decision) -> usize {
        self.decisions.push(decision);
        self.decisions.len() - 1
    }

    /// Builds `teams` teams, a year of history ending at `end` (Unix ms).
    fn generate(teams: usize, end: i64) -> Org {
        let mut org = Org {
            teams,
            ..Org::default()
        };
        for team in 1..=teams {
            org.team(team, end);
        }
        org
    }

    fn team(&mut self, t: usize, end: i64) {
        let mut rng = Rng::new(t as u64);
        let team = t as i64;
        let start = end - 365 * DAY_MS;
        let before = start - 30 * DAY_MS;

        // People: 2 managers, 10 members (in a quarter of the teams one joined during the year),
        // and up to two former members who left during the year.
        let mut current = Vec::new();
        for n in 0..12 {
            let person = self.person(&mut rng, t, n);
            let joined = if n == 11 && rng.chance(0.25) {
                rng.range(start, end - 30 * DAY_MS)
            } else {
                before
            };
            let role = if n < 2 { "manager" } else { "member" };
            self.members.push(Member {
                team,
                person,
                role,
                joined,
                left: None,
            });
            current.push((person, joined, end));
        }
        let managers = [current[0].0, current[1].0];
        let leavers = match rng.next() % 8 {
            0..=3 => 0,
            4..=6 => 1,
            _ => 2,
        };
        let mut everyone = current.clone();
        for n in 0..leavers {
            let person = self.person(&mut rng, t, 12 + n);
            let left = rng.range(start + 30 * DAY_MS, end - DAY_MS);
            self.members.push(Member {
                team,
                person,
                role: "member",
                joined: before,
                left: Some(left),
            });
            everyone.push((person, before, left));
        }
        let members: Vec<i64> = current[2..].iter().map(|c| c.0).collect();
        let source = |rng: &mut Rng| {
            if rng.chance(0.7) {
                "slash_command"
            } else {
                "card"
            }
        };

        // Targets for all 40 capabilities when the year starts; a tenth changed later.
        for capability in 1..=CAPABILITIES.len() as i64 {
            let mut at = rng.range(start, start + 7 * DAY_MS);
            let changes = if rng.chance(0.1) { 2 } else { 1 };
            for change in 1..=changes {
                let target = [1, 1, 2, 2, 2, 3][rng.index(6)];
                let actor = managers[rng.index(2)];
                let decision = self.decide(Decision {
                    at,
                    team,
                    kind: "target",
                    actor,
                    subject: None,
                    capability: Some(capability),
                    occurrence: None,
                    source: "slash_command",
                    detail: Detail::Target(target),
                });
                if change == changes {
                    self.targets.push(TargetRow {
                        team,
                        capability,
                        target,
                        decision,
                        at,
                    });
                }
                at = rng.range(at + DAY_MS, end);
            }
        }

        // Levels: each person on 10–15 capabilities, reached in one to three level decisions
        // spread over their time in the team; the latest is the stored level.
        for &(person, joined, until) in &everyone {
            let mut capabilities: Vec<i64> = (1..=CAPABILITIES.len() as i64).collect();
            let count = rng.range(10, 16) as usize;
            for i in 0..count {
                let j = i + rng.index(capabilities.len() - i);
                capabilities.swap(i, j);
            }
            for &capability in &capabilities[..count] {
                let last = match rng.next() % 20 {
                    0..=7 => 0,
                    8..=14 => 1,
                    _ => 2,
                };
                let steps = match rng.next() % 10 {
                    0..=5 => 1,
                    6..=8 => 2,
                    _ => 3,
                }
                .min(last + 1);
                let from = joined.max(start);
                let mut times: Vec<i64> = (0..steps).map(|_| rng.range(from, until)).collect();
                times.sort_unstable();
                for (k, &at) in times.iter().enumerate() {
                    let level = last + 1 + k - steps;
                    let certify = level == 2 && rng.chance(0.5);
                    let evidence = certify || rng.chance(0.3);
                    let actor = managers[rng.index(2)];
                    let decision = self.decide(Decision {
                        at,
                        team,
                        kind: if certify { "certify" } else { "level" },
                        actor,
                        subject: Some(person),
                        capability: Some(capability),
                        occurrence: None,
                        source: "slash_command",
                        detail: Detail::Level { level, evidence },
                    });
                    if k + 1 == steps {
                        self.levels.push(LevelRow {
                            person,
                            capability,
                            level,
                            evidence: evidence.then(|| evidence_text(person, capability)),
                            set_by: actor,
                            decision,
                            at,
                        });
                    }
                }
            }
        }

        // Rituals: ids 2t-1 (retro, fortnightly) and 2t (pipeline call, weekly). Most
        // occurrences got their artefact; some, the last week's included, did not.
        let retro = 2 * team - 1;
        let pipeline = 2 * team;
        let mut happened = start + rng.range(0, 14 * DAY_MS);
        let mut sprint = 0;
        while happened < end {
            sprint += 1;
            let occurrence = self.occurrences.len() as i64 + 1;
            let mut first = None;
            if rng.chance(0.85) {
                let mut at = happened + rng.range(5, 60) * 60_000;
                first = Some(at);
                if rng.chance(0.1) {
                    let actor = managers[rng.index(2)];
                    self.decide(Decision {
                        at,
                        team,
                        kind: "no_gaps",
                        actor,
                        subject: None,
                        capability: None,
                        occurrence: Some(occurrence),
                        source: "card",
                        detail: Detail::Empty,
                    });
                } else {
                    for _ in 0..rng.range(2, 5) {
                        let actor = managers[rng.index(2)];
                        let subject = members[rng.index(members.len())];
                        let capability = rng.range(1, CAPABILITIES.len() as i64 + 1);
                        let source = source(&mut rng);
                        self.decide(Decision {
                            at,
                            team,
                            kind: "gap",
                            actor,
                            subject: Some(subject),
                            capability: Some(capability),
                            occurrence: Some(occurrence),
                            source,
                            detail: Detail::Gap,
                        });
                        at += rng.range(1, 10) * 60_000;
                    }
                }
            }
            self.occurrences.push(OccurrenceRow {
                ritual: retro,
                subject: format!("sprint:{}", team * 1000 + sprint),
                title: format!("T{t:05} Sprint {sprint}"),
                happened,
                artefact: first,
            });
            happened += 14 * DAY_MS;
        }
        let mut happened = start + rng.range(0, 7 * DAY_MS);
        let mut call = 0;
        while happened < end {
            call += 1;
            let occurrence = self.occurrences.len() as i64 + 1;
            let mut first = None;
            if rng.chance(0.85) {
                let mut at = happened + rng.range(5, 60) * 60_000;
                first = Some(at);
                for _ in 0..rng.range(1, 3) {
                    let actor = managers[rng.index(2)];
                    let subject = members[rng.index(members.len())];
                    let capability = rng.range(1, CAPABILITIES.len() as i64 + 1);
                    let note = rng.chance(0.5);
                    self.decide(Decision {
                        at,
                        team,
                        kind: "coach",
                        actor,
                        subject: Some(subject),
                        capability: Some(capability),
                        occurrence: Some(occurrence),
                        source: "card",
                        detail: Detail::Coach { note },
                    });
                    at += rng.range(1, 10) * 60_000;
                }
            }
            self.occurrences.push(OccurrenceRow {
                ritual: pipeline,
                subject: format!("meeting:{t}-{call}"),
                title: "Pipeline call".to_owned(),
                happened,
                artefact: first,
            });
            happened += 7 * DAY_MS;
        }

        // Gaps and coaching moments outside rituals.
        for _ in 0..20 {
            let at = rng.range(start, end);
            let actor = managers[rng.index(2)];
            let subject = members[rng.index(members.len())];
            let capability = rng.range(1, CAPABILITIES.len() as i64 + 1);
            let gap = rng.chance(0.5);
            let note = rng.chance(0.5);
            self.decide(Decision {
                at,
                team,
                kind: if gap { "gap" } else { "coach" },
                actor,
                subject: Some(subject),
                capability: Some(capability),
                occurrence: None,
                source: "slash_command",
                detail: if gap {
                    Detail::Gap
                } else {
                    Detail::Coach { note }
                },
            });
        }

        // Interventions, two a month; most with a due date two to six weeks out. Cadence has no
        // command that closes one, so every one stays planned.
        for _ in 0..24 {
            let at = rng.range(start, end);
            let actor = managers[rng.index(2)];
            let person = members[rng.index(members.len())];
            let capability = rng.range(1, CAPABILITIES.len() as i64 + 1);
            let means = rng.index(MEANS.len());
            let due = rng
                .chance(0.8)
                .then(|| day_of(at) + Duration::days(rng.range(14, 43)));
            let decision = self.decide(Decision {
                at,
                team,
                kind: "intervene",
                actor,
                subject: Some(person),
                capability: Some(capability),
                occurrence: None,
                source: "slash_command",
                detail: Detail::Intervene { means, due },
            });
            self.interventions.push(InterventionRow {
                team,
                person,
                capability,
                means,
                due,
                decision,
                at,
            });
        }

        // Learning hours, about two allocations a week.
        for _ in 0..104 {
            let at = rng.range(start, end);
            let actor = managers[rng.index(2)];
            let person = members[rng.index(members.len())];
            let centi = [50, 100, 150, 200, 400][rng.index(5)];
            let week = monday_of(day_of(at));
            let decision = self.decide(Decision {
                at,
                team,
                kind: "hours",
                actor,
                subject: Some(person),
                capability: None,
                occurrence: None,
                source: "slash_command",
                detail: Detail::Hours { centi, week },
            });
            self.hours.push(HoursRow {
                team,
                person,
                centi,
                week,
                decision,
                at,
            });
        }

        // Absences, two a person a year, recorded up to forty days ahead: the recent ones fall
        // in the next four weeks, so coverage dips show.
        for &(person, joined, _) in &current {
            for _ in 0..2 {
                let at = rng.range(joined.max(start), end);
                let from = day_of(at) + Duration::days(rng.range(1, 41));
                let to = from + Duration::days(rng.range(0, 10));
                let actor = managers[rng.index(2)];
                let decision = self.decide(Decision {
                    at,
                    team,
                    kind: "absence",
                    actor,
                    subject: Some(person),
                    capability: None,
                    occurrence: None,
                    source: "slash_command",
                    detail: Detail::Absence { from, to },
                });
                self.absences.push(AbsenceRow {
                    person,
                    from,
                    to,
                    decision,
                    at,
                });
            }
        }

        // Track requests: three a year, most answered within two weeks.
        let mut asked: Vec<(i64, i64)> = Vec::new();
        while asked.len() < 3 {
            let person = members[rng.index(members.len())];
            let track = rng.index(TRACKS.len());
            if asked.contains(&(person, track as i64 + 1)) {
                continue;
            }
            asked.push((person, track as i64 + 1));
            let at = rng.range(start, end);
            let note = rng.chance(0.6);
            let request = self.decide(Decision {
                at,
                team,
                kind: "request_track",
                actor: person,
                subject: Some(person),
                capability: None,
                occurrence: None,
                source: "slash_command",
                detail: Detail::RequestTrack { track, note },
            });
            let answered = at + rng.range(DAY_MS, 14 * DAY_MS);
            let mut row = EnrolmentRow {
                track: track as i64 + 1,
                person,
                team,
                status: "requested",
                note: note.then(|| "I'd like to grow into this".to_owned()),
                decided_by: None,
                decision: request,
                at,
            };
            if rng.chance(0.65) && answered < end {
                let approve = rng.chance(0.7);
                let actor = managers[rng.index(2)];
                row.decision = self.decide(Decision {
                    at: answered,
                    team,
                    kind: if approve {
                        "approve_track"
                    } else {
                        "decline_track"
                    },
                    actor,
                    subject: Some(person),
                    capability: None,
                    occurrence: None,
                    source: "card",
                    detail: Detail::AnswerTrack { track, request },
                });
                row.status = if approve { "approved" } else { "declined" };
                row.decided_by = Some(actor);
                row.at = answered;
            }
            self.enrolments.push(row);
        }
    }
}

fn evidence_text(person: i64, capability: i64) -> String {
    format!("https://wiki.example.com/evidence/{person}-{capability}")
}

// ---------------------------------------------------------------------------------------------
// Writing it.

/// One bound value.
enum V {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// `($1, $2), ($3, $4)` for PostgreSQL; `(?, ?), (?, ?)` for SQLite, which looks numbered
/// parameters up by name one after another, so that 30,000 of them cost seconds per statement.
fn placeholders(rows: usize, columns: usize, numbered: bool) -> String {
    let mut sql = String::with_capacity(rows * columns * 8);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for col in 1..=columns {
            if col > 1 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push_str(&format!("${}", row * columns + col));
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// Inserts `rows` into `table` in multi-row statements inside one transaction; returns how
/// many. SQLite takes at most 32,766 parameters per statement, PostgreSQL 65,535.
async fn insert(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<V>>,
) -> usize {
    let per_statement = (30_000 / columns.len()).min(2_500);
    let numbered = conn.backend_name() != "SQLite";
    let mut tx = conn.begin().await.unwrap();
    let mut rows = rows.peekable();
    let mut total = 0;
    while rows.peek().is_some() {
        let chunk: Vec<Vec<V>> = rows.by_ref().take(per_statement).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            placeholders(chunk.len(), columns.len(), numbered)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk.iter() {
            assert_eq!(row.len(), columns.len(), "{table}: row width");
            for value in row {
                query = match value {
                    V::Int(v) => query.bind(*v),
                    V::OptInt(v) => query.bind(*v),
                    V::Text(v) => query.bind(v.clone()),
                    V::OptText(v) => query.bind(v.clone()),
                };
            }
        }
        query
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        total += chunk.len();
    }
    tx.commit().await.unwrap();
    total
}

fn payload(org: &Org, ids: &[i64], d: &Decision) -> String {
    let person = |id: Option<i64>| org.people[(id.unwrap() - 1) as usize].0.clone();
    let capability = |id: Option<i64>| CAPABILITIES[(id.unwrap() - 1) as usize];
    let value = match &d.detail {
        Detail::Empty => json!({}),
        Detail::Gap => {
            json!({ "person": person(d.subject), "capability": capability(d.capability) })
        }
        Detail::Coach { note } => json!({
            "person": person(d.subject), "capability": capability(d.capability),
            "note": note.then_some("good discovery questions; rushed the close"),
        }),
        Detail::Level { level, evidence } => json!({
            "person": person(d.subject), "capability": capability(d.capability),
            "level": LEVELS[*level],
            "evidence": evidence.then(|| evidence_text(d.subject.unwrap(), d.capability.unwrap())),
        }),
        Detail::Target(target) => {
            json!({ "capability": capability(d.capability), "target": target })
        }
        Detail::Intervene { means, due } => json!({
            "person": person(d.subject), "capability": capability(d.capability),
            "means": MEANS[*means], "due": due.map(|d| d.to_string()),
        }),
        Detail::Hours { centi, week } => json!({
            "person": person(d.subject), "hours": format_hours(*centi),
            "period_kind": "week", "period": week.to_string(),
        }),
        Detail::Absence { from, to } => json!({
            "person": person(d.subject), "from": from.to_string(), "to": to.to_string(),
        }),
        Detail::RequestTrack { track, note } => json!({
            "person": person(d.subject), "track": TRACKS[*track],
            "note": note.then_some("I'd like to grow into this"),
        }),
        Detail::AnswerTrack { track, request } => json!({
            "person": person(d.subject), "track": TRACKS[*track], "request": ids[*request],
        }),
    };
    value.to_string()
}

/// Rows written, by table, in the order written.
type Counts = Vec<(&'static str, usize)>;

/// Writes the organisation into a migrated, empty database.
async fn write(url: &str, org: &Org, run_at: DateTime<Utc>) -> Counts {
    let postgres = url.starts_with("postgres");
    let mut conn = AnyConnection::connect(url).await.unwrap();
    if !postgres {
        // Generation only: the measured child opens the file as Cadence does.
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let created = run_at.timestamp_millis() - 400 * DAY_MS;
    let tenant = 1_i64;
    let mut counts = Counts::new();

    let n = insert(
        &mut conn,
        "tenants",
        &["id", "platform", "external_id", "name", "created_at"],
        std::iter::once(vec![
            V::Int(tenant),
            V::Text("slack".into()),
            V::Text("TBENCH".into()),
            V::Text("Bench Org".into()),
            V::Int(created),
        ]),
    )
    .await;
    counts.push(("tenants", n));
    let n = insert(
        &mut conn,
        "capabilities",
        &[
            "id",
            "tenant_id",
            "name",
            "name_key",
            "description",
            "family",
            "mastery_criteria",
            "created_at",
        ],
        CAPABILITIES.iter().enumerate().map(|(i, name)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Text((*name).to_owned()),
                V::Text(name.to_lowercase()),
                V::OptText(None),
                V::OptText(None),
                V::OptText(None),
                V::Int(created),
            ]
        }),
    )
    .await;
    counts.push(("capabilities", n));
    let n = insert(
        &mut conn,
        "people",
        &["id", "tenant_id", "user_id", "display_name", "created_at"],
        org.people.iter().enumerate().map(|(i, (user, name))| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Text(user.clone()),
                V::Text(name.clone()),
                V::Int(created),
            ]
        }),
    )
    .await;
    counts.push(("people", n));
    let n = insert(
        &mut conn,
        "teams",
        &[
            "id",
            "tenant_id",
            "name",
            "name_key",
            "tz",
            "home_channel",
            "created_at",
        ],
        (1..=org.teams).map(|t| {
            vec![
                V::Int(t as i64),
                V::Int(tenant),
                V::Text(format!("Team {t:05}")),
                V::Text(format!("team {t:05}")),
                V::Text(ZONES[(t - 1) % ZONES.len()].to_owned()),
                V::Text(format!("C{t:05}")),
                V::Int(created),
            ]
        }),
    )
    .await;
    counts.push(("teams", n));
    let n = insert(
        &mut conn,
        "team_members",
        &[
            "team_id",
            "person_id",
            "tenant_id",
            "role",
            "joined_at",
            "left_at",
        ],
        org.members.iter().map(|m| {
            vec![
                V::Int(m.team),
                V::Int(m.person),
                V::Int(tenant),
                V::Text(m.role.to_owned()),
                V::Int(m.joined),
                V::OptInt(m.left),
            ]
        }),
    )
    .await;
    counts.push(("team_members", n));
    let n = insert(
        &mut conn,
        "rituals",
        &[
            "id",
            "tenant_id",
            "team_id",
            "kind",
            "name",
            "channel_id",
            "prompt_on",
            "artefact",
            "nudge_after_minutes",
            "paused",
            "created_at",
        ],
        (1..=org.teams).flat_map(|t| {
            let team = t as i64;
            [
                (2 * team - 1, "retro", "Sprint retro", "gaps", Some(120)),
                (2 * team, "pipeline", "Pipeline call", "coaching", None),
            ]
            .map(|(id, kind, name, artefact, nudge)| {
                vec![
                    V::Int(id),
                    V::Int(tenant),
                    V::Int(team),
                    V::Text(kind.to_owned()),
                    V::Text(name.to_owned()),
                    V::Text(format!("C{t:05}")),
                    V::Text("end".to_owned()),
                    V::Text(artefact.to_owned()),
                    V::OptInt(nudge),
                    V::Int(0),
                    V::Int(created),
                ]
            })
        }),
    )
    .await;
    counts.push(("rituals", n));
    let n = insert(
        &mut conn,
        "ritual_triggers",
        &[
            "id",
            "tenant_id",
            "ritual_id",
            "source",
            "selector",
            "created_at",
        ],
        (1..=org.teams).flat_map(|t| {
            let team = t as i64;
            [
                (
                    2 * team - 1,
                    "jira",
                    format!("jira:board={t}:sprint_closed"),
                ),
                (
                    2 * team,
                    "zoom",
                    format!("zoom:meeting={}:meeting_ended", 9_000_000_000 + team),
                ),
            ]
            .map(|(ritual, source, selector)| {
                vec![
                    V::Int(ritual),
                    V::Int(tenant),
                    V::Int(ritual),
                    V::Text(source.to_owned()),
                    V::Text(selector),
                    V::Int(created),
                ]
            })
        }),
    )
    .await;
    counts.push(("ritual_triggers", n));
    let n = insert(
        &mut conn,
        "occurrences",
        &[
            "id",
            "tenant_id",
            "ritual_id",
            "subject",
            "title",
            "happened_at",
            "artefact_at",
            "created_at",
        ],
        org.occurrences.iter().enumerate().map(|(i, o)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Int(o.ritual),
                V::Text(o.subject.clone()),
                V::Text(o.title.clone()),
                V::Int(o.happened),
                V::OptInt(o.artefact),
                V::Int(o.happened),
            ]
        }),
    )
    .await;
    counts.push(("occurrences", n));

    // The log gets ids in time order, as appending would have given them.
    let mut order: Vec<usize> = (0..org.decisions.len()).collect();
    order.sort_by_key(|&i| (org.decisions[i].at, i));
    let mut ids = vec![0_i64; org.decisions.len()];
    for (position, &i) in order.iter().enumerate() {
        ids[i] = position as i64 + 1;
    }
    let n = insert(
        &mut conn,
        "decisions",
        &[
            "id",
            "tenant_id",
            "team_id",
            "kind",
            "actor_person_id",
            "subject_person_id",
            "capability_id",
            "occurrence_id",
            "channel_id",
            "source",
            "payload",
            "created_at",
        ],
        order.iter().map(|&i| {
            let d = &org.decisions[i];
            vec![
                V::Int(ids[i]),
                V::Int(tenant),
                V::OptInt(Some(d.team)),
                V::Text(d.kind.to_owned()),
                V::Int(d.actor),
                V::OptInt(d.subject),
                V::OptInt(d.capability),
                V::OptInt(d.occurrence),
                V::OptText(Some(format!("C{:05}", d.team))),
                V::Text(d.source.to_owned()),
                V::Text(payload(org, &ids, d)),
                V::Int(d.at),
            ]
        }),
    )
    .await;
    counts.push(("decisions", n));
    let n = insert(
        &mut conn,
        "team_targets",
        &[
            "team_id",
            "capability_id",
            "tenant_id",
            "target",
            "decision_id",
            "updated_at",
        ],
        org.targets.iter().map(|r| {
            vec![
                V::Int(r.team),
                V::Int(r.capability),
                V::Int(tenant),
                V::Int(r.target),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("team_targets", n));
    let n = insert(
        &mut conn,
        "person_levels",
        &[
            "person_id",
            "capability_id",
            "tenant_id",
            "level",
            "evidence",
            "set_by",
            "decision_id",
            "set_at",
        ],
        org.levels.iter().map(|r| {
            vec![
                V::Int(r.person),
                V::Int(r.capability),
                V::Int(tenant),
                V::Text(LEVELS[r.level].to_owned()),
                V::OptText(r.evidence.clone()),
                V::Int(r.set_by),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("person_levels", n));
    let n = insert(
        &mut conn,
        "interventions",
        &[
            "id",
            "tenant_id",
            "team_id",
            "person_id",
            "capability_id",
            "means",
            "due_on",
            "status",
            "decision_id",
            "created_at",
        ],
        org.interventions.iter().enumerate().map(|(i, r)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Int(r.team),
                V::Int(r.person),
                V::Int(r.capability),
                V::Text(MEANS[r.means].to_owned()),
                V::OptText(r.due.map(|d| d.to_string())),
                V::Text("planned".to_owned()),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("interventions", n));
    let n = insert(
        &mut conn,
        "learning_hours",
        &[
            "id",
            "tenant_id",
            "team_id",
            "person_id",
            "hours_centi",
            "period_kind",
            "period_label",
            "decision_id",
            "created_at",
        ],
        org.hours.iter().enumerate().map(|(i, r)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Int(r.team),
                V::Int(r.person),
                V::Int(r.centi),
                V::Text("week".to_owned()),
                V::Text(r.week.to_string()),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("learning_hours", n));
    let n = insert(
        &mut conn,
        "absences",
        &[
            "id",
            "tenant_id",
            "person_id",
            "starts_on",
            "ends_on",
            "decision_id",
            "created_at",
        ],
        org.absences.iter().enumerate().map(|(i, r)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Int(r.person),
                V::Text(r.from.to_string()),
                V::Text(r.to.to_string()),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("absences", n));
    let n = insert(
        &mut conn,
        "tracks",
        &["id", "tenant_id", "name", "name_key", "created_at"],
        TRACKS.iter().enumerate().map(|(i, name)| {
            vec![
                V::Int(i as i64 + 1),
                V::Int(tenant),
                V::Text((*name).to_owned()),
                V::Text(name.to_lowercase()),
                V::Int(created),
            ]
        }),
    )
    .await;
    counts.push(("tracks", n));
    let n = insert(
        &mut conn,
        "track_enrolments",
        &[
            "track_id",
            "person_id",
            "tenant_id",
            "team_id",
            "status",
            "note",
            "decided_by",
            "decision_id",
            "updated_at",
        ],
        org.enrolments.iter().map(|r| {
            vec![
                V::Int(r.track),
                V::Int(r.person),
                V::Int(tenant),
                V::Int(r.team),
                V::Text(r.status.to_owned()),
                V::OptText(r.note.clone()),
                V::OptInt(r.decided_by),
                V::Int(ids[r.decision]),
                V::Int(r.at),
            ]
        }),
    )
    .await;
    counts.push(("track_enrolments", n));

    if postgres {
        // Explicit ids leave the identity sequences behind; move them on so the app's own
        // inserts do not collide. Then the statistics and visibility map autovacuum would keep.
        for table in [
            "tenants",
            "capabilities",
            "people",
            "teams",
            "rituals",
            "ritual_triggers",
            "occurrences",
            "decisions",
            "interventions",
            "learning_hours",
            "absences",
            "tracks",
        ] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        }
        sqlx::query("VACUUM ANALYZE")
            .execute(&mut conn)
            .await
            .unwrap();
    } else {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
    counts
}

// ---------------------------------------------------------------------------------------------
// Measuring, in the child.

/// sqlx's statement events (target `sqlx::query`), counted and timed per statement.
#[derive(Default)]
struct Statements {
    by_sql: Mutex<HashMap<String, (u64, f64, u64)>>,
}

struct StatementLayer(Arc<Statements>);

#[derive(Default)]
struct StatementFields {
    sql: String,
    summary: String,
    elapsed: f64,
    rows: u64,
}

impl tracing::field::Visit for StatementFields {
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = value;
        }
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "rows_returned" {
            self.rows = value;
        }
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "db.statement" => self.sql = value.trim().to_owned(),
            "summary" => self.summary = value.to_owned(),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.summary = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementLayer {
    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut fields = StatementFields::default();
        event.record(&mut fields);
        let key = if fields.sql.is_empty() {
            fields.summary
        } else {
            fields.sql
        };
        let mut by_sql = self.0.by_sql.lock().unwrap();
        let entry = by_sql.entry(key).or_default();
        entry.0 += 1;
        entry.1 += fields.elapsed;
        entry.2 += fields.rows;
    }
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    n
}

/// The child: plan and run every digest, print figures, then profile one digest at a time.
async fn measure(url: &str, teams: i64, profile: bool) -> bool {
    let store = Store::connect(url).await.unwrap();
    let clock = Arc::new(ManualClock::new(instant(PLAN_AT)));
    let scheduler = Scheduler::new(
        store.clone(),
        clock.clone(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let started = Instant::now();
    scheduler.plan().await.unwrap();
    let planned = started.elapsed().as_secs_f64();
    clock.set(instant(RUN_AT));
    let mut passes = Vec::new();
    loop {
        let pass = Instant::now();
        let claimed = scheduler.run_due().await.unwrap();
        if claimed == 0 {
            break;
        }
        passes.push((pass.elapsed().as_micros().min(u128::from(u32::MAX))) as u32);
    }
    let total = started.elapsed().as_secs_f64();
    let rss = peak_rss_mb(std::process::id()).unwrap_or(f64::NAN);
    let queued = count(
        url,
        "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'",
    )
    .await;
    let failed = count(
        url,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'digest' AND last_error IS NOT NULL",
    )
    .await;
    let run = total - planned;
    passes.sort_unstable();
    println!(
        "  plan {planned:.2} s; run_due {} passes of up to 64 jobs, {run:.2} s (pass p50 {:.0} ms, max {:.0} ms); \
         digests queued {queued} of {teams}; failed jobs {failed}",
        passes.len(),
        percentile(&passes, 0.5),
        percentile(&passes, 1.0),
    );
    println!(
        "figures total_s={total:.3} plan_s={planned:.3} run_s={run:.3} queued={queued} failed={failed} rss_mb={rss:.1}"
    );
    let complete = queued == teams && failed == 0;
    if !complete {
        println!(
            "  !!! NOT EVERY DIGEST WAS QUEUED: {queued} of {teams} (failed jobs: {failed}) !!!"
        );
    }

    if profile {
        // A sample of the teams' digests again (every n-th team), read one at a time with
        // statements counted: the reads a digest job makes, without its write and without
        // concurrency. Only now is anything
        // listening to sqlx's statement events: while nobody is, sqlx does not build them.
        let statements = Arc::new(Statements::default());
        {
            use tracing_subscriber::Layer;
            use tracing_subscriber::layer::SubscriberExt;
            let filter = tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::DEBUG);
            let subscriber = tracing_subscriber::registry()
                .with(StatementLayer(statements.clone()).with_filter(filter));
            tracing::subscriber::set_global_default(subscriber).unwrap();
        }
        let sample: i64 = std::env::var("BENCH_PROFILE_TEAMS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200)
            .clamp(1, teams);
        let step = teams / sample;
        let mut latencies = Vec::new();
        let started = Instant::now();
        for team in (1..=teams).step_by(step as usize).take(sample as usize) {
            let team = store
                .team_by_id(
                    cadence::domain::ids::TenantId(1),
                    cadence::domain::ids::TeamId(team),
                )
                .await
                .unwrap()
                .unwrap();
            let one = Instant::now();
            team_digest(&store, &team, instant(RUN_AT)).await.unwrap();
            latencies.push(one.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort_unstable();
        println!(
            "  profile: {sample} teams' digests read again one at a time: {elapsed:.2} s, per digest p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            percentile(&latencies, 1.0)
        );
        let by_sql = statements.by_sql.lock().unwrap();
        let mut rows: Vec<(&String, &(u64, f64, u64))> = by_sql.iter().collect();
        rows.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
        println!(
            "  {:>7} {:>7} {:>9} {:>8} {:>8}  statement (per digest read)",
            "count", "/digest", "total ms", "mean ms", "rows"
        );
        for (sql, (n, secs, rows)) in rows {
            let sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = sql.chars().take(110).collect();
            println!(
                "  {n:>7} {:>7.2} {:>9.0} {:>8.3} {:>8.1}  {short}",
                *n as f64 / sample as f64,
                secs * 1000.0,
                secs * 1000.0 / *n as f64,
                *rows as f64 / *n as f64,
            );
        }
    }
    store.close().await;
    complete
}

// ---------------------------------------------------------------------------------------------
// The parent.

struct Run {
    database: &'static str,
    generation_s: f64,
    rows: Counts,
    figures: BTreeMap<String, f64>,
    ok: bool,
}

fn generate_and_measure(database: &'static str, url: &str, teams: usize) -> Run {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("\n{database}: generating {teams} teams");
    let started = Instant::now();
    let org = Org::generate(teams, instant(RUN_AT).timestamp_millis() - 6 * 3_600_000);
    let built = started.elapsed().as_secs_f64();
    let rows = runtime.block_on(async {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
        write(url, &org, instant(RUN_AT)).await
    });
    drop(org);
    let generation_s = started.elapsed().as_secs_f64();
    println!(
        "  generated in {generation_s:.1} s ({built:.1} s in memory): {}",
        rows.iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    drop(runtime);

    println!("  measuring in a fresh process");
    let mut child = Killed(
        Command::new(std::env::current_exe().unwrap())
            .arg("--measure")
            .arg(url)
            .arg(teams.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut figures = BTreeMap::new();
    let stdout = BufReader::new(child.0.stdout.take().unwrap());
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("figures ") {
            for pair in rest.split_whitespace() {
                if let Some((k, v)) = pair.split_once('=') {
                    figures.insert(k.to_owned(), v.parse().unwrap_or(f64::NAN));
                }
            }
        } else {
            println!("{line}");
        }
    }
    let status = child.0.wait().unwrap();
    let ok = figures.get("queued") == Some(&(teams as f64)) && figures.get("failed") == Some(&0.0);
    if !ok {
        println!("  !!! {database}: NOT EVERY DIGEST WAS QUEUED ({teams} teams) !!!");
    }
    if !status.success() {
        println!("  !!! {database}: the measuring process ended with {status} !!!");
    }
    Run {
        database,
        generation_s,
        rows,
        figures,
        ok: ok && status.success(),
    }
}

fn postgres_url(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin, String::new()),
    };
    let (server, _) = base
        .rsplit_once('/')
        .expect("CADENCE_TEST_DATABASE_URL needs a database path");
    format!("{server}/{name}{query}")
}

fn bench() -> bool {
    let teams: usize = std::env::var("BENCH_TEAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    println!(
        "digest benchmark: {teams} teams × 12 people × {} capabilities, a year of decisions; \
         plan at {PLAN_AT}, run at {RUN_AT}; {} cores",
        CAPABILITIES.len(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    let mut results = Vec::new();

    if std::env::var("BENCH_SQLITE").is_ok_and(|v| v == "0") {
        println!("\nSQLite skipped (BENCH_SQLITE=0)");
    } else {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}", dir.path().join("cadence.db").display());
        results.push(generate_and_measure("SQLite", &sqlite, teams));
        if let Ok(size) = std::fs::metadata(dir.path().join("cadence.db")).map(|m| m.len()) {
            println!(
                "  database file {:.0} MB (in {})",
                size as f64 / 1e6,
                dir.path().display()
            );
        }
    }

    match std::env::var("CADENCE_TEST_DATABASE_URL") {
        Ok(admin) => {
            let name = format!(
                "cadence_bench_{}",
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs()
            );
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            });
            let url = postgres_url(&admin, &name);
            let result =
                std::panic::catch_unwind(|| generate_and_measure("PostgreSQL", &url, teams));
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
                let size: Option<(i64,)> =
                    sqlx::query_as(&format!("SELECT pg_database_size('{name}')"))
                        .fetch_optional(&mut conn)
                        .await
                        .ok()
                        .flatten();
                if let Some((size,)) = size {
                    println!(
                        "  database size {:.0} MB ({name}, now dropped)",
                        size as f64 / 1e6
                    );
                }
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            });
            match result {
                Ok(result) => results.push(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Err(_) => println!("\nPostgreSQL skipped: set CADENCE_TEST_DATABASE_URL"),
    }

    println!(
        "\nsummary ({teams} teams; targets: all digests queued in < {TARGET_SECONDS} s, peak RSS < {TARGET_MB} MB)"
    );
    println!(
        "{:<11} {:>8} {:>10} {:>8} {:>8} {:>8} {:>7} {:>10} {:>9}  {:<10} {:<10}",
        "database",
        "gen s",
        "decisions",
        "plan s",
        "run s",
        "total s",
        "queued",
        "digests/s",
        "peak RSS",
        "< 10 s",
        "< 200 MB"
    );
    let mut all_ok = true;
    for r in &results {
        let f = |k: &str| r.figures.get(k).copied().unwrap_or(f64::NAN);
        let decisions = r
            .rows
            .iter()
            .find(|(t, _)| *t == "decisions")
            .map(|(_, n)| *n)
            .unwrap_or(0);
        let total = f("total_s");
        let rss = f("rss_mb");
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        println!(
            "{:<11} {:>8.1} {:>10} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>10.0} {:>6.1} MB  {:<10} {:<10}",
            r.database,
            r.generation_s,
            decisions,
            f("plan_s"),
            f("run_s"),
            total,
            f("queued"),
            f("queued") / total,
            rss,
            verdict(r.ok && total < TARGET_SECONDS),
            verdict(rss < TARGET_MB),
        );
        if !r.ok {
            println!(
                "  {}: FAILED: not every digest was queued, or the measuring process failed",
                r.database
            );
        }
        all_ok &= r.ok;
    }
    all_ok
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        let (url, teams) = (&args[i + 1], args[i + 2].parse::<i64>().unwrap());
        let profile = std::env::var("BENCH_PROFILE").map_or(true, |v| v != "0");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let complete = runtime.block_on(measure(url, teams, profile));
        std::process::exit(if complete { 0 } else { 1 });
    }
    if args.iter().any(|a| a == "--list") {
        // `cargo test` lists benches; there is nothing to list.
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("digest benchmark: skipped (run with `cargo bench --bench digest`)");
        return;
    }
    if !bench() {
        std::process::exit(1);
    }
}
