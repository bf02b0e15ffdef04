//! Set-up commands: teams and the capability library, so a workspace can be set up from chat.

use super::scope::{Scope, Stop, finish};
use super::{Outcome, Reply, StoreError};
use crate::domain::command::{ChannelRef, Command, MembershipChange, UserRef};
use crate::domain::ids::{PersonId, TeamId};
use crate::domain::names;
use crate::domain::text::Text;
use crate::store::{NewTeam, Role, Team};

/// Runs `team create`, `team add|remove|managers` or `capability add`.
pub async fn run(
    scope: &Scope<'_>,
    team: Option<&str>,
    command: &Command,
) -> Result<Reply, StoreError> {
    finish(setup(scope, team, command).await)
}

async fn setup(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    command: &Command,
) -> Result<Reply, Stop> {
    match command {
        Command::TeamCreate {
            name,
            managers,
            members,
            tz,
            channel,
        } => create_team(scope, name, managers, members, *tz, channel.as_ref()).await,
        Command::TeamMembers {
            change,
            people: who,
        } => change_members(scope, named_team, *change, who).await,
        Command::CapabilityAdd {
            name,
            description,
            family,
        } => add_capability(scope, name, description.as_deref(), family.as_deref()).await,
        _ => Err(Reply::invalid(Text::new().plain("That is not a set-up command.")).into()),
    }
}

