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
mod budgets;
mod cache;
mod capabilities;
mod conversations;
mod decisions;
mod digest;
mod event_sources;
mod export;
mod feeds;
mod file;
mod forget;
mod group_commit;
mod home;
mod inbox;
mod installations;
mod jobs;
mod lease;
mod modules;
mod multi_row;
mod occurrences;
mod outbox;
mod outcomes;
mod pacing;
mod people;
mod platform_events;
mod profile;
mod rituals;
mod rosters;
mod settings;
mod starts;
mod teams;
mod tracks;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

pub use crate::domain::decision::RecordedDecision;
pub use crate::domain::pace::TrackProgress;
pub use audits::{SavedAudit, SavedRitual};
pub use budgets::RequestStatus;
pub use capabilities::Capability;
pub use conversations::ConversationRef;
pub use digest::DigestSchedule;
pub use event_sources::EventSource;
pub use export::ExportScope;
pub use feeds::{
    ClaimedFeed, FeedChanges, FeedFetched, FeedInstance, InstanceState, WantedInstance,
};
pub use forget::Erasure;
pub use group_commit::command_key;
pub use inbox::{NewInboxEntry, OccurrencePlan, PendingEvent};
pub use installations::{RefreshedTokens, SlackInstallation};
pub use jobs::{Job, JobKind, PlannedJob};
pub use modules::{Module, ModuleFieldsRow, ModuleFilter, NewModule};
pub use occurrences::Occurrence;
pub use outbox::{Delivery, NewMessage, OperationalFigures, OutboxCounts, OutboxMessage};
pub use outcomes::Workspace;
pub use pacing::{ChannelKey, Reservation};
pub use people::Person;
pub use profile::{LevelRow, Profile, TrackRow};
pub use rituals::{NewRitual, Ritual};
pub use rosters::{Freshness, Roster};
pub use teams::{Membership, NewTeam, Role, Team};
pub use tracks::{PacedEnrolment, TrackPlan};

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

impl Backend {
    /// The database `connection` talks to.
    pub(crate) fn of(connection: &sqlx::AnyConnection) -> Backend {
        match connection.backend_name() {
            "PostgreSQL" => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
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
    /// An allocation does not fit its team's budget for the quarter; nothing was written.
    #[error("over budget: {} of {} left in {}", .0.left(), .0.budget, .0.quarter)]
    OverBudget(crate::domain::budget::Shortfall),
    /// This very click, form or request was recorded before; nothing more was written.
    #[error("already recorded")]
    Replayed,
    /// The decision was authorised against a cached roster that has changed since; nothing
    /// was written, and the caller decides again against the stored roster.
    #[error("the team's roster changed while the decision was made")]
    Stale,
    /// The database failed a write for everyone waiting on it; nothing was committed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The configured SQLite file does not exist, and the store was not asked to create it.
    #[error(
        "there is no database at {0}: run `cadence migrate` to create it, or point DATABASE_URL at the existing one"
    )]
    Missing(String),
}

/// What opening an SQLite database does when its file does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMissing {
    /// Create it (a first run, `cadence migrate`, a test's own database).
    Create,
    /// Refuse, with [`StoreError::Missing`]: a database configured before is not silently
    /// replaced by an empty one.
    Refuse,
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
            StoreError::Conflict(_)
                | StoreError::Refused(_)
                | StoreError::Replayed
                | StoreError::OverBudget(_)
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
    group_commit: group_commit::GroupCommit,
    /// The SQLite file, watched for removal or replacement.
    file: Option<Arc<file::DatabaseFile>>,
    /// Whether opening the store created its SQLite file.
    created: bool,
}

impl Store {
    /// Connects to `database_url` (`sqlite://PATH` creates the file if missing, `postgres://…`).
    pub async fn connect(database_url: &str) -> StoreResult<Self> {
        Self::open(database_url, IfMissing::Create).await
    }

