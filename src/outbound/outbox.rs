//! The outbox worker: the only code that posts to a chat platform.
//!
//! It claims due messages with a lease, renders each neutral card for its platform (Block Kit
//! for Slack, an Adaptive Card for Teams), and sends it:
//! - paced to one post per second per channel or conversation (Slack's documented rate for
//!   `chat.postMessage`, and well inside Teams' per-thread limits), across every replica: the
//!   channel's next slot is reserved in the database before the send ([`super::pacing`]);
//! - retried with exponential backoff and jitter, or after the platform's `Retry-After` on 429,
//!   which also holds the whole channel, for every replica, until then;
//! - parked as `dead` on a permanent error or after [`MAX_ATTEMPTS`], visible to operators;
//! - checked, before a second attempt, with the platform's [`Sender::find_posted`] (Slack finds
//!   the idempotency key in the message metadata), so a post that landed before a crash is not
//!   posted again. Teams offers no such lookup: a Teams post cut short by a crash after the
//!   connector accepted it, and before it was marked sent, may be posted twice.
//!
//! The worker never names a platform: it delivers through the [`Senders`] registry.

use std::sync::Arc;

use chrono::Duration;
use tokio_util::sync::CancellationToken;

use super::pacing::{self, Hold, Slot};
use crate::domain::card::{Card, Form};
use crate::domain::clock::Clock;
use crate::platform::{Destination, SendError, Sender, Senders};
use crate::store::{Delivery, OutboxMessage, Store, StoreResult};

/// Attempts before a message is parked as dead.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim lasts before another worker may take the message over: longer than one
/// delivery can take (a history check and a send, each bounded by the client's 10 s timeout).
/// Each claim is renewed just before its send.
const LEASE: Duration = Duration::seconds(30);
/// How many messages one pass claims.
pub const CLAIM: i64 = 8;
/// The longest `Retry-After` honoured as given; longer ones are capped.
const MAX_RETRY_AFTER: Duration = Duration::hours(1);
/// How often the worker looks for due messages when nobody wakes it.
pub const POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Delivers the outbox.
#[derive(Debug)]
pub struct OutboxWorker {
    store: Store,
    senders: Senders,
    clock: Arc<dyn Clock>,
    /// The channel reserved for the send under way, released after it (or at a stop).
    holding: Option<Hold>,
}

/// What one pass did, for tests and logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages delivered (or found already delivered).
    pub sent: usize,
    /// Messages put back for later.
    pub deferred: usize,
    /// Messages given up on.
    pub dead: usize,
}

impl Pass {
    /// Every message the pass handled, whatever became of it.
    pub fn handled(&self) -> usize {
        self.sent + self.deferred + self.dead
    }
}

impl OutboxWorker {
    /// A worker delivering each platform's messages through its sender in `senders`.
    pub fn new(store: Store, senders: Senders, clock: Arc<dyn Clock>) -> Self {
        OutboxWorker {
            store,
            senders,
            clock,
            holding: None,
        }
    }

    /// Claims what is due and handles it once. Claiming and bookkeeping always run to the end;
    /// only a send is cut short by `shutdown`, and then every claim still held is released, so
    /// another worker (or this one, restarted) takes them over at once. The abandoned send keeps
    /// its attempt counted, so the next attempt looks in the channel before posting; every write
    /// about a claim checks the claim is still held, so a send that finished just before the
    /// stop is not undone.
    pub async fn pass(&mut self, shutdown: &CancellationToken) -> StoreResult<Pass> {
        let now = self.clock.now();
        let mut due = self.store.claim_due(now, CLAIM, LEASE).await?.into_iter();
        let mut pass = Pass::default();
        while let Some(mut message) = due.next() {
            if shutdown.is_cancelled() {
                self.release(std::iter::once((message, false)).chain(due.map(|m| (m, false))))
                    .await;
                break;
            }
            // The lease must cover this send, however long the earlier ones took.
            if !self
                .store
                .renew_claim(&mut message, self.clock.now() + LEASE)
                .await?
            {
                tracing::info!(
                    outbox = message.id.0,
                    "claim lost to another worker; skipped"
                );
                continue;
            }
            let handled = tokio::select! {
                handled = self.deliver(&message) => Some(handled?),
                () = shutdown.cancelled() => None,
            };
            if let Some(handled) = &handled {
                metrics::counter!("cadence_outbox_sends_total", "outcome" => handled.name())
                    .increment(1);
            }
            match handled {
                Some(Handled::Sent) => pass.sent += 1,
                Some(Handled::Deferred) => pass.deferred += 1,
                Some(Handled::Dead) => pass.dead += 1,
                None => {
                    self.release_channel_at_stop().await;
                    let rest = due.by_ref().map(|m| (m, false));
                    self.release(std::iter::once((message, true)).chain(rest))
                        .await;
                    break;
                }
            }
        }
        Ok(pass)
    }

