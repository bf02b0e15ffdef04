//! Writing described modules: checked against the library first (capabilities it must have,
//! titles that only look like ones it has), then each new or changed module as its decision, all
//! in one transaction.

use chrono::{DateTime, Utc};

use super::{Catalogue, Described, Problem};
use crate::domain::DecisionSource;
use crate::domain::decision::{Decision, ModuleAdd, ModuleFields, ModuleUpdate, NewDecision};
use crate::domain::ids::{PersonId, TenantId};
use crate::domain::library::ModuleState;
use crate::domain::similar::closest;
use crate::domain::{name_key, names};
use crate::store::{Module, Store, StoreError};

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Modules new to the library.
    pub added: usize,
    /// Modules whose capability, hours, link or level changed.
    pub updated: usize,
    /// Modules already as described.
    pub unchanged: usize,
}

impl Written {
    /// Decisions recorded: one per module added or changed.
    pub fn decisions(&self) -> usize {
        self.added + self.updated
    }
}

/// Whom the decisions are recorded as: a person by user id, made on first use (when there is
/// something to record, so that a refused import writes nothing at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    /// The user id, like [`super::IMPORT_ACTOR`].
    pub user_id: &'a str,
    /// The display name.
    pub name: &'a str,
}

/// Why a write wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// What the modules say cannot be written: every problem, in the order of the file.
    #[error("{} problem(s) found; nothing was written", .0.len())]
    Invalid(Vec<Problem>),
    /// The database failed; the transaction was rolled back, so nothing of it stays.
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

/// Titles that only look like a title the library has (a Cyrillic "Е" for a Latin "E"): one
/// problem each. What a write checks before anything else; `cadence apply` checks it with the
/// rest of the file, before it writes anything.
pub async fn check_titles(
    store: &Store,
    tenant: TenantId,
    modules: &[Described],
) -> Result<Vec<Problem>, StoreError> {
    let stored = store.module_titles(tenant).await?;
    let mut problems = Vec::new();
    let mut earlier: Vec<String> = stored;
    for module in modules {
        if let Some(same) =
            names::confusable_with(&module.title, earlier.iter().map(String::as_str))
        {
            problems.push(problem(
                module,
                format!(
                    "the title looks the same as the module {same:?} without being it; use that title or one that reads differently"
                ),
            ));
        }
        earlier.push(module.title.clone());
    }
    Ok(problems)
}

/// Imports a catalogue as decisions by `actor` (source `api`): the problems found reading it and
/// those only the library can tell, all at once, and then nothing; otherwise every added or
/// changed module in one transaction.
pub async fn import(
    store: &Store,
    tenant: TenantId,
    actor: Actor<'_>,
    catalogue: &Catalogue,
    at: DateTime<Utc>,
) -> Result<Written, WriteError> {
    write_all(
        store,
        tenant,
        actor,
        &catalogue.modules,
        catalogue.problems.clone(),
        at,
    )
    .await
}

/// Writes `modules` as decisions by `actor` (source `api`): every problem first, and then
/// nothing; otherwise every added or changed module in one transaction.
pub async fn write(
    store: &Store,
    tenant: TenantId,
    actor: Actor<'_>,
    modules: &[Described],
    at: DateTime<Utc>,
) -> Result<Written, WriteError> {
    write_all(store, tenant, actor, modules, Vec::new(), at).await
}

async fn write_all(
    store: &Store,
    tenant: TenantId,
    actor: Actor<'_>,
    modules: &[Described],
    mut problems: Vec<Problem>,
    at: DateTime<Utc>,
) -> Result<Written, WriteError> {
    problems.extend(check_titles(store, tenant, modules).await?);
    let capability_names = store.capability_names(tenant).await?;
    let mut written = Written::default();
    let mut decisions = Vec::new();
    for module in modules {
        let Some(capability) = store.capability_by_name(tenant, &module.capability).await? else {
            let mut message = format!(
                "the library has no capability {:?}; add it first (`capability add` or [[capabilities]] in cadence.toml)",
                module.capability
            );
            if let Some(near) = closest(&module.capability, &capability_names) {
                message.push_str(&format!(" — or did you mean {near:?}?"));
            }
            problems.push(problem(module, message));
            continue;
        };
        let stored = store.module_by_title(tenant, &module.title).await?;
        // A value the file leaves out keeps the stored one, as a capability's description does.
        let kept = stored.as_ref().map(fields_of);
        let after = ModuleFields::new(
            &capability.name,
            module.hours.or(kept.as_ref().and_then(|k| k.hours)),
            module
                .link
                .as_deref()
                .or(kept.as_ref().and_then(|k| k.link.as_deref())),
            module.level.or(kept.as_ref().and_then(|k| k.level)),
        );
        let after = match after {
            Ok(fields) => fields,
            Err(invalid) => {
                problems.push(problem(module, invalid.0));
                continue;
            }
        };
        let decision = match (stored, kept) {
            (Some(stored), Some(before)) => {
                if same(&before, &after) {
                    written.unchanged += 1;
                    continue;
                }
                written.updated += 1;
                Ok(Decision::ModuleUpdate(ModuleUpdate {
                    title: stored.title,
                    before,
                    after,
                }))
            }
            _ => {
                written.added += 1;
                ModuleAdd::new(&module.title, after, ModuleState::Approved).map(Decision::ModuleAdd)
            }
        };
        match decision {
            Ok(decision) => decisions.push(NewDecision {
                tenant,
                team: None,
                // Set once the person is known, just before recording.
                actor: PersonId(0),
                subject: None,
                capability: Some(capability.id),
                occurrence: None,
                channel: None,
                source: DecisionSource::Api,
                decision,
                follow_up: None,
                idempotency_key: None,
                at,
                roster: None,
            }),
            Err(invalid) => problems.push(problem(module, invalid.0)),
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(WriteError::Invalid(problems));
    }
    if !decisions.is_empty() {
        let person = store
            .person(tenant, actor.user_id, Some(actor.name), at)
            .await?;
        for decision in &mut decisions {
            decision.actor = person.id;
        }
        store.record_all(&decisions).await?;
    }
    Ok(written)
}

/// What a stored module is, as a decision keeps it.
fn fields_of(module: &Module) -> ModuleFields {
    ModuleFields {
        capability: module.capability_name.clone().unwrap_or_default(),
        hours: module.hours,
        link: module.link.clone(),
        level: module.level,
    }
}

/// Whether two descriptions of a module say the same (a capability matched by name key).
fn same(a: &ModuleFields, b: &ModuleFields) -> bool {
    name_key(&a.capability) == name_key(&b.capability)
        && a.hours == b.hours
        && a.link == b.link
        && a.level == b.level
}

fn problem(module: &Described, message: String) -> Problem {
    Problem {
        line: module.line,
        what: format!("module {:?}", module.title),
        message,
    }
}
