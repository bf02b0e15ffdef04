//! Occurrences: one instance of a ritual, and what was decided in it.

use chrono::{DateTime, Utc};

use super::rituals::Ritual;
use super::{Store, StoreResult, from_millis};
use crate::domain::decision::RecordedDecision;
use crate::domain::ids::{OccurrenceId, RitualId, TenantId};

/// An occurrence with its ritual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Stored id.
    pub id: OccurrenceId,
    /// The ritual it is an instance of.
    pub ritual: Ritual,
    /// Its title, e.g. the sprint's name.
    pub title: String,
    /// When it happened.
    pub happened_at: DateTime<Utc>,
    /// When its artefact arrived, if it has.
    pub artefact_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Whether the occurrence's prompt (or its nudge) was posted as message `message_id` in
    /// `channel`: a click names its occurrence, and only that occurrence's own cards may
    /// answer it.
    pub async fn is_prompt_of(
        &self,
        tenant: TenantId,
        occurrence: OccurrenceId,
        channel: &str,
        message_id: &str,
    ) -> StoreResult<bool> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM outbox WHERE tenant_id = $1 AND occurrence_id = $2 \
             AND operation = 'post' AND channel_id = $3 AND message_id = $4",
        )
        .bind(tenant.0)
        .bind(occurrence.0)
        .bind(channel)
        .bind(message_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    /// An occurrence of the tenant, with its ritual.
    pub async fn occurrence(
        &self,
        tenant: TenantId,
        id: OccurrenceId,
    ) -> StoreResult<Option<Occurrence>> {
        let row: Option<(i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT ritual_id, title, happened_at, artefact_at FROM occurrences \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        let Some((ritual, title, happened_at, artefact_at)) = row else {
            return Ok(None);
        };
        let Some(ritual) = self.ritual(tenant, RitualId(ritual)).await? else {
            return Ok(None);
        };
        Ok(Some(Occurrence {
            id,
            ritual,
            title,
            happened_at: from_millis(happened_at)?,
            artefact_at: artefact_at.map(from_millis).transpose()?,
        }))
    }

    /// The decisions made in an occurrence, oldest first.
    pub async fn decisions_in(
        &self,
        tenant: TenantId,
        occurrence: OccurrenceId,
    ) -> StoreResult<Vec<RecordedDecision>> {
        self.decisions_where(tenant, "d.occurrence_id = $2", occurrence.0)
            .await
    }
}
