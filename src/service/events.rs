//! Processing received events: match each to the rituals it starts, create their occurrences and
//! queue their prompts, all in one transaction with marking the event processed. Runs after the
//! event was acknowledged, from the inbox, so a crash in between only delays it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use chrono::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::domain::card::Choice;
use crate::domain::clock::Clock;
use crate::domain::event::Source;
use crate::domain::ids::{TeamId, TenantId};
use crate::domain::prompt::{OccurrenceView, prompt_card};
use crate::domain::ritual::RitualKind;
use crate::store::{OccurrencePlan, PendingEvent, Ritual, Store, StoreResult};

/// How often the processor looks for events when nobody wakes it.
const POLL: std::time::Duration = std::time::Duration::from_millis(500);
/// How often events that started nothing are purged.
const PURGE_EVERY: Duration = Duration::hours(1);
/// The most capabilities a prompt's picker offers (Slack's static_select limit).
const PICKER_OPTIONS: i64 = 100;

/// How many events one pass takes on.
const PASS_SIZE: i64 = 500;

/// What one pass has read already.
#[derive(Default)]
struct Known {
    rituals: HashMap<Source, Vec<Ritual>>,
    teams: HashMap<TeamId, String>,
    capabilities: HashMap<TenantId, Vec<Choice>>,
}

/// Turns inbox rows into occurrences and queued prompts.
#[derive(Debug, Clone)]
pub struct EventProcessor {
    store: Store,
    clock: Arc<dyn Clock>,
    wake_outbox: Arc<Notify>,
    retention: Duration,
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
        }
    }

    /// Runs until `shutdown`, passing whenever woken and every [`POLL`].
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        let mut last_purge = self.clock.now() - PURGE_EVERY;
        loop {
            if let Err(error) = self.pass().await {
                tracing::warn!(%error, "event processing failed; will retry");
            }
            let now = self.clock.now();
            if now - last_purge >= PURGE_EVERY {
                match self
                    .store
                    .purge_unmatched_events(now - self.retention)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(purged = n, "forgot events that started no ritual"),
                    Err(error) => tracing::warn!(%error, "purging unmatched events failed"),
                }
                last_purge = now;
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Processes every waiting event once; returns how many were processed. Rituals, team
    /// names and capability lists are read once per pass, not once per event: a burst of events
    /// costs one transaction each and little else.
    pub async fn pass(&self) -> StoreResult<usize> {
        let pending = self.store.pending_events(PASS_SIZE).await?;
        let mut known = Known::default();
        for event in &pending {
            self.process(event, &mut known).await?;
        }
        Ok(pending.len())
    }

    async fn process(&self, pending: &PendingEvent, known: &mut Known) -> StoreResult<()> {
        let event = &pending.event;
        if let Entry::Vacant(slot) = known.rituals.entry(event.source) {
            slot.insert(self.store.rituals_triggered_by(event.source).await?);
        }
        let rituals = known
            .rituals
            .get(&event.source)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let matching: Vec<&Ritual> = rituals
            .iter()
            .filter(|ritual| {
                ritual
                    .triggers
                    .iter()
                    .any(|selector| selector.matches(event))
            })
            .collect();
        let mut views = Vec::with_capacity(matching.len());
        for ritual in &matching {
            if let Entry::Vacant(slot) = known.teams.entry(ritual.team) {
                let name = self
                    .store
                    .team_by_id(ritual.tenant, ritual.team)
                    .await?
                    .map(|t| t.name);
                slot.insert(name.unwrap_or_default());
            }
            if let Entry::Vacant(slot) = known.capabilities.entry(ritual.tenant) {
                let choices = self
                    .store
                    .capability_choices(ritual.tenant, PICKER_OPTIONS)
                    .await?
                    .into_iter()
                    .map(|(id, name)| Choice {
                        label: name,
                        value: id.0.to_string(),
                    })
                    .collect::<Vec<_>>();
                slot.insert(choices);
            }
            let team = known.teams.get(&ritual.team).cloned().unwrap_or_default();
            let capabilities = known
                .capabilities
                .get(&ritual.tenant)
                .cloned()
                .unwrap_or_default();
            let kind = ritual
                .kind
                .parse::<RitualKind>()
                .unwrap_or(RitualKind::Custom);
            views.push((ritual.id, kind, team, capabilities));
        }
        let plans: Vec<OccurrencePlan<'_>> = matching
            .iter()
            .map(|ritual| OccurrencePlan {
                ritual,
                subject: &event.subject,
                title: &event.title,
                happened_at: event.at,
            })
            .collect();
        let created = self
            .store
            .complete_event(
                pending.id,
                &plans,
                |occurrence, plan| {
                    let (kind, team, capabilities) = views
                        .iter()
                        .find(|(id, ..)| *id == plan.ritual.id)
                        .map(|(_, kind, team, caps)| (*kind, team.clone(), caps.clone()))
                        .unwrap_or((RitualKind::Custom, String::new(), Vec::new()));
                    let view = OccurrenceView {
                        id: occurrence.0,
                        kind,
                        team,
                        title: plan.title.to_owned(),
                        capabilities,
                    };
                    serde_json::to_value(prompt_card(&view)).unwrap_or_default()
                },
                self.clock.now(),
            )
            .await?;
        tracing::info!(
            inbox = pending.id.0,
            source = %event.source,
            event = %event.name,
            matched = matching.len(),
            occurrences = created.len(),
            "event processed"
        );
        if !created.is_empty() {
            self.wake_outbox.notify_one();
        }
        Ok(())
    }
}
