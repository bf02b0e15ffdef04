//! Slack's OAuth v2: the address an installer is sent to, and `oauth.v2.access`, which turns an
//! install's `code` into a bot token and, with token rotation on, a refresh token into a new one.
//! <https://api.slack.com/authentication/oauth-v2>

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Where an installer approves the app.
pub const AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";

/// The bot scopes Cadence asks for: exactly the manifest's (`tests/slack_manifest.rs` checks).
pub const BOT_SCOPES: &[&str] = &[
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:history",
    "groups:history",
    "users:read",
];

/// How long one call may take: an installer is waiting in a browser.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why `oauth.v2.access` gave no token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// Slack could not be reached or answered with an HTTP error; trying again may work.
    #[error("Slack could not be reached: {0}")]
    Unreachable(String),
    /// Slack refused (`ok: false`), e.g. `invalid_code`, `code_already_used`,
    /// `invalid_refresh_token`.
    #[error("Slack refused: {0}")]
    Refused(String),
}

/// A workspace or organisation as `oauth.v2.access` names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Named {
    /// Its id (`T…` or `E…`).
    pub id: String,
    /// Its name, when given.
    #[serde(default)]
    pub name: Option<String>,
}

/// Who installed the app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthedUser {
    /// Their Slack user id.
    pub id: String,
}

/// What `oauth.v2.access` grants: for an install, the workspace and its bot token; for a
/// refresh, the new tokens (the workspace fields are then often absent). Its `Debug` hides the
/// tokens.
#[derive(Clone, Deserialize)]
pub struct Grant {
    /// The bot token (`xoxb-…`, or `xoxe.xoxb-…` with token rotation).
    pub access_token: String,
    /// `bot` for a bot token.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Comma-separated scopes granted.
    #[serde(default)]
    pub scope: String,
    /// Cadence's bot user in the workspace.
    #[serde(default)]
    pub bot_user_id: String,
    /// The app installed.
    #[serde(default)]
    pub app_id: String,
    /// The workspace (none for an org-wide install).
    #[serde(default)]
    pub team: Option<Named>,
    /// The Enterprise Grid organisation, if any.
    #[serde(default)]
    pub enterprise: Option<Named>,
    /// Whether the app was installed for the whole organisation.
    #[serde(default)]
    pub is_enterprise_install: bool,
    /// The installer.
    #[serde(default)]
    pub authed_user: Option<AuthedUser>,
    /// With token rotation: what gets the next bot token.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// With token rotation: seconds until the bot token expires.
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("access_token", &"[hidden]")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("bot_user_id", &self.bot_user_id)
            .field("app_id", &self.app_id)
            .field("team", &self.team)
            .field("enterprise", &self.enterprise)
            .field("is_enterprise_install", &self.is_enterprise_install)
            .field("authed_user", &self.authed_user)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[hidden]"),
            )
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl Grant {
    /// The tenant's Slack id: the organisation for an org-wide install, else the workspace.
    pub fn tenant_id(&self) -> Option<&str> {
        let org = self
            .enterprise
            .as_ref()
            .filter(|_| self.is_enterprise_install);
        org.or(self.team.as_ref())
            .map(|n| n.id.as_str())
            .filter(|id| !id.is_empty())
    }

    /// The tenant's name, for pages and logs.
    pub fn tenant_name(&self) -> Option<&str> {
        let org = self
            .enterprise
            .as_ref()
            .filter(|_| self.is_enterprise_install);
        org.or(self.team.as_ref()).and_then(|n| n.name.as_deref())
    }
}

/// Calls `oauth.v2.access` with the app's credentials.
#[derive(Debug, Clone)]
pub struct SlackOAuth {
    http: reqwest::Client,
    base_url: String,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
}

impl SlackOAuth {
    /// A client for the Web API at `base_url` (ending in `/`) with the app's credentials,
    /// sending installers back to `redirect_uri`.
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: SecretString,
        redirect_uri: &str,
    ) -> Result<Self, reqwest::Error> {
        Ok(SlackOAuth {
            http: reqwest::Client::builder().timeout(TIMEOUT).build()?,
            base_url: base_url.to_owned(),
            client_id: client_id.to_owned(),
            client_secret,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// The address that asks an installer to approve Cadence's scopes, carrying `state`.
    pub fn authorize_url(&self, state: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &BOT_SCOPES.join(","))
            .append_pair("user_scope", "")
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state)
            .finish();
        format!("{AUTHORIZE_URL}?{query}")
    }

    /// Where Slack sends an installer back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The app's client secret, which signs install `state`s.
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// Exchanges an install's `code` for the workspace's grant.
    pub async fn exchange(&self, code: &str) -> Result<Grant, OAuthError> {
        self.access(&[("code", code), ("redirect_uri", self.redirect_uri.as_str())])
            .await
    }

    /// Exchanges a refresh token for a new bot token (and a new refresh token).
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<Grant, OAuthError> {
        self.access(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ])
        .await
    }

    async fn access(&self, form: &[(&str, &str)]) -> Result<Grant, OAuthError> {
        let mut fields = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
        ];
        fields.extend_from_slice(form);
        let response = self
            .http
            .post(format!("{}oauth.v2.access", self.base_url))
            .form(&fields)
            .send()
            .await
            .map_err(|e| OAuthError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OAuthError::Unreachable(format!("HTTP {status}")));
        }
        let answer: serde_json::Value = response
            .json()
            .await
            .map_err(|e| OAuthError::Unreachable(format!("unreadable answer: {e}")))?;
        if answer["ok"].as_bool() != Some(true) {
            let error = answer["error"].as_str().unwrap_or("unknown_error");
            return Err(OAuthError::Refused(error.to_owned()));
        }
        serde_json::from_value(answer)
            .map_err(|e| OAuthError::Refused(format!("an answer without a bot token: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> SlackOAuth {
        SlackOAuth::new(
            "http://127.0.0.1:9/",
            "123.456",
            SecretString::from("secret"),
            "https://cadence.example.com/slack/oauth/callback",
        )
        .expect("client")
    }

    #[test]
    fn the_authorize_url_carries_the_scopes_redirect_and_state() {
        let url = url::Url::parse(&client().authorize_url("n.1.sig")).expect("url");
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(url.host_str(), Some("slack.com"));
        assert_eq!(query["client_id"], "123.456");
        assert_eq!(query["scope"], BOT_SCOPES.join(","));
        assert_eq!(
            query["redirect_uri"],
            "https://cadence.example.com/slack/oauth/callback"
        );
        assert_eq!(query["state"], "n.1.sig");
    }

    #[test]
    fn an_org_wide_grant_belongs_to_the_organisation() {
        let grant: Grant = serde_json::from_value(serde_json::json!({
            "access_token": "xoxb-1", "team": null,
            "enterprise": {"id": "E1", "name": "Acme"}, "is_enterprise_install": true
        }))
        .expect("grant");
        assert_eq!(grant.tenant_id(), Some("E1"));
        assert!(
            !format!("{grant:?}").contains("xoxb-1"),
            "Debug hides the token"
        );
        assert_eq!(grant.tenant_name(), Some("Acme"));
        let workspace: Grant = serde_json::from_value(serde_json::json!({
            "access_token": "xoxb-1", "team": {"id": "T1", "name": "Atlas"},
            "enterprise": {"id": "E1", "name": "Acme"}, "is_enterprise_install": false
        }))
        .expect("grant");
        assert_eq!(workspace.tenant_id(), Some("T1"));
    }
}
