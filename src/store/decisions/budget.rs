//! Budgets' effects, written in the transaction that records the decision: a team's budget set,
//! what an allocation draws, and over-budget requests opened and answered; and what an undo of
//! each puts back.
//!
//! The guarantee: an allocation that would take a team over its budget for the quarter is never
//! recorded unless L&D approved it. The check is made here, inside the writing transaction, and
//! counts every draw that transaction can see: on SQLite that includes the allocations written
//! before it in the same group-commit batch (one connection writes, so nothing else can slip in
//! between); on PostgreSQL the budget row is locked first (`UPDATE … RETURNING`, the one
//! statement both databases share for it), so concurrent allocations against one budget queue
//! behind each other and each sums the draws committed before it. A refused allocation fails its
//! transaction with [`StoreError::OverBudget`], a refusal: the group commit then writes the rest
//! of its batch one by one, each checked again.

use sqlx::{Any, Transaction};

use super::super::{StoreError, StoreResult, millis};
use super::apply::{allocate_hours, team};
use super::library::commission_module;
use crate::domain::budget::{Drawn, Shortfall, draw_of};
use crate::domain::decision::{Allocation, BudgetAnswer, BudgetSet, Decision, NewDecision};
use crate::domain::ids::{DecisionId, TeamId};
use crate::domain::library::ModuleState;
use crate::domain::outcomes::Quarter;

/// The quarter an allocation made at `decision.at` draws from: UTC days, as the reports read.
pub(super) fn quarter_of(decision: &NewDecision) -> Quarter {
    Quarter::containing(decision.at.date_naive())
}

fn drawn_name(drawn: Drawn) -> &'static str {
    match drawn {
        Drawn::Hours => "hours",
        Drawn::Spend => "spend",
    }
}

/// A team's budget for a quarter: what the decision gives replaces, the rest stays.
pub(super) async fn set_budget(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    set: &BudgetSet,
) -> StoreResult<()> {
    let hours = set.hours.map(|h| i64::from(h.centi));
    let spend = set.spend.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
    write_budget(
        tx,
        decision.tenant.0,
        team(decision)?,
        set.quarter,
        (hours, spend),
        id,
        millis(decision.at),
    )
    .await
}

/// Upserts a budget row; `None` keeps the stored figure.
async fn write_budget(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    quarter: Quarter,
    (hours, spend): (Option<i64>, Option<i64>),
    id: DecisionId,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO team_budgets (team_id, quarter, tenant_id, hours_centi, spend, decision_id, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (team_id, quarter) DO UPDATE SET \
         hours_centi = COALESCE(excluded.hours_centi, team_budgets.hours_centi), \
         spend = COALESCE(excluded.spend, team_budgets.spend), \
         decision_id = excluded.decision_id, updated_at = excluded.updated_at",
    )
    .bind(team.0)
    .bind(quarter.to_string())
    .bind(tenant)
    .bind(hours)
    .bind(spend)
    .bind(id.0)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records what an allocation draws from its team's budget for `quarter`; with `check`, refuses
/// it with the shortfall when it does not fit.
pub(super) async fn draw(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    (drawn, amount): (Drawn, u64),
    quarter: Quarter,
    check: bool,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let team = team(decision)?;
    let amount = i64::try_from(amount).unwrap_or(i64::MAX);
    if check {
        // Locks the budget row on PostgreSQL until this transaction ends; a no-op elsewhere.
        let budget: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
            "UPDATE team_budgets SET updated_at = updated_at \
             WHERE tenant_id = $1 AND team_id = $2 AND quarter = $3 \
             RETURNING hours_centi, spend",
        )
        .bind(tenant)
        .bind(team.0)
        .bind(quarter.to_string())
        .fetch_optional(&mut **tx)
        .await?;
        let limit = budget.and_then(|(hours, spend)| match drawn {
            Drawn::Hours => hours,
            Drawn::Spend => spend,
        });
        if let Some(limit) = limit {
            let (used,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM budget_draws \
                 WHERE tenant_id = $1 AND team_id = $2 AND quarter = $3 AND drawn = $4",
            )
            .bind(tenant)
            .bind(team.0)
            .bind(quarter.to_string())
            .bind(drawn_name(drawn))
            .fetch_one(&mut **tx)
            .await?;
            if used.saturating_add(amount) > limit {
                let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
                return Err(StoreError::OverBudget(Shortfall {
                    quarter,
                    drawn,
                    budget: unsigned(limit),
                    used: unsigned(used),
                    asked: unsigned(amount),
                }));
            }
        }
    }
    insert_draw(
        tx,
        (tenant, team, quarter),
        (drawn, amount),
        id,
        millis(decision.at),
    )
    .await
}

