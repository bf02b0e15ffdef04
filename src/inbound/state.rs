//! What every handler is handed: the configuration, the store, the use cases and the
//! platforms' verifiers. Built once by the application; every request clones one pointer to it.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::SecretString;
use tokio::sync::Notify;

use crate::domain::clock::Clock;
use crate::inbound::hooks::HookSecrets;
use crate::inbound::teams::auth::BotAuthenticator;
use crate::platform::Senders;
use crate::platform::slack::oauth::SlackOAuth;
use crate::platform::slack::tokens::SlackTokens;
use crate::platform::slack::users::SlackDirectory;
use crate::service::Commands;
use crate::store::Store;

/// Shared state handed to every handler: one reference-counted [`Shared`], so that the clone
/// each request takes is one atomic increment rather than one per field.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Shares `shared` with every handler.
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct Shared {
    /// Verifies everything Slack sends; `None` refuses every Slack request.
    pub slack_signing_secret: Option<SecretString>,
    /// Each Slack workspace's bot token: records installs and revocations.
    pub slack_tokens: SlackTokens,
    /// The multi-workspace install (`/slack/install`), when `SLACK_CLIENT_ID` is set.
    pub slack_oauth: Option<SlackOAuth>,
    /// The event sources' secrets.
    pub hook_secrets: Arc<HookSecrets>,
    /// Opens the secrets of tenants' own event sources.
    pub sealer: crate::crypto::Sealer,
    /// The database.
    pub store: Store,
    /// The command use cases.
    pub commands: Commands,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Slack's user directory, when a bot token is configured or workspaces can install.
    pub directory: Option<SlackDirectory>,
    /// Verifies Bot Framework tokens, when Teams is configured.
    pub teams_auth: Option<BotAuthenticator>,
    /// Wakes the event processor when an event is received.
    pub wake_events: Arc<Notify>,
    /// Wakes the outbox worker when a message is queued.
    pub wake_outbox: Arc<Notify>,
    /// The platforms' senders, for what cannot wait in the outbox (a Slack form, whose
    /// `trigger_id` expires three seconds after the click). The outbox worker uses the same.
    pub senders: Senders,
    /// This process's counters and histograms, rendered by `GET /metrics`.
    pub recorded: &'static PrometheusHandle,
}
