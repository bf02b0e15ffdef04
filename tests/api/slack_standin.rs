//! A loopback stand-in for the Slack Web API that records every call and answers as Slack would,
//! including errors and slow answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::{Value, json};

/// One call the stand-in received.
#[derive(Debug, Clone)]
pub struct Call {
    /// The Web API method.
    pub method: String,
    /// The `Authorization` header.
    pub authorization: String,
    /// The `user` argument.
    pub user: String,
}

/// The running stand-in.
#[derive(Clone)]
pub struct SlackStandIn {
    /// Base URL to configure as `SLACK_API_BASE_URL`.
    pub base_url: String,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl SlackStandIn {
    /// Starts it. Users whose id starts with `UOWNER` or `UWSADMIN` are owners/admins; `UGONE`
    /// is unknown to Slack (`ok:false`); `USLOW` is answered after five seconds.
    pub async fn start() -> SlackStandIn {
        let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
        let app = Router::new()
            .route("/api/users.info", get(users_info))
            .route("/api/auth.test", post(auth_test))
            .with_state(calls.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind stand-in");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        SlackStandIn {
            base_url: format!("http://{addr}/api/"),
            calls,
        }
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("calls").clone()
    }
}

fn authorization(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The bot token belongs to workspace T1.
async fn auth_test(State(calls): State<Arc<Mutex<Vec<Call>>>>, headers: HeaderMap) -> Json<Value> {
    let authorization = authorization(&headers);
    calls.lock().expect("calls").push(Call {
        method: "auth.test".into(),
        authorization,
        user: String::new(),
    });
    Json(json!({ "ok": true, "team_id": "T1", "user_id": "UBOT", "bot_id": "B1" }))
}

async fn users_info(
    State(calls): State<Arc<Mutex<Vec<Call>>>>,
    headers: HeaderMap,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Json<Value> {
    let user = query.get("user").cloned().unwrap_or_default();
    let authorization = authorization(&headers);
    calls.lock().expect("calls").push(Call {
        method: "users.info".into(),
        authorization,
        user: user.clone(),
    });
    if user == "USLOW" {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    if user == "UGONE" {
        return Json(json!({ "ok": false, "error": "user_not_found" }));
    }
    Json(json!({
        "ok": true,
        "user": {
            "id": user,
            "is_admin": user.starts_with("UWSADMIN"),
            "is_owner": user.starts_with("UOWNER"),
            "is_primary_owner": false,
        }
    }))
}
