//! Verifies the JWT on every request the Teams connector sends to the bot.
//!
//! The rules are Microsoft's "Connector to Bot" checks
//! (<https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication>),
//! extended for single-tenant bots as Microsoft's Agents SDK does: a `Bearer` RS256 token,
//! addressed to our app id, inside its validity window with five minutes of clock skew, from one
//! of two issuers, each with its own keys and its own further checks:
//!
//! - `https://api.botframework.com`: signed by a key from the Bot Framework's OpenID metadata;
//!   the key's `endorsements` must include the activity's `channelId`, and the token's
//!   `serviceurl` claim must equal the activity's `serviceUrl`, so a valid token cannot be
//!   replayed to make the bot post somewhere else.
//! - Entra ID for the configured `TEAMS_TENANT_ID` only (`https://sts.windows.net/{tenant}/`,
//!   `https://login.microsoftonline.com/{tenant}/v2.0`): signed by a key from that tenant's own
//!   OpenID metadata, never the Bot Framework's; its `tid`, when present, must be the tenant; a
//!   `serviceurl` claim is checked when the token carries one.
//!
//! The issuer is read before the signature is checked, only to choose the key set; the decode
//! that follows checks the signed issuer against that choice, so a token cannot borrow another
//! issuer's keys. An issuer we do not accept is refused before anything is fetched.
//! `docs/teams.md` lists the checks per issuer and where they come from.
//!
//! Verification is split in two because the route must check the token before it parses the
//! body: [`BotAuthenticator::verify`] takes only the header, and
//! [`VerifiedToken::check_activity`] takes what the parsed activity says.

mod keys;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use keys::{KeySource, SigningKey};

/// The issuer of tokens minted by the Bot Framework itself.
pub const BOT_FRAMEWORK_ISSUER: &str = "https://api.botframework.com";
/// Microsoft's OpenID metadata document for the public cloud.
pub const BOT_FRAMEWORK_OPENID_METADATA_URL: &str =
    "https://login.botframework.com/v1/.well-known/openidconfiguration";
/// Clock skew tolerated on `exp` and `nbf`; Microsoft calls five minutes industry standard.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// How long fetched signing keys are trusted before they are fetched again.
pub const KEYS_MAX_AGE: Duration = Duration::hours(24);
/// The least time between two refetches caused by an unknown key id, per issuer.
pub const UNKNOWN_KID_REFETCH: Duration = Duration::minutes(5);
/// How long one fetch of the metadata or the keys may take.
const FETCH_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Entra ID's OpenID metadata for `tenant` in the public cloud: where the keys that sign a
/// single-tenant bot's Entra-issued tokens are published.
pub fn entra_openid_metadata_url(tenant: &str) -> String {
    format!("https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration")
}

/// What the verifier needs to know about the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotAuthConfig {
    /// The bot's Microsoft App ID: every token's `aud` must equal it.
    pub app_id: String,
    /// The Entra ID tenant of a single-tenant bot, whose issuers are then accepted too.
    pub tenant_id: Option<String>,
    /// Where the Bot Framework's OpenID metadata lives ([`BOT_FRAMEWORK_OPENID_METADATA_URL`]
    /// in production, a loopback stand-in in tests).
    pub openid_metadata_url: String,
    /// Where the tenant's Entra ID OpenID metadata lives; `None` for
    /// [`entra_openid_metadata_url`] of `tenant_id`. Unused without a tenant.
    pub entra_openid_metadata_url: Option<String>,
}

/// Who issued a token: it decides which keys may have signed it and which claims are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// The Bot Framework (`https://api.botframework.com`), with its own endorsed keys.
    BotFramework,
    /// Entra ID for the configured tenant, with the tenant's keys.
    EntraTenant,
}

