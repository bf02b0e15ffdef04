//! The weekly digest job, and the digest itself for anyone else who shows it (`cadence digest`,
//! `/cadence digest`, App Home).

use chrono::{DateTime, Datelike, Utc};

use super::{Ran, plan};
use crate::domain::card::Card;
use crate::domain::digest::digest_card;
use crate::domain::ids::TeamId;
use crate::store::{Delivery, Job, NewMessage, Store, StoreResult, Team};

/// `team`'s digest as of `now`, for the week ending on the team's local date.
pub async fn team_digest(store: &Store, team: &Team, now: DateTime<Utc>) -> StoreResult<Card> {
    let tz = team.time_zone();
    let today = now.with_timezone(&tz).date_naive();
    let inputs = store.digest_inputs(team, today, now).await?;
    Ok(digest_card(&inputs))
}

/// The idempotency key of `team`'s digest for the week `due` falls in (ISO week, team's time
/// zone): whatever happens to the job, one digest per team and week.
pub fn digest_key(team: &Team, due: DateTime<Utc>) -> String {
    let week = due.with_timezone(&team.time_zone()).iso_week();
    format!("digest:{}:{}-W{:02}", team.id.0, week.year(), week.week())
}

pub(super) async fn run(store: &Store, job: &Job, now: DateTime<Utc>) -> StoreResult<Ran> {
    let next = job
        .spec
        .as_deref()
        .and_then(|spec| plan::next_due(spec, now));
    let Some(team) = store.team_by_id(job.tenant, TeamId(job.subject)).await? else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Ran::from_claim(held, false));
    };
    let Some(channel) = team.home_channel.as_deref() else {
        tracing::info!(team = team.id.0, "no home channel; digest not posted");
        let held = store.complete_job(job, next, &[], now).await?;
        return Ok(Ran::from_claim(held, false));
    };
    let card = team_digest(store, &team, now).await?;
    let message = NewMessage {
        tenant: team.tenant,
        idempotency_key: digest_key(&team, job.due_at),
        channel_id: channel,
        delivery: Delivery::Post,
        card: serde_json::to_value(&card).unwrap_or_default(),
        occurrence: None,
    };
    let held = store.complete_job(job, next, &[message], now).await?;
    if held {
        tracing::info!(team = team.id.0, "weekly digest queued");
    }
    Ok(Ran::from_claim(held, true))
}
