//! `cadence demo`: one sprint of a team, played against the real service so a newcomer can see
//! Cadence work without a Slack app, a public address, configuration or the internet.
//!
//! The server is the one `cadence serve` runs ([`crate::app::Server`]), on a loopback port,
//! over an SQLite database in a scratch directory deleted afterwards, with time from a manual
//! clock the story moves on. The platform is a loopback stand-in served in-process — Slack's
//! Web API, or for `--teams` the Bot Framework's keys, token endpoint and connector — and every
//! request is signed as the platform signs it, with secrets generated for the run. The story
//! ([`script`]) is told once and played through a driver per platform ([`slack`], [`teams`]);
//! what Cadence posts is read back from the stand-in and printed as the channel shows it
//! ([`transcript`], with [`blockkit`] and [`adaptive`] rendering). A step that does not get what
//! it expects ends the demo with an error.
//!
//! This module is an edge, like `main.rs` and `app.rs`: it wires the application together and
//! nothing else in the crate depends on it.

mod adaptive;
mod blockkit;
mod script;
mod slack;
mod slack_standin;
mod stage;
mod teams;
mod teams_standin;
mod transcript;

use std::io::Write;
use std::sync::Arc;

use chrono::Utc;
use secrecy::SecretString;

use crate::app::StartError;
use crate::config::{Config, SlackConfig, TeamsConfig};
use crate::domain::clock::ManualClock;
use crate::domain::event::Source;
use crate::store::StoreError;
use script::{ADA, Chat};
use slack_standin::SlackStandIn;
use stage::{Scratch, Stage};
use teams_standin::{StandInError, TeamsStandIn};
use transcript::Transcript;

/// Which platform the sprint is played on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoPlatform {
    /// Slack: slash commands, Block Kit, interactions.
    Slack,
    /// Microsoft Teams: Bot Framework activities, Adaptive Cards, `Action.Execute`.
    Teams,
}

