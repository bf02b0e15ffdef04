//! Three replicas on PostgreSQL behave as one service. Three `cadence serve` processes share one
//! fresh database, one clock (`CADENCE_CLOCK_FILE`) and one recording Slack stand-in; a client
//! sends them, in turn, a burst of signed Jira events (some delivered twice, to different
//! replicas), slash commands and card clicks, and sends what got no answer to the next replica.
//! One replica is SIGKILLed mid-burst; the shared clock then runs through two weeks: nudges for
//! retros left without their artefact, two weekly digests per team, a weekly scheduled ritual.
//!
//! Afterwards: every acknowledged event has one occurrence, whose prompt reached Slack exactly
//! once; every nudge and digest reached Slack exactly once; no channel saw two posts less than
//! the pacing gap apart; and the 429 Slack answered one replica kept every replica out of that
//! channel until its Retry-After had passed. PostgreSQL only: SQLite is one process's file.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::{Duration, Instant};

use cadence::domain::Platform;
use cadence::domain::event::Selector;
use cadence::domain::ritual::{PromptOn, RitualKind};
use cadence::inbound::slack::signature::sign;
use cadence::inbound::verify::hmac_sha256_hex;
use cadence::store::{NewRitual, NewTeam, Store};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::AnyPool;

use crate::helpers::{Db, JIRA_SECRET, SECRET, TestDb, command_body};
use crate::replica_checks::check;
use crate::replica_set::{ReplicaSet, RoundRobin, SharedClock};
use crate::slack_standin::{Scripted, SlackStandIn};

