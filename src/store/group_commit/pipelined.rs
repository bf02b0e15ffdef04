//! SQLite's group commit in as few trips to the connection's thread as the batch allows.
//!
//! sqlx runs each SQLite connection on a thread of its own, and every statement is a trip there
//! and back: a wake-up on each side. The general batch costs five (BEGIN, the decision rows, the
//! level upserts, the roster check, COMMIT). Most batches under load hold only level changes and
//! received events, whose statements are known up front. Those go as multi-statement queries,
//! with BEGIN IMMEDIATE riding on the first and COMMIT on the last, and with the roster check
//! read by the decision insert itself: two trips for a batch of commands (the decision rows, then
//! the levels with the commit) and one for a batch of events. Rows go in padded statements of
//! up to 64 rows (`MultiRowSql::padded_for`), so a batch of up to 64 commands needs no more
//! trips than a batch of one, and the connection keeps a few statements prepared, not one per
//! row count.
//!
//! What is written, and when a caller is answered, is exactly the general path's: one
//! transaction per batch, committed before anyone is told.

use std::collections::{HashMap, HashSet};

use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Row};

use super::super::decisions::{
    INSERT_DECISIONS_READING_ROSTERS, SET_LEVELS, ids_in_order, is_level_only, level_changes,
    push_decision_row, push_level_row,
};
use super::super::inbox::{INSERT_INBOX, distinct_in_key_order, push_inbox_row, which_are_new};
use super::super::multi_row::{self, Params};
use super::super::rosters::stale_against;
use super::super::{StoreError, StoreResult};
use super::{Batch, Parts, Written};
use crate::domain::decision::NewDecision;
use crate::domain::ids::{DecisionId, RosterVersion, TenantId};

/// Whether every write in the batch has statements known up front: level changes without
/// other effects or follow-ups, and received events.
pub(super) fn takes(parts: &Parts<'_>) -> bool {
    parts.decisions.iter().all(|d| is_level_only(d))
}

/// Writes the batch in one transaction; see the module's comment.
pub(super) async fn write(pool: &AnyPool, parts: &Parts<'_>) -> StoreResult<Batch> {
    let mut tx = Pipelined::open(pool).await?;
    let written = write_in(&mut tx, parts).await;
    if !matches!(written, Ok(Batch::Committed(_))) {
        tx.roll_back().await;
    }
    written
}

async fn write_in(tx: &mut Pipelined, parts: &Parts<'_>) -> StoreResult<Batch> {
    let mut ids = Vec::with_capacity(parts.decisions.len());
    let mut versions = HashMap::new();
    for chunk in parts.decisions.chunks(multi_row::PADDED_ROWS) {
        ids.extend(insert_decisions(tx, chunk, &mut versions).await?);
    }
    let stale = stale_against(&parts.decisions, &versions);
    if stale.contains(&true) {
        return Ok(parts.stale(stale));
    }
    let levels = level_changes(&parts.decisions, &ids)?;
    let events = distinct_in_key_order(&parts.events);
    let level_chunks = levels.chunks(multi_row::PADDED_ROWS);
    let event_chunks = events.chunks(multi_row::PADDED_ROWS);
    let mut left = level_chunks.len() + event_chunks.len();
    for chunk in level_chunks {
        left -= 1;
        let mut params = Params::default();
        for change in chunk {
            push_level_row(&mut params, change);
        }
        let statement = SET_LEVELS.padded_for(chunk.len());
        statement.pad(&mut params);
        tx.run(statement.sql, params, left == 0).await?;
    }
    let mut inserted = HashSet::new();
    for chunk in event_chunks {
        left -= 1;
        let mut params = Params::default();
        for entry in chunk {
            push_inbox_row(&mut params, entry)?;
        }
        let statement = INSERT_INBOX.padded_for(chunk.len());
        statement.pad(&mut params);
        for row in tx.run(statement.sql, params, left == 0).await? {
            inserted.insert((row.try_get(0)?, row.try_get(1)?));
        }
    }
    tx.commit_if_open().await?;
    Ok(Batch::Committed(Written {
        decisions: ids,
        events: which_are_new(&parts.events, &inserted),
    }))
}

