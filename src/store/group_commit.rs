//! Group commit for SQLite: decisions are queued to one writer task that commits whatever has
//! queued up in a single transaction.
//!
//! SQLite has one writer at a time, and every statement is a hand-off to the connection's
//! thread. Committing each decision alone makes concurrent commands queue behind each other's
//! BEGIN and COMMIT; committing them together amortises both across the batch. Each caller is
//! answered only after the transaction holding its decision has committed, so an acknowledged
//! decision is durable exactly as before. If a batch fails, its decisions are retried one by one,
//! so one bad decision cannot fail its neighbours.

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::decisions::{write_decision, write_decisions};
use super::{StoreError, StoreResult};
use crate::domain::decision::NewDecision;
use crate::domain::ids::DecisionId;

/// The most decisions committed in one transaction.
const MAX_BATCH: usize = 128;
/// How many decisions may wait for the writer before callers wait to queue.
const QUEUE: usize = 1024;

struct Job {
    decision: NewDecision,
    done: oneshot::Sender<StoreResult<DecisionId>>,
}

/// The queue to the writer task.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer task on `pool` (a pool of one connection).
    pub fn start(pool: AnyPool) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, queue));
        GroupCommit { jobs }
    }

    /// Whether the writer task is still taking decisions.
    pub fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }

    /// Records a decision; returns once it is committed.
    pub async fn record(&self, decision: &NewDecision) -> StoreResult<DecisionId> {
        let (done, committed) = oneshot::channel();
        let job = Job {
            decision: decision.clone(),
            done,
        };
        self.jobs.send(job).await.map_err(|_| writer_gone())?;
        committed.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}

async fn run(pool: AnyPool, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit(&pool, &mut batch).await;
    }
}

async fn commit(pool: &AnyPool, batch: &mut Vec<Job>) {
    match write_batch(pool, batch).await {
        Ok(ids) => {
            for (job, id) in batch.drain(..).zip(ids) {
                // The caller may have gone (request cancelled); the decision stands regardless.
                let _ = job.done.send(Ok(id));
            }
        }
        // A decision the database refuses (a constraint) must not fail its neighbours: retry
        // them one by one. Anything else (the database busy or gone) would fail them all again,
        // slowly, so the whole batch is answered with the error at once.
        Err(StoreError::Database(sqlx::Error::Database(refusal))) if batch.len() > 1 => {
            tracing::warn!(error = %refusal, size = batch.len(), "batch refused; committing its decisions one by one");
            for job in batch.drain(..) {
                let result = write_one(pool, &job.decision).await;
                let _ = job.done.send(result);
            }
        }
        Err(error) => {
            tracing::error!(%error, size = batch.len(), "batch failed; nothing in it was committed");
            let reason = error.to_string();
            for job in batch.drain(..) {
                let _ = job.done.send(Err(StoreError::Unavailable(reason.clone())));
            }
        }
    }
}

async fn write_batch(pool: &AnyPool, batch: &[Job]) -> StoreResult<Vec<DecisionId>> {
    let decisions: Vec<&NewDecision> = batch.iter().map(|job| &job.decision).collect();
    let mut tx = pool.begin().await?;
    let ids = write_decisions(&mut tx, &decisions).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn write_one(pool: &AnyPool, decision: &NewDecision) -> StoreResult<DecisionId> {
    let mut tx = pool.begin().await?;
    let id = write_decision(&mut tx, decision).await?;
    tx.commit().await?;
    Ok(id)
}
