//! `commission "title" [budget N] [for "capability"]`: a custom learning module requested, its
//! budget drawn from the team's spend budget for the quarter.

use super::budget::record_allocation;
use super::{Draft, Right, refused, team_for};
use crate::domain::commission::{COMMISSION_CARD_KEY, CommissionView};
use crate::domain::decision::{Allocation, Commission, Decision, FollowUp, FollowUpCard};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};

/// Records the commission.
pub(in crate::service) async fn commission(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    title: &str,
    budget: Option<u64>,
    capability: Option<&str>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    // Titles are unique in the library: a commission of one it has already is a mistake.
    if let Some(found) = scope.store().module_by_title(scope.tenant, title).await? {
        let text = Text::new()
            .plain("The library already has ")
            .strong(found.title)
            .plain(format!(
                " ({}). Use it, or commission the new module under another title. Nothing was recorded.",
                found.state
            ));
        return Err(Reply::invalid(text).into());
    }
    let cap = match capability {
        Some(name) => Some(scope.capability(name).await?),
        None => None,
    };
    let mut decision =
        Commission::new(title, budget, cap.as_ref().map(|c| c.name.as_str())).map_err(refused)?;
    decision.asked_in = scope.invocation.channel_id.clone();
    let mut confirmation = Text::new().plain("Commissioned a module: ").strong(title);
    if let Some(budget) = budget {
        confirmation = confirmation.plain(format!(", budget {budget}"));
    }
    if let Some(cap) = &cap {
        confirmation = confirmation.plain(" for ").strong(cap.name.clone());
    }
    let settings = scope.store().settings(scope.tenant).await?;
    let confirmation = match &settings.ld_channel {
        Some(channel) => confirmation
            .plain(". I've asked L&D in ")
            .channel(channel.clone())
            .plain(" to accept it; you'll be told their answer here."),
        None => confirmation
            .plain(". No L&D channel is set, so L&D has not been asked yet; once an admin sets one with ")
            .command("settings learning-channel #channel")
            .plain(", commissions waiting for an answer are posted there."),
    };
    let asked = Allocation::Commission(decision.clone());
    let view = CommissionView {
        requester: scope.actor.user_id.clone(),
        requester_name: scope.actor.display_name.clone(),
        team: team.name.clone(),
        title: decision.title.clone(),
        capability: decision.capability.clone(),
        budget,
        currency: settings.currency.clone(),
    };
    let mut draft = Draft::new(
        Decision::Commission(decision),
        None,
        cap.map(|c| c.id),
        confirmation,
    );
    draft.follow_up = settings.ld_channel.clone().map(|channel| FollowUp {
        channel_id: channel,
        replaces: None,
        card: FollowUpCard::Commission(Box::new(view)),
        key_prefix: COMMISSION_CARD_KEY.to_owned(),
    });
    record_allocation(scope, (&team, &settings), draft, asked).await
}
