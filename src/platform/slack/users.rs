//! Who is a workspace admin or owner, from Slack's `users.info`, cached briefly.
//!
//! Admins and owners may set up teams and capabilities (design.md §3). Slash commands do not say
//! whether the author is one, so Cadence asks Slack, with a short timeout so the answer still
//! fits in Slack's 3-second budget; when Slack cannot be asked, the author is not an admin.
//! The bot token belongs to one workspace (`auth.test` says which); an author from any other
//! tenant is never taken for an admin on that workspace's word.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// How long an answer is reused.
const CACHE_FOR: Duration = Duration::from_secs(300);
/// How long to wait for Slack before treating the author as a non-admin.
const TIMEOUT: Duration = Duration::from_millis(1200);

/// (tenant, user id): admin status is per workspace.
type TenantUser = (String, String);

/// Looks up admin status through the Slack Web API.
#[derive(Debug, Clone)]
pub struct SlackDirectory {
    http: reqwest::Client,
    base_url: String,
    token: SecretString,
    cache: Arc<Mutex<HashMap<TenantUser, (bool, Instant)>>>,
    token_tenants: Arc<tokio::sync::OnceCell<Vec<String>>>,
}

#[derive(Deserialize)]
struct AuthTest {
    ok: bool,
    team_id: Option<String>,
    enterprise_id: Option<String>,
    error: Option<String>,
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
    pub fn new(base_url: &str, token: SecretString) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(SlackDirectory {
            http,
            base_url: base_url.to_owned(),
            token,
            cache: Arc::default(),
            token_tenants: Arc::default(),
        })
    }

    /// Whether `user_id` of `tenant` is an admin or owner of the token's workspace; false when
    /// Slack can't say or the tenant is not the token's.
    pub async fn is_admin(&self, tenant: &str, user_id: &str) -> bool {
        let key = (tenant.to_owned(), user_id.to_owned());
        if let Some(known) = self.cached(&key) {
            return known;
        }
        // Learnt once; a failed auth.test is not remembered, so the next command asks again.
        let token_tenants = match self
            .token_tenants
            .get_or_try_init(|| self.auth_test())
            .await
        {
            Ok(tenants) => tenants,
            Err(reason) => {
                tracing::warn!(%reason, "auth.test failed; treating as non-admin");
                return false;
            }
        };
        if !token_tenants.iter().any(|t| t == tenant) {
            return false;
        }
        match self.ask(user_id).await {
            Ok(is_admin) => {
                if let Ok(mut cache) = self.cache.lock() {
                    cache.insert(key, (is_admin, Instant::now()));
                }
                is_admin
            }
            Err(reason) => {
                tracing::warn!(user = user_id, %reason, "users.info failed; treating as non-admin");
                false
            }
        }
    }

    fn cached(&self, key: &TenantUser) -> Option<bool> {
        let cache = self.cache.lock().ok()?;
        let (known, at) = cache.get(key)?;
        (at.elapsed() < CACHE_FOR).then_some(*known)
    }

    /// The workspace (and organisation) the bot token belongs to.
    async fn auth_test(&self) -> Result<Vec<String>, String> {
        let response = self
            .http
            .post(format!("{}auth.test", self.base_url))
            .bearer_auth(self.token.expose_secret())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let answer: AuthTest = response.json().await.map_err(|e| e.to_string())?;
        if !answer.ok {
            return Err(answer
                .error
                .unwrap_or_else(|| "auth.test refused".to_owned()));
        }
        Ok(answer
            .team_id
            .into_iter()
            .chain(answer.enterprise_id)
            .filter(|t| !t.is_empty())
            .collect())
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
