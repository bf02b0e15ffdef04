//! Slack's inbound routes: every request is verified on its raw bytes before anything parses it.

pub mod commands;
pub mod events;
pub mod interactions;
pub mod signature;

use axum::body::Bytes;
use axum::http::HeaderMap;

use crate::app::AppState;
use crate::error::AppError;

/// Verifies a Slack request's signature against the configured signing secret.
pub fn verify_request(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<(), AppError> {
    let secret = state.config.slack.as_ref().map(|s| &s.signing_secret);
    signature::verify(secret, headers, body, state.clock.now().timestamp())?;
    Ok(())
}
