//! Use cases: run one `/cadence` command for one person, whichever platform it came from.
//!
//! An inbound adapter verifies and translates a request into an [`Invocation`]; [`Commands::run`]
//! parses it, resolves the team, people and capabilities it names, checks that the actor may do
//! it, records it through the store, and answers with a neutral [`Reply`] the adapter renders.
//! A person's mistake is a reply, never an error; [`ServiceError`] is only for a failing store.

mod cards;
mod decide;
pub mod events;
pub mod home;

mod reply;
pub mod rituals;
mod scope;
mod setup;
mod views;

use std::collections::HashSet;
use std::sync::Arc;

use crate::domain::clock::Clock;
use crate::domain::command::{self, Command};
use crate::domain::text::Text;
use crate::domain::{DecisionSource, Platform};
use crate::store::{Store, StoreError};

pub use cards::{CardInput, CardOutcome};
pub use reply::{Outcome, Reply};

/// One command as a person typed it, with who, where and from which platform.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The platform it came from.
    pub platform: Platform,
    /// The workspace, organisation or tenant id on that platform.
    pub tenant: String,
    /// The author's platform user id.
    pub user_id: String,
    /// The author's name as the platform gave it.
    pub user_name: String,
    /// The channel it was typed in, if any.
    pub channel_id: Option<String>,
    /// Whether the platform says the author is a workspace admin or owner.
    pub workspace_admin: bool,
    /// How it arrived.
    pub source: DecisionSource,
    /// The command text, in the escaped form of [`command`].
    pub text: String,
}

/// The store failed; nothing was recorded.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ServiceError(#[from] pub StoreError);

/// Runs commands against a store.
#[derive(Debug, Clone)]
pub struct Commands {
    store: Store,
    admins: Arc<HashSet<String>>,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<tokio::sync::Notify>,
}

impl Commands {
    /// Commands over `store`; `admins` are the user ids of `CADENCE_ADMINS`.
    pub fn new(
        store: Store,
        admins: impl IntoIterator<Item = String>,
        clock: Arc<dyn Clock>,
        wake_outbox: Arc<tokio::sync::Notify>,
    ) -> Self {
        Commands {
            store,
            admins: Arc::new(admins.into_iter().collect()),
            clock,
            wake_outbox,
        }
    }

    /// Tells the outbox worker there is something to send.
    fn wake_outbox(&self) {
        self.wake_outbox.notify_one();
    }

    /// Parses and runs one command, answering the author. Records the subcommand as `command`
    /// on the caller's span when it declares that field.
    pub async fn run(&self, invocation: &Invocation) -> Result<Reply, ServiceError> {
        let line = match command::parse(&invocation.text) {
            Ok(line) => line,
            Err(error) => return Ok(reply::parse_error(&error)),
        };
        tracing::Span::current().record("command", subcommand_name(&line.command));
        let scope = scope::Scope::open(self, invocation, &line.command.people()).await?;
        let reply = match &line.command {
            Command::Help { topic } => views::help(topic.as_deref()),
            Command::Me => views::me(&scope).await?,
            Command::Digest => views::digest(&scope, line.team.as_deref()).await?,
            Command::Coverage { capability } => {
                views::coverage(&scope, line.team.as_deref(), capability.as_deref()).await?
            }
            Command::TeamCreate { .. }
            | Command::TeamMembers { .. }
            | Command::CapabilityAdd { .. } => {
                setup::run(&scope, line.team.as_deref(), &line.command).await?
            }
            Command::RitualAdd { .. }
            | Command::RitualList
            | Command::RitualPause { .. }
            | Command::RitualResume { .. } => {
                rituals::run(&scope, line.team.as_deref(), &line.command).await?
            }
            _ => decide::run(&scope, line.team.as_deref(), &line.command).await?,
        };
        Ok(reply)
    }

    fn is_configured_admin(&self, user_id: &str) -> bool {
        self.admins.contains(user_id)
    }
}

fn subcommand_name(command: &Command) -> &'static str {
    match command {
        Command::Help { .. } => "help",
        Command::Gap { .. } => "gap",
        Command::Coach { .. } => "coach",
        Command::Intervene { .. } => "intervene",
        Command::Level { .. } => "level",
        Command::Certify { .. } => "certify",
        Command::Approve { .. } => "approve",
        Command::Decline { .. } => "decline",
        Command::Request { .. } => "request",
        Command::Sequence { .. } => "sequence",
        Command::Hours { .. } => "hours",
        Command::Mastery { .. } => "mastery",
        Command::Target { .. } => "target",
        Command::Away { .. } => "away",
        Command::Commission { .. } => "commission",
        Command::Coverage { .. } => "coverage",
        Command::Me => "me",
        Command::Digest => "digest",
        Command::TeamCreate { .. } => "team create",
        Command::TeamMembers { .. } => "team",
        Command::CapabilityAdd { .. } => "capability add",
        Command::RitualAdd { .. } => "ritual add",
        Command::RitualList => "ritual list",
        Command::RitualPause { .. } => "ritual pause",
        Command::RitualResume { .. } => "ritual resume",
    }
}

/// A reply that is just text, for the common case.
fn say(text: Text, outcome: Outcome) -> Reply {
    Reply { text, outcome }
}
