//! The outbox worker: the only code that posts to a chat platform.
//!
//! It claims due messages with a lease, renders each neutral card for its platform (Block Kit
//! for Slack, an Adaptive Card for Teams), and sends it:
//! - paced to one post per second per channel or conversation (Slack's documented rate for
//!   `chat.postMessage`, and well inside Teams' per-thread limits);
//! - retried with exponential backoff and jitter, or after the platform's `Retry-After` on 429;
//! - parked as `dead` on a permanent error or after [`MAX_ATTEMPTS`], visible to operators;
//! - in Slack, checked against the channel's history before a second attempt, through the
//!   idempotency key in the message metadata, so a post that landed before a crash is not posted
//!   again. Teams offers no such lookup: a Teams post cut short by a crash after the connector
//!   accepted it, and before it was marked sent, may be posted twice.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use secrecy::SecretString;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::domain::Platform;
use crate::domain::card::{Card, Form};
use crate::domain::clock::Clock;
use crate::platform::slack::api::{CallError, SlackApi};
use crate::platform::slack::blocks;
use crate::platform::teams::connector::TeamsConnector;
use crate::store::{OutboxMessage, Store, StoreResult};

/// Attempts before a message is parked as dead.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claim lasts before another worker may take the message over: longer than one
/// delivery can take (a history check and a send, each bounded by the client's 10 s timeout).
/// Each claim is renewed just before its send.
const LEASE: Duration = Duration::seconds(30);
/// How many messages one pass claims.
const CLAIM: i64 = 8;
/// The longest `Retry-After` honoured as given; longer ones are capped.
const MAX_RETRY_AFTER: Duration = Duration::hours(1);
/// The gap kept between two posts to one channel.
const CHANNEL_GAP: Duration = Duration::milliseconds(1000);
/// How often the worker looks for due messages when nobody wakes it.
const POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Delivers the outbox.
#[derive(Debug)]
pub struct OutboxWorker {
    store: Store,
    slack: SlackApi,
    token: Option<SecretString>,
    teams: Option<TeamsConnector>,
    clock: Arc<dyn Clock>,
    last_post: HashMap<String, DateTime<Utc>>,
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

impl OutboxWorker {
    /// A worker posting with `token` through `slack`.
    pub fn new(
        store: Store,
        slack: SlackApi,
        token: Option<SecretString>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        OutboxWorker {
            store,
            slack,
            token,
            teams: None,
            clock,
            last_post: HashMap::new(),
        }
    }

    /// The same worker, delivering Teams messages through `connector`.
    pub fn with_teams(mut self, connector: TeamsConnector) -> Self {
        self.teams = Some(connector);
        self
    }

