//! Calendar feeds polled as ritual triggers: each feed's poll state, and the meetings it
//! scheduled prompts for.
//!
//! The guarantee: a meeting's prompt is posted at most once. Each meeting a ritual's trigger
//! picks is one `feed_instances` row, keyed by the event's UID and original start, with a one-off
//! `feed_prompt` job due when the prompt is. A later fetch that moves the meeting moves the job; one
//! that cancels it (STATUS:CANCELLED, an EXDATE, or the meeting gone) marks the row cancelled and
//! the job done. The job marks the row prompted in the same transaction that starts the
//! occurrence and queues its prompt, and a prompted row is never scheduled again. A feed is
//! fetched under a lease (the same claim as the scheduler's jobs), and every write about a fetch
//! names that lease, so two replicas never apply the same feed at once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Transaction};

use super::jobs::{Job, JobKind, complete_job_in};
use super::{OccurrencePlan, Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::ids::{OccurrenceId, RitualId, TenantId};

/// How long a meeting's row is kept once it was prompted or cancelled.
const KEEP_DONE: Duration = Duration::days(14);

/// A feed claimed for one fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedFeed {
    /// Its row.
    pub id: i64,
    /// Its configured name, lower case.
    pub name: String,
    /// Fetches in a row that failed before this one.
    pub failures: i64,
    /// The last answer's `ETag`, for `If-None-Match`.
    pub etag: Option<String>,
    /// The last answer's `Last-Modified`, for `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When the feed last answered with a body.
    pub fetched_at: Option<DateTime<Utc>>,
    /// The rituals it was matched against then (a fingerprint).
    pub rituals_seen: Option<String>,
    /// The claim's lease (Unix ms), named by every write about this claim.
    pub lease_until: i64,
}

/// What a fetch that brought a body learnt, besides the meetings.
#[derive(Debug, Clone, Copy)]
pub struct FeedFetched<'a> {
    /// The answer's `ETag`.
    pub etag: Option<&'a str>,
    /// The answer's `Last-Modified`.
    pub last_modified: Option<&'a str>,
    /// The rituals the meetings were matched against (a fingerprint).
    pub rituals_seen: &'a str,
    /// A meeting first seen whose prompt was due before this gets none.
    pub not_before: DateTime<Utc>,
}

/// A meeting a ritual's trigger picks, as the feed shows it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedInstance {
    /// The ritual's tenant.
    pub tenant: TenantId,
    /// The ritual.
    pub ritual: RitualId,
    /// The event's UID, and for an instance of a series its original start.
    pub instance: String,
    /// The meeting's title.
    pub title: String,
    /// The moment the trigger picks: the meeting's start or end.
    pub moment_at: DateTime<Utc>,
    /// When the prompt is due: the moment less the ritual's lead time.
    pub due_at: DateTime<Utc>,
    /// Whether the feed shows it cancelled.
    pub cancelled: bool,
}

/// Where a meeting's prompt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    /// Its prompt is due at the row's `due_at`.
    Scheduled,
    /// Cancelled in the feed, or gone from it; no prompt unless it comes back.
    Cancelled,
    /// Its prompt went out; nothing about it changes any more.
    Prompted,
}

impl InstanceState {
    fn as_str(self) -> &'static str {
        match self {
            InstanceState::Scheduled => "scheduled",
            InstanceState::Cancelled => "cancelled",
            InstanceState::Prompted => "prompted",
        }
    }

    fn parse(stored: &str) -> StoreResult<Self> {
        match stored {
            "scheduled" => Ok(InstanceState::Scheduled),
            "cancelled" => Ok(InstanceState::Cancelled),
            "prompted" => Ok(InstanceState::Prompted),
            other => Err(StoreError::Corrupt(format!(
                "unknown feed instance state `{other}`"
            ))),
        }
    }
}

