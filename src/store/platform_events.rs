//! Platform event deliveries already seen, so a retried delivery is acted on once.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, millis};
use crate::domain::Platform;

impl Store {
    /// Remembers a platform event delivery; `false` when it was seen before (a retry).
    pub async fn first_delivery(
        &self,
        platform: Platform,
        event_id: &str,
        tenant: &str,
        event_type: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO platform_events (platform, event_id, tenant, event_type, received_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, event_id) DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(event_id)
        .bind(tenant)
        .bind(event_type)
        .bind(millis(at))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
