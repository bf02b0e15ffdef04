//! The module library of a tenant: reads for anyone, and the writes the decisions that change
//! the library make, inside the transaction that records them.
//!
//! Every change to the library is a decision (`module_add`, `module_update`, `module_approve`,
//! `module_retire`, and `commission`), so the writes here are not on [`Store`]: they take the
//! decision's transaction and are called from `decisions::apply` and `decisions::revert`. A
//! workflow that adds a module (a commission accepted, say) records a decision whose effect
//! calls [`insert_module`] or [`set_module_state`]. Titles are unique within a tenant, matched
//! ignoring case and spacing; a second module with a title already in the library is a
//! [`StoreError::Conflict`].

use chrono::{DateTime, Utc};
use sqlx::{Any, Transaction};

use super::{Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::command::Hours;
use crate::domain::ids::{CapabilityId, DecisionId, ModuleId, TeamId, TenantId};
use crate::domain::library::ModuleState;
use crate::domain::{Level, name_key};

/// A module as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Stored id.
    pub id: ModuleId,
    /// Its title, as first written.
    pub title: String,
    /// The capability it builds (a commission may have none).
    pub capability: Option<CapabilityId>,
    /// That capability's name.
    pub capability_name: Option<String>,
    /// How long it takes.
    pub hours: Option<Hours>,
    /// Where it is: an http(s) address.
    pub link: Option<String>,
    /// The level it brings people to.
    pub level: Option<Level>,
    /// Where it stands in the library.
    pub state: ModuleState,
    /// The team that commissioned it, if one did.
    pub team: Option<TeamId>,
    /// The commission's budget, in whole currency units.
    pub budget: Option<u64>,
    /// The decision that added it, if it was added by one.
    pub added_by: Option<DecisionId>,
    /// When it was retired.
    pub retired_at: Option<DateTime<Utc>>,
}

/// Which modules [`Store::modules`] lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleFilter {
    /// Only those building this capability.
    pub capability: Option<CapabilityId>,
    /// Only those in one of these states; every state when empty.
    pub states: Vec<ModuleState>,
}

impl ModuleFilter {
    /// The modules a track may use: approved ones.
    pub fn usable() -> Self {
        ModuleFilter {
            capability: None,
            states: vec![ModuleState::Approved],
        }
    }
}

/// A module to add, as a decision's effect writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewModule<'a> {
    /// Its title; unique in the tenant, ignoring case and spacing.
    pub title: &'a str,
    /// The capability it builds.
    pub capability: Option<CapabilityId>,
    /// How long it takes.
    pub hours: Option<Hours>,
    /// Where it is.
    pub link: Option<&'a str>,
    /// The level it brings people to.
    pub level: Option<Level>,
    /// The state it starts in: approved when an admin adds it, commissioned or proposed when it
    /// comes from a commission.
    pub state: ModuleState,
    /// The team that commissioned it.
    pub team: Option<TeamId>,
    /// The commission's budget.
    pub budget: Option<u64>,
}

/// What an update sets: every field but the title and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleFieldsRow<'a> {
    /// The capability's name (looked up in the tenant's library).
    pub capability: &'a str,
    /// How long it takes.
    pub hours: Option<Hours>,
    /// Where it is.
    pub link: Option<&'a str>,
    /// The level it brings people to.
    pub level: Option<Level>,
}

type ModuleRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

const MODULE_COLUMNS: &str = "m.id, m.title, m.capability_id, c.name, m.hours_centi, m.link, \
     m.level, m.status, m.team_id, m.budget, m.decision_id, m.retired_at";

const MODULE_JOINS: &str = "FROM modules m LEFT JOIN capabilities c \
     ON c.id = m.capability_id AND c.tenant_id = m.tenant_id";

fn from_row(row: ModuleRow) -> StoreResult<Module> {
    let (
        id,
        title,
        capability,
        capability_name,
        hours,
        link,
        level,
        state,
        team,
        budget,
        added_by,
        retired_at,
    ) = row;
    let state = ModuleState::parse(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("module {id}: unknown state `{state}`")))?;
    let level = match level {
        Some(word) => Some(
            word.parse::<Level>()
                .map_err(|_| StoreError::Corrupt(format!("module {id}: unknown level `{word}`")))?,
        ),
        None => None,
    };
    let hours = match hours {
        Some(centi) => Some(Hours {
            centi: u32::try_from(centi)
                .map_err(|_| StoreError::Corrupt(format!("module {id}: hours {centi}")))?,
        }),
        None => None,
    };
    Ok(Module {
        id: ModuleId(id),
        title,
        capability: capability.map(CapabilityId),
        capability_name,
        hours,
        link,
        level,
        state,
        team: team.map(TeamId),
        budget: budget.and_then(|b| u64::try_from(b).ok()),
        added_by: added_by.map(DecisionId),
        retired_at: retired_at.map(from_millis).transpose()?,
    })
}

