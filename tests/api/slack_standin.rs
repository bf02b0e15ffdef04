//! A loopback stand-in for the Slack Web API that records every call and answers as Slack would,
//! including scripted errors, 429s and slow answers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// One call the stand-in received.
#[derive(Debug, Clone)]
pub struct Call {
    /// The Web API method.
    pub method: String,
    /// The `Authorization` header.
    pub authorization: String,
    /// The `user` argument (users.info).
    pub user: String,
    /// The arguments: the JSON body, or the form as a JSON object.
    pub body: Value,
    /// When the stand-in received it, by the system clock.
    pub at: std::time::SystemTime,
}

/// How the stand-in answers one call to a method, instead of succeeding.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// `{"ok": false, "error": code}` with HTTP 200.
    Error(&'static str),
    /// HTTP 429 with `Retry-After: seconds`.
    RateLimited(u64),
    /// A bare HTTP status (e.g. 500).
    Status(u16),
    /// Succeed, but only after a delay.
    Slow(Duration),
    /// Close the connection without answering.
    Drop,
    /// Post the message (it lands in the channel), then close the connection without
    /// answering: a post that succeeded but whose answer was lost.
    LandThenDrop,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    scripts: HashMap<String, VecDeque<Scripted>>,
    /// Messages posted so far, for conversations.history.
    posted: Vec<Value>,
    next_ts: u64,
    /// Whether conversations.history answers as Slack does for apps outside the Marketplace:
    /// at most 15 messages a page, and 429 for every second call (about one call a minute).
    history_limited: bool,
    history_calls: usize,
    /// What `oauth.v2.access` grants, by install code or refresh token; each is used once.
    grants: HashMap<String, Value>,
}

type Shared = Arc<Mutex<Inner>>;

/// What the stand-in's routes share: the record, and a bell rung at every call.
#[derive(Clone, Default)]
struct StandInState {
    inner: Shared,
    called: Arc<tokio::sync::Notify>,
}

/// The running stand-in.
#[derive(Clone)]
pub struct SlackStandIn {
    /// Base URL to configure as `SLACK_API_BASE_URL`.
    pub base_url: String,
    inner: Shared,
    called: Arc<tokio::sync::Notify>,
}

