//! A loopback stand-in for Microsoft's side of Teams: the Bot Framework's OpenID metadata and
//! signing keys, an Entra ID tenant's OpenID metadata and keys (for single-tenant bots), the
//! token endpoint, and the connector REST API. It records every call, counts key fetches,
//! rotates keys on demand, and answers scripted failures; [`sign`] makes tokens the way the Bot
//! Framework does, and [`entra_claims`] the way Entra ID does, with test keys under
//! `tests/fixtures/teams/`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cadence::inbound::teams::auth::{BOT_FRAMEWORK_ISSUER, BotAuthConfig};
use cadence::platform::teams::connector::ConnectorConfig;
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::SecretString;
use serde_json::{Value, json};

/// The bot's Microsoft App ID in every test.
pub const APP_ID: &str = "00000000-0000-0000-0000-00000000b07a";
/// The bot's client secret in every test.
pub const APP_PASSWORD: &str = "test-app-password-not-a-secret";
/// The key id the stand-in publishes at start.
pub const KID: &str = "test-key-1";
/// The key id the stand-in's Entra ID tenants publish, and only they.
pub const ENTRA_KID: &str = "entra-key-1";

/// A test RSA key pair (test-only; see `tests/fixtures/teams/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKey {
    /// The key the stand-in publishes and [`sign`] uses.
    Signing,
    /// A key nobody publishes, for signatures that must not verify.
    Impostor,
    /// The key the Entra ID tenant metadata publishes as [`ENTRA_KID`].
    Entra,
}

impl TestKey {
    fn pem(self) -> &'static str {
        match self {
            TestKey::Signing => include_str!("../fixtures/teams/signing-key.pem"),
            TestKey::Impostor => include_str!("../fixtures/teams/impostor-key.pem"),
            TestKey::Entra => include_str!("../fixtures/teams/entra-key.pem"),
        }
    }

    fn encoding_key(self) -> EncodingKey {
        EncodingKey::from_rsa_pem(self.pem().as_bytes()).expect("test key PEM")
    }

    /// The public key's modulus and exponent, base64url, as a JWKS publishes them.
    fn public_components(self) -> (String, String) {
        let jwk = Jwk::from_encoding_key(&self.encoding_key(), Algorithm::RS256).expect("JWK");
        match jwk.algorithm {
            AlgorithmParameters::RSA(rsa) => (rsa.n, rsa.e),
            _ => panic!("test key is not RSA"),
        }
    }
}

/// A token signed RS256 with [`TestKey::Signing`] under `kid`.
pub fn sign(claims: Value, kid: &str) -> String {
    sign_with(TestKey::Signing, claims, kid)
}

/// A token signed RS256 with `key` under `kid`.
pub fn sign_with(key: TestKey, claims: Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, &claims, &key.encoding_key()).expect("sign")
}

/// The claims of a valid Bot Framework token at `now` for an activity from `service_url`.
pub fn claims(now: DateTime<Utc>, service_url: &str) -> Value {
    let now = now.timestamp();
    json!({
        "iss": BOT_FRAMEWORK_ISSUER,
        "aud": APP_ID,
        "nbf": now - 60,
        "exp": now + 3600,
        "serviceurl": service_url,
    })
}

/// The claims of a valid Entra ID token from `tenant` at `now`: issued by the tenant's v2.0
/// issuer (or its v1 `sts.windows.net` one) for the bot, with the tenant in `tid` and no
/// `serviceurl`, as Entra issues them.
pub fn entra_claims(now: DateTime<Utc>, tenant: &str, v2: bool) -> Value {
    let now = now.timestamp();
    let (iss, ver) = if v2 {
        (
            format!("https://login.microsoftonline.com/{tenant}/v2.0"),
            "2.0",
        )
    } else {
        (format!("https://sts.windows.net/{tenant}/"), "1.0")
    };
    json!({
        "iss": iss,
        "aud": APP_ID,
        "tid": tenant,
        "ver": ver,
        "nbf": now - 60,
        "exp": now + 3600,
    })
}

/// One key in the published key set.
#[derive(Debug, Clone)]
pub struct PublishedKey {
    /// Its key id.
    pub kid: String,
    /// Which test key it is.
    pub key: TestKey,
    /// Its `endorsements`, or `None` to publish none (as Entra ID's keys do).
    pub endorsements: Option<Vec<String>>,
}

