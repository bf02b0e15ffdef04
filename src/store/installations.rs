//! Slack workspaces installed through OAuth v2, with their tokens as the caller sealed them, and
//! the install `state`s already used. An uninstalled workspace keeps its row, marked
//! revoked, until it installs Cadence again.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, from_millis, millis};
use crate::domain::ids::TenantId;

/// One workspace's (or one organisation's) installation of Cadence. Its `Debug` hides the
/// tokens, which are plain text when no key seals them.
#[derive(Clone, PartialEq, Eq)]
pub struct SlackInstallation {
    /// The tenant: the workspace, or the organisation for an org-wide install.
    pub tenant: TenantId,
    /// Slack's workspace id (none for an org-wide install).
    pub team_id: Option<String>,
    /// The Enterprise Grid organisation, if any.
    pub enterprise_id: Option<String>,
    /// Whether Cadence was installed for the whole organisation.
    pub is_enterprise_install: bool,
    /// The Slack app installed.
    pub app_id: String,
    /// Cadence's bot user in that workspace.
    pub bot_user_id: String,
    /// The scopes granted, comma-separated as Slack gives them.
    pub scope: String,
    /// The bot token, as sealed.
    pub bot_token: String,
    /// The refresh token when token rotation is on, as sealed.
    pub refresh_token: Option<String>,
    /// When the bot token expires, when token rotation is on.
    pub token_expires_at: Option<DateTime<Utc>>,
    /// The Slack user who installed it.
    pub installed_by: Option<String>,
    /// When it was (last) installed.
    pub installed_at: DateTime<Utc>,
    /// When Slack said the app was uninstalled or its tokens revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for SlackInstallation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackInstallation")
            .field("tenant", &self.tenant)
            .field("team_id", &self.team_id)
            .field("enterprise_id", &self.enterprise_id)
            .field("is_enterprise_install", &self.is_enterprise_install)
            .field("app_id", &self.app_id)
            .field("bot_user_id", &self.bot_user_id)
            .field("scope", &self.scope)
            .field("token_expires_at", &self.token_expires_at)
            .field("installed_by", &self.installed_by)
            .field("installed_at", &self.installed_at)
            .field("revoked_at", &self.revoked_at)
            .finish_non_exhaustive()
    }
}

impl SlackInstallation {
    /// What a tenant's `which` token (`bot` or `refresh`) is sealed for: its own row and
    /// column, so a sealed token copied to another tenant or column does not open.
    pub fn token_context(tenant: TenantId, which: &str) -> Vec<u8> {
        format!("slack_installations:{}:{which}", tenant.0).into_bytes()
    }
}

/// The tokens of an installation after a refresh: bot token, refresh token (both sealed), and
/// when the bot token expires.
#[derive(Debug, Clone, Copy)]
pub struct RefreshedTokens<'a> {
    /// The new bot token, sealed.
    pub bot_token: &'a str,
    /// The new refresh token, sealed.
    pub refresh_token: &'a str,
    /// When the new bot token expires.
    pub expires_at: DateTime<Utc>,
}

/// An installation row, in [`COLUMNS`]' order.
type InstallationRow = (
    i64,
    Option<String>,
    Option<String>,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<i64>,
);

const COLUMNS: &str = "tenant_id, team_id, enterprise_id, is_enterprise_install, app_id, \
     bot_user_id, scope, bot_token, refresh_token, token_expires_at, installed_by, installed_at, \
     revoked_at FROM slack_installations";

fn from_row(row: InstallationRow) -> StoreResult<SlackInstallation> {
    let (tenant, team_id, enterprise_id, org_wide, app_id, bot_user_id, scope, bot_token) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
    let (refresh_token, expires_at, installed_by, installed_at, revoked_at) =
        (row.8, row.9, row.10, row.11, row.12);
    Ok(SlackInstallation {
        tenant: TenantId(tenant),
        team_id,
        enterprise_id,
        is_enterprise_install: org_wide != 0,
        app_id,
        bot_user_id,
        scope,
        bot_token,
        refresh_token,
        token_expires_at: expires_at.map(from_millis).transpose()?,
        installed_by,
        installed_at: from_millis(installed_at)?,
        revoked_at: revoked_at.map(from_millis).transpose()?,
    })
}

