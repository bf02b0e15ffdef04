//! Pacing posts per channel, for every replica at once.
//!
//! The gap between two posts to one channel, and any `Retry-After` a platform answered, are
//! kept in the database ([`Store::reserve_channel`]), not in a worker's memory: three replicas
//! then post into one channel no faster than one, and a 429 told to one of them holds the
//! channel for all. A worker reserves the channel before a paced send and releases it after,
//! setting when the next post may go; while it posts, no other worker posts there. The
//! reservation lasts as long as the message's claim, so a worker that dies mid-send frees its
//! channel when its claim runs out, like the message itself.

use chrono::{DateTime, Duration, Utc};

use crate::domain::ids::OutboxId;
use crate::platform::SendError;
use crate::store::{ChannelKey, OutboxMessage, Reservation, Store, StoreResult};

/// The gap kept between two posts to one channel (Slack's documented rate for
/// `chat.postMessage` is one a second per channel).
pub(super) const CHANNEL_GAP: Duration = Duration::milliseconds(1000);

/// A channel this worker has reserved for one message's send.
#[derive(Debug, Clone)]
pub(super) struct Hold {
    message: OutboxId,
    tenant: crate::domain::ids::TenantId,
    platform: crate::domain::Platform,
    channel: String,
}

impl Hold {
    fn key(&self) -> ChannelKey<'_> {
        ChannelKey {
            tenant: self.tenant,
            platform: self.platform,
            channel: &self.channel,
        }
    }
}

/// What asking for a channel's slot gave.
pub(super) enum Slot {
    /// The channel is reserved for this send.
    Taken(Hold),
    /// Not before this instant.
    NotBefore(DateTime<Utc>),
}

/// Reserves `message`'s channel at `now` until `until` (the end of the message's claim).
pub(super) async fn reserve(
    store: &Store,
    message: &OutboxMessage,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<Slot> {
    let hold = Hold {
        message: message.id,
        tenant: message.tenant,
        platform: message.platform,
        channel: message.channel_id.clone(),
    };
    match store
        .reserve_channel(hold.key(), message.id, now, until)
        .await?
    {
        Reservation::Reserved { .. } => Ok(Slot::Taken(hold)),
        // Someone is posting there now; when done they push the next slot a gap on, so look
        // again no sooner than that.
        Reservation::Busy {
            next_post_at,
            posting: true,
        } => Ok(Slot::NotBefore(next_post_at.max(now + CHANNEL_GAP))),
        Reservation::Busy { next_post_at, .. } => Ok(Slot::NotBefore(next_post_at)),
    }
}

/// Ends a reservation: the channel's next post may go at `next`.
pub(super) async fn release(store: &Store, hold: &Hold, next: DateTime<Utc>) -> StoreResult<()> {
    store.release_channel(hold.key(), hold.message, next).await
}

/// When the channel's next post may go after a send that ended at `finished` with `result`:
/// a gap after it, or once the platform's `Retry-After` (capped at `max_wait`) has passed.
/// A failed send may still have landed, so it keeps the gap too.
pub(super) fn next_slot(
    result: &Result<String, SendError>,
    finished: DateTime<Utc>,
    max_wait: Duration,
) -> DateTime<Utc> {
    match result {
        Err(SendError::Retry {
            after: Some(after), ..
        }) => {
            let wait = Duration::from_std(*after).unwrap_or(max_wait).min(max_wait);
            finished + wait.max(CHANNEL_GAP)
        }
        _ => finished + CHANNEL_GAP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_slot_is_a_gap_on_or_the_platforms_wait() {
        let at: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().expect("instant");
        let cap = Duration::hours(1);
        assert_eq!(next_slot(&Ok("1.2".into()), at, cap), at + CHANNEL_GAP);
        let failed = Err(SendError::Retry {
            after: None,
            reason: "HTTP 500".into(),
        });
        assert_eq!(next_slot(&failed, at, cap), at + CHANNEL_GAP);
        let limited = |seconds| {
            Err(SendError::Retry {
                after: Some(std::time::Duration::from_secs(seconds)),
                reason: "HTTP 429 rate limited".into(),
            })
        };
        assert_eq!(next_slot(&limited(30), at, cap), at + Duration::seconds(30));
        assert_eq!(next_slot(&limited(0), at, cap), at + CHANNEL_GAP);
        assert_eq!(next_slot(&limited(86_400), at, cap), at + cap);
    }
}
