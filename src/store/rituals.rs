//! Rituals and their triggers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::teams::Team;
use super::{Store, StoreError, StoreResult, millis};
use crate::domain::event::{Selector, Source};
use crate::domain::ids::{RitualId, TeamId, TenantId};
use crate::domain::name_key;
use crate::domain::ritual::{PromptOn, RitualKind};

/// A ritual as stored, with its trigger selectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ritual {
    /// Stored id.
    pub id: RitualId,
    /// Whose.
    pub tenant: TenantId,
    /// The team that runs it.
    pub team: TeamId,
    /// What kind of ritual it is.
    pub kind: RitualKind,
    /// Its name, e.g. "Atlas sprint retro".
    pub name: String,
    /// Where its prompts go.
    pub channel_id: String,
    /// Which moment of an occurrence gets the prompt.
    pub prompt_on: PromptOn,
    /// What it is expected to produce: `gaps`, `interventions`, `coaching` or `none`
    /// ([`RitualKind::artefact`] when it was made).
    pub artefact: String,
    /// Minutes after the prompt before one nudge, if any.
    pub nudge_after_minutes: Option<i64>,
    /// Paused rituals start no occurrences.
    pub paused: bool,
    /// What starts it.
    pub triggers: Vec<Selector>,
    /// A five-field cron schedule in the team's time zone that starts it too, if any.
    pub schedule: Option<String>,
    /// For a scheduled ritual: how many minutes before the scheduled time the prompt goes out.
    pub prompt_before_minutes: i64,
}

/// What a new ritual is made of.
#[derive(Debug, Clone)]
pub struct NewRitual<'a> {
    /// The team.
    pub team: &'a Team,
    /// Its kind.
    pub kind: RitualKind,
    /// Name.
    pub name: &'a str,
    /// Channel for prompts.
    pub channel_id: &'a str,
    /// Which moment gets the prompt.
    pub prompt_on: PromptOn,
    /// Expected artefact.
    pub artefact: &'a str,
    /// Nudge delay in minutes.
    pub nudge_after_minutes: Option<i64>,
    /// Triggers.
    pub triggers: &'a [Selector],
    /// A five-field cron schedule in the team's time zone, if any.
    pub schedule: Option<&'a str>,
    /// Minutes before the scheduled time to prompt.
    pub prompt_before_minutes: i64,
}

/// Booleans are stored as 0 or 1: sqlx's Any driver reads no SQLite BOOLEAN.
type RitualRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
    i64,
);

/// A ritual row followed by its team's time zone.
type ScheduledRitualRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<String>,
    i64,
    String,
);

const RITUAL_COLUMNS: &str = "r.id, r.tenant_id, r.team_id, r.kind, r.name, r.channel_id, r.prompt_on, \
     r.artefact, r.nudge_after_minutes, r.paused, r.schedule, r.prompt_before_minutes";

fn from_row(row: RitualRow, triggers: Vec<Selector>) -> StoreResult<Ritual> {
    let (
        id,
        tenant,
        team,
        kind,
        name,
        channel_id,
        prompt_on,
        artefact,
        nudge_after_minutes,
        paused,
        schedule,
        prompt_before_minutes,
    ) = row;
    let kind = kind
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("`{kind}` is not a ritual kind")))?;
    let prompt_on = prompt_on
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("`{prompt_on}` is not start or end")))?;
    Ok(Ritual {
        id: RitualId(id),
        tenant: TenantId(tenant),
        team: TeamId(team),
        kind,
        name,
        channel_id,
        prompt_on,
        artefact,
        nudge_after_minutes,
        paused: paused != 0,
        triggers,
        schedule,
        prompt_before_minutes,
    })
}

/// Makes the calendar feeds that `triggers` name due now, so a new or changed ritual sees its
/// meetings at the poller's next pass rather than after the poll interval.
pub(super) async fn fetch_feeds_soon(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    triggers: &[Selector],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let feeds = triggers.iter().filter(|t| t.source == Source::Ics);
    for feed in feeds.filter_map(Selector::feed) {
        sqlx::query("UPDATE ics_feeds SET due_at = $1 WHERE name = $2 AND due_at > $1")
            .bind(millis(at))
            .bind(feed.to_ascii_lowercase())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn parse_selector(text: &str) -> StoreResult<Selector> {
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("trigger `{text}`: {e}")))
}

