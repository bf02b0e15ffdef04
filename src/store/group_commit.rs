//! Group commit: writes on the acknowledgement path (decisions, received events) are queued to
//! one writer task per process that commits whatever has queued up in a single transaction.
//!
//! Committing each write alone costs every request its own BEGIN, statements, COMMIT and
//! fsync. SQLite has one writer at a time, and every statement is a hand-off to the
//! connection's thread, so concurrent requests queue behind each other's; PostgreSQL answers
//! each statement in a round trip and a server process of its own. Committing them together
//! amortises all of it across the batch, in multi-row statements. Each caller is answered only
//! after the transaction holding its write has committed, so an acknowledged write is durable
//! exactly as before. If the database refuses a batch (a constraint), or gives it up because of
//! other transactions (a PostgreSQL deadlock or serialization failure between replicas), its
//! writes are retried one by one, so one bad write or one collision cannot fail its neighbours;
//! any other failure answers the whole batch with the error at once. On SQLite the writer also
//! answers replayed slash commands itself, before the batch is written (`replays`).

mod pipelined;
mod replays;

use std::collections::HashSet;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::decisions::{write_alone, write_decisions};
use super::inbox::{NewInboxEntry, insert_inbox};
use super::rosters;
use super::{Backend, StoreError, StoreResult};
use crate::domain::decision::NewDecision;
use crate::domain::ids::{DecisionId, TenantId};
use replays::RecentCommands;
pub use replays::command_key;

/// The most writes committed in one transaction.
const MAX_BATCH: usize = 128;
/// How many writes may wait for the writer before callers wait to queue.
const QUEUE: usize = 1024;

enum Job {
    Decision(Box<NewDecision>, oneshot::Sender<StoreResult<DecisionId>>),
    /// Several decisions that stand or fall together (the rows of one form).
    Decisions(
        Vec<NewDecision>,
        oneshot::Sender<StoreResult<Vec<DecisionId>>>,
    ),
    Event(NewInboxEntry, oneshot::Sender<StoreResult<bool>>),
}

/// The queue to the writer task.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer task on `pool` (SQLite's one writer connection, or PostgreSQL's pool,
    /// of which it holds one connection at a time).
    pub fn start(pool: AnyPool, backend: Backend) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(pool, backend, queue));
        GroupCommit { jobs }
    }

    /// Whether the writer task is still taking writes.
    pub fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }

    /// How many writes are queued and not yet taken into a batch: requests waiting for their
    /// acknowledgement behind the transaction the writer is committing.
    pub fn waiting(&self) -> usize {
        self.jobs.max_capacity() - self.jobs.capacity()
    }

    /// Records a decision; returns once it is committed.
    pub async fn record(&self, decision: &NewDecision) -> StoreResult<DecisionId> {
        let (done, committed) = oneshot::channel();
        self.submit(Job::Decision(Box::new(decision.clone()), done))
            .await?;
        committed.await.map_err(|_| writer_gone())?
    }

    /// Records decisions together; returns once all of them are committed.
    pub async fn record_all(&self, decisions: &[NewDecision]) -> StoreResult<Vec<DecisionId>> {
        let (done, committed) = oneshot::channel();
        self.submit(Job::Decisions(decisions.to_vec(), done))
            .await?;
        committed.await.map_err(|_| writer_gone())?
    }

    /// Keeps a received event; returns once it is committed, `false` for a repeat delivery.
    pub async fn receive(&self, entry: NewInboxEntry) -> StoreResult<bool> {
        let (done, committed) = oneshot::channel();
        self.submit(Job::Event(entry, done)).await?;
        committed.await.map_err(|_| writer_gone())?
    }

    async fn submit(&self, job: Job) -> StoreResult<()> {
        self.jobs.send(job).await.map_err(|_| writer_gone())
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the database writer has stopped".to_owned())
}