/// One call the connector received.
#[derive(Debug, Clone)]
pub struct ConnectorCall {
    /// `POST` or `PUT`.
    pub method: String,
    /// The request path as sent, still percent-encoded.
    pub path: String,
    /// The conversation id, decoded.
    pub conversation_id: String,
    /// The activity id in the path, decoded, for replies and updates.
    pub activity_id: Option<String>,
    /// The bearer token.
    pub bearer: String,
    /// The JSON body.
    pub body: Value,
}

/// How the token endpoint or the connector answers one call, instead of succeeding.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// HTTP 429 with `Retry-After: seconds`.
    RateLimited(u64),
    /// A bare status; the token endpoint adds OAuth's `invalid_client` to a 4xx.
    Status(u16),
}

struct Inner {
    keys: Vec<PublishedKey>,
    keys_down: bool,
    metadata_fetches: usize,
    key_fetches: usize,
    entra_keys: Vec<PublishedKey>,
    entra_key_fetches: usize,
    expires_in: i64,
    token_requests: Vec<HashMap<String, String>>,
    token_scripts: VecDeque<Scripted>,
    issued: Vec<String>,
    calls: Vec<ConnectorCall>,
    scripts: VecDeque<Scripted>,
    next_activity: u64,
}

#[derive(Clone)]
struct Shared {
    base_url: String,
    inner: Arc<Mutex<Inner>>,
    called: Arc<tokio::sync::Notify>,
}

/// The running stand-in.
#[derive(Clone)]
pub struct TeamsStandIn {
    /// `http://127.0.0.1:port`, with no trailing slash.
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
    called: Arc<tokio::sync::Notify>,
}

