//! A calendar feed's meeting: at its prompt's due time, start the ritual's occurrence and post
//! its prompt, exactly as an event would. The meeting's row is read again first: a meeting
//! cancelled or moved since the job was claimed does not prompt now.

use chrono::{DateTime, Utc};

use super::Outcome;
use crate::domain::prompt::{OccurrenceView, prompt_card};
use crate::store::{InstanceState, Job, OccurrencePlan, Store, StoreResult};

pub(super) async fn run(store: &Store, job: &Job, now: DateTime<Utc>) -> StoreResult<Outcome> {
    let instance = store.feed_instance(job.tenant, job.subject).await?;
    let Some(instance) = instance.filter(|i| i.state == InstanceState::Scheduled) else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    if instance.due_at > now {
        let held = store.postpone_job(job, instance.due_at, None).await?;
        return Ok(Outcome::from_claim(held, false));
    }
    let ritual = store.ritual(job.tenant, instance.ritual).await?;
    let Some(ritual) = ritual.filter(|r| !r.paused) else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    let team = store.team_by_id(ritual.tenant, ritual.team).await?;
    let (team_name, tz) = match &team {
        Some(team) => (team.name.clone(), team.tz),
        None => (String::new(), chrono_tz::UTC),
    };
    let capabilities = store.capability_choices(ritual.tenant, ritual.team).await?;
    let local = instance.moment_at.with_timezone(&tz);
    // One occurrence per meeting: the event's UID and original start, never its current time.
    let subject = format!("ics:{}:{}", instance.feed, instance.instance);
    let title = format!("{}, {}", instance.title, local.format("%a %-d %b %H:%M"));
    let occurrence = OccurrencePlan {
        ritual: &ritual,
        subject: &subject,
        title: &title,
        happened_at: instance.moment_at,
    };
    let kind = ritual.kind;
    let held = store
        .complete_feed_prompt(
            job,
            &occurrence,
            |id, plan| {
                let view = OccurrenceView {
                    id: id.0,
                    kind,
                    team: team_name.clone(),
                    title: plan.title.to_owned(),
                    capabilities: capabilities.clone(),
                };
                serde_json::to_value(prompt_card(&view)).unwrap_or_default()
            },
            now,
        )
        .await?;
    Ok(Outcome::from_claim(held, true))
}
