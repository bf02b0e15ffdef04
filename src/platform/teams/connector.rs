//! Calls to the Bot Framework connector REST API, which posts to and edits Microsoft Teams
//! conversations, with every failure classified like Slack's so the outbox treats both alike.
//!
//! Each call carries a client-credentials token from Microsoft's token endpoint
//! (<https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication>,
//! "Bot to Connector"). The token is cached until five minutes before it expires, fetched by one
//! caller at a time however many sends race, and fetched again once when the connector answers
//! 401. Neither the app password nor a token ever reaches a log or an error message.
//!
//! Routes (<https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference>):
//! `POST {serviceUrl}v3/conversations/{conversationId}/activities` posts,
//! `POST …/activities/{activityId}` replies, `PUT …/activities/{activityId}` replaces. Path
//! segments are percent-encoded as Microsoft's SDKs do: Teams conversation ids contain `:`, `;`
//! and `@`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::domain::clock::Clock;
use crate::platform::SendError;

/// Microsoft's token endpoint for multi-tenant bots.
pub const BOT_FRAMEWORK_TOKEN_URL: &str =
    "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
/// The scope a connector token is requested for.
pub const BOT_FRAMEWORK_SCOPE: &str = "https://api.botframework.com/.default";
/// How long before its expiry a cached token is replaced.
pub const REFRESH_BEFORE_EXPIRY: chrono::Duration = chrono::Duration::minutes(5);
/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Everything but RFC 3986's unreserved characters is encoded in a path segment, like
/// `encodeURIComponent` and Python's `quote(safe='')` in Microsoft's SDKs.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The bot's credentials and where to exchange them for a token.
#[derive(Debug, Clone)]
pub struct ConnectorConfig {
    /// The bot's Microsoft App ID (the OAuth client id).
    pub app_id: String,
    /// The bot's client secret.
    pub app_password: SecretString,
    /// The token endpoint ([`BOT_FRAMEWORK_TOKEN_URL`], or the tenant's for a single-tenant bot).
    pub token_url: String,
}

/// A Bot Framework connector client. Cheap to clone; clones share the token cache.
#[derive(Clone)]
pub struct TeamsConnector {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TeamsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamsConnector")
            .field("app_id", &self.inner.config.app_id)
            .field("token_url", &self.inner.config.token_url)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: ConnectorConfig,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    /// The cached token. Held across a fetch, so one fetch runs at a time and the callers who
    /// waited use its result.
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    value: SecretString,
    /// When to stop using it: [`REFRESH_BEFORE_EXPIRY`] before it expires.
    refresh_at: DateTime<Utc>,
}

/// The outcome of one authenticated call.
enum Attempt {
    /// A 2xx, with its JSON body (`Null` when empty or unreadable).
    Done(Value),
    /// HTTP 401: the token was refused.
    Unauthorized,
}

impl TeamsConnector {
    /// A client using `config`'s credentials over `http`, reading time from `clock`.
    pub fn new(config: ConnectorConfig, http: reqwest::Client, clock: Arc<dyn Clock>) -> Self {
        TeamsConnector {
            inner: Arc::new(Inner {
                config,
                http,
                clock,
                token: tokio::sync::Mutex::new(None),
            }),
        }
    }

    /// Posts `activity` to a conversation. Returns the new activity's id, to update it later.
    pub async fn send(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity: &Value,
    ) -> Result<String, SendError> {
        let url = activities_url(service_url, conversation_id, None);
        let answer = self.call(Method::POST, &url, activity).await?;
        activity_id(&answer)
    }

    /// Posts `activity` as a reply to `reply_to_id` in a conversation. Returns the new activity's
    /// id.
    pub async fn reply(
        &self,
        service_url: &str,
        conversation_id: &str,
        reply_to_id: &str,
        activity: &Value,
    ) -> Result<String, SendError> {
        let url = activities_url(service_url, conversation_id, Some(reply_to_id));
        let answer = self.call(Method::POST, &url, activity).await?;
        activity_id(&answer)
    }

    /// Replaces activity `activity_id` in a conversation with `activity`.
    pub async fn update(
        &self,
        service_url: &str,
        conversation_id: &str,
        activity_id: &str,
        activity: &Value,
    ) -> Result<(), SendError> {
        let url = activities_url(service_url, conversation_id, Some(activity_id));
        self.call(Method::PUT, &url, activity).await.map(|_| ())
    }

    /// One call, with one token refresh and retry if the connector refuses the token.
    async fn call(&self, method: Method, url: &str, body: &Value) -> Result<Value, SendError> {
        let token = self.token().await?;
        if let Attempt::Done(answer) = self.attempt(method.clone(), url, body, &token).await? {
            return Ok(answer);
        }
        tracing::info!("connector refused the bot's token; fetching a new one");
        let fresh = self.token_replacing(&token).await?;
        match self.attempt(method, url, body, &fresh).await? {
            Attempt::Done(answer) => Ok(answer),
            Attempt::Unauthorized => Err(SendError::Permanent(
                "connector refused a freshly issued token (HTTP 401)".to_owned(),
            )),
        }
    }

