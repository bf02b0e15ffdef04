//! The synthetic organisation the digest and report benchmarks load (deterministic; not a test).
//!
//! One Slack tenant with 40 capabilities and N teams of 12 current members (2 managers, 10
//! members; some teams also have members who left during the year), each with a target per
//! capability, levels for every person on 10–15 capabilities, two event-triggered rituals (a
//! fortnightly retro, a weekly pipeline call) and their occurrences, and a year of decisions as
//! the app writes them: level history, targets, gaps and coaching moments in rituals,
//! interventions, learning hours, absences and track requests, each with the rows its effect
//! writes ([`Org::generate`]). [`Org::add_report_history`] adds what a year of running Cadence
//! also leaves behind and the organisation's reports read: the outbox (prompts, card updates,
//! nudges, weekly digests), snoozed nudges, retros answered after their nudge, and undone
//! decisions; the digest benchmark leaves it out, so its data is as it always was.
//!
//! Rows carry explicit ids and go in with multi-row INSERTs in one transaction per table
//! ([`write`]); decisions get ids in time order, as the append-only log would. Generation is
//! deterministic (a seeded xorshift per team).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::json;
use sqlx::{AnyConnection, Connection};

/// The teams' zones, in turn.
pub const ZONES: [&str; 4] = [
    "Australia/Sydney",
    "Asia/Tokyo",
    "Europe/London",
    "America/New_York",
];

