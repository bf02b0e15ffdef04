//! Event-path benchmark (prints figures; not a timed test).
//!
//! 1. Acknowledgement: the release `cadence` binary on loopback with a fresh SQLite file, fifty
//!    retro rituals (Jira boards 0–49, one channel each), and correctly signed Jira
//!    `sprint_closed` deliveries, each a new sprint, over 64 connections for 20 seconds. Prints
//!    requests/s, p50 and p99 of the acknowledgement, errors, and checks that every acknowledged
//!    event ends up as exactly one queued prompt.
//! 2. Acknowledgement to prompt: on a fresh instance, 200 events at 10 per second across the fifty
//!    channels (so Slack's one-post-per-second-per-channel pacing never holds a prompt back), and
//!    the time from each acknowledgement until a loopback Slack stand-in, answering at once,
//!    receives the prompt.
//!
//! 3. Against (1): a bare axum handler (this binary with `--bare`) that verifies the same
//!    signature and keeps the delivery with one SQLite insert (WAL, `synchronous = NORMAL`), under
//!    the same load. Cadence and the bare handler alternate over two rounds; each round prints
//!    the throughput ratio.
//!
//! With `CADENCE_TEST_DATABASE_URL` set, (1) and (3) then run on PostgreSQL too: each server on a
//! new database on that server (dropped afterwards), the bare handler with a pool of sixteen at
//! the server's defaults (`synchronous_commit = on`).
//!
//! The load comes from `support::lean`, a client as frugal as wrk, so that the servers, not the
//! client, have the machine's cores.
//!
//! Run: `cargo bench --bench events`. `BENCH_SECONDS`, `BENCH_CONNECTIONS` and `BENCH_ROUNDS`
//! override 20, 64 and 2. `BENCH_BASELINE_BIN=PATH` adds another `cadence` binary (an earlier
//! commit's release build) to each round, for before/after comparisons in the same run.

// A measuring tool, not the service: failing loudly on a broken set-up is what we want here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use cadence::domain::Platform;
use cadence::domain::event::Selector;
use cadence::inbound::verify::hmac_sha256_hex;
use cadence::store::{NewRitual, NewTeam, Store};
use serde_json::{Value, json};

mod support;
use support::execute_on;
use support::{BarePool, Database, Killed, lean, peak_rss_mb, percentile, postgres_admin};

const SECRET: &str = "bench-jira-secret";
/// The release binary this benchmark was built with.
const CADENCE: &str = env!("CARGO_BIN_EXE_cadence");
const BOARDS: usize = 50;

/// When the stand-in received each prompt, by the sprint named in it.
type Received = Arc<Mutex<HashMap<usize, Instant>>>;

async fn post_message(State(received): State<Received>, Json(body): Json<Value>) -> Json<Value> {
    let text = body["text"].as_str().unwrap_or_default();
    if let Some(sprint) = text.split("Sprint ").nth(1).and_then(|rest| {
        rest.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<usize>()
            .ok()
    }) {
        received
            .lock()
            .unwrap()
            .entry(sprint)
            .or_insert_with(Instant::now);
    }
    Json(json!({ "ok": true, "channel": body["channel"], "ts": "1700000000.000100" }))
}

async fn history() -> Json<Value> {
    Json(json!({ "ok": true, "messages": [] }))
}

async fn slack_stand_in() -> (String, Received) {
    let received: Received = Arc::default();
    let app = Router::new()
        .route("/api/chat.postMessage", post(post_message))
        .route("/api/conversations.history", post(history))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/api/"), received)
}

