//! Processing received events: match each to the rituals it starts, create their occurrences and
//! queue their prompts, all in one transaction with marking the event processed. Runs after the
//! event was acknowledged, from the inbox, so a crash in between only delays it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use chrono::Duration;
use tokio::sync::Notify;

use crate::domain::card::Choice;
use crate::domain::clock::Clock;
use crate::domain::event::{Source, SourceEvent};
use crate::domain::ids::{InboxId, OccurrenceId, TeamId, TenantId};
use crate::domain::prompt::{OccurrenceView, prompt_card};
use crate::store::{OccurrencePlan, Ritual, Store, StoreResult};

/// How often events that started nothing are purged.
const PURGE_EVERY: Duration = Duration::hours(1);

/// A Teams meeting starts the rituals of the conversation it was held in, not every ritual
/// with a Teams trigger: its conversation must be the ritual's channel.
fn in_ritual_conversation(ritual: &Ritual, event: &SourceEvent) -> bool {
    event.source != Source::Teams
        || event.attributes.get("conversation").map(String::as_str) == Some(&ritual.channel_id)
}

/// How many events one pass takes on: small passes keep each hold on SQLite's one writer short.
pub const PASS_SIZE: i64 = 50;

/// While requests wait for their acknowledgement, the processor waits this many times as long
/// as its last pass took before the next: it takes at most a third of the time then.
const GIVE_WAY: u32 = 2;

/// How long the processor waits after a pass that took `took`: [`GIVE_WAY`] times as long
/// while acknowledgements wait, not at all otherwise.
fn pause_after(took: std::time::Duration, acknowledgements_waiting: bool) -> std::time::Duration {
    if acknowledgements_waiting {
        took * GIVE_WAY
    } else {
        std::time::Duration::ZERO
    }
}

/// What one pass has read already.
#[derive(Default)]
struct Known {
    rituals: HashMap<Source, Vec<Ritual>>,
    teams: HashMap<TeamId, String>,
    /// The capability pickers' options, by team (each team's targeted capabilities first).
    capabilities: HashMap<TeamId, Vec<Choice>>,
}

impl Known {
    /// The running rituals `event` starts: only `tenant`'s when it came from a tenant's own
    /// source.
    fn matching<'k>(
        &'k self,
        event: &'k SourceEvent,
        tenant: Option<TenantId>,
    ) -> impl Iterator<Item = &'k Ritual> + 'k {
        self.rituals
            .get(&event.source)
            .into_iter()
            .flatten()
            .filter(move |ritual| {
                tenant.is_none_or(|t| ritual.tenant == t)
                    && ritual
                        .triggers
                        .iter()
                        .any(|selector| selector.matches(event))
                    && in_ritual_conversation(ritual, event)
            })
    }

    /// The prompt card for a new occurrence, as JSON.
    fn card(&self, occurrence: OccurrenceId, plan: &OccurrencePlan<'_>) -> serde_json::Value {
        let ritual = plan.ritual;
        let view = OccurrenceView {
            id: occurrence.0,
            kind: ritual.kind,
            team: self.teams.get(&ritual.team).cloned().unwrap_or_default(),
            title: plan.title.to_owned(),
            capabilities: self
                .capabilities
                .get(&ritual.team)
                .cloned()
                .unwrap_or_default(),
        };
        serde_json::to_value(prompt_card(&view)).unwrap_or_default()
    }
}

/// Turns inbox rows into occurrences and queued prompts.
#[derive(Debug, Clone)]
pub struct EventProcessor {
    store: Store,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<Notify>,
    retention: Duration,
    last_purge: Option<chrono::DateTime<chrono::Utc>>,
}

