//! Building one person's home view (Slack App Home, the Teams personal chat) from the store.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::card::Card;
use crate::domain::coverage::coverage_report;
use crate::domain::home::{HomeView, ManagedTeam, ROWS_SHOWN, TEAMS_SHOWN, home_card};
use crate::domain::ids::TenantId;
use crate::domain::outcomes::{Quarter, Window};
use crate::domain::schedule::Schedule;
use crate::store::{Person, Ritual, Role, Store, StoreResult, Team};

/// The home card for `person` at `now`; an `admin`'s also glances at the organisation.
pub async fn home_for(
    store: &Store,
    tenant: TenantId,
    person: &Person,
    now: DateTime<Utc>,
    admin: bool,
) -> StoreResult<Card> {
    let teams = store.teams_of(tenant, person.id).await?;
    let mut view = HomeView {
        name: person.display_name.clone(),
        ..HomeView::default()
    };
    let rows = i64::try_from(ROWS_SHOWN + 1).unwrap_or(i64::MAX);
    for (team, role) in &teams {
        if *role != Role::Manager {
            view.member_of.push(team.name.clone());
            continue;
        }
        if view.managed.len() >= TEAMS_SHOWN {
            // Counted, not read: the card only names how many more there are.
            view.managed.push(ManagedTeam {
                name: team.name.clone(),
                coverage: Vec::new(),
                requests: Vec::new(),
                rituals: Vec::new(),
                interventions: Vec::new(),
            });
            continue;
        }
        let tz = team.tz;
        let today = now.with_timezone(&tz).date_naive();
        let inputs = store.coverage_inputs(team, today).await?;
        view.managed.push(ManagedTeam {
            name: team.name.clone(),
            coverage: coverage_report(&inputs, today),
            requests: store.pending_track_requests(team, rows).await?,
            rituals: upcoming(store, team, tz, now).await?,
            interventions: store.open_interventions(team, None, rows).await?,
        });
    }
    let profile = store.profile(tenant, person.id, now.date_naive()).await?;
    view.levels = profile
        .levels
        .into_iter()
        .map(|l| (l.capability, l.level))
        .collect();
    view.tracks = profile
        .tracks
        .into_iter()
        .map(|t| (t.track, t.status, t.note))
        .collect();
    view.progress = store.track_progress(tenant, person.id).await?;
    if admin {
        let window = Window::new(Quarter::containing(now.date_naive()), now);
        view.organisation = Some(super::report::org(store, tenant, window, None).await?);
    }
    Ok(home_card(&view))
}

/// The team's running rituals with when they next run: a scheduled one's next time in the
/// team's zone, an event-triggered one's triggers.
async fn upcoming(
    store: &Store,
    team: &Team,
    tz: Tz,
    now: DateTime<Utc>,
) -> StoreResult<Vec<(String, String)>> {
    let rituals = store.rituals_of(team).await?;
    Ok(rituals
        .iter()
        .filter(|r| !r.paused)
        .map(|r| (r.name.clone(), when(r, tz, now)))
        .collect())
}

fn when(ritual: &Ritual, tz: Tz, now: DateTime<Utc>) -> String {
    let next = ritual
        .schedule
        .as_deref()
        .and_then(|s| Schedule::from_str(s).ok())
        .and_then(|s| s.next_after(now, tz));
    match next {
        Some(at) => format!("next {}", at.with_timezone(&tz).format("%a %-d %b %H:%M")),
        None => {
            let triggers: Vec<String> = ritual.triggers.iter().map(|t| t.to_string()).collect();
            format!("on {}", triggers.join(" or "))
        }
    }
}

impl super::Commands {
    /// Queues `user_id`'s home view in `tenant` (a platform workspace id) for publishing;
    /// `occasion` makes the idempotency key (the event id of the opening, say), so a retried
    /// event publishes once. A `workspace_admin` (as the platform says) or a Cadence admin also
    /// sees the organisation's scoreboard at a glance.
    pub async fn publish_home(
        &self,
        platform: crate::domain::Platform,
        tenant: &str,
        user_id: &str,
        occasion: &str,
        workspace_admin: bool,
    ) -> Result<(), super::StoreError> {
        let now = self.clock.now();
        let tenant = self.store.tenant(platform, tenant, now).await?;
        let person = self.store.person(tenant, user_id, None, now).await?;
        let admin = workspace_admin || self.is_configured_admin(user_id);
        let card = home_for(&self.store, tenant, &person, now, admin).await?;
        self.store
            .enqueue(
                &crate::store::NewMessage {
                    tenant,
                    idempotency_key: format!("home:{}:{user_id}:{occasion}", tenant.0),
                    channel_id: user_id,
                    delivery: crate::store::Delivery::PublishHome(user_id.to_owned()),
                    card: serde_json::to_value(&card).unwrap_or_default(),
                    occurrence: None,
                },
                now,
            )
            .await?;
        self.wake_outbox();
        Ok(())
    }
}
