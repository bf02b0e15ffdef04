//! Microsoft Teams: Adaptive Card rendering of neutral cards and forms, and the Markdown their
//! text blocks speak.
//!
//! Teams talks to the bot through the Bot Framework (platforms.md, "Microsoft Teams"); what the
//! bot posts is an Adaptive Card ([`cards`]) whose buttons come back as `adaptiveCard/action`
//! invokes. Text in cards is a subset of CommonMark ([`markdown`]), so user words are escaped
//! there just as they are for Slack's mrkdwn. The [`connector`] posts and updates activities
//! with a client-credentials token.

pub(crate) mod cards;
pub mod connector;
pub(crate) mod markdown;
pub(crate) mod sender;

use serde_json::{Value, json};

use crate::domain::card::Card;

/// A message activity carrying `card` as an Adaptive Card, mentions shown by `names`.
pub fn activity(card: &Card, names: &markdown::Names) -> Value {
    json!({
        "type": "message",
        "summary": markdown::summary_with_names(card, names),
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": cards::card_with_names(card, names),
        }],
    })
}
