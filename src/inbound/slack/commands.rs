//! `POST /slack/commands`: the `/cadence` slash command, read by the Slack adapter
//! (`adapter.rs`) on the one chat path (`inbound/chat.rs`).
//!
//! Verify, decode the form, ask Slack whether the author is a workspace admin (set-up commands
//! only), run the command, answer ephemerally — all inside one 2.5-second budget counted from
//! the request's arrival, so the answer reaches Slack inside its 3 seconds however slow Slack's
//! own API or the database are. The decision is committed before the answer is sent, so an
//! acknowledged decision is never lost. A command that doesn't parse or isn't allowed is a 200 with an ephemeral
//! explanation, because that is what Slack shows the person; only a failed signature (401) or an
//! undecodable form (400) are HTTP errors.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::domain::text::Text;
use crate::domain::{DecisionSource, Platform};
use crate::error::AppError;
use crate::inbound::AppState;
use crate::inbound::chat::Inbound;
use crate::platform::slack::command_text::command_text;
use crate::platform::slack::mrkdwn;
use crate::service::Invocation;
use crate::store::command_key;

/// The fields of a slash-command request Cadence reads; the rest are ignored.
#[derive(Debug, Deserialize)]
struct SlashCommand {
    team_id: String,
    #[serde(default)]
    enterprise_id: Option<String>,
    #[serde(default)]
    is_enterprise_install: Option<String>,
    #[serde(default)]
    channel_id: Option<String>,
    user_id: String,
    #[serde(default)]
    user_name: Option<String>,
    #[serde(default)]
    text: String,
}

/// An immediate answer to a slash command.
#[derive(Debug, Serialize)]
pub struct CommandResponse {
    response_type: &'static str,
    text: String,
}

impl CommandResponse {
    /// An answer only the author sees.
    pub fn ephemeral(text: &Text) -> Self {
        CommandResponse {
            response_type: "ephemeral",
            text: mrkdwn::render(text),
        }
    }
}

/// Reads a verified slash command: who typed what, where, and whether they are a workspace
/// admin (asked of Slack for set-up commands only, inside [`LOOKUP_BUDGET`] of the arrival).
pub(super) async fn normalise(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    received: Instant,
) -> Result<Inbound, AppError> {
    let form: SlashCommand = serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("malformed slash command form: {e}")))?;
    // Org-wide installs are one tenant for the whole Enterprise Grid organisation.
    let org_wide = form.is_enterprise_install.as_deref() == Some("true");
    let tenant = match (&form.enterprise_id, org_wide) {
        (Some(enterprise), true) if !enterprise.is_empty() => enterprise.clone(),
        _ => form.team_id.clone(),
    };
    if tenant.is_empty() || form.user_id.is_empty() {
        return Err(AppError::BadRequest(
            "slash command without team_id or user_id".to_owned(),
        ));
    }
    // The request span (see app.rs) carries who asked, so every log line of it does too.
    let span = tracing::Span::current();
    span.record("platform", "slack");
    span.record("tenant", tenant.as_str());
    span.record("user", form.user_id.as_str());

    let workspace_admin = match &state.directory {
        Some(directory) if needs_admin_check(&form.text) => {
            let lookup = directory.is_admin(&tenant, &form.user_id);
            // A lookup cut short here still finishes and fills the cache for the next command.
            match tokio::time::timeout_at(received + LOOKUP_BUDGET, lookup).await {
                Ok(is_admin) => is_admin,
                Err(_) => {
                    tracing::warn!("Slack did not say in time whether the author is an admin");
                    false
                }
            }
        }
        _ => false,
    };
    Ok(Inbound::Command(Invocation {
        platform: Platform::Slack,
        tenant,
        user_name: form
            .user_name
            .clone()
            .unwrap_or_else(|| form.user_id.clone()),
        user_id: form.user_id,
        channel_id: form.channel_id.filter(|c| !c.is_empty()),
        workspace_admin,
        source: DecisionSource::SlashCommand,
        text: command_text(&form.text),
        request_key: request_key(headers),
    }))
}

/// What makes this very request unique: its signature, which covers the body and the time,
/// and the signed second, which bounds how long the same bytes can be replayed (the store's
/// [`command_key`]). The signature's hex is read in either case, so the key takes it in lower
/// case: the same request with its signature upper-cased is the same request.
fn request_key(headers: &HeaderMap) -> Option<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signature = header("x-slack-signature")?.to_ascii_lowercase();
    let timestamp = header("x-slack-request-timestamp")?.parse().ok()?;
    Some(command_key(timestamp, &signature))
}

/// How long after its arrival a command is answered at the latest, whatever is still running:
/// Slack shows an error after 3 s.
pub(super) const COMMAND_BUDGET: Duration = Duration::from_millis(2500);
/// The part of [`COMMAND_BUDGET`] the workspace-admin lookups (`auth.test`, `users.info`) may
/// take together; past it the author is treated as a member, which the cache corrects later.
pub(super) const LOOKUP_BUDGET: Duration = Duration::from_millis(1000);

/// What the author is told when the database is too slow to confirm in time. A decision queued
/// for commit may still land, so the answer says to check rather than to repeat.
pub(super) fn overran() -> Text {
    Text::new()
        .plain("Cadence is slower than usual and couldn't confirm in time. ")
        .plain("Your command may still be recorded: check with ")
        .command("me")
        .plain(" or ")
        .command("coverage")
        .plain(" before running it again.")
}

/// Only set-up commands consult the workspace's admin list, so the common path never waits on
/// Slack's API.
fn needs_admin_check(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .find(|word| !word.to_ascii_lowercase().starts_with("team:"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Set-up, the module library and budgets are for admins; `audit`, `org`,
    // `scorecard @someone` and `module list` show admins more.
    matches!(
        first.as_str(),
        "team"
            | "capability"
            | "audit"
            | "org"
            | "scorecard"
            | "settings"
            | "module"
            | "modules"
            | "budget"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_set_up_commands_ask_slack_about_admins() {
        assert!(needs_admin_check("team create Atlas"));
        assert!(needs_admin_check("team:Atlas team add <@U1>"));
        assert!(needs_admin_check("Capability add x"));
        assert!(needs_admin_check("org family:sales"));
        assert!(needs_admin_check("scorecard <@U1|a>"));
        assert!(needs_admin_check("module add x for y"));
        assert!(needs_admin_check("budget team:Atlas hours 60"));
        assert!(!needs_admin_check("level <@U1|a> x mastery"));
        assert!(!needs_admin_check(""));
    }
}
