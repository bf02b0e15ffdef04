//! Saved attention audits: the top three rituals of the latest `cadence audit … --save` for a
//! tenant, so that `/cadence audit` in chat can show them with their binding lines.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, from_millis, millis};
use crate::domain::ids::TenantId;

/// One proposed ritual of a saved audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRitual {
    /// Its stored id (0 before it is saved); a Bind button names it.
    pub id: i64,
    /// 1, 2 or 3.
    pub ordinal: i64,
    /// The meeting series' title.
    pub title: String,
    /// Its kind, as the audit named it.
    pub kind: String,
    /// Why it was proposed, one reason each.
    pub why: Vec<String>,
    /// The `ritual add …` line that binds it, without `/cadence`.
    pub command: String,
}

/// A saved audit: when, over which window, and its proposals in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAudit {
    /// When it was saved.
    pub saved_at: DateTime<Utc>,
    /// The window it covered, as printed.
    pub window: String,
    /// The proposals, best first.
    pub rituals: Vec<SavedRitual>,
}

type Row = (i64, String, i64, String, String, String, String, i64);

impl Store {
    /// Saves an audit's proposals for the tenant; the newest saved is the one chat shows.
    pub async fn save_audit(&self, tenant: TenantId, audit: &SavedAudit) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        for ritual in &audit.rituals {
            sqlx::query(
                "INSERT INTO audit_rituals (tenant_id, saved_at, window_text, ordinal, title, kind, \
                 why, command) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (tenant_id, saved_at, ordinal) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(millis(audit.saved_at))
            .bind(&audit.window)
            .bind(ritual.ordinal)
            .bind(&ritual.title)
            .bind(&ritual.kind)
            .bind(ritual.why.join("\n"))
            .bind(&ritual.command)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The tenant's latest saved audit, if any.
    pub async fn latest_audit(&self, tenant: TenantId) -> StoreResult<Option<SavedAudit>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT saved_at, window_text, ordinal, title, kind, why, command, id FROM audit_rituals \
             WHERE tenant_id = $1 AND saved_at = \
             (SELECT MAX(saved_at) FROM audit_rituals WHERE tenant_id = $1) ORDER BY ordinal",
        )
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        let Some((saved_at, window, ..)) = rows.first().cloned() else {
            return Ok(None);
        };
        let rituals = rows
            .into_iter()
            .map(
                |(_, _, ordinal, title, kind, why, command, id)| SavedRitual {
                    id,
                    ordinal,
                    title,
                    kind,
                    why: why.lines().map(str::to_owned).collect(),
                    command,
                },
            )
            .collect();
        Ok(Some(SavedAudit {
            saved_at: from_millis(saved_at)?,
            window,
            rituals,
        }))
    }

    /// One saved proposal of the tenant, by id.
    pub async fn audit_proposal(
        &self,
        tenant: TenantId,
        id: i64,
    ) -> StoreResult<Option<SavedRitual>> {
        let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT ordinal, title, kind, why, command FROM audit_rituals \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|(ordinal, title, kind, why, command)| SavedRitual {
            id,
            ordinal,
            title,
            kind,
            why: why.lines().map(str::to_owned).collect(),
            command,
        }))
    }
}