/// `team create`: admins only; the creator manages it unless managers are named.
async fn create_team(
    scope: &Scope<'_>,
    name: &str,
    managers: &[UserRef],
    members: &[UserRef],
    tz: Option<chrono_tz::Tz>,
    channel: Option<&ChannelRef>,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        return Err(admins_only("create teams").into());
    }
    let existing = scope.store().team_names(scope.tenant).await?;
    let name = &new_name("team", name, &existing)?;
    let manager_ids = if managers.is_empty() {
        vec![scope.actor.id]
    } else {
        people(scope, managers).await?
    };
    let member_ids = people(scope, members).await?;
    let home = channel
        .map(|c| c.id.clone())
        .or_else(|| scope.invocation.channel_id.clone());
    let created = scope
        .store()
        .create_team(
            scope.tenant,
            NewTeam {
                name,
                tz: tz.unwrap_or(chrono_tz::Tz::UTC),
                home_channel: home.as_deref(),
                managers: &manager_ids,
                members: &member_ids,
            },
            scope.now(),
        )
        .await;
    let team = match created {
        Ok(team) => team,
        Err(e) if e.is_conflict() => {
            let text = Text::new()
                .plain(format!("Couldn't create {name}: {e}. "))
                .plain("Pick another name or channel. Nothing was changed.");
            return Err(Reply::invalid(text).into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut text = Text::new()
        .plain("Created team ")
        .strong(team.name.clone())
        .plain(format!(
            " ({}) with {} and {}",
            team.tz.name(),
            count(manager_ids.len(), "manager"),
            count(member_ids.len(), "member")
        ));
    if let Some(channel) = &home {
        text = text.plain(", home channel ").channel(channel.clone());
    }
    Ok(Reply {
        text: text.plain("."),
        outcome: Outcome::Changed,
    })
}

/// `team add|remove|managers`: the team's managers or an admin; a manager may not take people
/// from a team they do not manage.
async fn change_members(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    change: MembershipChange,
    who: &[UserRef],
) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    if !(scope.may_set_up() || scope.role(&team).await? == Some(Role::Manager)) {
        return Err(scope
            .refusal(&team, "change the membership of")
            .await?
            .into());
    }
    if change == MembershipChange::Add && !scope.may_set_up() {
        refuse_poaching(scope, &team, who).await?;
    }
    let ids = people(scope, who).await?;
    scope
        .store()
        .change_membership(&team, change, &ids, scope.now())
        .await?;
    let verb = match change {
        MembershipChange::Add => "Added to ",
        MembershipChange::Remove => "Removed from ",
        MembershipChange::Managers => "Managers of ",
    };
    let mut text = Text::new()
        .plain(verb)
        .strong(team.name.clone())
        .plain(": ");
    for (i, user) in who.iter().enumerate() {
        if i > 0 {
            text = text.plain(", ");
        }
        text = text.mention(user.id.clone());
    }
    Ok(Reply {
        text: text.plain("."),
        outcome: Outcome::Changed,
    })
}

/// `capability add`: admins, or anyone who manages a team.
async fn add_capability(
    scope: &Scope<'_>,
    name: &str,
    description: Option<&str>,
    family: Option<&str>,
) -> Result<Reply, Stop> {
    let manages_a_team = scope
        .store()
        .teams_of(scope.tenant, scope.actor.id)
        .await?
        .iter()
        .any(|(_, role)| *role == Role::Manager);
    if !(scope.may_set_up() || manages_a_team) {
        return Err(admins_only("add capabilities").into());
    }
    let existing = scope.store().capability_names(scope.tenant).await?;
    let name = &new_name("capability", name, &existing)?;
    let added = scope
        .store()
        .add_capability(scope.tenant, name, description, family, scope.now())
        .await;
    match added {
        Ok(cap) => {
            let mut text = Text::new().plain("Added capability ").strong(cap.name);
            if let Some(family) = family {
                text = text.plain(" for ").strong(family.to_owned());
            }
            Ok(Reply {
                text: text.plain("."),
                outcome: Outcome::Changed,
            })
        }
        Err(e) if e.is_conflict() => {
            let text = Text::new()
                .plain("The library already has ")
                .strong(name.to_owned())
                .plain(". Nothing was changed.");
            Err(Reply::invalid(text).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// A name someone is creating, as it will be stored (NFC, spaces collapsed): refused when it
/// holds a character that changes how it displays or cannot be seen, or when it looks the same
/// as an existing `kind`'s name without being it (a Cyrillic "Е" for a Latin "E"), which would
/// split one thing into two rows nobody could tell apart.
pub(super) fn new_name(kind: &str, typed: &str, existing: &[String]) -> Result<String, Stop> {
    let name = names::normalise(typed).map_err(|problem| {
        Reply::invalid(
            Text::new()
                .plain(format!("That {kind} name can't be used: {problem}. "))
                .plain("Nothing was changed."),
        )
    })?;
    if let Some(same) = names::confusable_with(&name, existing.iter().map(String::as_str)) {
        let text = Text::new()
            .code(name.clone())
            .plain(format!(" looks the same as the existing {kind} "))
            .strong(same.to_owned())
            .plain(". Use that one, or pick a name that reads differently. Nothing was changed.");
        return Err(Reply::invalid(text).into());
    }
    Ok(name)
}

/// A manager may add people who are in no team yet, or only in teams they also manage. Levels
/// and absences belong to the person, so adding someone from another team would let this
/// manager change what that team's coverage says; that takes an admin or the other team's
/// manager.
async fn refuse_poaching(scope: &Scope<'_>, team: &Team, users: &[UserRef]) -> Result<(), Stop> {
    let store = scope.store();
    let managed: Vec<TeamId> = store
        .teams_of(scope.tenant, scope.actor.id)
        .await?
        .into_iter()
        .filter(|(_, role)| *role == Role::Manager)
        .map(|(t, _)| t.id)
        .collect();
    for user in users {
        let Some(person) = store.find_person(scope.tenant, &user.id).await? else {
            continue;
        };
        let elsewhere = store
            .teams_of(scope.tenant, person.id)
            .await?
            .into_iter()
            .find(|(other, _)| other.id != team.id && !managed.contains(&other.id));
        if let Some((other, _)) = elsewhere {
            let text = Text::new()
                .mention(user.id.clone())
                .plain(" is in ")
                .strong(other.name)
                .plain(". Only an admin or that team's managers can add them to another team. Nothing was changed.");
            return Err(Reply::refused(text).into());
        }
    }
    Ok(())
}

async fn people(scope: &Scope<'_>, users: &[UserRef]) -> Result<Vec<PersonId>, Stop> {
    let mut ids = Vec::with_capacity(users.len());
    for user in users {
        let id = scope.person(user).await?.id;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// "1 manager", "2 members".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

pub(super) fn admins_only(what: &str) -> Reply {
    Reply::refused(
        Text::new()
            .plain(format!(
                "Only workspace admins, owners and Cadence admins can {what}. "
            ))
            .plain("Ask one of them, or ask your admin to add you to ")
            .code("CADENCE_ADMINS")
            .plain(". Nothing was changed."),
    )
}
