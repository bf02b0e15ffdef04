//! `audit`: the latest attention audit's top three rituals for the workspace, each with why and
//! the `ritual add …` line that binds it. Saved by `cadence audit … --save --workspace ID`.
//! Admins (Cadence's or the workspace's) and the managers of any team may see it; members are
//! told whom to ask, and nothing is shown. Typed in a channel, it also sends its author, privately,
//! a card with a Bind button per proposal (see `cards::bind`).

use super::scope::{Scope, Stop};
use super::{Outcome, Reply};
use crate::domain::proposals::{ProposalView, proposals_card};
use crate::domain::text::Text;
use crate::store::{Role, SavedAudit};

/// Shows the latest saved audit's proposals.
pub(super) async fn audit(scope: &Scope<'_>) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        let teams = scope.store().teams_of(scope.tenant, scope.actor.id).await?;
        if !teams.iter().any(|(_, role)| *role == Role::Manager) {
            let text = Text::new().plain(
                "Only admins and team managers can see the attention audit; ask your manager.",
            );
            return Err(Reply::refused(text).into());
        }
    }
    let Some(audit) = scope.store().latest_audit(scope.tenant).await? else {
        let text = Text::new()
            .plain("No attention audit has been saved for this workspace yet. Run ")
            .code("cadence audit EXPORTS… --save --workspace ID")
            .plain(" where Cadence runs, then ask again.");
        return Ok(Reply {
            text,
            outcome: Outcome::Shown,
        });
    };
    let mut text = Text::new()
        .plain(format!(
            "Attention audit of {}, saved {}: the rituals to attach capability planning to first.",
            audit.window,
            audit.saved_at.format("%Y-%m-%d")
        ))
        .line();
    for ritual in &audit.rituals {
        text = text
            .line()
            .plain(format!("{}. ", ritual.ordinal))
            .strong(ritual.title.clone())
            .plain(format!(" ({})", ritual.kind));
        for why in &ritual.why {
            text = text.line().plain(format!("    • {why}"));
        }
        text = text
            .line()
            .plain("    Bind it: ")
            .command(ritual.command.clone());
    }
    text = text
        .line()
        .line()
        .plain("Run a line (or press Bind on the card) in the channel its prompts should go to; ")
        .command("ritual list")
        .plain(" shows what is bound.");
    send_card(scope, &audit).await?;
    Ok(Reply {
        text,
        outcome: Outcome::Shown,
    })
}

/// Sends the author, privately in the channel they asked in, the card with a Bind button per
/// proposal.
async fn send_card(scope: &Scope<'_>, audit: &SavedAudit) -> Result<(), Stop> {
    let Some(channel) = &scope.invocation.channel_id else {
        return Ok(());
    };
    let views: Vec<ProposalView> = audit
        .rituals
        .iter()
        .map(|r| ProposalView {
            id: r.id,
            ordinal: r.ordinal,
            title: r.title.clone(),
            kind: r.kind.clone(),
            command: r.command.clone(),
        })
        .collect();
    scope
        .show_privately(channel, "audit-card", &proposals_card(&views))
        .await?;
    Ok(())
}