/// Fifty retro rituals in a database the server under test has migrated (with its own
/// migrations: an earlier build's schema is left as that build made it).
async fn set_up(database: &Database) {
    let store = Store::connect(&database.url()).await.unwrap();
    let now = chrono::Utc::now();
    let tenant = store.tenant(Platform::Slack, "T1", now).await.unwrap();
    let boss = store
        .person(tenant, "UBOSS", Some("boss"), now)
        .await
        .unwrap();
    let team = store
        .create_team(
            tenant,
            NewTeam {
                name: "Atlas",
                tz: chrono_tz::Tz::UTC,
                home_channel: Some("CATLAS"),
                managers: &[boss.id],
                members: &[],
            },
            now,
        )
        .await
        .unwrap();
    store
        .add_capability(tenant, "run EBR", None, None, now)
        .await
        .unwrap();
    for board in 0..BOARDS {
        let selector: Selector = format!("jira:board={board}:sprint_closed").parse().unwrap();
        let (channel, name) = (format!("CRETRO{board}"), format!("retro {board}"));
        let ritual = NewRitual {
            team: &team,
            kind: cadence::domain::ritual::RitualKind::Retro,
            name: &name,
            channel_id: &channel,
            prompt_on: cadence::domain::ritual::PromptOn::End,
            artefact: "gaps",
            nudge_after_minutes: None,
            triggers: &[selector],
            schedule: None,
            prompt_before_minutes: 0,
        };
        store.add_ritual(ritual, now).await.unwrap();
    }
    store.close().await;
}

async fn start(binary: &str, database: &Database, slack: &str) -> (Killed, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The binary migrates its own database (`serve` does not create an SQLite file).
    let migrated = Command::new(binary)
        .arg("migrate")
        .env("DATABASE_URL", database.url())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(migrated.success(), "{binary} migrate failed");
    let child = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", database.url())
        .env("CADENCE_LISTEN", format!("127.0.0.1:{port}"))
        .env("JIRA_WEBHOOK_SECRET", SECRET)
        .env("SLACK_SIGNING_SECRET", "unused")
        .env("SLACK_BOT_TOKEN", "xoxb-bench")
        .env("SLACK_API_BASE_URL", slack)
        // Log lines (one per request) are discarded, as in the ack benchmark: writing them into
        // the benchmark's own output would measure the file or terminal behind it.
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let killed = Killed(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return (killed, base);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("cadence did not start");
}

async fn send(connection: &mut lean::Connection, sprint: usize) -> Result<(), String> {
    let body = format!(
        r#"{{"timestamp":1763974633000,"webhookEvent":"sprint_closed","sprint":{{"id":{sprint},"state":"closed","name":"Sprint {sprint}","completeDate":"2026-11-24T08:57:13.542Z","originBoardId":{}}}}}"#,
        sprint % BOARDS
    );
    let signature = format!(
        "sha256={}",
        hmac_sha256_hex(SECRET.as_bytes(), &[body.as_bytes()])
    );
    let delivery = format!("bench-{sprint}");
    let answer = connection
        .post(
            "/hooks/jira",
            &[
                ("content-type", "application/json"),
                ("x-hub-signature", &signature),
                ("x-atlassian-webhook-identifier", &delivery),
            ],
            body.as_bytes(),
        )
        .await
        .map_err(|e| e.to_string())?;
    if answer.status == 200 {
        Ok(())
    } else {
        Err(format!("HTTP {}", answer.status))
    }
}

/// What a load of signed deliveries gave: latencies of the acknowledged ones (µs, sorted), the
/// errors, and the seconds it took.
struct Load {
    latencies: Vec<u32>,
    errors: usize,
    elapsed: f64,
}

impl Load {
    fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed
    }

    fn summary(&self) -> String {
        format!(
            "{} events in {:.1} s = {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, errors {}",
            self.latencies.len(),
            self.elapsed,
            self.rps(),
            percentile(&self.latencies, 0.5),
            percentile(&self.latencies, 0.99),
            percentile(&self.latencies, 1.0),
            self.errors
        )
    }
}

/// Signed `sprint_closed` deliveries, each a new sprint, to `base` over `connections`
/// connections for `seconds`.
async fn drive(base: &str, seconds: u64, connections: usize) -> Load {
    let host = base.trim_start_matches("http://").to_owned();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors, mut n) = (Vec::new(), 0usize, worker);
            let mut connection = lean::Connection::open(&host).await.unwrap();
            while Instant::now() < deadline {
                let sent = Instant::now();
                match send(&mut connection, n).await {
                    Ok(()) => {
                        latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32)
                    }
                    Err(e) => {
                        if errors == 0 {
                            eprintln!("request failed: {e}");
                        }
                        errors += 1;
                        if let Ok(fresh) = lean::Connection::open(&host).await {
                            connection = fresh;
                        }
                    }
                }
                n += connections;
            }
            (latencies, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (l, e) = task.await.unwrap();
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Load {
        latencies,
        errors,
        elapsed,
    }
}

