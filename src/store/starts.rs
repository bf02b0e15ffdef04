//! Starting occurrences: the occurrence rows, their prompts in the outbox and their one nudge,
//! a batch at a time inside the caller's transaction (an event processor's pass, a schedule's
//! tick, a feed's poll).
//!
//! Each step is one multi-row statement per chunk, not one statement per occurrence: on SQLite
//! every statement is a hand-off to the writer connection's thread, on PostgreSQL a round trip,
//! and a pass of fifty events used to make two hundred of them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::inbox::OccurrencePlan;
use super::jobs::{JobKind, OneOff, schedule_once};
use super::multi_row::{self, MultiRowSql};
use super::outbox::{Delivery, NewMessage, enqueue_all};
use super::{Backend, StoreResult, millis};
use crate::domain::ids::{InboxId, OccurrenceId};

/// An occurrence to start.
pub(super) struct Start<'p, 'a> {
    /// What to start.
    pub(super) plan: &'p OccurrencePlan<'a>,
    /// The event that starts it; `None` for a schedule's tick or a feed's entry.
    pub(super) inbox: Option<InboxId>,
}

/// The occurrence insert, a chunk at a time. An occurrence its ritual has for the subject
/// already is left as it is and not returned.
static INSERT_OCCURRENCES: MultiRowSql = MultiRowSql::new(
    "INSERT INTO occurrences (tenant_id, ritual_id, subject, title, inbox_id, happened_at, \
     created_at)",
    7,
    "ON CONFLICT (ritual_id, subject) DO NOTHING RETURNING id, ritual_id, subject",
);

/// Creates the occurrences `starts` describe inside `tx`, queues each new one's prompt and,
/// when its ritual expects an artefact and nudges, schedules its one nudge. A start whose ritual
/// has an occurrence for the subject already (the event or tick was seen before, or comes
/// twice in `starts`) creates nothing. Returns the occurrences created, in the order of
/// `starts`; `card` builds a prompt's neutral card once its occurrence has an id.
pub(super) async fn start_occurrences(
    tx: &mut Transaction<'_, Any>,
    starts: &[Start<'_, '_>],
    card: &impl Fn(OccurrenceId, &OccurrencePlan<'_>) -> serde_json::Value,
    at: DateTime<Utc>,
) -> StoreResult<Vec<OccurrenceId>> {
    let mut inserted: HashMap<(i64, String), OccurrenceId> = HashMap::new();
    for chunk in starts.chunks(multi_row::ROWS) {
        let mut query = sqlx::query_as::<_, (i64, i64, String)>(
            INSERT_OCCURRENCES.for_rows(Backend::of(tx), chunk.len()),
        );
        for start in chunk {
            let plan = start.plan;
            query = query
                .bind(plan.ritual.tenant.0)
                .bind(plan.ritual.id.0)
                .bind(plan.subject)
                .bind(plan.title)
                .bind(start.inbox.map(|i| i.0))
                .bind(millis(plan.happened_at))
                .bind(millis(at));
        }
        for (id, ritual, subject) in query.fetch_all(&mut **tx).await? {
            inserted.insert((ritual, subject), OccurrenceId(id));
        }
    }
    let mut created = Vec::with_capacity(inserted.len());
    let mut prompts = Vec::with_capacity(inserted.len());
    let mut nudges = Vec::new();
    for start in starts {
        let plan = start.plan;
        // Rows are written in the order given, so of two starts of one ritual and subject the
        // first is the one written; taking its id out leaves the second nothing.
        let Some(occurrence) = inserted.remove(&(plan.ritual.id.0, plan.subject.to_owned())) else {
            continue;
        };
        created.push(occurrence);
        prompts.push(NewMessage {
            tenant: plan.ritual.tenant,
            idempotency_key: format!("prompt:{}", occurrence.0),
            channel_id: &plan.ritual.channel_id,
            delivery: Delivery::Post,
            card: card(occurrence, plan),
            occurrence: Some(occurrence),
        });
        if let Some(minutes) = plan.ritual.nudge_after_minutes
            && plan.ritual.artefact != "none"
        {
            nudges.push(OneOff {
                tenant: plan.ritual.tenant,
                kind: JobKind::Nudge,
                subject: occurrence.0,
                due: at + chrono::Duration::minutes(minutes),
            });
        }
    }
    enqueue_all(tx, &prompts, at).await?;
    schedule_once(tx, &nudges, at).await?;
    Ok(created)
}

/// Starts the one occurrence a schedule's tick or a feed's entry describes (no event started
/// it), as [`start_occurrences`] does.
pub(super) async fn start_scheduled(
    tx: &mut Transaction<'_, Any>,
    plan: &OccurrencePlan<'_>,
    card: &impl Fn(OccurrenceId, &OccurrencePlan<'_>) -> serde_json::Value,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    start_occurrences(tx, &[Start { plan, inbox: None }], card, at).await?;
    Ok(())
}
