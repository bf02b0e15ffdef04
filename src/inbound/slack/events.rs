//! `POST /slack/events`: the Events API. The signature is checked on the raw body first.
//! `url_verification` is answered with its challenge; each `event_callback` is remembered by its
//! `event_id`, so Slack's retries (sent when an answer took over 3 s) are acknowledged without
//! being acted on twice. <https://api.slack.com/apis/events-api>

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::verify_request;
use crate::domain::Platform;
use crate::error::AppError;
use crate::inbound::AppState;

/// Handles one Events API request.
pub async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    verify_request(&state, &headers, &body)?;
    let envelope: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("event is not JSON: {e}")))?;
    match envelope["type"].as_str() {
        Some("url_verification") => {
            let challenge = envelope["challenge"].as_str().unwrap_or_default();
            Ok(Json(json!({ "challenge": challenge })).into_response())
        }
        Some("event_callback") => {
            let event_id = envelope["event_id"]
                .as_str()
                .filter(|id| !id.is_empty())
                .ok_or_else(|| {
                    AppError::BadRequest("event_callback without event_id".to_owned())
                })?;
            let tenant = envelope["enterprise_id"]
                .as_str()
                .filter(|org| !org.is_empty())
                .filter(|_| {
                    envelope["authorizations"][0]["is_enterprise_install"].as_bool() == Some(true)
                })
                .or_else(|| envelope["team_id"].as_str())
                .unwrap_or_default();
            let event_type = envelope["event"]["type"].as_str().unwrap_or("unknown");
            let span = tracing::Span::current();
            span.record("platform", "slack");
            span.record("tenant", tenant);
            span.record("command", event_type);
            // Losing access is acted on before the delivery is remembered: were the revocation
            // to fail after it, Slack's retry would be taken for a repeat and never acted on.
            // Revoking twice changes nothing.
            if matches!(event_type, "app_uninstalled" | "tokens_revoked") {
                lost_access(&state, tenant, &envelope["event"]).await?;
            }
            let first = state
                .store
                .first_delivery(
                    Platform::Slack,
                    event_id,
                    tenant,
                    event_type,
                    state.clock.now(),
                )
                .await?;
            if !first {
                let retry = headers
                    .get("x-slack-retry-num")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("?");
                tracing::info!(event_id, retry, "repeated Slack event acknowledged");
                return Ok(StatusCode::OK.into_response());
            }
            match event_type {
                // Acted on above, before the delivery was remembered.
                "app_uninstalled" | "tokens_revoked" => {}
                "app_home_opened" if envelope["event"]["tab"].as_str() == Some("home") => {
                    // Acknowledged now; the view is built and queued after the answer, like
                    // everything else that is posted. Opening the tab again publishes again.
                    if let Some(user) = envelope["event"]["user"].as_str() {
                        let (commands, directory, tenant, user, event_id) = (
                            state.commands.clone(),
                            state.directory.clone(),
                            tenant.to_owned(),
                            user.to_owned(),
                            event_id.to_owned(),
                        );
                        tokio::spawn(async move {
                            // An admin's home also shows the organisation; Slack says who is.
                            let admin = match &directory {
                                Some(directory) => directory.is_admin(&tenant, &user).await,
                                None => false,
                            };
                            if let Err(error) = commands
                                .publish_home(Platform::Slack, &tenant, &user, &event_id, admin)
                                .await
                            {
                                tracing::warn!(%error, "could not build the home view");
                            }
                        });
                    }
                }
                // member_joined_channel and app_mention are acknowledged; nothing to do yet.
                _ => tracing::debug!(event_id, event_type, "event acknowledged"),
            }
            Ok(StatusCode::OK.into_response())
        }
        _ => Ok(StatusCode::OK.into_response()),
    }
}

/// Slack said the app was uninstalled, or its bot token revoked: nothing more is posted to the
/// workspace until it installs Cadence again. Its data stays until an admin erases it. A
/// revocation of user tokens only (Cadence holds none) changes nothing.
async fn lost_access(state: &AppState, tenant: &str, event: &Value) -> Result<(), AppError> {
    let bot_tokens_revoked = event["tokens"]["bot"]
        .as_array()
        .is_some_and(|bots| !bots.is_empty());
    if event["type"] == "tokens_revoked" && !bot_tokens_revoked {
        return Ok(());
    }
    let Some(tenant_id) = state.store.find_tenant(Platform::Slack, tenant).await? else {
        tracing::info!(tenant, "a workspace Cadence never served lost access");
        return Ok(());
    };
    let revoked = state
        .slack_tokens
        .revoke(tenant_id, state.clock.now())
        .await?;
    tracing::warn!(
        tenant,
        installed = revoked,
        "Cadence lost access to this workspace; nothing more is posted there until it is reinstalled"
    );
    Ok(())
}