impl TeamsStandIn {
    /// Starts it, publishing [`TestKey::Signing`] as [`KID`] endorsed for `msteams`, and issuing
    /// connector tokens that expire in an hour.
    pub async fn start() -> TeamsStandIn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind stand-in");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Mutex::new(Inner {
            keys: vec![PublishedKey {
                kid: KID.to_owned(),
                key: TestKey::Signing,
                endorsements: Some(vec!["msteams".to_owned()]),
            }],
            keys_down: false,
            metadata_fetches: 0,
            key_fetches: 0,
            entra_keys: vec![PublishedKey {
                kid: ENTRA_KID.to_owned(),
                key: TestKey::Entra,
                endorsements: None,
            }],
            entra_key_fetches: 0,
            expires_in: 3600,
            token_requests: Vec::new(),
            token_scripts: VecDeque::new(),
            issued: Vec::new(),
            calls: Vec::new(),
            scripts: VecDeque::new(),
            next_activity: 0,
        }));
        let called = Arc::new(tokio::sync::Notify::new());
        let shared = Shared {
            base_url: base_url.clone(),
            inner: inner.clone(),
            called: called.clone(),
        };
        let connector = Router::new()
            .route(
                "/v3/conversations/{conversation}/activities",
                post(activity),
            )
            .route(
                "/v3/conversations/{conversation}/activities/{activity}",
                post(activity).put(activity),
            );
        let app = Router::new()
            .route("/v1/.well-known/openidconfiguration", get(metadata))
            .route("/v1/.well-known/keys", get(keys))
            .route(
                "/{tenant}/v2.0/.well-known/openid-configuration",
                get(entra_metadata),
            )
            .route("/{tenant}/discovery/v2.0/keys", get(entra_keys))
            .route("/botframework.com/oauth2/v2.0/token", post(token))
            .merge(connector.clone())
            .nest("/amer", connector)
            .with_state(shared);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TeamsStandIn {
            base_url,
            inner,
            called,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("stand-in state")
    }

    /// The OpenID metadata document's URL.
    pub fn metadata_url(&self) -> String {
        format!("{}/v1/.well-known/openidconfiguration", self.base_url)
    }

    /// The OpenID metadata URL of Entra ID tenant `tenant`, shaped like Microsoft's.
    pub fn entra_metadata_url(&self, tenant: &str) -> String {
        format!(
            "{}/{tenant}/v2.0/.well-known/openid-configuration",
            self.base_url
        )
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("{}/botframework.com/oauth2/v2.0/token", self.base_url)
    }

    /// A service URL as Teams gives one: a region path ending in `/`.
    pub fn service_url(&self) -> String {
        format!("{}/amer/", self.base_url)
    }

    /// A verifier configuration for the test bot, trusting `tenant_id`'s issuers, with its keys
    /// from the stand-in's metadata for that tenant, if given.
    pub fn auth_config(&self, tenant_id: Option<&str>) -> BotAuthConfig {
        BotAuthConfig {
            app_id: APP_ID.to_owned(),
            tenant_id: tenant_id.map(str::to_owned),
            openid_metadata_url: self.metadata_url(),
            entra_openid_metadata_url: tenant_id.map(|t| self.entra_metadata_url(t)),
        }
    }

    /// A connector configuration with the test bot's credentials.
    pub fn connector_config(&self) -> ConnectorConfig {
        ConnectorConfig {
            app_id: APP_ID.to_owned(),
            app_password: SecretString::from(APP_PASSWORD),
            token_url: self.token_url(),
        }
    }

    /// How many times the metadata document was fetched.
    pub fn metadata_fetches(&self) -> usize {
        self.lock().metadata_fetches
    }

    /// How many times the key set was fetched.
    pub fn key_fetches(&self) -> usize {
        self.lock().key_fetches
    }

    /// How many times an Entra ID tenant's key set was fetched.
    pub fn entra_key_fetches(&self) -> usize {
        self.lock().entra_key_fetches
    }

    /// Publishes `key` as `kid` (replacing a key of that id) with `endorsements`.
    pub fn publish(&self, kid: &str, key: TestKey, endorsements: Option<&[&str]>) {
        let mut inner = self.lock();
        inner.keys.retain(|k| k.kid != kid);
        inner.keys.push(PublishedKey {
            kid: kid.to_owned(),
            key,
            endorsements: endorsements.map(|e| e.iter().map(|s| (*s).to_owned()).collect()),
        });
    }

    /// Rotates: the signing key is now published only as `kid`, endorsed for `msteams`.
    pub fn rotate(&self, kid: &str) {
        self.lock().keys.clear();
        self.publish(kid, TestKey::Signing, Some(&["msteams"]));
    }

    /// Makes the key set answer 503 (`true`) or serve again (`false`).
    pub fn set_keys_down(&self, down: bool) {
        self.lock().keys_down = down;
    }

    /// Makes later connector tokens expire in `seconds`.
    pub fn set_expires_in(&self, seconds: i64) {
        self.lock().expires_in = seconds;
    }

    /// Every form posted to the token endpoint.
    pub fn token_requests(&self) -> Vec<HashMap<String, String>> {
        self.lock().token_requests.clone()
    }

    /// Every connector token issued, in order.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.lock().issued.clone()
    }

    /// Makes the next token requests answer as scripted, in order.
    pub fn script_token(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.lock().token_scripts.extend(answers);
    }

    /// Every connector call so far.
    pub fn calls(&self) -> Vec<ConnectorCall> {
        self.lock().calls.clone()
    }

    /// Waits until `done` holds of the connector calls, woken by each call; panics after
    /// `within`.
    pub async fn wait_until(
        &self,
        within: std::time::Duration,
        done: impl Fn(&[ConnectorCall]) -> bool,
    ) -> Vec<ConnectorCall> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let called = self.called.notified();
            tokio::pin!(called);
            called.as_mut().enable();
            let calls = self.calls();
            if done(&calls) {
                return calls;
            }
            let woken = tokio::time::timeout_at(deadline, called).await;
            assert!(woken.is_ok(), "connector calls never got there: {calls:?}");
        }
    }

    /// Makes the next connector calls answer as scripted, in order; later calls succeed.
    pub fn script(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.lock().scripts.extend(answers);
    }
}

async fn metadata(State(shared): State<Shared>) -> Response {
    shared.inner.lock().expect("inner").metadata_fetches += 1;
    // The shape of https://login.botframework.com/v1/.well-known/openidconfiguration.
    axum::Json(json!({
        "issuer": BOT_FRAMEWORK_ISSUER,
        "authorization_endpoint": "https://invalid.botframework.com",
        "jwks_uri": format!("{}/v1/.well-known/keys", shared.base_url),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }))
    .into_response()
}

