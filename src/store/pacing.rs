//! Pacing and rate-limit state per channel, shared by every replica through the database.
//!
//! Before a paced post the outbox worker reserves the channel with [`Store::reserve_channel`]:
//! one upsert that succeeds only when the channel's next slot has come and no other worker is
//! posting there. PostgreSQL runs `INSERT … ON CONFLICT DO UPDATE … WHERE` under the
//! conflicting row's lock and checks the condition against its latest version, so of two
//! replicas racing for one slot exactly one gets a row back; SQLite has one writer, so the
//! statements never interleave. After the send, [`Store::release_channel`] sets when the next
//! post may go: the pacing gap after this one, or later when the platform asked to wait.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, from_millis, millis};
use crate::domain::Platform;
use crate::domain::ids::{OutboxId, TenantId};

/// One channel or conversation of one tenant on one platform: what pacing is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelKey<'a> {
    /// Whose.
    pub tenant: TenantId,
    /// On which platform.
    pub platform: Platform,
    /// The channel or conversation id.
    pub channel: &'a str,
}

/// What reserving a channel found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The channel is this worker's until it releases it (or until `until`, should it die).
    Reserved {
        /// When the reservation lapses if it is never released.
        until: DateTime<Utc>,
    },
    /// Not now: the next post may go at `next_post_at`; `posting` says whether another worker
    /// is posting there at this moment (and will push the next slot on when it is done).
    Busy {
        /// When the channel's next post may go, as things stand.
        next_post_at: DateTime<Utc>,
        /// Whether another worker holds the channel for a send under way.
        posting: bool,
    },
}

impl Store {
    /// Reserves `channel` for posting `message` now, for at most `until`: only when its next
    /// slot has come (`next_post_at <= now`) and no other worker holds it (or its hold lapsed).
    /// One statement, safe under concurrent replicas.
    pub async fn reserve_channel(
        &self,
        channel: ChannelKey<'_>,
        message: OutboxId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Reservation> {
        let reserved: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO channel_pacing \
             (tenant_id, platform, channel_id, next_post_at, posting_id, posting_until) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (tenant_id, platform, channel_id) DO UPDATE \
             SET posting_id = excluded.posting_id, posting_until = excluded.posting_until \
             WHERE channel_pacing.next_post_at <= $4 \
             AND (channel_pacing.posting_until IS NULL OR channel_pacing.posting_until <= $4) \
             RETURNING posting_until",
        )
        .bind(channel.tenant.0)
        .bind(channel.platform.as_str())
        .bind(channel.channel)
        .bind(millis(now))
        .bind(message.0)
        .bind(millis(until))
        .fetch_optional(&self.write)
        .await?;
        if reserved.is_some() {
            return Ok(Reservation::Reserved { until });
        }
        let (next_post_at, posting_until): (i64, Option<i64>) = sqlx::query_as(
            "SELECT next_post_at, posting_until FROM channel_pacing \
             WHERE tenant_id = $1 AND platform = $2 AND channel_id = $3",
        )
        .bind(channel.tenant.0)
        .bind(channel.platform.as_str())
        .bind(channel.channel)
        .fetch_one(&self.write)
        .await?;
        Ok(Reservation::Busy {
            next_post_at: from_millis(next_post_at)?,
            posting: posting_until.is_some_and(|until| until > millis(now)),
        })
    }

    /// Ends `message`'s reservation of `channel` (if it still holds it) and keeps the channel
    /// free of posts until `next_post_at`; a later slot already set (a Retry-After another
    /// worker was told) is kept.
    pub async fn release_channel(
        &self,
        channel: ChannelKey<'_>,
        message: OutboxId,
        next_post_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        // CASE rather than GREATEST/MAX: one spelling for both databases.
        sqlx::query(
            "UPDATE channel_pacing SET \
             next_post_at = CASE WHEN next_post_at > $4 THEN next_post_at ELSE $4 END, \
             posting_until = CASE WHEN posting_id = $5 THEN NULL ELSE posting_until END, \
             posting_id = CASE WHEN posting_id = $5 THEN NULL ELSE posting_id END \
             WHERE tenant_id = $1 AND platform = $2 AND channel_id = $3",
        )
        .bind(channel.tenant.0)
        .bind(channel.platform.as_str())
        .bind(channel.channel)
        .bind(millis(next_post_at))
        .bind(message.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
