//! What runs in the background of every replica, registered with the one worker loop
//! ([`super::runner`]): processing the inbox, delivering the outbox, planning recurring jobs and
//! running the scheduled jobs that are due, reminding people on paced tracks, and fetching
//! calendar feeds. A new kind of background
//! work (a reminder, another poller) is one more [`BackgroundJob`] here.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::feeds::FeedPoller;
use super::pace::PaceReminders;
use super::runner::{BackgroundJob, Ran, Registry};
use super::{CLAIM, PLAN_EVERY, POLL, Scheduler};
use crate::config::IcsFeeds;
use crate::domain::clock::Clock;
use crate::outbound::outbox::{self, OutboxWorker};
use crate::platform::Senders;
use crate::service::events::{self, EventProcessor};
use crate::store::{Store, StoreResult};

/// What wakes each loop early: an event received, a message queued.
#[derive(Debug, Clone, Default)]
pub struct Wakes {
    /// Rung when an event is received.
    pub events: Arc<Notify>,
    /// Rung when a message is queued.
    pub outbox: Arc<Notify>,
}

/// The calendar feeds to poll and the HTTP client to fetch them with.
#[derive(Debug, Clone)]
pub struct FeedSources {
    /// The configured feeds.
    pub feeds: IcsFeeds,
    /// The client (with its timeouts).
    pub client: reqwest::Client,
}

/// Every background job a replica runs.
pub fn registry(
    store: &Store,
    senders: Senders,
    clock: &Arc<dyn Clock>,
    wakes: &Wakes,
    inbox_retention_days: u32,
    feeds: FeedSources,
) -> Registry {
    let mut registry = Registry::new();
    registry.register(
        EventProcessor::new(
            store.clone(),
            clock.clone(),
            wakes.outbox.clone(),
            inbox_retention_days,
        ),
        wakes.events.clone(),
    );
    registry.register(
        OutboxWorker::new(store.clone(), senders, clock.clone()),
        wakes.outbox.clone(),
    );
    let scheduler = Scheduler::new(store.clone(), clock.clone(), wakes.outbox.clone());
    registry.register(
        Planning {
            scheduler: scheduler.clone(),
            planned_at: None,
        },
        Arc::new(Notify::new()),
    );
    registry.register(DueJobs { scheduler }, Arc::new(Notify::new()));
    registry.register(
        PaceReminders::new(store.clone(), clock.clone(), wakes.outbox.clone()),
        Arc::new(Notify::new()),
    );
    registry.register(
        FeedPoller::new(store.clone(), clock.clone(), feeds.feeds, feeds.client),
        Arc::new(Notify::new()),
    );
    registry
}

#[async_trait]
impl BackgroundJob for EventProcessor {
    fn name(&self) -> &'static str {
        "events"
    }

    fn poll_every(&self) -> Duration {
        Duration::from_millis(500)
    }

    async fn run_once(&mut self, shutdown: &CancellationToken) -> StoreResult<Ran> {
        let started = std::time::Instant::now();
        let processed = self.pass().await?;
        if processed > 0 {
            // A stop does not wait out the pause: the next pass is not going to run.
            tokio::select! {
                () = self.give_way(started.elapsed()) => {}
                () = shutdown.cancelled() => {}
            }
        }
        if let Err(error) = self.purge().await {
            tracing::warn!(%error, "purging unmatched events failed");
        }
        Ok(Ran::of(
            processed,
            usize::try_from(events::PASS_SIZE).unwrap_or(usize::MAX),
        ))
    }
}

#[async_trait]
impl BackgroundJob for OutboxWorker {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn poll_every(&self) -> Duration {
        outbox::POLL
    }

    async fn run_once(&mut self, shutdown: &CancellationToken) -> StoreResult<Ran> {
        let pass = self.pass(shutdown).await?;
        Ok(Ran {
            handled: pass.sent + pass.dead,
            // Deferred messages wait for their time; a full claim may leave more due now.
            more_waiting: pass.handled() >= usize::try_from(outbox::CLAIM).unwrap_or(usize::MAX),
        })
    }
}

/// Keeps recurring jobs in step with the schedules, every [`PLAN_EVERY`] of the clock's time.
struct Planning {
    scheduler: Scheduler,
    planned_at: Option<DateTime<Utc>>,
}

#[async_trait]
impl BackgroundJob for Planning {
    fn name(&self) -> &'static str {
        "planning"
    }

    fn poll_every(&self) -> Duration {
        POLL
    }

    async fn run_once(&mut self, _shutdown: &CancellationToken) -> StoreResult<Ran> {
        let now = self.scheduler.now();
        let due = self
            .planned_at
            .is_none_or(|at| now - at >= PLAN_EVERY || now < at);
        if !due {
            return Ok(Ran::default());
        }
        let changed = self.scheduler.plan().await?;
        self.planned_at = Some(now);
        Ok(Ran {
            handled: changed,
            more_waiting: false,
        })
    }
}

/// Runs the scheduled jobs that are due: digests, scheduled rituals, nudges.
struct DueJobs {
    scheduler: Scheduler,
}

#[async_trait]
impl BackgroundJob for DueJobs {
    fn name(&self) -> &'static str {
        "scheduled jobs"
    }

    fn poll_every(&self) -> Duration {
        POLL
    }

    async fn run_once(&mut self, _shutdown: &CancellationToken) -> StoreResult<Ran> {
        let claimed = self.scheduler.run_due().await?;
        Ok(Ran::of(
            claimed,
            usize::try_from(CLAIM).unwrap_or(usize::MAX),
        ))
    }
}
