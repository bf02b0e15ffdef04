//! Calls to the Slack Web API, with every failure classified as worth retrying or not.
//! <https://api.slack.com/web#responses>; rate limits: <https://api.slack.com/apis/rate-limits>

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::platform::SendError;

/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Slack errors that go away by themselves.
const RETRYABLE: &[&str] = &[
    "ratelimited",
    "service_unavailable",
    "internal_error",
    "fatal_error",
    "request_timeout",
];

/// Slack errors that no retry will fix.
const PERMANENT: &[&str] = &[
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "no_text",
    "message_not_found",
    "cant_update_message",
    "restricted_action",
    "user_not_in_channel",
    "expired_trigger_id",
    "exchanged_trigger_id",
    "invalid_trigger_id",
    "view_too_large",
];

/// Messages asked for per page of `conversations.history`: the most Slack gives apps outside the
/// Marketplace (since 2025).
const HISTORY_PAGE: u32 = 15;

/// One page of a channel's history, searched for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// The message's `ts`, if it is on this page.
    pub found: Option<String>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
}

/// A Slack Web API client for one base URL.
#[derive(Debug, Clone)]
pub struct SlackApi {
    http: reqwest::Client,
    base_url: String,
}

impl SlackApi {
    /// A client calling `base_url` (ending in `/`).
    pub fn new(base_url: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(SlackApi {
            http,
            base_url: base_url.to_owned(),
        })
    }

    /// Posts a message (`{"text", "blocks"}`) carrying `key` in its metadata, so a later check
    /// can tell whether it landed. Returns the message's `ts`.
    pub async fn post_message(
        &self,
        token: &SecretString,
        channel: &str,
        message: &Value,
        key: &str,
    ) -> Result<String, SendError> {
        let mut body = message.clone();
        body["channel"] = json!(channel);
        body["unfurl_links"] = json!(false);
        body["metadata"] =
            json!({ "event_type": "cadence_message", "event_payload": { "idempotency_key": key } });
        let answer = self.call_json(token, "chat.postMessage", &body).await?;
        answer["ts"].as_str().map(str::to_owned).ok_or_else(|| {
            SendError::Permanent("chat.postMessage answered without a ts".to_owned())
        })
    }

    /// Replaces a message's content.
    pub async fn update_message(
        &self,
        token: &SecretString,
        channel: &str,
        ts: &str,
        message: &Value,
    ) -> Result<String, SendError> {
        let mut body = message.clone();
        body["channel"] = json!(channel);
        body["ts"] = json!(ts);
        let answer = self.call_json(token, "chat.update", &body).await?;
        Ok(answer["ts"].as_str().unwrap_or(ts).to_owned())
    }

    /// Shows a message to one user in a channel.
    pub async fn post_ephemeral(
        &self,
        token: &SecretString,
        channel: &str,
        user: &str,
        message: &Value,
    ) -> Result<String, SendError> {
        let mut body = message.clone();
        body["channel"] = json!(channel);
        body["user"] = json!(user);
        let answer = self.call_json(token, "chat.postEphemeral", &body).await?;
        Ok(answer["message_ts"].as_str().unwrap_or_default().to_owned())
    }

