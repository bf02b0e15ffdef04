//! Use cases: run one `/cadence` command for one person, whichever platform it came from.
//!
//! An inbound adapter verifies and translates a request into an [`Invocation`]; [`Commands::run`]
//! parses it, resolves the team, people and capabilities it names, checks that the actor may do
//! it, records it through the store, and answers with a neutral [`Reply`] the adapter renders.
//! A person's mistake is a reply, never an error; [`StoreError`] is only for a failing store.

mod audit;
mod cards;
mod decide;
pub mod digest;
pub(crate) mod events;
pub(crate) mod home;
pub mod report;

mod outcomes;
mod reply;
pub(crate) mod rituals;
mod scope;
pub mod secrets;
mod settings;
mod setup;
mod sources;
mod suggest;
mod undo;
mod views;

use std::collections::HashSet;
use std::sync::Arc;

use crate::domain::clock::Clock;
use crate::domain::command::{self, Command};
use crate::domain::text::Text;
use crate::domain::{DecisionSource, Platform};
use crate::store::{Freshness, Store, StoreError};
use scope::{Scope, Stop, finish};

pub use cards::{CardInput, CardOutcome};
pub use reply::{Outcome, Reply};
pub use suggest::Suggestion;

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
    /// The command as typed, with the people and channels the platform resolved.
    pub text: command::CommandText,
    /// What makes this very request unique (Slack: its signature, which covers the body and
    /// the time; Teams: the activity id): the same request delivered again within the
    /// signature's window records nothing more and is answered as the first was.
    pub request_key: Option<String>,
}

/// Runs commands against a store.
#[derive(Debug, Clone)]
pub struct Commands {
    store: Store,
    admins: Arc<HashSet<String>>,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<tokio::sync::Notify>,
    sealer: crate::crypto::Sealer,
    public_url: Option<Arc<str>>,
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
            sealer: crate::crypto::Sealer::default(),
            public_url: None,
        }
    }

    /// The same, sealing tenants' source secrets with `sealer` and naming their URLs from
    /// `public_url` (`CADENCE_PUBLIC_URL`).
    pub fn with_sources(mut self, sealer: crate::crypto::Sealer, public_url: Option<&str>) -> Self {
        self.sealer = sealer;
        self.public_url = public_url.map(Arc::from);
        self
    }

    /// What seals stored secrets.
    fn sealer(&self) -> &crate::crypto::Sealer {
        &self.sealer
    }

    /// Cadence's public address, if configured.
    fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// Tells the outbox worker there is something to send.
    fn wake_outbox(&self) {
        self.wake_outbox.notify_one();
    }

    /// Parses and runs one command, answering the author. Records the subcommand as `command`
    /// on the caller's span when it declares that field.
    pub async fn run(&self, invocation: &Invocation) -> Result<Reply, StoreError> {
        let line = match command::parse(&invocation.text) {
            Ok(line) => line,
            Err(error) => return Ok(reply::parse_error(&error)),
        };
        tracing::Span::current().record("command", line.command.subcommand().name());
        // Help reads nothing and writes nothing: a workspace that has never used Cadence gets
        // its answer without a tenant or person row being made for it.
        if let Command::Help { topic } = &line.command {
            return Ok(views::help(topic.as_deref()));
        }
        // A decision first takes its channel's team and roster from memory. Its write refuses
        // it if that roster was stale, and a refusal may have been read off a stale roster too:
        // either way the command runs once more against the stored roster.
        match self.run_line(invocation, &line, Freshness::Cached).await {
            Ok((reply, false)) => Ok(reply),
            Ok((reply, true)) if !matches!(reply.outcome, Outcome::Refused | Outcome::Invalid) => {
                Ok(reply)
            }
            Ok((_, true)) | Err(StoreError::Stale) => self
                .run_line(invocation, &line, Freshness::Fresh)
                .await
                .map(|(reply, _)| reply),
            Err(error) => Err(error),
        }
    }

    /// Runs a parsed command; says too whether it read a roster that may have come from memory.
    async fn run_line(
        &self,
        invocation: &Invocation,
        line: &command::CommandLine,
        rosters: Freshness,
    ) -> Result<(Reply, bool), StoreError> {
        let scope =
            scope::Scope::open_with(self, invocation, &line.command.people(), rosters).await?;
        let team = line.team.as_deref();
        let reply = match &line.command {
            Command::Help { topic } => views::help(topic.as_deref()),
            Command::Me => views::me(&scope).await?,
            Command::Digest => views::digest(&scope, team).await?,
            Command::Coverage { capability } => {
                views::coverage(&scope, team, capability.as_deref()).await?
            }
            Command::TeamCreate { .. }
            | Command::TeamMembers { .. }
            | Command::CapabilityAdd { .. } => setup::run(&scope, team, &line.command).await?,
            Command::RitualAdd { .. }
            | Command::RitualList
            | Command::RitualPause { .. }
            | Command::RitualResume { .. } => rituals::run(&scope, team, &line.command).await?,
            Command::Undo => finish(undo::undo(&scope, team).await)?,
            Command::Audit => finish(audit::audit(&scope).await)?,
            Command::Org { family, quarter } => {
                finish(outcomes::org(&scope, family.as_deref(), *quarter).await)?
            }
            Command::Settings {
                ld_channel,
                currency,
                over_budget,
            } => finish(
                settings::settings(
                    &scope,
                    ld_channel.as_ref(),
                    currency.as_deref(),
                    *over_budget,
                )
                .await,
            )?,
            Command::Scorecard { manager, quarter } => {
                finish(outcomes::scorecard(&scope, manager.as_ref(), *quarter).await)?
            }
            Command::ModuleList { capability } => {
                finish(decide::module_list(&scope, capability.as_deref()).await)?
            }
            Command::SourceAdd { .. }
            | Command::SourceList
            | Command::SourceRotate { .. }
            | Command::SourceRemove { .. } => finish(sources::run(&scope, &line.command).await)?,
            decision => finish(decide(&scope, team, decision).await)?,
        };
        Ok((reply, scope.used_cached_roster()))
    }

    fn is_configured_admin(&self, user_id: &str) -> bool {
        self.admins.contains(user_id)
    }
}

