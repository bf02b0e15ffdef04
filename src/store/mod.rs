//! The one store API over SQLite and PostgreSQL.
//!
//! The rest of the code calls domain operations here (create a team, record a decision, read
//! coverage), never SQL. Both databases run the same statements through sqlx's `Any` driver, with
//! `$N` placeholders that both understand; migrations are kept per dialect in `migrations/`.
//!
//! SQLite allows one writer at a time. Rather than let concurrent writers spin on the file lock,
//! writes go through a pool of exactly one connection, and reads use a separate pool (WAL mode
//! lets them run alongside the writer). PostgreSQL uses one pool for both.

mod audits;
mod cache;
mod capabilities;
mod conversations;
mod decisions;
mod digest;
mod feeds;
mod group_commit;
mod home;
mod inbox;
mod jobs;
mod lease;
mod occurrences;
mod outbox;
mod people;
mod platform_events;
mod profile;
mod rituals;
mod teams;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

pub use crate::domain::decision::RecordedDecision;
pub use audits::{SavedAudit, SavedRitual};
pub use capabilities::Capability;
pub use conversations::ConversationRef;
pub use digest::DigestSchedule;
pub use feeds::{
    ClaimedFeed, FeedChanges, FeedFetched, FeedInstance, InstanceState, WantedInstance,
};
pub use inbox::{NewInboxEntry, OccurrencePlan, PendingEvent};
pub use jobs::{Job, JobKind, PlannedJob};
pub use occurrences::Occurrence;
pub use outbox::{Delivery, NewMessage, OperationalFigures, OutboxCounts, OutboxMessage};
pub use people::Person;
pub use profile::{LevelRow, Profile, TrackRow};
pub use rituals::{NewRitual, Ritual};
pub use teams::{Membership, NewTeam, Role, Team};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a request waits for a connection: well inside Slack's 3-second budget, so a
/// saturated database answers "try again" instead of a late success Slack has given up on.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Why a store operation failed. Callers decide on these variants; none of them names sqlx.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or failed the statement; trying again later may work.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value is not one Cadence writes; the row is left alone.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// The write conflicts with what is recorded: the record exists already, or the state it
    /// answers has moved on (a request answered by someone else first).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database refused the data itself (a reference to a row that is not there, a value
    /// out of range): writing it again will not help.
    #[error("refused: {0}")]
    Refused(String),
    /// This very click, form or request was recorded before; nothing more was written.
    #[error("already recorded")]
    Replayed,
    /// The database failed a write for everyone waiting on it; nothing was committed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    /// Sorts what the database said into conflicts, refusals and failures.
    fn from(error: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &error {
            sqlx::Error::Database(e) => match e.kind() {
                ErrorKind::UniqueViolation => StoreError::Conflict(e.message().to_owned()),
                ErrorKind::ForeignKeyViolation
                | ErrorKind::NotNullViolation
                | ErrorKind::CheckViolation => StoreError::Refused(e.message().to_owned()),
                _ => StoreError::Database(error),
            },
            _ => StoreError::Database(error),
        }
    }
}

impl StoreError {
    /// Whether this is a conflict with what is recorded (an existing record, a stale answer).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }

    /// Whether the data itself was refused or conflicts, so that writing it again cannot
    /// succeed (as opposed to the database being busy or unavailable).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict(_) | StoreError::Refused(_) | StoreError::Replayed
        )
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
    caches: Arc<cache::Caches>,
    group_commit: Option<group_commit::GroupCommit>,
}

impl Store {
    /// Connects to `database_url` (`sqlite://PATH` creates the file if missing, `postgres://…`).
    pub async fn connect(database_url: &str) -> StoreResult<Self> {
        install_default_drivers();
        if database_url.starts_with("sqlite:") {
            let url = sqlite_url_with_create(database_url);
            // The writer is opened first so that it creates the file and switches it to WAL
            // before any reader opens it.
            let write = sqlite_pool(&url, 1).await?;
            let read = sqlite_pool(&url, 4).await?;
            let group_commit = Some(group_commit::GroupCommit::start(write.clone()));
            Ok(Store {
                read,
                write,
                backend: Backend::Sqlite,
                caches: Arc::default(),
                group_commit,
            })
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect(database_url)
                .await?;
            Ok(Store {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
                caches: Arc::default(),
                group_commit: None,
            })
        }
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        let migrator = self.migrator();
        if self.backend == Backend::Sqlite {
            self.migrate_outside_transactions(migrator).await?;
        }
        migrator.run(&self.write).await?;
        Ok(())
    }

    /// Applies the SQLite migrations marked `-- no-transaction` (a table rebuild that needs
    /// foreign keys off, which SQLite allows only outside a transaction), each after the ones
    /// before it. sqlx 0.8 runs every SQLite migration inside a transaction, so these are run
    /// here and then recorded as sqlx records them, with the same checksum.
    async fn migrate_outside_transactions(&self, migrator: &Migrator) -> StoreResult<()> {
        for (index, step) in migrator.iter().enumerate().filter(|(_, m)| m.no_tx) {
            let before = Migrator {
                migrations: std::borrow::Cow::Owned(migrator.migrations[..index].to_vec()),
                ignore_missing: true,
                locking: migrator.locking,
                no_tx: false,
            };
            before.run(&self.write).await?;
            let applied: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE version = $1")
                    .bind(step.version)
                    .fetch_optional(&self.write)
                    .await?;
            if applied.is_some() {
                continue;
            }
            let mut conn = self.write.acquire().await?;
            sqlx::raw_sql(&step.sql).execute(&mut *conn).await?;
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES ($1, $2, TRUE, $3, -1)",
            )
            .bind(step.version)
            .bind(step.description.as_ref())
            .bind(step.checksum.to_vec())
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }

    /// Whether the database answers and every migration this build knows is applied.
    pub async fn ready(&self) -> StoreResult<bool> {
        if self.group_commit.as_ref().is_some_and(|w| !w.is_running()) {
            return Ok(false);
        }
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = $1")
                .bind(true)
                .fetch_all(&self.read)
                .await?;
        let applied: std::collections::HashSet<i64> = applied.into_iter().map(|(v,)| v).collect();
        Ok(self.migrator().iter().all(|m| applied.contains(&m.version)))
    }

    /// Closes every connection, waiting for those in use to be returned.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

async fn sqlite_pool(url: &str, connections: u32) -> StoreResult<AnyPool> {
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // WAL lets readers run beside the writer. FULL sync makes every commit durable
                // against power loss too, not just process crashes: an acknowledged decision is
                // never lost. Group commit pays that fsync once per batch, not per decision.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000;",
                )
                .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(pool)
}

/// sqlx opens SQLite files read-write but does not create them unless asked.
fn sqlite_url_with_create(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters.
pub(crate) fn values_placeholders(rows: usize, columns: usize) -> String {
    let rows: Vec<String> = (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=columns)
                .map(|col| format!("${}", row * columns + col))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    rows.join(", ")
}

/// Milliseconds since the Unix epoch, the stored form of every instant.
pub(crate) fn millis(at: chrono::DateTime<chrono::Utc>) -> i64 {
    at.timestamp_millis()
}

/// Reads a stored instant.
pub(crate) fn from_millis(ms: i64) -> StoreResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms} is out of range")))
}

/// Reads a stored day.
pub(crate) fn parse_day(text: &str) -> StoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("`{text}` is not a date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_missing_files() {
        assert_eq!(
            sqlite_url_with_create("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_create("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(
            sqlite_url_with_create("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }
}