impl Store {
    /// Records an installation, replacing the tenant's earlier one (a reinstall, which also
    /// lifts a revocation).
    pub async fn save_slack_installation(&self, install: &SlackInstallation) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO slack_installations (tenant_id, team_id, enterprise_id, \
             is_enterprise_install, app_id, bot_user_id, scope, bot_token, refresh_token, \
             token_expires_at, installed_by, installed_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL) \
             ON CONFLICT (tenant_id) DO UPDATE SET team_id = $2, enterprise_id = $3, \
             is_enterprise_install = $4, app_id = $5, bot_user_id = $6, scope = $7, \
             bot_token = $8, refresh_token = $9, token_expires_at = $10, installed_by = $11, \
             installed_at = $12, revoked_at = NULL",
        )
        .bind(install.tenant.0)
        .bind(install.team_id.as_deref())
        .bind(install.enterprise_id.as_deref())
        .bind(i64::from(install.is_enterprise_install))
        .bind(&install.app_id)
        .bind(&install.bot_user_id)
        .bind(&install.scope)
        .bind(&install.bot_token)
        .bind(install.refresh_token.as_deref())
        .bind(install.token_expires_at.map(millis))
        .bind(install.installed_by.as_deref())
        .bind(millis(install.installed_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The tenant's installation, revoked or not.
    pub async fn slack_installation(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Option<SlackInstallation>> {
        let row: Option<InstallationRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} WHERE tenant_id = $1"))
                .bind(tenant.0)
                .fetch_optional(&self.read)
                .await?;
        row.map(from_row).transpose()
    }

    /// Marks the tenant's installation revoked (Slack said the app was uninstalled or its bot
    /// token revoked); whether there was one still in use.
    pub async fn revoke_slack_installation(
        &self,
        tenant: TenantId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE slack_installations SET revoked_at = $1 \
             WHERE tenant_id = $2 AND revoked_at IS NULL",
        )
        .bind(millis(at))
        .bind(tenant.0)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores the tokens a refresh gave, if the installation still holds the refresh token
    /// `was` (sealed, as read): whether they were stored. `false` means another replica
    /// refreshed first, or the workspace reinstalled; read the installation again.
    pub async fn refresh_slack_tokens(
        &self,
        tenant: TenantId,
        was: &str,
        now: RefreshedTokens<'_>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE slack_installations SET bot_token = $1, refresh_token = $2, \
             token_expires_at = $3 WHERE tenant_id = $4 AND refresh_token = $5",
        )
        .bind(now.bot_token)
        .bind(now.refresh_token)
        .bind(millis(now.expires_at))
        .bind(tenant.0)
        .bind(was)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every installation's stored tokens: (tenant, bot token, refresh token). For re-sealing
    /// them under a new key.
    pub async fn stored_installation_tokens(
        &self,
    ) -> StoreResult<Vec<(TenantId, String, Option<String>)>> {
        let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT tenant_id, bot_token, refresh_token FROM slack_installations \
             ORDER BY tenant_id",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(tenant, bot, refresh)| (TenantId(tenant), bot, refresh))
            .collect())
    }

    /// Replaces an installation's stored tokens with the same tokens sealed again, if they are
    /// still `was` (a refresh meanwhile wins); whether they were replaced.
    pub async fn reseal_installation_tokens(
        &self,
        tenant: TenantId,
        was: (&str, Option<&str>),
        now: (&str, Option<&str>),
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE slack_installations SET bot_token = $1, refresh_token = $2 \
             WHERE tenant_id = $3 AND bot_token = $4 \
               AND (refresh_token = $5 OR (refresh_token IS NULL AND $5 IS NULL))",
        )
        .bind(now.0)
        .bind(now.1)
        .bind(tenant.0)
        .bind(was.0)
        .bind(was.1)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses up the install state `nonce` (valid until `expires_at`): whether this is its first
    /// use. It can be used once, by whichever replica gets the callback; states past their
    /// expiry, which nothing accepts any more, are cleared on the way.
    pub async fn use_oauth_state(
        &self,
        nonce: &str,
        expires_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        sqlx::query("DELETE FROM oauth_states_used WHERE expires_at < $1")
            .bind(millis(at))
            .execute(&self.write)
            .await?;
        let done = sqlx::query(
            "INSERT INTO oauth_states_used (nonce, expires_at, used_at) VALUES ($1, $2, $3) \
             ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(nonce)
        .bind(millis(expires_at))
        .bind(millis(at))
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