impl Store {
    /// Adds a ritual with its triggers.
    pub async fn add_ritual(&self, new: NewRitual<'_>, at: DateTime<Utc>) -> StoreResult<Ritual> {
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO rituals (tenant_id, team_id, kind, name, channel_id, prompt_on, artefact, \
             nudge_after_minutes, paused, schedule, prompt_before_minutes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(new.team.tenant.0)
        .bind(new.team.id.0)
        .bind(new.kind.as_str())
        .bind(new.name)
        .bind(new.channel_id)
        .bind(new.prompt_on.as_str())
        .bind(new.artefact)
        .bind(new.nudge_after_minutes)
        .bind(0_i64)
        .bind(new.schedule)
        .bind(new.prompt_before_minutes)
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await?;
        for selector in new.triggers {
            sqlx::query(
                "INSERT INTO ritual_triggers (tenant_id, ritual_id, source, selector, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ritual_id, selector) DO NOTHING",
            )
            .bind(new.team.tenant.0)
            .bind(id)
            .bind(selector.source.as_str())
            .bind(selector.to_string())
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
        }
        fetch_feeds_soon(&mut tx, new.triggers, at).await?;
        tx.commit().await?;
        Ok(Ritual {
            id: RitualId(id),
            tenant: new.team.tenant,
            team: new.team.id,
            kind: new.kind,
            name: new.name.to_owned(),
            channel_id: new.channel_id.to_owned(),
            prompt_on: new.prompt_on,
            artefact: new.artefact.to_owned(),
            nudge_after_minutes: new.nudge_after_minutes,
            paused: false,
            triggers: new.triggers.to_vec(),
            schedule: new.schedule.map(str::to_owned),
            prompt_before_minutes: new.prompt_before_minutes,
        })
    }

    /// A team's rituals, oldest first.
    pub async fn rituals_of(&self, team: &Team) -> StoreResult<Vec<Ritual>> {
        let rows: Vec<RitualRow> = sqlx::query_as(&format!(
            "SELECT {RITUAL_COLUMNS} FROM rituals r WHERE r.tenant_id = $1 AND r.team_id = $2 ORDER BY r.id"
        ))
        .bind(team.tenant.0)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        let mut rituals = Vec::with_capacity(rows.len());
        for row in rows {
            let triggers = self.triggers_of(TenantId(row.1), RitualId(row.0)).await?;
            rituals.push(from_row(row, triggers)?);
        }
        Ok(rituals)
    }

    /// One ritual of the tenant.
    pub async fn ritual(&self, tenant: TenantId, id: RitualId) -> StoreResult<Option<Ritual>> {
        let row: Option<RitualRow> = sqlx::query_as(&format!(
            "SELECT {RITUAL_COLUMNS} FROM rituals r WHERE r.tenant_id = $1 AND r.id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        match row {
            Some(row) => Ok(Some(from_row(row, self.triggers_of(tenant, id).await?)?)),
            None => Ok(None),
        }
    }

    /// The team's ritual with this name, ignoring case and spacing; the oldest if chat made
    /// several with one name.
    pub async fn ritual_by_name(&self, team: &Team, name: &str) -> StoreResult<Option<Ritual>> {
        // Ritual names have no stored key, so the team's few rituals are compared here.
        let rows: Vec<RitualRow> = sqlx::query_as(&format!(
            "SELECT {RITUAL_COLUMNS} FROM rituals r WHERE r.tenant_id = $1 AND r.team_id = $2 ORDER BY r.id"
        ))
        .bind(team.tenant.0)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        let wanted = name_key(name);
        match rows.into_iter().find(|row| name_key(&row.4) == wanted) {
            Some(row) => {
                let triggers = self.triggers_of(team.tenant, RitualId(row.0)).await?;
                Ok(Some(from_row(row, triggers)?))
            }
            None => Ok(None),
        }
    }

    /// Makes ritual `id` of `to.team` look like `to`: kind, name, channel, prompt moment,
    /// artefact, nudge, and exactly `to.triggers` (triggers it keeps keep their ids; others are
    /// removed). Whether it is paused is left alone. `None` if the team has no ritual `id`.
    pub async fn update_ritual(
        &self,
        id: RitualId,
        to: NewRitual<'_>,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<Ritual>> {
        let tenant = to.team.tenant;
        let mut tx = self.write.begin().await?;
        let updated = sqlx::query(
            "UPDATE rituals SET kind = $1, name = $2, channel_id = $3, prompt_on = $4, artefact = $5, \
             nudge_after_minutes = $6, schedule = $7, prompt_before_minutes = $8 \
             WHERE tenant_id = $9 AND team_id = $10 AND id = $11",
        )
        .bind(to.kind.as_str())
        .bind(to.name)
        .bind(to.channel_id)
        .bind(to.prompt_on.as_str())
        .bind(to.artefact)
        .bind(to.nudge_after_minutes)
        .bind(to.schedule)
        .bind(to.prompt_before_minutes)
        .bind(tenant.0)
        .bind(to.team.id.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(None);
        }
        let wanted: Vec<String> = to.triggers.iter().map(Selector::to_string).collect();
        let stored: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, selector FROM ritual_triggers WHERE tenant_id = $1 AND ritual_id = $2",
        )
        .bind(tenant.0)
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?;
        for (trigger, selector) in &stored {
            if !wanted.contains(selector) {
                sqlx::query("DELETE FROM ritual_triggers WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(*trigger)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for selector in to.triggers {
            sqlx::query(
                "INSERT INTO ritual_triggers (tenant_id, ritual_id, source, selector, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ritual_id, selector) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(selector.source.as_str())
            .bind(selector.to_string())
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
        }
        fetch_feeds_soon(&mut tx, to.triggers, at).await?;
        tx.commit().await?;
        self.ritual(tenant, id).await
    }

    /// Pauses or resumes a ritual of the tenant.
    pub async fn set_ritual_paused(
        &self,
        tenant: TenantId,
        id: RitualId,
        paused: bool,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE rituals SET paused = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(i64::from(paused))
            .bind(tenant.0)
            .bind(id.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Every running ritual, in any tenant, with a trigger on `source`. Event sources are
    /// configured per deployment, so their events may start rituals of any tenant here.
    pub async fn rituals_triggered_by(&self, source: Source) -> StoreResult<Vec<Ritual>> {
        let rows: Vec<RitualRow> = sqlx::query_as(&format!(
            "SELECT DISTINCT {RITUAL_COLUMNS} FROM rituals r \
             JOIN ritual_triggers t ON t.ritual_id = r.id AND t.tenant_id = r.tenant_id \
             WHERE t.source = $1 AND r.paused = $2 ORDER BY r.id"
        ))
        .bind(source.as_str())
        .bind(0_i64)
        .fetch_all(&self.read)
        .await?;
        // Every trigger of those rituals (of any source: a ritual matches on all of its own) in
        // one query, not one per ritual: the event processor asks this on every pass.
        let selectors: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT t.tenant_id, t.ritual_id, t.selector FROM ritual_triggers t \
             WHERE t.ritual_id IN (SELECT ritual_id FROM ritual_triggers WHERE source = $1) \
             ORDER BY t.id",
        )
        .bind(source.as_str())
        .fetch_all(&self.read)
        .await?;
        let mut triggers: HashMap<(i64, i64), Vec<Selector>> = HashMap::new();
        for (tenant, ritual, selector) in selectors {
            triggers
                .entry((tenant, ritual))
                .or_default()
                .push(parse_selector(&selector)?);
        }
        rows.into_iter()
            .map(|row| {
                let own = triggers.remove(&(row.1, row.0)).unwrap_or_default();
                from_row(row, own)
            })
            .collect()
    }

    /// Every ritual with a schedule, in any tenant, with its team's time zone; paused ones
    /// included, so their jobs can be switched off.
    pub async fn scheduled_rituals(&self) -> StoreResult<Vec<(Ritual, chrono_tz::Tz)>> {
        let rows: Vec<ScheduledRitualRow> = sqlx::query_as(&format!(
            "SELECT {RITUAL_COLUMNS}, t.tz FROM rituals r \
                 JOIN teams t ON t.id = r.team_id AND t.tenant_id = r.tenant_id \
                 WHERE r.schedule IS NOT NULL ORDER BY r.id"
        ))
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(a, b, c, d, e, f, g, h, i, j, k, l, tz)| {
                Ok((
                    from_row((a, b, c, d, e, f, g, h, i, j, k, l), Vec::new())?,
                    super::teams::time_zone(&tz)?,
                ))
            })
            .collect()
    }

    async fn triggers_of(&self, tenant: TenantId, ritual: RitualId) -> StoreResult<Vec<Selector>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT selector FROM ritual_triggers WHERE tenant_id = $1 AND ritual_id = $2 ORDER BY id",
        )
        .bind(tenant.0)
        .bind(ritual.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|(s,)| parse_selector(s)).collect()
    }
}
