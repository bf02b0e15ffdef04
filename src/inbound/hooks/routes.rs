//! `POST /hooks/{jira,github,linear,zoom,generic}`: verify the source's signature on the raw
//! bytes, keep the event in the inbox (a repeated delivery is acknowledged and ignored), wake
//! the event processor, and acknowledge. Nothing is matched or posted on this path; that
//! happens after, from the inbox, so a crash after the acknowledgement loses nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;

use crate::domain::event::Source;
use crate::error::AppError;
use crate::inbound::AppState;
use crate::inbound::hooks::{self, HookError, Parsed, Verified};

/// The event sources' routes.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/hooks/jira", post(jira))
        .route("/hooks/github", post(github))
        .route("/hooks/linear", post(linear))
        .route("/hooks/zoom", post(zoom))
        .route("/hooks/generic", post(generic))
}
use crate::store::NewInboxEntry;

type Receive = fn(Option<&[u8]>, &HeaderMap, &[u8], DateTime<Utc>) -> Result<Verified, HookError>;

/// Jira Cloud sprint webhooks.
pub async fn jira(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    receive(Source::Jira, hooks::jira::receive, state, headers, body).await
}

/// GitHub milestone webhooks.
pub async fn github(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    receive(Source::Github, hooks::github::receive, state, headers, body).await
}

/// Linear cycle webhooks.
pub async fn linear(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    receive(Source::Linear, hooks::linear::receive, state, headers, body).await
}

/// Zoom meeting webhooks, including Zoom's endpoint validation.
pub async fn zoom(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    receive(Source::Zoom, hooks::zoom::receive, state, headers, body).await
}

/// Cadence's own signed hook (docs/generic-hooks.md).
pub async fn generic(
    state: State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    receive(
        Source::Generic,
        hooks::generic::receive,
        state,
        headers,
        body,
    )
    .await
}

async fn receive(
    source: Source,
    verify: Receive,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let span = tracing::Span::current();
    span.record("platform", source.as_str());
    let secret = state
        .hook_secrets
        .get(source)
        .map(|s| s.expose_secret().as_bytes());
    let now = state.clock.now();
    let verified = verify(secret, &headers, &body, now).map_err(|e| match e {
        HookError::Unauthorised(reason) => AppError::Unauthorised(reason),
        HookError::Malformed(reason) => AppError::BadRequest(reason),
    })?;
    match verified.parsed {
        Parsed::Challenge(answer) => Ok(Json(answer).into_response()),
        Parsed::Ignored(reason) => {
            tracing::debug!(%source, delivery = %verified.delivery_id, %reason, "event ignored");
            Ok((StatusCode::OK, "ignored\n").into_response())
        }
        Parsed::Event(event) => {
            let entry = NewInboxEntry {
                source,
                delivery_id: verified.delivery_id.clone(),
                event,
                received_at: now,
            };
            let new = state.store.receive(entry).await?;
            if new {
                state.wake_events.notify_one();
                Ok((StatusCode::OK, "received\n").into_response())
            } else {
                tracing::info!(%source, delivery = %verified.delivery_id, "repeat delivery acknowledged");
                metrics::counter!("cadence_deliveries_deduplicated_total", "source" => source.as_str())
                    .increment(1);
                Ok((StatusCode::OK, "already received\n").into_response())
            }
        }
    }
}