    async fn attempt(
        &self,
        method: Method,
        url: &str,
        body: &Value,
        token: &SecretString,
    ) -> Result<Attempt, SendError> {
        let response = self
            .inner
            .http
            .request(method, url)
            .timeout(TIMEOUT)
            .bearer_auth(token.expose_secret())
            .json(body)
            .send()
            .await
            .map_err(|e| retry(format!("connector: {}", describe(&e))))?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Ok(Attempt::Unauthorized);
        }
        if let Some(error) = transient(status, &response) {
            return Err(error);
        }
        let text = response.text().await.unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            // Microsoft's ErrorResponse: {"error": {"code", "message"}}; the code says enough.
            let code = answer["error"]["code"].as_str().unwrap_or_default();
            return Err(SendError::Permanent(
                format!("connector: HTTP {status} {code}")
                    .trim_end()
                    .to_owned(),
            ));
        }
        Ok(Attempt::Done(answer))
    }

    /// The cached token, or a new one when it is missing or due for refresh.
    async fn token(&self) -> Result<SecretString, SendError> {
        let mut cached = self.inner.token.lock().await;
        let now = self.inner.clock.now();
        if let Some(token) = cached.as_ref().filter(|t| now < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// A token other than `rejected`: the one another caller has fetched meanwhile, or a new one.
    async fn token_replacing(&self, rejected: &SecretString) -> Result<SecretString, SendError> {
        let mut cached = self.inner.token.lock().await;
        let now = self.inner.clock.now();
        if let Some(token) = cached
            .as_ref()
            .filter(|t| now < t.refresh_at && t.value.expose_secret() != rejected.expose_secret())
        {
            return Ok(token.value.clone());
        }
        *cached = None;
        let fresh = self.fetch_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// The client-credentials exchange.
    async fn fetch_token(&self) -> Result<CachedToken, SendError> {
        let config = &self.inner.config;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", config.app_id.as_str()),
            ("client_secret", config.app_password.expose_secret()),
            ("scope", BOT_FRAMEWORK_SCOPE),
        ];
        let response = self
            .inner
            .http
            .post(&config.token_url)
            .timeout(TIMEOUT)
            .form(&form)
            .send()
            .await
            .map_err(|e| retry(format!("token endpoint: {}", describe(&e))))?;
        let status = response.status();
        if let Some(error) = transient(status, &response) {
            return Err(match error {
                SendError::Retry { after, reason } => SendError::Retry {
                    after,
                    reason: format!("token endpoint: {reason}"),
                },
                permanent => permanent,
            });
        }
        let text = response.text().await.unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !status.is_success() {
            // OAuth's error code (`invalid_client`, `unauthorized_client`, …) names the fault
            // without repeating anything sent.
            let code = answer["error"].as_str().unwrap_or_default();
            return Err(SendError::Permanent(
                format!("token endpoint refused the bot's credentials: HTTP {status} {code}")
                    .trim_end()
                    .to_owned(),
            ));
        }
        let Some(access_token) = answer["access_token"].as_str().filter(|t| !t.is_empty()) else {
            return Err(retry(
                "token endpoint answered without an access_token".to_owned(),
            ));
        };
        // Entra ID v1 endpoints sent `expires_in` as a string; accept both.
        let expires_in = answer["expires_in"]
            .as_i64()
            .or_else(|| answer["expires_in"].as_str()?.trim().parse().ok())
            .unwrap_or(0);
        let now = self.inner.clock.now();
        let refresh_at = now + chrono::Duration::seconds(expires_in) - REFRESH_BEFORE_EXPIRY;
        tracing::info!(expires_in, "fetched a Bot Framework connector token");
        Ok(CachedToken {
            value: SecretString::from(access_token.to_owned()),
            refresh_at,
        })
    }
}

/// `{serviceUrl}v3/conversations/{id}/activities[/{activityId}]`, whether or not `service_url`
/// ends in `/`, with the ids percent-encoded.
pub fn activities_url(
    service_url: &str,
    conversation_id: &str,
    activity_id: Option<&str>,
) -> String {
    let base = service_url.strip_suffix('/').unwrap_or(service_url);
    let mut url = format!(
        "{base}/v3/conversations/{}/activities",
        utf8_percent_encode(conversation_id, SEGMENT)
    );
    if let Some(activity_id) = activity_id {
        url.push('/');
        url.extend(utf8_percent_encode(activity_id, SEGMENT));
    }
    url
}

/// The `id` of the activity a post created.
fn activity_id(answer: &Value) -> Result<String, SendError> {
    answer["id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| SendError::Permanent("connector answered without an activity id".to_owned()))
}

/// The retryable classification of a status: 429 with its `Retry-After`, 408 and 5xx.
fn transient(status: StatusCode, response: &reqwest::Response) -> Option<SendError> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        let after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Some(SendError::Retry {
            after,
            reason: "HTTP 429 rate limited".to_owned(),
        });
    }
    if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
        return Some(retry(format!("HTTP {status}")));
    }
    None
}

fn retry(reason: String) -> SendError {
    SendError::Retry {
        after: None,
        reason,
    }
}

/// A network failure, named by kind.
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    format!("{kind}: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_with_or_without_a_trailing_slash() {
        let expected = "https://smba.trafficmanager.net/amer/v3/conversations/a%3Ab/activities";
        assert_eq!(
            activities_url("https://smba.trafficmanager.net/amer/", "a:b", None),
            expected
        );
        assert_eq!(
            activities_url("https://smba.trafficmanager.net/amer", "a:b", None),
            expected
        );
    }

    #[test]
    fn teams_ids_are_percent_encoded() {
        let id = "19:abc@thread.tacv2;messageid=1712345678901";
        assert_eq!(
            activities_url("https://x/", id, Some("1:2/3")),
            "https://x/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1712345678901/activities/1%3A2%2F3"
        );
        assert_eq!(
            activities_url("https://x/", "a-b_c.d~e f", None),
            "https://x/v3/conversations/a-b_c.d~e%20f/activities"
        );
    }

    #[test]
    fn posts_need_an_id() {
        assert_eq!(
            activity_id(&serde_json::json!({"id": "1:abc"})),
            Ok("1:abc".to_owned())
        );
        assert!(matches!(
            activity_id(&Value::Null),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(
            activity_id(&serde_json::json!({"id": ""})),
            Err(SendError::Permanent(_))
        ));
    }
}