impl Store {
    /// The module with this title, ignoring case and spacing.
    pub async fn module_by_title(
        &self,
        tenant: TenantId,
        title: &str,
    ) -> StoreResult<Option<Module>> {
        let row: Option<ModuleRow> = sqlx::query_as(&format!(
            "SELECT {MODULE_COLUMNS} {MODULE_JOINS} WHERE m.tenant_id = $1 AND m.name_key = $2"
        ))
        .bind(tenant.0)
        .bind(name_key(title))
        .fetch_optional(&self.read)
        .await?;
        row.map(from_row).transpose()
    }

    /// The module with this id, within the tenant.
    pub async fn module(&self, tenant: TenantId, id: ModuleId) -> StoreResult<Option<Module>> {
        let row: Option<ModuleRow> = sqlx::query_as(&format!(
            "SELECT {MODULE_COLUMNS} {MODULE_JOINS} WHERE m.tenant_id = $1 AND m.id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(from_row).transpose()
    }

    /// The tenant's modules that `filter` lets through, by capability name, then title.
    pub async fn modules(
        &self,
        tenant: TenantId,
        filter: &ModuleFilter,
    ) -> StoreResult<Vec<Module>> {
        let rows: Vec<ModuleRow> = sqlx::query_as(&format!(
            "SELECT {MODULE_COLUMNS} {MODULE_JOINS} \
             WHERE m.tenant_id = $1 AND ($2 = 0 OR m.capability_id = $2) \
             ORDER BY c.name_key, m.name_key"
        ))
        .bind(tenant.0)
        .bind(filter.capability.map_or(0, |c| c.0))
        .fetch_all(&self.read)
        .await?;
        let mut modules = Vec::with_capacity(rows.len());
        for row in rows {
            let module = from_row(row)?;
            if filter.states.is_empty() || filter.states.contains(&module.state) {
                modules.push(module);
            }
        }
        Ok(modules)
    }

    /// Every module's title in the tenant, whatever its state: for look-alike checks and
    /// suggestions.
    pub async fn module_titles(&self, tenant: TenantId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT title FROM modules WHERE tenant_id = $1 ORDER BY name_key")
                .bind(tenant.0)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }
}

/// Adds a module inside `tx`, as decision `decision`'s effect; a title already in the library
/// is a [`StoreError::Conflict`] that rolls the decision back with it.
pub(in crate::store) async fn insert_module(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    module: &NewModule<'_>,
    decision: DecisionId,
    at: DateTime<Utc>,
) -> StoreResult<ModuleId> {
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO modules (tenant_id, team_id, title, name_key, capability_id, hours_centi, \
         budget, link, level, status, decision_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(tenant.0)
    .bind(module.team.map(|t| t.0))
    .bind(module.title)
    .bind(name_key(module.title))
    .bind(module.capability.map(|c| c.0))
    .bind(module.hours.map(|h| i64::from(h.centi)))
    .bind(module.budget.map(|b| i64::try_from(b).unwrap_or(i64::MAX)))
    .bind(module.link)
    .bind(module.level.map(Level::as_str))
    .bind(module.state.as_str())
    .bind(decision.0)
    .bind(millis(at))
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok((id,)) => Ok(ModuleId(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
            format!("the library already has a module called {}", module.title),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Moves the module titled `title` from state `from` to `to` inside `tx` (a retired one gets its
/// retirement time, one brought back loses it); a module no longer in `from` is a
/// [`StoreError::Conflict`], so two admins answering at once cannot both land.
pub(in crate::store) async fn set_module_state(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    title: &str,
    from: ModuleState,
    to: ModuleState,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let retired_at = (to == ModuleState::Retired).then(|| millis(at));
    let moved = sqlx::query(
        "UPDATE modules SET status = $1, retired_at = $2 \
         WHERE tenant_id = $3 AND name_key = $4 AND status = $5",
    )
    .bind(to.as_str())
    .bind(retired_at)
    .bind(tenant.0)
    .bind(name_key(title))
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    if moved.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "the module {title} is no longer {from}"
        )));
    }
    Ok(())
}

/// Sets the fields of the module titled `title` inside `tx`; its capability is looked up by
/// name in the tenant's library.
pub(in crate::store) async fn set_module_fields(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    title: &str,
    fields: &ModuleFieldsRow<'_>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE modules SET capability_id = (SELECT c.id FROM capabilities c \
             WHERE c.tenant_id = $1 AND c.name_key = $2), \
         hours_centi = $3, link = $4, level = $5 \
         WHERE tenant_id = $1 AND name_key = $6",
    )
    .bind(tenant.0)
    .bind(name_key(fields.capability))
    .bind(fields.hours.map(|h| i64::from(h.centi)))
    .bind(fields.link)
    .bind(fields.level.map(Level::as_str))
    .bind(name_key(title))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
