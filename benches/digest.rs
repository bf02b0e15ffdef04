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
//!    the append-only log would. Generation is deterministic (a seeded xorshift per team); it
//!    lives in `support/org.rs`, shared with the report benchmark.
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
use sqlx::{AnyConnection, Connection};

mod support;
use support::{Killed, peak_rss_mb, percentile};
// The organisation's report-only history is not used here.
#[allow(dead_code)]
#[path = "support/org.rs"]
mod org;
use org::{CAPABILITIES, Counts, Org, instant, with_scratch_postgres, write};

/// When the scheduler plans: Sunday, before any zone's Monday 09:00.
const PLAN_AT: &str = "2026-11-29T12:00:00Z";
/// When the digests run: Monday, after 09:00 in every one of the teams' zones ([`org::ZONES`]).
const RUN_AT: &str = "2026-11-30T14:30:00Z";
/// The targets the run has to meet on this machine.
const TARGET_SECONDS: f64 = 10.0;
const TARGET_MB: f64 = 200.0;

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
        Ok(admin) => results.push(with_scratch_postgres(&admin, "cadence_bench", |url| {
            generate_and_measure("PostgreSQL", url, teams)
        })),
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
