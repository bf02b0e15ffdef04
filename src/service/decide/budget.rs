//! `budget [hours N] [spend N] [quarter 2026Q4]`: a team's budgets for a quarter. Admins (L&D)
//! set them, a decision like any other (undoable); the team's people and admins see them with
//! what is used and left.
//!
//! Also what `hours` and `commission` share: an allocation is recorded against its team's
//! budget (the store checks it fits, in the transaction that records it) and its answer says
//! what remains; one that does not fit is refused with what remains, or, where the workspace
//! chose it, becomes a request to L&D with Approve and Decline on a card in L&D's channel.

use super::{Draft, record, refused};
use crate::domain::budget::{BudgetRequestView, BudgetUse, Drawn, Shortfall, hours, money};
use crate::domain::command::Hours;
use crate::domain::decision::{Allocation, BudgetRequest, BudgetSet, Decision};
use crate::domain::decision::{FollowUp, FollowUpCard};
use crate::domain::outcomes::Quarter;
use crate::domain::settings::{OverBudget, WorkspaceSettings};
use crate::domain::text::Text;
use crate::service::scope::{Scope, Stop};
use crate::service::{Outcome, Reply, StoreError};
use crate::store::Team;

/// Shows the team's budgets for the quarter, or sets the ones given (admins).
pub(in crate::service) async fn budget(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    hours: Option<Hours>,
    spend: Option<u64>,
    quarter: Option<Quarter>,
) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    let quarter = quarter.unwrap_or_else(|| current_quarter(scope));
    let settings = scope.store().settings(scope.tenant).await?;
    if hours.is_none() && spend.is_none() {
        if !scope.may_set_up() && scope.role(&team).await?.is_none() {
            let text = Text::new()
                .plain("Only the people of ")
                .strong(team.name.clone())
                .plain(" and workspace admins see its budget.");
            return Err(Reply::refused(text).into());
        }
        let used = scope
            .store()
            .budget_use(scope.tenant, team.id, quarter)
            .await?;
        return Ok(Reply {
            text: described(&team, &used, &settings.currency),
            outcome: Outcome::Shown,
        });
    }
    if !scope.may_set_up() {
        let text = Text::new().plain(
            "Only workspace admins, owners and Cadence admins (L&D) set budgets. Nothing was recorded.",
        );
        return Err(Reply::refused(text).into());
    }
    let set = BudgetSet::new(quarter, hours, spend).map_err(refused)?;
    let mut figures = Vec::new();
    if let Some(h) = hours {
        figures.push(format!("{} learning hours", hours_of(h)));
    }
    if let Some(s) = spend {
        figures.push(format!("{} {}", money(s), settings.currency));
    }
    let confirmation = Text::new()
        .plain("Set the budget of ")
        .strong(team.name.clone())
        .plain(format!(" for {quarter}: {}.", figures.join(" and ")));
    let reply = record(
        scope,
        &team,
        Draft::new(Decision::Budget(set), None, None, confirmation),
    )
    .await?;
    let used = scope
        .store()
        .budget_use(scope.tenant, team.id, quarter)
        .await?;
    Ok(Reply {
        text: reply.text.append(figure_lines(&used, &settings.currency)),
        outcome: reply.outcome,
    })
}

/// The quarter allocations made now draw from: UTC, by the service's clock.
fn current_quarter(scope: &Scope<'_>) -> Quarter {
    Quarter::containing(scope.now().date_naive())
}

fn hours_of(h: Hours) -> String {
    hours(u64::from(h.centi))
}

/// The team's budgets for the quarter, used and left; an unset budget is unlimited.
fn described(team: &Team, used: &BudgetUse, currency: &str) -> Text {
    let text = Text::new()
        .plain("The budget of ")
        .strong(team.name.clone())
        .plain(format!(" for {}:", used.quarter));
    let mut text = text.append(figure_lines(used, currency));
    if !used.is_set() {
        text = text
            .line()
            .plain("Admins set one with ")
            .command(format!(
                "budget team:\"{}\" hours N spend N quarter {}",
                team.name, used.quarter
            ))
            .plain(".");
    }
    text
}

