//! The scheduler: durable jobs that post each team's weekly digest, start scheduled rituals,
//! prompt for calendar-feed meetings and nudge occurrences that ended without their artefact;
//! and the poller that reads the calendar feeds ([`feeds`]).
//!
//! Jobs live in the database ([`crate::store::Job`]). Every replica runs this loop: it keeps the
//! recurring jobs in step with the teams' and rituals' schedules, then claims due jobs with a
//! lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and runs them. A job's effects (a queued
//! digest, a new occurrence and its prompt) are written in the same transaction that moves the
//! job on, guarded by the lease, and every message has an idempotency key, so a replica that
//! dies mid-job or loses its lease never causes a second post. A job missed while the service
//! was down is due in the past, so it runs once at start-up; its next run is computed from now,
//! so missed ticks are not replayed one by one.

mod digest;
mod feed_prompt;
pub mod feeds;
mod nudge;
mod pace;
mod plan;
mod registry;
mod ritual;
pub(crate) mod runner;

pub use registry::{FeedSources, Wakes, registry};

use std::sync::Arc;

use chrono::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::domain::clock::Clock;
use crate::store::{Job, JobKind, Store, StoreResult};

/// How often the loop looks for due jobs when nobody wakes it.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// How often recurring jobs are brought in step with the schedules.
const PLAN_EVERY: Duration = Duration::seconds(30);
/// How long a claim lasts; a replica that dies mid-job gives the job up after this.
const LEASE: Duration = Duration::minutes(2);
/// How many jobs one pass claims.
const CLAIM: i64 = 64;
/// How many jobs run at once.
const CONCURRENCY: usize = 4;
/// After this many failed attempts a job is put off for a day rather than retried soon.
const MAX_QUICK_ATTEMPTS: i64 = 5;

/// Runs due jobs.
#[derive(Debug, Clone)]
pub struct Scheduler {
    store: Store,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<Notify>,
}

impl Scheduler {
    /// A scheduler that wakes the outbox worker when it queues something.
    pub fn new(store: Store, clock: Arc<dyn Clock>, wake_outbox: Arc<Notify>) -> Self {
        Scheduler {
            store,
            clock,
            wake_outbox,
        }
    }

    /// Brings the recurring jobs in step with the teams' digest schedules and the rituals'
    /// schedules; returns how many jobs were created or re-timed.
    pub async fn plan(&self) -> StoreResult<usize> {
        plan::plan(&self.store, self.clock.now()).await
    }

    /// Now, by the scheduler's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Claims the due jobs and runs them, a few at a time; returns how many were claimed.
    pub async fn run_due(&self) -> StoreResult<usize> {
        let jobs = self
            .store
            .claim_jobs(self.clock.now(), CLAIM, LEASE)
            .await?;
        let claimed = jobs.len();
        let mut running = JoinSet::new();
        let mut queued = false;
        for job in jobs {
            if running.len() >= CONCURRENCY
                && let Some(done) = running.join_next().await
            {
                queued |= done.unwrap_or(false);
            }
            let this = self.clone();
            running.spawn(async move { this.run_one(job).await });
        }
        while let Some(done) = running.join_next().await {
            queued |= done.unwrap_or(false);
        }
        if queued {
            self.wake_outbox.notify_one();
        }
        Ok(claimed)
    }

    /// Runs one claimed job; whether it queued a message.
    async fn run_one(&self, job: Job) -> bool {
        let now = self.clock.now();
        let outcome = match job.kind {
            JobKind::Digest => digest::run(&self.store, &job, now).await,
            JobKind::Ritual => ritual::run(&self.store, &job, now).await,
            JobKind::Nudge => nudge::run(&self.store, &job, now).await,
            JobKind::FeedPrompt => feed_prompt::run(&self.store, &job, now).await,
        };
        match outcome {
            Ok(Outcome::Queued) => true,
            Ok(Outcome::Nothing) => false,
            Ok(Outcome::LostClaim) => {
                tracing::warn!(
                    job = job.id,
                    kind = job.kind.as_str(),
                    "job claim lost before it finished; another worker has it"
                );
                false
            }
            Err(error) => {
                let wait = if job.attempts >= MAX_QUICK_ATTEMPTS {
                    Duration::days(1)
                } else {
                    Duration::seconds(
                        30 * 2_i64.pow(u32::try_from(job.attempts).unwrap_or(0).min(6)),
                    )
                };
                tracing::warn!(job = job.id, kind = job.kind.as_str(), attempts = job.attempts, %error, "job failed; will retry");
                if let Err(error) = self
                    .store
                    .postpone_job(&job, now + wait, Some(&error.to_string()))
                    .await
                {
                    tracing::warn!(job = job.id, %error, "could not record the job's failure");
                }
                false
            }
        }
    }
}

/// What running a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Queued a message.
    Queued,
    /// Finished (or was put off) without queuing anything.
    Nothing,
    /// The claim ran out before the job finished; nothing was written.
    LostClaim,
}

impl Outcome {
    fn from_claim(held: bool, queued: bool) -> Outcome {
        match (held, queued) {
            (false, _) => Outcome::LostClaim,
            (true, true) => Outcome::Queued,
            (true, false) => Outcome::Nothing,
        }
    }
}
