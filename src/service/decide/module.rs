//! `module add "title" for "capability" [hours N] [link URL] [level …]`, `module approve
//! "title"` and `module retire "title"`: the workspace's module library, owned by its admins
//! (L&D). Each change is a decision of the workspace, not of a team, so the author can undo it
//! from any channel. `module list` is the library's view, and anyone in the workspace may ask.

use super::{Draft, record_for_workspace, refused};
use crate::domain::Level;
use crate::domain::command::Hours;
use crate::domain::decision::payload::format_hours;
use crate::domain::decision::{Decision, ModuleAdd, ModuleFields, ModuleStateChange};
use crate::domain::library::{ModuleState, link_label};
use crate::domain::similar::closest;
use crate::domain::text::Text;
use crate::service::scope::{Scope, Stop};
use crate::service::setup::{admins_only, new_name};
use crate::service::{Outcome, Reply};
use crate::store::{Module, ModuleFilter};

/// How many modules one `module list` reply shows; a larger library is narrowed by capability.
const LIST_MAX: usize = 50;

/// An admin adds a module; it is approved at once.
pub(in crate::service) async fn module_add(
    scope: &Scope<'_>,
    title: &str,
    capability: &str,
    hours: Option<Hours>,
    link: Option<&str>,
    level: Option<Level>,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        return Err(admins_only("add modules to the library").into());
    }
    let cap = scope.capability(capability).await?;
    let store = scope.store();
    if let Some(found) = store.module_by_title(scope.tenant, title).await? {
        return Err(already(&found).into());
    }
    let existing = store.module_titles(scope.tenant).await?;
    let title = new_name("module", title, &existing)?;
    let fields = ModuleFields::new(&cap.name, hours, link, level).map_err(refused)?;
    let add = ModuleAdd::new(&title, fields, ModuleState::Approved).map_err(refused)?;
    let confirmation = Text::new()
        .plain("Added ")
        .strong(title.clone())
        .plain(" to the library, for ")
        .strong(cap.name.clone())
        .append(details(
            add.fields.hours,
            add.fields.link.as_deref(),
            add.fields.level,
        ))
        .plain(". It is approved: tracks may use it.");
    let draft = Draft::new(Decision::ModuleAdd(add), None, Some(cap.id), confirmation);
    record_for_workspace(scope, draft).await
}

/// An admin approves a proposed module, so tracks may use it.
pub(in crate::service) async fn module_approve(
    scope: &Scope<'_>,
    title: &str,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        return Err(admins_only("approve modules").into());
    }
    let module = module(scope, title).await?;
    let change = ModuleStateChange::approve(&module.title, module.state).map_err(refused)?;
    let confirmation = Text::new()
        .plain("Approved ")
        .strong(module.title.clone())
        .plain(": tracks may use it now.");
    let draft = Draft::new(
        Decision::ModuleApprove(change),
        None,
        module.capability,
        confirmation,
    );
    record_for_workspace(scope, draft).await
}

/// An admin retires a module: it stays in the library, out of use.
pub(in crate::service) async fn module_retire(
    scope: &Scope<'_>,
    title: &str,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        return Err(admins_only("retire modules").into());
    }
    let module = module(scope, title).await?;
    let change = ModuleStateChange::retire(&module.title, module.state).map_err(refused)?;
    let confirmation = Text::new()
        .plain("Retired ")
        .strong(module.title.clone())
        .plain(": no new track can use it, and what used it still reads.");
    let draft = Draft::new(
        Decision::ModuleRetire(change),
        None,
        module.capability,
        confirmation,
    );
    record_for_workspace(scope, draft).await
}

