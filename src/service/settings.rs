//! `settings`: the workspace's own settings, shown and changed by its admins. Changing one
//! leaves the others as they were.

use super::scope::{Scope, Stop};
use super::{Outcome, Reply};
use crate::domain::command::ChannelRef;
use crate::domain::settings::{OverBudget, WorkspaceSettings};
use crate::domain::text::Text;

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
    let heading = if changing {
        "Saved. The workspace's settings are now:"
    } else {
        "The workspace's settings:"
    };
    Ok(Reply {
        text: Text::new().plain(heading).append(described(&settings)),
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
