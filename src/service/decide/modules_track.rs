//! Tracks built from the module library: `track "name" modules "A" > "B" [pace 2/week]` and
//! `track order` (a team's managers compose and reorder their team's tracks from approved
//! modules), `pace [@person] "track" 1/sprint` (the track's rhythm, or one person's on it), and
//! `done [@person] "module"` (a module finished, recorded by the person or their manager).
//! Progress shows in `me`; the outcome still counts only through levels and mastery.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, ModuleDone, SetPace, TrackModules};
use crate::domain::ids::ModuleId;
use crate::domain::library::ModuleState;
use crate::domain::name_key;
use crate::domain::pace::Pace;
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};
use crate::store::{Team, TrackPlan};

fn invalid(text: Text) -> Stop {
    Reply::invalid(text.plain(" Nothing was recorded.")).into()
}

/// The approved module titled `title`, or why it cannot be used.
async fn usable_module(scope: &Scope<'_>, title: &str) -> Result<(String, ModuleId), Stop> {
    let Some(module) = scope.store().module_by_title(scope.tenant, title).await? else {
        return Err(invalid(
            Text::new()
                .plain("There's no module called ")
                .strong(title)
                .plain(" in the library; ")
                .command("module list")
                .plain(" shows what there is."),
        ));
    };
    let why = match module.state {
        ModuleState::Approved => return Ok((module.title, module.id)),
        ModuleState::Retired => " is retired.",
        ModuleState::Proposed | ModuleState::Commissioned => {
            " is not approved yet: L&D approves modules for tracks with `module approve`."
        }
    };
    Err(invalid(Text::new().strong(module.title).plain(why)))
}

/// The track `name` if `team` may change it: one no other team has composed.
async fn own_track(scope: &Scope<'_>, team: &Team, name: &str) -> Result<Option<TrackPlan>, Stop> {
    let plan = scope.store().track_plan(scope.tenant, name).await?;
    if let Some(plan) = &plan
        && plan.team.is_some_and(|owner| owner != team.id)
    {
        return Err(Reply::refused(
            Text::new()
                .strong(plan.name.clone())
                .plain(" is another team's track; its managers change it. Nothing was recorded."),
        )
        .into());
    }
    Ok(plan)
}

