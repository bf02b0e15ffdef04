//! One issuer's published signing keys: its OpenID metadata document, the key set that names,
//! and a cache of both.
//!
//! Keys are cached for [`KEYS_MAX_AGE`]. A token naming an unknown key id triggers one refetch (a
//! rotation), but at most once per [`UNKNOWN_KID_REFETCH`] for each issuer, so a flood of forged
//! tokens cannot make us hammer Microsoft's endpoints. While Microsoft is unreachable, a cached
//! key keeps verifying the tokens it signed rather than every request being refused.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{FETCH_TIMEOUT, KEYS_MAX_AGE, TeamsAuthError, UNKNOWN_KID_REFETCH};

/// One issuer's keys.
pub(super) struct KeySource {
    /// Whose keys these are, for logs.
    name: &'static str,
    /// Where the issuer's OpenID metadata document lives.
    metadata_url: String,
    /// Held across a fetch, so only one fetch runs at a time and everyone who waited sees its
    /// result.
    cache: tokio::sync::Mutex<KeyCache>,
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

/// A published key that may sign tokens.
#[derive(Clone)]
pub(super) struct SigningKey {
    /// The RSA public key.
    pub key: DecodingKey,
    /// The channels it is endorsed for (Bot Framework keys); empty for Entra ID keys.
    pub endorsements: Vec<String>,
}

/// The fields of the OpenID metadata document that matter here.
#[derive(Deserialize)]
struct OpenIdMetadata {
    jwks_uri: Option<String>,
    id_token_signing_alg_values_supported: Option<Vec<String>>,
}

/// A JWKS document; the Bot Framework adds `endorsements` to each key.
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

impl KeySource {
    /// The keys published through the OpenID metadata at `metadata_url`.
    pub(super) fn new(name: &'static str, metadata_url: String) -> KeySource {
        KeySource {
            name,
            metadata_url,
            cache: tokio::sync::Mutex::new(KeyCache::default()),
        }
    }

    /// The key named `kid`, from the cache or a fetch.
    pub(super) async fn signing_key(
        &self,
        http: &reqwest::Client,
        kid: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningKey, TeamsAuthError> {
        let mut cache = self.cache.lock().await;
        let stale = cache
            .fetched_at
            .is_none_or(|at| now.signed_duration_since(at) >= KEYS_MAX_AGE);
        if stale {
            match self.fetch(http).await {
                Ok(fetched) => cache.replace(fetched, now),
                // Day-old keys still verify the tokens they signed: keep serving a known key
                // while Microsoft is unreachable rather than refuse every request.
                Err(error) if cache.keys.contains_key(kid) => {
                    tracing::warn!(%error, source = self.name, "could not refresh signing keys; using cached keys");
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
        let fetched = self.fetch(http).await?;
        cache.replace(fetched, now);
        cache.usable(kid).ok_or(TeamsAuthError::UnknownKey)
    }

    /// Fetches the metadata document, then the key set it points to.
    async fn fetch(&self, http: &reqwest::Client) -> Result<Fetched, TeamsAuthError> {
        let metadata: OpenIdMetadata = get_json(http, &self.metadata_url).await?;
        let jwks_uri = metadata.jwks_uri.ok_or_else(|| {
            TeamsAuthError::KeysUnavailable("the OpenID metadata has no jwks_uri".to_owned())
        })?;
        let rs256_allowed = metadata
            .id_token_signing_alg_values_supported
            .is_none_or(|algs| algs.iter().any(|a| a == "RS256"));
        let set: KeySet = get_json(http, &jwks_uri).await?;
        let keys: HashMap<String, SigningKey> =
            set.keys.into_iter().filter_map(signing_key).collect();
        if keys.is_empty() {
            return Err(TeamsAuthError::KeysUnavailable(
                "the key set has no usable RSA signing key".to_owned(),
            ));
        }
        tracing::info!(
            keys = keys.len(),
            source = self.name,
            "fetched signing keys"
        );
        Ok(Fetched {
            keys,
            rs256_allowed,
        })
    }
}

/// A published key as a signing key, if it is an RSA key for signatures with a key id.
fn signing_key(published: PublishedKey) -> Option<(String, SigningKey)> {
    let is_rsa = published.kty.as_deref() == Some("RSA");
    let for_signing = published.usage.as_deref().is_none_or(|u| u == "sig");
    if !is_rsa || !for_signing {
        return None;
    }
    let key =
        DecodingKey::from_rsa_components(published.n.as_deref()?, published.e.as_deref()?).ok()?;
    let signing = SigningKey {
        key,
        endorsements: published.endorsements,
    };
    Some((published.kid?, signing))
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

async fn get_json<T: DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T, TeamsAuthError> {
    let unavailable = |what: String| TeamsAuthError::KeysUnavailable(what);
    let response = http
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
