//! Verifies the Bot Framework JWT on every request the Teams connector sends to the bot.
//!
//! The rules are Microsoft's "Connector to Bot" checks
//! (<https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication>):
//! a `Bearer` RS256 token signed by a key from the OpenID metadata's `jwks_uri`, issued by
//! `https://api.botframework.com` (or, for a single-tenant bot, by Entra ID for the configured
//! tenant), addressed to our app id, inside its validity window with five minutes of clock skew;
//! then the signing key's `endorsements` must include the activity's `channelId`, and the token's
//! `serviceurl` claim must equal the activity's `serviceUrl`, so a valid token cannot be replayed
//! to make the bot post somewhere else.
//!
//! Verification is split in two because the route must check the token before it parses the
//! body: [`BotAuthenticator::verify`] takes only the header, and
//! [`VerifiedToken::check_activity`] takes what the parsed activity says.
//!
//! Signing keys are cached for a day. A token naming an unknown key id triggers one refetch (a
//! rotation), but at most once per [`UNKNOWN_KID_REFETCH`], so a flood of forged tokens cannot
//! make us hammer Microsoft's endpoints.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The issuer of tokens minted by the Bot Framework itself.
pub const BOT_FRAMEWORK_ISSUER: &str = "https://api.botframework.com";
/// Microsoft's OpenID metadata document for the public cloud.
pub const BOT_FRAMEWORK_OPENID_METADATA_URL: &str =
    "https://login.botframework.com/v1/.well-known/openidconfiguration";
/// Clock skew tolerated on `exp` and `nbf`; Microsoft calls five minutes industry standard.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// How long fetched signing keys are trusted before they are fetched again.
pub const KEYS_MAX_AGE: Duration = Duration::hours(24);
/// The least time between two refetches caused by an unknown key id.
pub const UNKNOWN_KID_REFETCH: Duration = Duration::minutes(5);
/// How long one fetch of the metadata or the keys may take.
const FETCH_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// What the verifier needs to know about the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotAuthConfig {
    /// The bot's Microsoft App ID: every token's `aud` must equal it.
    pub app_id: String,
    /// The Entra ID tenant of a single-tenant bot, whose issuers are then accepted too.
    pub tenant_id: Option<String>,
    /// Where the OpenID metadata document lives ([`BOT_FRAMEWORK_OPENID_METADATA_URL`] in
    /// production, a loopback stand-in in tests).
    pub openid_metadata_url: String,
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
    /// No published signing key has the token's key id, even after a refetch.
    #[error("no published signing key has the token's key id")]
    UnknownKey,
    /// The signature does not verify with the key the token names.
    #[error("the token's signature does not verify")]
    BadSignature,
    /// The token comes from an issuer the bot does not trust.
    #[error("the token's issuer is not accepted")]
    WrongIssuer,
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
    /// The token's `serviceurl` claim is absent or differs from the activity's `serviceUrl`.
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
    /// `service_url`, ignoring one trailing slash and ASCII case (as the .NET SDK compares).
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
        match &self.service_url {
            Some(claimed) if same_service_url(claimed, service_url) => Ok(()),
            _ => Err(TeamsAuthError::ServiceUrlMismatch),
        }
    }
}

/// Whether two service URLs are the same, ignoring one trailing slash and ASCII case.
fn same_service_url(a: &str, b: &str) -> bool {
    let trim = |s: &str| s.strip_suffix('/').unwrap_or(s).to_owned();
    trim(a).eq_ignore_ascii_case(&trim(b))
}

/// Verifies Bot Framework tokens, with the signing keys cached. Cheap to clone.
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
    /// Every issuer accepted: the Bot Framework's, and the tenant's when one is configured.
    issuers: Vec<String>,
    /// The key cache. Held across a fetch, so only one fetch runs at a time and everyone who
    /// waited sees its result.
    keys: tokio::sync::Mutex<KeyCache>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, SigningKey>,
    /// When the keys were last fetched; `None` before the first success.
    fetched_at: Option<DateTime<Utc>>,
    /// When an unknown key id last caused a refetch.
    unknown_kid_refetch_at: Option<DateTime<Utc>>,
    /// Whether the metadata allows RS256 (`id_token_signing_alg_values_supported`).
    rs256_allowed: bool,
}

#[derive(Clone)]
struct SigningKey {
    key: DecodingKey,
    endorsements: Vec<String>,
}

/// The fields of the OpenID metadata document that matter here.
#[derive(Deserialize)]
struct OpenIdMetadata {
    jwks_uri: Option<String>,
    id_token_signing_alg_values_supported: Option<Vec<String>>,
}

/// A JWKS document; Microsoft adds `endorsements` to each key.
#[derive(Deserialize)]
struct KeySet {
    #[serde(default)]
    keys: Vec<PublishedKey>,
}

#[derive(Deserialize)]
struct PublishedKey {
    kty: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    kid: Option<String>,
    n: Option<String>,
    e: Option<String>,
    #[serde(default)]
    endorsements: Vec<String>,
}

/// A freshly fetched key set.
struct Fetched {
    keys: HashMap<String, SigningKey>,
    rs256_allowed: bool,
}

