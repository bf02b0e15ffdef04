//! What each decision changes: the one place a decision's effect on state is written, inside the
//! transaction that appends it. Every state row names the decision that wrote it, so the log
//! explains the state and an undo can find what to revert.

use sqlx::{Any, Transaction};

use super::super::multi_row::{self, MultiRowSql, Params};
use super::super::{Backend, StoreError, StoreResult, millis};
use super::budget;
use crate::domain::budget::Drawn;
use crate::domain::decision::{
    Absence, Decision, HoursAllocated, Intervene, LevelSet, NewDecision, Snooze, TrackAnswer,
    TrackStatus,
};
use crate::domain::ids::{CapabilityId, DecisionId, PersonId, TeamId};
use crate::domain::name_key;

/// Applies one decision's effect: each kind has its own step below (an undo's is in `revert`).
pub(super) async fn apply(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
) -> StoreResult<()> {
    let at = millis(decision.at);
    let tenant = decision.tenant.0;
    match &decision.decision {
        Decision::Gap(_) | Decision::Coach(_) | Decision::NoGaps(_) => Ok(()),
        Decision::SnoozeNudge(snooze) => snooze_nudge(tx, decision, snooze).await,
        Decision::Level(set) | Decision::Certify(set) => set_level(tx, decision, id, set).await,
        Decision::Intervene(plan) => plan_intervention(tx, decision, id, plan).await,
        Decision::RequestTrack(track) => {
            set_track_status(tx, decision, id, track, TrackStatus::Requested).await
        }
        Decision::ApproveTrack(track) | Decision::DeclineTrack(track) => {
            answer_track(tx, decision, id, track).await
        }
        Decision::Sequence(sequence) => {
            let team = team(decision)?;
            write_sequence(
                tx,
                tenant,
                team,
                &sequence.family,
                &sequence.capability_ids,
                id,
            )
            .await
        }
        Decision::Hours(hours) => {
            let drawn = (Drawn::Hours, u64::from(hours.hours.centi));
            budget::draw(tx, decision, id, drawn, budget::quarter_of(decision), true).await?;
            allocate_hours(tx, decision, id, hours).await
        }
        Decision::Mastery(criteria) => {
            write_criteria(
                tx,
                tenant,
                team(decision)?,
                capability(decision)?,
                Some(&criteria.criteria),
                id,
                at,
            )
            .await
        }
        Decision::Target(target) => {
            write_target(
                tx,
                tenant,
                team(decision)?,
                capability(decision)?,
                Some(target.target),
                id,
                at,
            )
            .await
        }
        Decision::Absence(absence) => record_absence(tx, decision, id, absence).await,
        Decision::Commission(commission) => {
            if let Some(spend) = commission.budget {
                let quarter = budget::quarter_of(decision);
                budget::draw(tx, decision, id, (Drawn::Spend, spend), quarter, true).await?;
            }
            let waiting = crate::domain::library::ModuleState::Commissioned;
            super::library::commission_module(tx, decision, id, commission, waiting).await
        }
        Decision::Undo(undo) => super::revert::revert(tx, decision, undo).await,
        Decision::BindRitual(bind) => super::bind::bind_ritual(tx, decision, bind).await,
        Decision::ModuleAdd(add) => super::library::add_module(tx, decision, id, add).await,
        Decision::ModuleUpdate(update) => super::library::update_module(tx, decision, update).await,
        Decision::ModuleApprove(change) | Decision::ModuleRetire(change) => {
            super::library::change_state(tx, decision, change).await
        }
        Decision::TrackModules(modules) => {
            super::tracks::track_modules(tx, decision, id, modules).await
        }
        Decision::Pace(pace) => super::tracks::pace(tx, decision, pace).await,
        Decision::ModuleDone(done) => super::tracks::done(tx, decision, id, done).await,
        Decision::Budget(set) => budget::set_budget(tx, decision, id, set).await,
        Decision::RequestBudget(_) => budget::open_request(tx, decision, id).await,
        Decision::ApproveBudget(answer) | Decision::DeclineBudget(answer) => {
            budget::answer_request(tx, decision, id, answer).await
        }
        Decision::AcceptCommission(answer)
        | Decision::ReviseCommission(answer)
        | Decision::DeclineCommission(answer) => {
            super::commission::answer(tx, decision, answer).await
        }
    }
}

