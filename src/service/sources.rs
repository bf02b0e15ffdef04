//! `source add|list|rotate|remove`: a workspace's own event sources, managed by its admins.
//! Adding one answers, privately, with its URL (`/hooks/{kind}/{id}`) and a fresh secret, which
//! Cadence keeps sealed and never shows again; its events start only this workspace's rituals.
//! Rotating gives a new secret and keeps the old one valid for [`GRACE`], while the sender is
//! updated.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;

use super::scope::{Scope, Stop};
use super::{Outcome, Reply};
use crate::domain::Platform;
use crate::domain::command::Command;
use crate::domain::event::Source;
use crate::domain::text::Text;
use crate::store::EventSource;

/// How long a rotated-out secret is still accepted.
pub const GRACE: Duration = Duration::hours(24);

/// Runs a `source …` command.
pub(super) async fn run(scope: &Scope<'_>, command: &Command) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        let text = Text::new().plain(
            "Only workspace admins, owners and Cadence admins manage the workspace's event sources.",
        );
        return Err(Reply::refused(text).into());
    }
    match command {
        Command::SourceAdd { kind } => add(scope, *kind).await,
        Command::SourceRotate { id } => rotate(scope, id).await,
        Command::SourceRemove { id } => remove(scope, id).await,
        _ => list(scope).await,
    }
}

async fn add(scope: &Scope<'_>, kind: Source) -> Result<Reply, Stop> {
    require_private(scope).await?;
    let id = new_id()?;
    let secret = new_secret()?;
    let sealed = seal(scope, &id, &secret)?;
    scope
        .store()
        .add_event_source(
            scope.tenant,
            (&id, kind),
            &sealed,
            scope.actor.id,
            scope.now(),
        )
        .await?;
    let text = Text::new()
        .plain(format!("Added a {kind} event source. Point its webhook at "))
        .code(url(scope, kind, &id))
        .plain(" with the secret ")
        .code(secret)
        .plain(
            ". Its events start only this workspace's rituals. Keep the secret now: Cadence keeps it sealed and will not show it again (",
        )
        .command(format!("source rotate {id}"))
        .plain(" makes a new one).");
    Ok(Reply {
        text,
        outcome: Outcome::Changed,
    })
}

async fn rotate(scope: &Scope<'_>, id: &str) -> Result<Reply, Stop> {
    require_private(scope).await?;
    let secret = new_secret()?;
    let sealed = seal(scope, id, &secret)?;
    let until = scope.now() + GRACE;
    let rotated = scope
        .store()
        .rotate_event_source(scope.tenant, id, &sealed, until, scope.now())
        .await?;
    if !rotated {
        return Err(unknown(id));
    }
    let text = Text::new()
        .plain(format!("The source {id} has a new secret: "))
        .code(secret)
        .plain(format!(
            ". The old one is accepted until {} UTC, while the sender is updated.",
            until.format("%Y-%m-%d %H:%M")
        ));
    Ok(Reply {
        text,
        outcome: Outcome::Changed,
    })
}

async fn remove(scope: &Scope<'_>, id: &str) -> Result<Reply, Stop> {
    if !scope.store().remove_event_source(scope.tenant, id).await? {
        return Err(unknown(id));
    }
    Ok(Reply {
        text: Text::new().plain(format!(
            "Removed the source {id}: its deliveries are refused from now on."
        )),
        outcome: Outcome::Changed,
    })
}

async fn list(scope: &Scope<'_>) -> Result<Reply, Stop> {
    let sources = scope.store().event_sources(scope.tenant).await?;
    let mut text = Text::new();
    if sources.is_empty() {
        text = text
            .plain("This workspace has no event sources of its own yet. Add one with ")
            .command("source add jira")
            .plain(".");
    } else {
        text = text.plain("This workspace's event sources:");
        for source in &sources {
            text = text
                .line()
                .plain("• ")
                .code(source.id.clone())
                .plain(format!(
                    ": {}, added {}, at ",
                    source.kind,
                    source.created_at.format("%Y-%m-%d")
                ));
            text = text.code(url(scope, source.kind, &source.id));
            if let Some((_, until)) = source.previous.as_ref().filter(|(_, u)| *u > scope.now()) {
                text = text.plain(format!(
                    " (the previous secret is accepted until {} UTC)",
                    until.format("%Y-%m-%d %H:%M")
                ));
            }
        }
    }
    Ok(Reply {
        text,
        outcome: Outcome::Shown,
    })
}

/// A secret is shown only where nobody else reads it: Slack answers commands privately, but a
/// Teams reply in a channel or group chat is seen by everyone there.
async fn require_private(scope: &Scope<'_>) -> Result<(), Stop> {
    if scope.invocation.platform != Platform::Teams {
        return Ok(());
    }
    let personal = match &scope.invocation.channel_id {
        Some(channel) => scope
            .store()
            .conversation_ref(scope.tenant, channel)
            .await?
            .is_some_and(|r| r.conversation_type == "personal"),
        None => false,
    };
    if personal {
        return Ok(());
    }
    let text = Text::new().plain(
        "That answer holds a secret, and here everyone in the conversation would see it: ask in a personal chat with Cadence. Nothing was changed.",
    );
    Err(Reply::refused(text).into())
}

/// Where the source's sender posts.
fn url(scope: &Scope<'_>, kind: Source, id: &str) -> String {
    let path = format!("/hooks/{kind}/{id}");
    match scope.commands.public_url() {
        Some(base) => format!("{base}{path}"),
        None => path,
    }
}

fn seal(scope: &Scope<'_>, id: &str, secret: &str) -> Result<String, Stop> {
    scope
        .commands
        .sealer()
        .seal_text(secret, EventSource::secret_context(id).as_bytes())
        .map_err(|e| {
            Stop::Reply(Reply::invalid(Text::new().plain(format!(
                "The secret could not be sealed ({e}); nothing was changed."
            ))))
        })
}

fn unknown(id: &str) -> Stop {
    Stop::Reply(Reply::invalid(
        Text::new()
            .plain(format!("This workspace has no event source {id}; "))
            .command("source list")
            .plain(" shows them."),
    ))
}

/// A source id: `s` and 15 lowercase letters and digits, from the operating system's random
/// source.
fn new_id() -> Result<String, Stop> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 15];
    random(&mut bytes)?;
    let mut id = String::from("s");
    id.extend(
        bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])),
    );
    Ok(id)
}

/// A secret: 32 random bytes, base64url.
fn new_secret() -> Result<String, Stop> {
    let mut bytes = [0u8; 32];
    random(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn random(bytes: &mut [u8]) -> Result<(), Stop> {
    getrandom::fill(bytes).map_err(|e| {
        Stop::Reply(Reply::invalid(Text::new().plain(format!(
            "No randomness for a secret ({e}); nothing was changed."
        ))))
    })
}
