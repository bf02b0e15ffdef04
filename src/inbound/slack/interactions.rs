//! `POST /slack/interactions`: clicks on cards (`block_actions`) and submitted forms
//! (`view_submission`, `view_closed`). The signature is checked on the raw form before the
//! `payload` field is decoded. A click is answered with an empty 200 and its effects (the card
//! updated, a private refusal) go through the outbox; a form with errors is answered with
//! Slack's `response_action: errors` on the right fields.
//!
//! A form is the exception: `views.open` needs the click's `trigger_id`, which Slack accepts
//! once and only within three seconds of the click, so the form is opened while the click's
//! request is still open, never queued behind other messages.
//! <https://api.slack.com/interactivity/handling#payloads>,
//! <https://api.slack.com/methods/views.open>

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::domain::card::{Action, Card, Form, Verb};
use crate::domain::ids::TenantId;
use crate::domain::text::Text;
use crate::domain::{DecisionSource, Platform};
use crate::error::AppError;
use crate::inbound::AppState;
use crate::inbound::chat::Inbound;
use crate::platform::Destination;
use crate::platform::slack::blocks::action_from_id;
use crate::service::{CardInput, CardOutcome, Invocation, Suggestion};
use crate::store::{Delivery, NewMessage};

/// How long `views.open` may take: the click's `trigger_id` expires three seconds after the
/// click, and the click itself must be acknowledged within three seconds.
const FORM_BUDGET: Duration = Duration::from_millis(2500);

/// An interaction's form: one `payload` field holding the JSON.
#[derive(Deserialize)]
pub(super) struct Envelope {
    payload: String,
}

/// What the Slack adapter keeps of a click or form for its answer.
#[derive(Debug)]
pub(crate) struct Clicked {
    invocation: Invocation,
    input: CardInput,
    from_home: bool,
}

/// The interaction's JSON payload, read once for [`suggestion`] and [`normalise`].
pub(super) fn payload(envelope: &Envelope) -> Result<Value, AppError> {
    serde_json::from_str(&envelope.payload)
        .map_err(|e| AppError::BadRequest(format!("interaction payload is not JSON: {e}")))
}

/// A `block_suggestion` (an `external_select` loading its options) as the service's
/// [`Suggestion`]: what was typed, and the picker's action — or, inside a form, the form's,
/// which Slack hands back as the view's `private_metadata`. `None` for any other payload.
pub(super) fn suggestion(payload: &Value) -> Result<Option<(Invocation, Suggestion)>, AppError> {
    if payload["type"].as_str() != Some("block_suggestion") {
        return Ok(None);
    }
    let Some(invocation) = invocation(payload) else {
        return Err(AppError::BadRequest(
            "options request without team or user".to_owned(),
        ));
    };
    let action_id = payload["action_id"].as_str();
    let from_card = action_id.and_then(action_from_id).map(|_| action_id);
    let action_id = from_card
        .flatten()
        .or_else(|| payload["view"]["private_metadata"].as_str());
    let query = payload["value"].as_str().unwrap_or_default();
    Ok(Some((invocation, Suggestion::new(query, action_id))))
}

/// Reads a verified interaction: who clicked or submitted what, on which card. `None` for
/// interactions Cadence has nothing to do with (`view_closed`, shortcuts, anything newer).
pub(super) fn normalise(payload: &Value) -> Result<Option<Clicked>, AppError> {
    let Some(invocation) = invocation(payload) else {
        return Err(AppError::BadRequest(
            "interaction without team or user".to_owned(),
        ));
    };
    let span = tracing::Span::current();
    span.record("platform", "slack");
    span.record("tenant", invocation.tenant.as_str());
    span.record("user", invocation.user_id.as_str());
    let input = match payload["type"].as_str() {
        Some("block_actions") => click(payload),
        Some("view_submission") => submission(payload),
        _ => return Ok(None),
    };
    if let Some(action) = &input.action {
        span.record("command", action.verb.code());
    }
    let from_home = payload["view"]["type"].as_str() == Some("home");
    let invocation = if from_home {
        Invocation {
            source: DecisionSource::AppHome,
            ..invocation
        }
    } else {
        invocation
    };
    Ok(Some(Clicked {
        invocation,
        input,
        from_home,
    }))
}

impl Clicked {
    /// The service's neutral view of the click.
    pub(super) fn inbound(&self) -> Inbound {
        Inbound::Card(self.invocation.clone(), self.input.clone())
    }