/// A draw of `amount` from the team's `drawn` budget for the quarter, by decision `id`.
pub(super) async fn insert_draw(
    tx: &mut Transaction<'_, Any>,
    (tenant, team, quarter): (i64, TeamId, Quarter),
    (drawn, amount): (Drawn, i64),
    id: DecisionId,
    at: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO budget_draws (tenant_id, team_id, quarter, drawn, amount, decision_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(team.0)
    .bind(quarter.to_string())
    .bind(drawn_name(drawn))
    .bind(amount)
    .bind(id.0)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An over-budget request, waiting for L&D.
pub(super) async fn open_request(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO budget_requests (decision_id, tenant_id, team_id, status, updated_at) \
         VALUES ($1, $2, $3, 'requested', $4)",
    )
    .bind(id.0)
    .bind(decision.tenant.0)
    .bind(team(decision)?.0)
    .bind(millis(decision.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// L&D's answer, applied only if the request is still open (so two answers, or an answer to a
/// withdrawn request, cannot both land). An approval records the allocation, over budget.
pub(super) async fn answer_request(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    answer: &BudgetAnswer,
) -> StoreResult<()> {
    let approved = matches!(decision.decision, Decision::ApproveBudget(_));
    let answered = sqlx::query(
        "UPDATE budget_requests SET status = $1, answer_decision_id = $2, updated_at = $3 \
         WHERE tenant_id = $4 AND decision_id = $5 AND status = 'requested'",
    )
    .bind(if approved { "approved" } else { "declined" })
    .bind(id.0)
    .bind(millis(decision.at))
    .bind(decision.tenant.0)
    .bind(answer.request.0)
    .execute(&mut **tx)
    .await?;
    if answered.rows_affected() == 0 {
        // Rolls the decision back with it: nothing is recorded for a stale answer.
        return Err(StoreError::Conflict(
            "that request has already been answered".to_owned(),
        ));
    }
    if !approved {
        return Ok(());
    }
    match &answer.allocation {
        Allocation::Hours(hours) => allocate_hours(tx, decision, id, hours).await?,
        Allocation::Commission(commission) => {
            // L&D answered the commission with the request: it is accepted with it.
            commission_module(tx, decision, id, commission, ModuleState::Proposed).await?;
        }
    }
    if let Some(drawn) = draw_of(&answer.allocation) {
        draw(tx, decision, id, drawn, answer.quarter, false).await?;
    }
    Ok(())
}

/// What an undone allocation drew, given back.
pub(super) async fn take_back_draw(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM budget_draws WHERE tenant_id = $1 AND decision_id = $2")
        .bind(tenant)
        .bind(gone)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An over-budget request withdrawn, unless L&D has answered it since.
pub(super) async fn withdraw_request(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM budget_requests WHERE tenant_id = $1 AND decision_id = $2 \
         AND status = 'requested'",
    )
    .bind(tenant)
    .bind(gone)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// L&D's answer taken back: the request waits again, and an approval's allocation is removed.
pub(super) async fn reopen_request(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    gone: i64,
    answer: &BudgetAnswer,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE budget_requests SET status = 'requested', answer_decision_id = NULL \
         WHERE tenant_id = $1 AND decision_id = $2 AND answer_decision_id = $3",
    )
    .bind(tenant)
    .bind(answer.request.0)
    .bind(gone)
    .execute(&mut **tx)
    .await?;
    let allocated = match answer.allocation {
        Allocation::Hours(_) => "DELETE FROM learning_hours",
        Allocation::Commission(_) => "DELETE FROM modules",
    };
    for statement in [allocated, "DELETE FROM budget_draws"] {
        sqlx::query(&format!(
            "{statement} WHERE tenant_id = $1 AND decision_id = $2"
        ))
        .bind(tenant)
        .bind(gone)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A team's budget for a quarter as the standing `budget` decisions about it leave it, oldest
/// first, each keeping what it did not give; none left removes the row.
pub(super) async fn restore_budget(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: TeamId,
    quarter: Quarter,
    gone: i64,
) -> StoreResult<()> {
    // The quarter lives in the payload: read the team's standing budget decisions and keep
    // those for this quarter.
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT d.payload, d.id, d.created_at FROM decisions d WHERE d.tenant_id = $1 \
           AND d.team_id = $2 AND d.kind = 'budget' AND d.id <> $3 \
           AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
                           AND u.reverts_decision_id = d.id) \
         ORDER BY d.created_at, d.id",
    )
    .bind(tenant)
    .bind(team.0)
    .bind(gone)
    .fetch_all(&mut **tx)
    .await?;
    let mut standing: Option<(Option<i64>, Option<i64>, i64, i64)> = None;
    for (payload, id, at) in rows {
        let set: BudgetSet = serde_json::from_str(&payload)
            .map_err(|e| StoreError::Corrupt(format!("decision {id} payload: {e}")))?;
        if set.quarter != quarter {
            continue;
        }
        let (hours, spend, _, _) = standing.unwrap_or((None, None, id, at));
        standing = Some((
            set.hours.map(|h| i64::from(h.centi)).or(hours),
            set.spend
                .map(|s| i64::try_from(s).unwrap_or(i64::MAX))
                .or(spend),
            id,
            at,
        ));
    }
    sqlx::query("DELETE FROM team_budgets WHERE tenant_id = $1 AND team_id = $2 AND quarter = $3")
        .bind(tenant)
        .bind(team.0)
        .bind(quarter.to_string())
        .execute(&mut **tx)
        .await?;
    if let Some((hours, spend, id, at)) = standing {
        write_budget(
            tx,
            tenant,
            team,
            quarter,
            (hours, spend),
            DecisionId(id),
            at,
        )
        .await?;
    }
    Ok(())
}