/// Inserts one chunk of decision rows; returns their ids in the order given, and notes each
/// tenant's roster version as the insert read it.
async fn insert_decisions(
    tx: &mut Pipelined,
    chunk: &[&NewDecision],
    versions: &mut HashMap<TenantId, RosterVersion>,
) -> StoreResult<Vec<DecisionId>> {
    let mut params = Params::default();
    for decision in chunk {
        push_decision_row(&mut params, decision);
    }
    let statement = INSERT_DECISIONS_READING_ROSTERS.padded_for(chunk.len());
    statement.pad(&mut params);
    let mut ids = Vec::with_capacity(chunk.len());
    for row in tx.run(statement.sql, params, false).await? {
        ids.push(row.try_get::<i64, _>(0)?);
        versions.insert(TenantId(row.try_get(1)?), RosterVersion(row.try_get(2)?));
    }
    ids_in_order(ids, chunk)
}

/// Where a [`Pipelined`] transaction stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing sent yet: the next statement begins the transaction.
    NotBegun,
    /// BEGIN was sent, and no COMMIT or ROLLBACK has ended it.
    Open,
    /// Committed or rolled back.
    Ended,
}

/// A transaction on SQLite's writer connection whose BEGIN and COMMIT ride on its first and
/// last statements. Dropped while open (the writer task cancelled mid-batch), it closes the
/// connection rather than hand it back to the pool inside a transaction; SQLite rolls back.
struct Pipelined {
    connection: Option<PoolConnection<Any>>,
    state: State,
}

impl Pipelined {
    async fn open(pool: &AnyPool) -> StoreResult<Self> {
        Ok(Pipelined {
            connection: Some(pool.acquire().await?),
            state: State::NotBegun,
        })
    }

    /// Runs `sql` in the transaction, beginning it if this is the first statement and
    /// committing with it if `last`; returns the rows it gave.
    async fn run(&mut self, sql: &str, params: Params<'_>, last: bool) -> StoreResult<Vec<AnyRow>> {
        let begin = if self.state == State::NotBegun {
            "BEGIN IMMEDIATE; "
        } else {
            ""
        };
        let commit = if last { "; COMMIT" } else { "" };
        let text = format!("{begin}{sql}{commit}");
        let params = params.finish()?;
        let Some(connection) = self.connection.as_mut() else {
            return Err(closed());
        };
        // From here until it answers, BEGIN may have run: a failure leaves the transaction open.
        self.state = State::Open;
        let rows = sqlx::query_with(&text, params)
            .fetch_all(&mut **connection)
            .await?;
        if last {
            self.state = State::Ended;
        }
        Ok(rows)
    }

    /// Commits, unless the last statement already did.
    async fn commit_if_open(&mut self) -> StoreResult<()> {
        if self.state == State::Open {
            sqlx::query("COMMIT")
                .execute(&mut **self.connection()?)
                .await?;
            self.state = State::Ended;
        }
        Ok(())
    }

    /// Rolls back whatever the transaction wrote. If SQLite does not confirm (it may have ended
    /// the transaction itself, on some errors), the connection is closed instead of reused.
    async fn roll_back(mut self) {
        if self.state != State::Open {
            return;
        }
        let Some(connection) = self.connection.as_mut() else {
            return;
        };
        match sqlx::query("ROLLBACK").execute(&mut **connection).await {
            Ok(_) => self.state = State::Ended,
            Err(error) => {
                tracing::warn!(%error, "rollback failed; closing the writer connection");
            }
        }
    }

    fn connection(&mut self) -> StoreResult<&mut PoolConnection<Any>> {
        self.connection.as_mut().ok_or_else(closed)
    }
}

fn closed() -> StoreError {
    StoreError::Unavailable("the writer connection was closed".to_owned())
}

impl Drop for Pipelined {
    fn drop(&mut self) {
        if self.state == State::Open
            && let Some(connection) = self.connection.take()
        {
            // Detached, the connection is closed when dropped, not returned to the pool.
            drop(connection.detach());
        }
    }
}