    /// Whether the click answers an over-budget request or a commission, which only admins
    /// may: only then is Slack asked whether the person is a workspace admin, so other clicks
    /// never wait on it.
    pub(super) fn needs_admin_check(&self) -> bool {
        self.input.action.as_ref().is_some_and(|a| {
            matches!(
                a.verb,
                Verb::ApproveBudget
                    | Verb::DeclineBudget
                    | Verb::AcceptCommission
                    | Verb::ReviseCommission
                    | Verb::DeclineCommission
            )
        })
    }

    /// The workspace and the person who clicked.
    pub(super) fn who(&self) -> (&str, &str) {
        (&self.invocation.tenant, &self.invocation.user_id)
    }

    /// Records what Slack said about the person being a workspace admin or owner.
    pub(super) fn set_workspace_admin(&mut self, admin: bool) {
        self.invocation.workspace_admin = admin;
    }
}

/// Slack's answer to a click or form: updates and refusals went through the outbox, so the
/// answer is empty, except that a form opens now and a form's errors go on its fields.
pub(super) async fn answer(
    state: &AppState,
    clicked: Clicked,
    outcome: CardOutcome,
    received: Instant,
) -> Result<Response, AppError> {
    let Clicked {
        invocation,
        input,
        from_home,
    } = clicked;
    if from_home {
        // The click changed what the home view shows (a request answered): show it again.
        let occasion = format!("click:{}", state.clock.now().timestamp_millis());
        let admin = match &state.directory {
            Some(directory) => {
                directory
                    .is_admin(&invocation.tenant, &invocation.user_id)
                    .await
            }
            None => false,
        };
        state
            .commands
            .publish_home(
                Platform::Slack,
                &invocation.tenant,
                &invocation.user_id,
                &occasion,
                admin,
            )
            .await?;
    }
    match outcome {
        CardOutcome::Form(form, tenant) => {
            let deadline = received + FORM_BUDGET;
            open_form(state, tenant, &invocation, &input, &form, deadline).await?;
            Ok(StatusCode::OK.into_response())
        }
        CardOutcome::Done | CardOutcome::Replaced(_) | CardOutcome::Told(_) => {
            Ok(StatusCode::OK.into_response())
        }
        CardOutcome::FieldErrors(errors) => {
            let errors: serde_json::Map<String, Value> = errors
                .into_iter()
                .map(|(field, message)| (field, Value::String(message)))
                .collect();
            Ok(Json(json!({ "response_action": "errors", "errors": errors })).into_response())
        }
    }
}

/// Opens `form` for the click now, while its `trigger_id` is still valid. When Slack does not
/// open it in time, the person is told privately to press the button again: a queued retry
/// could only fail, as the trigger will have expired.
async fn open_form(
    state: &AppState,
    tenant: TenantId,
    invocation: &Invocation,
    input: &CardInput,
    form: &Form,
    deadline: Instant,
) -> Result<(), AppError> {
    let (channel, ts) = input.message.clone().unwrap_or_default();
    let trigger = input.trigger.as_deref().unwrap_or_default();
    let key = format!("form:{}:{trigger}", tenant.0);
    let to = Destination {
        tenant,
        channel: &channel,
        idempotency_key: &key,
    };
    // Slack hands the context back with the submission: it names the card to update.
    let context = json!({ "channel": channel, "ts": ts });
    let opened = match state.senders.get(Platform::Slack) {
        Some(sender) => {
            tokio::time::timeout_at(deadline, sender.open_form(&to, trigger, form, &context))
                .await
                .map_err(|_| "views.open took too long".to_owned())
                .and_then(|sent| sent.map_err(|e| e.to_string()))
        }
        None => Err("Slack is not configured".to_owned()),
    };
    let Err(reason) = opened else {
        return Ok(());
    };
    tracing::warn!(%reason, "could not open a form for a click");
    if channel.is_empty() {
        return Ok(());
    }
    let text = Text::new().plain("Slack did not open the form in time; press the button again.");
    let card = Card::of_text(text);
    state
        .store
        .enqueue(
            &NewMessage {
                tenant,
                idempotency_key: format!("{key}:failed"),
                channel_id: &channel,
                delivery: Delivery::Ephemeral(invocation.user_id.clone()),
                card: serde_json::to_value(&card).unwrap_or_default(),
                occurrence: None,
            },
            state.clock.now(),
        )
        .await?;
    state.wake_outbox.notify_one();
    Ok(())
}

