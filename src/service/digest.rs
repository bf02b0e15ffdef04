//! The weekly capability digest as a use case: computing a team's digest, and queuing it once
//! per team and ISO week, whoever asks (the scheduler, `cadence digest --post`, `/cadence digest`).

use chrono::{DateTime, Datelike, Utc};

use crate::domain::card::Card;
use crate::domain::digest::digest_card;
use crate::store::{Delivery, NewMessage, Store, StoreResult, Team};

/// `team`'s digest as of `now`, for the week ending on the team's local date.
pub async fn team_digest(store: &Store, team: &Team, now: DateTime<Utc>) -> StoreResult<Card> {
    let tz = team.tz;
    let today = now.with_timezone(&tz).date_naive();
    let inputs = store.digest_inputs(team, today, now).await?;
    Ok(digest_card(&inputs))
}

/// The idempotency key of `team`'s digest for the week `due` falls in (ISO week, team's time
/// zone): whatever happens to the job, one digest per team and week.
pub fn digest_key(team: &Team, due: DateTime<Utc>) -> String {
    let week = due.with_timezone(&team.tz).iso_week();
    format!("digest:{}:{}-W{:02}", team.id.0, week.year(), week.week())
}

/// The message that posts `card` as `team`'s digest for the week of `due`, or `None` when the
/// team has no home channel to post in.
pub fn digest_message<'t>(
    team: &'t Team,
    card: &Card,
    due: DateTime<Utc>,
) -> Option<NewMessage<'t>> {
    let channel = team.home_channel.as_deref()?;
    Some(NewMessage {
        tenant: team.tenant,
        idempotency_key: digest_key(team, due),
        channel_id: channel,
        delivery: Delivery::Post,
        card: serde_json::to_value(card).unwrap_or_default(),
        occurrence: None,
    })
}

/// What queuing a digest by hand did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queued {
    /// Queued for this channel; the running service posts it.
    Queued(String),
    /// This week's digest was queued before; nothing more was queued.
    AlreadyQueued,
    /// The team has no home channel.
    NoChannel,
}

/// Queues `card` as `team`'s digest for this week, unless this week's was queued already.
pub async fn queue_digest(
    store: &Store,
    team: &Team,
    card: &Card,
    now: DateTime<Utc>,
) -> StoreResult<Queued> {
    let Some(message) = digest_message(team, card, now) else {
        return Ok(Queued::NoChannel);
    };
    let channel = message.channel_id.to_owned();
    Ok(if store.enqueue(&message, now).await? {
        Queued::Queued(channel)
    } else {
        Queued::AlreadyQueued
    })
}