    /// Runs until `shutdown`, passing whenever woken and every [`POLL`]. A stop abandons a send
    /// in progress and releases every claim still held, so another worker (or this one,
    /// restarted) takes them over at once. The abandoned send keeps its attempt counted, so the
    /// next attempt looks in the channel before posting; every write about a claim checks the
    /// claim is still held, so a send that finished just before the stop is not undone.
    pub async fn run(mut self, wake: Arc<Notify>, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.pass(&shutdown).await {
                tracing::warn!(%error, "outbox pass failed; will retry");
            }
            if shutdown.is_cancelled() {
                break;
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Claims what is due and handles it once. Claiming and bookkeeping always run to the end;
    /// only a send is cut short by `shutdown`, and then every claim still held is released.
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
            match handled {
                Some(Handled::Sent) => pass.sent += 1,
                Some(Handled::Deferred) => pass.deferred += 1,
                Some(Handled::Dead) => pass.dead += 1,
                None => {
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
        if message.platform == Platform::Teams {
            return self.deliver_teams(message).await;
        }
        let now = self.clock.now();
        let Some(token) = self.token.clone() else {
            self.store
                .mark_dead(message, "SLACK_BOT_TOKEN is not set")
                .await?;
            return Ok(Handled::Dead);
        };
        match message.operation.as_str() {
            "post" => {}
            "open_view" | "ephemeral" | "update" | "publish_home" => {
                let result = self.deliver_other(&token, message).await;
                return match result {
                    Ok(id) => {
                        self.store.mark_sent(message, &id, self.clock.now()).await?;
                        Ok(Handled::Sent)
                    }
                    Err(error) => self.failed(message, error).await,
                };
            }
            other => {
                self.store
                    .mark_dead(message, &format!("unknown operation {other}"))
                    .await?;
                return Ok(Handled::Dead);
            }
        }
        if self.defer_for_pacing(message, now).await? {
            return Ok(Handled::Deferred);
        }
        let card = match card(message) {
            Ok(card) => card,
            Err(reason) => {
                self.store.mark_dead(message, &reason).await?;
                return Ok(Handled::Dead);
            }
        };
        // A second attempt may follow a post that landed just before a crash: look first.
        if message.attempts > 1 {
            let oldest = (message.created_at - Duration::minutes(1)).timestamp();
            match self
                .slack
                .find_posted(
                    &token,
                    &message.channel_id,
                    &message.idempotency_key,
                    oldest,
                )
                .await
            {
                Ok(Some(ts)) => {
                    self.store.mark_sent(message, &ts, now).await?;
                    return Ok(Handled::Sent);
                }
                Ok(None) => {}
                // History we may not read (a channel joined only through chat:write.public)
                // says nothing about the post; a transient failure is retried as usual.
                Err(CallError::Permanent(reason)) => {
                    tracing::info!(outbox = message.id.0, %reason, "history unreadable; posting");
                }
                Err(error) => return self.failed(message, error).await,
            }
        }
        let rendered = blocks::message(&card);
        let result = self
            .slack
            .post_message(
                &token,
                &message.channel_id,
                &rendered,
                &message.idempotency_key,
            )
            .await;
        self.last_post
            .insert(message.channel_id.clone(), self.clock.now());
        match result {
            Ok(ts) => {
                self.store.mark_sent(message, &ts, self.clock.now()).await?;
                tracing::info!(outbox = message.id.0, channel = %message.channel_id, "message delivered");
                Ok(Handled::Sent)
            }
            Err(error) => self.failed(message, error).await,
        }
    }

    /// Updates, ephemeral messages and forms: not paced per channel (their rate limits are
    /// per method), and safe to repeat, so no history check either.
    async fn deliver_other(
        &self,
        token: &SecretString,
        message: &OutboxMessage,
    ) -> Result<String, CallError> {
        let target = message.target_message.as_deref().unwrap_or_default();
        if message.operation == "open_view" {
            // Queued as {"form": Form, "context": {...}}.
            let form: Form = serde_json::from_value(message.card["form"].clone())
                .map_err(|e| CallError::Permanent(format!("form is not valid: {e}")))?;
            let mut view = blocks::modal(&form);
            // Slack hands private_metadata back on submission: it says which card to update.
            if let Some(context) = message.card.get("context") {
                view["private_metadata"] = serde_json::Value::String(context.to_string());
            }
            return self.slack.open_view(token, target, &view).await;
        }
        let card = card(message).map_err(CallError::Permanent)?;
        if message.operation == "publish_home" {
            return self
                .slack
                .publish_home(token, target, &blocks::home(&card))
                .await;
        }
        let rendered = blocks::message(&card);
        if message.operation == "ephemeral" {
            self.slack
                .post_ephemeral(token, &message.channel_id, target, &rendered)
                .await
        } else {
            self.slack
                .update_message(token, &message.channel_id, target, &rendered)
                .await
        }
    }

    /// A Teams message: a post (or a reply in a thread), an update, or a private answer, which
    /// Teams cannot show to one person in a conversation and so is posted as a reply.
    async fn deliver_teams(&mut self, message: &OutboxMessage) -> StoreResult<Handled> {
        let Some(connector) = self.teams.clone() else {
            self.store
                .mark_dead(
                    message,
                    "Teams is not configured (TEAMS_APP_ID, TEAMS_APP_PASSWORD)",
                )
                .await?;
            return Ok(Handled::Dead);
        };
        let Some(conversation) = self
            .store
            .conversation_ref(message.tenant, &message.channel_id)
            .await?
        else {
            self.store
                .mark_dead(
                    message,
                    "no conversation reference: the bot has not been added to this conversation",
                )
                .await?;
            return Ok(Handled::Dead);
        };
        let card = match card(message) {
            Ok(card) if matches!(message.operation.as_str(), "post" | "update" | "ephemeral") => {
                card
            }
            Ok(_) => {
                let reason = format!("`{}` has no Teams equivalent", message.operation);
                self.store.mark_dead(message, &reason).await?;
                return Ok(Handled::Dead);
            }
            Err(reason) => {
                self.store.mark_dead(message, &reason).await?;
                return Ok(Handled::Dead);
            }
        };
        let names = self
            .store
            .display_names(message.tenant, &card.mentions())
            .await?;
        let activity = crate::platform::teams::activity(&card, &names);
        let now = self.clock.now();
        let service_url = conversation.service_url.as_str();
        let target = message.target_message.as_deref();
        let result = if message.operation == "update" {
            let id = target.unwrap_or_default();
            connector
                .update(service_url, &message.channel_id, id, &activity)
                .await
                .map(|()| id.to_owned())
        } else {
            if self.defer_for_pacing(message, now).await? {
                return Ok(Handled::Deferred);
            }
            self.last_post
                .insert(message.channel_id.clone(), self.clock.now());
            match (message.operation.as_str(), target) {
                ("post", Some(reply_to)) => {
                    connector
                        .reply(service_url, &message.channel_id, reply_to, &activity)
                        .await
                }
                _ => {
                    connector
                        .send(service_url, &message.channel_id, &activity)
                        .await
                }
            }
        };
        match result {
            Ok(id) => {
                self.store.mark_sent(message, &id, self.clock.now()).await?;
                tracing::info!(outbox = message.id.0, conversation = %message.channel_id, "Teams message delivered");
                Ok(Handled::Sent)
            }
            Err(error) => self.failed(message, error).await,
        }
    }

    /// Puts a post back until [`CHANNEL_GAP`] after the last post to its channel; whether it did.
    async fn defer_for_pacing(
        &self,
        message: &OutboxMessage,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        match self.last_post.get(&message.channel_id) {
            Some(last) if now < *last + CHANNEL_GAP => {
                self.store
                    .retry_later(message, *last + CHANNEL_GAP, None, false)
                    .await?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn failed(&self, message: &OutboxMessage, error: CallError) -> StoreResult<Handled> {
        match error {
            CallError::Permanent(reason) => {
                tracing::warn!(outbox = message.id.0, %reason, "message parked as dead");
                self.store.mark_dead(message, &reason).await?;
                Ok(Handled::Dead)
            }
            CallError::Retry { reason, .. } if message.attempts >= MAX_ATTEMPTS => {
                let reason = format!("gave up after {} attempts: {reason}", message.attempts);
                tracing::warn!(outbox = message.id.0, %reason, "message parked as dead");
                self.store.mark_dead(message, &reason).await?;
                Ok(Handled::Dead)
            }
            CallError::Retry { after, reason } => {
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

fn card(message: &OutboxMessage) -> Result<Card, String> {
    serde_json::from_value(message.card.clone()).map_err(|e| format!("card is not valid: {e}"))
}

enum Handled {
    Sent,
    Deferred,
    Dead,
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
