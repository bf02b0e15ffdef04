//! What an undo changes: the state its reverted decision wrote, put back.
//!
//! For state where the latest decision wins (levels, targets, mastery criteria, skill orders)
//! the state is recomputed from the latest decision about the same thing that is still standing,
//! so reverting an older decision never overwrites a newer one. State a decision added (an
//! intervention, an absence, learning hours, a module commissioned or added, what an allocation
//! drew from its budget) is removed or cancelled by the id of the decision that added it; a
//! module approved, retired or changed goes back to the state and fields the decision kept; a
//! budget is recomputed like the latest-wins state, and an answer to an over-budget request
//! reopens it.

use sqlx::{Any, Transaction};

use super::super::{StoreError, StoreResult, millis};
use super::apply::{LevelChange, set_levels, write_criteria, write_sequence, write_target};
use super::budget;
use crate::domain::decision::{Decision, NewDecision, TrackAnswer, Undo};
use crate::domain::ids::{CapabilityId, DecisionId, TeamId};
use crate::domain::name_key;

/// The reverted decision, as the log holds it.
struct Reverted {
    team: Option<TeamId>,
    subject: Option<i64>,
    capability: Option<CapabilityId>,
    occurrence: Option<i64>,
    decision: Decision,
}

/// A standing decision that writes the same state, newest first: kind, payload, actor, id, time.
type Standing = (String, String, i64, i64, i64);

/// Puts back the state the decision an undo names wrote, one kind of state at a time.
pub(super) async fn revert(
    tx: &mut Transaction<'_, Any>,
    undo_decision: &NewDecision,
    undo: &Undo,
) -> StoreResult<()> {
    let tenant = undo_decision.tenant.0;
    let reverted = read(tx, tenant, undo.reverts).await?;
    let gone = undo.reverts.0;
    match &reverted.decision {
        Decision::Level(_) | Decision::Certify(_) => {
            let (Some(person), Some(capability)) = (reverted.subject, reverted.capability) else {
                return Ok(());
            };
            restore_level(tx, tenant, person, capability, gone).await?;
        }
        Decision::Target(_) | Decision::Mastery(_) => {
            let (Some(team), Some(capability)) = (reverted.team, reverted.capability) else {
                return Ok(());
            };
            restore_team_setting(
                tx,
                undo_decision,
                undo,
                &reverted.decision,
                team,
                capability,
            )
            .await?;
        }
        Decision::Sequence(sequence) => {
            let Some(team) = reverted.team else {
                return Ok(());
            };
            restore_sequence(tx, tenant, team, &sequence.family, gone).await?;
        }
        Decision::Intervene(_) => {
            by_decision(
                tx,
                "UPDATE interventions SET status = 'cancelled'",
                tenant,
                gone,
            )
            .await?;
        }
        Decision::Absence(_) => by_decision(tx, "DELETE FROM absences", tenant, gone).await?,
        Decision::Hours(_) => {
            by_decision(tx, "DELETE FROM learning_hours", tenant, gone).await?;
            budget::take_back_draw(tx, tenant, gone).await?;
        }
        Decision::Commission(_) | Decision::ModuleAdd(_) => {
            by_decision(tx, "DELETE FROM modules", tenant, gone).await?;
            budget::take_back_draw(tx, tenant, gone).await?;
        }
        Decision::Budget(set) => {
            let Some(team) = reverted.team else {
                return Ok(());
            };
            budget::restore_budget(tx, tenant, team, set.quarter, gone).await?;
        }
        Decision::RequestBudget(_) => budget::withdraw_request(tx, tenant, gone).await?,
        Decision::ApproveBudget(answer) | Decision::DeclineBudget(answer) => {
            budget::reopen_request(tx, tenant, gone, answer).await?;
        }
        Decision::AcceptCommission(answer)
        | Decision::ReviseCommission(answer)
        | Decision::DeclineCommission(answer) => {
            super::commission::unanswer(tx, undo_decision, &reverted.decision, answer).await?;
        }
        Decision::ModuleUpdate(update) => {
            super::library::unupdate_module(tx, undo_decision, update).await?;
        }
        Decision::ModuleApprove(change) | Decision::ModuleRetire(change) => {
            super::library::unchange_state(tx, undo_decision, change).await?;
        }
        Decision::TrackModules(_) | Decision::Pace(_) | Decision::ModuleDone(_) => {
            super::tracks::revert(
                tx,
                undo_decision,
                &reverted.decision,
                reverted.subject,
                gone,
            )
            .await?;
        }
        Decision::RequestTrack(_) => withdraw_request(tx, tenant, gone).await?,
        Decision::ApproveTrack(track) | Decision::DeclineTrack(track) => {
            reopen_request(tx, tenant, gone, track).await?;
        }
        Decision::Gap(_) | Decision::Coach(_) | Decision::NoGaps(_) => {
            if let Some(occurrence) = reverted.occurrence {
                restore_artefact(tx, tenant, occurrence).await?;
            }
        }
        Decision::BindRitual(bind) => {
            let team = reverted.team.map(|t| t.0);
            super::bind::unbind_ritual(tx, tenant, team, bind).await?;
        }
        Decision::SnoozeNudge(_) | Decision::Undo(_) => {
            return Err(StoreError::Corrupt(format!(
                "a {} decision cannot be reverted",
                reverted.decision.kind()
            )));
        }
    }
    Ok(())
}