impl BotAuthenticator {
    /// A verifier for `config`, fetching keys with `http`.
    pub fn new(config: BotAuthConfig, http: reqwest::Client) -> Self {
        let mut issuers = vec![BOT_FRAMEWORK_ISSUER.to_owned()];
        if let Some(tenant) = config.tenant_id.as_deref().filter(|t| !t.is_empty()) {
            issuers.push(format!("https://sts.windows.net/{tenant}/"));
            issuers.push(format!("https://login.microsoftonline.com/{tenant}/v2.0"));
        }
        BotAuthenticator {
            inner: Arc::new(Inner {
                config,
                http,
                issuers,
                keys: tokio::sync::Mutex::new(KeyCache::default()),
            }),
        }
    }

    /// Verifies the `Authorization` header's token at `now`: its form, key, signature, issuer,
    /// audience and validity window. The activity is checked afterwards with
    /// [`VerifiedToken::check_activity`].
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
        let key = self.signing_key(&kid, now).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&self.inner.issuers);
        validation.set_audience(&[&self.inner.config.app_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        // The window is checked below against the injected `now`, not the system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|e| classify(e.kind()))?
            .claims;

        check_window(&claims, now)?;
        let issuer = claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or(TeamsAuthError::WrongIssuer)?
            .to_owned();
        Ok(VerifiedToken {
            app_id: self.inner.config.app_id.clone(),
            issuer,
            service_url: service_url_claim(&claims)?,
            endorsements: key.endorsements,
        })
    }

    /// The key named `kid`, from the cache or a fetch.
    async fn signing_key(
        &self,
        kid: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningKey, TeamsAuthError> {
        let mut cache = self.inner.keys.lock().await;
        let stale = cache
            .fetched_at
            .is_none_or(|at| now.signed_duration_since(at) >= KEYS_MAX_AGE);
        if stale {
            match self.fetch_keys().await {
                Ok(fetched) => cache.replace(fetched, now),
                // Day-old keys still verify the tokens they signed: keep serving a known key
                // while Microsoft is unreachable rather than refuse every request.
                Err(error) if cache.keys.contains_key(kid) => {
                    tracing::warn!(%error, "could not refresh Bot Framework signing keys; using cached keys");
                }
                Err(error) => return Err(error),
            }
        }
        if let Some(key) = cache.usable(kid) {
            return Ok(key);
        }
        if stale {
            // Just fetched: a second fetch would say the same.
            return Err(TeamsAuthError::UnknownKey);
        }
        let throttled = cache
            .unknown_kid_refetch_at
            .is_some_and(|at| now.signed_duration_since(at) < UNKNOWN_KID_REFETCH);
        if throttled {
            return Err(TeamsAuthError::UnknownKey);
        }
        cache.unknown_kid_refetch_at = Some(now);
        let fetched = self.fetch_keys().await?;
        cache.replace(fetched, now);
        cache.usable(kid).ok_or(TeamsAuthError::UnknownKey)
    }

    /// Fetches the metadata document, then the key set it points to.
    async fn fetch_keys(&self) -> Result<Fetched, TeamsAuthError> {
        let metadata: OpenIdMetadata = self
            .get_json(&self.inner.config.openid_metadata_url)
            .await?;
        let jwks_uri = metadata.jwks_uri.ok_or_else(|| {
            TeamsAuthError::KeysUnavailable("the OpenID metadata has no jwks_uri".to_owned())
        })?;
        let rs256_allowed = metadata
            .id_token_signing_alg_values_supported
            .is_none_or(|algs| algs.iter().any(|a| a == "RS256"));
        let set: KeySet = self.get_json(&jwks_uri).await?;
        let keys: HashMap<String, SigningKey> = set
            .keys
            .into_iter()
            .filter_map(|published| {
                let is_rsa = published.kty.as_deref() == Some("RSA");
                let for_signing = published.usage.as_deref().is_none_or(|u| u == "sig");
                if !is_rsa || !for_signing {
                    return None;
                }
                let key = DecodingKey::from_rsa_components(
                    published.n.as_deref()?,
                    published.e.as_deref()?,
                )
                .ok()?;
                let signing = SigningKey {
                    key,
                    endorsements: published.endorsements,
                };
                Some((published.kid?, signing))
            })
            .collect();
        if keys.is_empty() {
            return Err(TeamsAuthError::KeysUnavailable(
                "the key set has no usable RSA signing key".to_owned(),
            ));
        }
        tracing::info!(keys = keys.len(), "fetched Bot Framework signing keys");
        Ok(Fetched {
            keys,
            rs256_allowed,
        })
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, TeamsAuthError> {
        let unavailable = |what: String| TeamsAuthError::KeysUnavailable(what);
        let response = self
            .inner
            .http
            .get(url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable(format!("GET {url}: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(unavailable(format!("GET {url}: HTTP {status}")));
        }
        response
            .json::<T>()
            .await
            .map_err(|e| unavailable(format!("GET {url}: unreadable answer: {e}")))
    }
}

impl KeyCache {
    fn replace(&mut self, fetched: Fetched, now: DateTime<Utc>) {
        self.keys = fetched.keys;
        self.rs256_allowed = fetched.rs256_allowed;
        self.fetched_at = Some(now);
    }

    /// The key named `kid`, if it may sign an RS256 token.
    fn usable(&self, kid: &str) -> Option<SigningKey> {
        self.keys.get(kid).filter(|_| self.rs256_allowed).cloned()
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
