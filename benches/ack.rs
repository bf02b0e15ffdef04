//! Acknowledgement-path load benchmark (not a timed test: it prints figures).
//!
//! Starts the release `cadence` binary on loopback with a fresh SQLite file, sets up a team from
//! chat, then sends correctly signed `/cadence level …` slash commands — each one a real decision
//! written to the database — over 64 concurrent connections for 20 seconds after a 1 s warm-up.
//! Against it: a bare axum handler (this binary with `--bare`) that does only the signature
//! check, the form parse and one SQLite insert per request, at `synchronous = NORMAL` (no fsync
//! per commit, as a naive service runs) and, as an extra row, at `FULL` (as durable as Cadence).
//! The servers alternate, each in a fresh process and database, over two rounds; every round
//! prints each server's figures and Cadence's throughput ratio to the bare `NORMAL` handler.
//! Another row, `ceiling`, is the same signature check and form parse answered without any
//! database: no server that writes what it acknowledges can beat it on this machine and client,
//! so it bounds what any ratio to the bare handler can reach.
//! The load comes from `support::lean`, a client as frugal as wrk (raw HTTP/1.1 on keep-alive
//! connections), so that the servers, not the client, have the machine's cores; each row also
//! prints the client's own CPU time per request.
//!
//! With `CADENCE_TEST_DATABASE_URL` set, the same rounds then run on PostgreSQL: each server on a
//! new database on that server (dropped afterwards), Cadence as deployed and the bare handler with
//! a pool of sixteen, both at the server's defaults (`synchronous_commit = on`, durable).
//!
//! Run: `cargo bench --bench ack`. `BENCH_SECONDS`, `BENCH_CONNECTIONS` and `BENCH_ROUNDS`
//! override 20, 64 and 2. `BENCH_BASELINE_BIN=PATH` adds another `cadence` binary (an earlier
//! commit's release build) to each round, for before/after comparisons in the same run.

// A measuring tool, not the service: failing loudly on a broken set-up is what we want here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use cadence::inbound::slack::signature::{sign, verify};
use secrecy::SecretString;
use serde::Deserialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

mod support;
use support::execute_on;
use support::{
    BarePool, Database, Killed, cpu_seconds, lean, peak_rss_mb, percentile, postgres_admin,
};

const SECRET: &str = "bench-signing-secret";
const MEMBERS: usize = 12;

#[derive(Debug, Deserialize)]
struct Form {
    team_id: String,
    user_id: String,
    #[serde(default)]
    channel_id: Option<String>,
    #[serde(default)]
    text: String,
}

#[derive(Clone)]
struct Bare {
    pool: BarePool,
    secret: SecretString,
}

/// One insert of the command, on either database.
const BARE_INSERT: &str =
    "INSERT INTO acks (team_id, user_id, channel_id, text, created_at) VALUES ($1, $2, $3, $4, $5)";

/// What the bare and ceiling handlers answer a command they took.
const TAKEN: &str = r#"{"response_type":"ephemeral","text":"ok"}"#;

