//! Keeping recurring jobs in step with the schedules people set: one digest job per team and
//! one job per scheduled ritual, re-timed when a schedule, time zone or lead time changes, and
//! switched off when a digest is turned off or a ritual paused. An unchanged job is left alone,
//! so planning on every replica, every half minute, never moves a due time.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::domain::schedule::{DEFAULT_DIGEST, Schedule};
use crate::store::{JobKind, PlannedJob, Store, StoreResult};

/// A recurring job's stored spec: the schedule, the time zone and the lead time in minutes.
pub(super) fn spec(schedule: &str, tz: &str, before_minutes: i64) -> String {
    format!("{schedule} {tz} {before_minutes}")
}

/// Reads a spec written by [`spec`].
pub(super) fn read_spec(spec: &str) -> Option<(Schedule, Tz, i64)> {
    let fields: Vec<&str> = spec.split_whitespace().collect();
    let [a, b, c, d, e, tz, before] = fields.as_slice() else {
        return None;
    };
    let schedule = Schedule::from_str(&[*a, *b, *c, *d, *e].join(" ")).ok()?;
    Some((schedule, Tz::from_str(tz).ok()?, before.parse().ok()?))
}

/// The first due time after `now` for a spec: the prompt goes out `before` minutes ahead of
/// the scheduled moment.
pub(super) fn next_due(spec: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (schedule, tz, before) = read_spec(spec)?;
    let lead = Duration::minutes(before);
    schedule.next_after(now + lead, tz).map(|at| at - lead)
}

/// Plans every recurring job; returns how many were created or re-timed.
pub(super) async fn plan(store: &Store, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut planned = Vec::new();

    let digests = store.job_specs(JobKind::Digest).await?;
    for team in store.digest_schedules().await? {
        let wanted = match team.schedule.as_deref() {
            Some("off") => None,
            schedule => Some(spec(schedule.unwrap_or(DEFAULT_DIGEST), team.tz.name(), 0)),
        };
        if let Some(job) = due(&digests, team.team.0, wanted, now) {
            planned.push(PlannedJob {
                tenant: team.tenant,
                kind: JobKind::Digest,
                subject: team.team.0,
                spec: job.0,
                due_at: job.1,
            });
        }
    }

    let rituals = store.job_specs(JobKind::Ritual).await?;
    for (ritual, tz) in store.scheduled_rituals().await? {
        let wanted = match (&ritual.schedule, ritual.paused) {
            (Some(schedule), false) => {
                Some(spec(schedule, tz.name(), ritual.prompt_before_minutes))
            }
            _ => None,
        };
        if let Some(job) = due(&rituals, ritual.id.0, wanted, now) {
            planned.push(PlannedJob {
                tenant: ritual.tenant,
                kind: JobKind::Ritual,
                subject: ritual.id.0,
                spec: job.0,
                due_at: job.1,
            });
        }
    }
    store.plan_jobs(&planned, now).await?;
    Ok(planned.len())
}

/// The (spec, due time) to store for a subject, or `None` when its job is already right.
fn due(
    stored: &std::collections::HashMap<i64, Option<String>>,
    subject: i64,
    wanted: Option<String>,
    now: DateTime<Utc>,
) -> Option<(Option<String>, DateTime<Utc>)> {
    match (stored.get(&subject), wanted) {
        (Some(current), wanted) if *current == wanted => None,
        // Switched off, or never on: nothing to run.
        (None, None) => None,
        (Some(_), None) => Some((None, now)),
        (_, Some(wanted)) => match next_due(&wanted, now) {
            Some(at) => Some((Some(wanted), at)),
            None => {
                tracing::warn!(subject, spec = %wanted, "schedule never runs again; not scheduled");
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip_and_lead_times_move_the_due_time() {
        let weekly = spec("0 10 * * TUE", "Europe/London", 15);
        let (schedule, tz, before) = read_spec(&weekly).expect("spec");
        assert_eq!(
            (schedule.to_string(), tz, before),
            ("0 10 * * TUE".to_owned(), chrono_tz::Europe::London, 15)
        );
        let now: DateTime<Utc> = "2026-11-25T12:00:00Z".parse().expect("now");
        assert_eq!(
            next_due(&weekly, now),
            Some("2026-12-01T09:45:00Z".parse().expect("due"))
        );
        // 09:50 on the Tuesday is inside the lead time of 10:00: the prompt is already out.
        let inside: DateTime<Utc> = "2026-12-01T09:50:00Z".parse().expect("now");
        assert_eq!(
            next_due(&weekly, inside),
            Some("2026-12-08T09:45:00Z".parse().expect("due"))
        );
        assert_eq!(read_spec("0 10 * * TUE Mars/Olympus 0"), None);
    }
}