    /// Opens a modal for a click; `trigger_id` is valid for three seconds and works once.
    pub async fn open_view(
        &self,
        token: &SecretString,
        trigger_id: &str,
        view: &Value,
    ) -> Result<String, SendError> {
        let body = json!({ "trigger_id": trigger_id, "view": view });
        let answer = self.call_json(token, "views.open", &body).await?;
        Ok(answer["view"]["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Replaces `user_id`'s App Home with `view` (`views.publish`); returns the view's id.
    pub async fn publish_home(
        &self,
        token: &SecretString,
        user_id: &str,
        view: &Value,
    ) -> Result<String, SendError> {
        let body = json!({ "user_id": user_id, "view": view });
        let answer = self.call_json(token, "views.publish", &body).await?;
        Ok(answer["view"]["id"].as_str().unwrap_or_default().to_owned())
    }

    /// One page of `channel`'s history since `oldest` (Unix seconds), from `cursor` (the first
    /// page when `None`): the `ts` of a message there whose metadata carries `key`, if one is,
    /// and the cursor of the next page, if there is one. Slack allows apps outside the
    /// Marketplace at most 15 messages a page and about one call a minute, so a search may take
    /// several calls: see [`super::sender::SlackSender`].
    pub async fn history_page(
        &self,
        token: &SecretString,
        channel: &str,
        key: &str,
        oldest: i64,
        cursor: Option<&str>,
    ) -> Result<HistoryPage, SendError> {
        let mut form = vec![
            ("channel", channel.to_owned()),
            ("oldest", oldest.to_string()),
            ("limit", HISTORY_PAGE.to_string()),
            ("include_all_metadata", "true".to_owned()),
        ];
        if let Some(cursor) = cursor {
            form.push(("cursor", cursor.to_owned()));
        }
        let request = self
            .http
            .post(format!("{}conversations.history", self.base_url))
            .bearer_auth(token.expose_secret())
            .form(&form);
        let answer = classify(request.send().await).await?;
        let found = answer["messages"].as_array().and_then(|messages| {
            messages.iter().find_map(|m| {
                let carried = m["metadata"]["event_payload"]["idempotency_key"].as_str();
                (carried == Some(key))
                    .then(|| m["ts"].as_str().map(str::to_owned))
                    .flatten()
            })
        });
        let next = answer["response_metadata"]["next_cursor"]
            .as_str()
            .filter(|c| !c.is_empty() && answer["has_more"].as_bool() != Some(false))
            .map(str::to_owned);
        Ok(HistoryPage { found, next })
    }

    async fn call_json(
        &self,
        token: &SecretString,
        method: &str,
        body: &Value,
    ) -> Result<Value, SendError> {
        let request = self
            .http
            .post(format!("{}{method}", self.base_url))
            .bearer_auth(token.expose_secret())
            .json(body);
        classify(request.send().await).await
    }
}

/// Turns a response into Slack's answer or a classified error.
async fn classify(sent: Result<reqwest::Response, reqwest::Error>) -> Result<Value, SendError> {
    let response = sent.map_err(|e| SendError::Retry {
        after: None,
        reason: format!("network: {e}"),
    })?;
    let status = response.status();
    if status.as_u16() == 429 {
        let after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(SendError::Retry {
            after,
            reason: "HTTP 429 rate limited".to_owned(),
        });
    }
    if status.is_server_error() {
        return Err(SendError::Retry {
            after: None,
            reason: format!("HTTP {status}"),
        });
    }
    if !status.is_success() {
        return Err(SendError::Permanent(format!("HTTP {status}")));
    }
    let answer: Value = response.json().await.map_err(|e| SendError::Retry {
        after: None,
        reason: format!("unreadable answer: {e}"),
    })?;
    if answer["ok"].as_bool() == Some(true) {
        return Ok(answer);
    }
    let error = answer["error"]
        .as_str()
        .unwrap_or("unknown_error")
        .to_owned();
    Err(classify_error(&error))
}

/// Slack's documented permanent errors are final; known transient ones and anything unknown
/// are retried (a bounded number of times, by the outbox).
pub fn classify_error(error: &str) -> SendError {
    if PERMANENT.contains(&error) {
        SendError::Permanent(error.to_owned())
    } else if RETRYABLE.contains(&error) {
        SendError::Retry {
            after: None,
            reason: error.to_owned(),
        }
    } else {
        SendError::Retry {
            after: None,
            reason: format!("unrecognised error {error}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_slacks_documented_errors() {
        for permanent in [
            "channel_not_found",
            "not_in_channel",
            "invalid_auth",
            "invalid_blocks",
            "msg_too_long",
        ] {
            assert_eq!(
                classify_error(permanent),
                SendError::Permanent(permanent.to_owned())
            );
        }
        for transient in [
            "ratelimited",
            "service_unavailable",
            "internal_error",
            "request_timeout",
        ] {
            assert!(
                matches!(classify_error(transient), SendError::Retry { .. }),
                "{transient}"
            );
        }
    }
}
