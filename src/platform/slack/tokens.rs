//! Which bot token a call to a workspace is made with.
//!
//! A workspace that installed Cadence through `/slack/install` has its own token, stored sealed
//! and read back (cached for a minute, so a revocation seen by another replica takes effect
//! within one). With token rotation on, a token about to expire is refreshed first, and the new
//! pair is stored only if no other replica stored one meanwhile. A tenant without an
//! installation is served with `SLACK_BOT_TOKEN`, the single-workspace mode, when it is set.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::oauth::{Grant, OAuthError, SlackOAuth};
use crate::crypto::Sealer;
use crate::domain::Platform;
use crate::domain::clock::Clock;
use crate::domain::ids::TenantId;
use crate::platform::SendError;
use crate::store::{RefreshedTokens, SlackInstallation, Store, StoreError};

/// How long a token read from the database is used without reading it again.
const CACHE_FOR: Duration = Duration::from_secs(60);
/// How long before it expires a rotating token is refreshed.
const REFRESH_BEFORE: chrono::Duration = chrono::Duration::minutes(10);
/// How long a refreshed token lasts when Slack does not say: twelve hours, Slack's documented
/// lifetime of a rotating token.
const DEFAULT_LIFETIME_SECONDS: i64 = 12 * 60 * 60;
/// How many times a refresh's result is offered to the store when a re-seal (`rotate-key`)
/// changed the stored refresh token's text meanwhile.
const STORE_ATTEMPTS: usize = 3;

/// A bot token and whose it is.
#[derive(Debug, Clone)]
pub enum WorkspaceToken {
    /// The tenant's own installation's token: it belongs to that workspace by construction.
    Installed(SecretString),
    /// `SLACK_BOT_TOKEN`: it belongs to one workspace, which `auth.test` names.
    Deployment(SecretString),
}

impl WorkspaceToken {
    /// The token itself.
    pub fn secret(&self) -> &SecretString {
        match self {
            WorkspaceToken::Installed(token) | WorkspaceToken::Deployment(token) => token,
        }
    }
}

/// Why an install could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Slack's grant named no workspace or organisation.
    #[error("Slack's answer named no workspace")]
    NoWorkspace,
    /// A token could not be sealed.
    #[error("could not seal the token: {0}")]
    Seal(#[from] crate::crypto::CryptoError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A workspace just installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// Its tenant.
    pub tenant: TenantId,
    /// Its Slack id (`T…`, or `E…` for an org-wide install).
    pub slack_id: String,
    /// Its name, when Slack gave one.
    pub name: Option<String>,
    /// The app, for a link back into Slack.
    pub app_id: String,
}

#[derive(Debug, Clone)]
struct Cached {
    token: SecretString,
    /// Until when it is used without reading the database again.
    fresh_until: Instant,
    /// From when it is no longer used as it is: when it is due for a refresh, or, after a
    /// refresh failed, when it expires.
    use_until: Option<DateTime<Utc>>,
}

/// The bot tokens of every workspace Cadence serves.
#[derive(Debug, Clone)]
pub struct SlackTokens {
    store: Store,
    sealer: Sealer,
    oauth: Option<SlackOAuth>,
    deployment: Option<SecretString>,
    clock: Arc<dyn Clock>,
    cache: Arc<Mutex<HashMap<TenantId, Cached>>>,
    /// One refresh at a time per workspace in this process: a refresh token is spent by its
    /// first use. (Replicas settle it through the store.)
    refreshing: Arc<Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<()>>>>>,
}

impl SlackTokens {
    /// Tokens from `store`'s installations (opened with `sealer`, refreshed through `oauth`),
    /// falling back to the deployment's `SLACK_BOT_TOKEN`.
    pub fn new(
        store: Store,
        sealer: Sealer,
        oauth: Option<SlackOAuth>,
        deployment: Option<SecretString>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        SlackTokens {
            store,
            sealer,
            oauth,
            deployment,
            clock,
            cache: Arc::default(),
            refreshing: Arc::default(),
        }
    }

