//! `POST /teams/messages`: every activity the Bot Framework sends, read by [`Teams`], the Teams
//! [`ChatAdapter`] on the one chat path (`inbound/chat.rs`). The token is verified before the
//! body is read; the parsed activity is then checked against the token (channel
//! endorsement, `serviceUrl`). Every activity refreshes the conversation reference, so Cadence
//! can post there later.
//!
//! - `message`: a command in the `/cadence` grammar (`@Cadence gap @Bob "…"`), answered with a
//!   reply through the outbox; with a `value`, an `Action.Submit` from a card.
//! - `invoke` `adaptiveCard/action`: an `Action.Execute` click, answered in the response with
//!   the updated card, a form, or a message saying why nothing was recorded.
//! - `event` meeting start/end: a ritual trigger, kept in the inbox like any other source.
//! - `conversationUpdate`, `installationUpdate`: the reference is all Cadence needs.

use std::collections::BTreeMap;

use async_trait::async_trait;
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::activity::Activity;
use super::auth::VerifiedToken;
use crate::domain::card::{Card, Choice, Verb};
use crate::domain::command::CommandText;
use crate::domain::ids::TenantId;
use crate::domain::text::Text;
use crate::domain::{DecisionSource, Platform};
use crate::error::AppError;
use crate::inbound::AppState;
use crate::inbound::chat::{ChatAdapter, Inbound, Ran};
use crate::platform::teams::cards;
use crate::platform::teams::cards::CAPABILITY_DATASET;
use crate::service::{CardInput, CardOutcome, Invocation, Suggestion};
use crate::store::{Delivery, NewInboxEntry, NewMessage};

/// Teams' inbound side: `/teams/messages`.
#[derive(Debug)]
pub(crate) struct Teams;

/// What the Teams adapter keeps of an activity for its answer.
#[derive(Debug)]
pub(crate) struct Received {
    tenant: TenantId,
    activity_id: String,
    conversation: String,
    thread_root: String,
    asked: Asked,
}

/// Which kind of activity it was, as far as the answer is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// A typed command: answered with a reply in its thread.
    Command,
    /// An `Action.Submit` from a card: no synchronous answer, field errors in the thread.
    Submit,
    /// An `Action.Execute` invoke: answered in the response.
    Invoke,
    /// An `application/search` invoke from a capability picker: answered with the results.
    Search,
    /// Anything else: an empty 200.
    Other,
}

#[async_trait]
impl ChatAdapter for Teams {
    type Verified = VerifiedToken;
    type Context = Received;

    async fn verify(
        state: &AppState,
        headers: &HeaderMap,
        _body: &Bytes,
    ) -> Result<VerifiedToken, AppError> {
        let Some(auth) = &state.teams_auth else {
            return Err(AppError::Unauthorised(
                "Teams is not configured (TEAMS_APP_ID, TEAMS_APP_PASSWORD)".to_owned(),
            ));
        };
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        auth.verify(authorization, state.clock.now())
            .await
            .map_err(|e| {
                if e.is_unavailable() {
                    AppError::Upstream(e.to_string())
                } else {
                    AppError::Unauthorised(e.to_string())
                }
            })
    }

    async fn normalise(
        state: &AppState,
        token: VerifiedToken,
        _headers: &HeaderMap,
        body: &Bytes,
        _received: Instant,
    ) -> Result<(Inbound, Received), AppError> {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|e| AppError::BadRequest(format!("activity is not JSON: {e}")))?;
        let activity = Activity::new(&raw);
        token
            .check_activity(activity.channel_id(), activity.service_url())
            .map_err(|e| AppError::Unauthorised(e.to_string()))?;
        let tenant = activity.tenant();
        if tenant.is_empty() || activity.conversation().is_empty() {
            return Err(AppError::BadRequest(
                "activity without a tenant or conversation".to_owned(),
            ));
        }
        let span = tracing::Span::current();
        span.record("platform", "teams");
        span.record("tenant", tenant);
        span.record("user", activity.sender_id());
        span.record("command", activity.kind());

        let now = state.clock.now();
        let tenant_id = state.store.tenant(Platform::Teams, tenant, now).await?;
        state
            .store
            .save_conversation_ref(tenant_id, &activity.conversation_ref(), now)
            .await?;

