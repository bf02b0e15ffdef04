//! Organisation-report benchmark: `cadence report org` and `cadence report scorecard` at
//! organisation scale, run as a user runs them (prints figures; not a timed test).
//!
//! 1. Generation (timed, but not the result): the digest benchmark's organisation
//!    (`support/org.rs`: one tenant, 2,000 teams of 12, 40 capabilities, a year of decisions)
//!    with its history ending at [`HISTORY_END`], plus what a year of running Cadence also
//!    leaves and the reports read ([`Org::add_report_history`]): the outbox of sent prompts,
//!    card updates, nudges and digests; snoozed nudges; retros answered after their nudge;
//!    undone decisions.
//! 2. Measurement: the binary `cargo bench` built with the bench profile
//!    (`target/release/cadence`) runs in a fresh process per report and round, with
//!    `DATABASE_URL` pointing at the database, the machine's own clock (the reports read "now"
//!    from it; on 2026-11-29, 2026Q4 is running) and stdout to a file, as
//!    `cadence report org --quarter 2026Q4 --format text` and
//!    `cadence report scorecard --quarter 2026Q4 --format csv`, [`ROUNDS`] rounds each. Wall
//!    time is from spawn to exit; peak RSS is the child's `VmHWM` and CPU time its user and
//!    system time, from /proc, sampled every millisecond while it runs (so only the last
//!    millisecond before it exits goes unseen). The machine's load average is printed with
//!    each run: on a shared machine, wall time is only meaningful next to it.
//! 3. Check, so that a figure is only counted for a full report: the scoreboard has a row for
//!    every team, and the scorecards have rows for every manager of the quarter.
//!
//! SQLite always (a temporary file); PostgreSQL when `CADENCE_TEST_DATABASE_URL` is set (a
//! fresh `cadence_report_bench_<time>` database on that server, `VACUUM ANALYZE`d after the bulk
//! load as autovacuum would have been, and dropped afterwards).
//!
//! Run: `cargo bench --bench report`. `BENCH_TEAMS` overrides 2000 teams, `BENCH_ROUNDS` the
//! two rounds; `BENCH_SQLITE=0` runs PostgreSQL only. `BENCH_BASELINE_BIN=path/to/cadence`
//! runs that binary too (an earlier build, say of `main`), on the same databases, alternating
//! with this one in every round, so both sets of figures come from the same machine state. The child inherits the environment, so
//! `RUST_LOG` reaches it; `BENCH_KEEP=1` keeps the databases and prints their URLs, to run the
//! reports on them by hand. Exits non-zero when a report failed or came out incomplete.

// A measuring tool, not the service: failing loudly on a broken set-up is what we want here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cadence::domain::outcomes::Quarter;
use cadence::store::Store;
use sqlx::{AnyConnection, Connection};

// The shared helpers include some only the other benchmarks use.
#[allow(dead_code)]
mod support;
use support::{Killed, peak_rss_mb};
#[path = "support/org.rs"]
mod org;
use org::{CAPABILITIES, Org, instant, with_scratch_postgres, write};

/// Where the generated year of history ends: before the reports run, on the same day.
const HISTORY_END: &str = "2026-11-29T12:00:00Z";
/// The quarter both reports are asked for.
const QUARTER: &str = "2026Q4";
/// Runs of each report per database.
const ROUNDS: usize = 2;
/// The memory target of both reports on this machine.
const TARGET_MB: f64 = 200.0;