async fn run(pool: AnyPool, backend: Backend, mut queue: mpsc::Receiver<Job>) {
    // SQLite's slash-command keys are not unique in the database: the writer catches their
    // replays (see `replays`), from what it remembers once it has read where the database
    // stands (at the first command, after migrations). PostgreSQL's unique index catches every
    // replay, across replicas.
    let mut recent: Option<RecentCommands> = None;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut held = Vec::new();
    loop {
        if held.is_empty() {
            match queue.recv().await {
                Some(first) => batch.push(first),
                None => break,
            }
        } else {
            batch.append(&mut held);
        }
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if backend == Backend::Sqlite {
            screen(&pool, &mut recent, &mut batch, &mut held).await;
            if batch.is_empty() {
                continue;
            }
        }
        commit(&pool, backend, &mut batch, &mut recent).await;
    }
}

/// Answers the batch's replayed slash commands before it is written, and holds a job back to
/// the next batch when it repeats the key of an earlier job in this one: it is answered as a
/// replay once that job is committed, or written if that job is not.
async fn screen(
    pool: &AnyPool,
    recent: &mut Option<RecentCommands>,
    batch: &mut Vec<Job>,
    held: &mut Vec<Job>,
) {
    if batch
        .iter()
        .all(|job| replays::command_keys(job.decisions()).next().is_none())
    {
        return;
    }
    if recent.is_none() {
        match RecentCommands::load(pool).await {
            Ok(loaded) => *recent = Some(loaded),
            // Until it can be read, every key is looked up.
            Err(error) => tracing::warn!(%error, "could not read the newest slash command"),
        }
    }
    let mut claimed: HashSet<(TenantId, String)> = HashSet::new();
    for job in std::mem::take(batch) {
        let keys: Vec<(TenantId, String)> = replays::command_keys(job.decisions())
            .map(|(tenant, key)| (tenant, key.to_owned()))
            .collect();
        if keys.iter().any(|key| claimed.contains(key)) {
            held.push(job);
            continue;
        }
        // One job repeating a key of its own: the database would keep one row of it.
        if keys.iter().collect::<HashSet<_>>().len() < keys.len() {
            job.fail(StoreError::Replayed);
            continue;
        }
        match replayed(pool, recent.as_ref(), &keys).await {
            Ok(false) => {
                claimed.extend(keys);
                batch.push(job);
            }
            Ok(true) => job.fail(StoreError::Replayed),
            Err(error) => job.fail(error),
        }
    }
}