/// A target or mastery criteria put back: the latest standing decision about the same team and
/// capability, or none.
async fn restore_team_setting(
    tx: &mut Transaction<'_, Any>,
    undo_decision: &NewDecision,
    undo: &Undo,
    reverted: &Decision,
    team: TeamId,
    capability: CapabilityId,
) -> StoreResult<()> {
    let tenant = undo_decision.tenant.0;
    let at = millis(undo_decision.at);
    let gone = undo.reverts.0;
    let kind = reverted.kind().as_str();
    let standing = latest_standing(
        tx,
        tenant,
        gone,
        &format!("kind = '{kind}' AND team_id = $3 AND capability_id = $4"),
        team.0,
        capability.0,
    )
    .await?;
    let restored = standing
        .map(|(kind, payload, _, id, _)| parse(&kind, &payload, id).map(|d| (d, id)))
        .transpose()?;
    match (reverted, restored) {
        (Decision::Target(_), Some((Decision::Target(t), id))) => {
            write_target(
                tx,
                tenant,
                team,
                capability,
                Some(t.target),
                DecisionId(id),
                at,
            )
            .await
        }
        (Decision::Target(_), _) => {
            write_target(tx, tenant, team, capability, None, undo.reverts, at).await
        }
        (_, Some((Decision::Mastery(c), id))) => {
            write_criteria(
                tx,
                tenant,
                team,
                capability,
                Some(&c.criteria),
                DecisionId(id),
                at,
            )
            .await
        }
        _ => write_criteria(tx, tenant, team, capability, None, undo.reverts, at).await,
    }
}

/// A track request withdrawn, unless it has been answered since.
async fn withdraw_request(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM track_enrolments WHERE tenant_id = $1 AND decision_id = $2 \
         AND status = 'requested'",
    )
    .bind(tenant)
    .bind(gone)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An answer to a track request taken back: back to the request it answered, if it answered
/// one; otherwise the person's status for the track is what it was before: asked, not yet
/// decided.
async fn reopen_request(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
    track: &TrackAnswer,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE track_enrolments SET status = 'requested', decided_by = NULL, \
         decision_id = COALESCE($3, decision_id) WHERE tenant_id = $1 AND decision_id = $2",
    )
    .bind(tenant)
    .bind(gone)
    .bind(track.request.map(|r| r.0))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn read(tx: &mut Transaction<'_, Any>, tenant: i64, id: DecisionId) -> StoreResult<Reverted> {
    type Row = (
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT kind, team_id, subject_person_id, capability_id, occurrence_id, payload \
         FROM decisions WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((kind, team, subject, capability, occurrence, payload)) = row else {
        return Err(StoreError::Corrupt(format!(
            "decision {} to revert does not exist",
            id.0
        )));
    };
    Ok(Reverted {
        team: team.map(TeamId),
        subject,
        capability: capability.map(CapabilityId),
        occurrence,
        decision: parse(&kind, &payload, id.0)?,
    })
}

fn parse(kind: &str, payload: &str, id: i64) -> StoreResult<Decision> {
    let payload = serde_json::from_str(payload)
        .map_err(|e| StoreError::Corrupt(format!("decision {id} payload: {e}")))?;
    Decision::from_stored(kind, payload)
        .map_err(|e| StoreError::Corrupt(format!("decision {id}: {e}")))
}

/// The newest decision matching `filter` (on `d`, with `$3` and `$4`) that is neither `gone`
/// nor reverted by another undo.
async fn latest_standing(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
    filter: &str,
    third: i64,
    fourth: i64,
) -> StoreResult<Option<Standing>> {
    let sql = format!(
        "SELECT d.kind, d.payload, d.actor_person_id, d.id, d.created_at FROM decisions d \
         WHERE d.tenant_id = $1 AND d.id <> $2 AND {filter} \
           AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
                           AND u.reverts_decision_id = d.id) \
         ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(tenant)
        .bind(gone)
        .bind(third)
        .bind(fourth)
        .fetch_optional(&mut **tx)
        .await?)
}

