//! A loopback stand-in for Microsoft's side of Teams, served in-process for `cadence demo
//! --teams`: the Bot Framework's OpenID metadata and signing keys (publishing the demo's own
//! key, endorsed for `msteams`), the token endpoint (which checks the bot's id and the password
//! generated for the run), and the connector that receives what Cadence posts, replies and
//! updates. [`TeamsStandIn::sign`] makes the JWT the Bot Framework would put on an activity.
//!
//! The key (`demo-bot-key.pem`, generated once with `openssl genrsa 2048`) signs the demo's
//! activities and nothing else: Cadence trusts it only when its metadata URL points here.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::inbound::teams::auth::BOT_FRAMEWORK_ISSUER;

/// The demo key's id in the published key set.
const KID: &str = "cadence-demo-key";
/// The demo's bot key (see the module comment).
const KEY_PEM: &str = include_str!("demo-bot-key.pem");

/// One connector call the stand-in answered.
#[derive(Debug, Clone)]
pub struct ConnectorCall {
    /// `POST` (a new message, or a reply when `activity` is set) or `PUT` (an update).
    pub method: String,
    /// The conversation, as the path names it (decoded).
    pub conversation: String,
    /// The activity the path names: the one replied to or replaced.
    pub activity: Option<String>,
    /// The activity Cadence sent.
    pub body: Value,
    /// The id the connector gave it (for an update, the id it replaced).
    pub id: String,
}

#[derive(Default)]
struct Record {
    calls: Vec<ConnectorCall>,
    tokens: Vec<String>,
    serial: u64,
}

#[derive(Clone)]
struct Shared {
    base_url: String,
    app_id: String,
    app_password: String,
    /// The published key: its modulus and exponent, base64url.
    public: (String, String),
    record: Arc<Mutex<Record>>,
    called: Arc<Notify>,
}

/// The running stand-in; [`stop`](Self::stop) ends it.
#[derive(Clone)]
pub struct TeamsStandIn {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    key: EncodingKey,
    app_id: String,
    shared: Shared,
    shutdown: CancellationToken,
}

impl TeamsStandIn {
    /// Serves the stand-in on a free loopback port for the bot `app_id`, whose client secret
    /// is `app_password`.
    pub async fn start(app_id: &str, app_password: &str) -> Result<TeamsStandIn, StandInError> {
        let key = EncodingKey::from_rsa_pem(KEY_PEM.as_bytes())?;
        let public = match Jwk::from_encoding_key(&key, Algorithm::RS256)?.algorithm {
            AlgorithmParameters::RSA(rsa) => (rsa.n, rsa.e),
            _ => return Err(StandInError::NotRsa),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let shared = Shared {
            base_url: base_url.clone(),
            app_id: app_id.to_owned(),
            app_password: app_password.to_owned(),
            public,
            record: Arc::default(),
            called: Arc::default(),
        };
        let app = Router::new()
            .route("/v1/.well-known/openidconfiguration", get(metadata))
            .route("/v1/.well-known/keys", get(keys))
            .route("/botframework.com/oauth2/v2.0/token", post(token))
            .route(
                "/v3/conversations/{conversation}/activities",
                post(activity),
            )
            .route(
                "/v3/conversations/{conversation}/activities/{activity}",
                post(activity).put(activity),
            )
            .with_state(shared.clone());
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(stop.cancelled_owned())
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "the demo's Teams stand-in stopped");
            }
        });
        Ok(TeamsStandIn {
            base_url,
            key,
            app_id: app_id.to_owned(),
            shared,
            shutdown,
        })
    }

    /// Where the Bot Framework's OpenID metadata is (`TEAMS_OPENID_METADATA_URL`).
    pub fn metadata_url(&self) -> String {
        format!("{}/v1/.well-known/openidconfiguration", self.base_url)
    }

    /// Where connector tokens come from (`TEAMS_TOKEN_URL`).
    pub fn token_url(&self) -> String {
        format!("{}/botframework.com/oauth2/v2.0/token", self.base_url)
    }

    /// The connector's address as activities carry it (`serviceUrl`, ending in `/`).
    pub fn service_url(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// The `Authorization` value the Bot Framework puts on an activity sent at `now`: an RS256
    /// token from its issuer, for the bot, vouching for this connector's service URL.
    pub fn sign(&self, now: DateTime<Utc>) -> Result<String, StandInError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KID.to_owned());
        let claims = json!({
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": self.app_id,
            "nbf": now.timestamp() - 60,
            "exp": now.timestamp() + 3600,
            "serviceurl": self.service_url(),
        });
        let token = jsonwebtoken::encode(&header, &claims, &self.key)?;
        Ok(format!("Bearer {token}"))
    }

    /// The connector calls from the `from`-th on (0 for all), in the order they arrived.
    pub fn calls_since(&self, from: usize) -> Vec<ConnectorCall> {
        let record = self
            .shared
            .record
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        record.calls.iter().skip(from).cloned().collect()
    }

    /// Rung at every connector call.
    pub fn called(&self) -> Arc<Notify> {
        self.shared.called.clone()
    }

    /// Stops serving.
    pub fn stop(&self) {
        self.shutdown.cancel();
    }
}

