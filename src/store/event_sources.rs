//! A tenant's own event sources: each has an id (in its URL, `/hooks/{kind}/{id}`), a kind and
//! a secret, stored as the caller sealed it; a rotated secret keeps the previous one valid for a
//! grace period. Every query but the hook's look-up by id is scoped by tenant.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::event::Source;
use crate::domain::ids::{PersonId, TenantId};

/// An event source a tenant added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSource {
    /// Its id, as its URL names it.
    pub id: String,
    /// Whose.
    pub tenant: TenantId,
    /// What sends to it.
    pub kind: Source,
    /// The secret, as sealed.
    pub secret: String,
    /// The secret before the last rotation, as sealed, and until when it is still accepted.
    pub previous: Option<(String, DateTime<Utc>)>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// A source row: id, tenant, kind, secret, previous secret, previous until, created.
type SourceRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    i64,
);

impl EventSource {
    /// What a source's secret is sealed for: its own row, so a sealed secret copied to another
    /// source does not open.
    pub fn secret_context(id: &str) -> String {
        format!("event_sources:{id}")
    }
}

fn from_row(row: SourceRow) -> StoreResult<EventSource> {
    let (id, tenant, kind, secret, previous, until, created) = row;
    let kind = kind
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("event source {id}: kind `{kind}`")))?;
    let previous = match (previous, until) {
        (Some(previous), Some(until)) => Some((previous, from_millis(until)?)),
        _ => None,
    };
    Ok(EventSource {
        id,
        tenant: TenantId(tenant),
        kind,
        secret,
        previous,
        created_at: from_millis(created)?,
    })
}

const COLUMNS: &str =
    "id, tenant_id, kind, secret, previous_secret, previous_until, created_at FROM event_sources";

impl Store {
    /// Adds a source for `tenant`, with its id and sealed secret.
    pub async fn add_event_source(
        &self,
        tenant: TenantId,
        source: (&str, Source),
        sealed_secret: &str,
        by: PersonId,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO event_sources (id, tenant_id, kind, secret, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(source.0)
        .bind(tenant.0)
        .bind(source.1.as_str())
        .bind(sealed_secret)
        .bind(by.0)
        .bind(millis(at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The source with this id, whoever's: the hook's look-up, before anything is trusted.
    pub async fn event_source(&self, id: &str) -> StoreResult<Option<EventSource>> {
        let row: Option<SourceRow> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        row.map(from_row).transpose()
    }

    /// The tenant's sources, oldest first.
    pub async fn event_sources(&self, tenant: TenantId) -> StoreResult<Vec<EventSource>> {
        let rows: Vec<SourceRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} WHERE tenant_id = $1 ORDER BY created_at, id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(from_row).collect()
    }

    /// Gives the tenant's source `id` a new sealed secret, keeping the current one valid until
    /// `grace_until`; whether the tenant has that source.
    pub async fn rotate_event_source(
        &self,
        tenant: TenantId,
        id: &str,
        sealed_secret: &str,
        grace_until: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE event_sources SET previous_secret = secret, previous_until = $1, secret = $2, \
             rotated_at = $3 WHERE tenant_id = $4 AND id = $5",
        )
        .bind(millis(grace_until))
        .bind(sealed_secret)
        .bind(millis(at))
        .bind(tenant.0)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes the tenant's source `id`; whether it had it.
    pub async fn remove_event_source(&self, tenant: TenantId, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM event_sources WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(id)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every source's stored secrets, whoever's: (id, secret, previous secret). For re-sealing
    /// them under a new key.
    pub async fn stored_source_secrets(
        &self,
    ) -> StoreResult<Vec<(String, String, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT id, secret, previous_secret FROM event_sources ORDER BY id")
                .fetch_all(&self.read)
                .await?,
        )
    }

    /// Replaces a source's stored secrets with the same secrets sealed again, if they are still
    /// `was` (a rotation meanwhile wins); whether they were replaced.
    pub async fn reseal_source_secrets(
        &self,
        id: &str,
        was: (&str, Option<&str>),
        now: (&str, Option<&str>),
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE event_sources SET secret = $1, previous_secret = $2 \
             WHERE id = $3 AND secret = $4 \
               AND (previous_secret = $5 OR (previous_secret IS NULL AND $5 IS NULL))",
        )
        .bind(now.0)
        .bind(now.1)
        .bind(id)
        .bind(was.0)
        .bind(was.1)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