/// Why the demo stopped before the end of the story.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The server did not start.
    #[error("Cadence did not start: {0}")]
    Start(#[from] StartError),
    /// A loopback stand-in could not listen.
    #[error("the platform stand-in: {0}")]
    StandIn(#[source] std::io::Error),
    /// The Teams stand-in could not start or sign.
    #[error("the Teams stand-in: {0}")]
    Teams(#[from] StandInError),
    /// A request to Cadence failed on the way.
    #[error("a request to Cadence: {0}")]
    Http(#[from] reqwest::Error),
    /// Cadence refused a request the story sent.
    #[error("Cadence answered {status} to {path}: {answer}")]
    Refused {
        /// The route.
        path: String,
        /// The HTTP status.
        status: u16,
        /// What it said.
        answer: String,
    },
    /// Running Cadence's background jobs failed.
    #[error("Cadence's background jobs: {0}")]
    Jobs(#[from] StoreError),
    /// The transcript could not be written.
    #[error("writing the transcript: {0}")]
    Output(#[source] std::io::Error),
    /// The scratch directory for the database could not be made.
    #[error("the scratch directory: {0}")]
    Scratch(#[source] std::io::Error),
    /// A request could not be encoded.
    #[error("encoding a request: {0}")]
    Encode(String),
    /// What Cadence posted lacks something the story acts on.
    #[error("{0}")]
    Script(String),
    /// The digest's schedule could not be read.
    #[error("the digest's schedule: {0}")]
    Schedule(String),
    /// The system gave no randomness for the run's secrets.
    #[error("making the run's secrets: {0}")]
    Random(String),
    /// A step did not see what it expected.
    #[error("step {step} ({title}) never saw {wanted}")]
    Step {
        /// Its number in the transcript.
        step: usize,
        /// What it was about.
        title: String,
        /// What it waited for, in words.
        wanted: String,
    },
}

/// Plays the sprint on `platform`, writing the transcript to `out` as it goes. Everything it
/// starts is stopped and its database deleted, whether the story ends well or not.
pub async fn run(platform: DemoPlatform, out: &mut (dyn Write + Send)) -> Result<(), DemoError> {
    let scratch = Scratch::new()?;
    let clock = Arc::new(ManualClock::new(script::opening(Utc::now())?));
    let jira_secret = random_hex(16)?;
    let mut config = Config::for_database(scratch.database_url());
    config.admins = vec![ADA.slack.to_owned(), ADA.teams.to_owned()];
    config.hook_secrets.set(Source::Jira, &jira_secret);
    let mut transcript = Transcript::new(out);
    match platform {
        DemoPlatform::Slack => {
            let slack = SlackStandIn::start().await.map_err(DemoError::StandIn)?;
            let secret = random_hex(16)?;
            config.slack = Some(SlackConfig {
                signing_secret: SecretString::from(secret.clone()),
                bot_token: Some(SecretString::from(format!("xoxb-demo-{}", random_hex(12)?))),
            });
            config.slack_api_base_url = slack.base_url.clone();
            let stage = Stage::start(config, clock, jira_secret).await?;
            let stand_in = format!(
                "Slack's Web API is a loopback stand-in at {}",
                slack.base_url
            );
            let mut chat = slack::SlackChat::new(stage, slack, secret);
            let played = tell(&mut chat, &mut transcript, &scratch, &stand_in).await;
            chat.stop().await;
            played?;
        }
        DemoPlatform::Teams => {
            let app_id = format!("{}-demo", random_hex(8)?);
            let password = random_hex(16)?;
            let bf = TeamsStandIn::start(&app_id, &password).await?;
            config.teams = Some(TeamsConfig {
                app_id,
                app_password: SecretString::from(password),
                tenant_id: None,
                openid_metadata_url: bf.metadata_url(),
                entra_openid_metadata_url: None,
                token_url: bf.token_url(),
            });
            // Slack is not configured and never called; its address stays on loopback anyway.
            config.slack_api_base_url = "http://127.0.0.1:9/api/".to_owned();
            let stage = Stage::start(config, clock, jira_secret).await?;
            let stand_in = format!(
                "the Bot Framework (keys, tokens, connector) is a loopback stand-in at {}",
                bf.base_url
            );
            let mut chat = teams::TeamsChat::new(stage, bf);
            let played = tell(&mut chat, &mut transcript, &scratch, &stand_in).await;
            chat.stop().await;
            played?;
        }
    }
    transcript
        .say("\nEvery step saw what it expected. The demo's database is deleted; nothing left this machine.")
        .map_err(DemoError::Output)
}

/// The opening lines, then the story.
async fn tell(
    chat: &mut dyn Chat,
    out: &mut Transcript<'_>,
    scratch: &Scratch,
    stand_in: &str,
) -> Result<(), DemoError> {
    let platform = chat.platform();
    let base = chat.stage().base.clone();
    let opening = [
        format!("Cadence demo: one sprint of team Atlas, on {platform}."),
        format!(
            "Cadence runs for real at {base}, over a throw-away SQLite database in {};",
            scratch.path.display()
        ),
        format!("{stand_in}."),
        format!(
            "Every request below is signed as {platform} and Jira sign theirs, with secrets made for this run;"
        ),
        "what Cadence sends back is shown as the channel shows it. Time is the story's: it moves on".to_owned(),
        "a couple of minutes a step, then to Monday morning for the weekly digest.".to_owned(),
    ];
    for line in opening {
        out.say(&line).map_err(DemoError::Output)?;
    }
    script::play(chat, out).await
}

/// `bytes` random bytes as hex, for the run's secrets.
fn random_hex(bytes: usize) -> Result<String, DemoError> {
    let mut buffer = vec![0; bytes];
    getrandom::fill(&mut buffer).map_err(|e| DemoError::Random(e.to_string()))?;
    Ok(hex::encode(buffer))
}