/// Why a request's token was refused.
///
/// No message includes the token or any part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamsAuthError {
    /// The request has no `Authorization` header.
    #[error("the request has no Authorization header")]
    MissingHeader,
    /// The header is not `Bearer <jwt>`, or the JWT cannot be read, or it is not RS256.
    #[error("malformed authorization: {0}")]
    Malformed(&'static str),
    /// No key its issuer publishes has the token's key id, even after a refetch.
    #[error("no published signing key has the token's key id")]
    UnknownKey,
    /// The signature does not verify with the key the token names.
    #[error("the token's signature does not verify")]
    BadSignature,
    /// The token comes from an issuer the bot does not trust.
    #[error("the token's issuer is not accepted")]
    WrongIssuer,
    /// An Entra ID token's `tid` is not the configured tenant.
    #[error("the token was issued for another tenant")]
    WrongTenant,
    /// The token is addressed to another app.
    #[error("the token is not addressed to this bot")]
    WrongAudience,
    /// The token expired more than [`CLOCK_SKEW`] ago.
    #[error("the token has expired")]
    Expired,
    /// The token becomes valid more than [`CLOCK_SKEW`] from now.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// The signing key is not endorsed for the activity's channel.
    #[error("the signing key is not endorsed for channel {channel:?}")]
    EndorsementMissing {
        /// The activity's `channelId`.
        channel: String,
    },
    /// The token's `serviceurl` claim is absent (from a Bot Framework token) or differs from
    /// the activity's `serviceUrl`.
    #[error("the token's serviceUrl does not match the activity's")]
    ServiceUrlMismatch,
    /// The OpenID metadata or the signing keys could not be fetched; a retry may succeed.
    #[error("signing keys unavailable: {0}")]
    KeysUnavailable(String),
}

impl TeamsAuthError {
    /// Whether the fault is ours or Microsoft's rather than the caller's: the route answers 503
    /// (so the connector retries) instead of 401.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, TeamsAuthError::KeysUnavailable(_))
    }
}

/// What a verified token vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// The token's audience: the bot's app id.
    pub app_id: String,
    /// The token's issuer.
    pub issuer: String,
    /// Which kind of issuer that is, and so which activity checks apply.
    pub issued_by: Issuer,
    /// The token's `serviceurl` claim (also read as `serviceUrl`), if it has one.
    pub service_url: Option<String>,
    /// The channels the signing key is endorsed for. Empty when the key publishes no
    /// endorsements (Entra ID keys do not), in which case no channel is checked, as in
    /// Microsoft's SDKs.
    pub endorsements: Vec<String>,
}

impl VerifiedToken {
    /// Checks the parsed activity against the token: the signing key must be endorsed for
    /// `channel_id` (when it carries endorsements), and the token's `serviceurl` must equal
    /// `service_url`, ignoring one trailing slash and ASCII case (as the .NET SDK compares). A
    /// Bot Framework token must carry `serviceurl`; an Entra ID token need not, as Entra issues
    /// none and the Agents SDK checks none for it.
    pub fn check_activity(
        &self,
        channel_id: &str,
        service_url: &str,
    ) -> Result<(), TeamsAuthError> {
        if !self.endorsements.is_empty() && !self.endorsements.iter().any(|e| e == channel_id) {
            return Err(TeamsAuthError::EndorsementMissing {
                channel: channel_id.to_owned(),
            });
        }
        match (&self.service_url, self.issued_by) {
            (Some(claimed), _) if same_service_url(claimed, service_url) => Ok(()),
            (None, Issuer::EntraTenant) => Ok(()),
            _ => Err(TeamsAuthError::ServiceUrlMismatch),
        }
    }
}

/// Whether two service URLs are the same, ignoring one trailing slash and ASCII case.
fn same_service_url(a: &str, b: &str) -> bool {
    let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
    trim(a).eq_ignore_ascii_case(&trim(b))
}

/// Verifies connector tokens, with each issuer's signing keys cached. Cheap to clone.
#[derive(Clone)]
pub struct BotAuthenticator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for BotAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotAuthenticator")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: BotAuthConfig,
    http: reqwest::Client,
    /// The Bot Framework's keys.
    bot_framework: KeySource,
    /// The configured tenant's issuers and keys; `None` without a tenant.
    entra: Option<EntraTenant>,
}

/// A single-tenant bot's own Entra ID tenant.
struct EntraTenant {
    /// The tenant id, lower case, as Entra writes it in issuers and `tid`.
    tenant: String,
    /// Its v1 and v2 token issuers.
    issuers: [String; 2],
    /// The keys its OpenID metadata publishes.
    keys: KeySource,
}

