//! The append-only decision log, and the state each decision changes, written together.

use sqlx::{Any, Transaction};

use super::{Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::DecisionKind;
use crate::domain::decision::{Effect, FollowUpCard, NewDecision};
use crate::domain::ids::{DecisionId, TeamId, TenantId};
use crate::domain::name_key;
use crate::domain::prompt::{TrackRequestView, track_request_card};

/// A decision as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedDecision {
    /// Stored id.
    pub id: DecisionId,
    /// The team it was made for.
    pub team: Option<TeamId>,
    /// The decision kind's stored name.
    pub kind: String,
    /// Who decided: the platform user id.
    pub actor_user_id: String,
    /// Whom it was about: the platform user id.
    pub subject_user_id: Option<String>,
    /// The arguments as recorded.
    pub payload: serde_json::Value,
    /// Where it was made.
    pub source: String,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// id, team, kind, actor, subject, payload, source, created_at.
type DecisionRow = (
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
);

impl Store {
    /// Appends a decision and applies its effect in one transaction: both or neither.
    pub async fn record(&self, decision: &NewDecision) -> StoreResult<DecisionId> {
        if let Some(writer) = &self.group_commit {
            return writer.record(decision).await;
        }
        let mut tx = self.write.begin().await?;
        let id = write_decision(&mut tx, decision).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Appends several decisions with their effects in one transaction: all or none.
    pub async fn record_all(&self, decisions: &[NewDecision]) -> StoreResult<Vec<DecisionId>> {
        if let Some(writer) = &self.group_commit {
            return writer.record_all(decisions).await;
        }
        let mut tx = self.write.begin().await?;
        let mut ids = Vec::with_capacity(decisions.len());
        for decision in decisions {
            ids.push(write_decision(&mut tx, decision).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// A team's decisions, oldest first.
    pub async fn decisions_of(
        &self,
        tenant: TenantId,
        team: TeamId,
    ) -> StoreResult<Vec<RecordedDecision>> {
        self.decisions_where(tenant, "d.team_id = $2", team.0).await
    }

    /// One decision of the tenant.
    pub async fn decision(
        &self,
        tenant: TenantId,
        id: DecisionId,
    ) -> StoreResult<Option<RecordedDecision>> {
        Ok(self
            .decisions_where(tenant, "d.id = $2", id.0)
            .await?
            .into_iter()
            .next())
    }

    /// The tenant's decisions matching `filter` (a condition on `d` using `$2` for `value`).
    pub(super) async fn decisions_where(
        &self,
        tenant: TenantId,
        filter: &str,
        value: i64,
    ) -> StoreResult<Vec<RecordedDecision>> {
        let rows: Vec<DecisionRow> = sqlx::query_as(&format!(
            "SELECT d.id, d.team_id, d.kind, a.user_id, s.user_id, d.payload, d.source, d.created_at \
             FROM decisions d JOIN people a ON a.id = d.actor_person_id \
             LEFT JOIN people s ON s.id = d.subject_person_id \
             WHERE d.tenant_id = $1 AND {filter} ORDER BY d.id"
        ))
        .bind(tenant.0)
        .bind(value)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(
                |(id, team, kind, actor_user_id, subject_user_id, payload, source, at)| {
                    Ok(RecordedDecision {
                        id: DecisionId(id),
                        team: team.map(TeamId),
                        kind,
                        actor_user_id,
                        subject_user_id,
                        payload: serde_json::from_str(&payload).map_err(|e| {
                            StoreError::Corrupt(format!("decision {id} payload: {e}"))
                        })?,
                        source,
                        at: from_millis(at)?,
                    })
                },
            )
            .collect()
    }
}

/// Appends the decision row and applies its effect inside `tx`.
pub(super) async fn write_decision(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
) -> StoreResult<DecisionId> {
    let ids = insert_decisions(tx, &[decision]).await?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("insert returned no id".to_owned()))?;
    apply(tx, decision, id).await?;
    follow_up(tx, decision, id).await?;
    Ok(id)
}

/// Appends decisions with their effects inside `tx`, using one statement for all decision rows
/// and one for all level changes, the common effect. Returns ids in the order given.
pub(super) async fn write_decisions(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let ids = insert_decisions(tx, decisions).await?;
    let mut levels: Vec<LevelChange<'_>> = Vec::new();
    for (decision, id) in decisions.iter().zip(&ids) {
        match &decision.effect {
            Effect::SetLevel {
                person,
                capability,
                level,
                evidence,
            } => {
                // A later decision about the same person and capability wins; keep only it, so
                // one statement never touches a row twice.
                levels.retain(|l| !(l.person == person.0 && l.capability == capability.0));
                levels.push(LevelChange {
                    person: person.0,
                    capability: capability.0,
                    tenant: decision.tenant.0,
                    level: level.as_str(),
                    evidence: evidence.as_deref(),
                    set_by: decision.actor.0,
                    decision: id.0,
                    at: millis(decision.at),
                });
            }
            _ => apply(tx, decision, *id).await?,
        }
        follow_up(tx, decision, *id).await?;
    }
    set_levels(tx, &levels).await?;
    Ok(ids)
}

/// Decision kinds that deliver a ritual's artefact: the occurrence stops waiting for it.
const ARTEFACTS: [DecisionKind; 4] = [
    DecisionKind::Gap,
    DecisionKind::NoGaps,
    DecisionKind::Intervene,
    DecisionKind::Coach,
];

/// Marks the occurrence's artefact delivered, and queues the decision's follow-up message.
async fn follow_up(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
) -> StoreResult<()> {
    if let Some(occurrence) = decision
        .occurrence
        .filter(|_| ARTEFACTS.contains(&decision.kind))
    {
        sqlx::query(
            "UPDATE occurrences SET artefact_at = COALESCE(artefact_at, $1) WHERE id = $2 AND tenant_id = $3",
        )
        .bind(millis(decision.at))
        .bind(occurrence.0)
        .bind(decision.tenant.0)
        .execute(&mut **tx)
        .await?;
    }
    if let Some(message) = &decision.follow_up {
        let delivery = match &message.replaces {
            Some(ts) => super::outbox::Delivery::Update(ts.clone()),
            None => super::outbox::Delivery::Post,
        };
        super::outbox::enqueue(
            tx,
            &super::outbox::NewMessage {
                tenant: decision.tenant,
                idempotency_key: format!("{}{}", message.key_prefix, id.0),
                channel_id: &message.channel_id,
                delivery,
                card: follow_up_card(&message.card, id),
                occurrence: decision.occurrence,
            },
            decision.at,
        )
        .await?;
    }
    Ok(())
}

/// A follow-up's card as JSON; a track request's buttons name the decision just recorded.
fn follow_up_card(card: &FollowUpCard, id: DecisionId) -> serde_json::Value {
    match card {
        FollowUpCard::Ready(json) => json.clone(),
        FollowUpCard::TrackRequest {
            person_id,
            person_name,
            track,
            note,
        } => {
            let view = TrackRequestView {
                person_id: person_id.clone(),
                person_name: person_name.clone(),
                track: track.clone(),
                note: note.clone(),
                decision: id.0,
            };
            serde_json::to_value(track_request_card(&view)).unwrap_or_default()
        }
    }
}

/// Inserts decision rows in one statement and returns their ids in the order given.
async fn insert_decisions(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let sql = format!(
        "INSERT INTO decisions (tenant_id, team_id, kind, actor_person_id, subject_person_id, \
         capability_id, channel_id, source, payload, created_at, occurrence_id) VALUES {} RETURNING id",
        super::values_placeholders(decisions.len(), 11)
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for decision in decisions {
        query = query
            .bind(decision.tenant.0)
            .bind(decision.team.map(|t| t.0))
            .bind(decision.kind.as_str())
            .bind(decision.actor.0)
            .bind(decision.subject.map(|p| p.0))
            .bind(decision.capability.map(|c| c.0))
            .bind(decision.channel.as_deref())
            .bind(decision.source.as_str())
            .bind(decision.payload.to_string())
            .bind(millis(decision.at))
            .bind(decision.occurrence.map(|o| o.0));
    }
    let mut ids: Vec<i64> = query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    if ids.len() != decisions.len() {
        return Err(StoreError::Corrupt(format!(
            "inserted {} decisions but got {} ids",
            decisions.len(),
            ids.len()
        )));
    }
    // Rows get increasing ids in VALUES order, but RETURNING may list them in any order.
    ids.sort_unstable();
    Ok(ids.into_iter().map(DecisionId).collect())
}

/// One row of `person_levels`.
struct LevelChange<'a> {
    person: i64,
    capability: i64,
    tenant: i64,
    level: &'a str,
    evidence: Option<&'a str>,
    set_by: i64,
    decision: i64,
    at: i64,
}

/// Upserts levels in one statement; at most one change per person and capability.
async fn set_levels(tx: &mut Transaction<'_, Any>, changes: &[LevelChange<'_>]) -> StoreResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO person_levels (person_id, capability_id, tenant_id, level, evidence, set_by, \
         decision_id, set_at) VALUES {} \
         ON CONFLICT (person_id, capability_id) DO UPDATE SET level = excluded.level, \
         evidence = excluded.evidence, set_by = excluded.set_by, \
         decision_id = excluded.decision_id, set_at = excluded.set_at",
        super::values_placeholders(changes.len(), 8)
    );
    let mut query = sqlx::query(&sql);
    for c in changes {
        query = query
            .bind(c.person)
            .bind(c.capability)
            .bind(c.tenant)
            .bind(c.level)
            .bind(c.evidence)
            .bind(c.set_by)
            .bind(c.decision)
            .bind(c.at);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

async fn apply(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let at = millis(decision.at);
    match &decision.effect {
        Effect::None => {}
        Effect::SnoozeNudge { occurrence, until } => {
            sqlx::query(
                "UPDATE jobs SET done_at = NULL, due_at = $1, lease_until = NULL, attempts = 0 \
                 WHERE tenant_id = $2 AND kind = 'nudge' AND subject_id = $3",
            )
            .bind(millis(*until))
            .bind(tenant)
            .bind(occurrence.0)
            .execute(&mut **tx)
            .await?;
        }
        Effect::SetLevel {
            person,
            capability,
            level,
            evidence,
        } => {
            let change = LevelChange {
                person: person.0,
                capability: capability.0,
                tenant,
                level: level.as_str(),
                evidence: evidence.as_deref(),
                set_by: decision.actor.0,
                decision: id.0,
                at,
            };
            set_levels(tx, &[change]).await?;
        }
        Effect::PlanIntervention {
            team,
            person,
            capability,
            means,
            due,
        } => {
            sqlx::query(
                "INSERT INTO interventions (tenant_id, team_id, person_id, capability_id, means, \
                 due_on, status, decision_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8)",
            )
            .bind(tenant)
            .bind(team.0)
            .bind(person.0)
            .bind(capability.0)
            .bind(means.as_str())
            .bind(due.map(|d| d.to_string()))
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::SetTrackStatus {
            team,
            person,
            track,
            status,
            note,
        } => {
            sqlx::query(
                "INSERT INTO tracks (tenant_id, name, name_key, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (tenant_id, name_key) DO NOTHING",
            )
            .bind(tenant)
            .bind(track.as_str())
            .bind(name_key(track))
            .bind(at)
            .execute(&mut **tx)
            .await?;
            let (track_id,): (i64,) =
                sqlx::query_as("SELECT id FROM tracks WHERE tenant_id = $1 AND name_key = $2")
                    .bind(tenant)
                    .bind(name_key(track))
                    .fetch_one(&mut **tx)
                    .await?;
            let decided_by = match status {
                crate::domain::decision::TrackStatus::Requested => None,
                _ => Some(decision.actor.0),
            };
            sqlx::query(
                "INSERT INTO track_enrolments (track_id, person_id, tenant_id, team_id, status, \
                 note, decided_by, decision_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (track_id, person_id) DO UPDATE SET status = excluded.status, \
                 note = excluded.note, decided_by = excluded.decided_by, team_id = excluded.team_id, \
                 decision_id = excluded.decision_id, updated_at = excluded.updated_at",
            )
            .bind(track_id)
            .bind(person.0)
            .bind(tenant)
            .bind(team.0)
            .bind(status.as_str())
            .bind(note.as_deref())
            .bind(decided_by)
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::AnswerTrackRequest {
            person,
            track,
            status,
            request,
        } => {
            let answered = sqlx::query(
                "UPDATE track_enrolments SET status = $1, decided_by = $2, decision_id = $3, updated_at = $4 \
                 WHERE tenant_id = $5 AND person_id = $6 AND status = 'requested' AND decision_id = $7 \
                 AND track_id = (SELECT id FROM tracks WHERE tenant_id = $5 AND name_key = $8)",
            )
            .bind(status.as_str())
            .bind(decision.actor.0)
            .bind(id.0)
            .bind(at)
            .bind(tenant)
            .bind(person.0)
            .bind(request.0)
            .bind(name_key(track))
            .execute(&mut **tx)
            .await?;
            if answered.rows_affected() == 0 {
                // Rolls the decision back with it: nothing is recorded for a stale answer.
                return Err(StoreError::Duplicate(
                    "that request has already been answered".to_owned(),
                ));
            }
        }
        Effect::SetSequence {
            team,
            family,
            capabilities,
        } => {
            sqlx::query(
                "DELETE FROM sequence_steps WHERE tenant_id = $1 AND team_id = $2 AND family_key = $3",
            )
            .bind(tenant)
            .bind(team.0)
            .bind(name_key(family))
            .execute(&mut **tx)
            .await?;
            for (position, capability) in capabilities.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO sequence_steps (team_id, family_key, position, tenant_id, family, \
                     capability_id, decision_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(team.0)
                .bind(name_key(family))
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(tenant)
                .bind(family.as_str())
                .bind(capability.0)
                .bind(id.0)
                .execute(&mut **tx)
                .await?;
            }
        }
        Effect::AllocateHours {
            team,
            person,
            hours,
            period_kind,
            period_label,
        } => {
            sqlx::query(
                "INSERT INTO learning_hours (tenant_id, team_id, person_id, hours_centi, \
                 period_kind, period_label, decision_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(tenant)
            .bind(team.0)
            .bind(person.0)
            .bind(i64::from(hours.centi))
            .bind(*period_kind)
            .bind(period_label.as_str())
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::SetCriteria {
            team,
            capability,
            criteria,
        } => {
            sqlx::query(
                "INSERT INTO team_mastery_criteria (team_id, capability_id, tenant_id, criteria, \
                 decision_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (team_id, capability_id) DO UPDATE SET criteria = excluded.criteria, \
                 decision_id = excluded.decision_id, updated_at = excluded.updated_at",
            )
            .bind(team.0)
            .bind(capability.0)
            .bind(tenant)
            .bind(criteria.as_str())
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::SetTarget {
            team,
            capability,
            count,
        } => {
            sqlx::query(
                "INSERT INTO team_targets (team_id, capability_id, tenant_id, target, decision_id, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (team_id, capability_id) DO UPDATE SET target = excluded.target, \
                 decision_id = excluded.decision_id, updated_at = excluded.updated_at",
            )
            .bind(team.0)
            .bind(capability.0)
            .bind(tenant)
            .bind(i64::from(*count))
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::AddAbsence { person, dates } => {
            sqlx::query(
                "INSERT INTO absences (tenant_id, person_id, starts_on, ends_on, decision_id, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(tenant)
            .bind(person.0)
            .bind(dates.from.to_string())
            .bind(dates.to.to_string())
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
        Effect::Commission {
            team,
            title,
            budget,
            capability,
        } => {
            let budget = budget.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
            sqlx::query(
                "INSERT INTO modules (tenant_id, team_id, title, capability_id, budget, status, \
                 decision_id, created_at) VALUES ($1, $2, $3, $4, $5, 'commissioned', $6, $7)",
            )
            .bind(tenant)
            .bind(team.0)
            .bind(title.as_str())
            .bind(capability.map(|c| c.0))
            .bind(budget)
            .bind(id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