async fn keys(State(shared): State<Shared>) -> Response {
    let published = {
        let mut inner = shared.inner.lock().expect("inner");
        inner.key_fetches += 1;
        if inner.keys_down {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        inner.keys.clone()
    };
    key_set(&published)
}

async fn entra_metadata(State(shared): State<Shared>, Path(tenant): Path<String>) -> Response {
    // The shape of https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration.
    axum::Json(json!({
        "issuer": format!("https://login.microsoftonline.com/{tenant}/v2.0"),
        "token_endpoint": format!("{}/{tenant}/oauth2/v2.0/token", shared.base_url),
        "jwks_uri": format!("{}/{tenant}/discovery/v2.0/keys", shared.base_url),
        "id_token_signing_alg_values_supported": ["RS256"],
        "tenant_region_scope": "EU",
    }))
    .into_response()
}

async fn entra_keys(State(shared): State<Shared>) -> Response {
    let published = {
        let mut inner = shared.inner.lock().expect("inner");
        inner.entra_key_fetches += 1;
        inner.entra_keys.clone()
    };
    key_set(&published)
}

/// A JWKS document publishing `published`.
fn key_set(published: &[PublishedKey]) -> Response {
    let keys: Vec<Value> = published
        .iter()
        .map(|published| {
            let (n, e) = published.key.public_components();
            let mut key = json!({
                "kty": "RSA",
                "use": "sig",
                "kid": published.kid,
                "x5t": published.kid,
                "n": n,
                "e": e,
            });
            if let Some(endorsements) = &published.endorsements {
                key["endorsements"] = json!(endorsements);
            }
            key
        })
        .collect();
    axum::Json(json!({ "keys": keys })).into_response()
}

async fn token(State(shared): State<Shared>, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut inner = shared.inner.lock().expect("inner");
    inner.token_requests.push(form.clone());
    match inner.token_scripts.pop_front() {
        Some(Scripted::RateLimited(seconds)) => return rate_limited(seconds),
        Some(Scripted::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if status.is_client_error() {
                return oauth_error(status);
            }
            return status.into_response();
        }
        None => {}
    }
    let credentials_ok = form.get("client_id").map(String::as_str) == Some(APP_ID)
        && form.get("client_secret").map(String::as_str) == Some(APP_PASSWORD)
        && form.get("grant_type").map(String::as_str) == Some("client_credentials");
    if !credentials_ok {
        return oauth_error(StatusCode::UNAUTHORIZED);
    }
    let access_token = format!("teams-token-{}", inner.issued.len() + 1);
    inner.issued.push(access_token.clone());
    axum::Json(json!({
        "token_type": "Bearer",
        "expires_in": inner.expires_in,
        "ext_expires_in": inner.expires_in,
        "access_token": access_token,
    }))
    .into_response()
}

fn oauth_error(status: StatusCode) -> Response {
    let body = json!({
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.",
    });
    (status, axum::Json(body)).into_response()
}

fn rate_limited(seconds: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after", seconds.to_string())],
        "",
    )
        .into_response()
}

async fn activity(
    State(shared): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    Path(ids): Path<Vec<String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let answer = answer_activity(&shared, method, uri, ids, bearer, &body);
    shared.called.notify_waiters();
    answer
}

fn answer_activity(
    shared: &Shared,
    method: Method,
    uri: axum::http::Uri,
    ids: Vec<String>,
    bearer: String,
    body: &[u8],
) -> Response {
    let mut inner = shared.inner.lock().expect("inner");
    inner.calls.push(ConnectorCall {
        method: method.to_string(),
        path: uri.path().to_owned(),
        conversation_id: ids.first().cloned().unwrap_or_default(),
        activity_id: ids.get(1).cloned(),
        bearer: bearer.clone(),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
    });
    match inner.scripts.pop_front() {
        Some(Scripted::RateLimited(seconds)) => return rate_limited(seconds),
        Some(Scripted::Status(code)) => {
            return StatusCode::from_u16(code)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
        None => {}
    }
    if !inner.issued.contains(&bearer) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let id = match (method, ids.get(1)) {
        (Method::PUT, Some(activity_id)) => activity_id.clone(),
        _ => {
            inner.next_activity += 1;
            format!("1:activity-{}", inner.next_activity)
        }
    };
    axum::Json(json!({ "id": id })).into_response()
}