/// Why the Teams stand-in could not start or sign.
#[derive(Debug, thiserror::Error)]
pub enum StandInError {
    /// The loopback listener.
    #[error("listening on loopback: {0}")]
    Listen(#[from] std::io::Error),
    /// The demo key could not be read or used.
    #[error("the demo bot key: {0}")]
    Key(#[from] jsonwebtoken::errors::Error),
    /// The demo key is not an RSA key, which the Bot Framework's RS256 needs.
    #[error("the demo bot key is not an RSA key")]
    NotRsa,
}

async fn metadata(State(shared): State<Shared>) -> Response {
    // The shape of https://login.botframework.com/v1/.well-known/openidconfiguration.
    axum::Json(json!({
        "issuer": BOT_FRAMEWORK_ISSUER,
        "jwks_uri": format!("{}/v1/.well-known/keys", shared.base_url),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }))
    .into_response()
}

async fn keys(State(shared): State<Shared>) -> Response {
    let (n, e) = &shared.public;
    axum::Json(json!({ "keys": [{
        "kty": "RSA", "use": "sig", "kid": KID, "x5t": KID, "n": n, "e": e,
        "endorsements": ["msteams"],
    }] }))
    .into_response()
}

/// Client credentials for the bot's id and the run's password, as Entra ID checks them.
async fn token(State(shared): State<Shared>, body: Bytes) -> Response {
    let form: std::collections::HashMap<String, String> =
        serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| form.get(name).map(String::as_str);
    let known = field("grant_type") == Some("client_credentials")
        && field("client_id") == Some(shared.app_id.as_str())
        && field("client_secret") == Some(shared.app_password.as_str());
    if !known {
        let refused = json!({ "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided." });
        return (StatusCode::UNAUTHORIZED, axum::Json(refused)).into_response();
    }
    let mut record = shared.record.lock().unwrap_or_else(PoisonError::into_inner);
    record.serial += 1;
    let token = format!("demo-connector-token-{}", record.serial);
    record.tokens.push(token.clone());
    axum::Json(json!({ "token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token }))
        .into_response()
}

async fn activity(
    State(shared): State<Shared>,
    method: Method,
    Path(ids): Path<Vec<String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let answer = {
        let mut record = shared.record.lock().unwrap_or_else(PoisonError::into_inner);
        if !record.tokens.iter().any(|t| t == bearer) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
        record.serial += 1;
        let activity = ids.get(1).cloned();
        let id = match (&method, &activity) {
            (&Method::PUT, Some(replaced)) => replaced.clone(),
            _ => format!("1:demo-activity-{}", record.serial),
        };
        record.calls.push(ConnectorCall {
            method: method.to_string(),
            conversation: ids.first().cloned().unwrap_or_default(),
            activity,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            id: id.clone(),
        });
        json!({ "id": id })
    };
    shared.called.notify_waiters();
    axum::Json(answer).into_response()
}
