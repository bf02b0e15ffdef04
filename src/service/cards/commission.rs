//! Accept, Ask for changes and Decline on a commission's card in L&D's channel: a workspace admin
//! answers the commission, once. Asking for changes or declining opens a form for the reason
//! first. The answer closes the card in place and is told to the manager who commissioned, where
//! they asked.

use super::{CardAnswer, CardInput, CardOutcome, invalid, record_answer};
use crate::domain::card::{Action, Verb};
use crate::domain::commission::{
    CommissionView, REASON_FIELD, commission_card, outcome_line, reason_form,
};
use crate::domain::decision::{Commission, CommissionAnswer, Decision, FollowUp, FollowUpCard};
use crate::domain::ids::DecisionId;
use crate::domain::prompt::with_outcome;
use crate::service::scope::{Scope, Stop};
use crate::store::{RecordedDecision, Team};

const ANSWERED: &str = "This commission has already been answered; nothing was recorded.";

/// A click on a commission card's buttons, or a submitted reason form.
pub(super) async fn answer_commission(
    scope: &Scope<'_>,
    input: &CardInput,
    action: &Action,
) -> Result<CardOutcome, Stop> {
    let (asked, commission) = open_commission(scope, action.record.map(DecisionId)).await?;
    if !scope.may_set_up() {
        return Err(invalid(
            "Only workspace admins (L&D) can answer commissions; nothing was recorded.",
        ));
    }
    let needs_reason = action.verb != Verb::AcceptCommission;
    if needs_reason && !input.submitted {
        if input.answer_inline || input.trigger.is_some() {
            let form = reason_form(action.verb, asked.id.0);
            return Ok(CardOutcome::Form(form, scope.tenant));
        }
        return Err(invalid(
            "That button opens a form, which needs the click itself; try again.",
        ));
    }
    let reason = input.fields.get(REASON_FIELD).map(String::as_str);
    let answer = match CommissionAnswer::new(
        asked.id,
        &commission.title,
        &asked.actor_user_id,
        commission.asked_in.as_deref(),
        reason,
        needs_reason,
    ) {
        Ok(answer) => answer,
        Err(problem) if input.submitted => {
            return Ok(CardOutcome::FieldErrors(vec![(
                REASON_FIELD.to_owned(),
                problem.0,
            )]));
        }
        Err(problem) => return Err(invalid(&problem.0)),
    };
    let decision = match action.verb {
        Verb::AcceptCommission => Decision::AcceptCommission(answer),
        Verb::ReviseCommission => Decision::ReviseCommission(answer),
        _ => Decision::DeclineCommission(answer),
    };
    let team = commission_team(scope, &asked).await?;
    let view = card_view(scope, &asked, &commission, &team).await?;
    let follow_up = match (
        input.message.as_ref(),
        outcome_line(&decision, &scope.actor.user_id),
    ) {
        (Some((channel, ts)), Some(line)) => Some(FollowUp {
            channel_id: channel.clone(),
            replaces: Some(ts.clone()),
            card: FollowUpCard::Ready(
                serde_json::to_value(with_outcome(
                    &commission_card(&view, asked.id.0),
                    &[line],
                    true,
                ))
                .unwrap_or_default(),
            ),
            key_prefix: format!("commission-answer-card:{}:", asked.id.0),
        }),
        _ => None,
    };
    let capability = match &commission.capability {
        Some(name) => scope.maybe_capability(name).await?.map(|c| c.id),
        None => None,
    };
    record_answer(
        scope,
        input,
        CardAnswer {
            team: team.id,
            subject: None,
            capability,
            decision,
            follow_up,
            answered: ANSWERED,
        },
    )
    .await
}

/// The commission decision `id`, if it is one and still stands.
pub(in crate::service) async fn open_commission(
    scope: &Scope<'_>,
    id: Option<DecisionId>,
) -> Result<(RecordedDecision, Commission), Stop> {
    let asked = match id {
        Some(id) => scope.store().decision(scope.tenant, id).await?,
        None => None,
    };
    asked
        .and_then(|d| match &d.decision {
            Decision::Commission(c) if d.reverted_by.is_none() => {
                let c = c.clone();
                Some((d, c))
            }
            _ => None,
        })
        .ok_or_else(|| {
            invalid("This commission is no longer known to Cadence; nothing was recorded.")
        })
}

/// The team that commissioned.
pub(in crate::service) async fn commission_team(
    scope: &Scope<'_>,
    asked: &RecordedDecision,
) -> Result<Team, Stop> {
    let team = match asked.team {
        Some(team) => scope.store().team_by_id(scope.tenant, team).await?,
        None => None,
    };
    team.ok_or_else(|| invalid("This commission's team no longer exists; nothing was recorded."))
}

/// The card as it is posted, and as it is closed with the answer.
pub(in crate::service) async fn card_view(
    scope: &Scope<'_>,
    asked: &RecordedDecision,
    commission: &Commission,
    team: &Team,
) -> Result<CommissionView, Stop> {
    let store = scope.store();
    let requester = store
        .find_person(scope.tenant, &asked.actor_user_id)
        .await?;
    let settings = store.settings(scope.tenant).await?;
    Ok(CommissionView {
        requester: asked.actor_user_id.clone(),
        requester_name: requester
            .map(|p| p.display_name)
            .unwrap_or_else(|| asked.actor_user_id.clone()),
        team: team.name.clone(),
        title: commission.title.clone(),
        capability: commission.capability.clone(),
        budget: commission.budget,
        currency: settings.currency,
    })
}