        let (inbound, asked) = match activity.kind() {
            "message" if activity.value().is_object() => {
                let input = card_input(state, tenant_id, &activity, false).await?;
                let invocation = invocation(&activity, DecisionSource::Card, Default::default());
                (Inbound::Card(invocation, input), Asked::Submit)
            }
            "message" => {
                let text = activity.command_text();
                let invocation = invocation(&activity, DecisionSource::SlashCommand, text);
                (Inbound::Command(invocation), Asked::Command)
            }
            "invoke" if activity.name() == "application/search" => {
                let value = activity.value();
                let Some(action) = value["dataset"]
                    .as_str()
                    .and_then(|d| d.strip_prefix(CAPABILITY_DATASET))
                else {
                    return Err(AppError::BadRequest(
                        "search for a dataset Cadence does not offer".to_owned(),
                    ));
                };
                let query = value["queryText"].as_str().unwrap_or_default();
                let action = action.strip_prefix(':').filter(|a| !a.is_empty());
                let invocation = invocation(&activity, DecisionSource::Card, Default::default());
                (
                    Inbound::Suggest(invocation, Suggestion::new(query, action)),
                    Asked::Search,
                )
            }
            "invoke" if activity.name() == "adaptiveCard/action" => {
                let input = card_input(state, tenant_id, &activity, true).await?;
                let invocation = invocation(&activity, DecisionSource::Card, Default::default());
                (Inbound::Card(invocation, input), Asked::Invoke)
            }
            "event" => match activity.meeting_event(now) {
                Some(event) => (
                    Inbound::Event(NewInboxEntry {
                        source: event.source,
                        delivery_id: format!("{}:{}", event.name, event.subject),
                        event,
                        received_at: now,
                        // Only the ritual of the meeting's own conversation matches it.
                        tenant: None,
                    }),
                    Asked::Other,
                ),
                None => (Inbound::Nothing, Asked::Other),
            },
            // conversationUpdate, installationUpdate and the rest: the reference was kept above.
            _ => (Inbound::Nothing, Asked::Other),
        };
        let received = Received {
            tenant: tenant_id,
            activity_id: activity.id().to_owned(),
            conversation: activity.conversation().to_owned(),
            thread_root: activity.thread_root().to_owned(),
            asked,
        };
        Ok((inbound, received))
    }

    async fn answer(
        state: &AppState,
        activity: Received,
        ran: Ran,
        _received: Instant,
    ) -> Result<Response, AppError> {
        match (activity.asked, ran) {
            (_, Ran::Command(reply)) => reply_in_thread(state, &activity, reply.text).await?,
            (_, Ran::Overran) => {}
            (Asked::Invoke, Ran::Card(outcome)) => {
                let names = match &outcome {
                    CardOutcome::Replaced(card) => {
                        match serde_json::from_value::<Card>(card.clone()) {
                            Ok(card) => {
                                state
                                    .store
                                    .display_names(activity.tenant, &card.mentions())
                                    .await?
                            }
                            Err(_) => Default::default(),
                        }
                    }
                    _ => Default::default(),
                };
                return Ok(Json(invoke_response(outcome, &names)).into_response());
            }
            (_, Ran::Card(outcome)) => reply_with_outcome(state, &activity, outcome).await?,
            (Asked::Search, Ran::Suggestions(choices)) => {
                return Ok(Json(search_response(&choices)).into_response());
            }
            (_, Ran::Suggestions(_)) => {}
            (_, Ran::Nothing) => {}
        }
        Ok(StatusCode::OK.into_response())
    }
}

/// The answer to an `application/search` invoke: each capability's name as the title shown
/// and its id as the value the card submits; Teams shows at most [`SEARCH_RESULTS`].
/// How many options Teams' typeahead dropdown shows (platform docs, "Typeahead search in
/// Adaptive Cards").
const SEARCH_RESULTS: usize = 15;

fn search_response(choices: &[Choice]) -> Value {
    let results: Vec<Value> = choices
        .iter()
        .take(SEARCH_RESULTS)
        .map(|c| json!({ "title": c.label, "value": c.value }))
        .collect();
    json!({
        "type": "application/vnd.microsoft.search.searchResponse",
        "value": { "results": results },
    })
}

fn invocation(activity: &Activity<'_>, source: DecisionSource, text: CommandText) -> Invocation {
    Invocation {
        platform: Platform::Teams,
        tenant: activity.tenant().to_owned(),
        user_id: activity.sender_id().to_owned(),
        user_name: activity.sender_name().to_owned(),
        channel_id: Some(activity.conversation().to_owned()),
        workspace_admin: false,
        source,
        text,
        // Teams retries an activity with the same id.
        request_key: Some(activity.id())
            .filter(|id| !id.is_empty())
            .map(|id| format!("teams-message:{id}")),
    }
}

