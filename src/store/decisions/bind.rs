//! A bound audit proposal's effect: the ritual it describes is added (with its triggers) in the
//! transaction that records the decision; an undo pauses that ritual again, because a ritual may
//! already have occurrences and decisions of its own that must stay explained.

use sqlx::{Any, Transaction};

use super::super::{StoreError, StoreResult, millis};
use crate::domain::decision::{BindRitual, NewDecision};

/// Adds the ritual `bind` describes to the decision's team.
pub(super) async fn bind_ritual(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    bind: &BindRitual,
) -> StoreResult<()> {
    let team = decision
        .team
        .ok_or_else(|| StoreError::Corrupt("a bind_ritual decision needs a team".to_owned()))?;
    let tenant = decision.tenant.0;
    let at = millis(decision.at);
    let (ritual,): (i64,) = sqlx::query_as(
        "INSERT INTO rituals (tenant_id, team_id, kind, name, channel_id, prompt_on, artefact, \
         nudge_after_minutes, paused, schedule, prompt_before_minutes, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'end', $6, $7, 0, NULL, $8, $9) RETURNING id",
    )
    .bind(tenant)
    .bind(team.0)
    .bind(bind.kind.as_str())
    .bind(&bind.name)
    .bind(&bind.channel)
    .bind(bind.kind.artefact())
    .bind(bind.nudge_after_minutes)
    .bind(bind.before_minutes)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    for selector in &bind.triggers {
        sqlx::query(
            "INSERT INTO ritual_triggers (tenant_id, ritual_id, source, selector, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ritual_id, selector) DO NOTHING",
        )
        .bind(tenant)
        .bind(ritual)
        .bind(selector.source.as_str())
        .bind(selector.to_string())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    super::super::rituals::fetch_feeds_soon(tx, &bind.triggers, decision.at).await
}

/// Pauses the ritual a reverted binding added (found by team and name).
pub(super) async fn unbind_ritual(
    tx: &mut Transaction<'_, Any>,
    tenant: i64,
    team: Option<i64>,
    bind: &BindRitual,
) -> StoreResult<()> {
    let Some(team) = team else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE rituals SET paused = 1 WHERE tenant_id = $1 AND team_id = $2 AND name = $3",
    )
    .bind(tenant)
    .bind(team)
    .bind(&bind.name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
