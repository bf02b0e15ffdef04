//! The weekly digest job: computes each team's digest when its schedule comes round and queues
//! it in the transaction that moves the job on.

use chrono::{DateTime, Utc};

use super::{Outcome, plan};
use crate::domain::ids::TeamId;
use crate::service::digest::{digest_message, team_digest};
use crate::store::{Job, Store, StoreResult};

pub(super) async fn run(store: &Store, job: &Job, now: DateTime<Utc>) -> StoreResult<Outcome> {
    let next = job
        .spec
        .as_deref()
        .and_then(|spec| plan::next_due(spec, now));
    let Some(team) = store.team_by_id(job.tenant, TeamId(job.subject)).await? else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    if team.home_channel.is_none() {
        tracing::info!(team = team.id.0, "no home channel; digest not posted");
        let held = store.complete_job(job, next, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    }
    let card = team_digest(store, &team, now).await?;
    let Some(message) = digest_message(&team, &card, job.due_at) else {
        return Ok(Outcome::Nothing);
    };
    let held = store.complete_job(job, next, &[message], now).await?;
    if held {
        tracing::info!(team = team.id.0, "weekly digest queued");
    }
    Ok(Outcome::from_claim(held, true))
}