/// A person's level for a capability, as the newest standing level decision left it.
async fn restore_level(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    person: i64,
    capability: CapabilityId,
    gone: i64,
) -> StoreResult<()> {
    let standing = latest_standing(
        tx,
        tenant,
        gone,
        "kind IN ('level', 'certify') AND subject_person_id = $3 AND capability_id = $4",
        person,
        capability.0,
    )
    .await?;
    let Some((kind, payload, actor, id, at)) = standing else {
        sqlx::query(
            "DELETE FROM person_levels WHERE tenant_id = $1 AND person_id = $2 AND capability_id = $3",
        )
        .bind(tenant)
        .bind(person)
        .bind(capability.0)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    };
    let (Decision::Level(set) | Decision::Certify(set)) = parse(&kind, &payload, id)? else {
        return Ok(());
    };
    let change = LevelChange {
        person,
        capability: capability.0,
        tenant,
        level: set.level.as_str(),
        evidence: set.evidence.as_deref(),
        set_by: actor,
        decision: id,
        at,
    };
    set_levels(tx, &[change]).await
}

/// A team's skill order for a role family, as the newest standing sequence decision left it.
async fn restore_sequence(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    family: &str,
    gone: i64,
) -> StoreResult<()> {
    // Sequences are keyed by family name, which lives in the payload: look through the team's
    // standing sequence decisions, newest first, for the first about the same family.
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT d.payload, d.id FROM decisions d WHERE d.tenant_id = $1 AND d.team_id = $2 \
           AND d.kind = 'sequence' AND d.id <> $3 \
           AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
                           AND u.reverts_decision_id = d.id) \
         ORDER BY d.created_at DESC, d.id DESC",
    )
    .bind(tenant)
    .bind(team.0)
    .bind(gone)
    .fetch_all(&mut **tx)
    .await?;
    for (payload, id) in rows {
        if let Decision::Sequence(earlier) = parse("sequence", &payload, id)?
            && name_key(&earlier.family) == name_key(family)
        {
            return write_sequence(
                tx,
                tenant,
                team,
                family,
                &earlier.capability_ids,
                DecisionId(id),
            )
            .await;
        }
    }
    write_sequence(tx, tenant, team, family, &[], DecisionId(gone)).await
}

/// Applies `statement` (an UPDATE or DELETE without its WHERE) to the rows `gone` wrote.
async fn by_decision(
    tx: &mut Transaction<'_, Any>,
    statement: &str,
    tenant: i64,
    gone: i64,
) -> StoreResult<()> {
    sqlx::query(&format!(
        "{statement} WHERE tenant_id = $1 AND decision_id = $2"
    ))
    .bind(tenant)
    .bind(gone)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An occurrence's artefact time, from the decisions on it that still stand.
async fn restore_artefact(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    occurrence: i64,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE occurrences SET artefact_at = (SELECT MIN(d.created_at) FROM decisions d \
             WHERE d.tenant_id = $1 AND d.occurrence_id = $2 \
               AND d.kind IN ('gap', 'no_gaps', 'intervene', 'coach') \
               AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
                               AND u.reverts_decision_id = d.id)) \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(occurrence)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