/// A report as a user runs it, and the time it has to finish in on this machine.
struct Report {
    name: &'static str,
    args: [&'static str; 6],
    target_s: f64,
}

const REPORTS: [Report; 2] = [
    Report {
        name: "org",
        args: ["report", "org", "--quarter", QUARTER, "--format", "text"],
        target_s: 3.0,
    },
    Report {
        name: "scorecard",
        args: [
            "report",
            "scorecard",
            "--quarter",
            QUARTER,
            "--format",
            "csv",
        ],
        target_s: 5.0,
    },
];

/// What the database holds that the reports' output has to show.
struct Expected {
    teams: usize,
    managers: usize,
}

/// One run of one report.
struct Figure {
    database: &'static str,
    /// Which binary: `new` (this build) or `baseline`.
    binary: &'static str,
    report: &'static Report,
    round: usize,
    wall_s: f64,
    /// User and system CPU time.
    cpu_s: f64,
    rss_mb: f64,
    /// What the output held, in words.
    output: String,
    /// Whether it exited successfully with a complete report.
    ok: bool,
}

async fn count(conn: &mut AnyConnection, sql: &str) -> usize {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.unwrap();
    usize::try_from(n).unwrap()
}

/// Generates the organisation into an empty database at `url`; what its reports must show.
fn generate(database: &str, url: &str, teams: usize) -> Expected {
    println!("\n{database}: generating {teams} teams");
    let started = Instant::now();
    let end = instant(HISTORY_END);
    let mut org = Org::generate(teams, end.timestamp_millis());
    org.add_report_history(end.timestamp_millis());
    let built = started.elapsed().as_secs_f64();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (rows, expected) = runtime.block_on(async {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
        let rows = write(url, &org, end).await;
        let mut conn = AnyConnection::connect(url).await.unwrap();
        let expected = Expected {
            teams: count(&mut conn, "SELECT COUNT(*) FROM teams").await,
            // Everyone who managed a team at some time in the quarter.
            managers: count(
                &mut conn,
                &format!(
                    "SELECT COUNT(DISTINCT person_id) FROM team_members WHERE role = 'manager' \
                     AND (left_at IS NULL OR left_at >= {})",
                    QUARTER
                        .parse::<Quarter>()
                        .unwrap()
                        .starts_at()
                        .timestamp_millis()
                ),
            )
            .await,
        };
        conn.close().await.unwrap();
        (rows, expected)
    });
    println!(
        "  generated in {:.1} s ({built:.1} s in memory): {}",
        started.elapsed().as_secs_f64(),
        rows.iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    expected
}

/// CPU time a running process has used so far, in seconds, from /proc (Linux, 100 ticks a
/// second).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The machine's load average over the last minute.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// Runs `report` once with `binary` against `url`, its output into `out` and `err`; wall time, CPU time, peak RSS and
/// whether it succeeded.
fn run(binary: &Path, url: &str, report: &Report, out: &Path, err: &Path) -> (f64, f64, f64, bool) {
    let started = Instant::now();
    let mut child = Killed(
        Command::new(binary)
            .args(report.args)
            .env("DATABASE_URL", url)
            .stdin(Stdio::null())
            .stdout(File::create(out).unwrap())
            .stderr(File::create(err).unwrap())
            .spawn()
            .unwrap(),
    );
    let pid = child.0.id();
    let (mut peak, mut cpu) = (0.0_f64, 0.0_f64);
    let status = loop {
        if let Some(rss) = peak_rss_mb(pid) {
            peak = peak.max(rss);
        }
        if let Some(seconds) = cpu_seconds(pid) {
            cpu = cpu.max(seconds);
        }
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let wall = started.elapsed().as_secs_f64();
    if !status.success() {
        let stderr = std::fs::read_to_string(err).unwrap_or_default();
        println!(
            "  !!! cadence {} ended with {status}:\n{stderr}",
            report.args.join(" ")
        );
    }
    (wall, cpu, peak, status.success())
}

/// Whether the output at `path` is the whole report, and what it held, in words. Log lines
/// (Cadence logs to stdout, and warns there about slow statements) are counted apart.
fn check(report: &Report, path: &Path, expected: &Expected) -> (bool, String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let is_log = |l: &&str| l.starts_with('\u{1b}') || l.starts_with("{\"timestamp\"");
    let logs = text.lines().filter(is_log).count();
    let mut said = format!("{:.1} MB", text.len() as f64 / 1e6);
    if logs > 0 {
        said.push_str(&format!(", +{logs} log lines"));
    }
    let lines = text.lines().filter(|l| !is_log(l));
    match report.name {
        "org" => {
            let rows = lines.filter(|l| l.starts_with("Team ")).count();
            (
                rows == expected.teams,
                format!("{rows} of {} team rows, {said}", expected.teams),
            )
        }
        _ => {
            // quarter, as_of, manager_id come first and are never quoted.
            let mut managers = HashSet::new();
            let mut rows = 0;
            for line in lines.filter(|l| l.starts_with(&format!("{QUARTER},"))) {
                rows += 1;
                if let Some(id) = line.split(',').nth(2) {
                    managers.insert(id.to_owned());
                }
            }
            (
                managers.len() == expected.managers,
                format!(
                    "{rows} rows, {} of {} managers, {said}",
                    managers.len(),
                    expected.managers
                ),
            )
        }
    }
}

/// The binaries to measure: this build, and the baseline when `BENCH_BASELINE_BIN` names one.
fn binaries() -> Vec<(&'static str, PathBuf)> {
    let mut binaries = vec![("new", PathBuf::from(env!("CARGO_BIN_EXE_cadence")))];
    if let Ok(path) = std::env::var("BENCH_BASELINE_BIN") {
        binaries.insert(0, ("baseline", PathBuf::from(path)));
    }
    binaries
}

/// Generates the organisation at `url`, then runs each report [`ROUNDS`] times.
fn generate_and_measure(
    database: &'static str,
    url: &str,
    teams: usize,
    rounds: usize,
) -> Vec<Figure> {
    let expected = generate(database, url, teams);
    let dir = tempfile::tempdir().unwrap();
    let mut figures = Vec::new();
    let binaries = binaries();
    for round in 1..=rounds {
        for report in &REPORTS {
            for (binary, path) in &binaries {
                let out = dir
                    .path()
                    .join(format!("{}-{binary}-{round}.out", report.name));
                let err = dir
                    .path()
                    .join(format!("{}-{binary}-{round}.err", report.name));
                let (wall_s, cpu_s, rss_mb, exited) = run(path, url, report, &out, &err);
                let (complete, output) = check(report, &out, &expected);
                println!(
                    "  round {round}: {binary:<8} cadence {}: {wall_s:.2} s (CPU {cpu_s:.2} s, \
                     load {}), peak RSS {rss_mb:.1} MB; {output}",
                    report.args.join(" "),
                    load()
                );
                if round == 1 && report.name == "org" {
                    // The scoreboard's totals, to show the figures are about something.
                    let text = std::fs::read_to_string(&out).unwrap_or_default();
                    for line in text.lines().skip(1).take(2) {
                        println!("    | {line}");
                    }
                }
                if !complete {
                    println!(
                        "  !!! {database} {binary} {}: INCOMPLETE OUTPUT ({output}) !!!",
                        report.name
                    );
                }
                figures.push(Figure {
                    database,
                    binary,
                    report,
                    round,
                    wall_s,
                    cpu_s,
                    rss_mb,
                    output,
                    ok: exited && complete,
                });
            }
        }
    }
    figures
}

fn bench() -> bool {
    let teams: usize = std::env::var("BENCH_TEAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ROUNDS);
    let now = chrono::Utc::now();
    println!(
        "report benchmark: {teams} teams × 12 people × {} capabilities, a year of decisions up to \
         {HISTORY_END}; reports for {QUARTER} run at the clock's {}; {} cores, load {}",
        CAPABILITIES.len(),
        now.format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        load()
    );
    if now < instant(HISTORY_END) || now >= instant("2027-01-01T00:00:00Z") {
        println!(
            "  note: the clock is not in {QUARTER} after the history ends; the figures are not \
             those of the quarter running"
        );
    }
    let mut figures = Vec::new();

    if std::env::var("BENCH_SQLITE").is_ok_and(|v| v == "0") {
        println!("\nSQLite skipped (BENCH_SQLITE=0)");
    } else {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cadence.db");
        let sqlite = format!("sqlite://{}", path.display());
        figures.extend(generate_and_measure("SQLite", &sqlite, teams, rounds));
        if let Ok(size) = std::fs::metadata(&path).map(|m| m.len()) {
            println!(
                "  database file {:.0} MB (in {})",
                size as f64 / 1e6,
                dir.path().display()
            );
        }
        if std::env::var("BENCH_KEEP").is_ok_and(|v| v == "1") {
            println!("  kept for profiling: DATABASE_URL={sqlite}");
            let _ = dir.keep();
        }
    }

    match std::env::var("CADENCE_TEST_DATABASE_URL") {
        Ok(admin) => figures.extend(with_scratch_postgres(
            &admin,
            "cadence_report_bench",
            |url| generate_and_measure("PostgreSQL", url, teams, rounds),
        )),
        Err(_) => println!("\nPostgreSQL skipped: set CADENCE_TEST_DATABASE_URL"),
    }

    println!(
        "\nsummary ({teams} teams, {QUARTER}; targets: org < {} s, scorecard < {} s, peak RSS < {TARGET_MB} MB)",
        REPORTS[0].target_s, REPORTS[1].target_s
    );
    println!(
        "{:<11} {:<9} {:<10} {:>5} {:>8} {:>7} {:>11}  {:<7} {:<7}  output",
        "database", "binary", "report", "round", "wall s", "CPU s", "peak RSS", "time", "memory"
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut all_ok = true;
    for f in &figures {
        println!(
            "{:<11} {:<9} {:<10} {:>5} {:>8.2} {:>7.2} {:>8.1} MB  {:<7} {:<7}  {}{}",
            f.database,
            f.binary,
            f.report.name,
            f.round,
            f.wall_s,
            f.cpu_s,
            f.rss_mb,
            verdict(f.ok && f.wall_s < f.report.target_s),
            verdict(f.ok && f.rss_mb < TARGET_MB),
            f.output,
            if f.ok { "" } else { " (FAILED)" },
        );
        all_ok &= f.ok;
    }
    all_ok
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        // `cargo test` lists benches; there is nothing to list.
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("report benchmark: skipped (run with `cargo bench --bench report`)");
        return;
    }
    if !bench() {
        std::process::exit(1);
    }
}
