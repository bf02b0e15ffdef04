//! `settings`: the workspace's own settings, shown and changed by its admins. Changing one
//! leaves the others as they were.

use super::cards::commission::{card_view, commission_team, open_commission};
use super::scope::{Scope, Stop};
use super::{Outcome, Reply};
use crate::domain::command::ChannelRef;
use crate::domain::commission::{COMMISSION_CARD_KEY, commission_card};
use crate::domain::library::ModuleState;
use crate::domain::settings::{OverBudget, WorkspaceSettings};
use crate::domain::text::Text;
use crate::store::{Delivery, ModuleFilter, NewMessage};

/// Shows the settings, or changes the ones named.
pub(super) async fn settings(
    scope: &Scope<'_>,
    ld_channel: Option<&ChannelRef>,
    currency: Option<&str>,
    over_budget: Option<OverBudget>,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        let text = Text::new().plain(
            "Only workspace admins, owners and Cadence admins see and change the workspace's settings.",
        );
        return Err(Reply::refused(text).into());
    }
    let store = scope.store();
    let mut settings = store.settings(scope.tenant).await?;
    let changing = ld_channel.is_some() || currency.is_some() || over_budget.is_some();
    let first_ld_channel = settings.ld_channel.is_none() && ld_channel.is_some();
    if changing {
        if let Some(channel) = ld_channel {
            settings.ld_channel = Some(channel.id.clone());
        }
        if let Some(currency) = currency {
            settings.currency = currency.to_owned();
        }
        if let Some(policy) = over_budget {
            settings.over_budget = policy;
        }
        store
            .save_settings(scope.tenant, &settings, scope.now())
            .await?;
    }
    let mut posted = 0;
    if let (true, Some(channel)) = (first_ld_channel, &settings.ld_channel) {
        posted = post_waiting_commissions(scope, channel).await?;
    }
    let heading = if changing {
        "Saved. The workspace's settings are now:"
    } else {
        "The workspace's settings:"
    };
    let mut text = Text::new().plain(heading).append(described(&settings));
    if posted > 0 {
        text = text.line().plain(format!(
            "Posted the {posted} commission{} waiting for an answer in ",
            if posted == 1 { "" } else { "s" }
        ));
        if let Some(channel) = &settings.ld_channel {
            text = text.channel(channel.clone()).plain(".");
        }
    }
    Ok(Reply {
        text,
        outcome: if changing {
            Outcome::Changed
        } else {
            Outcome::Shown
        },
    })
}

/// The settings, one per line.
fn described(settings: &WorkspaceSettings) -> Text {
    let mut text = Text::new().line().plain("• L&D's channel: ");
    text = match &settings.ld_channel {
        Some(channel) => text.channel(channel.clone()),
        None => text
            .plain("none yet — commissions have nowhere to go; set it with ")
            .command("settings learning-channel #channel"),
    };
    text.line()
        .plain(format!("• Budgets are kept in {}", settings.currency))
        .line()
        .plain(match settings.over_budget {
            OverBudget::Refuse => "• An allocation over budget is refused, with what remains",
            OverBudget::Request => {
                "• An allocation over budget becomes a request to L&D to approve or decline"
            }
        })
}

/// Posts a card for every commission still waiting for L&D into L&D's channel, once it has one:
/// until then they had nowhere to go. Each is keyed by its commission, so none is posted twice.
async fn post_waiting_commissions(scope: &Scope<'_>, channel: &str) -> Result<usize, Stop> {
    let store = scope.store();
    let filter = ModuleFilter {
        capability: None,
        states: vec![ModuleState::Commissioned],
    };
    let mut posted = 0;
    for module in store.modules(scope.tenant, &filter).await? {
        let Some(id) = module.added_by else { continue };
        let (asked, commission) = match open_commission(scope, Some(id)).await {
            Ok(found) => found,
            // Not a standing commission (an undone one's row is gone with it): nothing to post.
            Err(Stop::Reply(_)) => continue,
            Err(stop) => return Err(stop),
        };
        let team = commission_team(scope, &asked).await?;
        let view = card_view(scope, &asked, &commission, &team).await?;
        let message = NewMessage {
            tenant: scope.tenant,
            idempotency_key: format!("{COMMISSION_CARD_KEY}{}", id.0),
            channel_id: channel,
            delivery: Delivery::Post,
            card: serde_json::to_value(commission_card(&view, id.0)).unwrap_or_default(),
            occurrence: None,
        };
        if store.enqueue(&message, scope.now()).await? {
            posted += 1;
        }
    }
    if posted > 0 {
        scope.commands.wake_outbox();
    }
    Ok(posted)
}
