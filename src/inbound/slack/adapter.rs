//! Slack as a [`ChatAdapter`]: a request's signature is checked on its raw bytes; a form with a
//! `payload` field is an interaction (a click, a submitted form, or a picker loading its
//! options), any other a slash command.
//! A command is answered ephemerally within [`COMMAND_BUDGET`] of its arrival; a click with an
//! empty 200 (its effects go through the outbox), a form's errors on its fields.

use async_trait::async_trait;
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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
        match serde_urlencoded::from_bytes::<Envelope>(body) {
            Ok(envelope) => {
                let payload = interactions::payload(&envelope)?;
                Ok(match interactions::suggestion(&payload)? {
                    Some((invocation, suggestion)) => {
                        (Inbound::Suggest(invocation, suggestion), None)
                    }
                    None => match interactions::normalise(&payload)? {
                        Some(mut clicked) => {
                            if let Some(directory) = &state.directory
                                && clicked.needs_admin_check()
                            {
                                let (tenant, user) = clicked.who();
                                let lookup = directory.is_admin(tenant, user);
                                let admin =
                                    tokio::time::timeout_at(received + LOOKUP_BUDGET, lookup)
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
            Err(_) => Ok((
                commands::normalise(state, headers, body, received).await?,
                None,
            )),
        }
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