/// A meeting's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedInstance {
    /// Its row.
    pub id: i64,
    /// The ritual whose trigger picked it.
    pub ritual: RitualId,
    /// The feed's name.
    pub feed: String,
    /// The event's UID and original start.
    pub instance: String,
    /// The meeting's title.
    pub title: String,
    /// The meeting's start or end, as the trigger picks.
    pub moment_at: DateTime<Utc>,
    /// When its prompt is due.
    pub due_at: DateTime<Utc>,
    /// Where its prompt stands.
    pub state: InstanceState,
}

/// What applying one fetch changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedChanges {
    /// Meetings newly scheduled (or scheduled again after a cancellation).
    pub scheduled: usize,
    /// Meetings whose prompt moved or whose title changed.
    pub moved: usize,
    /// Meetings cancelled or gone.
    pub cancelled: usize,
}

type FeedRow = (
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

type InstanceRow = (i64, i64, String, String, String, i64, i64, String);

impl Store {
    /// Makes sure every configured feed has its row, due now if new.
    pub async fn register_feeds(&self, names: &[&str], at: DateTime<Utc>) -> StoreResult<()> {
        for name in names {
            sqlx::query(
                "INSERT INTO ics_feeds (name, due_at, attempts, created_at) VALUES ($1, $2, 0, $2) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(*name)
            .bind(millis(at))
            .execute(&self.write)
            .await?;
        }
        Ok(())
    }

    /// Claims up to `limit` feeds due for a fetch, or whose lease ran out, for `lease`.
    pub async fn claim_feeds(
        &self,
        now: DateTime<Utc>,
        limit: i64,
        lease: Duration,
    ) -> StoreResult<Vec<ClaimedFeed>> {
        let sql = super::lease::Claim {
            table: "ics_feeds",
            also_set: "",
            due: "due_at <= $2 AND (lease_until IS NULL OR lease_until < $2)",
            order: "due_at, id",
            returning: "id, name, attempts, etag, last_modified, fetched_at, rituals_seen, \
                        lease_until",
        }
        .sql(self.backend);
        let rows: Vec<FeedRow> = sqlx::query_as(&sql)
            .bind(millis(now + lease))
            .bind(millis(now))
            .bind(limit)
            .fetch_all(&self.write)
            .await?;
        rows.into_iter()
            .map(
                |(id, name, attempts, etag, last_modified, fetched_at, rituals_seen, lease)| {
                    Ok(ClaimedFeed {
                        id,
                        name,
                        failures: attempts - 1,
                        etag,
                        last_modified,
                        fetched_at: fetched_at.map(from_millis).transpose()?,
                        rituals_seen,
                        lease_until: lease.unwrap_or_default(),
                    })
                },
            )
            .collect()
    }

    /// Records an answer that changed nothing (304): the feed is next fetched at `next`.
    /// `false` when the claim was lost.
    pub async fn feed_not_modified(
        &self,
        feed: &ClaimedFeed,
        status: u16,
        next: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE ics_feeds SET due_at = $1, lease_until = NULL, attempts = 0, last_status = $2, \
             last_error = NULL WHERE id = $3 AND lease_until = $4",
        )
        .bind(millis(next))
        .bind(i64::from(status))
        .bind(feed.id)
        .bind(feed.lease_until)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failed fetch; what was known stays, and the feed is tried again at `next`.
    pub async fn feed_failed(
        &self,
        feed: &ClaimedFeed,
        status: Option<u16>,
        error: &str,
        next: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE ics_feeds SET due_at = $1, lease_until = NULL, last_status = $2, last_error = $3 \
             WHERE id = $4 AND lease_until = $5",
        )
        .bind(millis(next))
        .bind(status.map(i64::from))
        .bind(error)
        .bind(feed.id)
        .bind(feed.lease_until)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Applies a fetch that brought the feed's meetings: schedules, moves and cancels their
    /// prompts, records the answer's validators and moves the feed to `next`, in one
    /// transaction. Meetings the store scheduled before and `wanted` no longer has are
    /// cancelled; prompted ones are left alone. `None` when the claim was lost.
    pub async fn feed_fetched(
        &self,
        feed: &ClaimedFeed,
        fetched: FeedFetched<'_>,
        wanted: &[WantedInstance],
        next: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<FeedChanges>> {
        let mut tx = self.write.begin().await?;
        let held = sqlx::query(
            "UPDATE ics_feeds SET due_at = $1, lease_until = NULL, attempts = 0, last_status = 200, \
             last_error = NULL, etag = $2, last_modified = $3, fetched_at = $4, rituals_seen = $5 \
             WHERE id = $6 AND lease_until = $7",
        )
        .bind(millis(next))
        .bind(fetched.etag)
        .bind(fetched.last_modified)
        .bind(millis(at))
        .bind(fetched.rituals_seen)
        .bind(feed.id)
        .bind(feed.lease_until)
        .execute(&mut *tx)
        .await?;
        if held.rows_affected() != 1 {
            return Ok(None);
        }
        sqlx::query(
            "DELETE FROM feed_instances WHERE feed = $1 AND state <> $2 AND moment_at < $3",
        )
        .bind(&feed.name)
        .bind(InstanceState::Scheduled.as_str())
        .bind(millis(at - KEEP_DONE))
        .execute(&mut *tx)
        .await?;
        let rows: Vec<InstanceRow> = sqlx::query_as(
            "SELECT id, ritual_id, feed, instance, title, moment_at, due_at, state \
             FROM feed_instances WHERE feed = $1",
        )
        .bind(&feed.name)
        .fetch_all(&mut *tx)
        .await?;
        let mut known: HashMap<(i64, String), FeedInstance> = HashMap::new();
        for row in rows {
            let instance = instance_from_row(row)?;
            known.insert((instance.ritual.0, instance.instance.clone()), instance);
        }
        let mut changes = FeedChanges::default();
        let mut seen = HashSet::new();
        for want in wanted {
            seen.insert((want.ritual.0, want.instance.clone()));
            let existing = known.get(&(want.ritual.0, want.instance.clone()));
            if existing.is_none() && want.due_at < fetched.not_before {
                continue;
            }
            apply_one(&mut tx, &feed.name, want, existing, &mut changes, at).await?;
        }
        for ((ritual, key), instance) in &known {
            if instance.state == InstanceState::Scheduled && !seen.contains(&(*ritual, key.clone()))
            {
                cancel(&mut tx, instance.id, at).await?;
                changes.cancelled += 1;
            }
        }
        tx.commit().await?;
        Ok(Some(changes))
    }

    /// One meeting's row, of the tenant.
    pub async fn feed_instance(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> StoreResult<Option<FeedInstance>> {
        let row: Option<InstanceRow> = sqlx::query_as(
            "SELECT id, ritual_id, feed, instance, title, moment_at, due_at, state \
             FROM feed_instances WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        row.map(instance_from_row).transpose()
    }

    /// Finishes a meeting's prompt job: marks the meeting prompted and starts the occurrence
    /// `plan` describes (with its prompt), in one transaction, unless the meeting was cancelled
    /// or already prompted meanwhile. `false` when the claim was lost, and then nothing is
    /// written.
    pub async fn complete_feed_prompt(
        &self,
        job: &Job,
        plan: &OccurrencePlan<'_>,
        card: impl Fn(OccurrenceId, &OccurrencePlan<'_>) -> serde_json::Value,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.write.begin().await?;
        if !complete_job_in(&mut tx, job, None, at).await? {
            return Ok(false);
        }
        let marked = sqlx::query(
            "UPDATE feed_instances SET state = $1, updated_at = $2 \
             WHERE tenant_id = $3 AND id = $4 AND state = $5",
        )
        .bind(InstanceState::Prompted.as_str())
        .bind(millis(at))
        .bind(job.tenant.0)
        .bind(job.subject)
        .bind(InstanceState::Scheduled.as_str())
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 1 {
            super::starts::start_scheduled(&mut tx, plan, &card, at).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

fn instance_from_row(row: InstanceRow) -> StoreResult<FeedInstance> {
    let (id, ritual, feed, instance, title, moment_at, due_at, state) = row;
    Ok(FeedInstance {
        id,
        ritual: RitualId(ritual),
        feed,
        instance,
        title,
        moment_at: from_millis(moment_at)?,
        due_at: from_millis(due_at)?,
        state: InstanceState::parse(&state)?,
    })
}

/// Brings one meeting's row and prompt job in line with what the feed shows now.
async fn apply_one(
    tx: &mut Transaction<'_, Any>,
    feed: &str,
    want: &WantedInstance,
    existing: Option<&FeedInstance>,
    changes: &mut FeedChanges,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let state = if want.cancelled {
        InstanceState::Cancelled
    } else {
        InstanceState::Scheduled
    };
    let id = match existing {
        // A prompt that went out is never taken back or sent again.
        Some(known) if known.state == InstanceState::Prompted => return Ok(()),
        Some(known)
            if known.state == state
                && known.due_at == want.due_at
                && known.moment_at == want.moment_at
                && known.title == want.title =>
        {
            return Ok(());
        }
        Some(known) => {
            sqlx::query(
                "UPDATE feed_instances SET title = $1, moment_at = $2, due_at = $3, state = $4, \
                 updated_at = $5 WHERE id = $6",
            )
            .bind(&want.title)
            .bind(millis(want.moment_at))
            .bind(millis(want.due_at))
            .bind(state.as_str())
            .bind(millis(at))
            .bind(known.id)
            .execute(&mut **tx)
            .await?;
            match (known.state, state) {
                (_, InstanceState::Cancelled) => changes.cancelled += 1,
                (InstanceState::Cancelled, _) => changes.scheduled += 1,
                _ => changes.moved += 1,
            }
            known.id
        }
        // Cancelled before Cadence ever scheduled it: nothing to keep.
        None if want.cancelled => return Ok(()),
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO feed_instances (tenant_id, ritual_id, feed, instance, title, \
                 moment_at, due_at, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
            )
            .bind(want.tenant.0)
            .bind(want.ritual.0)
            .bind(feed)
            .bind(&want.instance)
            .bind(&want.title)
            .bind(millis(want.moment_at))
            .bind(millis(want.due_at))
            .bind(state.as_str())
            .bind(millis(at))
            .fetch_one(&mut **tx)
            .await?;
            changes.scheduled += 1;
            id
        }
    };
    if want.cancelled {
        return cancel_job(tx, id, at).await;
    }
    // A new or moved prompt: (re)open its job at the new time. A claim in progress loses its
    // lease here, so a job that read the old time writes nothing and runs again at the new one.
    sqlx::query(
        "INSERT INTO jobs (tenant_id, kind, subject_id, due_at, attempts, created_at) \
         VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (kind, subject_id) DO UPDATE SET \
         due_at = excluded.due_at, done_at = NULL, lease_until = NULL, attempts = 0, \
         last_error = NULL",
    )
    .bind(want.tenant.0)
    .bind(JobKind::FeedPrompt.as_str())
    .bind(id)
    .bind(millis(want.due_at))
    .bind(millis(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks a scheduled meeting cancelled (it left the feed) and switches its job off.
async fn cancel(tx: &mut Transaction<'_, Any>, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "UPDATE feed_instances SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
    )
    .bind(InstanceState::Cancelled.as_str())
    .bind(millis(at))
    .bind(id)
    .bind(InstanceState::Scheduled.as_str())
    .execute(&mut **tx)
    .await?;
    cancel_job(tx, id, at).await
}

/// Switches a meeting's prompt job off, unless it already ran.
async fn cancel_job(tx: &mut Transaction<'_, Any>, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "UPDATE jobs SET done_at = $1, lease_until = NULL WHERE kind = $2 AND subject_id = $3 \
         AND done_at IS NULL",
    )
    .bind(millis(at))
    .bind(JobKind::FeedPrompt.as_str())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
