//! The module library's decisions: a module added, changed, approved or retired — and a
//! commission, which puts a module in the library as `commissioned` — each applied in the
//! transaction that records it, and each put back by an undo.
//!
//! A module is found by its title (unique in the tenant, never renamed), which every library
//! decision keeps in its payload; the row a `module_add` or `commission` wrote is also found by
//! the decision's id, which the row keeps.

use sqlx::{Any, Transaction};

use super::super::StoreResult;
use super::super::modules::{
    ModuleFieldsRow, NewModule, insert_module, set_module_fields, set_module_state,
};
use crate::domain::decision::{
    Commission, ModuleAdd, ModuleFields, ModuleStateChange, ModuleUpdate, NewDecision,
};
use crate::domain::ids::DecisionId;
use crate::domain::library::ModuleState;

/// A module added: with the capability the decision names, in the state the decision gives.
pub(super) async fn add_module(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    add: &ModuleAdd,
) -> StoreResult<()> {
    let module = NewModule {
        title: &add.title,
        capability: decision.capability,
        hours: add.fields.hours,
        link: add.fields.link.as_deref(),
        level: add.fields.level,
        state: add.state,
        team: decision.team,
        budget: None,
    };
    insert_module(tx, decision.tenant, &module, id, decision.at).await?;
    Ok(())
}

/// A commissioned module in the library, for the team that asked, with its budget: as
/// `commissioned`, waiting for L&D, or `proposed` when L&D approved it over budget already.
pub(super) async fn commission_module(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
    commission: &Commission,
    state: ModuleState,
) -> StoreResult<()> {
    let module = NewModule {
        title: &commission.title,
        capability: decision.capability,
        hours: None,
        link: None,
        level: None,
        state,
        team: decision.team,
        budget: commission.budget,
    };
    insert_module(tx, decision.tenant, &module, id, decision.at).await?;
    Ok(())
}

/// A module approved or retired: from the state it was in, which it must still be in.
pub(super) async fn change_state(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    change: &ModuleStateChange,
) -> StoreResult<()> {
    set_module_state(
        tx,
        decision.tenant,
        &change.title,
        change.from,
        change.to,
        decision.at,
    )
    .await
}

/// A module's fields, changed.
pub(super) async fn update_module(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    update: &ModuleUpdate,
) -> StoreResult<()> {
    set_module_fields(tx, decision.tenant, &update.title, &row(&update.after)).await
}

/// An approval or retirement undone: the module goes back to the state it was in, if it is
/// still where the decision left it.
pub(super) async fn unchange_state(
    tx: &mut Transaction<'_, Any>,
    undo: &NewDecision,
    change: &ModuleStateChange,
) -> StoreResult<()> {
    set_module_state(
        tx,
        undo.tenant,
        &change.title,
        change.to,
        change.from,
        undo.at,
    )
    .await
}

/// A change to a module's fields undone: they are what they were before it.
pub(super) async fn unupdate_module(
    tx: &mut Transaction<'_, Any>,
    undo: &NewDecision,
    update: &ModuleUpdate,
) -> StoreResult<()> {
    set_module_fields(tx, undo.tenant, &update.title, &row(&update.before)).await
}

fn row(fields: &ModuleFields) -> ModuleFieldsRow<'_> {
    ModuleFieldsRow {
        capability: &fields.capability,
        hours: fields.hours,
        link: fields.link.as_deref(),
        level: fields.level,
    }
}
