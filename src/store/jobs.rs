//! The scheduler's durable jobs: what runs when, claimed with a lease so that each run happens
//! once however many replicas are running.
//!
//! A recurring job (a team's digest, a scheduled ritual) is one row whose `due_at` moves forward
//! after each run; a one-off job (a nudge) is marked done. Every write about a claimed job names
//! the claim's lease, so a replica whose lease ran out cannot overwrite what the next holder did;
//! the work a job does is written in the same transaction as the job's own update.

use chrono::{DateTime, Duration, Utc};
use sqlx::{Any, Transaction};

use super::multi_row::{self, MultiRowSql};
use super::outbox::NewMessage;
use super::{Backend, Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::ids::TenantId;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Post a team's weekly digest (subject: the team).
    Digest,
    /// Start an occurrence of a scheduled ritual (subject: the ritual).
    Ritual,
    /// Nudge an occurrence that ended without its artefact (subject: the occurrence).
    Nudge,
    /// Prompt for a calendar feed's meeting (subject: the feed instance).
    FeedPrompt,
}

impl JobKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Digest => "digest",
            JobKind::Ritual => "ritual",
            JobKind::Nudge => "nudge",
            JobKind::FeedPrompt => "feed_prompt",
        }
    }

    fn parse(stored: &str) -> StoreResult<Self> {
        match stored {
            "digest" => Ok(JobKind::Digest),
            "ritual" => Ok(JobKind::Ritual),
            "nudge" => Ok(JobKind::Nudge),
            "feed_prompt" => Ok(JobKind::FeedPrompt),
            other => Err(StoreError::Corrupt(format!("unknown job kind `{other}`"))),
        }
    }
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its row.
    pub id: i64,
    /// Whose.
    pub tenant: TenantId,
    /// What it does.
    pub kind: JobKind,
    /// The team, ritual or occurrence it is about.
    pub subject: i64,
    /// The schedule (and time zone) its due time was computed from, for recurring jobs.
    pub spec: Option<String>,
    /// When it was due: for a recurring job, the scheduled moment this run stands for.
    pub due_at: DateTime<Utc>,
    /// How many times it has been claimed since it last succeeded, this time included.
    pub attempts: i64,
    /// The claim's lease (Unix ms), named by every write about this claim.
    pub lease_until: i64,
}

/// A recurring job that should exist, and the schedule it should follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedJob {
    /// Whose.
    pub tenant: TenantId,
    /// What it does.
    pub kind: JobKind,
    /// The team or ritual.
    pub subject: i64,
    /// The schedule and time zone, as stored in `spec`; `None` when it should not run.
    pub spec: Option<String>,
    /// Its next due time under that schedule.
    pub due_at: DateTime<Utc>,
}

type JobRow = (i64, i64, String, i64, Option<String>, i64, i64, Option<i64>);