const REPLICAS: usize = 3;
/// The replica SIGKILLed mid-burst.
const KILLED: usize = 1;
/// Teams: name, home channel (where its digest goes), and the prefix of its members' ids.
const TEAMS: [(&str, &str, &str); 3] = [
    ("Atlas", "CATLAS", "UA"),
    ("Borealis", "CBOREALIS", "UB"),
    ("Comet", "CCOMET", "UC"),
];
/// Manages every team.
const MANAGER: &str = "UBOSS";
/// Jira boards, one retro each, in channel `CRETRO{board}`, for team `board % 3`.
const BOARDS: u32 = 6;
/// Sprints closed in the burst, the first three quarters before the kill.
pub const SPRINTS: u32 = 24;
/// Slash commands in the burst, two thirds before the kill.
pub const COMMANDS: usize = 12;
/// Prompts answered "nothing this time" by a click, just before the kill.
const CLICKS: usize = 6;
/// What Slack's 429 asks for.
pub const RETRY_AFTER_SECONDS: i64 = 3;
/// The outbox's pacing gap per channel.
pub const GAP_MS: i64 = 1000;
/// What real time may take off a gap between the replica reading its clock and the stand-in
/// recording the call (the stored slot is truncated to the millisecond, for one).
pub const JITTER_MS: i64 = 50;
/// The outbox's claim on a message, and so on its channel while it posts.
const LEASE_MS: i64 = 30_000;
/// How long any one phase may take before the test gives up.
const WAIT: Duration = Duration::from_secs(90);

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("test instant")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_on_postgresql_behave_as_one_service() {
    let started = Instant::now();
    let Some(db) = TestDb::new(Db::Postgres).await else {
        return;
    };
    // Wednesday 25 November 2026, 10:00 in London: working hours, so nudges go out when due.
    let clock = SharedClock::start(utc("2026-11-25T10:00:00Z"));
    set_up(&db.url, clock.now()).await;
    let pool = pool(&db.url).await;
    let slack = SlackStandIn::start().await;
    let envs = (0..REPLICAS)
        .map(|i| env(i, &db.url, &slack.base_url, &clock.file()))
        .collect();
    let mut replicas = ReplicaSet::start(envs).await;
    let client = replicas.client();

    // The first post any replica attempts is answered 429.
    slack.script(
        "chat.postMessage",
        [Scripted::RateLimited(RETRY_AFTER_SECONDS as u64)],
    );
    let mut burst = Burst::send_first_wave(&client, &clock);
    wait_until("prompts posted before the kill", || async {
        sent_prompts(&pool).await.len() >= CLICKS
    })
    .await;
    burst.click(&client, &clock, &slack, &sent_prompts(&pool).await);
    replicas.kill(KILLED);
    let killed_at = clock.now().timestamp_millis();
    burst.send_second_wave(&client, &clock);
    let acked = burst.answers().await;

    // Everything the live replicas can finish, they finish; what the dead one held waits for
    // its claims to run out. Moving the clock past them lets another replica take them over.
    wait_until("all but the killed replica's claims finished", || async {
        left_behind_by_the_dead(&pool, killed_at + LEASE_MS).await
    })
    .await;
    let orphaned = scalar(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM outbox WHERE state = 'sending' AND lease_until <= {}",
            killed_at + LEASE_MS
        ),
    )
    .await;
    clock.set(clock.now() + chrono::Duration::seconds(61));
    wait_quiet(&pool, &clock).await;
    replicas.restart(KILLED).await;

    // Two weeks of scheduled work: nudges two hours after the retros, digests on Mondays at
    // 09:00, the weekly planning on Tuesdays at 10:00 and its nudge.
    let mut mondays = 0;
    advance(&pool, &clock, last_nudge_due(&pool).await).await;
    for (monday, tuesday) in [
        ("2026-11-30T09:00:05Z", "2026-12-01T10:00:05Z"),
        ("2026-12-07T09:00:05Z", "2026-12-08T10:00:05Z"),
    ] {
        advance(&pool, &clock, utc(monday)).await;
        mondays += 1;
        advance(&pool, &clock, utc(tuesday)).await;
        advance(&pool, &clock, last_nudge_due(&pool).await).await;
    }
    advance(&pool, &clock, utc("2026-12-09T10:00:00Z")).await;

    let counts = check(&pool, &slack, &clock, &acked, mondays).await;
    eprintln!(
        "replicas: {REPLICAS} replicas on PostgreSQL, 1 SIGKILL (replica-{KILLED}, mid-burst, \
         holding {orphaned} messages mid-delivery); acknowledged: {}/{SPRINTS} sprints closed \
         ({} deliveries, {} of them repeated to a second replica), {}/{COMMANDS} commands, \
         {}/{CLICKS} clicks; {} requests retried on another replica after no answer; posted \
         exactly once each: {} prompts, {} nudges, {} digests ({} posts from {} \
         chat.postMessage calls by replica {:?}, {} history lookups before a second attempt); {}; \
         closest two posts in one channel {} ms apart; wall time {:.1} s",
        acked.events.len(),
        acked.events_sent,
        acked.repeated,
        acked.commands.len(),
        acked.clicks.len(),
        client.resent(),
        counts.prompts,
        counts.nudges,
        counts.digests,
        counts.posts,
        counts.calls,
        counts.by_replica,
        slack.calls_to("conversations.history").len(),
        counts.rate_limit,
        counts.closest_ms,
        started.elapsed().as_secs_f64(),
    );
    drop(replicas);
}