    /// Puts back claims this worker will not finish; `counted` says whether a send was under
    /// way (then the attempt counts, and the next one checks the channel first).
    async fn release(&self, messages: impl Iterator<Item = (OutboxMessage, bool)>) {
        let now = self.clock.now();
        for (message, counted) in messages {
            let released = self
                .store
                .retry_later(&message, now, Some("worker stopped"), counted)
                .await;
            if let Err(error) = released {
                tracing::warn!(%error, outbox = message.id.0, "could not release a claim; its lease will expire");
            }
        }
    }

    async fn deliver(&mut self, message: &OutboxMessage) -> StoreResult<Handled> {
        let Some(sender) = self.senders.get(message.platform).cloned() else {
            let reason = format!("{} is not configured", message.platform);
            self.store.mark_dead(message, &reason).await?;
            return Ok(Handled::Dead);
        };
        let content = match Content::read(message) {
            Ok(content) => content,
            Err(reason) => {
                self.store.mark_dead(message, &reason).await?;
                return Ok(Handled::Dead);
            }
        };
        let paced = match &message.delivery {
            Delivery::Post | Delivery::Reply(_) => true,
            Delivery::Ephemeral(_) => sender.paces_private(),
            Delivery::Update(_) | Delivery::OpenView(_) | Delivery::PublishHome(_) => false,
        };
        if paced {
            let now = self.clock.now();
            // The channel is held as long as the message's claim (renewed just before this).
            let until =
                chrono::DateTime::from_timestamp_millis(message.lease_until).unwrap_or(now + LEASE);
            match pacing::reserve(&self.store, message, now, until).await? {
                Slot::Taken(hold) => self.holding = Some(hold),
                Slot::NotBefore(at) => {
                    self.store.retry_later(message, at, None, false).await?;
                    return Ok(Handled::Deferred);
                }
            }
        }
        let attempt = attempt(sender.as_ref(), message, &content).await;
        let finished = self.clock.now();
        if let Some(hold) = self.holding.take() {
            // Nothing was posted when the lookup found the post or failed: the channel is free.
            let next = match &attempt {
                Attempt::Sent(result) => pacing::next_slot(result, finished, MAX_RETRY_AFTER),
                Attempt::Found(_) | Attempt::LookupFailed(_) => finished,
            };
            if next > finished + pacing::CHANNEL_GAP {
                tracing::info!(outbox = message.id.0, channel = %message.channel_id, until = %next, "channel rate-limited: held for every replica");
            }
            pacing::release(&self.store, &hold, next).await?;
        }
        match attempt {
            Attempt::Found(id) | Attempt::Sent(Ok(id)) => {
                self.store.mark_sent(message, &id, finished).await?;
                tracing::info!(outbox = message.id.0, platform = %message.platform, channel = %message.channel_id, "message delivered");
                Ok(Handled::Sent)
            }
            Attempt::LookupFailed(error) | Attempt::Sent(Err(error)) => {
                self.failed(message, error).await
            }
        }
    }

    /// Frees the channel of a send cut short by a stop at once, so the replica that takes the
    /// message over (it looks in the channel first) is not kept waiting.
    async fn release_channel_at_stop(&mut self) {
        if let Some(hold) = self.holding.take() {
            let next = self.clock.now();
            if let Err(error) = pacing::release(&self.store, &hold, next).await {
                tracing::warn!(%error, "could not release a channel; its reservation will lapse");
            }
        }
    }

    async fn failed(&self, message: &OutboxMessage, error: SendError) -> StoreResult<Handled> {
        match error {
            SendError::Permanent(reason) => {
                tracing::warn!(outbox = message.id.0, %reason, "message parked as dead");
                self.store.mark_dead(message, &reason).await?;
                Ok(Handled::Dead)
            }
            SendError::Retry { reason, .. } if message.attempts >= MAX_ATTEMPTS => {
                let reason = format!("gave up after {} attempts: {reason}", message.attempts);
                tracing::warn!(outbox = message.id.0, %reason, "message parked as dead");
                self.store.mark_dead(message, &reason).await?;
                Ok(Handled::Dead)
            }
            SendError::Retry { after, reason } => {
                // Slack asking us to wait is not a failed attempt; everything else is.
                let (wait, counted) = match after {
                    Some(after) => {
                        let wait = Duration::from_std(after)
                            .unwrap_or(MAX_RETRY_AFTER)
                            .min(MAX_RETRY_AFTER);
                        (wait, false)
                    }
                    None => (backoff(message.attempts, message.id.0), true),
                };
                tracing::info!(outbox = message.id.0, %reason, wait_ms = wait.num_milliseconds(), "message will be retried");
                self.store
                    .retry_later(message, self.clock.now() + wait, Some(&reason), counted)
                    .await?;
                Ok(Handled::Deferred)
            }
        }
    }
}

