//! Who is a workspace admin or owner, from Slack's `users.info`, cached for ten minutes.
//!
//! Admins and owners may set up teams and capabilities (design.md §3). Slash commands do not say
//! whether the author is one, so Cadence asks Slack, with a short timeout so the answer still
//! fits in Slack's 3-second budget; when Slack cannot be asked, the author is not an admin.
//! Each lookup runs as a task of its own: a caller that stops waiting (its budget spent) does
//! not cancel it, so Slack's late answer still fills the cache for the next command.
//! Each workspace is asked with its own installation's token. The deployment's `SLACK_BOT_TOKEN`
//! belongs to one workspace (`auth.test` says which); an author from any other tenant is never
//! taken for an admin on that workspace's word.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::tokens::{SlackTokens, WorkspaceToken};

/// How long an answer is reused.
const CACHE_FOR: Duration = Duration::from_secs(600);
/// How long to wait for Slack before treating the author as a non-admin.
const TIMEOUT: Duration = Duration::from_millis(1200);

/// (tenant, user id): admin status is per workspace.
type TenantUser = (String, String);

/// Looks up admin status through the Slack Web API.
#[derive(Debug, Clone)]
pub struct SlackDirectory {
    http: reqwest::Client,
    base_url: String,
    tokens: SlackTokens,
    cache: Arc<Mutex<HashMap<TenantUser, (bool, Instant)>>>,
    /// Lookups under way: a second command by the same person joins the first's lookup.
    in_flight: Arc<Mutex<HashMap<TenantUser, Arc<tokio::sync::OnceCell<bool>>>>>,
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
    /// A directory calling `base_url` (ending in `/`) with each workspace's token from `tokens`.
    pub fn new(base_url: &str, tokens: SlackTokens) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(SlackDirectory {
            http,
            base_url: base_url.to_owned(),
            tokens,
            cache: Arc::default(),
            in_flight: Arc::default(),
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
        let Some(lookup) = self.lookup_for(&key) else {
            return false;
        };
        let directory = self.clone();
        // Detached: dropping this future (a caller's timeout) leaves the lookup running.
        tokio::spawn(async move {
            let (tenant, user_id) = key.clone();
            let answer = *lookup
                .get_or_init(|| directory.look_up(key.clone(), &tenant, &user_id))
                .await;
            // The answer is cached (or Slack could not give one): the next caller asks anew.
            directory.finished(&key, &lookup);
            answer
        })
        .await
        .unwrap_or(false)
    }

    /// The lookup under way for `key`, or a new one.
    fn lookup_for(&self, key: &TenantUser) -> Option<Arc<tokio::sync::OnceCell<bool>>> {
        let mut in_flight = self.in_flight.lock().ok()?;
        Some(in_flight.entry(key.clone()).or_default().clone())
    }

    /// Asks Slack (`users.info`, after `auth.test` once for the deployment's token) and caches
    /// the answer.
    async fn look_up(&self, key: TenantUser, tenant: &str, user_id: &str) -> bool {
        let token = match self.tokens.for_slack_id(tenant).await {
            Ok(token) => token,
            Err(reason) => {
                tracing::warn!(%reason, "no token for the workspace; treating as non-admin");
                return false;
            }
        };
        if let WorkspaceToken::Deployment(deployment) = &token {
            // Learnt once; a failed auth.test is not remembered, so the next command asks again.
            let token_tenants = match self
                .token_tenants
                .get_or_try_init(|| self.auth_test(deployment))
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
        }
        match self.ask(token.secret(), user_id).await {
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

    /// Forgets `lookup` once it is done, unless a newer one has taken its place.
    fn finished(&self, key: &TenantUser, lookup: &Arc<tokio::sync::OnceCell<bool>>) {
        if let Ok(mut in_flight) = self.in_flight.lock()
            && in_flight.get(key).is_some_and(|l| Arc::ptr_eq(l, lookup))
        {
            in_flight.remove(key);
        }
    }

    fn cached(&self, key: &TenantUser) -> Option<bool> {
        let cache = self.cache.lock().ok()?;
        let (known, at) = cache.get(key)?;
        (at.elapsed() < CACHE_FOR).then_some(*known)
    }

    /// The workspace (and organisation) the deployment's bot token belongs to.
    async fn auth_test(&self, token: &SecretString) -> Result<Vec<String>, String> {
        let response = self
            .http
            .post(format!("{}auth.test", self.base_url))
            .bearer_auth(token.expose_secret())
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

    async fn ask(&self, token: &SecretString, user_id: &str) -> Result<bool, String> {
        let response = self
            .http
            .get(format!("{}users.info", self.base_url))
            .bearer_auth(token.expose_secret())
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
