//! "Bind" on the attention-audit card: a manager binds one proposed ritual with a click. The
//! proposal's `ritual add …` line is read by the command grammar, as if typed, and recorded as
//! a `bind_ritual` decision that adds the ritual to the manager's team, with its prompts in the
//! channel the card was shown in. Binding the same proposal twice adds nothing.

use super::{CardInput, CardOutcome, invalid, tell};
use crate::domain::card::Action;
use crate::domain::command::{self, Command, CommandText, Nudge};
use crate::domain::decision::{BindRitual, Decision, NewDecision};
use crate::domain::text::Text;
use crate::service::StoreError;
use crate::service::scope::{Scope, Stop};

/// Binds the proposal the action names, for the author's team.
pub(super) async fn bind(
    scope: &Scope<'_>,
    input: &CardInput,
    action: &Action,
) -> Result<CardOutcome, Stop> {
    let proposal = match action.record {
        Some(id) => scope.store().audit_proposal(scope.tenant, id).await?,
        None => None,
    };
    let Some(proposal) = proposal else {
        return Err(invalid(
            "This proposal is no longer known to Cadence; nothing was recorded.",
        ));
    };
    let team = scope.team(None).await?;
    scope.require_manager(&team, "bind rituals for").await?;
    let channel = input
        .message
        .as_ref()
        .map(|(channel, _)| channel.clone())
        .or_else(|| scope.invocation.channel_id.clone());
    let Some(channel) = channel else {
        return Err(invalid(
            "Bind it from the channel its prompts should go to; nothing was recorded.",
        ));
    };
    let parsed = command::parse(&CommandText::plain(&proposal.command)).map(|line| line.command);
    let Ok(Command::RitualAdd {
        kind,
        triggers,
        schedule: None,
        before,
        name,
        nudge,
        ..
    }) = parsed
    else {
        return Err(invalid(
            "This proposal's line is not one Cadence can bind with a click; run it as a command instead. Nothing was recorded.",
        ));
    };
    let name = name.unwrap_or_else(|| format!("{} {}", team.name, kind.as_str().replace('_', " ")));
    if let Some(existing) = scope.store().ritual_by_name(&team, &name).await? {
        let text = Text::new().strong(name.clone()).plain(format!(
            " is already ritual #{} of {}; nothing was recorded.",
            existing.id.0, team.name
        ));
        return Err(Stop::Reply(crate::service::Reply::invalid(text)));
    }
    let nudge_after_minutes = match nudge {
        Some(Nudge::Off) => None,
        Some(Nudge::AfterMinutes(minutes)) => Some(i64::from(minutes)),
        None => kind.default_nudge_minutes(),
    };
    let bound = BindRitual {
        kind,
        name: name.clone(),
        channel: channel.clone(),
        triggers,
        before_minutes: before.map_or(0, i64::from),
        nudge_after_minutes,
        proposal: proposal.id,
    };
    let recorded = scope
        .store()
        .record(&NewDecision {
            tenant: scope.tenant,
            team: Some(team.id),
            actor: scope.actor.id,
            subject: None,
            capability: None,
            occurrence: None,
            channel: Some(channel.clone()),
            source: scope.invocation.source,
            decision: Decision::BindRitual(bound),
            follow_up: None,
            idempotency_key: input.interaction_key.clone(),
            at: scope.now(),
            roster: None,
        })
        .await;
    match recorded {
        Ok(_) => {}
        Err(StoreError::Replayed) => return Ok(CardOutcome::Done),
        Err(e) => return Err(e.into()),
    }
    let text = Text::new()
        .plain("Bound ")
        .strong(name)
        .plain(" for ")
        .strong(team.name.clone())
        .plain(": its prompts go to ")
        .channel(channel)
        .plain(". ")
        .command("ritual list")
        .plain(" shows it; ")
        .command("undo")
        .plain(" pauses it again.");
    if input.answer_inline {
        return Ok(CardOutcome::Told(text));
    }
    tell(scope, input, text).await?;
    Ok(CardOutcome::Done)
}