    /// Connects to `database_url`; `if_missing` says whether a missing SQLite file is created.
    /// An SQLite file is watched from then on: once it is removed or replaced, no connection
    /// is handed out, so writes fail rather than land in a file nobody will read again.
    pub async fn open(database_url: &str, if_missing: IfMissing) -> StoreResult<Self> {
        install_default_drivers();
        if database_url.starts_with("sqlite:") {
            let path = file::sqlite_path(database_url);
            let missing = path.as_ref().is_some_and(|p| !p.exists());
            if missing && if_missing == IfMissing::Refuse {
                let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
                return Err(StoreError::Missing(shown));
            }
            if missing {
                // Created once, here; the pools below never create the file again.
                let url = sqlite_url_with_create(database_url);
                sqlite_pool(&url, 1, None).await?.close().await;
            }
            let watched = match &path {
                Some(path) => Some(Arc::new(
                    file::DatabaseFile::open(path)
                        .ok_or_else(|| StoreError::Missing(path.display().to_string()))?,
                )),
                None => None,
            };
            let url = match watched {
                Some(_) => database_url.to_owned(),
                // An in-memory database has no file to create.
                None => sqlite_url_with_create(database_url),
            };
            // The writer is opened first so that it switches the file to WAL before any
            // reader opens it.
            let write = sqlite_pool(&url, 1, watched.clone()).await?;
            let read = sqlite_pool(&url, 4, watched.clone()).await?;
            let group_commit = group_commit::GroupCommit::start(write.clone(), Backend::Sqlite);
            Ok(Store {
                read,
                write,
                backend: Backend::Sqlite,
                caches: Arc::default(),
                group_commit,
                file: watched,
                created: missing,
            })
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect(database_url)
                .await?;
            Ok(Store {
                read: pool.clone(),
                group_commit: group_commit::GroupCommit::start(pool.clone(), Backend::Postgres),
                write: pool,
                backend: Backend::Postgres,
                caches: Arc::default(),
                file: None,
                created: false,
            })
        }
    }

    /// Whether opening this store created its SQLite file (a first run).
    pub fn created(&self) -> bool {
        self.created
    }

    /// Whether requests are waiting for the writer to acknowledge their writes (decisions,
    /// received events): background work that can wait gives way while they do.
    pub fn acknowledgements_waiting(&self) -> bool {
        self.group_commit.waiting() > 0
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
        // Migrations newer than this build are not an error: a replica of the previous version
        // that restarts during a rolling update finds them applied, and they are written so that
        // it keeps working on them (docs/operations.md, Upgrades). The ones it knows are still
        // checked against their checksums.
        let tolerant = Migrator {
            migrations: std::borrow::Cow::Borrowed(&migrator.migrations),
            ignore_missing: true,
            locking: migrator.locking,
            no_tx: migrator.no_tx,
        };
        tolerant.run(&self.write).await?;
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
        if let Some(changed) = self.file.as_ref().and_then(|f| f.changed()) {
            return Err(StoreError::Unavailable(changed));
        }
        if !self.group_commit.is_running() {
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

/// A pool on an SQLite file. With `watched`, a connection is opened or handed out only while
/// the path still names the file the store opened.
async fn sqlite_pool(
    url: &str,
    connections: u32,
    watched: Option<Arc<file::DatabaseFile>>,
) -> StoreResult<AnyPool> {
    let on_connect = watched.clone();
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _meta| {
            let watched = on_connect.clone();
            Box::pin(async move {
                if let Some(changed) = watched.as_ref().and_then(|f| f.changed()) {
                    return Err(sqlx::Error::Configuration(changed.into()));
                }
                // WAL lets readers run beside the writer. FULL sync makes every commit durable
                // against power loss too, not just process crashes: an acknowledged decision is
                // never lost. Group commit pays that fsync once per batch, not per decision.
                // Temporary data stays in memory: a multi-row insert inside a transaction keeps
                // a statement journal (a copy of every page it changes, to undo that statement
                // alone), which SQLite otherwise spills to a new file in /var/tmp once it
                // passes 64 KiB — a file created, written and deleted on every group commit.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000; \
                     PRAGMA temp_store = MEMORY;",
                )
                .await?;
                Ok(())
            })
        })
        .before_acquire(move |_conn, _meta| {
            let same = watched.as_ref().is_none_or(|f| f.changed().is_none());
            if !same {
                tracing::error!("the database file was removed or replaced: refusing to use it");
            }
            Box::pin(async move { Ok(same) })
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
