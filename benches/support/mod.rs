//! Pieces the benchmarks share: a child process killed on drop, peak memory, percentiles, CPU
//! time, and a fresh database for each run.

use std::process::Child;

// Each benchmark compiles this module; only the load benchmarks use the lean client.
#[allow(dead_code)]
pub mod lean;

/// A child process, killed and reaped when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Peak resident set size of a process in MB, from /proc (Linux).
pub fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The `q` quantile of latencies in µs, sorted ascending, in ms; NaN when there are none.
pub fn percentile(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

/// CPU time a process has used so far (user and system), in seconds, from /proc (Linux).
// Each benchmark compiles this module; only some report CPU time.
#[allow(dead_code)]
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Linux reports them in USER_HZ, 100 per second on every architecture it runs on.
    Some(ticks / 100.0)
}

/// A fresh, empty database for one server's run: an SQLite file in a scratch directory, or a
/// new database on the PostgreSQL server `CADENCE_TEST_DATABASE_URL` names, dropped when done.
// Each benchmark compiles this module; only some run on both databases.
#[allow(dead_code)]
pub enum Database {
    /// A file that does not exist yet.
    Sqlite(std::path::PathBuf),
    /// A database created on the server `admin` points at, named `name`.
    Postgres { admin: String, name: String },
}

#[allow(dead_code)]
impl Database {
    /// A new SQLite file `name` in `dir`.
    pub fn sqlite(dir: &std::path::Path, name: &str) -> Database {
        Database::Sqlite(dir.join(format!("{name}.db")))
    }

    /// A new database `{prefix}_{pid}_{n}` on the server `admin` points at.
    pub async fn postgres(admin: &str, prefix: &str) -> Database {
        use sqlx::Connection;
        static CREATED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = CREATED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("{prefix}_{}_{n}", std::process::id());
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("connect to CADENCE_TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create a scratch database");
        Database::Postgres {
            admin: admin.to_owned(),
            name,
        }
    }

    /// Which database this is, for the printed figures.
    pub fn kind(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "SQLite",
            Database::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The URL a server connects with.
    pub fn url(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("sqlite://{}", path.display()),
            Database::Postgres { admin, name } => {
                let (base, query) = admin.split_once('?').unwrap_or((admin, ""));
                let (server, _) = base
                    .rsplit_once('/')
                    .expect("CADENCE_TEST_DATABASE_URL needs a database path");
                let query = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                };
                format!("{server}/{name}{query}")
            }
        }
    }

    /// The number `sql` (a `SELECT COUNT(*) …`) answers.
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let (n,): (i64,) = match self {
            Database::Sqlite(_) => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url())
                    .await
                    .expect("open the SQLite file");
                sqlx::query_as(sql).fetch_one(&mut conn).await
            }
            Database::Postgres { .. } => {
                let mut conn = sqlx::PgConnection::connect(&self.url())
                    .await
                    .expect("connect to the scratch database");
                sqlx::query_as(sql).fetch_one(&mut conn).await
            }
        }
        .expect("count");
        n
    }
}

impl Drop for Database {
    /// Drops a PostgreSQL database, also when a run panicked (an SQLite file goes with its
    /// directory). From a thread of its own, as the caller may be inside a runtime.
    fn drop(&mut self) {
        use sqlx::Connection;
        let Database::Postgres { admin, name } = self else {
            return;
        };
        let (admin, name) = (admin.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the scratch database {}", self.url());
        }
    }
}

/// The databases the acknowledgement benchmarks run on: SQLite, and PostgreSQL too when
/// `CADENCE_TEST_DATABASE_URL` names a server (its URL, for [`Database::postgres`]).
#[allow(dead_code)]
pub fn postgres_admin() -> Option<String> {
    std::env::var("CADENCE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A bare handler's database, opened as a naive service would.
#[allow(dead_code)]
#[derive(Clone)]
pub enum BarePool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Executes `query` on a [`BarePool`]: the query is written once and typed for each database.
#[allow(unused_macros)]
macro_rules! execute_on {
    ($pool:expr, $query:expr) => {
        match $pool {
            $crate::support::BarePool::Sqlite(pool) => $query.execute(pool).await.map(drop),
            $crate::support::BarePool::Postgres(pool) => $query.execute(pool).await.map(drop),
        }
    };
}
#[allow(unused_imports)]
pub(crate) use execute_on;