/// Who clicked, in which workspace (the organisation for org-wide installs) and channel.
fn invocation(payload: &Value) -> Option<Invocation> {
    let org_wide = payload["is_enterprise_install"].as_bool() == Some(true);
    let tenant = match (org_wide, payload["enterprise"]["id"].as_str()) {
        (true, Some(enterprise)) => enterprise,
        _ => payload["team"]["id"]
            .as_str()
            .or_else(|| payload["user"]["team_id"].as_str())?,
    };
    let user_id = payload["user"]["id"].as_str().filter(|u| !u.is_empty())?;
    let user_name = payload["user"]["username"]
        .as_str()
        .or_else(|| payload["user"]["name"].as_str())
        .unwrap_or(user_id);
    Some(Invocation {
        platform: Platform::Slack,
        tenant: tenant.to_owned(),
        user_id: user_id.to_owned(),
        user_name: user_name.to_owned(),
        channel_id: payload["channel"]["id"].as_str().map(str::to_owned),
        workspace_admin: false,
        source: DecisionSource::Card,
        text: Default::default(),
        request_key: None,
    })
}

/// A button press, with whatever the pickers on the same card hold.
fn click(payload: &Value) -> CardInput {
    let action = payload["actions"][0]["action_id"]
        .as_str()
        .and_then(action_from_id);
    let mut fields = BTreeMap::new();
    if let Some(blocks) = payload["state"]["values"].as_object() {
        for actions in blocks.values() {
            let Some(actions) = actions.as_object() else {
                continue;
            };
            for (action_id, value) in actions {
                match action_from_id(action_id).map(|a| a.verb) {
                    Some(Verb::PickPerson) => {
                        if let Some(user) = value["selected_user"].as_str() {
                            fields.insert("person".to_owned(), user.to_owned());
                        }
                    }
                    Some(Verb::PickCapability) => {
                        if let Some(choice) = value["selected_option"]["value"].as_str() {
                            fields.insert("capability".to_owned(), choice.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let channel = payload["container"]["channel_id"]
        .as_str()
        .or_else(|| payload["channel"]["id"].as_str());
    let ts = payload["container"]["message_ts"]
        .as_str()
        .or_else(|| payload["message"]["ts"].as_str());
    // The same click delivered twice (a double click, a retry) carries the same action time,
    // user and message, so it is recorded once.
    let interaction_key = payload["actions"][0]["action_ts"].as_str().map(|at| {
        format!(
            "slack-click:{at}:{}:{}:{}",
            payload["user"]["id"].as_str().unwrap_or_default(),
            ts.unwrap_or_default(),
            payload["actions"][0]["action_id"]
                .as_str()
                .unwrap_or_default(),
        )
    });
    CardInput {
        action,
        fields,
        message: channel.zip(ts).map(|(c, t)| (c.to_owned(), t.to_owned())),
        trigger: payload["trigger_id"].as_str().map(str::to_owned),
        submitted: false,
        answer_inline: false,
        interaction_key,
    }
}

/// A submitted form: its inputs by block id, and the card it belongs to from `private_metadata`.
fn submission(payload: &Value) -> CardInput {
    let view = &payload["view"];
    let action = view["callback_id"]
        .as_str()
        .and_then(|id| id.parse::<Action>().ok());
    let mut fields = BTreeMap::new();
    if let Some(blocks) = view["state"]["values"].as_object() {
        for (block_id, actions) in blocks {
            let Some(actions) = actions.as_object() else {
                continue;
            };
            for value in actions.values() {
                let read = value["selected_user"]
                    .as_str()
                    .or_else(|| value["selected_option"]["value"].as_str())
                    .or_else(|| value["selected_date"].as_str())
                    .or_else(|| value["value"].as_str());
                if let Some(read) = read {
                    fields.insert(block_id.clone(), read.to_owned());
                }
            }
        }
    }
    let context: Value = view["private_metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let message = match (context["channel"].as_str(), context["ts"].as_str()) {
        (Some(c), Some(t)) if !c.is_empty() && !t.is_empty() => Some((c.to_owned(), t.to_owned())),
        _ => None,
    };
    CardInput {
        action,
        fields,
        message,
        trigger: None,
        submitted: true,
        answer_inline: false,
        // A modal submitted twice is the same view.
        interaction_key: view["id"].as_str().map(|id| format!("slack-view:{id}")),
    }
}
