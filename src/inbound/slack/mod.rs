//! Slack's inbound routes: every request is verified on its raw bytes before anything parses it.

mod adapter;
pub(crate) mod commands;
pub(crate) mod events;
mod install;
mod install_state;
pub(crate) mod interactions;
pub mod signature;

use axum::body::Bytes;
use axum::http::HeaderMap;

use adapter::Slack;

use crate::error::AppError;
use crate::inbound::{AppState, MAX_INTERACTION_BYTES, chat};

/// Verifies a Slack request's signature against the configured signing secret.
pub fn verify_request(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<(), AppError> {
    let secret = state.slack_signing_secret.as_ref();
    signature::verify(secret, headers, body, state.clock.now().timestamp())?;
    Ok(())
}

/// Slack's routes. A submitted form carries the whole view (selects of up to 100 options
/// each), so interactions get a larger body limit.
pub fn router() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/slack/commands", post(chat::handle::<Slack>))
        .route(
            "/slack/interactions",
            post(chat::handle::<Slack>).layer(DefaultBodyLimit::max(MAX_INTERACTION_BYTES)),
        )
        .route("/slack/events", post(events::handle))
        .route("/slack/install", get(install::install))
        .route("/slack/oauth/callback", get(install::callback))
}
