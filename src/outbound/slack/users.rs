//! Who is a workspace admin or owner, from Slack's `users.info`, cached briefly.
//!
//! Admins and owners may set up teams and capabilities (design.md §3). Slash commands do not say
//! whether the author is one, so Cadence asks Slack, with a short timeout so the answer still
//! fits in Slack's 3-second budget; when Slack cannot be asked, the author is not an admin.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// How long an answer is reused.
const CACHE_FOR: Duration = Duration::from_secs(300);
/// How long to wait for Slack before treating the author as a non-admin.
const TIMEOUT: Duration = Duration::from_millis(1200);

/// Looks up admin status through the Slack Web API.
#[derive(Debug, Clone)]
pub struct SlackDirectory {
    http: reqwest::Client,
    base_url: String,
    token: SecretString,
    cache: Arc<Mutex<HashMap<String, (bool, Instant)>>>,
}

#[derive(Deserialize)]
struct UsersInfo {
    ok: bool,
    user: Option<UserInfo>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct UserInfo {
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    is_owner: bool,
    #[serde(default)]
    is_primary_owner: bool,
}

impl SlackDirectory {
    /// A directory calling `base_url` (ending in `/`) with the bot token.
    pub fn new(base_url: &str, token: SecretString) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_default();
        SlackDirectory {
            http,
            base_url: base_url.to_owned(),
            token,
            cache: Arc::default(),
        }
    }

    /// Whether `user_id` is an admin or owner of the workspace; false when Slack can't say.
    pub async fn is_admin(&self, user_id: &str) -> bool {
        if let Some(known) = self.cached(user_id) {
            return known;
        }
        let answer = self.ask(user_id).await;
        match answer {
            Ok(is_admin) => {
                if let Ok(mut cache) = self.cache.lock() {
                    cache.insert(user_id.to_owned(), (is_admin, Instant::now()));
                }
                is_admin
            }
            Err(reason) => {
                tracing::warn!(user = user_id, %reason, "users.info failed; treating as non-admin");
                false
            }
        }
    }

    fn cached(&self, user_id: &str) -> Option<bool> {
        let cache = self.cache.lock().ok()?;
        let (known, at) = cache.get(user_id)?;
        (at.elapsed() < CACHE_FOR).then_some(*known)
    }

    async fn ask(&self, user_id: &str) -> Result<bool, String> {
        let response = self
            .http
            .get(format!("{}users.info", self.base_url))
            .bearer_auth(self.token.expose_secret())
            .query(&[("user", user_id)])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let info: UsersInfo = response.json().await.map_err(|e| e.to_string())?;
        match (info.ok, info.user) {
            (true, Some(user)) => Ok(user.is_admin || user.is_owner || user.is_primary_owner),
            _ => Err(info.error.unwrap_or_else(|| "no user in answer".to_owned())),
        }
    }
}
