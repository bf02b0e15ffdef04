//! Slack as a [`ChatAdapter`]: a request's signature is checked on its raw bytes; a form with a
//! `payload` field is an interaction (a click, a submitted form, or a picker loading its
//! options), any other a slash command. Only the form's keys are read to tell the two apart, so
//! each form is decoded once, by the reader of its kind.
//! A command is answered ephemerally within [`COMMAND_BUDGET`] of its arrival; a click with an
//! empty 200 (its effects go through the outbox), a form's errors on its fields.

use async_trait::async_trait;
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode;
use serde_json::json;
use tokio::time::Instant;

use super::commands::{self, COMMAND_BUDGET, CommandResponse, LOOKUP_BUDGET, overran};
use super::interactions::{self, Clicked, Envelope};
use super::verify_request;
use crate::error::AppError;
use crate::inbound::AppState;
use crate::inbound::chat::{ChatAdapter, Inbound, Ran};
use crate::platform::slack::blocks::option_objects;

/// Slack's inbound side: `/slack/commands` and `/slack/interactions`.
#[derive(Debug)]
pub(crate) struct Slack;

#[async_trait]
impl ChatAdapter for Slack {
    type Verified = ();
    type Context = Option<Clicked>;

    async fn verify(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Result<(), AppError> {
        verify_request(state, headers, body)
    }

    async fn normalise(
        state: &AppState,
        _verified: (),
        headers: &HeaderMap,
        body: &Bytes,
        received: Instant,
    ) -> Result<(Inbound, Option<Clicked>), AppError> {
        if !is_interaction(body) {
            let command = commands::normalise(state, headers, body, received).await?;
            return Ok((command, None));
        }
        let envelope = serde_urlencoded::from_bytes::<Envelope>(body)
            .map_err(|e| AppError::BadRequest(format!("malformed interaction form: {e}")))?;
        let payload = interactions::payload(&envelope)?;
        Ok(match interactions::suggestion(&payload)? {
            Some((invocation, suggestion)) => (Inbound::Suggest(invocation, suggestion), None),
            None => match interactions::normalise(&payload)? {
                Some(mut clicked) => {
                    if let Some(directory) = &state.directory
                        && clicked.needs_admin_check()
                    {
                        let (tenant, user) = clicked.who();
                        let lookup = directory.is_admin(tenant, user);
                        let admin = tokio::time::timeout_at(received + LOOKUP_BUDGET, lookup)
                            .await
                            .unwrap_or(false);
                        clicked.set_workspace_admin(admin);
                    }
                    (clicked.inbound(), Some(clicked))
                }
                None => (Inbound::Nothing, None),
            },
        })
    }

    fn command_deadline(received: Instant) -> Option<Instant> {
        Some(received + COMMAND_BUDGET)
    }

    async fn answer(
        state: &AppState,
        clicked: Option<Clicked>,
        ran: Ran,
        received: Instant,
    ) -> Result<Response, AppError> {
        Ok(match (ran, clicked) {
            (Ran::Command(reply), _) => {
                Json(CommandResponse::ephemeral(&reply.text)).into_response()
            }
            (Ran::Overran, _) => Json(CommandResponse::ephemeral(&overran())).into_response(),
            // An options load is answered with the options themselves (at most 100).
            (Ran::Suggestions(choices), _) => {
                Json(json!({ "options": option_objects(&choices) })).into_response()
            }
            (Ran::Card(outcome), Some(clicked)) => {
                interactions::answer(state, clicked, outcome, received).await?
            }
            (Ran::Card(_) | Ran::Nothing, _) => StatusCode::OK.into_response(),
        })
    }
}

/// Whether a Slack form is an interaction's: one with a `payload` field, which a slash command's
/// never has. Only the keys are looked at, without decoding any value or allocating, so that a
/// command's form (a dozen fields, some of them percent-encoded addresses) is decoded once.
fn is_interaction(body: &[u8]) -> bool {
    const PAYLOAD: &[u8] = b"payload";
    body.split(|&b| b == b'&').any(|field| {
        let key = field.split(|&b| b == b'=').next().unwrap_or_default();
        // A key is percent-encoded at most: `+` decodes to a space, which `payload` lacks.
        key == PAYLOAD || (key.contains(&b'%') && percent_decode(key).eq(PAYLOAD.iter().copied()))
    })
}

#[cfg(test)]
mod tests {
    use super::is_interaction;

    #[test]
    fn a_form_is_an_interaction_when_it_has_a_payload_field() {
        assert!(is_interaction(
            b"payload=%7B%22type%22%3A%22block_actions%22%7D"
        ));
        assert!(is_interaction(b"token=x&payload=%7B%7D"));
        // An encoded key is still the key it decodes to.
        assert!(is_interaction(b"p%61yload=%7B%7D"));
        assert!(!is_interaction(
            b"team_id=T1&user_id=U1&command=%2Fcadence&text=payload%3Dx"
        ));
        // A value that reads `payload` or a key that merely starts with it is not the field.
        assert!(!is_interaction(b"text=payload&payloads=1"));
        assert!(!is_interaction(b""));
    }
}