/// Whether any of `keys` is committed: the writer's memory vouches for most keys being new;
/// the database is asked about the rest.
async fn replayed(
    pool: &AnyPool,
    recent: Option<&RecentCommands>,
    keys: &[(TenantId, String)],
) -> StoreResult<bool> {
    for (tenant, key) in keys {
        let new = recent.is_some_and(|recent| recent.is_new(*tenant, key));
        if !new && replays::recorded(pool, *tenant, key).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Notes the slash-command keys of decisions whose write ended with `outcome`: see
/// [`remember`] and [`forget_if_unsure`].
fn settle<T>(
    recent: &mut Option<RecentCommands>,
    decisions: &[NewDecision],
    outcome: &StoreResult<T>,
) {
    match outcome {
        Ok(_) => remember(recent, decisions),
        Err(error) => forget_if_unsure(recent, error),
    }
}

/// Notes the slash-command keys of committed decisions.
fn remember(recent: &mut Option<RecentCommands>, decisions: &[NewDecision]) {
    if let Some(recent) = recent {
        for (tenant, key) in replays::command_keys(decisions) {
            recent.remember(tenant, key);
        }
    }
}

/// After a failed write: unless the database refused it (so nothing was committed), it is
/// unknown whether it was (the connection failed at `COMMIT`, or after it), so the memory is
/// dropped, and read again from the database at the next command.
fn forget_if_unsure(recent: &mut Option<RecentCommands>, error: &StoreError) {
    if !error.is_refusal() && !matches!(error, StoreError::Stale) {
        *recent = None;
    }
}

/// What became of a batch.
enum Batch {
    /// It was committed.
    Committed(Written),
    /// Nothing was committed: these jobs (`true`) hold decisions authorised against a roster
    /// that has changed since.
    Stale(Vec<bool>),
}

/// What a batch wrote, in job order within each kind.
struct Written {
    decisions: Vec<DecisionId>,
    events: Vec<bool>,
}

impl Job {
    /// Answers the caller with an error.
    fn fail(self, error: StoreError) {
        // A caller may have gone (request cancelled); there is no one left to tell.
        match self {
            Job::Decision(_, done) => {
                let _ = done.send(Err(error));
            }
            Job::Decisions(_, done) => {
                let _ = done.send(Err(error));
            }
            Job::Event(_, done) => {
                let _ = done.send(Err(error));
            }
        }
    }

    /// Writes this job alone, in its own transaction, and answers the caller; notes its
    /// slash-command keys if it was committed.
    async fn write_alone(self, pool: &AnyPool, recent: &mut Option<RecentCommands>) {
        match self {
            Job::Decision(decision, done) => {
                let decisions = std::slice::from_ref(decision.as_ref());
                let written = write_alone(pool, decisions)
                    .await
                    .and_then(|ids| ids.first().copied().ok_or_else(missing));
                settle(recent, decisions, &written);
                let _ = done.send(written);
            }
            Job::Decisions(decisions, done) => {
                let written = write_alone(pool, &decisions).await;
                settle(recent, &decisions, &written);
                let _ = done.send(written);
            }
            Job::Event(entry, done) => {
                let _ = done.send(write_one_event(pool, &entry).await);
            }
        }
    }

    /// The decisions this job writes.
    fn decisions(&self) -> &[NewDecision] {
        match self {
            Job::Decision(decision, _) => std::slice::from_ref(decision.as_ref()),
            Job::Decisions(decisions, _) => decisions,
            Job::Event(..) => &[],
        }
    }
}

async fn commit(
    pool: &AnyPool,
    backend: Backend,
    batch: &mut Vec<Job>,
    recent: &mut Option<RecentCommands>,
) {
    let written = loop {
        match write_batch(pool, backend, batch).await {
            // Decisions authorised against a roster that has changed since were rolled back
            // with the whole batch: their callers are told, and the rest is written again.
            Ok(Batch::Stale(stale)) => {
                let jobs = std::mem::take(batch);
                for (job, stale) in jobs.into_iter().zip(stale) {
                    if stale {
                        job.fail(StoreError::Stale);
                    } else {
                        batch.push(job);
                    }
                }
                if batch.is_empty() {
                    return;
                }
            }
            Ok(Batch::Committed(written)) => break Ok(written),
            Err(error) => break Err(error),
        }
    };
    match written {
        Ok(written) => {
            for job in batch.iter() {
                remember(recent, job.decisions());
            }
            let mut decisions = written.decisions.into_iter();
            let mut events = written.events.into_iter();
            for job in batch.drain(..) {
                // A caller may have gone (request cancelled); what it asked for stands.
                match job {
                    Job::Decision(_, done) => {
                        let _ = done.send(decisions.next().ok_or_else(missing));
                    }
                    Job::Decisions(asked, done) => {
                        let ids: Vec<DecisionId> = decisions.by_ref().take(asked.len()).collect();
                        let answer = if ids.len() == asked.len() {
                            Ok(ids)
                        } else {
                            Err(missing())
                        };
                        let _ = done.send(answer);
                    }
                    Job::Event(_, done) => {
                        let _ = done.send(events.next().ok_or_else(missing));
                    }
                }
            }
        }
        // A write the database (or a guarded effect) refuses must not fail its neighbours, and
        // a batch that collided with another replica's may well pass in smaller pieces.
        Err(refusal) if (refusal.is_refusal() || is_contention(&refusal)) && batch.len() > 1 => {
            tracing::warn!(error = %refusal, size = batch.len(), "batch refused; committing its writes one by one");
            for job in batch.drain(..) {
                job.write_alone(pool, recent).await;
            }
        }
        Err(error) if batch.len() == 1 => {
            // A batch of one: its caller gets the database's own answer (e.g. a duplicate),
            // after one more try if it only collided with another replica's transaction.
            if let Some(job) = batch.pop() {
                if is_contention(&error) {
                    tracing::warn!(%error, "write collided with another transaction; trying it again");
                    job.write_alone(pool, recent).await;
                } else {
                    forget_if_unsure(recent, &error);
                    job.fail(error);
                }
            }
        }
        Err(error) => {
            tracing::error!(%error, size = batch.len(), "batch failed; nothing in it was committed");
            forget_if_unsure(recent, &error);
            let reason = error.to_string();
            for job in batch.drain(..) {
                job.fail(StoreError::Unavailable(reason.clone()));
            }
        }
    }
}

/// Whether PostgreSQL gave the transaction up because of concurrent ones: a deadlock
/// (`40P01`) or a serialization failure (`40001`). Writing its parts again may succeed.
fn is_contention(error: &StoreError) -> bool {
    match error {
        StoreError::Database(sqlx::Error::Database(e)) => {
            matches!(e.code().as_deref(), Some("40P01" | "40001"))
        }
        _ => false,
    }
}

fn missing() -> StoreError {
    StoreError::Corrupt("the batch wrote fewer rows than it was given".to_owned())
}

/// A batch's writes by kind: decisions in job order, so the ids can be handed back in the same
/// order, each with the index of its job; and received events.
struct Parts<'a> {
    decisions: Vec<&'a NewDecision>,
    owners: Vec<usize>,
    events: Vec<&'a NewInboxEntry>,
    jobs: usize,
}

impl<'a> Parts<'a> {
    fn of(batch: &'a [Job]) -> Self {
        let mut decisions: Vec<&NewDecision> = Vec::with_capacity(batch.len());
        let mut owners: Vec<usize> = Vec::with_capacity(batch.len());
        let mut events: Vec<&NewInboxEntry> = Vec::new();
        for (index, job) in batch.iter().enumerate() {
            let written: &[NewDecision] = match job {
                Job::Decision(d, _) => std::slice::from_ref(d.as_ref()),
                Job::Decisions(ds, _) => ds,
                Job::Event(e, _) => {
                    events.push(e);
                    &[]
                }
            };
            decisions.extend(written);
            owners.extend(std::iter::repeat_n(index, written.len()));
        }
        Parts {
            decisions,
            owners,
            events,
            jobs: batch.len(),
        }
    }

    /// The batch's answer when the roster check found stale decisions (`stale`, in decision
    /// order): the jobs holding one.
    fn stale(&self, stale: Vec<bool>) -> Batch {
        let mut jobs = vec![false; self.jobs];
        for (owner, stale) in self.owners.iter().zip(stale) {
            jobs[*owner] |= stale;
        }
        Batch::Stale(jobs)
    }
}

async fn write_batch(pool: &AnyPool, backend: Backend, batch: &[Job]) -> StoreResult<Batch> {
    let parts = Parts::of(batch);
    if backend == Backend::Sqlite && pipelined::takes(&parts) {
        return pipelined::write(pool, &parts).await;
    }
    let mut tx = pool.begin().await?;
    let decision_ids = if parts.decisions.is_empty() {
        Vec::new()
    } else {
        write_decisions(&mut tx, &parts.decisions).await?
    };
    // Checked after the writes, so no roster can change between the check and the commit
    // (SQLite's write lock; on PostgreSQL the tenant row's share lock, see `rosters::stale`).
    let stale = rosters::stale(&mut tx, &parts.decisions).await?;
    if stale.contains(&true) {
        // Dropping the transaction rolls it back.
        return Ok(parts.stale(stale));
    }
    let new_events = if parts.events.is_empty() {
        Vec::new()
    } else {
        insert_inbox(&mut tx, &parts.events).await?
    };
    tx.commit().await?;
    Ok(Batch::Committed(Written {
        decisions: decision_ids,
        events: new_events,
    }))
}

async fn write_one_event(pool: &AnyPool, entry: &NewInboxEntry) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let new = insert_inbox(&mut tx, &[entry]).await?;
    tx.commit().await?;
    new.first().copied().ok_or_else(missing)
}