/// What a queued message shows: a card, or a form with the context its submission carries.
enum Content {
    Card(Card),
    Form(Form, serde_json::Value),
}

impl Content {
    /// Reads the stored content: forms are queued as `{"form": Form, "context": {...}}`.
    fn read(message: &OutboxMessage) -> Result<Content, String> {
        if let Delivery::OpenView(_) = message.delivery {
            let form = serde_json::from_value(message.card["form"].clone())
                .map_err(|e| format!("form is not valid: {e}"))?;
            let context = message.card.get("context").cloned().unwrap_or_default();
            return Ok(Content::Form(form, context));
        }
        serde_json::from_value(message.card.clone())
            .map(Content::Card)
            .map_err(|e| format!("card is not valid: {e}"))
    }
}

/// What one delivery attempt came to.
enum Attempt {
    /// A post from an earlier attempt was found in the channel: nothing was sent.
    Found(String),
    /// Looking for an earlier attempt's post failed: nothing was sent.
    LookupFailed(SendError),
    /// The message was handed to the platform, with this result.
    Sent(Result<String, SendError>),
}

/// Sends `message`; a second attempt at a post first looks for the first one in the channel,
/// as it may have landed just before a crash.
async fn attempt(sender: &dyn Sender, message: &OutboxMessage, content: &Content) -> Attempt {
    let to = Destination {
        tenant: message.tenant,
        channel: &message.channel_id,
        idempotency_key: &message.idempotency_key,
    };
    let is_post = matches!(message.delivery, Delivery::Post | Delivery::Reply(_));
    if is_post && message.attempts > 1 {
        match sender
            .find_posted(&to, message.created_at - Duration::seconds(5))
            .await
        {
            Ok(Some(id)) => return Attempt::Found(id),
            Ok(None) => {}
            // History we may not read (a channel joined only through chat:write.public)
            // says nothing about the post; a transient failure is retried as usual.
            Err(SendError::Permanent(reason)) => {
                tracing::info!(outbox = message.id.0, %reason, "history unreadable; posting");
            }
            Err(error) => return Attempt::LookupFailed(error),
        }
    }
    Attempt::Sent(send(sender, &to, &message.delivery, content).await)
}

/// Hands one message to its platform's sender.
async fn send(
    sender: &dyn Sender,
    to: &Destination<'_>,
    delivery: &Delivery,
    content: &Content,
) -> Result<String, SendError> {
    match (delivery, content) {
        (Delivery::OpenView(trigger), Content::Form(form, context)) => {
            sender.open_form(to, trigger, form, context).await
        }
        (_, Content::Form(..)) => Err(SendError::Permanent(
            "a form can only open a view".to_owned(),
        )),
        (Delivery::Post, Content::Card(card)) => sender.post(to, card, None).await,
        (Delivery::Reply(to_message), Content::Card(card)) => {
            sender.post(to, card, Some(to_message)).await
        }
        (Delivery::Update(id), Content::Card(card)) => sender.update(to, id, card).await,
        (Delivery::Ephemeral(user), Content::Card(card)) => sender.private(to, user, card).await,
        (Delivery::PublishHome(user), Content::Card(card)) => {
            sender.publish_home(to, user, card).await
        }
        (Delivery::OpenView(_), Content::Card(_)) => {
            Err(SendError::Permanent("a view needs a form".to_owned()))
        }
    }
}

/// What became of one message this pass.
enum Handled {
    Sent,
    Deferred,
    Dead,
}

impl Handled {
    /// Its label in `cadence_outbox_sends_total`.
    fn name(&self) -> &'static str {
        match self {
            Handled::Sent => "sent",
            Handled::Deferred => "retry_later",
            Handled::Dead => "dead",
        }
    }
}

/// Exponential backoff from one second, capped at five minutes, plus up to a quarter of jitter
/// so many failed messages do not retry in step.
fn backoff(attempts: i64, seed: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let base_ms = 1000_i64
        .saturating_mul(1_i64 << exponent.min(18))
        .min(300_000);
    let jitter = spread(seed, attempts) % (base_ms / 4 + 1);
    Duration::milliseconds(base_ms + jitter)
}

/// A cheap, deterministic spread of two numbers; jitter needs no cryptographic randomness.
fn spread(a: i64, b: i64) -> i64 {
    let mut x = (a as u64) ^ ((b as u64).rotate_left(32)) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    i64::try_from(x >> 1).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(1, 7).num_milliseconds();
        let third = backoff(3, 7).num_milliseconds();
        assert!((1000..=1250).contains(&first), "{first}");
        assert!((4000..=5000).contains(&third), "{third}");
        assert!(backoff(40, 7).num_milliseconds() <= 375_000);
        // Different messages spread out.
        assert_ne!(backoff(3, 1), backoff(3, 2));
    }
}