/// Runs a decision command with its handler.
async fn decide(scope: &Scope<'_>, team: Option<&str>, command: &Command) -> Result<Reply, Stop> {
    use decide as d;
    match command {
        Command::Gap { person, capability } => d::gap(scope, team, person, capability).await,
        Command::Coach {
            person,
            capability,
            note,
        } => d::coach(scope, team, person, capability, note.as_deref()).await,
        Command::Intervene {
            person,
            capability,
            means,
            due,
        } => d::intervene(scope, team, person, capability, means, *due).await,
        Command::Level {
            person,
            capability,
            level,
            evidence,
        } => d::level(scope, team, person, capability, *level, evidence.as_deref()).await,
        Command::Certify {
            person,
            capability,
            evidence,
        } => d::certify(scope, team, person, capability, evidence.as_deref()).await,
        Command::Approve { person, track } => d::approve(scope, team, person, track).await,
        Command::Decline {
            person,
            track,
            reason,
        } => d::decline(scope, team, person, track, reason.as_deref()).await,
        Command::Request { track, note } => d::request(scope, team, track, note.as_deref()).await,
        Command::Sequence {
            family,
            capabilities,
        } => d::sequence(scope, team, family, capabilities).await,
        Command::Hours {
            person,
            hours,
            period,
        } => d::hours(scope, team, person, *hours, period.as_ref()).await,
        Command::Mastery {
            capability,
            criteria,
        } => d::mastery(scope, team, capability, criteria).await,
        Command::Target { capability, count } => d::target(scope, team, capability, *count).await,
        Command::Away { person, dates } => d::away(scope, team, person, *dates).await,
        Command::Commission {
            title,
            budget,
            capability,
        } => d::commission(scope, team, title, *budget, capability.as_deref()).await,
        Command::ModuleAdd {
            title,
            capability,
            hours,
            link,
            level,
        } => d::module_add(scope, title, capability, *hours, link.as_deref(), *level).await,
        Command::ModuleApprove { title } => d::module_approve(scope, title).await,
        Command::TrackCompose {
            track,
            modules,
            pace,
        } => d::compose(scope, team, track, modules, *pace).await,
        Command::TrackOrder { track, modules } => d::reorder(scope, team, track, modules).await,
        Command::Pace {
            person,
            track,
            pace,
        } => d::pace(scope, team, person.as_ref(), track, *pace).await,
        Command::Done { person, module } => d::done(scope, team, person.as_ref(), module).await,
        Command::ModuleRetire { title } => d::module_retire(scope, title).await,
        Command::Budget {
            hours,
            spend,
            quarter,
        } => d::budget(scope, team, *hours, *spend, *quarter).await,
        _ => Err(Reply::invalid(Text::new().plain("That command records no decision.")).into()),
    }
}

/// A reply that is just text, for the common case.
fn say(text: Text, outcome: Outcome) -> Reply {
    Reply { text, outcome }
}