/// "1. A → 2. B → 3. C".
fn listed(modules: &[(String, ModuleId)]) -> String {
    modules
        .iter()
        .enumerate()
        .map(|(i, (title, _))| format!("{}. {title}", i + 1))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// `track "name" modules "A" > "B" [pace …]`.
pub(in crate::service) async fn compose(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    track: &str,
    modules: &[String],
    pace: Option<Pace>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    own_track(scope, &team, track).await?;
    let mut chosen = Vec::with_capacity(modules.len());
    for title in modules {
        chosen.push(usable_module(scope, title).await?);
    }
    let decision = TrackModules::new(track, &chosen, pace).map_err(refused)?;
    let mut confirmation = Text::new().plain("Track ").strong(track).plain(format!(
        " for {}: {}",
        team.name,
        listed(&chosen)
    ));
    if let Some(pace) = pace {
        confirmation = confirmation.plain(format!(", pace {pace}"));
    }
    let confirmation = confirmation
        .plain(". Approving someone onto it (")
        .command(format!("approve @person track \"{track}\""))
        .plain(") enrols them.");
    let draft = Draft::new(Decision::TrackModules(decision), None, None, confirmation);
    record(scope, &team, draft).await
}

/// `track order "name" "B" > "A"`: every module of the track, once, in a new order.
pub(in crate::service) async fn reorder(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    track: &str,
    modules: &[String],
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let Some(plan) = own_track(scope, &team, track)
        .await?
        .filter(|p| !p.modules.is_empty())
    else {
        return Err(invalid(
            Text::new()
                .strong(track)
                .plain(" has no modules yet; compose it with ")
                .command(format!("track \"{track}\" modules \"A\" > \"B\"")),
        ));
    };
    let mut ordered = Vec::with_capacity(modules.len());
    for title in modules {
        match plan
            .modules
            .iter()
            .find(|(_, t)| name_key(t) == name_key(title))
        {
            Some((id, t)) => ordered.push((t.clone(), *id)),
            None => {
                return Err(invalid(
                    Text::new()
                        .strong(title.clone())
                        .plain(" is not on the track ")
                        .strong(plan.name.clone())
                        .plain("."),
                ));
            }
        }
    }
    if ordered.len() != plan.modules.len() {
        let all: Vec<&str> = plan.modules.iter().map(|(_, t)| t.as_str()).collect();
        return Err(invalid(Text::new().plain(format!(
            "List every module of the track once, in the new order: {}.",
            all.join(", ")
        ))));
    }
    let decision = TrackModules::new(&plan.name, &ordered, None).map_err(refused)?;
    let confirmation = Text::new()
        .plain("New order for ")
        .strong(plan.name.clone())
        .plain(format!(": {}.", listed(&ordered)));
    let draft = Draft::new(Decision::TrackModules(decision), None, None, confirmation);
    record(scope, &team, draft).await
}

/// `pace [@person] "track" N/week|N/sprint`.
pub(in crate::service) async fn pace(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: Option<&UserRef>,
    track: &str,
    pace: Pace,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    let Some(plan) = own_track(scope, &team, track)
        .await?
        .filter(|p| p.team.is_some())
    else {
        return Err(invalid(
            Text::new()
                .strong(track)
                .plain(" is not one of this team's tracks; compose it first with ")
                .command(format!("track \"{track}\" modules \"A\" > \"B\"")),
        ));
    };
    let (subject, confirmation) = match person {
        Some(user) => {
            let who = scope.member(&team, user).await?;
            if scope
                .store()
                .enrolment(scope.tenant, plan.id, who.id)
                .await?
                .is_none()
            {
                return Err(invalid(
                    Text::new()
                        .mention(who.user_id.clone())
                        .plain(" is not on the ")
                        .strong(plan.name.clone())
                        .plain(" track; approve them onto it first."),
                ));
            }
            let text = Text::new()
                .plain(format!("Pace {pace} for "))
                .mention(who.user_id.clone())
                .plain(" on ")
                .strong(plan.name.clone())
                .plain(".");
            (Some(who), text)
        }
        None => (
            None,
            Text::new()
                .plain(format!("Pace {pace} for everyone on "))
                .strong(plan.name.clone())
                .plain(" (a person's own pace still applies to them)."),
        ),
    };
    let decision = SetPace {
        track: plan.name.clone(),
        person: subject.as_ref().map(|p| p.user_id.clone()),
        pace,
    };
    let draft = Draft::new(
        Decision::Pace(decision),
        subject.map(|p| p.id),
        None,
        confirmation,
    );
    record(scope, &team, draft).await
}

/// `done [@person] "module"`: the author's own, or (for managers) a team member's.
pub(in crate::service) async fn done(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: Option<&UserRef>,
    module: &str,
) -> Result<Reply, Stop> {
    let someone_else = person.filter(|p| p.id != scope.actor.user_id);
    let right = if someone_else.is_some() {
        Right::Managers
    } else {
        Right::Members
    };
    let team = team_for(scope, named_team, right).await?;
    let who = match someone_else {
        Some(user) => scope.member(&team, user).await?,
        None => scope.actor.clone(),
    };
    let Some(found) = scope.store().module_by_title(scope.tenant, module).await? else {
        return Err(invalid(
            Text::new()
                .plain("There's no module called ")
                .strong(module)
                .plain(" in the library."),
        ));
    };
    let tracks = scope
        .store()
        .tracks_holding(scope.tenant, who.id, found.id)
        .await?;
    if tracks.is_empty() {
        return Err(invalid(
            Text::new()
                .strong(found.title.clone())
                .plain(" is not on any track ")
                .mention(who.user_id.clone())
                .plain(" is approved for."),
        ));
    }
    if let Some(at) = scope
        .store()
        .completed_at(scope.tenant, who.id, found.id)
        .await?
    {
        return Err(invalid(
            Text::new()
                .mention(who.user_id.clone())
                .plain(" finished ")
                .strong(found.title.clone())
                .plain(format!(" on {} already.", at.format("%-d %b %Y"))),
        ));
    }
    let decision = ModuleDone {
        person: who.user_id.clone(),
        module: found.title.clone(),
        module_id: found.id,
    };
    let confirmation = Text::new()
        .mention(who.user_id.clone())
        .plain(" finished ")
        .strong(found.title.clone())
        .plain(format!(" ({}).", tracks.join(", ")))
        .plain(" Levels still say what they can do: set them with ")
        .command("level")
        .plain(" when it shows.");
    let draft = Draft::new(
        Decision::ModuleDone(decision),
        Some(who.id),
        found.capability,
        confirmation,
    );
    record(scope, &team, draft).await
}
