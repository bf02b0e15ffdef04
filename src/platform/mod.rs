//! The chat platforms: everything Slack- or Teams-shaped that both sides of an adapter share.
//!
//! Each platform's folder holds its API client, its renderer of the neutral card model (Block
//! Kit, Adaptive Cards) and its text markup, the encoding of card actions together with their
//! decoding, and its [`Sender`]: what the outbox calls to deliver a message. The outbox holds a
//! [`Senders`] registry and never names a platform, so adding one is a folder here, a sender in
//! the registry and an inbound route.

#[cfg(test)]
mod card_fixtures;
pub mod slack;
pub mod teams;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::Platform;
use crate::domain::card::{Card, Form};
use crate::domain::ids::TenantId;

/// Why a call to a platform did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again, after `after` if the platform said when (HTTP 429 `Retry-After`).
    #[error("retryable: {reason}")]
    Retry {
        /// The platform's requested wait, if any.
        after: Option<Duration>,
        /// What happened.
        reason: String,
    },
    /// Retrying will not help.
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Where a message goes: the tenant and the channel or conversation, with the message's
/// idempotency key (which Slack carries in the message's metadata).
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    /// Whose.
    pub tenant: TenantId,
    /// The channel or conversation id.
    pub channel: &'a str,
    /// The outbox row's idempotency key.
    pub idempotency_key: &'a str,
}

/// Delivers messages to one chat platform. Each method returns the platform's id for what it
/// made (a message `ts`, an activity id, a view id), so a card can be updated later.
#[async_trait]
pub trait Sender: Send + Sync + fmt::Debug {
    /// Posts a new message in the channel, or a reply in the thread of `reply_to`.
    async fn post(
        &self,
        to: &Destination<'_>,
        card: &Card,
        reply_to: Option<&str>,
    ) -> Result<String, SendError>;

    /// Replaces message `message_id` with `card`.
    async fn update(
        &self,
        to: &Destination<'_>,
        message_id: &str,
        card: &Card,
    ) -> Result<String, SendError>;

    /// Shows `card` to `user` only, where the platform can; otherwise posts it in the channel.
    async fn private(
        &self,
        to: &Destination<'_>,
        user: &str,
        card: &Card,
    ) -> Result<String, SendError>;

    /// Opens `form` for the click with `trigger`; `context` comes back with the submission.
    async fn open_form(
        &self,
        to: &Destination<'_>,
        trigger: &str,
        form: &Form,
        context: &serde_json::Value,
    ) -> Result<String, SendError>;

    /// Replaces `user`'s home view with `card`.
    async fn publish_home(
        &self,
        to: &Destination<'_>,
        user: &str,
        card: &Card,
    ) -> Result<String, SendError>;

    /// The id of a post carrying `to.idempotency_key` that landed since `since`, when the
    /// platform can tell (a post cut short by a crash may have landed); `None` when it did not,
    /// or the platform offers no such lookup.
    async fn find_posted(
        &self,
        _to: &Destination<'_>,
        _since: DateTime<Utc>,
    ) -> Result<Option<String>, SendError> {
        Ok(None)
    }

    /// Whether private messages are paced like posts (where they are posted in the channel).
    fn paces_private(&self) -> bool {
        false
    }
}

/// The senders the outbox delivers through, one per platform.
#[derive(Debug, Clone, Default)]
pub struct Senders {
    by_platform: HashMap<Platform, Arc<dyn Sender>>,
}

impl Senders {
    /// No senders: every message is parked as undeliverable.
    pub fn new() -> Self {
        Senders::default()
    }

    /// The same registry, delivering `platform`'s messages through `sender`.
    pub fn with(mut self, platform: Platform, sender: Arc<dyn Sender>) -> Self {
        self.by_platform.insert(platform, sender);
        self
    }

    /// The sender for `platform`, if one is configured.
    pub fn get(&self, platform: Platform) -> Option<&Arc<dyn Sender>> {
        self.by_platform.get(&platform)
    }
}
