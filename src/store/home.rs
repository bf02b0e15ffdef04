//! What App Home reads beyond coverage and a person's profile: track requests waiting for a
//! team's managers, and the team's open interventions.

use super::teams::Team;
use super::{Store, StoreResult, parse_day};
use crate::domain::digest::InterventionDue;
use crate::domain::home::PendingRequest;

impl Store {
    /// Track requests in `team` still waiting for an answer, oldest first, at most `limit`.
    pub async fn pending_track_requests(
        &self,
        team: &Team,
        limit: i64,
    ) -> StoreResult<Vec<PendingRequest>> {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT e.decision_id, p.user_id, t.name, e.note FROM track_enrolments e \
             JOIN people p ON p.id = e.person_id JOIN tracks t ON t.id = e.track_id \
             WHERE e.tenant_id = $1 AND e.team_id = $2 AND e.status = 'requested' \
             ORDER BY e.updated_at LIMIT $3",
        )
        .bind(team.tenant.0)
        .bind(team.id.0)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(decision, person_id, track, note)| PendingRequest {
                decision,
                person_id,
                track,
                note,
            })
            .collect())
    }

    /// The team's planned interventions with a due date, soonest first: all of them, or those
    /// due by `until`; at most `limit`.
    pub async fn open_interventions(
        &self,
        team: &Team,
        until: Option<chrono::NaiveDate>,
        limit: i64,
    ) -> StoreResult<Vec<InterventionDue>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT p.display_name, c.name, i.means, i.due_on FROM interventions i \
             JOIN people p ON p.id = i.person_id JOIN capabilities c ON c.id = i.capability_id \
             WHERE i.tenant_id = $1 AND i.team_id = $2 AND i.status = 'planned' \
               AND i.due_on IS NOT NULL AND i.due_on <= $3 ORDER BY i.due_on, i.id LIMIT $4",
        )
        .bind(team.tenant.0)
        .bind(team.id.0)
        // ISO dates compare as text; "9999-12-31" is after every due date.
        .bind(until.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string()))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(person, capability, means, due)| {
                Ok(InterventionDue {
                    person,
                    capability,
                    means,
                    due: parse_day(&due)?,
                })
            })
            .collect()
    }
}