impl EventProcessor {
    /// A processor that wakes the outbox worker when it queues something, and forgets
    /// unmatched events after `retention_days`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        wake_outbox: Arc<Notify>,
        retention_days: u32,
    ) -> Self {
        let retention = Duration::days(i64::from(retention_days));
        EventProcessor {
            store,
            clock,
            wake_outbox,
            retention,
            last_purge: None,
        }
    }

    /// Forgets events that started nothing once they are older than the retention period, at
    /// most once per [`PURGE_EVERY`] of the clock's time.
    pub async fn purge(&mut self) -> StoreResult<()> {
        let now = self.clock.now();
        if self
            .last_purge
            .is_some_and(|at| now - at < PURGE_EVERY && now >= at)
        {
            return Ok(());
        }
        match self
            .store
            .purge_unmatched_events(now - self.retention)
            .await?
        {
            0 => {}
            n => tracing::info!(purged = n, "forgot events that started no ritual"),
        }
        self.last_purge = Some(now);
        Ok(())
    }

    /// Processes every waiting event once, in one transaction; returns how many were
    /// processed. Rituals, team names and capability lists are read once per pass, not once per
    /// event.
    pub async fn pass(&self) -> StoreResult<usize> {
        let pending = self.store.pending_events(PASS_SIZE).await?;
        if pending.is_empty() {
            return Ok(0);
        }
        let mut known = Known::default();
        for event in &pending {
            self.learn(&event.event, &mut known).await?;
        }
        let batch: Vec<(InboxId, Vec<OccurrencePlan<'_>>)> = pending
            .iter()
            .map(|p| {
                let plans = known
                    .matching(&p.event, p.tenant)
                    .map(|ritual| OccurrencePlan {
                        ritual,
                        subject: &p.event.subject,
                        title: &p.event.title,
                        happened_at: p.event.at,
                    })
                    .collect();
                (p.id, plans)
            })
            .collect();
        let now = self.clock.now();
        let created = match self
            .store
            .complete_events(&batch, |o, plan| known.card(o, plan), now)
            .await
        {
            Ok(created) => created,
            // One event the database refuses must not hold up the rest: process them one by
            // one, and set aside any that still fails so it is not retried forever.
            Err(refusal) if refusal.is_refusal() => {
                tracing::warn!(error = %refusal, "event batch refused; processing its events one by one");
                let mut created = Vec::new();
                for one in &batch {
                    let single = std::slice::from_ref(one);
                    match self
                        .store
                        .complete_events(single, |o, plan| known.card(o, plan), now)
                        .await
                    {
                        Ok(made) => created.extend(made),
                        // Only a refusal of the event itself sets it aside; a busy or failing
                        // database leaves it to be retried.
                        Err(error) if error.is_refusal() => {
                            tracing::error!(inbox = one.0.0, %error, "event cannot be processed; set aside");
                            self.store.set_event_aside(one.0, now).await?;
                        }
                        Err(other) => return Err(other),
                    }
                }
                created
            }
            Err(other) => return Err(other),
        };
        let matched = batch.iter().filter(|(_, plans)| !plans.is_empty()).count();
        tracing::info!(
            events = pending.len(),
            matched,
            occurrences = created.len(),
            "events processed"
        );
        if !created.is_empty() {
            self.wake_outbox.notify_one();
        }
        Ok(pending.len())
    }

    /// Gives way to acknowledgements after a pass that took `took`: while requests are waiting
    /// for the writer, waits [`GIVE_WAY`] times as long before the next pass.
    ///
    /// Acknowledging is what a sender waits for, and times out and retries on; a prompt can
    /// come a moment later. A pass competes with acknowledgements for the cores and for SQLite's
    /// one writer, and in a flood of events back-to-back passes cut the rate of acknowledgements
    /// to less than half (`cargo bench --bench events`). Waiting in proportion keeps the
    /// processor going at a third of its pace through the flood, at full pace once it ebbs.
    pub async fn give_way(&self, took: std::time::Duration) {
        let pause = pause_after(took, self.store.acknowledgements_waiting());
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }

    /// Reads what processing `event` needs and this pass does not know yet.
    async fn learn(&self, event: &SourceEvent, known: &mut Known) -> StoreResult<()> {
        if let Entry::Vacant(slot) = known.rituals.entry(event.source) {
            slot.insert(self.store.rituals_triggered_by(event.source).await?);
        }
        let rituals: Vec<(TenantId, TeamId)> = known
            .matching(event, None)
            .map(|r| (r.tenant, r.team))
            .collect();
        for (tenant, team) in rituals {
            if let Entry::Vacant(slot) = known.teams.entry(team) {
                let name = self.store.team_by_id(tenant, team).await?.map(|t| t.name);
                slot.insert(name.unwrap_or_default());
            }
            if let Entry::Vacant(slot) = known.capabilities.entry(team) {
                slot.insert(self.store.capability_choices(tenant, team).await?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::pause_after;

    #[test]
    fn the_processor_pauses_only_while_acknowledgements_wait() {
        let took = Duration::from_millis(40);
        assert_eq!(pause_after(took, false), Duration::ZERO);
        assert_eq!(pause_after(took, true), Duration::from_millis(80));
        assert_eq!(pause_after(Duration::ZERO, true), Duration::ZERO);
    }
}
