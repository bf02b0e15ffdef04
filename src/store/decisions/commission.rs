//! L&D's answers to a commission, applied in the transaction that records them, and put back by
//! an undo.
//!
//! The commission's module row (written by the `commission` decision, which it keeps the id of)
//! is the commission's state: `commissioned` while it waits. An acceptance moves it to
//! `proposed`; asking for changes or declining removes it, with what it drew from the team's
//! spend budget, so its title and money are free again. Each answer applies only to a commission
//! still waiting, so two answers (or an answer to a withdrawn commission) cannot both land.

use sqlx::{Any, Transaction};

use super::super::modules::{NewModule, insert_module};
use super::super::{StoreError, StoreResult, from_millis};
use super::budget::{insert_draw, take_back_draw};
use crate::domain::budget::Drawn;
use crate::domain::decision::{Commission, CommissionAnswer, Decision, NewDecision};
use crate::domain::ids::{CapabilityId, DecisionId, TeamId};
use crate::domain::library::ModuleState;
use crate::domain::outcomes::Quarter;

const ANSWERED: &str = "that commission has already been answered";

/// An answer to a waiting commission.
pub(super) async fn answer(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    answer: &CommissionAnswer,
) -> StoreResult<()> {
    let tenant = decision.tenant.0;
    let commission = answer.commission.0;
    let changed = if matches!(decision.decision, Decision::AcceptCommission(_)) {
        sqlx::query(
            "UPDATE modules SET status = $1 WHERE tenant_id = $2 AND decision_id = $3 \
             AND status = $4",
        )
        .bind(ModuleState::Proposed.as_str())
        .bind(tenant)
        .bind(commission)
        .bind(ModuleState::Commissioned.as_str())
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query("DELETE FROM modules WHERE tenant_id = $1 AND decision_id = $2 AND status = $3")
            .bind(tenant)
            .bind(commission)
            .bind(ModuleState::Commissioned.as_str())
            .execute(&mut **tx)
            .await?
    };
    if changed.rows_affected() == 0 {
        // Rolls the decision back with it: nothing is recorded for a stale answer.
        return Err(StoreError::Conflict(ANSWERED.to_owned()));
    }
    if !matches!(decision.decision, Decision::AcceptCommission(_)) {
        take_back_draw(tx, tenant, commission).await?;
    }
    Ok(())
}

/// An answer undone: the commission waits again. An acceptance's module goes back to
/// `commissioned` if it is still only proposed; a closed commission's module and budget draw are
/// written again as the commission wrote them.
pub(super) async fn unanswer(
    tx: &mut Transaction<'_, Any>,
    undo: &NewDecision,
    reverted: &Decision,
    answer: &CommissionAnswer,
) -> StoreResult<()> {
    let tenant = undo.tenant.0;
    if matches!(reverted, Decision::AcceptCommission(_)) {
        let moved = sqlx::query(
            "UPDATE modules SET status = $1 WHERE tenant_id = $2 AND decision_id = $3 \
             AND status = $4",
        )
        .bind(ModuleState::Commissioned.as_str())
        .bind(tenant)
        .bind(answer.commission.0)
        .bind(ModuleState::Proposed.as_str())
        .execute(&mut **tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the module {} has moved on since it was accepted",
                answer.title
            )));
        }
        return Ok(());
    }
    let asked = commission_asked(tx, tenant, answer.commission).await?;
    let module = NewModule {
        title: &asked.commission.title,
        capability: asked.capability,
        hours: None,
        link: None,
        level: None,
        state: ModuleState::Commissioned,
        team: asked.team,
        budget: asked.commission.budget,
    };
    let at = from_millis(asked.at)?;
    insert_module(tx, undo.tenant, &module, answer.commission, at).await?;
    if let (Some(budget), Some(team)) = (asked.commission.budget, asked.team) {
        let quarter = Quarter::containing(at.date_naive());
        let amount = i64::try_from(budget).unwrap_or(i64::MAX);
        let drawn = (Drawn::Spend, amount);
        insert_draw(
            tx,
            (tenant, team, quarter),
            drawn,
            answer.commission,
            asked.at,
        )
        .await?;
    }
    Ok(())
}

/// A commission as its decision recorded it.
struct Asked {
    commission: Commission,
    team: Option<TeamId>,
    capability: Option<CapabilityId>,
    at: i64,
}

async fn commission_asked(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    id: DecisionId,
) -> StoreResult<Asked> {
    let row: Option<(String, Option<i64>, Option<i64>, i64)> = sqlx::query_as(
        "SELECT payload, team_id, capability_id, created_at FROM decisions \
         WHERE tenant_id = $1 AND id = $2 AND kind = 'commission'",
    )
    .bind(tenant)
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((payload, team, capability, at)) = row else {
        return Err(StoreError::Conflict(
            "the commission is no longer recorded".to_owned(),
        ));
    };
    let commission: Commission = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Corrupt(format!("commission {}: {e}", id.0)))?;
    Ok(Asked {
        commission,
        team: team.map(TeamId),
        capability: capability.map(CapabilityId),
        at,
    })
}
