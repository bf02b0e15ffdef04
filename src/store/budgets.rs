//! Reading budgets: a team's budgets for a quarter with what has been drawn from them, every
//! team's at once for the organisation's views, and where an over-budget request stands. The
//! writes are decisions' effects (`decisions/budget.rs`).

use std::collections::HashMap;

use super::{Store, StoreError, StoreResult};
use crate::domain::budget::BudgetUse;
use crate::domain::ids::{DecisionId, TeamId, TenantId};
use crate::domain::outcomes::Quarter;

/// Where an over-budget request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for L&D.
    Requested,
    /// Approved: the allocation is recorded.
    Approved,
    /// Declined.
    Declined,
}

/// A row of a team's budget (`drawn` is null; hours and spend) or of what was drawn from it
/// (what was drawn; the sum in the hours column): team, drawn, hours or sum, spend.
type BudgetOrDraw = (i64, Option<String>, Option<i64>, Option<i64>);

impl Store {
    /// `team`'s budgets for `quarter` and what was drawn from them; unset budgets are `None`.
    pub async fn budget_use(
        &self,
        tenant: TenantId,
        team: TeamId,
        quarter: Quarter,
    ) -> StoreResult<BudgetUse> {
        Ok(self
            .budget_uses_where(tenant, quarter, Some(team))
            .await?
            .remove(&team)
            .unwrap_or_else(|| BudgetUse::none(quarter)))
    }

    /// Every team's budgets for `quarter` that has a budget or has drawn anything.
    pub async fn budget_uses(
        &self,
        tenant: TenantId,
        quarter: Quarter,
    ) -> StoreResult<HashMap<TeamId, BudgetUse>> {
        self.budget_uses_where(tenant, quarter, None).await
    }

    async fn budget_uses_where(
        &self,
        tenant: TenantId,
        quarter: Quarter,
        team: Option<TeamId>,
    ) -> StoreResult<HashMap<TeamId, BudgetUse>> {
        let q = quarter.to_string();
        let only = team.map(|t| t.0);
        // Budgets and what was drawn, in one statement (the weekly digest reads this for every
        // team): a budget row has no `drawn` and carries its hours and spend; a draw row names
        // what was drawn and carries the sum in the hours column.
        let rows: Vec<BudgetOrDraw> = sqlx::query_as(
            "SELECT team_id, CAST(NULL AS TEXT), hours_centi, spend FROM team_budgets \
             WHERE tenant_id = $1 AND quarter = $2 AND ($3 IS NULL OR team_id = $3) \
             UNION ALL \
             SELECT team_id, drawn, CAST(SUM(amount) AS BIGINT), CAST(NULL AS BIGINT) \
             FROM budget_draws \
             WHERE tenant_id = $1 AND quarter = $2 AND ($3 IS NULL OR team_id = $3) \
             GROUP BY team_id, drawn",
        )
        .bind(tenant.0)
        .bind(&q)
        .bind(only)
        .fetch_all(&self.read)
        .await?;
        let mut uses: HashMap<TeamId, BudgetUse> = HashMap::new();
        for (team, drawn, amount, spend) in rows {
            let entry = uses
                .entry(TeamId(team))
                .or_insert_with(|| BudgetUse::none(quarter));
            match drawn {
                None => {
                    entry.hours_centi = amount.map(unsigned);
                    entry.spend = spend.map(unsigned);
                }
                Some(kind) => add_drawn(entry, &kind, amount.unwrap_or(0)),
            }
        }
        Ok(uses)
    }

    /// Every team's budgets and draws, per quarter, for the organisation's reports.
    pub async fn all_budget_uses(&self, tenant: TenantId) -> StoreResult<Vec<(TeamId, BudgetUse)>> {
        let budgets: Vec<(i64, String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT team_id, quarter, hours_centi, spend FROM team_budgets WHERE tenant_id = $1",
        )
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        let drawn: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT team_id, quarter, drawn, CAST(SUM(amount) AS BIGINT) FROM budget_draws \
             WHERE tenant_id = $1 GROUP BY team_id, quarter, drawn",
        )
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        let quarter_of = |text: &str| {
            text.parse::<Quarter>()
                .map_err(|e| StoreError::Corrupt(format!("budget quarter: {e}")))
        };
        let mut uses: HashMap<(TeamId, Quarter), BudgetUse> = HashMap::new();
        for (team, quarter, hours, spend) in budgets {
            let quarter = quarter_of(&quarter)?;
            let entry = uses
                .entry((TeamId(team), quarter))
                .or_insert_with(|| BudgetUse::none(quarter));
            entry.hours_centi = hours.map(unsigned);
            entry.spend = spend.map(unsigned);
        }
        for (team, quarter, kind, amount) in drawn {
            let quarter = quarter_of(&quarter)?;
            let entry = uses
                .entry((TeamId(team), quarter))
                .or_insert_with(|| BudgetUse::none(quarter));
            add_drawn(entry, &kind, amount);
        }
        Ok(uses
            .into_iter()
            .map(|((team, _), used)| (team, used))
            .collect())
    }

    /// Where the over-budget request `request` stands; `None` if there is no such request (or
    /// it was withdrawn).
    pub async fn budget_request_status(
        &self,
        tenant: TenantId,
        request: DecisionId,
    ) -> StoreResult<Option<RequestStatus>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT status FROM budget_requests WHERE tenant_id = $1 AND decision_id = $2",
        )
        .bind(tenant.0)
        .bind(request.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.and_then(|(status,)| match status.as_str() {
            "requested" => Some(RequestStatus::Requested),
            "approved" => Some(RequestStatus::Approved),
            "declined" => Some(RequestStatus::Declined),
            _ => None,
        }))
    }
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Adds a sum of draws of one kind (`hours` or `spend`) to what was used.
fn add_drawn(used: &mut BudgetUse, kind: &str, amount: i64) {
    match kind {
        "hours" => used.hours_used_centi += unsigned(amount),
        _ => used.spend_used += unsigned(amount),
    }
}