/// What a card action carries: the action, the inputs (people typed by name resolved to their
/// ids), and the card's message to update.
async fn card_input(
    state: &AppState,
    tenant: crate::domain::ids::TenantId,
    activity: &Activity<'_>,
    inline: bool,
) -> Result<CardInput, AppError> {
    let Some((action, values)) = cards::action_from_invoke(activity.value()) else {
        return Err(AppError::BadRequest(
            "card action without a Cadence action".to_owned(),
        ));
    };
    let mut fields = BTreeMap::new();
    for (key, value) in values {
        let field = match crate::domain::card::Action::decode(&key).map(|a| a.verb) {
            Some(Verb::PickPerson) => "person".to_owned(),
            Some(Verb::PickCapability) => "capability".to_owned(),
            _ => key,
        };
        // Teams cards ask for people by name (its people picker is not in Adaptive Cards
        // 1.5): find who is meant, or pass the words on for the service to refuse clearly.
        let value = if field.starts_with("person") && !value.trim().is_empty() {
            match state.store.person_named(tenant, &value).await? {
                Some(person) => person.user_id,
                None => value,
            }
        } else {
            value
        };
        fields.insert(field, value);
    }
    let submitted = action.verb.opens_form() && !fields.is_empty();
    let message = match activity.reply_to() {
        "" => None,
        id => Some((activity.conversation().to_owned(), id.to_owned())),
    };
    Ok(CardInput {
        action: Some(action),
        fields,
        message,
        trigger: None,
        submitted,
        answer_inline: inline,
        // Teams retries an invoke with the same activity id.
        interaction_key: Some(activity.id())
            .filter(|id| !id.is_empty())
            .map(|id| format!("teams-activity:{id}")),
    })
}

/// The invoke response for a card action (platforms.md, "Action.Execute").
fn invoke_response(outcome: CardOutcome, names: &crate::platform::teams::markdown::Names) -> Value {
    let card = |card: Value| {
        json!({
            "statusCode": 200,
            "type": "application/vnd.microsoft.card.adaptive",
            "value": card,
        })
    };
    let message = |words: String| {
        json!({
            "statusCode": 200,
            "type": "application/vnd.microsoft.activity.message",
            "value": words,
        })
    };
    match outcome {
        CardOutcome::Replaced(neutral) => match serde_json::from_value::<Card>(neutral) {
            Ok(updated) => card(cards::card_with_names(&updated, names)),
            Err(_) => message("Recorded.".to_owned()),
        },
        CardOutcome::Form(form, _) => card(cards::form(&form)),
        // A card in the answer would replace the prompt for the person who clicked, buttons and
        // all; a message leaves the card as it was and says why nothing was recorded.
        CardOutcome::Told(text) => message(text.to_string()),
        CardOutcome::FieldErrors(errors) => message(field_errors(errors)),
        CardOutcome::Done => message("Done.".to_owned()),
    }
}

/// After an `Action.Submit` (no synchronous answer), say what happened in the thread.
async fn reply_with_outcome(
    state: &AppState,
    activity: &Received,
    outcome: CardOutcome,
) -> Result<(), AppError> {
    let text = match outcome {
        CardOutcome::FieldErrors(errors) => Text::new().plain(field_errors(errors)),
        // Updates and refusals were queued by the service.
        _ => return Ok(()),
    };
    reply_in_thread(state, activity, text).await
}

/// What a form's field errors say when there is no form to show them on.
fn field_errors(errors: Vec<(String, String)>) -> String {
    let words: Vec<String> = errors
        .into_iter()
        .map(|(field, problem)| format!("{field}: {problem}"))
        .collect();
    format!("Nothing was recorded. {}", words.join(" "))
}

/// Queues `text` as a reply to the activity, in its conversation's thread.
async fn reply_in_thread(
    state: &AppState,
    activity: &Received,
    text: Text,
) -> Result<(), AppError> {
    let card = Card::of_text(text);
    state
        .store
        .enqueue(
            &NewMessage {
                tenant: activity.tenant,
                idempotency_key: format!(
                    "teams-reply:{}:{}",
                    activity.tenant.0, activity.activity_id
                ),
                channel_id: &activity.conversation,
                delivery: Delivery::Reply(activity.thread_root.clone()),
                card: serde_json::to_value(&card).unwrap_or_default(),
                occurrence: None,
            },
            state.clock.now(),
        )
        .await?;
    state.wake_outbox.notify_one();
    Ok(())
}
