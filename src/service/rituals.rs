//! Ritual commands: add a ritual with its triggers, list a team's rituals, pause and resume.
//! Editing rituals is a manager's right, like deciding.

use super::scope::{Scope, Stop, finish};
use super::{Outcome, Reply, StoreError};
use crate::domain::command::{ChannelRef, Command, Nudge};
use crate::domain::event::{Selector, Source};
use crate::domain::ids::RitualId;
use crate::domain::ritual::{PromptOn, RitualKind};
use crate::domain::text::Text;
use crate::store::{NewRitual, Ritual, Role};

/// Runs `ritual add|list|pause|resume`.
pub async fn run(
    scope: &Scope<'_>,
    team: Option<&str>,
    command: &Command,
) -> Result<Reply, StoreError> {
    finish(ritual(scope, team, command).await)
}

async fn ritual(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    command: &Command,
) -> Result<Reply, Stop> {
    match command {
        Command::RitualAdd {
            kind,
            channel,
            triggers,
            schedule,
            before,
            name,
            nudge,
        } => {
            let add = RitualAdd {
                kind: *kind,
                channel: channel.as_ref(),
                triggers,
                schedule: schedule.as_deref(),
                before: *before,
                name: name.as_deref(),
                nudge: *nudge,
            };
            add_ritual(scope, named_team, add).await
        }
        Command::RitualList => list_rituals(scope, named_team).await,
        Command::RitualPause { id } => set_paused(scope, *id, true).await,
        Command::RitualResume { id } => set_paused(scope, *id, false).await,
        _ => Err(Reply::invalid(Text::new().plain("That is not a ritual command.")).into()),
    }
}

/// What `ritual add` says, borrowed from the command.
struct RitualAdd<'c> {
    kind: RitualKind,
    channel: Option<&'c ChannelRef>,
    triggers: &'c [Selector],
    schedule: Option<&'c str>,
    before: Option<u32>,
    name: Option<&'c str>,
    nudge: Option<Nudge>,
}

/// `ritual add`, by a manager: the prompts go to the channel named, or the one it is typed in.
async fn add_ritual(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    add: RitualAdd<'_>,
) -> Result<Reply, Stop> {
    let RitualAdd {
        kind,
        channel,
        triggers,
        schedule,
        before,
        name,
        nudge,
    } = add;
    let team = scope.team(named_team).await?;
    scope
        .require_manager(&team, "change the rituals of")
        .await?;
    let Some(channel_id) = channel
        .map(|c| c.id.clone())
        .or_else(|| scope.invocation.channel_id.clone())
    else {
        return Err(Reply::invalid(
            Text::new()
                .plain("Say which channel the ritual's prompts go to, or run this in that channel. Nothing was recorded."),
        )
        .into());
    };
    let name = name
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} {}", team.name, kind.as_str().replace('_', " ")));
    let nudge_after_minutes = match nudge {
        Some(Nudge::Off) => None,
        Some(Nudge::AfterMinutes(minutes)) => Some(i64::from(minutes)),
        None => kind.default_nudge_minutes(),
    };
    let ritual = scope
        .store()
        .add_ritual(
            NewRitual {
                team: &team,
                kind,
                name: &name,
                channel_id: &channel_id,
                prompt_on: PromptOn::End,
                artefact: kind.artefact(),
                nudge_after_minutes,
                triggers,
                schedule,
                prompt_before_minutes: before.map_or(0, i64::from),
            },
            scope.now(),
        )
        .await?;
    let text = Text::new()
        .plain(format!("Added ritual #{} ", ritual.id.0))
        .strong(ritual.name.clone())
        .plain(format!(" ({}) in ", ritual.kind))
        .channel(ritual.channel_id.clone())
        .plain(": the prompt is posted on ")
        .append(triggers_text(&ritual))
        .plain(". Pause it with ")
        .command(format!("ritual pause {}", ritual.id.0))
        .plain(".");
    Ok(Reply {
        text,
        outcome: Outcome::Changed,
    })
}

/// `ritual list`: the team's rituals with their ids, triggers and schedules.
async fn list_rituals(scope: &Scope<'_>, named_team: Option<&str>) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    let rituals = scope.store().rituals_of(&team).await?;
    let mut text = Text::new()
        .strong(format!("Rituals of {}", team.name))
        .line();
    if rituals.is_empty() {
        text = text
            .plain("None yet. Add one with ")
            .command("ritual add retro #channel on jira:board=12:sprint_closed")
            .plain(".");
    }
    for ritual in &rituals {
        text = text
            .plain(format!("• #{} ", ritual.id.0))
            .strong(ritual.name.clone())
            .plain(format!(" ({}) in ", ritual.kind))
            .channel(ritual.channel_id.clone())
            .plain(" — on ")
            .append(triggers_text(ritual))
            .plain(if ritual.paused { " — paused" } else { "" })
            .line();
    }
    Ok(Reply {
        text,
        outcome: Outcome::Shown,
    })
}

/// `ritual pause|resume ID`, by a manager of the ritual's team.
async fn set_paused(scope: &Scope<'_>, id: u64, paused: bool) -> Result<Reply, Stop> {
    let id = RitualId(i64::try_from(id).unwrap_or(i64::MAX));
    // A ritual that does not exist and one the author may not change get the same answer, so
    // nobody learns which ritual numbers exist in teams they do not manage.
    let not_yours = || {
        let text = Text::new()
            .plain(format!(
                "There's no ritual #{} that you manage. See yours with ",
                id.0
            ))
            .command("ritual list")
            .plain(". Nothing was changed.");
        Stop::Reply(Reply::invalid(text))
    };
    let ritual = scope
        .store()
        .ritual(scope.tenant, id)
        .await?
        .ok_or_else(not_yours)?;
    let team = scope
        .store()
        .team_by_id(scope.tenant, ritual.team)
        .await?
        .ok_or_else(not_yours)?;
    if !(scope.is_admin() || scope.role(&team).await? == Some(Role::Manager)) {
        return Err(not_yours());
    }
    scope
        .store()
        .set_ritual_paused(scope.tenant, ritual.id, paused)
        .await?;
    let verb = if paused { "Paused" } else { "Resumed" };
    let text = Text::new()
        .plain(format!("{verb} ritual #{} ", ritual.id.0))
        .strong(ritual.name)
        .plain(if paused {
            ": its events start nothing until you resume it."
        } else {
            "."
        });
    Ok(Reply {
        text,
        outcome: Outcome::Changed,
    })
}

fn triggers_text(ritual: &Ritual) -> Text {
    let mut text = Text::new();
    for (i, trigger) in ritual.triggers.iter().enumerate() {
        if i > 0 {
            text = text.plain(" or ");
        }
        text = text.code(trigger.to_string());
    }
    let from_feed = ritual.triggers.iter().any(|t| t.source == Source::Ics);
    if from_feed && ritual.schedule.is_none() && ritual.prompt_before_minutes > 0 {
        text = text.plain(format!(
            " ({} minutes before the meeting's moment)",
            ritual.prompt_before_minutes
        ));
    }
    if let Some(schedule) = &ritual.schedule {
        if !ritual.triggers.is_empty() {
            text = text.plain(" and ");
        }
        text = text.plain("on the schedule ").code(schedule.clone());
        if ritual.prompt_before_minutes > 0 {
            text = text.plain(format!(
                " ({} minutes before, in the team's time zone)",
                ritual.prompt_before_minutes
            ));
        } else {
            text = text.plain(" (in the team's time zone)");
        }
    }
    text
}