/// Cadence (`binary`, printed as `name`) acknowledging deliveries on `database` while its
/// processor and outbox run; returns req/s.
async fn acknowledgement(
    (binary, name): (&str, &str),
    database: Database,
    seconds: u64,
    connections: usize,
) -> f64 {
    // The server first: it migrates the database with its own migrations, so an earlier build
    // (BENCH_BASELINE_BIN) is not refused for a newer one the set-up would have applied.
    let (slack, _) = slack_stand_in().await;
    let (cadence, base) = start(binary, &database, &slack).await;
    set_up(&database).await;
    let load = drive(&base, seconds, connections).await;
    let acknowledged = load.latencies.len() as i64;
    // Let the processor catch up, then count what the acknowledged events became.
    let draining = Instant::now();
    for _ in 0..3000 {
        if database
            .count("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL")
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drained = draining.elapsed().as_secs_f64();
    let rss = peak_rss_mb(cadence.0.id());
    let inbox = database.count("SELECT COUNT(*) FROM inbox").await;
    let prompts = database
        .count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'prompt:%'")
        .await;
    drop(cadence);
    drop(database);
    println!(
        "{name}: {}, peak RSS {}",
        load.summary(),
        rss.map(|r| format!("{r:.1} MB"))
            .unwrap_or_else(|| "n/a".into())
    );
    println!(
        "  inbox rows {inbox}, queued prompts {prompts} ({drained:.1} s after the load to process them all): \
         every acknowledged event is exactly one prompt: {}",
        inbox == acknowledged && prompts == acknowledged
    );
    load.rps()
}

/// One insert of the delivery, on either database.
const BARE_INSERT: &str = "INSERT INTO deliveries (delivery_id, body, received_at) VALUES ($1, $2, $3) \
     ON CONFLICT (delivery_id) DO NOTHING";

/// The bare handler: verify Jira's signature, keep the delivery with one insert, answer 200.
async fn bare_handler(
    State(pool): State<BarePool>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    let signature = headers
        .get("x-hub-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("sha256="))
        .unwrap_or_default();
    if !cadence::inbound::verify::hmac_sha256_matches_hex(SECRET.as_bytes(), &[&body], signature) {
        return StatusCode::UNAUTHORIZED;
    }
    let delivery = headers
        .get("x-atlassian-webhook-identifier")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let received_at = chrono::Utc::now().timestamp_millis();
    let inserted = execute_on!(
        &pool,
        sqlx::query(BARE_INSERT)
            .bind(delivery)
            .bind(body.to_vec())
            .bind(received_at)
    );
    match inserted {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Serves the bare handler on `addr` over `url`, as a naive service would: an SQLite file (WAL,
/// `synchronous = NORMAL`, a pool of four) or a PostgreSQL database (a pool of sixteen, the
/// server's defaults).
async fn run_bare_server(url: &str, addr: &str) {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let schema = |bytes: &str| {
        format!(
            "CREATE TABLE IF NOT EXISTS deliveries \
             (delivery_id TEXT PRIMARY KEY, body {bytes}, received_at BIGINT)"
        )
    };
    let pool = if url.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await
            .unwrap();
        sqlx::query(&schema("BYTEA")).execute(&pool).await.unwrap();
        BarePool::Postgres(pool)
    } else {
        let options = SqliteConnectOptions::new()
            .filename(url.trim_start_matches("sqlite://"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        sqlx::query(&schema("BLOB")).execute(&pool).await.unwrap();
        BarePool::Sqlite(pool)
    };
    let app = Router::new()
        .route("/hooks/jira", post(bare_handler))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    axum::serve(listener, app).await.unwrap();
}

/// The bare handler on `database` under the same load, in its own process; returns req/s.
async fn bare_acknowledgement(database: Database, seconds: u64, connections: usize) -> f64 {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(std::env::current_exe().unwrap())
        .arg("--bare")
        .arg(database.url())
        .arg(format!("127.0.0.1:{port}"))
        .spawn()
        .unwrap();
    let bare = Killed(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client.get(&base).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let load = drive(&base, seconds, connections).await;
    let rss = peak_rss_mb(bare.0.id());
    let rows = database.count("SELECT COUNT(*) FROM deliveries").await;
    drop(bare);
    drop(database);
    println!(
        "bare:    {}, rows {rows}, peak RSS {}",
        load.summary(),
        rss.map(|r| format!("{r:.1} MB"))
            .unwrap_or_else(|| "n/a".into())
    );
    load.rps()
}

/// Events sent one at a time, at 10 a second, to time each one's prompt.
const TIMED_EVENTS: usize = 200;

async fn to_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::sqlite(dir.path(), "cadence");
    let (slack, received) = slack_stand_in().await;
    let (cadence, base) = start(CADENCE, &database, &slack).await;
    set_up(&database).await;
    let mut connection = lean::Connection::open(base.trim_start_matches("http://"))
        .await
        .unwrap();
    let mut acked: HashMap<usize, Instant> = HashMap::new();
    let (mut failed, mut first_failure) = (0, None);
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    for sprint in 1..=TIMED_EVENTS {
        ticker.tick().await;
        match send(&mut connection, sprint).await {
            Ok(()) => {
                acked.insert(sprint, Instant::now());
            }
            // A send that fails is not timed; say so, with why the first one failed.
            Err(error) => {
                failed += 1;
                first_failure.get_or_insert(format!("sprint {sprint}: {error}"));
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(cadence);
    let received = received.lock().unwrap().clone();
    let mut delays: Vec<u32> = acked
        .iter()
        .filter_map(|(sprint, at)| {
            received
                .get(sprint)
                .map(|r| r.saturating_duration_since(*at).as_micros() as u32)
        })
        .collect();
    delays.sort_unstable();
    if let Some(first) = first_failure {
        println!(
            "acknowledgement → prompt: {failed} of {TIMED_EVENTS} sends failed, the first {first}"
        );
    }
    println!(
        "acknowledgement → prompt at the stand-in: {} of {} prompts received, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        delays.len(),
        acked.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        percentile(&delays, 1.0)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--bare") {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(run_bare_server(&args[i + 1], &args[i + 2]));
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("events benchmark: skipped (run with `cargo bench --bench events`)");
        return;
    }
    let setting = |name: &str, default: u64| -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let seconds = setting("BENCH_SECONDS", 20);
    let connections = setting("BENCH_CONNECTIONS", 64) as usize;
    let rounds = setting("BENCH_ROUNDS", 2);
    let baseline = std::env::var("BENCH_BASELINE_BIN").ok();
    if let Some(binary) = &baseline {
        println!("baseline: {binary}");
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let postgres = postgres_admin();
    println!(
        "events benchmark: {connections} connections, {seconds} s, {rounds} rounds, SQLite{}, loopback",
        if postgres.is_some() {
            " then PostgreSQL"
        } else {
            " (set CADENCE_TEST_DATABASE_URL for PostgreSQL too)"
        }
    );
    let dir = tempfile::tempdir().unwrap();
    for postgres in [None].into_iter().chain(postgres.map(Some)) {
        let kind = if postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        for round in 1..=rounds {
            println!("{kind} round {round}");
            let database = |name: &'static str| {
                let postgres = postgres.clone();
                let dir = dir.path().to_owned();
                async move {
                    match postgres {
                        None => Database::sqlite(&dir, &format!("{name}-{round}")),
                        Some(admin) => Database::postgres(&admin, "cadence_events").await,
                    }
                }
            };
            let cadence = runtime.block_on(async {
                let server = (CADENCE, "cadence");
                acknowledgement(server, database("cadence").await, seconds, connections).await
            });
            let bare = runtime.block_on(async {
                bare_acknowledgement(database("bare").await, seconds, connections).await
            });
            if let Some(binary) = &baseline {
                let baseline = runtime.block_on(async {
                    let server = (binary.as_str(), "baseline");
                    acknowledgement(server, database("baseline").await, seconds, connections).await
                });
                println!(
                    "{kind} round {round}: throughput ratio baseline/bare: {:.2}",
                    baseline / bare
                );
            }
            println!(
                "{kind} round {round}: throughput ratio cadence/bare: {:.2}",
                cadence / bare
            );
        }
    }
    runtime.block_on(to_prompt());
}