    /// Whether any workspace can be served: a deployment token, or installs can be made.
    pub fn configured(&self) -> bool {
        self.deployment.is_some() || self.oauth.is_some()
    }

    /// The token to call `tenant`'s workspace with.
    pub async fn for_tenant(&self, tenant: TenantId) -> Result<WorkspaceToken, SendError> {
        let now = self.clock.now();
        if let Some(token) = self.cached(tenant, now) {
            return Ok(WorkspaceToken::Installed(token));
        }
        let installation = self.store.slack_installation(tenant).await.map_err(retry)?;
        let Some(installation) = installation else {
            return self.not_installed();
        };
        if installation.revoked_at.is_some() {
            return Err(SendError::Permanent(
                "Cadence was uninstalled from this workspace or its token revoked; it posts \
                 there again once reinstalled"
                    .to_owned(),
            ));
        }
        let token = if expires_soon(installation.token_expires_at, now) {
            self.refresh(installation).await?
        } else {
            let token = self.open(&installation.bot_token, tenant, "bot")?;
            self.remember(tenant, &token, refresh_due(installation.token_expires_at));
            token
        };
        Ok(WorkspaceToken::Installed(token))
    }

    /// The token for the workspace or organisation with Slack id `slack_id`.
    pub async fn for_slack_id(&self, slack_id: &str) -> Result<WorkspaceToken, SendError> {
        let tenant = self
            .store
            .find_tenant(Platform::Slack, slack_id)
            .await
            .map_err(retry)?;
        match tenant {
            Some(tenant) => self.for_tenant(tenant).await,
            None => self.not_installed(),
        }
    }

    /// For a workspace without an installation: the deployment's `SLACK_BOT_TOKEN` (the
    /// single-workspace mode), or why there is no token.
    fn not_installed(&self) -> Result<WorkspaceToken, SendError> {
        self.deployment
            .clone()
            .map(WorkspaceToken::Deployment)
            .ok_or_else(|| {
                SendError::Permanent(
                    "Cadence is not installed in this workspace (install it at /slack/install, \
                     or set SLACK_BOT_TOKEN)"
                        .to_owned(),
                )
            })
    }

    /// Records what an install granted: the tenant's token, sealed, replacing any earlier
    /// installation and lifting a revocation.
    pub async fn install(
        &self,
        grant: &Grant,
        at: DateTime<Utc>,
    ) -> Result<Installed, InstallError> {
        let slack_id = grant.tenant_id().ok_or(InstallError::NoWorkspace)?;
        let tenant = self.store.tenant(Platform::Slack, slack_id, at).await?;
        let refresh_token = match &grant.refresh_token {
            Some(refresh) => Some(self.sealer.seal_text(
                refresh,
                &SlackInstallation::token_context(tenant, "refresh"),
            )?),
            None => None,
        };
        let installation = SlackInstallation {
            tenant,
            team_id: grant.team.as_ref().map(|t| t.id.clone()),
            enterprise_id: grant.enterprise.as_ref().map(|e| e.id.clone()),
            is_enterprise_install: grant.is_enterprise_install,
            app_id: grant.app_id.clone(),
            bot_user_id: grant.bot_user_id.clone(),
            scope: grant.scope.clone(),
            bot_token: self.sealer.seal_text(
                &grant.access_token,
                &SlackInstallation::token_context(tenant, "bot"),
            )?,
            refresh_token,
            token_expires_at: grant.expires_in.map(|s| at + chrono::Duration::seconds(s)),
            installed_by: grant.authed_user.as_ref().map(|u| u.id.clone()),
            installed_at: at,
            revoked_at: None,
        };
        self.store.save_slack_installation(&installation).await?;
        self.forget(tenant);
        Ok(Installed {
            tenant,
            slack_id: slack_id.to_owned(),
            name: grant.tenant_name().map(str::to_owned),
            app_id: grant.app_id.clone(),
        })
    }

