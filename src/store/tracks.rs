//! Team tracks made of modules, as the commands that change them and the views that show
//! progress read them: a track's team, pace and modules in order, who is on it at which pace,
//! and the modules people finished.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreResult, from_millis};
use crate::domain::ids::{ModuleId, PersonId, TeamId, TenantId};
use crate::domain::name_key;
use crate::domain::pace::{Pace, TrackProgress};

/// A track, with its modules in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackPlan {
    /// Stored id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The team whose track it is; `None` for a track no team has composed yet.
    pub team: Option<TeamId>,
    /// Its pace, if set.
    pub pace: Option<Pace>,
    /// Its modules, first to take first: id and title.
    pub modules: Vec<(ModuleId, String)>,
}

/// Someone on a track with a pace, as the pace reminders read them.
#[derive(Debug, Clone, PartialEq)]
pub struct PacedEnrolment {
    /// Whose.
    pub tenant: TenantId,
    /// Who.
    pub person: PersonId,
    /// Their platform user id.
    pub user_id: String,
    /// The track's name.
    pub track: String,
    /// The pace that applies: their own, else the track's.
    pub pace: Pace,
    /// When they were approved onto the track.
    pub joined: DateTime<Utc>,
    /// Their team's time zone.
    pub tz: chrono_tz::Tz,
    /// Their team's home channel, where reminders go; `None` when it has none.
    pub channel: Option<String>,
}

/// A paced enrolment row: tenant, person, user id, track, own pace, track pace, joined, zone,
/// channel.
type PacedRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    String,
    Option<String>,
);

/// A progress row: user id, track, the person's pace, the track's pace, a module's title, when
/// finished.
type ProgressRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
);

/// Progress per person and track from rows in person, track and module order.
fn progress_of(rows: Vec<ProgressRow>) -> StoreResult<Vec<(String, TrackProgress)>> {
    let mut progress: Vec<(String, TrackProgress)> = Vec::new();
    for (user, track, own, shared, title, completed) in rows {
        if progress
            .last()
            .is_none_or(|(u, p)| *u != user || p.track != track)
        {
            let started = TrackProgress {
                track: track.clone(),
                done: 0,
                total: 0,
                next: None,
                pace: parse_pace(own.or(shared))?,
            };
            progress.push((user.clone(), started));
        }
        if let Some((_, current)) = progress.last_mut() {
            current.total += 1;
            match completed {
                Some(_) => current.done += 1,
                None if current.next.is_none() => current.next = Some(title),
                None => {}
            }
        }
    }
    Ok(progress)
}

fn parse_pace(text: Option<String>) -> StoreResult<Option<Pace>> {
    text.map(|t| {
        t.parse()
            .map_err(|_| StoreError::Corrupt(format!("`{t}` is not a pace")))
    })
    .transpose()
}

