//! Teams' [`Sender`]: Bot Framework connector calls behind each outbox delivery, with the
//! neutral card rendered as an Adaptive Card and mentions shown by name.

use async_trait::async_trait;

use super::connector::TeamsConnector;
use crate::domain::card::{Card, Form};
use crate::platform::{Destination, SendError, Sender};
use crate::store::{ConversationRef, Store};

/// Delivers through the Bot Framework connector to conversations Cadence has a reference for.
#[derive(Debug, Clone)]
pub struct TeamsSender {
    connector: TeamsConnector,
    store: Store,
}

impl TeamsSender {
    /// A sender posting through `connector`, reading conversation references and display
    /// names from `store`.
    pub fn new(connector: TeamsConnector, store: Store) -> Self {
        TeamsSender { connector, store }
    }

    /// Where the conversation's connector is: Teams posts only where the bot has been added.
    async fn conversation(&self, to: &Destination<'_>) -> Result<ConversationRef, SendError> {
        match self.store.conversation_ref(to.tenant, to.channel).await {
            Ok(Some(reference)) => Ok(reference),
            Ok(None) => Err(SendError::Permanent(
                "no conversation reference: the bot has not been added to this conversation"
                    .to_owned(),
            )),
            Err(e) => Err(SendError::Retry {
                after: None,
                reason: format!("reading the conversation reference: {e}"),
            }),
        }
    }

    /// The card as a message activity, with the names of the people it mentions.
    async fn activity(
        &self,
        to: &Destination<'_>,
        card: &Card,
    ) -> Result<serde_json::Value, SendError> {
        let names = self
            .store
            .display_names(to.tenant, &card.mentions())
            .await
            .map_err(|e| SendError::Retry {
                after: None,
                reason: format!("reading display names: {e}"),
            })?;
        Ok(super::activity(card, &names))
    }
}

#[async_trait]
impl Sender for TeamsSender {
    async fn post(
        &self,
        to: &Destination<'_>,
        card: &Card,
        reply_to: Option<&str>,
    ) -> Result<String, SendError> {
        let conversation = self.conversation(to).await?;
        let activity = self.activity(to, card).await?;
        match reply_to {
            Some(reply_to) => {
                self.connector
                    .reply(&conversation.service_url, to.channel, reply_to, &activity)
                    .await
            }
            None => {
                self.connector
                    .send(&conversation.service_url, to.channel, &activity)
                    .await
            }
        }
    }

    async fn update(
        &self,
        to: &Destination<'_>,
        message_id: &str,
        card: &Card,
    ) -> Result<String, SendError> {
        let conversation = self.conversation(to).await?;
        let activity = self.activity(to, card).await?;
        self.connector
            .update(&conversation.service_url, to.channel, message_id, &activity)
            .await
            .map(|()| message_id.to_owned())
    }

    /// Teams cannot show a message to one person in a conversation: it is posted there.
    async fn private(
        &self,
        to: &Destination<'_>,
        _user: &str,
        card: &Card,
    ) -> Result<String, SendError> {
        self.post(to, card, None).await
    }

    async fn open_form(
        &self,
        _to: &Destination<'_>,
        _trigger: &str,
        _form: &Form,
        _context: &serde_json::Value,
    ) -> Result<String, SendError> {
        // Teams shows forms in the invoke's answer; nothing opens one later.
        Err(SendError::Permanent(
            "`open_view` has no Teams equivalent".to_owned(),
        ))
    }

    async fn publish_home(
        &self,
        _to: &Destination<'_>,
        _user: &str,
        _card: &Card,
    ) -> Result<String, SendError> {
        Err(SendError::Permanent(
            "`publish_home` has no Teams equivalent".to_owned(),
        ))
    }

    fn paces_private(&self) -> bool {
        true
    }
}