    /// Stops using the tenant's installation (Slack said the app was uninstalled or its bot
    /// token revoked); its data stays. Whether there was one in use.
    pub async fn revoke(&self, tenant: TenantId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let revoked = self.store.revoke_slack_installation(tenant, at).await?;
        self.forget(tenant);
        Ok(revoked)
    }

    /// A new token for `installation`, from its refresh token. When another replica refreshed
    /// first (Slack then refuses the spent refresh token, or the store already holds a newer
    /// pair), that replica's token is used.
    async fn refresh(&self, installation: SlackInstallation) -> Result<SecretString, SendError> {
        let tenant = installation.tenant;
        let lock = self.refresh_lock(tenant);
        let _one_at_a_time = lock.lock().await;
        // Another task or replica may have refreshed while this one waited.
        let current = self.reread(tenant).await?.unwrap_or(installation);
        let now = self.clock.now();
        if !expires_soon(current.token_expires_at, now) {
            let token = self.open(&current.bot_token, tenant, "bot")?;
            self.remember(tenant, &token, refresh_due(current.token_expires_at));
            return Ok(token);
        }
        let (Some(oauth), Some(sealed_refresh)) = (&self.oauth, &current.refresh_token) else {
            return self.fall_back(&current, now, "no refresh token or client secret");
        };
        let refresh_token = self.open(sealed_refresh, tenant, "refresh")?;
        let grant = match oauth.refresh(&refresh_token).await {
            Ok(grant) => grant,
            Err(OAuthError::Unreachable(reason)) => {
                tracing::warn!(tenant = tenant.0, %reason, "token refresh failed");
                return self.fall_back(&current, now, &reason);
            }
            Err(OAuthError::Refused(reason)) => {
                // Spent by another replica's refresh? Then the store holds its result.
                if let Some(newer) = self.refreshed_elsewhere(&current).await? {
                    return Ok(newer);
                }
                tracing::warn!(tenant = tenant.0, %reason, "Slack refused the token refresh");
                return self.fall_back(&current, now, &reason);
            }
        };
        let lifetime = grant.expires_in.unwrap_or(DEFAULT_LIFETIME_SECONDS);
        let expires_at = now + chrono::Duration::seconds(lifetime);
        let fresh_refresh = grant
            .refresh_token
            .as_deref()
            .unwrap_or(refresh_token.expose_secret());
        let new_bot = self
            .sealer
            .seal_text(
                &grant.access_token,
                &SlackInstallation::token_context(tenant, "bot"),
            )
            .map_err(permanent)?;
        let new_refresh = self
            .sealer
            .seal_text(
                fresh_refresh,
                &SlackInstallation::token_context(tenant, "refresh"),
            )
            .map_err(permanent)?;
        let tokens = RefreshedTokens {
            bot_token: &new_bot,
            refresh_token: &new_refresh,
            expires_at,
        };
        self.store_refreshed(&current, &refresh_token, tokens)
            .await?;
        let token = SecretString::from(grant.access_token);
        self.remember(tenant, &token, refresh_due(Some(expires_at)));
        Ok(token)
    }

    /// Stores a refresh's tokens over the pair `current` held. The store compares the sealed
    /// refresh token; when its text changed because `rotate-key` sealed the same token again,
    /// the tokens are offered again against the new text. When it holds another token, another
    /// replica refreshed first and its pair stays.
    async fn store_refreshed(
        &self,
        current: &SlackInstallation,
        spent: &SecretString,
        tokens: RefreshedTokens<'_>,
    ) -> Result<(), SendError> {
        let tenant = current.tenant;
        let mut was = current.refresh_token.clone().unwrap_or_default();
        for _ in 0..STORE_ATTEMPTS {
            let stored = self
                .store
                .refresh_slack_tokens(tenant, &was, tokens)
                .await
                .map_err(retry)?;
            if stored {
                return Ok(());
            }
            let Some(now) = self.reread(tenant).await?.and_then(|i| i.refresh_token) else {
                break;
            };
            let same = self
                .open(&now, tenant, "refresh")
                .is_ok_and(|t| t.expose_secret() == spent.expose_secret());
            if !same {
                tracing::info!(
                    tenant = tenant.0,
                    "another replica refreshed the token first"
                );
                return Ok(());
            }
            was = now;
        }
        Err(SendError::Retry {
            after: None,
            reason: "the refreshed token could not be stored".to_owned(),
        })
    }