/// One replica's environment: its own bot token, so the stand-in can tell who called.
fn env(i: usize, db: &str, slack: &str, clock: &str) -> Vec<(String, String)> {
    [
        ("DATABASE_URL", db.to_owned()),
        ("SLACK_SIGNING_SECRET", SECRET.to_owned()),
        ("SLACK_BOT_TOKEN", format!("xoxb-replica-{i}")),
        ("SLACK_API_BASE_URL", slack.to_owned()),
        ("JIRA_WEBHOOK_SECRET", JIRA_SECRET.to_owned()),
        ("CADENCE_CLOCK_FILE", clock.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Workspace T1: three teams managed by UBOSS, a retro per Jira board (nudged after two hours
/// without its artefact), and Atlas's weekly planning on Tuesdays at 10:00.
async fn set_up(url: &str, now: DateTime<Utc>) {
    let store = Store::connect(url).await.expect("store");
    store.migrate().await.expect("migrate");
    let tenant = store
        .tenant(Platform::Slack, "T1", now)
        .await
        .expect("tenant");
    let boss = store
        .person(tenant, MANAGER, Some("boss"), now)
        .await
        .expect("manager");
    store
        .add_capability(tenant, "run EBR", None, None, now)
        .await
        .expect("capability");
    let mut teams = Vec::new();
    for (name, channel, prefix) in TEAMS {
        let mut members = Vec::new();
        for i in 0..2 {
            let id = format!("{prefix}{i}");
            let person = store.person(tenant, &id, Some("member"), now).await;
            members.push(person.expect("member").id);
        }
        let team = NewTeam {
            name,
            tz: chrono_tz::Europe::London,
            home_channel: Some(channel),
            managers: &[boss.id],
            members: &members,
        };
        teams.push(store.create_team(tenant, team, now).await.expect("team"));
    }
    for board in 0..BOARDS {
        let selector: Selector = format!("jira:board={board}:sprint_closed")
            .parse()
            .expect("selector");
        let (channel, name) = (format!("CRETRO{board}"), format!("retro {board}"));
        let retro = NewRitual {
            team: &teams[board as usize % teams.len()],
            kind: RitualKind::Retro,
            name: &name,
            channel_id: &channel,
            prompt_on: PromptOn::End,
            artefact: "gaps",
            nudge_after_minutes: Some(120),
            triggers: &[selector],
            schedule: None,
            prompt_before_minutes: 0,
        };
        store.add_ritual(retro, now).await.expect("retro");
    }
    let planning = NewRitual {
        team: &teams[0],
        kind: RitualKind::Planning,
        name: "Atlas planning",
        channel_id: "CPLAN",
        prompt_on: PromptOn::Start,
        artefact: "gaps",
        nudge_after_minutes: Some(120),
        triggers: &[],
        schedule: Some("0 10 * * TUE"),
        prompt_before_minutes: 0,
    };
    store.add_ritual(planning, now).await.expect("planning");
    store.close().await;
}

/// The requests of the burst, in flight; each task says what it sent and whether a replica
/// acknowledged it.
struct Burst {
    events: Vec<tokio::task::JoinHandle<(u32, bool)>>,
    commands: Vec<tokio::task::JoinHandle<(usize, bool)>>,
    clicks: Vec<tokio::task::JoinHandle<(i64, bool)>>,
    events_sent: usize,
    repeated: usize,
}

/// What the replicas acknowledged.
pub struct Acked {
    /// Sprints whose close was acknowledged.
    pub events: BTreeSet<u32>,
    /// How many deliveries were sent (repeats included).
    pub events_sent: usize,
    /// Deliveries deliberately sent twice, to two replicas.
    pub repeated: usize,
    /// Commands acknowledged, by number.
    pub commands: BTreeSet<usize>,
    /// Occurrences whose "nothing this time" click was acknowledged.
    pub clicks: BTreeSet<i64>,
}

impl Burst {
    /// Three quarters of the sprints (every fourth delivered twice, the second time to another
    /// replica) and two thirds of the commands, spread over the replicas in turn.
    fn send_first_wave(client: &RoundRobin, clock: &SharedClock) -> Burst {
        let mut burst = Burst {
            events: Vec::new(),
            commands: Vec::new(),
            clicks: Vec::new(),
            events_sent: 0,
            repeated: 0,
        };
        burst.send(client, clock, 1..=SPRINTS * 3 / 4, 0..COMMANDS * 2 / 3);
        burst
    }

    /// The rest, while one replica lies dead: what is sent to it is refused and sent on.
    fn send_second_wave(&mut self, client: &RoundRobin, clock: &SharedClock) {
        self.send(
            client,
            clock,
            SPRINTS * 3 / 4 + 1..=SPRINTS,
            COMMANDS * 2 / 3..COMMANDS,
        );
    }

    fn send(
        &mut self,
        client: &RoundRobin,
        clock: &SharedClock,
        sprints: std::ops::RangeInclusive<u32>,
        commands: std::ops::Range<usize>,
    ) {
        for sprint in sprints {
            let first = sprint as usize % REPLICAS;
            let mut firsts = vec![first];
            if sprint % 4 == 0 {
                firsts.push(first + 1);
                self.repeated += 1;
            }
            for first in firsts {
                let client = client.clone();
                self.events_sent += 1;
                self.events.push(tokio::spawn(async move {
                    (sprint, deliver_event(&client, sprint, first).await)
                }));
            }
        }
        let ts = clock.now().timestamp();
        for n in commands {
            let client = client.clone();
            self.commands.push(tokio::spawn(async move {
                (n, deliver_command(&client, n, ts).await)
            }));
        }
    }

    /// Clicks "nothing this time" on the first prompts delivered, over the replicas in turn.
    fn click(
        &mut self,
        client: &RoundRobin,
        clock: &SharedClock,
        slack: &SlackStandIn,
        sent: &[String],
    ) {
        let posted = slack.posted();
        let ts = clock.now().timestamp();
        for (n, key) in sent.iter().take(CLICKS).enumerate() {
            let prompt = posted
                .iter()
                .find(|m| m["metadata"]["event_payload"]["idempotency_key"] == key.as_str())
                .cloned()
                .expect("a sent prompt is at the stand-in");
            let occurrence: i64 = key
                .trim_start_matches("prompt:")
                .parse()
                .expect("occurrence");
            let client = client.clone();
            self.clicks.push(tokio::spawn(async move {
                (occurrence, deliver_click(&client, n, ts, &prompt).await)
            }));
        }
    }

    /// Waits for every request's last answer.
    async fn answers(self) -> Acked {
        let mut acked = Acked {
            events: BTreeSet::new(),
            events_sent: self.events_sent,
            repeated: self.repeated,
            commands: BTreeSet::new(),
            clicks: BTreeSet::new(),
        };
        for task in self.events {
            let (sprint, ok) = task.await.expect("event task");
            if ok {
                acked.events.insert(sprint);
            }
        }
        for task in self.commands {
            let (n, ok) = task.await.expect("command task");
            if ok {
                acked.commands.insert(n);
            }
        }
        for task in self.clicks {
            let (occurrence, ok) = task.await.expect("click task");
            if ok {
                acked.clicks.insert(occurrence);
            }
        }
        acked
    }
}

/// A sprint closing on board `sprint % BOARDS`, signed as Jira signs it.
async fn deliver_event(client: &RoundRobin, sprint: u32, first: usize) -> bool {
    let body = crate::prompts::sprint_closed(sprint, sprint % BOARDS);
    let signature = hmac_sha256_hex(JIRA_SECRET.as_bytes(), &[body.as_bytes()]);
    let request = |http: &reqwest::Client, base: &str| {
        http.post(format!("{base}/hooks/jira"))
            .header("content-type", "application/json")
            .header("x-hub-signature", format!("sha256={signature}"))
            .header("x-atlassian-webhook-identifier", format!("sprint-{sprint}"))
            .body(body.clone())
    };
    client.send(first, request, |_| true).await
}

/// `/cadence level …` by the manager in team `n % 3`'s channel, signed at `ts`; the same bytes
/// go to the next replica if there is no answer, and are recorded once.
async fn deliver_command(client: &RoundRobin, n: usize, ts: i64) -> bool {
    let (_, channel, prefix) = TEAMS[n % TEAMS.len()];
    let text = format!(
        r#"level <@{prefix}{}|m> "run EBR" mastery "replica-{n}""#,
        n % 2
    );
    let body = command_body("T1", channel, MANAGER, &text);
    let signature = sign(SECRET, ts, body.as_bytes());
    let request = |http: &reqwest::Client, base: &str| {
        http.post(format!("{base}/slack/commands"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", signature.clone())
            .body(body.clone())
    };
    client
        .send(n % REPLICAS, request, |answer| answer.contains("Set <@"))
        .await
}

/// The manager clicks "nothing this time" on `prompt`, as posted.
async fn deliver_click(client: &RoundRobin, n: usize, ts: i64, prompt: &Value) -> bool {
    let channel = prompt["channel"].as_str().expect("channel");
    let action = crate::scheduler::action_id(&prompt["blocks"], "no_gaps");
    let payload = json!({
        "type": "block_actions",
        "user": { "id": MANAGER, "username": "uboss", "team_id": "T1" },
        "team": { "id": "T1", "domain": "acme" },
        "is_enterprise_install": false,
        "trigger_id": format!("{n}.2.3"),
        "actions": [ { "action_id": action, "block_id": "b1", "type": "button", "action_ts": format!("1700000100.{n:06}") } ],
        "channel": { "id": channel },
        "container": { "type": "message", "message_ts": prompt["ts"], "channel_id": channel },
    });
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
    let signature = sign(SECRET, ts, body.as_bytes());
    let request = |http: &reqwest::Client, base: &str| {
        http.post(format!("{base}/slack/interactions"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", signature.clone())
            .body(body.clone())
    };
    client.send(n % REPLICAS, request, |_| true).await
}

/// Sets the shared clock to `at` and waits until the replicas have done everything due.
async fn advance(pool: &AnyPool, clock: &SharedClock, at: DateTime<Utc>) {
    clock.set(at);
    wait_quiet(pool, clock).await;
}

/// Waits until no job is due, every event is processed and every message sent. The clock is
/// only moved then: a jump under a send in flight would make its claim look lapsed.
async fn wait_quiet(pool: &AnyPool, clock: &SharedClock) {
    wait_until("everything due done", || async {
        let now = clock.now().timestamp_millis();
        let left = scalar(
            pool,
            &format!(
                "SELECT (SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND due_at <= {now}) \
                 + (SELECT COUNT(*) FROM outbox WHERE state <> 'sent') \
                 + (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL)"
            ),
        )
        .await;
        left == 0
    })
    .await;
}

/// Whether all that is left undone is what the killed replica held when it died (claims whose
/// lease ends by `dead_by`) and the messages waiting behind the channels it held.
async fn left_behind_by_the_dead(pool: &AnyPool, dead_by: i64) -> bool {
    let held_by_the_dead = format!("d.state = 'sending' AND d.lease_until <= {dead_by}");
    let left = scalar(
        pool,
        &format!(
            "SELECT (SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL) + \
             (SELECT COUNT(*) FROM outbox o WHERE o.state <> 'sent' AND NOT ( \
                 (o.state = 'sending' AND o.lease_until <= {dead_by}) \
                 OR (o.state = 'pending' AND EXISTS (SELECT 1 FROM channel_pacing p \
                     JOIN outbox d ON d.id = p.posting_id \
                     WHERE p.tenant_id = o.tenant_id AND p.channel_id = o.channel_id \
                     AND {held_by_the_dead}))))"
        ),
    )
    .await;
    left == 0
}

/// The keys of the prompts marked sent, oldest first.
async fn sent_prompts(pool: &AnyPool) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT idempotency_key FROM outbox WHERE state = 'sent' \
         AND idempotency_key LIKE 'prompt:%' ORDER BY sent_at, id",
    )
    .fetch_all(pool)
    .await
    .expect("sent prompts");
    rows.into_iter().map(|(key,)| key).collect()
}

/// Polls `done` until it holds; fails the test after [`WAIT`].
async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + WAIT;
    while !done().await {
        assert!(Instant::now() < deadline, "waited {WAIT:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(url).await.expect("connect")
}

/// Runs a `SELECT` of one number.
pub async fn scalar(pool: &AnyPool, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    n
}

/// Just after the last nudge falls due.
async fn last_nudge_due(pool: &AnyPool) -> DateTime<Utc> {
    let due = scalar(pool, "SELECT MAX(due_at) FROM jobs WHERE kind = 'nudge'").await;
    DateTime::from_timestamp_millis(due + 5000).expect("instant")
}
