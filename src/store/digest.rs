//! What the weekly digest reads for one team: coverage inputs plus the week's decisions,
//! interventions due, learning hours, the quarter's budget used, occurrences without their
//! artefact and waiting track requests. A handful of indexed queries per team, so every team's
//! digest can be read in one pass over a large organisation.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::teams::Team;
use super::{Store, StoreResult, millis};
use crate::domain::command::DateRange;
use crate::domain::coverage::{CoverageInputs, coverage_report};
use crate::domain::digest::{DecisionTally, DigestInputs, MissingArtefact};
use crate::domain::ids::{TeamId, TenantId};
use crate::domain::outcomes::Participation;

/// A team's digest schedule as stored, with what the scheduler needs to place it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSchedule {
    /// Whose.
    pub tenant: TenantId,
    /// The team.
    pub team: TeamId,
    /// The team's time zone.
    pub tz: chrono_tz::Tz,
    /// The stored schedule: `None` for the default, `Some("off")` for none.
    pub schedule: Option<String>,
}

impl Store {
    /// Reads everything `team`'s digest reports for the week ending on `today` (the team's
    /// local date) at `now`.
    pub async fn digest_inputs(
        &self,
        team: &Team,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<DigestInputs> {
        let inputs: CoverageInputs = self.coverage_inputs(team, today).await?;
        let coverage = coverage_report(&inputs, today);
        let since = now - Duration::days(7);
        let (tenant, team_id) = (team.tenant.0, team.id.0);

        let tallies: Vec<(Option<String>, String, i64)> = sqlx::query_as(
            "SELECT r.name, d.kind, COUNT(*) FROM decisions d \
             LEFT JOIN occurrences o ON o.id = d.occurrence_id AND o.tenant_id = d.tenant_id \
             LEFT JOIN rituals r ON r.id = o.ritual_id AND r.tenant_id = o.tenant_id \
             WHERE d.tenant_id = $1 AND d.team_id = $2 AND d.created_at >= $3 AND d.created_at < $4 \
             GROUP BY r.name, d.kind ORDER BY MIN(d.created_at)",
        )
        .bind(tenant)
        .bind(team_id)
        .bind(millis(since))
        .bind(millis(now))
        .fetch_all(&self.read)
        .await?;
        let decisions = tallies
            .into_iter()
            .map(|(ritual, kind, count)| DecisionTally {
                ritual,
                kind,
                count: usize::try_from(count).unwrap_or(0),
            })
            .collect();

        // Every one due within the coming week or overdue; the card shows a few and counts.
        let interventions = self
            .open_interventions(team, Some(today + Duration::days(7)), 1000)
            .await?;

        // The week's learning hours and the track requests waiting, in one round trip.
        let (hours, requests): (Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT CAST(SUM(hours_centi) AS BIGINT) FROM learning_hours \
                     WHERE tenant_id = $1 AND team_id = $2 AND created_at >= $3 \
                       AND created_at < $4), \
                    (SELECT COUNT(*) FROM track_enrolments \
                     WHERE tenant_id = $1 AND team_id = $2 AND status = 'requested')",
        )
        .bind(tenant)
        .bind(team_id)
        .bind(millis(since))
        .bind(millis(now))
        .fetch_one(&self.read)
        .await?;

        let missing: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT r.name, o.title, r.artefact FROM occurrences o \
             JOIN rituals r ON r.id = o.ritual_id AND r.tenant_id = o.tenant_id \
             WHERE o.tenant_id = $1 AND r.team_id = $2 AND r.artefact <> 'none' \
               AND o.artefact_at IS NULL AND o.happened_at >= $3 AND o.happened_at < $4 \
             ORDER BY o.happened_at",
        )
        .bind(tenant)
        .bind(team_id)
        .bind(millis(since))
        .bind(millis(now))
        .fetch_all(&self.read)
        .await?;

        let quarter = crate::domain::outcomes::Quarter::containing(now.date_naive());
        let used = self.budget_use(team.tenant, team.id, quarter).await?;
        let budget = if used.is_set() {
            Some((used, self.settings(team.tenant).await?.currency))
        } else {
            None
        };

        Ok(DigestInputs {
            team: team.name.clone(),
            week: DateRange {
                from: today - Duration::days(7),
                to: today,
            },
            coverage,
            decisions,
            interventions,
            learning_hours_centi: hours.unwrap_or(0),
            missing_artefacts: missing
                .into_iter()
                .map(|(ritual, title, artefact)| MissingArtefact {
                    ritual,
                    title,
                    artefact,
                })
                .collect(),
            pending_track_requests: usize::try_from(requests).unwrap_or(0),
            participation: Participation::of(
                &self
                    .occurrence_records(team.tenant, Some(team.id), since, now, &Default::default())
                    .await?,
            ),
            budget,
            track_progress: self.team_track_progress(team.tenant, team.id).await?,
        })
    }

    /// Teams with this name in any tenant, with their tenant's platform id, for the command
    /// line (which runs outside any workspace).
    pub async fn teams_named(&self, name: &str) -> StoreResult<Vec<(Team, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT t.tenant_id, n.external_id FROM teams t JOIN tenants n ON n.id = t.tenant_id \
             WHERE t.name_key = $1 ORDER BY t.id",
        )
        .bind(crate::domain::name_key(name))
        .fetch_all(&self.read)
        .await?;
        let mut teams = Vec::new();
        for (tenant, workspace) in rows {
            if let Some(team) = self.team_by_name(TenantId(tenant), name).await? {
                teams.push((team, workspace));
            }
        }
        Ok(teams)
    }

    /// Every team's digest schedule, in any tenant.
    pub async fn digest_schedules(&self) -> StoreResult<Vec<DigestSchedule>> {
        let rows: Vec<(i64, i64, String, Option<String>)> =
            sqlx::query_as("SELECT tenant_id, id, tz, digest_schedule FROM teams ORDER BY id")
                .fetch_all(&self.read)
                .await?;
        rows.into_iter()
            .map(|(tenant, team, tz, schedule)| {
                Ok(DigestSchedule {
                    tenant: TenantId(tenant),
                    team: TeamId(team),
                    tz: super::teams::time_zone(&tz)?,
                    schedule,
                })
            })
            .collect()
    }

    /// Sets a team's digest schedule: `None` for the default, `Some("off")` for none.
    pub async fn set_digest_schedule(
        &self,
        team: &Team,
        schedule: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE teams SET digest_schedule = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(schedule)
            .bind(team.tenant.0)
            .bind(team.id.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// A team's stored digest schedule: `None` for the default, `Some("off")` for none.
    pub async fn digest_schedule(&self, team: &Team) -> StoreResult<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT digest_schedule FROM teams WHERE tenant_id = $1 AND id = $2")
                .bind(team.tenant.0)
                .bind(team.id.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.and_then(|(s,)| s))
    }
}