impl SlackStandIn {
    /// Starts it. Users whose id starts with `UOWNER` or `UWSADMIN` are owners/admins; `UGONE`
    /// is unknown to Slack (`ok:false`); `USLOW` is answered after five seconds. The bot token
    /// belongs to workspace T1.
    pub async fn start() -> SlackStandIn {
        let state = StandInState::default();
        let app = Router::new()
            .route("/api/users.info", get(users_info))
            .route("/api/{method}", post(method))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind stand-in");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        SlackStandIn {
            base_url: format!("http://{addr}/api/"),
            inner: state.inner,
            called: state.called,
        }
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().expect("calls").calls.clone()
    }

    /// The calls to one method so far.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// The idempotency keys of the messages that were actually posted, in order.
    pub fn posted_keys(&self) -> Vec<String> {
        self.inner
            .lock()
            .expect("posted")
            .posted
            .iter()
            .filter_map(|m| {
                m["metadata"]["event_payload"]["idempotency_key"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect()
    }

    /// The messages that were actually posted, in order, each with the `ts` Slack gave it.
    pub fn posted(&self) -> Vec<Value> {
        self.inner.lock().expect("posted").posted.clone()
    }

    /// Adds messages someone else posted in `channel`, as history shows them.
    pub fn others_posted(&self, channel: &str, count: usize) {
        let mut inner = self.inner.lock().expect("inner");
        for n in 0..count {
            inner.next_ts += 1;
            let ts = format!("1700000000.{:06}", inner.next_ts);
            inner
                .posted
                .push(json!({ "channel": channel, "ts": ts, "text": format!("chatter {n}") }));
        }
    }

    /// Makes conversations.history answer as it does for apps outside the Marketplace since
    /// 2025: at most 15 messages a page, and HTTP 429 (Retry-After: 60) for every second call.
    pub fn limit_history(&self) {
        self.inner.lock().expect("inner").history_limited = true;
    }

    /// Makes `oauth.v2.access` grant `grant` once, for the install code or refresh token `key`;
    /// any other code or refresh token is refused as Slack refuses it.
    pub fn grant(&self, key: &str, grant: Value) {
        self.inner
            .lock()
            .expect("grants")
            .grants
            .insert(key.to_owned(), grant);
    }

    /// Makes the next calls to `method` answer as scripted, in order; later calls succeed.
    pub fn script(&self, method: &str, answers: impl IntoIterator<Item = Scripted>) {
        self.inner
            .lock()
            .expect("scripts")
            .scripts
            .entry(method.to_owned())
            .or_default()
            .extend(answers);
    }

    /// Waits until `method` has been called `n` times, or panics after `within`. Woken by each
    /// call, so it returns as soon as the call is in.
    pub async fn wait_for(&self, method: &str, n: usize, within: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let called = self.called.notified();
            tokio::pin!(called);
            called.as_mut().enable();
            let calls = self.calls_to(method);
            if calls.len() >= n {
                return calls;
            }
            let woken = tokio::time::timeout_at(deadline, called).await;
            assert!(
                woken.is_ok(),
                "{method} called {} times, wanted {n}",
                self.calls_to(method).len()
            );
        }
    }
}

fn authorization(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn arguments(headers: &HeaderMap, body: &[u8]) -> Value {
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if json {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    } else {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    }
}

async fn method(
    State(state): State<StandInState>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&state, method, &headers, &body).await
}

async fn answer(
    state: &StandInState,
    method: String,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let at = std::time::SystemTime::now();
    let inner = &state.inner;
    let args = arguments(headers, body);
    let script = {
        let mut inner = inner.lock().expect("inner");
        inner.calls.push(Call {
            method: method.clone(),
            authorization: authorization(headers),
            user: String::new(),
            body: args.clone(),
            at,
        });
        let script = inner.scripts.get_mut(&method).and_then(VecDeque::pop_front);
        if let Some(Scripted::LandThenDrop) = script {
            // The post lands before anyone waiting for the call hears of it.
            inner.next_ts += 1;
            let mut message = args.clone();
            message["ts"] = json!(format!("1700000000.{:06}", inner.next_ts));
            inner.posted.push(message);
        }
        script
    };
    // The call is on record: whoever waits for it may look, even while it is answered slowly.
    state.called.notify_waiters();
    match script {
        Some(Scripted::Error(code)) => return json_ok(json!({ "ok": false, "error": code })),
        Some(Scripted::RateLimited(seconds)) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", seconds.to_string())],
                "",
            )
                .into_response();
        }
        Some(Scripted::Status(code)) => {
            return StatusCode::from_u16(code)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
        Some(Scripted::Slow(delay)) => tokio::time::sleep(delay).await,
        // A handler that panics makes the server close the connection with no answer.
        Some(Scripted::Drop) => std::panic::resume_unwind(Box::new("dropping the connection")),
        Some(Scripted::LandThenDrop) => {
            std::panic::resume_unwind(Box::new("dropping the connection after posting"))
        }
        None => {}
    }
    let mut inner = inner.lock().expect("inner");
    match method.as_str() {
        "auth.test" => {
            json_ok(json!({ "ok": true, "team_id": "T1", "user_id": "UBOT", "bot_id": "B1" }))
        }
        "chat.postMessage" => {
            inner.next_ts += 1;
            let ts = format!("1700000000.{:06}", inner.next_ts);
            let mut message = args.clone();
            message["ts"] = json!(ts);
            inner.posted.push(message);
            json_ok(json!({ "ok": true, "channel": args["channel"], "ts": ts }))
        }
        "chat.postEphemeral" => {
            inner.next_ts += 1;
            let ts = format!("1700000000.{:06}", inner.next_ts);
            json_ok(json!({ "ok": true, "message_ts": ts }))
        }
        "chat.update" => {
            json_ok(json!({ "ok": true, "channel": args["channel"], "ts": args["ts"] }))
        }
        "conversations.history" => history(&mut inner, &args),
        "views.open" | "views.publish" => {
            inner.next_ts += 1;
            json_ok(json!({ "ok": true, "view": { "id": format!("V{:06}", inner.next_ts) } }))
        }
        "oauth.v2.access" => {
            let refresh = args["grant_type"] == "refresh_token";
            let key = if refresh {
                &args["refresh_token"]
            } else {
                &args["code"]
            };
            match inner.grants.remove(key.as_str().unwrap_or_default()) {
                Some(mut grant) => {
                    grant["ok"] = json!(true);
                    json_ok(grant)
                }
                None if refresh => {
                    json_ok(json!({ "ok": false, "error": "invalid_refresh_token" }))
                }
                None => json_ok(json!({ "ok": false, "error": "invalid_code" })),
            }
        }
        _ => json_ok(json!({ "ok": false, "error": "unknown_method" })),
    }
}

/// A page of a channel's history, newest first, as Slack pages it: `limit` messages from the
/// `cursor` (an offset here), with the next cursor while more remain.
fn history(inner: &mut Inner, args: &Value) -> Response {
    inner.history_calls += 1;
    if inner.history_limited && inner.history_calls.is_multiple_of(2) {
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "60")], "").into_response();
    }
    let channel = args["channel"].as_str().unwrap_or_default().to_owned();
    let mut messages: Vec<Value> = inner
        .posted
        .iter()
        .filter(|m| m["channel"].as_str() == Some(channel.as_str()))
        .cloned()
        .collect();
    messages.reverse();
    let asked: usize = args["limit"]
        .as_str()
        .and_then(|l| l.parse().ok())
        .unwrap_or(100);
    let limit = if inner.history_limited {
        asked.min(15)
    } else {
        asked
    };
    let from: usize = args["cursor"]
        .as_str()
        .and_then(|c| c.strip_prefix("page:"))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let page: Vec<Value> = messages.iter().skip(from).take(limit).cloned().collect();
    let more = from + limit < messages.len();
    let next = if more {
        format!("page:{}", from + limit)
    } else {
        String::new()
    };
    json_ok(json!({
        "ok": true,
        "messages": page,
        "has_more": more,
        "response_metadata": { "next_cursor": next },
    }))
}

fn json_ok(value: Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

async fn users_info(
    State(state): State<StandInState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let user = query.get("user").cloned().unwrap_or_default();
    state.inner.lock().expect("inner").calls.push(Call {
        method: "users.info".into(),
        authorization: authorization(&headers),
        user: user.clone(),
        body: Value::Null,
        at: std::time::SystemTime::now(),
    });
    state.called.notify_waiters();
    if user == "USLOW" {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    if user == "UGONE" {
        return json_ok(json!({ "ok": false, "error": "user_not_found" }));
    }
    json_ok(json!({
        "ok": true,
        "user": {
            "id": user,
            "is_admin": user.starts_with("UWSADMIN"),
            "is_owner": user.starts_with("UOWNER"),
            "is_primary_owner": false,
        }
    }))
}