/// One line per budget: what is used and left, or that it is unlimited.
fn figure_lines(used: &BudgetUse, currency: &str) -> Text {
    let mut text = Text::new();
    for drawn in [Drawn::Hours, Drawn::Spend] {
        let (name, spent) = match drawn {
            Drawn::Hours => (
                "Learning hours",
                format!("{} h", hours(used.hours_used_centi)),
            ),
            Drawn::Spend => ("Spend", format!("{} {currency}", money(used.spend_used))),
        };
        text = text.line().plain(format!("• {name}: "));
        text = match used.left_line(drawn, currency) {
            Some(left) => text.plain(format!("{spent} used; {left}")),
            None => text.plain(format!("no budget set, so unlimited ({spent} used so far)")),
        };
    }
    text
}

/// Records an allocation (`hours`, `commission`) against its team's budget and says what is
/// left of it; over budget, refuses with what is left or asks L&D, as the workspace chose.
pub(super) async fn record_allocation(
    scope: &Scope<'_>,
    (team, settings): (&Team, &WorkspaceSettings),
    draft: Draft,
    allocation: Allocation,
) -> Result<Reply, Stop> {
    let (subject, capability) = (draft.subject, draft.capability);
    let drawn = match allocation {
        Allocation::Hours(_) => Drawn::Hours,
        Allocation::Commission(_) => Drawn::Spend,
    };
    match record(scope, team, draft).await {
        Ok(reply) => {
            let used = scope
                .store()
                .budget_use(scope.tenant, team.id, current_quarter(scope))
                .await?;
            let text = match used.left_line(drawn, &settings.currency) {
                Some(left) => reply.text.plain(format!(" {left}.")),
                None => reply.text,
            };
            Ok(Reply { text, ..reply })
        }
        Err(Stop::Store(StoreError::OverBudget(shortfall))) => {
            let over = OverBudgetAllocation {
                allocation,
                shortfall,
                subject,
                capability,
            };
            over_budget(scope, team, settings, over).await
        }
        Err(stop) => Err(stop),
    }
}

/// An allocation the store refused because it does not fit.
struct OverBudgetAllocation {
    allocation: Allocation,
    shortfall: Shortfall,
    subject: Option<crate::domain::ids::PersonId>,
    capability: Option<crate::domain::ids::CapabilityId>,
}

/// Refuses the allocation with what is left, or records it as a request to L&D.
async fn over_budget(
    scope: &Scope<'_>,
    team: &Team,
    settings: &WorkspaceSettings,
    over: OverBudgetAllocation,
) -> Result<Reply, Stop> {
    let text = over.shortfall.words(&team.name, &settings.currency);
    let channel = match (settings.over_budget, &settings.ld_channel) {
        (OverBudget::Refuse, _) => {
            return Err(Reply::invalid(text.plain(" Nothing was recorded.")).into());
        }
        (OverBudget::Request, None) => {
            let text = text
                .plain(" This workspace sends allocations over budget to L&D, but no L&D channel is set; an admin sets it with ")
                .command("settings learning-channel #channel")
                .plain(". Nothing was recorded.");
            return Err(Reply::invalid(text).into());
        }
        (OverBudget::Request, Some(channel)) => channel.clone(),
    };
    let view = BudgetRequestView {
        requester: scope.actor.user_id.clone(),
        requester_name: scope.actor.display_name.clone(),
        team: team.name.clone(),
        allocation: over.allocation.clone(),
        shortfall: over.shortfall,
        currency: settings.currency.clone(),
    };
    let request = BudgetRequest {
        allocation: over.allocation,
        shortfall: over.shortfall,
        asked_in: scope.invocation.channel_id.clone(),
    };
    let confirmation = text
        .plain(" I've asked L&D in ")
        .channel(channel.clone())
        .plain(
            " to approve it; you'll be told their answer here. Nothing is allocated until then.",
        );
    let mut draft = Draft::new(
        Decision::RequestBudget(request),
        over.subject,
        over.capability,
        confirmation,
    );
    draft.follow_up = Some(FollowUp {
        channel_id: channel,
        replaces: None,
        card: FollowUpCard::BudgetRequest(Box::new(view)),
        key_prefix: "budget-request:".to_owned(),
    });
    record(scope, team, draft).await
}
