//! The one nudge for an occurrence whose artefact is still missing after its ritual's delay:
//! posted in the ritual's channel during the team's working hours, mentioning only managers
//! who are not away, and not at all once the artefact (or "no gaps") has arrived.

use chrono::{DateTime, Utc};

use super::Outcome;
use crate::domain::ids::OccurrenceId;
use crate::domain::prompt::{NudgeView, nudge_card};
use crate::domain::schedule::WorkingHours;
use crate::store::{Delivery, Job, NewMessage, Role, Store, StoreResult};

pub(super) async fn run(store: &Store, job: &Job, now: DateTime<Utc>) -> StoreResult<Outcome> {
    let occurrence = store
        .occurrence(job.tenant, OccurrenceId(job.subject))
        .await?;
    let Some(occurrence) = occurrence
        .filter(|o| o.artefact_at.is_none() && !o.ritual.paused && o.ritual.artefact != "none")
    else {
        // Answered, paused or gone: the nudge is no longer wanted.
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    let Some(team) = store.team_by_id(job.tenant, occurrence.ritual.team).await? else {
        let held = store.complete_job(job, None, &[], now).await?;
        return Ok(Outcome::from_claim(held, false));
    };
    let tz = team.tz;
    let open = WorkingHours::default().next_open(now, tz);
    if open > now {
        let held = store.postpone_job(job, open, None).await?;
        return Ok(Outcome::from_claim(held, false));
    }
    let today = now.with_timezone(&tz).date_naive();
    let mut mention = Vec::new();
    for member in store.members(&team).await? {
        if member.role != Role::Manager {
            continue;
        }
        let away = store
            .absences_of(team.tenant, member.person.id)
            .await?
            .iter()
            .any(|a| a.from <= today && today <= a.to);
        if !away {
            mention.push(member.person.user_id);
        }
    }
    let card = nudge_card(&NudgeView {
        occurrence: occurrence.id.0,
        title: occurrence.title.clone(),
        ritual: occurrence.ritual.name.clone(),
        artefact: occurrence.ritual.artefact.clone(),
        mention,
    });
    let message = NewMessage {
        tenant: job.tenant,
        idempotency_key: format!(
            "nudge:{}:{}",
            occurrence.id.0,
            job.due_at.timestamp_millis()
        ),
        channel_id: &occurrence.ritual.channel_id,
        delivery: Delivery::Post,
        card: serde_json::to_value(&card).unwrap_or_default(),
        occurrence: Some(occurrence.id),
    };
    let held = store.complete_job(job, None, &[message], now).await?;
    Ok(Outcome::from_claim(held, true))
}