impl BotAuthenticator {
    /// A verifier for `config`, fetching keys with `http`.
    pub fn new(config: BotAuthConfig, http: reqwest::Client) -> Self {
        let bot_framework = KeySource::new("Bot Framework", config.openid_metadata_url.clone());
        let entra = config
            .tenant_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|tenant| {
                let metadata_url = config
                    .entra_openid_metadata_url
                    .clone()
                    .unwrap_or_else(|| entra_openid_metadata_url(tenant));
                let tenant = tenant.to_ascii_lowercase();
                EntraTenant {
                    issuers: [
                        format!("https://sts.windows.net/{tenant}/"),
                        format!("https://login.microsoftonline.com/{tenant}/v2.0"),
                    ],
                    tenant,
                    keys: KeySource::new("Entra ID tenant", metadata_url),
                }
            });
        BotAuthenticator {
            inner: Arc::new(Inner {
                config,
                http,
                bot_framework,
                entra,
            }),
        }
    }

    /// Verifies the `Authorization` header's token at `now`: its form, issuer, key, signature,
    /// audience, validity window and, for Entra ID, tenant. The activity is checked afterwards
    /// with [`VerifiedToken::check_activity`].
    pub async fn verify(
        &self,
        authorization: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<VerifiedToken, TeamsAuthError> {
        let token = bearer_token(authorization)?;
        if self.inner.config.app_id.is_empty() {
            // Unconfigured: no token can be addressed to us, not even one with an empty `aud`.
            return Err(TeamsAuthError::WrongAudience);
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TeamsAuthError::Malformed("the token's header cannot be read"))?;
        if header.alg != Algorithm::RS256 {
            return Err(TeamsAuthError::Malformed(
                "the token is not signed with RS256",
            ));
        }
        let kid = header
            .kid
            .ok_or(TeamsAuthError::Malformed("the token names no signing key"))?;
        let issuer = unverified_issuer(token)?;
        let (issued_by, keys) = self.keys_for(&issuer)?;
        let key = keys.signing_key(&self.inner.http, &kid, now).await?;
        let claims = self.decode(token, &key, &issuer)?;
        check_window(&claims, now)?;
        if let (Issuer::EntraTenant, Some(entra)) = (issued_by, &self.inner.entra) {
            check_tenant(&claims, &entra.tenant)?;
        }
        Ok(VerifiedToken {
            app_id: self.inner.config.app_id.clone(),
            issuer,
            issued_by,
            service_url: service_url_claim(&claims)?,
            endorsements: key.endorsements,
        })
    }

    /// The kind of `issuer` and the keys its tokens must be signed with, if it is accepted.
    fn keys_for(&self, issuer: &str) -> Result<(Issuer, &KeySource), TeamsAuthError> {
        if issuer == BOT_FRAMEWORK_ISSUER {
            return Ok((Issuer::BotFramework, &self.inner.bot_framework));
        }
        match &self.inner.entra {
            Some(entra) if entra.issuers.iter().any(|i| i == issuer) => {
                Ok((Issuer::EntraTenant, &entra.keys))
            }
            _ => Err(TeamsAuthError::WrongIssuer),
        }
    }

    /// The token's claims once its signature verifies with `key` and it names `issuer` and our
    /// app id. The window is checked by the caller against the injected `now`, not the system
    /// clock.
    fn decode(
        &self,
        token: &str,
        key: &SigningKey,
        issuer: &str,
    ) -> Result<Map<String, Value>, TeamsAuthError> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[&self.inner.config.app_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map(|data| data.claims)
            .map_err(|e| classify(e.kind()))
    }
}

/// The `iss` claim before the signature is checked. It only chooses the key set: the decode
/// that follows checks the signed claim against the same issuer.
fn unverified_issuer(token: &str) -> Result<String, TeamsAuthError> {
    #[derive(Deserialize)]
    struct Claims {
        iss: Option<Value>,
    }
    let claims = jsonwebtoken::dangerous::insecure_decode::<Claims>(token)
        .map_err(|_| TeamsAuthError::Malformed("the token's claims cannot be read"))?
        .claims;
    match claims.iss {
        Some(Value::String(iss)) => Ok(iss),
        _ => Err(TeamsAuthError::WrongIssuer),
    }
}

/// An Entra ID token's `tid`, when it carries one, must be the configured tenant. The issuer
/// already names the tenant; this refuses a token whose two statements disagree.
fn check_tenant(claims: &Map<String, Value>, tenant: &str) -> Result<(), TeamsAuthError> {
    match claims.get("tid") {
        None => Ok(()),
        Some(Value::String(tid)) if tid.eq_ignore_ascii_case(tenant) => Ok(()),
        Some(_) => Err(TeamsAuthError::WrongTenant),
    }
}

