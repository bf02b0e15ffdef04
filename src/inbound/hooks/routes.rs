//! `POST /hooks/{jira,github,linear,zoom,generic}` (the deployment's sources) and
//! `POST /hooks/{kind}/{id}` (a tenant's own): verify the source's signature on the raw
//! bytes, keep the event in the inbox (a repeated delivery is acknowledged and ignored), wake
//! the event processor, and acknowledge. Nothing is matched or posted on this path; that
//! happens after, from the inbox, so a crash after the acknowledgement loses nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
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
        .route("/hooks/{kind}/{id}", post(tenant_source))
}
use crate::store::{EventSource, NewInboxEntry};

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
    let verified = verify(secret, &headers, &body, now).map_err(app_error)?;
    keep(&state, source, verified, None).await
}

/// `POST /hooks/{kind}/{id}`: a tenant's own source. The id finds the source and its secret
/// (and, for a grace period after a rotation, the previous one); the event may start only that
/// tenant's rituals. An id nobody added is 404, a signature neither secret made is 401.
pub async fn tenant_source(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(format!("no {kind} event source {id}"));
    let (source, verify) = match kind.as_str() {
        "jira" => (Source::Jira, hooks::jira::receive as Receive),
        "github" => (Source::Github, hooks::github::receive as Receive),
        "linear" => (Source::Linear, hooks::linear::receive as Receive),
        "zoom" => (Source::Zoom, hooks::zoom::receive as Receive),
        "generic" => (Source::Generic, hooks::generic::receive as Receive),
        _ => return Err(not_found()),
    };
    tracing::Span::current().record("platform", source.as_str());
    let found = state
        .store
        .event_source(&id)
        .await?
        .filter(|found| found.kind == source)
        .ok_or_else(not_found)?;
    let now = state.clock.now();
    let open = |sealed: &str| {
        state
            .sealer
            .open_text(sealed, EventSource::secret_context(&found.id).as_bytes())
            .map_err(|e| AppError::Unauthorised(format!("source {id}: its secret: {e}")))
    };
    let current = open(&found.secret)?;
    let mut verified = verify(
        Some(current.expose_secret().as_bytes()),
        &headers,
        &body,
        now,
    );
    if let (Err(HookError::Unauthorised(_)), Some((previous, until))) = (&verified, &found.previous)
        && now < *until
    {
        let previous = open(previous)?;
        verified = verify(
            Some(previous.expose_secret().as_bytes()),
            &headers,
            &body,
            now,
        );
    }
    let mut verified = verified.map_err(app_error)?;
    // Deliveries are told apart per source: two tenants' Jira sites may number alike.
    verified.delivery_id = format!("{}:{}", found.id, verified.delivery_id);
    keep(&state, source, verified, Some(found.tenant)).await
}

fn app_error(error: HookError) -> AppError {
    match error {
        HookError::Unauthorised(reason) => AppError::Unauthorised(reason),
        HookError::Malformed(reason) => AppError::BadRequest(reason),
    }
}

/// Answers a verified delivery: a challenge, an ignored event, or an event kept in the inbox.
async fn keep(
    state: &AppState,
    source: Source,
    verified: Verified,
    tenant: Option<crate::domain::ids::TenantId>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
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
                tenant,
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
