//! The inbox of verified events, and turning one into occurrences and queued prompts.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::multi_row::{self, MultiRowSql, Params};
use super::rituals::Ritual;
use super::starts::{Start, start_occurrences};
use super::{Backend, Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::event::{Source, SourceEvent};
use crate::domain::ids::{InboxId, OccurrenceId, TenantId};

/// A verified event about to be kept.
#[derive(Debug, Clone)]
pub struct NewInboxEntry {
    /// Where it came from.
    pub source: Source,
    /// The source's delivery id: the same for every retry of one delivery.
    pub delivery_id: String,
    /// What it says.
    pub event: SourceEvent,
    /// When Cadence received it.
    pub received_at: DateTime<Utc>,
    /// The tenant whose own source sent it: it starts only that tenant's rituals. `None` for
    /// the deployment's sources, whose events may start rituals in any tenant.
    pub tenant: Option<TenantId>,
}

/// An event waiting to be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    /// Its row.
    pub id: InboxId,
    /// What it says.
    pub event: SourceEvent,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The only tenant whose rituals it may start, when its source is a tenant's own.
    pub tenant: Option<TenantId>,
}

/// An occurrence an event starts, with the prompt to post for it.
#[derive(Debug, Clone)]
pub struct OccurrencePlan<'a> {
    /// The ritual.
    pub ritual: &'a Ritual,
    /// The event's subject: one occurrence per ritual and subject.
    pub subject: &'a str,
    /// The occurrence's title.
    pub title: &'a str,
    /// When it happened.
    pub happened_at: DateTime<Utc>,
}

impl Store {
    /// Keeps a verified event; `false` when this delivery was received before (a retry).
    pub async fn receive(&self, entry: NewInboxEntry) -> StoreResult<bool> {
        self.group_commit.receive(entry).await
    }

    /// The oldest events not yet processed.
    pub async fn pending_events(&self, limit: i64) -> StoreResult<Vec<PendingEvent>> {
        let rows: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, event, received_at, tenant_id FROM inbox WHERE processed_at IS NULL \
             ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(id, event, received_at, tenant)| {
                let event = serde_json::from_str(&event)
                    .map_err(|e| StoreError::Corrupt(format!("inbox {id}: {e}")))?;
                Ok(PendingEvent {
                    id: InboxId(id),
                    event,
                    received_at: from_millis(received_at)?,
                    tenant: tenant.map(TenantId),
                })
            })
            .collect()
    }

    /// Marks events processed and, in the same transaction, creates the occurrences they start
    /// and queues their prompts. An occurrence that exists already (the same sprint closed
    /// twice) is not created again and gets no second prompt; an event another processor has
    /// claimed meanwhile is skipped. `card` builds a prompt's neutral card once the occurrence
    /// has its id. One transaction for the whole batch: with SQLite's durable commits, a burst
    /// of events costs one fsync, not one each. Returns the occurrences created.
    pub async fn complete_events(
        &self,
        events: &[(InboxId, Vec<OccurrencePlan<'_>>)],
        card: impl Fn(OccurrenceId, &OccurrencePlan<'_>) -> serde_json::Value,
        at: DateTime<Utc>,
    ) -> StoreResult<Vec<OccurrenceId>> {
        let mut tx = self.write.begin().await?;
        // A second processor racing on the same events gets none of them here.
        let claimed = claim(&mut tx, events, at).await?;
        let starts: Vec<Start<'_, '_>> = events
            .iter()
            .filter(|(inbox, _)| claimed.contains(inbox))
            .flat_map(|(inbox, plans)| {
                plans.iter().map(|plan| Start {
                    plan,
                    inbox: Some(*inbox),
                })
            })
            .collect();
        let created = start_occurrences(&mut tx, &starts, &card, at).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Marks an event that cannot be processed as done with `matched = -1`, so it stops
    /// holding up the others; it stays in the inbox for an operator to look at.
    pub async fn set_event_aside(&self, inbox: InboxId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE inbox SET processed_at = $1, matched = -1 WHERE id = $2 AND processed_at IS NULL")
            .bind(millis(at))
            .bind(inbox.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets processed events that started nothing, received before `before`.
    pub async fn purge_unmatched_events(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM inbox WHERE processed_at IS NOT NULL AND matched = 0 AND received_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.inbox_id = inbox.id)",
        )
        .bind(millis(before))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected())
    }
}

/// The events of `events` no other processor has claimed, claimed inside `tx`: each marked
/// processed with how many rituals it matched. One statement per chunk of events with the same
/// count, so a pass makes one or two, not one per event.
async fn claim(
    tx: &mut Transaction<'_, Any>,
    events: &[(InboxId, Vec<OccurrencePlan<'_>>)],
    at: DateTime<Utc>,
) -> StoreResult<HashSet<InboxId>> {
    let mut by_matched: BTreeMap<usize, Vec<InboxId>> = BTreeMap::new();
    for (inbox, plans) in events {
        by_matched.entry(plans.len()).or_default().push(*inbox);
    }
    let mut claimed = HashSet::with_capacity(events.len());
    for (matched, ids) in by_matched {
        for chunk in ids.chunks(multi_row::ROWS) {
            let list: Vec<String> = (3..3 + chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "UPDATE inbox SET processed_at = $1, matched = $2 \
                 WHERE processed_at IS NULL AND id IN ({}) RETURNING id",
                list.join(", ")
            );
            let mut query = sqlx::query_as::<_, (i64,)>(&sql)
                .bind(millis(at))
                .bind(i64::try_from(matched).unwrap_or(i64::MAX));
            for id in chunk {
                query = query.bind(id.0);
            }
            claimed.extend(
                query
                    .fetch_all(&mut **tx)
                    .await?
                    .into_iter()
                    .map(|(id,)| InboxId(id)),
            );
        }
    }
    Ok(claimed)
}

/// The inbox insert, a chunk of rows at a time.
pub(super) static INSERT_INBOX: MultiRowSql = MultiRowSql::new(
    "INSERT INTO inbox (source, delivery_id, event, received_at, tenant_id)",
    5,
    "ON CONFLICT (source, delivery_id) DO NOTHING RETURNING source, delivery_id",
);

/// The first of each delivery in `entries`, ordered by source and delivery id.
///
/// Inserted in that order, two transactions holding the same deliveries (one delivery sent to
/// two replicas at once, as platforms do on a retry) take their unique-key locks in the same
/// order: the second waits for the first and then finds the rows there, where inserting in
/// arrival order could have each wait for the other until PostgreSQL broke the deadlock.
/// Entries in one batch arrived within one commit of each other, so their ids' order among
/// themselves says nothing about which arrived first.
pub(super) fn distinct_in_key_order<'a>(entries: &[&'a NewInboxEntry]) -> Vec<&'a NewInboxEntry> {
    let mut distinct: Vec<&NewInboxEntry> = entries.to_vec();
    // A stable sort keeps identical deliveries in arrival order, so `dedup_by` keeps the first.
    distinct.sort_by(|a, b| (a.source, &a.delivery_id).cmp(&(b.source, &b.delivery_id)));
    distinct.dedup_by(|later, earlier| {
        later.source == earlier.source && later.delivery_id == earlier.delivery_id
    });
    distinct
}

/// Inserts inbox rows, a chunk per statement; for each entry, whether it was new. A delivery seen
/// before, or twice in this batch, is not new.
pub(super) async fn insert_inbox(
    tx: &mut Transaction<'_, Any>,
    entries: &[&NewInboxEntry],
) -> StoreResult<Vec<bool>> {
    let mut new = HashSet::new();
    for chunk in distinct_in_key_order(entries).chunks(multi_row::ROWS) {
        let mut params = Params::default();
        for entry in chunk {
            push_inbox_row(&mut params, entry)?;
        }
        let sql = INSERT_INBOX.for_rows(Backend::of(tx), chunk.len());
        new.extend(
            sqlx::query_as_with::<_, (String, String), _>(sql, params.finish()?)
                .fetch_all(&mut **tx)
                .await?,
        );
    }
    Ok(which_are_new(entries, &new))
}

/// Adds one row of [`INSERT_INBOX`]'s parameters.
pub(super) fn push_inbox_row<'q>(
    params: &mut Params<'q>,
    entry: &'q NewInboxEntry,
) -> StoreResult<()> {
    let event = serde_json::to_string(&entry.event)
        .map_err(|e| StoreError::Corrupt(format!("event does not serialise: {e}")))?;
    params
        .push(entry.source.as_str())
        .push(entry.delivery_id.as_str())
        .push(event)
        .push(millis(entry.received_at))
        .push(entry.tenant.map(|t| t.0));
    Ok(())
}