/// The JWT in a `Bearer` header.
fn bearer_token(authorization: Option<&str>) -> Result<&str, TeamsAuthError> {
    let value = authorization
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(TeamsAuthError::MissingHeader)?;
    let not_bearer = TeamsAuthError::Malformed("the Authorization header is not a Bearer token");
    let (scheme, token) = value.split_once(' ').ok_or(not_bearer.clone())?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(not_bearer);
    }
    Ok(token)
}

/// Maps the library's verdict to ours.
fn classify(kind: &ErrorKind) -> TeamsAuthError {
    match kind {
        ErrorKind::InvalidSignature | ErrorKind::InvalidRsaKey(_) => TeamsAuthError::BadSignature,
        ErrorKind::InvalidIssuer => TeamsAuthError::WrongIssuer,
        ErrorKind::InvalidAudience => TeamsAuthError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => TeamsAuthError::WrongIssuer,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => TeamsAuthError::WrongAudience,
        ErrorKind::MissingRequiredClaim(_) => {
            TeamsAuthError::Malformed("the token has no exp claim")
        }
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            TeamsAuthError::Malformed("the token is not signed with RS256")
        }
        _ => TeamsAuthError::Malformed("the token cannot be read"),
    }
}

/// Checks `exp` (required) and `nbf` (when present) against `now`, with [`CLOCK_SKEW`].
fn check_window(claims: &Map<String, Value>, now: DateTime<Utc>) -> Result<(), TeamsAuthError> {
    let seconds = |name: &str| -> Result<Option<i64>, TeamsAuthError> {
        match claims.get(name) {
            None => Ok(None),
            Some(value) => value
                .as_i64()
                .or_else(|| value.as_f64().map(|f| f.floor() as i64))
                .map(Some)
                .ok_or(TeamsAuthError::Malformed("a time claim is not a number")),
        }
    };
    let now = now.timestamp();
    let skew = CLOCK_SKEW.num_seconds();
    let exp = seconds("exp")?.ok_or(TeamsAuthError::Malformed("the token has no exp claim"))?;
    if now > exp.saturating_add(skew) {
        return Err(TeamsAuthError::Expired);
    }
    if let Some(nbf) = seconds("nbf")?
        && now < nbf.saturating_sub(skew)
    {
        return Err(TeamsAuthError::NotYetValid);
    }
    Ok(())
}

