//! A loopback stand-in for the Slack Web API, served in-process for `cadence demo`: it answers
//! the methods Cadence calls as Slack answers them (a `ts` for a post, an id for an opened view)
//! and keeps every call with its answer, in order, so the demo can show the channel exactly as
//! Cadence posted it. It never fails on purpose: the tests' stand-in (`tests/api/`) scripts
//! errors, rate limits and dropped connections; the demo only needs Slack to be there.

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The workspace the stand-in's bot token belongs to (what `auth.test` answers).
pub const WORKSPACE: &str = "T07ACME";

/// One Web API call the stand-in answered.
#[derive(Debug, Clone)]
pub struct SlackCall {
    /// The method, e.g. `chat.postMessage`.
    pub method: String,
    /// Its arguments: the JSON body, or the form as a JSON object.
    pub args: Value,
    /// What the stand-in answered.
    pub answer: Value,
}

#[derive(Default)]
struct Record {
    calls: Vec<SlackCall>,
    /// Numbers the message timestamps and view ids it hands out.
    serial: u64,
}

#[derive(Clone, Default)]
struct Shared {
    record: Arc<Mutex<Record>>,
    called: Arc<Notify>,
}

/// The running stand-in; [`stop`](Self::stop) ends it.
#[derive(Clone)]
pub struct SlackStandIn {
    /// The base URL to configure as `SLACK_API_BASE_URL` (ends in `/api/`).
    pub base_url: String,
    shared: Shared,
    shutdown: CancellationToken,
}

impl SlackStandIn {
    /// Serves the stand-in on a free loopback port.
    pub async fn start() -> std::io::Result<SlackStandIn> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Shared::default();
        let app = Router::new()
            .route("/api/users.info", get(users_info))
            .route("/api/{method}", post(method))
            .with_state(shared.clone());
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(stop.cancelled_owned())
                .await;
            if let Err(error) = served {
                tracing::warn!(%error, "the demo's Slack stand-in stopped");
            }
        });
        Ok(SlackStandIn {
            base_url: format!("http://{addr}/api/"),
            shared,
            shutdown,
        })
    }

    /// The calls from the `from`-th on (0 for all), in the order they arrived.
    pub fn calls_since(&self, from: usize) -> Vec<SlackCall> {
        let record = self
            .shared
            .record
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        record.calls.iter().skip(from).cloned().collect()
    }

    /// Rung at every call, so a waiter looks again as soon as one is in.
    pub fn called(&self) -> Arc<Notify> {
        self.shared.called.clone()
    }

    /// Stops serving.
    pub fn stop(&self) {
        self.shutdown.cancel();
    }
}

/// The arguments of a call: Cadence sends JSON, except for a few form-encoded methods.
fn arguments(headers: &HeaderMap, body: &[u8]) -> Value {
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if json {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

async fn method(
    State(shared): State<Shared>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::Json<Value> {
    let args = arguments(&headers, &body);
    axum::Json(answer(&shared, method, args))
}

async fn users_info(
    State(shared): State<Shared>,
    Query(args): Query<serde_json::Map<String, Value>>,
) -> axum::Json<Value> {
    axum::Json(answer(
        &shared,
        "users.info".to_owned(),
        Value::Object(args),
    ))
}

/// Answers as Slack does and keeps the call.
fn answer(shared: &Shared, method: String, args: Value) -> Value {
    let answer = {
        let mut record = shared.record.lock().unwrap_or_else(PoisonError::into_inner);
        record.serial += 1;
        let answer = reply(&method, &args, record.serial);
        record.calls.push(SlackCall {
            method,
            args,
            answer: answer.clone(),
        });
        answer
    };
    shared.called.notify_waiters();
    answer
}

/// Slack's answer to `method`; `serial` makes timestamps and view ids unique.
fn reply(method: &str, args: &Value, serial: u64) -> Value {
    let ts = format!("1700000000.{serial:06}");
    match method {
        "auth.test" => {
            json!({ "ok": true, "team_id": WORKSPACE, "user_id": "U07CADENCE", "bot_id": "B07CADENCE" })
        }
        // Nobody in the demo is a Slack workspace admin: the admin is in CADENCE_ADMINS.
        "users.info" => json!({
            "ok": true,
            "user": { "id": args["user"], "is_admin": false, "is_owner": false, "is_primary_owner": false }
        }),
        "chat.postMessage" => json!({ "ok": true, "channel": args["channel"], "ts": ts }),
        "chat.postEphemeral" => json!({ "ok": true, "message_ts": ts }),
        "chat.update" => json!({ "ok": true, "channel": args["channel"], "ts": args["ts"] }),
        "views.open" | "views.publish" => {
            json!({ "ok": true, "view": { "id": format!("V07{serial:06}") } })
        }
        // Asked only when a post's answer was lost; nothing is lost on loopback.
        "conversations.history" => {
            json!({ "ok": true, "messages": [], "has_more": false, "response_metadata": { "next_cursor": "" } })
        }
        _ => json!({ "ok": false, "error": "unknown_method" }),
    }
}