pub const CAPABILITIES: [&str; 40] = [
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

/// An instant from RFC 3339 text.
pub fn instant(s: &str) -> DateTime<Utc> {
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
    /// A nudge put off until `until` (Unix ms).
    Snooze {
        until: i64,
    },
    /// Decision `reverts` (an index into [`Org::decisions`]) undone.
    Undo {
        reverts: usize,
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

/// What a queued message shows, rendered only when it is written (a year of cards is a lot of
/// memory to hold).
#[derive(Clone, Copy)]
enum CardKind {
    /// The prompt posted when a ritual's occurrence happened.
    Prompt,
    /// The prompt again, with the `lines` decisions recorded from it so far.
    Answered { lines: usize },
    /// The nudge about a missing artefact.
    Nudge,
    /// The nudge again, saying it was put off.
    Snoozed,
    /// A team's weekly digest.
    Digest,
}

/// A message Cadence queued and sent. A follow-up's key ends with the id of the decision that
/// queued it (`decision`, an index into [`Org::decisions`]), as the store names them.
struct OutboxRow {
    key: String,
    decision: Option<usize>,
    team: i64,
    /// The occurrence's index in [`Org::occurrences`], for prompts, card updates and nudges.
    occurrence: Option<usize>,
    card: CardKind,
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

/// A generated organisation, in memory, before it is written.
#[derive(Default)]
pub struct Org {
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
    /// Messages Cadence queued and sent; empty unless [`Org::add_report_history`] ran.
    outbox: Vec<OutboxRow>,
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
    pub fn generate(teams: usize, end: i64) -> Org {
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

/// Minutes after a retro's prompt before its nudge (the retros' `nudge_after_minutes`).
const NUDGE_AFTER_MS: i64 = 120 * 60_000;

/// Unix ms of 09:00 UTC on `day`.
fn nine_am(day: NaiveDate) -> i64 {
    day.and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

/// A platform message id (a Slack `ts`) for a message sent at `at`.
fn message_ts(at: i64, n: usize) -> String {
    format!("{}.{:06}", at / 1000, n % 1_000_000)
}

impl Org {
    /// Adds what a year of running Cadence leaves besides the history [`Org::generate`] made
    /// (`end` as given to it), and what the organisation's reports read as well:
    ///
    /// - every retro left unanswered gets its nudge 120 minutes after it happened; three in ten
    ///   of those nudges are snoozed to 09:00 UTC the next day and posted again then; and two in
    ///   five such retros are answered after all, with one to three gaps, within a day of the
    ///   last nudge;
    /// - 2% of the level steps a later level decision superseded, 2% of the gaps named in
    ///   rituals and 1% of learning-hour allocations are undone by their author within half an
    ///   hour (each person's latest level stays standing, so `person_levels` is still right;
    ///   undone hours lose their `learning_hours` row, as the app's undo deletes it);
    /// - the outbox as a year of sending leaves it (Cadence keeps sent messages): each
    ///   occurrence's prompt, a card update for each decision taken on a card, the nudges and
    ///   their snoozed versions, and every team's weekly digest, all sent.
    ///
    /// Each team draws from a generator of its own, seeded apart from [`Org::generate`]'s.
    pub fn add_report_history(&mut self, end: i64) {
        let mut rngs: Vec<Rng> = (0..=self.teams as u64)
            .map(|t| Rng::new(0x5EED_0000 + t))
            .collect();
        let mut managers = vec![Vec::new(); self.teams + 1];
        let mut members = vec![Vec::new(); self.teams + 1];
        for m in &self.members {
            match (m.role, m.left) {
                ("manager", _) => managers[m.team as usize].push(m.person),
                (_, None) => members[m.team as usize].push(m.person),
                _ => {}
            }
        }
        self.nudges(end, &mut rngs, &managers, &members);
        self.undos(end, &mut rngs);
        self.sent_messages(end);
    }

    /// Nudges for the retros left unanswered, snoozes, and late answers.
    fn nudges(&mut self, end: i64, rngs: &mut [Rng], managers: &[Vec<i64>], members: &[Vec<i64>]) {
        for index in 0..self.occurrences.len() {
            let (ritual, happened, artefact) = {
                let o = &self.occurrences[index];
                (o.ritual, o.happened, o.artefact)
            };
            // Retros have odd ritual ids; pipeline calls are never nudged.
            if ritual % 2 == 0 || artefact.is_some() || happened + NUDGE_AFTER_MS >= end {
                continue;
            }
            let team = (ritual + 1) / 2;
            let t = team as usize;
            let occurrence = index as i64 + 1;
            let rng = &mut rngs[t];
            let mut due = happened + NUDGE_AFTER_MS;
            self.outbox.push(OutboxRow {
                key: format!("nudge:{occurrence}:{due}"),
                decision: None,
                team,
                occurrence: Some(index),
                card: CardKind::Nudge,
                at: due,
            });
            let snoozed_at = due + rng.range(5, 90) * 60_000;
            if rng.chance(0.3) && snoozed_at < end {
                let until = nine_am(day_of(snoozed_at) + Duration::days(1));
                let actor = managers[t][rng.index(managers[t].len())];
                let snooze = self.decide(Decision {
                    at: snoozed_at,
                    team,
                    kind: "snooze",
                    actor,
                    subject: None,
                    capability: None,
                    occurrence: Some(occurrence),
                    source: "card",
                    detail: Detail::Snooze { until },
                });
                self.outbox.push(OutboxRow {
                    key: format!("snooze:{occurrence}:"),
                    decision: Some(snooze),
                    team,
                    occurrence: Some(index),
                    card: CardKind::Snoozed,
                    at: snoozed_at,
                });
                due = until;
                if until < end {
                    self.outbox.push(OutboxRow {
                        key: format!("nudge:{occurrence}:{until}"),
                        decision: None,
                        team,
                        occurrence: Some(index),
                        card: CardKind::Nudge,
                        at: until,
                    });
                }
            }
            let mut at = due + rng.range(30, 24 * 60) * 60_000;
            if rng.chance(0.4) && at < end {
                self.occurrences[index].artefact = Some(at);
                for _ in 0..rng.range(1, 4) {
                    let actor = managers[t][rng.index(managers[t].len())];
                    let subject = members[t][rng.index(members[t].len())];
                    let capability = rng.range(1, CAPABILITIES.len() as i64 + 1);
                    self.decide(Decision {
                        at,
                        team,
                        kind: "gap",
                        actor,
                        subject: Some(subject),
                        capability: Some(capability),
                        occurrence: Some(occurrence),
                        source: "card",
                        detail: Detail::Gap,
                    });
                    at += rng.range(1, 10) * 60_000;
                }
            }
        }
    }

    /// Mistakes put right with `undo` by their author.
    fn undos(&mut self, end: i64, rngs: &mut [Rng]) {
        let standing: HashSet<usize> = self.levels.iter().map(|l| l.decision).collect();
        let mut undone_hours = HashSet::new();
        for index in 0..self.decisions.len() {
            let d = &self.decisions[index];
            let (team, actor, at, kind) = (d.team, d.actor, d.at, d.kind);
            let p = match kind {
                "level" | "certify" if !standing.contains(&index) => 0.02,
                "gap" if d.occurrence.is_some() => 0.02,
                "hours" => 0.01,
                _ => continue,
            };
            let rng = &mut rngs[team as usize];
            let undone_at = at + rng.range(1, 30) * 60_000;
            if !rng.chance(p) || undone_at >= end {
                continue;
            }
            self.decide(Decision {
                at: undone_at,
                team,
                kind: "undo",
                actor,
                subject: None,
                capability: None,
                occurrence: None,
                source: "slash_command",
                detail: Detail::Undo { reverts: index },
            });
            if kind == "hours" {
                undone_hours.insert(index);
            }
        }
        self.hours.retain(|h| !undone_hours.contains(&h.decision));
    }

    /// Prompts, card updates and weekly digests, then the whole outbox in time order.
    fn sent_messages(&mut self, end: i64) {
        for (index, o) in self.occurrences.iter().enumerate() {
            self.outbox.push(OutboxRow {
                key: format!("prompt:{}", index + 1),
                decision: None,
                team: (o.ritual + 1) / 2,
                occurrence: Some(index),
                card: CardKind::Prompt,
                at: o.happened,
            });
        }
        let mut answered = vec![0_usize; self.occurrences.len()];
        let mut by_time: Vec<usize> = (0..self.decisions.len()).collect();
        by_time.sort_by_key(|&i| (self.decisions[i].at, i));
        for index in by_time {
            let d = &self.decisions[index];
            let Some(occurrence) = d.occurrence else {
                continue;
            };
            if d.source != "card" || d.kind == "snooze" {
                continue;
            }
            let o = occurrence as usize - 1;
            answered[o] += 1;
            self.outbox.push(OutboxRow {
                key: format!("card:{occurrence}:"),
                decision: Some(index),
                team: d.team,
                occurrence: Some(o),
                card: CardKind::Answered { lines: answered[o] },
                at: d.at,
            });
        }
        // Weekly digests at 09:00 UTC on Mondays: near enough to each team's zone for a count.
        let mut monday = monday_of(day_of(end - 365 * DAY_MS)) + Duration::days(7);
        while nine_am(monday) < end {
            let week = monday.iso_week();
            for team in 1..=self.teams as i64 {
                self.outbox.push(OutboxRow {
                    key: format!("digest:{team}:{}-W{:02}", week.year(), week.week()),
                    decision: None,
                    team,
                    occurrence: None,
                    card: CardKind::Digest,
                    at: nine_am(monday),
                });
            }
            monday += Duration::days(7);
        }
        self.outbox.sort_by_key(|m| m.at);
    }
}

/// A message's card as Cadence queues it: the neutral card as JSON, of the shape and size the
/// app's own prompts, nudges and digests have.
fn card_json(org: &Org, message: &OutboxRow) -> String {
    use cadence::domain::card::{Action, Card, Choice, Control, Emphasis, Fact, Part, Verb};
    use cadence::domain::text::Text;

    let id = message.occurrence.map_or(0, |i| i as i64 + 1);
    let button = |verb, label: &str, emphasis| Control::Button {
        action: Action::on(verb, id),
        label: label.to_owned(),
        emphasis,
    };
    let team = format!("Team {:05}", message.team);
    let note = Part::Note(vec![
        Text::new()
            .plain("Team ")
            .strong(team.as_str())
            .plain(" · only the team's managers can record decisions from this card."),
    ]);
    let occurrence = message.occurrence.map(|i| &org.occurrences[i]);
    let title = occurrence.map(|o| o.title.clone()).unwrap_or_default();
    let card = match message.card {
        CardKind::Prompt | CardKind::Answered { .. }
            if occurrence.is_some_and(|o| o.ritual % 2 == 1) =>
        {
            let question = format!("{title} closed — what capability gaps did it surface?");
            let options = CAPABILITIES
                .iter()
                .enumerate()
                .map(|(i, name)| Choice::new(*name, format!("cap-{}", i + 1)))
                .collect();
            let mut parts = vec![
                Part::Heading(question.clone()),
                Part::Body(
                    Text::new()
                        .plain(
                            "Name each gap while it is fresh: pick who and which capability, then ",
                        )
                        .strong("Log gap")
                        .plain(". Plan an intervention if you already know what would help."),
                ),
                Part::Controls(vec![
                    Control::PersonPicker {
                        action: Action::on(Verb::PickPerson, id),
                        placeholder: "Who".into(),
                    },
                    Control::Choice {
                        action: Action::on(Verb::PickCapability, id),
                        placeholder: "Which capability".into(),
                        options,
                    },
                    button(Verb::LogGap, "Log gap", Emphasis::Primary),
                ]),
                Part::Controls(vec![
                    button(
                        Verb::PlanIntervention,
                        "Plan intervention",
                        Emphasis::Normal,
                    ),
                    button(Verb::NoGaps, "No gaps this sprint", Emphasis::Normal),
                ]),
                note,
            ];
            if let CardKind::Answered { lines } = message.card {
                parts.insert(2, Part::Separator);
                parts.insert(3, Part::Body(outcome_lines(lines, "gap in")));
            }
            Card {
                summary: question,
                parts,
            }
        }
        CardKind::Prompt | CardKind::Answered { .. } => {
            let question = format!("{title} — any coaching moments?");
            let mut parts = vec![
                Part::Heading(question.clone()),
                Part::Body(Text::new().plain(
                    "Capture a coaching moment while it is fresh: who, which capability, and what happened.",
                )),
                Part::Controls(vec![button(
                    Verb::CoachingMoment,
                    "Coaching moment",
                    Emphasis::Primary,
                )]),
                note,
            ];
            if let CardKind::Answered { lines } = message.card {
                parts.insert(2, Part::Separator);
                parts.insert(3, Part::Body(outcome_lines(lines, "coaching moment in")));
            }
            Card {
                summary: question,
                parts,
            }
        }
        CardKind::Nudge | CardKind::Snoozed => {
            let mut body = Text::new()
                .mention(format!("U{:05}00", message.team))
                .plain(" ")
                .mention(format!("U{:05}01", message.team))
                .plain(" ")
                .strong(title.as_str())
                .plain(" (Sprint retro) ended without naming the skill gaps it surfaced. ")
                .plain("Answer on its card above, or say there were none this time.");
            if matches!(message.card, CardKind::Snoozed) {
                body = body
                    .line()
                    .plain("Snoozed until Tue 3 Nov 09:00 by ")
                    .mention(format!("U{:05}00", message.team));
            }
            Card {
                summary: format!("{title} ended without naming the skill gaps it surfaced"),
                parts: vec![
                    Part::Body(body),
                    Part::Controls(vec![
                        button(Verb::NoGaps, "No gaps this time", Emphasis::Primary),
                        button(
                            Verb::SnoozeNudge,
                            "Remind me next working morning",
                            Emphasis::Normal,
                        ),
                    ]),
                    Part::Note(vec![Text::new().plain(
                        "Cadence nudges once per occurrence, and never someone recorded as away.",
                    )]),
                ],
            }
        }
        CardKind::Digest => {
            let heading = format!("{team} — capability digest");
            Card {
                summary: heading.clone(),
                parts: vec![
                    Part::Heading(heading),
                    Part::Body(Text::new().strong("27 of 40 targeted capabilities at target today")),
                    Part::Facts(
                        CAPABILITIES
                            .iter()
                            .map(|name| Fact {
                                label: (*name).to_owned(),
                                value: Text::new().plain("2/3 at mastery (67%), no change"),
                            })
                            .collect(),
                    ),
                    Part::Separator,
                    Part::Body(
                        Text::new()
                            .strong("Risks")
                            .line()
                            .plain("Single point of failure: negotiation, only Ada Berg can do it today.")
                            .line()
                            .plain("Dip ahead: pricing falls to 1/2 Tue 1 Dec – Mon 14 Dec (Bob Costa away)."),
                    ),
                    Part::Body(
                        Text::new()
                            .strong("This week")
                            .line()
                            .plain("Sprint retro: 3 gaps named, 1 intervention planned.")
                            .line()
                            .plain("Interventions due this coming week or overdue: 2 (1 overdue).")
                            .line()
                            .plain("Learning hours allocated: 6.5 h."),
                    ),
                ],
            }
        }
    };
    serde_json::to_string(&card).unwrap()
}

/// What a prompt's card shows once `lines` decisions were taken from it.
fn outcome_lines(lines: usize, what: &str) -> cadence::domain::text::Text {
    let mut text = cadence::domain::text::Text::new();
    for n in 0..lines {
        if n > 0 {
            text = text.line();
        }
        text = text
            .strong("Ada Berg")
            .plain(format!(" logged a {what} "))
            .strong(CAPABILITIES[n % CAPABILITIES.len()])
            .plain(" for ")
            .mention(format!("U000010{n}"));
    }
    text
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
        Detail::Snooze { until } => json!({
            "until": DateTime::from_timestamp_millis(*until).unwrap().to_rfc3339(),
        }),
        Detail::Undo { reverts } => json!({
            "reverts": ids[*reverts], "kind": org.decisions[*reverts].kind,
        }),
    };
    value.to_string()
}

/// Rows written, by table, in the order written.
pub type Counts = Vec<(&'static str, usize)>;

/// Writes the organisation into a migrated, empty database.
pub async fn write(url: &str, org: &Org, run_at: DateTime<Utc>) -> Counts {
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
            "reverts_decision_id",
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
                V::OptInt(match d.detail {
                    Detail::Undo { reverts } => Some(ids[reverts]),
                    _ => None,
                }),
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
    if !org.outbox.is_empty() {
        let n = insert(
            &mut conn,
            "outbox",
            &[
                "id",
                "tenant_id",
                "idempotency_key",
                "platform",
                "operation",
                "channel_id",
                "target_message",
                "card",
                "occurrence_id",
                "state",
                "attempts",
                "next_attempt_at",
                "message_id",
                "created_at",
                "sent_at",
            ],
            org.outbox.iter().enumerate().map(|(i, m)| {
                let key = match m.decision {
                    Some(decision) => format!("{}{}", m.key, ids[decision]),
                    None => m.key.clone(),
                };
                // Card updates replace the prompt they were taken from; the rest are posts.
                let target = match m.card {
                    CardKind::Answered { .. } | CardKind::Snoozed => m
                        .occurrence
                        .map(|o| message_ts(org.occurrences[o].happened, o + 1)),
                    _ => None,
                };
                vec![
                    V::Int(i as i64 + 1),
                    V::Int(tenant),
                    V::Text(key),
                    V::Text("slack".to_owned()),
                    V::Text(if target.is_some() { "update" } else { "post" }.to_owned()),
                    V::Text(format!("C{:05}", m.team)),
                    V::OptText(target),
                    V::Text(card_json(org, m)),
                    V::OptInt(m.occurrence.map(|o| o as i64 + 1)),
                    V::Text("sent".to_owned()),
                    V::Int(1),
                    V::Int(m.at),
                    V::OptText(Some(match (m.card, m.occurrence) {
                        (CardKind::Prompt, Some(o)) => message_ts(m.at, o + 1),
                        _ => message_ts(m.at, i),
                    })),
                    V::Int(m.at),
                    V::OptInt(Some(m.at + 700)),
                ]
            }),
        )
        .await;
        counts.push(("outbox", n));
    }

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
        ]
        .into_iter()
        .chain((!org.outbox.is_empty()).then_some("outbox"))
        {
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
// A scratch PostgreSQL database.

/// Runs `run` with the URL of a fresh database `{prefix}_<unix seconds>` on the server `admin`
/// points at, then prints the database's size and drops it, also when `run` panicked (the
/// panic then goes on); with `BENCH_KEEP=1` it is kept, and its URL printed.
pub fn with_scratch_postgres<T>(admin: &str, prefix: &str, run: impl FnOnce(&str) -> T) -> T {
    let name = format!(
        "{prefix}_{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
    });
    let url = crate::support::Database::Postgres {
        admin: admin.to_owned(),
        name: name.clone(),
    }
    .url();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&url)));
    runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
        let size: Option<(i64,)> = sqlx::query_as(&format!("SELECT pg_database_size('{name}')"))
            .fetch_optional(&mut conn)
            .await
            .ok()
            .flatten();
        if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") && result.is_ok() {
            println!(
                "  database size {:.0} MB, kept: {url}",
                size.map_or(0, |(s,)| s) as f64 / 1e6
            );
            return;
        }
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
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