/// For each entry, whether it was new: its (source, delivery id) came back from the insert
/// (`inserted`), and no earlier entry of the batch was the same delivery.
pub(super) fn which_are_new(
    entries: &[&NewInboxEntry],
    inserted: &HashSet<(String, String)>,
) -> Vec<bool> {
    // Only the first of several identical deliveries in one batch can be the new one.
    let mut answered = HashSet::new();
    entries
        .iter()
        .map(|e| {
            let key = (e.source.as_str().to_owned(), e.delivery_id.clone());
            inserted.contains(&key) && answered.insert(key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn entry(source: Source, delivery_id: &str, title: &str) -> NewInboxEntry {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
            .single()
            .unwrap_or_default();
        NewInboxEntry {
            source,
            delivery_id: delivery_id.to_owned(),
            event: SourceEvent {
                source,
                name: "sprint_closed".to_owned(),
                subject: "sprint:1".to_owned(),
                title: title.to_owned(),
                attributes: Default::default(),
                at,
            },
            received_at: at,
            tenant: None,
        }
    }

    #[test]
    fn deliveries_go_in_key_order_and_the_first_of_a_repeat_is_kept() {
        let entries = [
            entry(Source::Jira, "d-3", "first d-3"),
            entry(Source::Github, "d-9", "github"),
            entry(Source::Jira, "d-1", "d-1"),
            entry(Source::Jira, "d-3", "second d-3"),
        ];
        let refs: Vec<&NewInboxEntry> = entries.iter().collect();
        let ordered: Vec<(Source, &str, &str)> = distinct_in_key_order(&refs)
            .into_iter()
            .map(|e| (e.source, e.delivery_id.as_str(), e.event.title.as_str()))
            .collect();
        assert_eq!(
            ordered,
            [
                (Source::Jira, "d-1", "d-1"),
                (Source::Jira, "d-3", "first d-3"),
                (Source::Github, "d-9", "github"),
            ]
        );
    }
}
