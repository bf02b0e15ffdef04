//! The one worker loop. Every kind of background work — processing received events, delivering
//! the outbox, planning and running scheduled jobs, and any future poller — is a
//! [`BackgroundJob`] registered in a [`Registry`], and runs in the same loop: a pass, then wait
//! for a wake-up, the job's poll interval or shutdown. A pass that left work waiting is followed
//! by another at once.
//!
//! Each job sits behind a lock, so the loop and [`JobsHandle::drain`] (which tests and tools use
//! to run everything due to completion, deterministically) never run the same job at once.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, Notify};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::store::StoreResult;

/// What one pass of a job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ran {
    /// How many items it handled (events, messages, jobs); zero when there was nothing to do.
    pub handled: usize,
    /// Whether more was waiting when it stopped, so the next pass should follow at once.
    pub more_waiting: bool,
}

impl Ran {
    /// Handled `handled` items out of at most `limit` taken in one pass.
    pub fn of(handled: usize, limit: usize) -> Self {
        Ran {
            handled,
            more_waiting: handled >= limit && limit > 0,
        }
    }
}

/// One kind of background work.
#[async_trait]
pub trait BackgroundJob: Send {
    /// Its name, for logs.
    fn name(&self) -> &'static str;

    /// How long the loop waits for a wake-up before passing anyway.
    fn poll_every(&self) -> Duration;

    /// Claims what is due and handles it. A claim still held when `shutdown` fires is let go,
    /// so another worker (or this one, restarted) takes it over at once.
    async fn run_once(&mut self, shutdown: &CancellationToken) -> StoreResult<Ran>;
}

type Shared = Arc<Mutex<Box<dyn BackgroundJob>>>;

/// The jobs one process runs, each with what wakes it.
#[derive(Default)]
pub struct Registry {
    jobs: Vec<(&'static str, Shared, Arc<Notify>)>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a job, woken early by `wake`.
    pub fn register(&mut self, job: impl BackgroundJob + 'static, wake: Arc<Notify>) {
        let name = job.name();
        self.jobs
            .push((name, Arc::new(Mutex::new(Box::new(job))), wake));
    }

    /// Starts one loop per job, stopped by `shutdown`; returns a handle that can drain them.
    pub fn spawn(self, tracker: &TaskTracker, shutdown: &CancellationToken) -> JobsHandle {
        for (_, job, wake) in &self.jobs {
            tracker.spawn(run(job.clone(), wake.clone(), shutdown.clone()));
        }
        self.handle()
    }

    /// A handle on the jobs without starting any loop: whoever holds it runs them.
    pub fn handle(self) -> JobsHandle {
        JobsHandle {
            jobs: self
                .jobs
                .into_iter()
                .map(|(name, job, _)| (name, job))
                .collect(),
        }
    }
}

/// Runs registered jobs on demand.
#[derive(Clone)]
pub struct JobsHandle {
    jobs: Vec<(&'static str, Shared)>,
}

impl std::fmt::Debug for JobsHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobsHandle")
            .field("jobs", &self.jobs.len())
            .finish()
    }
}

/// How many rounds [`JobsHandle::drain`] runs before giving up on reaching a quiet state: each
/// round passes every job once, so this bounds a chain of jobs feeding each other.
const DRAIN_ROUNDS: usize = 64;

impl JobsHandle {
    /// Passes every job, round after round, until a whole round handles nothing: everything due
    /// now (by the clock the jobs read) has been processed, delivered or run. Returns how many
    /// items were handled here (the loops, running alongside, may have handled others).
    ///
    /// At least two rounds run: a loop's pass that finished while the first round waited for
    /// its job may have queued work for a job the round had already passed.
    pub async fn drain(&self) -> StoreResult<usize> {
        self.drain_where(|_| true).await
    }

    /// [`drain`](Self::drain), passing only the jobs `wanted` names (say, the inbox without the
    /// outbox).
    pub async fn drain_where(&self, wanted: impl Fn(&str) -> bool) -> StoreResult<usize> {
        let never = CancellationToken::new();
        let mut total = 0;
        for round_number in 0..DRAIN_ROUNDS {
            let mut round = 0;
            for (name, job) in &self.jobs {
                if !wanted(name) {
                    continue;
                }
                let mut job = job.lock().await;
                loop {
                    let ran = job.run_once(&never).await?;
                    round += ran.handled;
                    if !ran.more_waiting {
                        break;
                    }
                }
            }
            total += round;
            if round == 0 && round_number > 0 {
                break;
            }
        }
        Ok(total)
    }
}

/// The loop: a pass, then wait for a wake-up, the poll interval or shutdown.
async fn run(job: Shared, wake: Arc<Notify>, shutdown: CancellationToken) {
    loop {
        let (ran, poll, name) = {
            let mut job = job.lock().await;
            let ran = job.run_once(&shutdown).await;
            (ran, job.poll_every(), job.name())
        };
        let more = match ran {
            Ok(ran) => ran.more_waiting,
            Err(error) => {
                tracing::warn!(job = name, %error, "background job failed; will retry");
                false
            }
        };
        if shutdown.is_cancelled() {
            break;
        }
        if more {
            // Let queued acknowledgements have the database between passes.
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}
