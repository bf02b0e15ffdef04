//! A loopback stand-in for a calendar server publishing one iCalendar feed: it answers
//! conditional GETs with 304 when the calendar has not changed, can be scripted to fail (500, 429
//! with `Retry-After`), and records every request with its validators.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// One request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRequest {
    /// `If-None-Match`, if sent.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since`, if sent.
    pub if_modified_since: Option<String>,
    /// The status answered.
    pub status: u16,
}

/// How the stand-in answers the next request, instead of serving the calendar.
#[derive(Debug, Clone, Copy)]
pub enum FeedScript {
    /// A bare status (e.g. 500).
    Status(u16),
    /// 429 with `Retry-After: seconds`.
    RateLimited(u64),
}

#[derive(Default)]
struct Inner {
    calendar: String,
    version: u32,
    requests: Vec<FeedRequest>,
    scripts: VecDeque<FeedScript>,
}

/// The running stand-in.
#[derive(Clone)]
pub struct FeedStandIn {
    /// The feed's address.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FeedStandIn {
    /// Starts it, publishing `calendar`.
    pub async fn start(calendar: &str) -> FeedStandIn {
        let inner = Arc::new(Mutex::new(Inner {
            calendar: calendar.to_owned(),
            version: 1,
            ..Inner::default()
        }));
        let app = Router::new()
            .route("/private-token/basic.ics", get(serve))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind stand-in");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FeedStandIn {
            url: format!("http://{addr}/private-token/basic.ics"),
            inner,
        }
    }

    /// Publishes a new version of the calendar (a new ETag and Last-Modified).
    pub fn publish(&self, calendar: &str) {
        let mut inner = self.inner.lock().expect("inner");
        inner.calendar = calendar.to_owned();
        inner.version += 1;
    }

    /// Answers the next requests as scripted, in order.
    pub fn script(&self, scripts: &[FeedScript]) {
        self.inner
            .lock()
            .expect("inner")
            .scripts
            .extend(scripts.iter().copied());
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<FeedRequest> {
        self.inner.lock().expect("inner").requests.clone()
    }

    /// The statuses answered so far, in order.
    pub fn statuses(&self) -> Vec<u16> {
        self.requests().iter().map(|r| r.status).collect()
    }
}

fn etag(version: u32) -> String {
    format!("\"v{version}\"")
}

fn last_modified(version: u32) -> String {
    // One day per version: only ever compared for equality by the stand-in.
    format!("Tue, {:02} Dec 2026 08:00:00 GMT", version.min(28))
}

async fn serve(State(inner): State<Arc<Mutex<Inner>>>, headers: HeaderMap) -> Response {
    let mut inner = inner.lock().expect("inner");
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (if_none_match, if_modified_since) =
        (text(header::IF_NONE_MATCH), text(header::IF_MODIFIED_SINCE));
    let current = etag(inner.version);
    let response = match inner.scripts.pop_front() {
        Some(FeedScript::Status(status)) => StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Some(FeedScript::RateLimited(seconds)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, seconds.to_string())],
        )
            .into_response(),
        None if if_none_match.as_deref() == Some(current.as_str()) => {
            StatusCode::NOT_MODIFIED.into_response()
        }
        None => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_owned(),
                ),
                (header::ETAG, current),
                (header::LAST_MODIFIED, last_modified(inner.version)),
            ],
            inner.calendar.clone(),
        )
            .into_response(),
    };
    inner.requests.push(FeedRequest {
        if_none_match,
        if_modified_since,
        status: response.status().as_u16(),
    });
    response
}