/// A snoozed nudge: the occurrence's nudge job waits until the snooze ends.
async fn snooze_nudge(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    snooze: &Snooze,
) -> StoreResult<()> {
    let occurrence = decision
        .occurrence
        .ok_or_else(|| needs(decision, "an occurrence"))?;
    sqlx::query(
        "UPDATE jobs SET done_at = NULL, due_at = $1, lease_until = NULL, attempts = 0 \
         WHERE tenant_id = $2 AND kind = 'nudge' AND subject_id = $3",
    )
    .bind(millis(snooze.until))
    .bind(decision.tenant.0)
    .bind(occurrence.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A level or certification: the person's level for the capability.
async fn set_level(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    set: &LevelSet,
) -> StoreResult<()> {
    set_levels(tx, &[LevelChange::of(decision, set, id)?]).await
}

/// A planned intervention.
async fn plan_intervention(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    plan: &Intervene,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO interventions (tenant_id, team_id, person_id, capability_id, means, \
         due_on, status, decision_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8)",
    )
    .bind(decision.tenant.0)
    .bind(team(decision)?.0)
    .bind(subject(decision)?.0)
    .bind(capability(decision)?.0)
    .bind(plan.means.as_str())
    .bind(plan.due.map(|d| d.to_string()))
    .bind(id.0)
    .bind(millis(decision.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An approval or refusal: of the request it answers from a card, or of the person's status for
/// the track by command.
async fn answer_track(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    track: &TrackAnswer,
) -> StoreResult<()> {
    let status = if matches!(decision.decision, Decision::ApproveTrack(_)) {
        TrackStatus::Approved
    } else {
        TrackStatus::Declined
    };
    match track.request {
        Some(request) => answer_request(tx, decision, id, track, status, request).await,
        None => set_track_status(tx, decision, id, track, status).await,
    }
}

/// Learning hours allocated to a person for a period.
pub(super) async fn allocate_hours(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    hours: &HoursAllocated,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO learning_hours (tenant_id, team_id, person_id, hours_centi, \
         period_kind, period_label, decision_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(decision.tenant.0)
    .bind(team(decision)?.0)
    .bind(subject(decision)?.0)
    .bind(i64::from(hours.hours.centi))
    .bind(hours.period_kind.as_str())
    .bind(hours.period.as_str())
    .bind(id.0)
    .bind(millis(decision.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A planned absence.
async fn record_absence(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    absence: &Absence,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO absences (tenant_id, person_id, starts_on, ends_on, decision_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(decision.tenant.0)
    .bind(subject(decision)?.0)
    .bind(absence.from.to_string())
    .bind(absence.to.to_string())
    .bind(id.0)
    .bind(millis(decision.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Applies a batch: level changes in multi-row statements (the common effect under load), the
/// rest one by one, in order.
pub(super) async fn apply_all(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
    ids: &[DecisionId],
) -> StoreResult<()> {
    let mut levels: Vec<LevelChange<'_>> = Vec::new();
    for (decision, id) in decisions.iter().zip(ids) {
        match &decision.decision {
            Decision::Level(set) | Decision::Certify(set) => {
                push_level(&mut levels, decision, set, *id)?;
            }
            _ => {
                // Keep the order: pending level changes land before anything that may read them.
                set_levels_in_key_order(tx, &mut levels).await?;
                levels.clear();
                apply(tx, decision, *id).await?;
            }
        }
    }
    set_levels_in_key_order(tx, &mut levels).await
}

/// The level changes of decisions that all set a level ([`is_level_only`]), sorted by person
/// and capability, at most one per pair: the rows to upsert.
pub(in crate::store) fn level_changes<'a>(
    decisions: &[&'a NewDecision],
    ids: &[DecisionId],
) -> StoreResult<Vec<LevelChange<'a>>> {
    let mut levels = Vec::with_capacity(decisions.len());
    for (decision, id) in decisions.iter().zip(ids) {
        match &decision.decision {
            Decision::Level(set) | Decision::Certify(set) => {
                push_level(&mut levels, decision, set, *id)?;
            }
            _ => return Err(needs(decision, "to set a level")),
        }
    }
    sort_in_key_order(&mut levels);
    Ok(levels)
}

/// Whether a decision's only effect is the level it sets: written by its row and one upsert.
pub(in crate::store) fn is_level_only(decision: &NewDecision) -> bool {
    matches!(decision.decision, Decision::Level(_) | Decision::Certify(_))
        && decision.follow_up.is_none()
        && !(decision.occurrence.is_some() && decision.decision.delivers_artefact())
}

/// Adds `set`'s change to `levels`. A later decision about the same person and capability
/// wins; only it is kept, so one statement never touches a row twice.
fn push_level<'a>(
    levels: &mut Vec<LevelChange<'a>>,
    decision: &'a NewDecision,
    set: &'a LevelSet,
    id: DecisionId,
) -> StoreResult<()> {
    let change = LevelChange::of(decision, set, id)?;
    levels.retain(|l| !(l.person == change.person && l.capability == change.capability));
    levels.push(change);
    Ok(())
}

/// Upserts `levels` sorted by person and capability. Every batch then locks the rows it
/// changes in one order, so two replicas' batches on PostgreSQL wait for each other instead of
/// deadlocking.
async fn set_levels_in_key_order(
    tx: &mut Transaction<'_, Any>,
    levels: &mut [LevelChange<'_>],
) -> StoreResult<()> {
    sort_in_key_order(levels);
    set_levels(tx, levels).await
}

/// Sorts level changes by person and capability, the order every batch locks their rows in.
fn sort_in_key_order(levels: &mut [LevelChange<'_>]) {
    levels.sort_unstable_by_key(|l| (l.person, l.capability));
}

fn needs(decision: &NewDecision, what: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "a {} decision needs {what}",
        decision.kind().as_str()
    ))
}

pub(super) fn team(decision: &NewDecision) -> StoreResult<TeamId> {
    decision.team.ok_or_else(|| needs(decision, "a team"))
}

fn subject(decision: &NewDecision) -> StoreResult<PersonId> {
    decision.subject.ok_or_else(|| needs(decision, "a person"))
}

fn capability(decision: &NewDecision) -> StoreResult<CapabilityId> {
    decision
        .capability
        .ok_or_else(|| needs(decision, "a capability"))
}

/// One row of `person_levels`.
pub(in crate::store) struct LevelChange<'a> {
    pub(super) person: i64,
    pub(super) capability: i64,
    pub(super) tenant: i64,
    pub(super) level: &'a str,
    pub(super) evidence: Option<&'a str>,
    pub(super) set_by: i64,
    pub(super) decision: i64,
    pub(super) at: i64,
}

impl<'a> LevelChange<'a> {
    /// The change `set` makes, recorded as decision `id`.
    fn of(decision: &'a NewDecision, set: &'a LevelSet, id: DecisionId) -> StoreResult<Self> {
        Ok(LevelChange {
            person: subject(decision)?.0,
            capability: capability(decision)?.0,
            tenant: decision.tenant.0,
            level: set.level.as_str(),
            evidence: set.evidence.as_deref(),
            set_by: decision.actor.0,
            decision: id.0,
            at: millis(decision.at),
        })
    }
}

/// Upserts levels, [`multi_row::ROWS`] to a statement; at most one change per person and
/// capability in `changes`, so no statement touches a row twice.
pub(super) async fn set_levels(
    tx: &mut Transaction<'_, Any>,
    changes: &[LevelChange<'_>],
) -> StoreResult<()> {
    for chunk in changes.chunks(multi_row::ROWS) {
        let mut params = Params::default();
        for change in chunk {
            push_level_row(&mut params, change);
        }
        sqlx::query_with(
            SET_LEVELS.for_rows(Backend::of(tx), chunk.len()),
            params.finish()?,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds one row of [`SET_LEVELS`]'s parameters.
pub(in crate::store) fn push_level_row<'q>(params: &mut Params<'q>, change: &LevelChange<'q>) {
    params
        .push(change.person)
        .push(change.capability)
        .push(change.tenant)
        .push(change.level)
        .push(change.evidence)
        .push(change.set_by)
        .push(change.decision)
        .push(change.at);
}

/// The upsert of people's levels, a chunk of rows at a time.
pub(in crate::store) static SET_LEVELS: MultiRowSql = MultiRowSql::new(
    "INSERT INTO person_levels (person_id, capability_id, tenant_id, level, evidence, set_by, \
     decision_id, set_at)",
    8,
    "ON CONFLICT (person_id, capability_id) DO UPDATE SET level = excluded.level, \
     evidence = excluded.evidence, set_by = excluded.set_by, \
     decision_id = excluded.decision_id, set_at = excluded.set_at",
);

/// The track's id, creating the track on first mention.
async fn track_id(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    track: &str,
    at: i64,
) -> StoreResult<i64> {
    sqlx::query(
        "INSERT INTO tracks (tenant_id, name, name_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id, name_key) DO NOTHING",
    )
    .bind(tenant)
    .bind(track)
    .bind(name_key(track))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM tracks WHERE tenant_id = $1 AND name_key = $2")
            .bind(tenant)
            .bind(name_key(track))
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// A track request, approval or refusal by command: the person's status for the track.
async fn set_track_status(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    track: &TrackAnswer,
    status: TrackStatus,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let at = millis(decision.at);
    let track_id = track_id(tx, tenant, &track.track, at).await?;
    let decided_by = match status {
        TrackStatus::Requested => None,
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
    .bind(subject(decision)?.0)
    .bind(tenant)
    .bind(team(decision)?.0)
    .bind(status.as_str())
    .bind(track.note.as_deref())
    .bind(decided_by)
    .bind(id.0)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A manager's answer to one track request from its card, applied only if that request is still
/// the person's open request for the track (so two answers, or an old card, cannot both land).
async fn answer_request(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    track: &TrackAnswer,
    status: TrackStatus,
    request: DecisionId,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let answered = sqlx::query(
        "UPDATE track_enrolments SET status = $1, decided_by = $2, decision_id = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND person_id = $6 AND status = 'requested' AND decision_id = $7 \
         AND track_id = (SELECT id FROM tracks WHERE tenant_id = $5 AND name_key = $8)",
    )
    .bind(status.as_str())
    .bind(decision.actor.0)
    .bind(id.0)
    .bind(millis(decision.at))
    .bind(tenant)
    .bind(subject(decision)?.0)
    .bind(request.0)
    .bind(name_key(&track.track))
    .execute(&mut **tx)
    .await?;
    if answered.rows_affected() == 0 {
        // Rolls the decision back with it: nothing is recorded for a stale answer.
        return Err(StoreError::Conflict(
            "that request has already been answered".to_owned(),
        ));
    }
    Ok(())
}

/// Replaces a team's skill order for a role family (an empty list removes it).
pub(super) async fn write_sequence(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    family: &str,
    capabilities: &[CapabilityId],
    id: DecisionId,
) -> StoreResult<()> {
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
        .bind(family)
        .bind(capability.0)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Sets (or, with `None`, removes) a team's local mastery criteria for a capability.
pub(super) async fn write_criteria(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    capability: CapabilityId,
    criteria: Option<&str>,
    id: DecisionId,
    at: i64,
) -> StoreResult<()> {
    let Some(criteria) = criteria else {
        sqlx::query(
            "DELETE FROM team_mastery_criteria WHERE tenant_id = $1 AND team_id = $2 AND capability_id = $3",
        )
        .bind(tenant)
        .bind(team.0)
        .bind(capability.0)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO team_mastery_criteria (team_id, capability_id, tenant_id, criteria, \
         decision_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (team_id, capability_id) DO UPDATE SET criteria = excluded.criteria, \
         decision_id = excluded.decision_id, updated_at = excluded.updated_at",
    )
    .bind(team.0)
    .bind(capability.0)
    .bind(tenant)
    .bind(criteria)
    .bind(id.0)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets (or, with `None`, removes) a team's target for a capability.
pub(super) async fn write_target(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    capability: CapabilityId,
    target: Option<u32>,
    id: DecisionId,
    at: i64,
) -> StoreResult<()> {
    let Some(target) = target else {
        sqlx::query(
            "DELETE FROM team_targets WHERE tenant_id = $1 AND team_id = $2 AND capability_id = $3",
        )
        .bind(tenant)
        .bind(team.0)
        .bind(capability.0)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO team_targets (team_id, capability_id, tenant_id, target, decision_id, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (team_id, capability_id) DO UPDATE SET target = excluded.target, \
         decision_id = excluded.decision_id, updated_at = excluded.updated_at",
    )
    .bind(team.0)
    .bind(capability.0)
    .bind(tenant)
    .bind(i64::from(target))
    .bind(id.0)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
