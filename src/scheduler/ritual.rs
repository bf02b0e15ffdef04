//! Scheduled rituals: start an occurrence at its scheduled moment (or the configured minutes
//! before it) and post its prompt, exactly as an event would.

use chrono::{DateTime, Duration, Utc};

use super::{Outcome, plan};
use crate::domain::ids::RitualId;
use crate::domain::prompt::{OccurrenceView, prompt_card};
use crate::store::{Job, OccurrencePlan, Store, StoreResult};

pub(super) async fn run(store: &Store, job: &Job, now: DateTime<Utc>) -> StoreResult<Outcome> {
    let spec = job.spec.as_deref().unwrap_or_default();
    let Some((_, tz, before)) = plan::read_spec(spec) else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    let next = plan::next_due(spec, now);
    let ritual = store.ritual(job.tenant, RitualId(job.subject)).await?;
    let Some(ritual) = ritual.filter(|r| !r.paused && r.schedule.is_some()) else {
        // Paused or unscheduled since planning: the next plan switches the job off.
        let held = store.complete_job(job, next, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    let team = store
        .team_by_id(ritual.tenant, ritual.team)
        .await?
        .map(|t| t.name)
        .unwrap_or_default();
    let capabilities = store.capability_choices(ritual.tenant, ritual.team).await?;
    let moment = job.due_at + Duration::minutes(before);
    let local = moment.with_timezone(&tz);
    // One occurrence per scheduled moment, however often the job is retried.
    let subject = format!("schedule:{}", local.format("%Y-%m-%dT%H:%M"));
    let title = format!("{}, {}", ritual.name, local.format("%a %-d %b %H:%M"));
    let occurrence = OccurrencePlan {
        ritual: &ritual,
        subject: &subject,
        title: &title,
        happened_at: moment,
    };
    let kind = ritual.kind;
    let held = store
        .complete_ritual_job(
            job,
            next,
            &occurrence,
            |id, plan| {
                let view = OccurrenceView {
                    id: id.0,
                    kind,
                    team: team.clone(),
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
