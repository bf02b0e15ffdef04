//! Slack's [`Sender`]: the Web API methods behind each outbox delivery, with Block Kit rendered
//! from the neutral card.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::api::SlackApi;
use super::blocks;
use super::tokens::{SlackTokens, WorkspaceToken};
use crate::domain::card::{Card, Form};
use crate::platform::{Destination, SendError, Sender};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Delivers through the Slack Web API with each workspace's bot token.
#[derive(Debug, Clone)]
pub struct SlackSender {
    api: SlackApi,
    tokens: SlackTokens,
    /// Where each unfinished search of a channel's history stopped (by the message's
    /// idempotency key): a search cut short by a rate limit resumes there, rather than reading
    /// the first page again and never getting further.
    searches: Arc<Mutex<HashMap<String, String>>>,
}

impl SlackSender {
    /// A sender calling `api` with the destination workspace's token from `tokens`; a message
    /// to a workspace without one is refused as permanently undeliverable.
    pub fn new(api: SlackApi, tokens: SlackTokens) -> Self {
        SlackSender {
            api,
            tokens,
            searches: Arc::default(),
        }
    }

    fn resume(&self, key: &str) -> Option<String> {
        self.searches.lock().ok()?.get(key).cloned()
    }

    fn remember(&self, key: &str, cursor: String) {
        if let Ok(mut searches) = self.searches.lock() {
            searches.insert(key.to_owned(), cursor);
        }
    }

    fn forget(&self, key: &str) {
        if let Ok(mut searches) = self.searches.lock() {
            searches.remove(key);
        }
    }

    async fn token(&self, to: &Destination<'_>) -> Result<WorkspaceToken, SendError> {
        self.tokens.for_tenant(to.tenant).await
    }
}

#[async_trait]
impl Sender for SlackSender {
    async fn post(
        &self,
        to: &Destination<'_>,
        card: &Card,
        _reply_to: Option<&str>,
    ) -> Result<String, SendError> {
        let message = blocks::message(card);
        self.api
            .post_message(
                self.token(to).await?.secret(),
                to.channel,
                &message,
                to.idempotency_key,
            )
            .await
    }

    async fn update(
        &self,
        to: &Destination<'_>,
        message_id: &str,
        card: &Card,
    ) -> Result<String, SendError> {
        let message = blocks::message(card);
        self.api
            .update_message(
                self.token(to).await?.secret(),
                to.channel,
                message_id,
                &message,
            )
            .await
    }

    async fn private(
        &self,
        to: &Destination<'_>,
        user: &str,
        card: &Card,
    ) -> Result<String, SendError> {
        let message = blocks::message(card);
        self.api
            .post_ephemeral(self.token(to).await?.secret(), to.channel, user, &message)
            .await
    }

    async fn open_form(
        &self,
        to: &Destination<'_>,
        trigger: &str,
        form: &Form,
        context: &serde_json::Value,
    ) -> Result<String, SendError> {
        let mut view = blocks::modal(form);
        // Slack hands private_metadata back on submission: it says which card to update.
        view["private_metadata"] = serde_json::Value::String(context.to_string());
        self.api
            .open_view(self.token(to).await?.secret(), trigger, &view)
            .await
    }

    async fn publish_home(
        &self,
        to: &Destination<'_>,
        user: &str,
        card: &Card,
    ) -> Result<String, SendError> {
        self.api
            .publish_home(self.token(to).await?.secret(), user, &blocks::home(card))
            .await
    }

    /// Reads the channel's history since `since`, page by page, for the message's key. When
    /// Slack limits the rate mid-search the search stops where it was, answers "try again
    /// after Retry-After", and resumes from that page next time: a delay, never a duplicate.
    async fn find_posted(
        &self,
        to: &Destination<'_>,
        since: DateTime<Utc>,
    ) -> Result<Option<String>, SendError> {
        let token = self.token(to).await?;
        let mut cursor = self.resume(to.idempotency_key);
        loop {
            let page = self
                .api
                .history_page(
                    token.secret(),
                    to.channel,
                    to.idempotency_key,
                    since.timestamp(),
                    cursor.as_deref(),
                )
                .await;
            let page = match page {
                Ok(page) => page,
                Err(error) => {
                    if let Some(cursor) = cursor {
                        self.remember(to.idempotency_key, cursor);
                    }
                    return Err(error);
                }
            };
            if page.found.is_some() || page.next.is_none() {
                self.forget(to.idempotency_key);
                return Ok(page.found);
            }
            cursor = page.next;
        }
    }
}