/// `module list [for "capability"]`: the approved modules, and for admins also those not
/// approved yet, each with its state; retired ones are counted, not listed.
pub(in crate::service) async fn module_list(
    scope: &Scope<'_>,
    capability: Option<&str>,
) -> Result<Reply, Stop> {
    let cap = match capability {
        Some(name) => Some(scope.capability(name).await?),
        None => None,
    };
    let admin = scope.may_set_up();
    let filter = ModuleFilter {
        capability: cap.as_ref().map(|c| c.id),
        states: Vec::new(),
    };
    let all = scope.store().modules(scope.tenant, &filter).await?;
    let retired = all
        .iter()
        .filter(|m| m.state == ModuleState::Retired)
        .count();
    let shown: Vec<&Module> = all
        .iter()
        .filter(|m| m.state == ModuleState::Approved || (admin && m.state != ModuleState::Retired))
        .collect();
    let scope_words = match &cap {
        Some(cap) => Text::new().plain(" for ").strong(cap.name.clone()),
        None => Text::new(),
    };
    if shown.is_empty() {
        let text = Text::new()
            .plain("The library has no modules")
            .append(scope_words)
            .plain(" yet. Admins add them with ")
            .command("module add \"title\" for \"capability\"")
            .plain(", from cadence.toml, or with ")
            .code("cadence import modules FILE.csv")
            .plain(".");
        return Ok(Reply {
            text,
            outcome: Outcome::Shown,
        });
    }
    let mut text = Text::new()
        .plain("The library's modules")
        .append(scope_words)
        .plain(":");
    for module in shown.iter().take(LIST_MAX) {
        text = text.line().append(line(module));
    }
    if shown.len() > LIST_MAX {
        text = text.line().plain(format!(
            "…and {} more; narrow the list with ",
            shown.len() - LIST_MAX
        ));
        text = text.command("module list for \"capability\"").plain(".");
    }
    if admin && retired > 0 {
        let noun = if retired == 1 {
            "module is"
        } else {
            "modules are"
        };
        text = text
            .line()
            .plain(format!("{retired} retired {noun} not shown."));
    }
    Ok(Reply {
        text,
        outcome: Outcome::Shown,
    })
}

/// One module in a list: "• *EBR storyline* — run EBR · 3 h · practising · lms.example.com".
fn line(module: &Module) -> Text {
    let mut text = Text::new().plain("• ").strong(module.title.clone());
    if let Some(cap) = &module.capability_name {
        text = text.plain(" — ").plain(cap.clone());
    }
    text = text.append(details(module.hours, module.link.as_deref(), module.level));
    if module.state != ModuleState::Approved {
        text = text.plain(format!(" ({})", module.state));
    }
    text
}

/// " · 3 h · practising · lms.example.com", for what a module has of these.
fn details(hours: Option<Hours>, link: Option<&str>, level: Option<Level>) -> Text {
    let mut text = Text::new();
    if let Some(hours) = hours {
        text = text.plain(format!(" · {} h", format_hours(hours)));
    }
    if let Some(level) = level {
        text = text.plain(format!(" · {level}"));
    }
    if let Some(link) = link {
        text = text.plain(" · ").link(link, link_label(link));
    }
    text
}

/// The module with this title, or a reply that suggests the nearest.
async fn module(scope: &Scope<'_>, title: &str) -> Result<Module, Stop> {
    if let Some(found) = scope.store().module_by_title(scope.tenant, title).await? {
        return Ok(found);
    }
    let titles = scope.store().module_titles(scope.tenant).await?;
    let mut text = Text::new()
        .plain("The library has no module called ")
        .strong(title)
        .plain(".");
    if let Some(near) = closest(title, &titles) {
        text = text.plain(" Did you mean ").strong(near).plain("?");
    }
    Err(Reply::invalid(text.plain(" Nothing was recorded.")).into())
}

/// The refusal for a title the library has already.
fn already(found: &Module) -> Reply {
    let text = Text::new()
        .plain("The library already has ")
        .strong(found.title.clone())
        .plain(format!(" ({}).", found.state))
        .plain(match found.state {
            ModuleState::Retired => {
                " A retired module keeps its title; add this one under a new title."
            }
            _ => " Pick another title, or use that one.",
        })
        .plain(" Nothing was recorded.");
    Reply::invalid(text)
}