/// The check the bare and ceiling handlers share: Slack's signature, then the form.
fn signed_form(
    secret: &SecretString,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Form, (StatusCode, String)> {
    let now = chrono::Utc::now().timestamp();
    if verify(Some(secret), headers, body, now).is_err() {
        return Err((StatusCode::UNAUTHORIZED, String::new()));
    }
    serde_urlencoded::from_bytes::<Form>(body).map_err(|_| (StatusCode::BAD_REQUEST, String::new()))
}

/// The bare handler: the same signature check and form parse, then one insert.
async fn bare_handler(
    State(bare): State<Bare>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let form = match signed_form(&bare.secret, &headers, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let created_at = chrono::Utc::now().timestamp_millis();
    let inserted = execute_on!(
        &bare.pool,
        sqlx::query(BARE_INSERT)
            .bind(&form.team_id)
            .bind(&form.user_id)
            .bind(&form.channel_id)
            .bind(&form.text)
            .bind(created_at)
    );
    match inserted {
        Ok(_) => (StatusCode::OK, TAKEN.to_owned()),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
    }
}

/// The ceiling: the bare handler's signature check and form parse, and nothing written.
async fn ceiling_handler(
    State(secret): State<SecretString>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    match signed_form(&secret, &headers, &body) {
        Ok(_) => (StatusCode::OK, TAKEN.to_owned()),
        Err(refused) => refused,
    }
}

/// Serves the ceiling handler on `addr`.
async fn run_ceiling_server(addr: &str) {
    let app = Router::new()
        .route("/slack/commands", post(ceiling_handler))
        .with_state(SecretString::from(SECRET));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("ceiling bind");
    axum::serve(listener, app).await.expect("ceiling serve");
}

/// Serves the bare handler on `addr` over `url`: an SQLite file (WAL, a pool of four, at this
/// `synchronous` setting) or a PostgreSQL database (a pool of sixteen, the server's defaults).
async fn run_bare_server(url: &str, addr: &str, synchronous: &str) {
    let pool = if url.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await
            .expect("bare db");
        sqlx::query("CREATE TABLE IF NOT EXISTS acks (id BIGSERIAL PRIMARY KEY, team_id TEXT, user_id TEXT, channel_id TEXT, text TEXT, created_at BIGINT)")
            .execute(&pool)
            .await
            .expect("bare schema");
        BarePool::Postgres(pool)
    } else {
        let synchronous = match synchronous {
            "full" => SqliteSynchronous::Full,
            _ => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::new()
            .filename(url.trim_start_matches("sqlite://"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .expect("bare db");
        sqlx::query("CREATE TABLE IF NOT EXISTS acks (id INTEGER PRIMARY KEY, team_id TEXT, user_id TEXT, channel_id TEXT, text TEXT, created_at BIGINT)")
            .execute(&pool)
            .await
            .expect("bare schema");
        BarePool::Sqlite(pool)
    };
    let app = Router::new()
        .route("/slack/commands", post(bare_handler))
        .with_state(Bare {
            pool,
            secret: SecretString::from(SECRET),
        });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("bare bind");
    axum::serve(listener, app).await.expect("bare serve");
}

/// A slash command's form. Each has its own `trigger_id`, as every invocation in Slack does, so
/// two commands with the same words in the same second are two requests, not a replay.
fn body(team: &str, channel: &str, user: &str, text: &str) -> String {
    static TRIGGERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let trigger = format!(
        "{}.{}.bench",
        std::process::id(),
        TRIGGERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    serde_urlencoded::to_string([
        ("token", "x"),
        ("team_id", team),
        ("team_domain", "acme"),
        ("channel_id", channel),
        ("channel_name", "team-atlas"),
        ("user_id", user),
        ("user_name", &user.to_lowercase()),
        ("command", "/cadence"),
        ("text", text),
        ("response_url", "https://hooks.slack.com/commands/T1/1/x"),
        ("trigger_id", &trigger),
    ])
    .unwrap_or_default()
}

async fn send(client: &reqwest::Client, url: &str, form: String) -> Result<String, String> {
    let ts = chrono::Utc::now().timestamp();
    let signature = sign(SECRET, ts, form.as_bytes());
    let response = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature)
        .body(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(text)
    } else {
        Err(format!("HTTP {status}: {text}"))
    }
}

struct Figures {
    requests: usize,
    errors: usize,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

async fn load(url: &str, seconds: u64, connections: usize) -> Figures {
    let started = Instant::now();
    let results = drive(url, Duration::from_secs(seconds), connections).await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies: Vec<u32> = results
        .iter()
        .flat_map(|(l, _)| l.iter().copied())
        .collect();
    let errors: usize = results.iter().map(|(_, e)| e).sum();
    latencies.sort_unstable();
    let at = |q: f64| percentile(&latencies, q);
    Figures {
        requests: latencies.len() + errors,
        errors,
        rps: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}

/// Opens the connections and warms caches for a second; not counted.
async fn warm_up(url: &str, connections: usize) {
    drive(url, Duration::from_secs(1), connections).await;
}

/// `connections` workers, each on its own connection, sending one command after another until
/// `length` has passed; each worker's latencies and error count.
async fn drive(url: &str, length: Duration, connections: usize) -> Vec<(Vec<u32>, usize)> {
    let deadline = Instant::now() + length;
    let (host, path) = host_and_path(url);
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let (host, path) = (host.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(16_384);
            let mut errors = 0;
            let mut n = worker;
            let mut connection = lean::Connection::open(&host).await.expect("connect");
            while Instant::now() < deadline {
                n += connections;
                let member = format!("UM{}", n % MEMBERS);
                let level = ["learning", "practising", "mastery"][n % 3];
                let text = format!(
                    "level <@{member}|{}> \"run EBR\" {level} \"bench {n}\"",
                    member.to_lowercase()
                );
                let form = body("T1", "CATLAS", "UMANAGER", &text);
                let started = Instant::now();
                match post_signed(&mut connection, &path, &form).await {
                    Ok(()) => latencies
                        .push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32),
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
            }
            (latencies, errors)
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        if let Ok(result) = task.await {
            out.push(result);
        }
    }
    out
}

/// `127.0.0.1:PORT` and `/path` of `http://127.0.0.1:PORT/path`.
fn host_and_path(url: &str) -> (String, String) {
    let rest = url.trim_start_matches("http://");
    let slash = rest.find('/').unwrap_or(rest.len());
    (rest[..slash].to_owned(), rest[slash..].to_owned())
}

/// Sends one signed command on the lean client; an error unless it was recorded.
async fn post_signed(
    connection: &mut lean::Connection,
    path: &str,
    form: &str,
) -> Result<(), String> {
    let now = chrono::Utc::now().timestamp();
    let ts = now.to_string();
    let signature = sign(SECRET, now, form.as_bytes());
    let answer = connection
        .post(
            path,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-slack-request-timestamp", &ts),
                ("x-slack-signature", &signature),
            ],
            form.as_bytes(),
        )
        .await
        .map_err(|e| e.to_string())?;
    let refused = answer
        .body
        .windows(NOT_RECORDED.len())
        .any(|w| w == NOT_RECORDED.as_bytes());
    if answer.status == 200 && !refused {
        Ok(())
    } else {
        Err(format!(
            "HTTP {}: {}",
            answer.status,
            String::from_utf8_lossy(answer.body)
        ))
    }
}

/// What Cadence's answer says when it did not record a command.
const NOT_RECORDED: &str = "Nothing was recorded";

async fn wait_until_up(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.post(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {url} did not come up");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn print(
    name: &str,
    f: &Figures,
    rows: Option<i64>,
    rss: Option<f64>,
    cpu_us: Option<f64>,
    client_us: Option<f64>,
) {
    println!(
        "{name:<8} requests {:>7}  errors {:>3}  {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  rows written {:>7}  CPU/request {}  peak RSS {}  client CPU/request {}",
        f.requests,
        f.errors,
        f.rps,
        f.p50_ms,
        f.p99_ms,
        f.max_ms,
        rows.map(|r| r.to_string())
            .unwrap_or_else(|| "-".to_owned()),
        cpu_us
            .map(|c| format!("{c:.0} µs"))
            .unwrap_or_else(|| "n/a".to_owned()),
        rss.map(|r| format!("{r:.1} MB"))
            .unwrap_or_else(|| "n/a".to_owned()),
        client_us
            .map(|c| format!("{c:.0} µs"))
            .unwrap_or_else(|| "n/a".to_owned())
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--bare") {
        let (db, addr, synchronous) = (&args[i + 1], &args[i + 2], &args[i + 3]);
        runtime.block_on(run_bare_server(db, addr, synchronous));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--ceiling") {
        runtime.block_on(run_ceiling_server(&args[i + 1]));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        // `cargo test` lists benches; there is nothing to list.
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("ack benchmark: skipped (run with `cargo bench --bench ack`)");
        return;
    }
    runtime.block_on(bench());
}

/// One server's run: its figures, the rows it wrote, its peak memory, and the CPU time it
/// used per acknowledged request while measured.
struct Measured {
    figures: Figures,
    /// None for the ceiling, which writes nothing.
    rows: Option<i64>,
    rss: Option<f64>,
    cpu_us: Option<f64>,
    /// The load client's own CPU time per acknowledged request, in µs.
    client_us: Option<f64>,
}

/// The server's CPU time per acknowledged request between `before` and now, in µs.
fn cpu_per_request(pid: u32, before: Option<f64>, figures: &Figures) -> Option<f64> {
    let used = cpu_seconds(pid)? - before?;
    let acknowledged = (figures.requests - figures.errors) as f64;
    (acknowledged > 0.0).then(|| used * 1e6 / acknowledged)
}

/// Which server a run measures.
#[derive(Clone)]
enum Server {
    /// A `cadence` binary, as deployed.
    Cadence { name: &'static str, binary: String },
    /// The bare handler at this `synchronous` setting.
    Bare {
        name: &'static str,
        synchronous: &'static str,
    },
    /// The ceiling handler: nothing written.
    Ceiling,
}

impl Server {
    fn name(&self) -> &'static str {
        match self {
            Server::Cadence { name, .. } | Server::Bare { name, .. } => name,
            Server::Ceiling => "ceiling",
        }
    }
}

/// Runs `server` on a fresh `database` under the load; the database is dropped afterwards.
async fn measure(
    server: &Server,
    database: Database,
    seconds: u64,
    connections: usize,
) -> Measured {
    let url = database.url();
    let port = free_port();
    let (process, endpoint, table) = match server {
        Server::Cadence { binary, .. } => {
            // A configured database must exist before `serve`: `migrate` creates it.
            let migrated = Command::new(binary)
                .arg("migrate")
                .env("DATABASE_URL", &url)
                .stdout(Stdio::null())
                .status()
                .expect("cadence migrate");
            assert!(migrated.success(), "cadence migrate failed");
            let child = Command::new(binary)
                .arg("serve")
                .env("DATABASE_URL", &url)
                .env("CADENCE_LISTEN", format!("127.0.0.1:{port}"))
                .env("SLACK_SIGNING_SECRET", SECRET)
                .env("CADENCE_ADMINS", "UADMIN")
                // Log lines are discarded, whichever stream a build writes them to (standard
                // error since reports went to standard output): writing them to the benchmark's
                // own output would measure the terminal or file behind it.
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start cadence");
            let process = Killed(child);
            let endpoint = format!("http://127.0.0.1:{port}/slack/commands");
            wait_until_up(&format!("http://127.0.0.1:{port}/healthz")).await;
            set_up_team(&endpoint).await;
            (process, endpoint, Some("decisions"))
        }
        Server::Bare { synchronous, .. } => {
            let addr = format!("127.0.0.1:{port}");
            let (process, endpoint) = start_own(&["--bare", &url, &addr, synchronous], port).await;
            (process, endpoint, Some("acks"))
        }
        Server::Ceiling => {
            let addr = format!("127.0.0.1:{port}");
            let (process, endpoint) = start_own(&["--ceiling", &addr], port).await;
            (process, endpoint, None)
        }
    };
    let counted = table.map(|table| format!("SELECT COUNT(*) FROM {table}"));
    warm_up(&endpoint, connections).await;
    let before = match &counted {
        Some(counted) => database.count(counted).await,
        None => 0,
    };
    let cpu = cpu_seconds(process.0.id());
    let client = cpu_seconds(std::process::id());
    let figures = load(&endpoint, seconds, connections).await;
    let cpu_us = cpu_per_request(process.0.id(), cpu, &figures);
    let client_us = cpu_per_request(std::process::id(), client, &figures);
    let rss = peak_rss_mb(process.0.id());
    let rows = match &counted {
        Some(counted) => Some(database.count(counted).await - before),
        None => None,
    };
    drop(process);
    drop(database);
    Measured {
        figures,
        rows,
        rss,
        cpu_us,
        client_us,
    }
}

/// Starts this benchmark binary as one of its own servers (`--bare …` or `--ceiling …`) on
/// `port`; the process and its command endpoint, once it answers.
async fn start_own(args: &[&str], port: u16) -> (Killed, String) {
    let me = std::env::current_exe().expect("own path");
    let child = Command::new(me)
        .args(args)
        .spawn()
        .expect("start the benchmark's own server");
    let process = Killed(child);
    let endpoint = format!("http://127.0.0.1:{port}/slack/commands");
    wait_until_up(&endpoint).await;
    (process, endpoint)
}

/// An admin sets the team up from chat; its manager (not an admin) then records the decisions.
async fn set_up_team(url: &str) {
    let client = reqwest::Client::new();
    let members: Vec<String> = (0..MEMBERS).map(|i| format!("<@UM{i}|um{i}>")).collect();
    let team = format!(
        "team create Atlas managers <@UMANAGER|manager> members {} channel <#CATLAS|team-atlas>",
        members.join(" ")
    );
    for (user, setup) in [
        ("UADMIN", team),
        (
            "UADMIN",
            "capability add \"run EBR\" \"runs an executive business review end to end\""
                .to_owned(),
        ),
        ("UMANAGER", "target \"run EBR\" 4".to_owned()),
    ] {
        let answer = send(&client, url, body("T1", "CATLAS", user, &setup))
            .await
            .expect("setup");
        assert!(!answer.contains("Nothing was"), "setup failed: {answer}");
    }
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

async fn bench() {
    let seconds = setting("BENCH_SECONDS", 20);
    let connections = setting("BENCH_CONNECTIONS", 64) as usize;
    let rounds = setting("BENCH_ROUNDS", 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let postgres = postgres_admin();
    println!(
        "ack benchmark: {connections} connections, {seconds} s each, {rounds} rounds, SQLite{}, loopback, {} cores",
        if postgres.is_some() {
            " then PostgreSQL"
        } else {
            " (set CADENCE_TEST_DATABASE_URL for PostgreSQL too)"
        },
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    let baseline = std::env::var("BENCH_BASELINE_BIN").ok();
    if let Some(binary) = &baseline {
        println!("baseline: {binary}");
    }
    let mut durable = true;
    durable &= rounds_on(
        "SQLite",
        &servers(baseline.as_deref(), true),
        rounds,
        || async { Database::sqlite(dir.path(), &format!("ack-{}", free_port())) },
        (seconds, connections),
    )
    .await;
    if let Some(admin) = &postgres {
        durable &= rounds_on(
            "PostgreSQL",
            &servers(baseline.as_deref(), false),
            rounds,
            || Database::postgres(admin, "cadence_ack"),
            (seconds, connections),
        )
        .await;
    }
    println!("every acknowledged request written, in every run: {durable}");
}

/// The servers one round measures, in order: Cadence and the bare handler, then the baseline
/// when given, then (on SQLite) the bare handler at `synchronous = FULL` and the ceiling.
fn servers(baseline: Option<&str>, sqlite: bool) -> Vec<Server> {
    let mut servers = vec![
        Server::Cadence {
            name: "cadence",
            binary: env!("CARGO_BIN_EXE_cadence").to_owned(),
        },
        Server::Bare {
            name: "bare",
            synchronous: "normal",
        },
    ];
    if let Some(binary) = baseline {
        servers.push(Server::Cadence {
            name: "baseline",
            binary: binary.to_owned(),
        });
    }
    if sqlite {
        servers.push(Server::Bare {
            name: "bare-full",
            synchronous: "full",
        });
        servers.push(Server::Ceiling);
    }
    servers
}

/// `rounds` rounds of `servers` on `kind`, each server on a fresh database from `fresh`; whether
/// every acknowledged request was written.
async fn rounds_on<F, Fut>(
    kind: &str,
    servers: &[Server],
    rounds: u64,
    fresh: F,
    (seconds, connections): (u64, usize),
) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Database>,
{
    println!(
        "{kind}: {}",
        if kind == "SQLite" {
            "cadence and baseline commit with synchronous = FULL; bare at NORMAL, bare-full at FULL"
        } else {
            "every server at the server's defaults (synchronous_commit = on)"
        }
    );
    let mut durable = true;
    for round in 1..=rounds {
        println!("{kind} round {round}");
        let mut cadence_rps = None;
        let mut bare_rps = None;
        let mut ceiling_rps = None;
        for server in servers {
            let measured = measure(server, fresh().await, seconds, connections).await;
            print(
                server.name(),
                &measured.figures,
                measured.rows,
                measured.rss,
                measured.cpu_us,
                measured.client_us,
            );
            let acknowledged = (measured.figures.requests - measured.figures.errors) as i64;
            if let Some(rows) = measured.rows {
                durable &= acknowledged == rows;
            }
            match server.name() {
                "cadence" => cadence_rps = Some(measured.figures.rps),
                "bare" => bare_rps = Some(measured.figures.rps),
                "ceiling" => ceiling_rps = Some(measured.figures.rps),
                _ => {}
            }
        }
        if let (Some(cadence), Some(bare)) = (cadence_rps, bare_rps) {
            println!(
                "{kind} round {round}: throughput ratio cadence/bare: {:.2}",
                cadence / bare
            );
        }
        if let (Some(ceiling), Some(bare)) = (ceiling_rps, bare_rps) {
            println!(
                "{kind} round {round}: throughput ratio ceiling/bare (what no writing server can beat): {:.2}",
                ceiling / bare
            );
        }
    }
    durable
}
