//! Pace reminders: once per period of their pace, someone on a track is reminded of what is
//! next, in their team's home channel (privately where the platform allows), in working hours
//! and never while away. The rule is [`crate::domain::pace::reminder_due`]; this job applies it
//! to everyone on a paced track, every [`EVERY`] of the clock's time.
//!
//! Each reminder's outbox key names the person, the track and the period's first day, so every
//! replica may run the job: the second to queue a reminder queues nothing.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::POLL;
use super::runner::{BackgroundJob, Ran};
use crate::domain::clock::Clock;
use crate::domain::name_key;
use crate::domain::pace::{Away, ReminderView, reminder_card, reminder_due};
use crate::store::{Delivery, NewMessage, PacedEnrolment, Store, StoreResult};

/// How often, by the clock's time, the reminders are looked at.
const EVERY: Duration = Duration::minutes(1);

/// The pace reminders, as a background job.
pub(super) struct PaceReminders {
    store: Store,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<Notify>,
    looked_at: Option<DateTime<Utc>>,
    /// Keys this replica has queued today (UTC): not looked up again until tomorrow, so the
    /// set stays small.
    queued: HashSet<String>,
    queued_on: Option<NaiveDate>,
}

impl PaceReminders {
    /// The job, over `store` by `clock`, ringing `wake_outbox` when it queues a reminder.
    pub(super) fn new(store: Store, clock: Arc<dyn Clock>, wake_outbox: Arc<Notify>) -> Self {
        PaceReminders {
            store,
            clock,
            wake_outbox,
            looked_at: None,
            queued: HashSet::new(),
            queued_on: None,
        }
    }

    /// Queues the reminders due at `now`; how many were new.
    async fn remind(&mut self, now: DateTime<Utc>) -> StoreResult<usize> {
        if self.queued_on != Some(now.date_naive()) {
            self.queued.clear();
            self.queued_on = Some(now.date_naive());
        }
        let mut queued = 0;
        for enrolment in self.store.paced_enrolments().await? {
            if self.remind_one(&enrolment, now).await? {
                queued += 1;
            }
        }
        if queued > 0 {
            self.wake_outbox.notify_one();
        }
        Ok(queued)
    }

    async fn remind_one(&mut self, e: &PacedEnrolment, now: DateTime<Utc>) -> StoreResult<bool> {
        let Some(channel) = &e.channel else {
            return Ok(false);
        };
        let joined = e.joined.with_timezone(&e.tz).date_naive();
        // The cheap test first: most of the time nobody's reminder is due.
        if reminder_due(e.pace, joined, now, e.tz, &[]).is_none() {
            return Ok(false);
        }
        let away: Vec<Away> = self
            .store
            .absences_of(e.tenant, e.person)
            .await?
            .into_iter()
            .map(|a| (a.from, a.to))
            .collect();
        let Some(period) = reminder_due(e.pace, joined, now, e.tz, &away) else {
            return Ok(false);
        };
        let key = format!("pace:{}:{}:{period}", e.person.0, name_key(&e.track));
        if self.queued.contains(&key) {
            return Ok(false);
        }
        let progress = self.store.track_progress(e.tenant, e.person).await?;
        let Some((done, total, next)) = progress
            .into_iter()
            .find(|p| p.track == e.track)
            .and_then(|p| p.next.map(|next| (p.done, p.total, next)))
        else {
            // Every module finished (or none yet): nothing to remind of.
            return Ok(false);
        };
        let card = reminder_card(&ReminderView {
            user_id: e.user_id.clone(),
            track: e.track.clone(),
            pace: e.pace,
            done,
            total,
            next,
        });
        let message = NewMessage {
            tenant: e.tenant,
            idempotency_key: key.clone(),
            channel_id: channel,
            delivery: Delivery::Ephemeral(e.user_id.clone()),
            card: serde_json::to_value(&card).unwrap_or_default(),
            occurrence: None,
        };
        let new = self.store.enqueue(&message, now).await?;
        self.queued.insert(key);
        Ok(new)
    }
}

#[async_trait]
impl BackgroundJob for PaceReminders {
    fn name(&self) -> &'static str {
        "pace reminders"
    }

    fn poll_every(&self) -> std::time::Duration {
        POLL
    }

    async fn run_once(&mut self, _shutdown: &CancellationToken) -> StoreResult<Ran> {
        let now = self.clock.now();
        let due = self
            .looked_at
            .is_none_or(|at| now - at >= EVERY || now < at);
        if !due {
            return Ok(Ran::default());
        }
        let queued = self.remind(now).await?;
        self.looked_at = Some(now);
        Ok(Ran {
            handled: queued,
            more_waiting: false,
        })
    }
}
