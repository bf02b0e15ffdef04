//! Approve and Decline on an over-budget request card in L&D's channel: a workspace admin
//! answers the request, once. An approval records the allocation, over budget; either answer
//! closes the card in place and is told to the manager who asked, where they asked.

use super::{CardAnswer, CardInput, CardOutcome, invalid, record_answer};
use crate::domain::budget::{BudgetRequestView, budget_request_card};
use crate::domain::card::{Action, Verb};
use crate::domain::decision::{
    Allocation, BudgetAnswer, BudgetRequest, Decision, FollowUp, FollowUpCard,
};
use crate::domain::ids::DecisionId;
use crate::domain::prompt::with_outcome;
use crate::domain::text::Text;
use crate::service::scope::{Scope, Stop};
use crate::store::{RecordedDecision, RequestStatus};

const ANSWERED: &str = "This request has already been answered; nothing was recorded.";

/// Approve or Decline on an over-budget request card.
pub(super) async fn answer_budget_request(
    scope: &Scope<'_>,
    input: &CardInput,
    action: &Action,
) -> Result<CardOutcome, Stop> {
    let (request, asked) = open_request(scope, action).await?;
    if !scope.may_set_up() {
        return Err(invalid(
            "Only workspace admins (L&D) can answer over-budget requests; nothing was recorded.",
        ));
    }
    let store = scope.store();
    if store
        .budget_request_status(scope.tenant, request.id)
        .await?
        != Some(RequestStatus::Requested)
    {
        return Err(invalid(ANSWERED));
    }
    let team = match request.team {
        Some(team) => store.team_by_id(scope.tenant, team).await?,
        None => None,
    };
    let Some(team) = team else {
        return Err(invalid(
            "This request's team no longer exists; nothing was recorded.",
        ));
    };
    let subject = match &request.subject_user_id {
        Some(user) => store.find_person(scope.tenant, user).await?.map(|p| p.id),
        None => None,
    };
    let capability = match &asked.allocation {
        Allocation::Commission(c) => match &c.capability {
            Some(name) => scope.maybe_capability(name).await?.map(|c| c.id),
            None => None,
        },
        Allocation::Hours(_) => None,
    };
    let requester = store
        .find_person(scope.tenant, &request.actor_user_id)
        .await?;
    let settings = store.settings(scope.tenant).await?;
    let answer = BudgetAnswer {
        request: request.id,
        allocation: asked.allocation.clone(),
        quarter: asked.shortfall.quarter,
        requester: request.actor_user_id.clone(),
        asked_in: asked.asked_in.clone(),
    };
    let (decision, verb) = match action.verb {
        Verb::ApproveBudget => (Decision::ApproveBudget(answer), "Approved, over budget,"),
        _ => (Decision::DeclineBudget(answer), "Declined"),
    };
    let view = BudgetRequestView {
        requester: request.actor_user_id.clone(),
        requester_name: requester
            .map(|p| p.display_name)
            .unwrap_or_else(|| request.actor_user_id.clone()),
        team: team.name.clone(),
        allocation: asked.allocation.clone(),
        shortfall: asked.shortfall,
        currency: settings.currency,
    };
    let line = Text::new()
        .plain(format!("{verb} by "))
        .mention(scope.actor.user_id.clone());
    let follow_up = input.message.as_ref().map(|(channel, ts)| FollowUp {
        channel_id: channel.clone(),
        replaces: Some(ts.clone()),
        card: FollowUpCard::Ready(
            serde_json::to_value(with_outcome(
                &budget_request_card(&view, request.id.0),
                &[line],
                true,
            ))
            .unwrap_or_default(),
        ),
        key_prefix: format!("budget-answer-card:{}:", request.id.0),
    });
    record_answer(
        scope,
        input,
        CardAnswer {
            team: team.id,
            subject,
            capability,
            decision,
            follow_up,
            answered: ANSWERED,
        },
    )
    .await
}

/// The request the action names, if it is one and still stands.
async fn open_request(
    scope: &Scope<'_>,
    action: &Action,
) -> Result<(RecordedDecision, BudgetRequest), Stop> {
    let request = match action.record {
        Some(id) => scope.store().decision(scope.tenant, DecisionId(id)).await?,
        None => None,
    };
    request
        .and_then(|d| match &d.decision {
            Decision::RequestBudget(asked) if d.reverted_by.is_none() => {
                let asked = asked.clone();
                Some((d, asked))
            }
            _ => None,
        })
        .ok_or_else(|| invalid("This request is no longer known to Cadence; nothing was recorded."))
}
