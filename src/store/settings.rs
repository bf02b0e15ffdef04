//! A workspace's settings: one row per tenant, written only when an admin changes one; a
//! workspace without a row has the defaults.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreResult, millis};
use crate::domain::ids::TenantId;
use crate::domain::settings::WorkspaceSettings;

impl Store {
    /// The workspace's settings, or the defaults.
    pub async fn settings(&self, tenant: TenantId) -> StoreResult<WorkspaceSettings> {
        let row: Option<(Option<String>, String, String)> = sqlx::query_as(
            "SELECT ld_channel, currency, over_budget FROM workspace_settings WHERE tenant_id = $1",
        )
        .bind(tenant.0)
        .fetch_optional(&self.read)
        .await?;
        let Some((ld_channel, currency, over_budget)) = row else {
            return Ok(WorkspaceSettings::default());
        };
        Ok(WorkspaceSettings {
            ld_channel,
            currency,
            over_budget: over_budget.parse().map_err(|_| {
                StoreError::Corrupt(format!("`{over_budget}` is not refuse or request"))
            })?,
        })
    }

    /// Replaces the workspace's settings.
    pub async fn save_settings(
        &self,
        tenant: TenantId,
        settings: &WorkspaceSettings,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO workspace_settings (tenant_id, ld_channel, currency, over_budget, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id) DO UPDATE SET ld_channel = excluded.ld_channel, \
             currency = excluded.currency, over_budget = excluded.over_budget, \
             updated_at = excluded.updated_at",
        )
        .bind(tenant.0)
        .bind(settings.ld_channel.as_deref())
        .bind(&settings.currency)
        .bind(settings.over_budget.as_str())
        .bind(millis(at))
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
