//! Acknowledgement-path load benchmark (not a timed test: it prints figures).
//!
//! Starts the release `cadence` binary on loopback with a fresh SQLite file, sets up a team from
//! chat, then sends correctly signed `/cadence level …` slash commands — each one a real decision
//! written to the database — over 64 concurrent connections for 20 seconds. Then it does the
//! same against a bare axum handler (this binary with `--bare`) that does only the signature
//! check, the form parse and one SQLite insert, and prints both results and their ratio.
//!
//! Run: `cargo bench --bench ack`. `BENCH_SECONDS` and `BENCH_CONNECTIONS` override the defaults;
//! `BENCH_BARE_SYNCHRONOUS=normal` lets the bare handler skip the per-commit fsync.

// A measuring tool, not the service: failing loudly on a broken set-up is what we want here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
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
use sqlx::{Connection, SqlitePool};

mod support;
use support::{Killed, peak_rss_mb, percentile};

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
    pool: SqlitePool,
    secret: SecretString,
}

/// The bare handler: the same signature check and form parse, then one insert.
async fn bare_handler(
    State(bare): State<Bare>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let now = chrono::Utc::now().timestamp();
    if verify(Some(&bare.secret), &headers, &body, now).is_err() {
        return (StatusCode::UNAUTHORIZED, String::new());
    }
    let Ok(form) = serde_urlencoded::from_bytes::<Form>(&body) else {
        return (StatusCode::BAD_REQUEST, String::new());
    };
    let inserted = sqlx::query(
        "INSERT INTO acks (team_id, user_id, channel_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&form.team_id)
    .bind(&form.user_id)
    .bind(&form.channel_id)
    .bind(&form.text)
    .bind(chrono::Utc::now().timestamp_millis())
    .execute(&bare.pool)
    .await;
    match inserted {
        Ok(_) => (
            StatusCode::OK,
            r#"{"response_type":"ephemeral","text":"ok"}"#.to_owned(),
        ),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
    }
}

/// The bare handler commits like Cadence (`FULL`, durable against power loss) unless
/// `BENCH_BARE_SYNCHRONOUS=normal` asks for the cheaper, less durable setting.
fn bare_synchronous() -> SqliteSynchronous {
    match std::env::var("BENCH_BARE_SYNCHRONOUS").as_deref() {
        Ok("normal") => SqliteSynchronous::Normal,
        _ => SqliteSynchronous::Full,
    }
}

async fn run_bare_server(db: &str, addr: &str) {
    let options = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(bare_synchronous());
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .expect("bare db");
    sqlx::query("CREATE TABLE IF NOT EXISTS acks (id INTEGER PRIMARY KEY, team_id TEXT, user_id TEXT, channel_id TEXT, text TEXT, created_at BIGINT)")
        .execute(&pool)
        .await
        .expect("bare schema");
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

fn body(team: &str, channel: &str, user: &str, text: &str) -> String {
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
        ("trigger_id", "1.2.3"),
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
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .expect("client");
    let url = Arc::new(url.to_owned());
    let started = Instant::now();
    let results = drive(&client, &url, Duration::from_secs(seconds), connections).await;
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
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()
        .expect("client");
    drive(
        &client,
        &Arc::new(url.to_owned()),
        Duration::from_secs(1),
        connections,
    )
    .await;
}

async fn drive(
    client: &reqwest::Client,
    url: &Arc<String>,
    length: Duration,
    connections: usize,
) -> Vec<(Vec<u32>, usize)> {
    let deadline = Instant::now() + length;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(16_384);
            let mut errors = 0;
            let mut n = worker;
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
                match send(&client, &url, form).await {
                    Ok(answer) if !answer.contains("Nothing was recorded") => latencies
                        .push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32),
                    Ok(answer) => {
                        if errors == 0 {
                            eprintln!("unexpected answer: {answer}");
                        }
                        errors += 1
                    }
                    Err(e) => {
                        if errors == 0 {
                            eprintln!("request failed: {e}");
                        }
                        errors += 1
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

async fn count(db: &Path, table: &str) -> i64 {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open db");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .expect("count");
    n
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn print(name: &str, f: &Figures, rows: i64, rss: Option<f64>) {
    println!(
        "{name:<8} requests {:>7}  errors {:>3}  {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  rows written {:>7}  peak RSS {}",
        f.requests,
        f.errors,
        f.rps,
        f.p50_ms,
        f.p99_ms,
        f.max_ms,
        rows,
        rss.map(|r| format!("{r:.1} MB"))
            .unwrap_or_else(|| "n/a".to_owned())
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--bare") {
        let (db, addr) = (&args[i + 1], &args[i + 2]);
        runtime.block_on(run_bare_server(db, addr));
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

async fn bench() {
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let connections: usize = std::env::var("BENCH_CONNECTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "ack benchmark: {connections} connections, {seconds} s each, SQLite, loopback, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );

    // Cadence, the release binary, as deployed.
    let cadence_db = dir.path().join("cadence.db");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}", cadence_db.display()))
        .env("CADENCE_LISTEN", format!("127.0.0.1:{port}"))
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("CADENCE_ADMINS", "UADMIN")
        .stdout(Stdio::null())
        .spawn()
        .expect("start cadence");
    let cadence = Killed(child);
    let url = format!("http://127.0.0.1:{port}/slack/commands");
    wait_until_up(&format!("http://127.0.0.1:{port}/healthz")).await;
    let client = reqwest::Client::new();
    let members: Vec<String> = (0..MEMBERS).map(|i| format!("<@UM{i}|um{i}>")).collect();
    // An admin sets the team up; its manager (not an admin) then records the decisions.
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
        let answer = send(&client, &url, body("T1", "CATLAS", user, &setup))
            .await
            .expect("setup");
        assert!(!answer.contains("Nothing was"), "setup failed: {answer}");
    }
    warm_up(&url, connections).await;
    let before = count(&cadence_db, "decisions").await;
    let figures = load(&url, seconds, connections).await;
    let rss = peak_rss_mb(cadence.0.id());
    let rows = count(&cadence_db, "decisions").await - before;
    drop(cadence);

    // The bare handler, in its own process too.
    let bare_db = dir.path().join("bare.db");
    let port = free_port();
    let me = std::env::current_exe().expect("own path");
    let child = Command::new(me)
        .arg("--bare")
        .arg(&bare_db)
        .arg(format!("127.0.0.1:{port}"))
        .spawn()
        .expect("start bare server");
    let bare = Killed(child);
    let bare_url = format!("http://127.0.0.1:{port}/slack/commands");
    wait_until_up(&bare_url).await;
    warm_up(&bare_url, connections).await;
    let bare_before = count(&bare_db, "acks").await;
    let bare_figures = load(&bare_url, seconds, connections).await;
    let bare_rss = peak_rss_mb(bare.0.id());
    let bare_rows = count(&bare_db, "acks").await - bare_before;
    drop(bare);

    print("cadence", &figures, rows, rss);
    print("bare", &bare_figures, bare_rows, bare_rss);
    println!(
        "bare handler synchronous = {:?}; cadence synchronous = Full",
        bare_synchronous()
    );
    println!(
        "throughput ratio cadence/bare: {:.2}",
        figures.rps / bare_figures.rps
    );
    let acknowledged = figures.requests - figures.errors;
    println!(
        "every acknowledged request written: {} ({acknowledged} acknowledged, {rows} decision rows)",
        acknowledged as i64 == rows
    );
}