impl Store {
    /// The track named `name`, with its modules, if there is one.
    pub async fn track_plan(&self, tenant: TenantId, name: &str) -> StoreResult<Option<TrackPlan>> {
        let row: Option<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT id, name, team_id, pace FROM tracks WHERE tenant_id = $1 AND name_key = $2",
        )
        .bind(tenant.0)
        .bind(name_key(name))
        .fetch_optional(&self.read)
        .await?;
        let Some((id, name, team, pace)) = row else {
            return Ok(None);
        };
        let modules: Vec<(i64, String)> = sqlx::query_as(
            "SELECT m.id, m.title FROM track_modules t \
             JOIN modules m ON m.id = t.module_id AND m.tenant_id = t.tenant_id \
             WHERE t.tenant_id = $1 AND t.track_id = $2 ORDER BY t.position",
        )
        .bind(tenant.0)
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        Ok(Some(TrackPlan {
            id,
            name,
            team: team.map(TeamId),
            pace: parse_pace(pace)?,
            modules: modules
                .into_iter()
                .map(|(id, t)| (ModuleId(id), t))
                .collect(),
        }))
    }

    /// Whether `person` is on the track (approved), and their own pace on it.
    pub async fn enrolment(
        &self,
        tenant: TenantId,
        track: i64,
        person: PersonId,
    ) -> StoreResult<Option<Option<Pace>>> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT pace FROM track_enrolments WHERE tenant_id = $1 AND track_id = $2 \
             AND person_id = $3 AND status = 'approved'",
        )
        .bind(tenant.0)
        .bind(track)
        .bind(person.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(|(pace,)| parse_pace(pace)).transpose()
    }

    /// The names of `person`'s approved tracks that hold `module`.
    pub async fn tracks_holding(
        &self,
        tenant: TenantId,
        person: PersonId,
        module: ModuleId,
    ) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT k.name FROM track_enrolments e \
             JOIN tracks k ON k.id = e.track_id AND k.tenant_id = e.tenant_id \
             JOIN track_modules t ON t.track_id = k.id AND t.tenant_id = k.tenant_id \
             WHERE e.tenant_id = $1 AND e.person_id = $2 AND e.status = 'approved' \
               AND t.module_id = $3 ORDER BY k.name",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(module.0)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// When `person` finished `module`, if they did.
    pub async fn completed_at(
        &self,
        tenant: TenantId,
        person: PersonId,
        module: ModuleId,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT completed_at FROM module_completions \
             WHERE tenant_id = $1 AND person_id = $2 AND module_id = $3",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(module.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(|(at,)| from_millis(at)).transpose()
    }

    /// `person`'s progress on each of their approved tracks that has modules, by track name.
    pub async fn track_progress(
        &self,
        tenant: TenantId,
        person: PersonId,
    ) -> StoreResult<Vec<TrackProgress>> {
        let rows = self.progress_rows("e.person_id", tenant, person.0).await?;
        Ok(progress_of(rows)?.into_iter().map(|(_, p)| p).collect())
    }

    /// The progress of everyone on the team's approved tracks, by person's user id, then track.
    pub async fn team_track_progress(
        &self,
        tenant: TenantId,
        team: TeamId,
    ) -> StoreResult<Vec<(String, TrackProgress)>> {
        let rows = self.progress_rows("e.team_id", tenant, team.0).await?;
        progress_of(rows)
    }

    /// One row per module of each approved enrolment `column = id` selects, in track order.
    async fn progress_rows(
        &self,
        column: &'static str,
        tenant: TenantId,
        id: i64,
    ) -> StoreResult<Vec<ProgressRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT p.user_id, k.name, e.pace, k.pace, m.title, c.completed_at \
             FROM track_enrolments e \
             JOIN people p ON p.id = e.person_id AND p.tenant_id = e.tenant_id \
             JOIN tracks k ON k.id = e.track_id AND k.tenant_id = e.tenant_id \
             JOIN track_modules t ON t.track_id = k.id AND t.tenant_id = k.tenant_id \
             JOIN modules m ON m.id = t.module_id AND m.tenant_id = t.tenant_id \
             LEFT JOIN module_completions c ON c.module_id = m.id AND c.person_id = e.person_id \
                 AND c.tenant_id = e.tenant_id \
             WHERE e.tenant_id = $1 AND {column} = $2 AND e.status = 'approved' \
             ORDER BY p.user_id, k.name, t.position"
        ))
        .bind(tenant.0)
        .bind(id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Everyone, in every tenant, approved onto a track that has a pace for them.
    pub async fn paced_enrolments(&self) -> StoreResult<Vec<PacedEnrolment>> {
        let rows: Vec<PacedRow> = sqlx::query_as(
            "SELECT e.tenant_id, e.person_id, p.user_id, k.name, e.pace, k.pace, d.created_at, \
                    t.tz, t.home_channel \
             FROM track_enrolments e \
             JOIN tracks k ON k.id = e.track_id AND k.tenant_id = e.tenant_id \
             JOIN people p ON p.id = e.person_id AND p.tenant_id = e.tenant_id \
             JOIN teams t ON t.id = e.team_id AND t.tenant_id = e.tenant_id \
             JOIN decisions d ON d.id = e.decision_id AND d.tenant_id = e.tenant_id \
             WHERE e.status = 'approved' AND (e.pace IS NOT NULL OR k.pace IS NOT NULL) \
             ORDER BY e.tenant_id, e.person_id, k.name",
        )
        .fetch_all(&self.read)
        .await?;
        let mut paced = Vec::with_capacity(rows.len());
        for (tenant, person, user_id, track, own, shared, joined, tz, channel) in rows {
            let Some(pace) = parse_pace(own.or(shared))? else {
                continue;
            };
            paced.push(PacedEnrolment {
                tenant: TenantId(tenant),
                person: PersonId(person),
                user_id,
                track,
                pace,
                joined: from_millis(joined)?,
                tz: super::teams::time_zone(&tz)?,
                channel,
            });
        }
        Ok(paced)
    }
}