impl Store {
    /// Claims up to `limit` jobs that are due, or whose lease ran out, for `lease`. With
    /// PostgreSQL, concurrent replicas skip each other's rows.
    pub async fn claim_jobs(
        &self,
        now: DateTime<Utc>,
        limit: i64,
        lease: Duration,
    ) -> StoreResult<Vec<Job>> {
        let sql = super::lease::Claim {
            table: "jobs",
            also_set: "",
            due: "done_at IS NULL AND due_at <= $2 AND (lease_until IS NULL OR lease_until < $2)",
            order: "due_at, id",
            returning: "id, tenant_id, kind, subject_id, spec, due_at, attempts, lease_until",
        }
        .sql(self.backend);
        let rows: Vec<JobRow> = sqlx::query_as(&sql)
            .bind(millis(now + lease))
            .bind(millis(now))
            .bind(limit)
            .fetch_all(&self.write)
            .await?;
        let mut jobs: Vec<Job> = rows
            .into_iter()
            .map(|(id, tenant, kind, subject, spec, due, attempts, lease)| {
                Ok(Job {
                    id,
                    tenant: TenantId(tenant),
                    kind: JobKind::parse(&kind)?,
                    subject,
                    spec,
                    due_at: from_millis(due)?,
                    attempts,
                    lease_until: lease.unwrap_or_default(),
                })
            })
            .collect::<StoreResult<_>>()?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    /// Finishes a run of `job`: moves a recurring job to `next` (or marks a one-off job done
    /// when `next` is `None`) and queues `messages`, in one transaction. `false` when the claim
    /// was lost, and then nothing is written.
    pub async fn complete_job(
        &self,
        job: &Job,
        next: Option<DateTime<Utc>>,
        messages: &[NewMessage<'_>],
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.write.begin().await?;
        if !complete_job_in(&mut tx, job, next, at).await? {
            return Ok(false);
        }
        for message in messages {
            super::outbox::enqueue(&mut tx, message, at).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Puts a claimed job off until `until` without counting it as run (outside working
    /// hours, say), or after a failure with its `error`.
    pub async fn postpone_job(
        &self,
        job: &Job,
        until: DateTime<Utc>,
        error: Option<&str>,
    ) -> StoreResult<bool> {
        let attempts = if error.is_some() { job.attempts } else { 0 };
        let done = sqlx::query(
            "UPDATE jobs SET due_at = $1, lease_until = NULL, attempts = $2, last_error = $3 \
             WHERE id = $4 AND lease_until = $5",
        )
        .bind(millis(until))
        .bind(attempts)
        .bind(error)
        .bind(job.id)
        .bind(job.lease_until)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The `spec` of every recurring job of `kind`, by subject; for deciding which need
    /// creating or recomputing.
    pub async fn job_specs(
        &self,
        kind: JobKind,
    ) -> StoreResult<std::collections::HashMap<i64, Option<String>>> {
        let rows: Vec<(i64, Option<String>)> =
            sqlx::query_as("SELECT subject_id, spec FROM jobs WHERE kind = $1")
                .bind(kind.as_str())
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().collect())
    }

    /// Creates or re-times recurring jobs whose schedule is new or has changed; a job whose
    /// `spec` is `None` is switched off. A job whose spec is unchanged is left alone, so a
    /// restart never moves a due time.
    pub async fn plan_jobs(&self, planned: &[PlannedJob], at: DateTime<Utc>) -> StoreResult<()> {
        if planned.is_empty() {
            return Ok(());
        }
        let mut tx = self.write.begin().await?;
        for job in planned {
            let done_at = job.spec.is_none().then(|| millis(at));
            sqlx::query(
                "INSERT INTO jobs (tenant_id, kind, subject_id, spec, due_at, attempts, done_at, \
                 created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7) \
                 ON CONFLICT (kind, subject_id) DO UPDATE SET spec = excluded.spec, \
                 due_at = excluded.due_at, done_at = excluded.done_at, attempts = 0, \
                 lease_until = NULL, last_error = NULL \
                 WHERE jobs.spec IS NULL OR excluded.spec IS NULL OR jobs.spec <> excluded.spec",
            )
            .bind(job.tenant.0)
            .bind(job.kind.as_str())
            .bind(job.subject)
            .bind(job.spec.as_deref())
            .bind(millis(job.due_at))
            .bind(done_at)
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// How far behind the scheduler is: the age of the oldest due job not yet run, if any.
    pub async fn job_lag(&self, now: DateTime<Utc>) -> StoreResult<Option<Duration>> {
        let oldest: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT MIN(due_at) FROM jobs WHERE done_at IS NULL AND due_at <= $1")
                .bind(millis(now))
                .fetch_optional(&self.read)
                .await?;
        match oldest.and_then(|(due,)| due) {
            Some(due) => Ok(Some(now - from_millis(due)?)),
            None => Ok(None),
        }
    }
}

/// Moves `job` on inside `tx`; `false` (and nothing written) when the claim was lost.
pub(super) async fn complete_job_in(
    tx: &mut Transaction<'_, Any>,
    job: &Job,
    next: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let done =
        match next {
            Some(next) => sqlx::query(
                "UPDATE jobs SET due_at = $1, lease_until = NULL, attempts = 0, last_error = NULL, \
                 last_run_at = $2 WHERE id = $3 AND lease_until = $4",
            )
            .bind(millis(next))
            .bind(millis(at))
            .bind(job.id)
            .bind(job.lease_until)
            .execute(&mut **tx)
            .await?,
            None => {
                sqlx::query(
                    "UPDATE jobs SET done_at = $1, lease_until = NULL, last_error = NULL, \
                 last_run_at = $1 WHERE id = $2 AND lease_until = $3",
                )
                .bind(millis(at))
                .bind(job.id)
                .bind(job.lease_until)
                .execute(&mut **tx)
                .await?
            }
        };
    Ok(done.rows_affected() == 1)
}

/// A one-off job to schedule.
pub(super) struct OneOff {
    /// Whose.
    pub(super) tenant: TenantId,
    /// What it does.
    pub(super) kind: JobKind,
    /// The row it is about (an occurrence for a nudge).
    pub(super) subject: i64,
    /// When it runs.
    pub(super) due: DateTime<Utc>,
}

/// The one-off job insert, a chunk of jobs at a time.
static INSERT_ONE_OFFS: MultiRowSql = MultiRowSql::with_row(
    "INSERT INTO jobs (tenant_id, kind, subject_id, due_at, attempts, created_at)",
    "(?, ?, ?, ?, 0, ?)",
    "ON CONFLICT (kind, subject_id) DO NOTHING",
);

/// Schedules one-off jobs inside `tx`, a chunk per statement; an existing job for the same
/// subject is left alone.
pub(super) async fn schedule_once(
    tx: &mut Transaction<'_, Any>,
    jobs: &[OneOff],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    for chunk in jobs.chunks(multi_row::ROWS) {
        let mut query = sqlx::query(INSERT_ONE_OFFS.for_rows(Backend::of(tx), chunk.len()));
        for job in chunk {
            query = query
                .bind(job.tenant.0)
                .bind(job.kind.as_str())
                .bind(job.subject)
                .bind(millis(job.due))
                .bind(millis(at));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Finishes a run of a scheduled ritual's job: starts the occurrence `plan` describes (with
    /// its prompt and nudge) and moves the job to `next`, in one transaction. `false` when the
    /// claim was lost, and then nothing is written.
    pub async fn complete_ritual_job(
        &self,
        job: &Job,
        next: Option<DateTime<Utc>>,
        plan: &super::OccurrencePlan<'_>,
        card: impl Fn(crate::domain::ids::OccurrenceId, &super::OccurrencePlan<'_>) -> serde_json::Value,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.write.begin().await?;
        if !complete_job_in(&mut tx, job, next, at).await? {
            return Ok(false);
        }
        super::starts::start_scheduled(&mut tx, plan, &card, at).await?;
        tx.commit().await?;
        Ok(true)
    }
}
