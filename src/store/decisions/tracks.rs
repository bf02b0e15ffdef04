//! The state track decisions write: a team track's modules in order and its pace, a person's
//! own pace on it, and the modules people finished — and, for an undo, that state put back
//! from the decisions still standing.

use sqlx::{Any, Transaction};

use super::super::{StoreError, StoreResult, millis};
use crate::domain::decision::{Decision, ModuleDone, NewDecision, SetPace, TrackModules};
use crate::domain::ids::{DecisionId, ModuleId};
use crate::domain::name_key;
use crate::domain::pace::Pace;

/// The track named `name` in the tenant, made on first sight for `team`; its id.
async fn track_id(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    name: &str,
    team: Option<i64>,
    at: i64,
) -> StoreResult<i64> {
    sqlx::query(
        "INSERT INTO tracks (tenant_id, name, name_key, created_at, team_id) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, name_key) \
         DO UPDATE SET team_id = COALESCE(tracks.team_id, excluded.team_id)",
    )
    .bind(tenant)
    .bind(name)
    .bind(name_key(name))
    .bind(at)
    .bind(team)
    .execute(&mut **tx)
    .await?;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM tracks WHERE tenant_id = $1 AND name_key = $2")
            .bind(tenant)
            .bind(name_key(name))
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// Replaces the track's modules with `modules`, in order.
async fn write_modules(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    track: i64,
    modules: &[ModuleId],
    id: DecisionId,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM track_modules WHERE tenant_id = $1 AND track_id = $2")
        .bind(tenant)
        .bind(track)
        .execute(&mut **tx)
        .await?;
    for (position, module) in modules.iter().enumerate() {
        sqlx::query(
            "INSERT INTO track_modules (track_id, position, tenant_id, module_id, decision_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(track)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(tenant)
        .bind(module.0)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Sets the track's pace, or a person's on it (`None` clears it).
async fn write_pace(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    track: i64,
    person: Option<i64>,
    pace: Option<Pace>,
) -> StoreResult<()> {
    let pace = pace.map(|p| p.to_string());
    match person {
        Some(person) => {
            sqlx::query(
                "UPDATE track_enrolments SET pace = $1 \
                 WHERE tenant_id = $2 AND track_id = $3 AND person_id = $4",
            )
            .bind(pace)
            .bind(tenant)
            .bind(track)
            .bind(person)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("UPDATE tracks SET pace = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(pace)
                .bind(tenant)
                .bind(track)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// `track … modules …` and `track order`.
pub(super) async fn track_modules(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    modules: &TrackModules,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let at = millis(decision.at);
    let track = track_id(tx, tenant, &modules.track, decision.team.map(|t| t.0), at).await?;
    write_modules(tx, tenant, track, &modules.module_ids, id).await?;
    if modules.pace.is_some() {
        write_pace(tx, tenant, track, None, modules.pace).await?;
    }
    Ok(())
}

/// `pace`: the track's, or its subject's on it.
pub(super) async fn pace(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    pace: &SetPace,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let at = millis(decision.at);
    let track = track_id(tx, tenant, &pace.track, decision.team.map(|t| t.0), at).await?;
    let person = pace.person.as_ref().and(decision.subject.map(|p| p.0));
    write_pace(tx, tenant, track, person, Some(pace.pace)).await
}

/// `done`: the subject finished the module (once; a second `done` changes nothing).
pub(super) async fn done(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    done: &ModuleDone,
) -> StoreResult<()> {
    let Some(person) = decision.subject else {
        return Err(StoreError::Corrupt(
            "a module_done decision without a person".to_owned(),
        ));
    };
    sqlx::query(
        "INSERT INTO module_completions (person_id, module_id, tenant_id, decision_id, completed_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, module_id) DO NOTHING",
    )
    .bind(person.0)
    .bind(done.module_id.0)
    .bind(decision.tenant.0)
    .bind(id.0)
    .bind(millis(decision.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The standing decisions about a track (modules and paces), newest first.
async fn standing(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
) -> StoreResult<Vec<(i64, Option<i64>, Decision)>> {
    let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT d.id, d.kind, d.payload, d.subject_person_id FROM decisions d \
         WHERE d.tenant_id = $1 AND d.kind IN ('track_modules', 'pace') AND d.id <> $2 \
           AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
                           AND u.reverts_decision_id = d.id) \
         ORDER BY d.created_at DESC, d.id DESC",
    )
    .bind(tenant)
    .bind(gone)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(id, kind, payload, subject)| {
            let payload = serde_json::from_str(&payload)
                .map_err(|e| StoreError::Corrupt(format!("decision {id} payload: {e}")))?;
            let decision = Decision::from_stored(&kind, payload)
                .map_err(|e| StoreError::Corrupt(format!("decision {id}: {e}")))?;
            Ok((id, subject, decision))
        })
        .collect()
}

/// Undoes a track decision: the track's modules, its pace, or a person's pace on it, put back
/// from the newest decision about the same thing that still stands (none: emptied).
pub(super) async fn revert(
    tx: &mut Transaction<'_, Any>,
    undo: &NewDecision,
    reverted: &Decision,
    subject: Option<i64>,
    gone: i64,
) -> StoreResult<()> {
    let tenant = undo.tenant.0;
    let (track_name, person) = match reverted {
        Decision::TrackModules(m) => (m.track.as_str(), None),
        Decision::Pace(p) => (p.track.as_str(), p.person.as_ref().and(subject)),
        Decision::ModuleDone(_) => {
            sqlx::query("DELETE FROM module_completions WHERE tenant_id = $1 AND decision_id = $2")
                .bind(tenant)
                .bind(gone)
                .execute(&mut **tx)
                .await?;
            return Ok(());
        }
        _ => return Ok(()),
    };
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM tracks WHERE tenant_id = $1 AND name_key = $2")
            .bind(tenant)
            .bind(name_key(track_name))
            .fetch_optional(&mut **tx)
            .await?;
    let Some((track,)) = found else {
        return Ok(());
    };
    let same_track = |name: &str| name_key(name) == name_key(track_name);
    let earlier = standing(tx, tenant, gone).await?;
    if let Decision::TrackModules(_) = reverted {
        let modules = earlier.iter().find_map(|(id, _, d)| match d {
            Decision::TrackModules(m) if same_track(&m.track) => Some((*id, m.module_ids.clone())),
            _ => None,
        });
        let (id, ids) = modules.unwrap_or((gone, Vec::new()));
        write_modules(tx, tenant, track, &ids, DecisionId(id)).await?;
    }
    // The pace the reverted decision may have set: the newest standing one for the same
    // track (and person), from a `pace` or from a `track … pace`.
    let pace = earlier.iter().find_map(|(_, who, d)| match d {
        Decision::Pace(p) if same_track(&p.track) && p.person.as_ref().and(*who) == person => {
            Some(p.pace)
        }
        Decision::TrackModules(m) if person.is_none() && same_track(&m.track) => m.pace,
        _ => None,
    });
    write_pace(tx, tenant, track, person, pace).await
}