/// The token's service URL. Microsoft's SDKs read the claim `serviceurl`; its documentation
/// calls it `serviceUrl`. Either is read; a token carrying two different values is refused.
fn service_url_claim(claims: &Map<String, Value>) -> Result<Option<String>, TeamsAuthError> {
    let lower = claims.get("serviceurl").and_then(Value::as_str);
    let camel = claims.get("serviceUrl").and_then(Value::as_str);
    match (lower, camel) {
        (Some(a), Some(b)) if !same_service_url(a, b) => Err(TeamsAuthError::Malformed(
            "the token carries two different serviceUrl claims",
        )),
        (a, b) => Ok(a.or(b).map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer_token(Some("Bearer a.b.c")), Ok("a.b.c"));
        assert_eq!(bearer_token(Some("bearer  a.b.c ")), Ok("a.b.c"));
        assert_eq!(bearer_token(None), Err(TeamsAuthError::MissingHeader));
        assert_eq!(bearer_token(Some("  ")), Err(TeamsAuthError::MissingHeader));
        assert!(matches!(
            bearer_token(Some("Basic dXNlcg==")),
            Err(TeamsAuthError::Malformed(_))
        ));
        assert!(matches!(
            bearer_token(Some("Bearer")),
            Err(TeamsAuthError::Malformed(_))
        ));
        assert!(matches!(
            bearer_token(Some("Bearer a b")),
            Err(TeamsAuthError::Malformed(_))
        ));
    }

    #[test]
    fn service_urls_compare_without_one_trailing_slash() {
        assert!(same_service_url(
            "https://smba.trafficmanager.net/amer/",
            "https://smba.trafficmanager.net/amer"
        ));
        assert!(same_service_url(
            "https://SMBA.trafficmanager.net/amer",
            "https://smba.trafficmanager.net/amer"
        ));
        assert!(!same_service_url(
            "https://smba.trafficmanager.net/amer/",
            "https://smba.trafficmanager.net/emea/"
        ));
        assert!(!same_service_url(
            "https://evil.example/amer/",
            "https://smba.trafficmanager.net/amer/"
        ));
    }

    fn token(endorsements: &[&str], service_url: Option<&str>) -> VerifiedToken {
        VerifiedToken {
            app_id: "app".into(),
            issuer: BOT_FRAMEWORK_ISSUER.into(),
            issued_by: Issuer::BotFramework,
            service_url: service_url.map(str::to_owned),
            endorsements: endorsements.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn activities_must_match_endorsements_and_service_url() {
        let url = "https://smba.trafficmanager.net/amer/";
        assert_eq!(
            token(&["msteams"], Some(url)).check_activity("msteams", url),
            Ok(())
        );
        assert_eq!(
            token(&["msteams"], Some(url)).check_activity("skype", url),
            Err(TeamsAuthError::EndorsementMissing {
                channel: "skype".into()
            })
        );
        // A key without endorsements (Entra ID's) checks no channel.
        assert_eq!(token(&[], Some(url)).check_activity("msteams", url), Ok(()));
        assert_eq!(
            token(&["msteams"], None).check_activity("msteams", url),
            Err(TeamsAuthError::ServiceUrlMismatch)
        );
    }

    #[test]
    fn entra_tokens_need_no_service_url_but_a_wrong_one_is_refused() {
        let url = "https://smba.trafficmanager.net/amer/";
        let entra = |service_url: Option<&str>| VerifiedToken {
            issued_by: Issuer::EntraTenant,
            ..token(&[], service_url)
        };
        assert_eq!(entra(None).check_activity("msteams", url), Ok(()));
        assert_eq!(entra(Some(url)).check_activity("msteams", url), Ok(()));
        assert_eq!(
            entra(Some("https://evil.example/amer/")).check_activity("msteams", url),
            Err(TeamsAuthError::ServiceUrlMismatch)
        );
        // A Bot Framework token without the claim is refused, as before.
        assert_eq!(
            token(&[], None).check_activity("msteams", url),
            Err(TeamsAuthError::ServiceUrlMismatch)
        );
    }

    #[test]
    fn an_entra_tid_must_name_the_tenant_when_present() {
        let tenant = "11111111-2222-3333-4444-555555555555";
        let with = |tid: Value| Map::from_iter([("tid".to_owned(), tid)]);
        assert_eq!(check_tenant(&Map::new(), tenant), Ok(()));
        assert_eq!(check_tenant(&with(Value::from(tenant)), tenant), Ok(()));
        assert_eq!(
            check_tenant(&with(Value::from(tenant.to_uppercase())), tenant),
            Ok(())
        );
        assert_eq!(
            check_tenant(
                &with(Value::from("99999999-2222-3333-4444-555555555555")),
                tenant
            ),
            Err(TeamsAuthError::WrongTenant)
        );
        assert_eq!(
            check_tenant(&with(Value::from(7)), tenant),
            Err(TeamsAuthError::WrongTenant)
        );
    }

    #[test]
    fn the_window_allows_five_minutes_of_skew() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let claims = |exp: i64, nbf: i64| {
            let mut m = Map::new();
            m.insert("exp".into(), Value::from(exp));
            m.insert("nbf".into(), Value::from(nbf));
            m
        };
        let t = now.timestamp();
        assert_eq!(check_window(&claims(t - 299, t - 600), now), Ok(()));
        assert_eq!(
            check_window(&claims(t - 301, t - 600), now),
            Err(TeamsAuthError::Expired)
        );
        assert_eq!(check_window(&claims(t + 600, t + 299), now), Ok(()));
        assert_eq!(
            check_window(&claims(t + 600, t + 301), now),
            Err(TeamsAuthError::NotYetValid)
        );
        assert!(check_window(&Map::new(), now).is_err());
    }

    #[test]
    fn unavailable_is_the_only_retryable_refusal() {
        assert!(TeamsAuthError::KeysUnavailable("down".into()).is_unavailable());
        assert!(!TeamsAuthError::BadSignature.is_unavailable());
        assert!(!TeamsAuthError::MissingHeader.is_unavailable());
    }
}