    /// The bot token another replica stored since `current` was read, if one did.
    async fn refreshed_elsewhere(
        &self,
        current: &SlackInstallation,
    ) -> Result<Option<SecretString>, SendError> {
        let Some(now) = self.reread(current.tenant).await? else {
            return Ok(None);
        };
        if now.bot_token == current.bot_token || now.revoked_at.is_some() {
            return Ok(None);
        }
        let token = self.open(&now.bot_token, now.tenant, "bot")?;
        self.remember(now.tenant, &token, refresh_due(now.token_expires_at));
        Ok(Some(token))
    }

    /// The current token when a refresh failed, while it has not expired (kept for a minute,
    /// so the refresh is not tried again at every call); else a retry, in case the failure
    /// passes or another replica refreshes.
    fn fall_back(
        &self,
        installation: &SlackInstallation,
        now: DateTime<Utc>,
        reason: &str,
    ) -> Result<SecretString, SendError> {
        let expires_at = installation.token_expires_at;
        if expires_at.is_some_and(|at| at <= now) {
            return Err(SendError::Retry {
                after: None,
                reason: format!(
                    "the workspace's token expired and could not be refreshed: {reason}"
                ),
            });
        }
        let token = self.open(&installation.bot_token, installation.tenant, "bot")?;
        self.remember(installation.tenant, &token, expires_at);
        Ok(token)
    }

    async fn reread(&self, tenant: TenantId) -> Result<Option<SlackInstallation>, SendError> {
        self.store.slack_installation(tenant).await.map_err(retry)
    }

    fn refresh_lock(&self, tenant: TenantId) -> Arc<tokio::sync::Mutex<()>> {
        match self.refreshing.lock() {
            Ok(mut locks) => locks.entry(tenant).or_default().clone(),
            // A poisoned map only loses the in-process serialising; the store still settles it.
            Err(_) => Arc::default(),
        }
    }

    fn open(&self, sealed: &str, tenant: TenantId, which: &str) -> Result<SecretString, SendError> {
        self.sealer
            .open_text(sealed, &SlackInstallation::token_context(tenant, which))
            .map_err(|e| SendError::Permanent(format!("the stored {which} token: {e}")))
    }

    fn cached(&self, tenant: TenantId, now: DateTime<Utc>) -> Option<SecretString> {
        let cache = self.cache.lock().ok()?;
        let cached = cache.get(&tenant)?;
        let usable =
            Instant::now() < cached.fresh_until && cached.use_until.is_none_or(|until| now < until);
        usable.then(|| cached.token.clone())
    }

    fn remember(&self, tenant: TenantId, token: &SecretString, use_until: Option<DateTime<Utc>>) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(
                tenant,
                Cached {
                    token: token.clone(),
                    fresh_until: Instant::now() + CACHE_FOR,
                    use_until,
                },
            );
        }
    }

    fn forget(&self, tenant: TenantId) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(&tenant);
        }
    }
}

/// When a token expiring at `expires_at` is due for a refresh.
fn refresh_due(expires_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    expires_at.map(|at| at - REFRESH_BEFORE)
}

fn expires_soon(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|at| at - REFRESH_BEFORE <= now)
}

fn retry(error: StoreError) -> SendError {
    SendError::Retry {
        after: None,
        reason: error.to_string(),
    }
}

fn permanent(error: crate::crypto::CryptoError) -> SendError {
    SendError::Permanent(error.to_string())
}
