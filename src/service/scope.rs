//! Who is asking, for which team, about whom: resolution of names to records, and the
//! authorisation rules of design.md §3 (admins set up; a team's managers decide for it; members
//! read their own profile, request tracks and record their own absences).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::{Commands, Invocation, Reply};
use crate::domain::card::Card;
use crate::domain::command::UserRef;
use crate::domain::ids::{PersonId, RosterVersion, TenantId};
use crate::domain::similar::closest;
use crate::domain::text::Text;
use crate::store::{
    Capability, Delivery, Freshness, NewMessage, Person, Role, Roster, StoreError, Team,
};

/// Why a command stops early: a reply to the author, or a store failure.
#[derive(Debug)]
pub enum Stop {
    /// Tell the author this; nothing was recorded.
    Reply(Reply),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Store(e)
    }
}

impl From<Reply> for Stop {
    fn from(r: Reply) -> Self {
        Stop::Reply(r)
    }
}

/// Turns the outcome of a command body into the service's result.
pub fn finish(result: Result<Reply, Stop>) -> Result<Reply, StoreError> {
    match result {
        Ok(reply) | Err(Stop::Reply(reply)) => Ok(reply),
        Err(Stop::Store(e)) => Err(e),
    }
}

/// The context a command runs in.
#[derive(Debug)]
pub struct Scope<'a> {
    /// The service, for its store and clock.
    pub commands: &'a Commands,
    /// The request.
    pub invocation: &'a Invocation,
    /// The tenant.
    pub tenant: TenantId,
    /// The author.
    pub actor: Person,
    /// The people the command names, resolved when the scope opened.
    mentioned: HashMap<String, Person>,
    /// Whether a decision's team and roster may come from memory (see `store/rosters.rs`).
    rosters: Freshness,
    /// The roster learnt together with the channel's team, to save a query per person, and
    /// whether it may have come from memory.
    roster: Mutex<Option<(Arc<Roster>, Freshness)>>,
}

impl<'a> Scope<'a> {
    /// Resolves the tenant, the author and the people the command names, creating them on
    /// first sight.
    pub async fn open(
        commands: &'a Commands,
        invocation: &'a Invocation,
        people: &[&UserRef],
    ) -> Result<Self, StoreError> {
        Self::open_with(commands, invocation, people, Freshness::Fresh).await
    }

    /// The same, with `rosters` saying whether a decision may take its team and roster from
    /// memory.
    pub async fn open_with(
        commands: &'a Commands,
        invocation: &'a Invocation,
        people: &[&UserRef],
        rosters: Freshness,
    ) -> Result<Self, StoreError> {
        let now = commands.clock.now();
        let tenant = commands
            .store
            .tenant(invocation.platform, &invocation.tenant, now)
            .await?;
        let actor = commands
            .store
            .person(
                tenant,
                &invocation.user_id,
                Some(&invocation.user_name),
                now,
            )
            .await?;
        let mut mentioned = HashMap::new();
        // Only look people up here: nobody is written before the command is authorised.
        for user in people {
            if let Some(person) = commands.store.find_person(tenant, &user.id).await? {
                mentioned.insert(user.id.clone(), person);
            }
        }
        Ok(Scope {
            commands,
            invocation,
            tenant,
            actor,
            mentioned,
            rosters,
            roster: Mutex::new(None),
        })
    }

    /// Queues `card` for the author's eyes only in `channel`; `kind` names it in the message's
    /// idempotency key (one per author, channel and instant).
    pub async fn show_privately(
        &self,
        channel: &str,
        kind: &str,
        card: &Card,
    ) -> Result<(), StoreError> {
        let key = format!(
            "{kind}:{}:{}:{}",
            self.actor.user_id,
            channel,
            self.now().timestamp_millis()
        );
        self.store()
            .enqueue(
                &NewMessage {
                    tenant: self.tenant,
                    idempotency_key: key,
                    channel_id: channel,
                    delivery: Delivery::Ephemeral(self.actor.user_id.clone()),
                    card: serde_json::to_value(card).unwrap_or_default(),
                    occurrence: None,
                },
                self.now(),
            )
            .await?;
        self.commands.wake_outbox();
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &crate::store::Store {
        &self.commands.store
    }

    /// Now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.commands.clock.now()
    }

    /// Today in the team's time zone (UTC if the stored zone is unknown).
    pub fn today(&self, team: &Team) -> NaiveDate {
        self.now().with_timezone(&team.tz).date_naive()
    }

    /// Whether the author is listed in `CADENCE_ADMINS`: they may act for any team.
    pub fn is_admin(&self) -> bool {
        self.commands.is_configured_admin(&self.invocation.user_id)
    }

    /// Whether the author may set up teams and capabilities: a Cadence admin, or a workspace
    /// admin or owner according to the platform.
    pub fn may_set_up(&self) -> bool {
        self.invocation.workspace_admin || self.is_admin()
    }

    /// The team a command is for: `team:NAME` if given, else the channel's team, else the one
    /// team the author manages or belongs to.
    pub async fn team(&self, named: Option<&str>) -> Result<Team, Stop> {
        self.team_with(named, Freshness::Fresh).await
    }

    /// The team a decision is for, found as [`Scope::team`] finds it; the channel's team and
    /// roster may come from memory, since recording the decision checks they are current.
    pub async fn team_to_decide(&self, named: Option<&str>) -> Result<Team, Stop> {
        self.team_with(named, self.rosters).await
    }

    /// The roster version a decision for `team` was authorised against, if its roster may have
    /// come from memory: the store refuses the decision if the roster has changed since.
    pub fn roster_checked(&self, team: &Team) -> Option<RosterVersion> {
        let known = self.roster.lock().ok()?;
        match known.as_ref() {
            Some((roster, Freshness::Cached)) if roster.team.id == team.id => Some(roster.version),
            _ => None,
        }
    }

    /// Whether this command read a roster that may have come from memory.
    pub fn used_cached_roster(&self) -> bool {
        self.roster
            .lock()
            .is_ok_and(|known| matches!(known.as_ref(), Some((_, Freshness::Cached))))
    }

    async fn team_with(&self, named: Option<&str>, freshness: Freshness) -> Result<Team, Stop> {
        let store = self.store();
        if let Some(name) = named {
            if let Some(team) = store.team_by_name(self.tenant, name).await? {
                return Ok(team);
            }
            let names = store.team_names(self.tenant).await?;
            let mut text = Text::new()
                .plain("There's no team called ")
                .strong(name)
                .plain(".");
            if let Some(near) = closest(name, &names) {
                text = text.plain(" Did you mean ").strong(near).plain("?");
            }
            return Err(Reply::invalid(text.plain(" Nothing was recorded.")).into());
        }
        if let Some(channel) = &self.invocation.channel_id
            && let Some(roster) = store
                .channel_roster(self.tenant, channel, freshness)
                .await?
        {
            let team = roster.team.clone();
            if let Ok(mut known) = self.roster.lock() {
                *known = Some((roster, freshness));
            }
            return Ok(team);
        }
        let mine = store.teams_of(self.tenant, self.actor.id).await?;
        let managed: Vec<&Team> = mine
            .iter()
            .filter(|(_, role)| *role == Role::Manager)
            .map(|(t, _)| t)
            .collect();
        if managed.len() == 1 {
            return Ok(managed[0].clone());
        }
        if mine.len() == 1 {
            return Ok(mine[0].0.clone());
        }
        let text = if mine.is_empty() {
            Text::new()
                .plain("This channel isn't a team's home channel and you're not in a team yet. ")
                .plain("Create one with ")
                .command("team create NAME managers @you members @them")
                .plain(".")
        } else {
            let names: Vec<String> = mine.iter().map(|(t, _)| t.name.clone()).collect();
            Text::new()
                .plain("This channel isn't a team's home channel. Run the command in the team's channel, or add ")
                .code("team:NAME")
                .plain(format!(" (your teams: {}).", names.join(", ")))
        };
        Err(Reply::invalid(text.plain(" Nothing was recorded.")).into())
    }

    /// The author's role in `team`, if any.
    pub async fn role(&self, team: &Team) -> Result<Option<Role>, Stop> {
        self.role_of(team, self.actor.id).await
    }

    /// A person's current role in `team`, from the roster the team query learnt or from the
    /// store.
    async fn role_of(&self, team: &Team, person: PersonId) -> Result<Option<Role>, Stop> {
        if let Ok(known) = self.roster.lock()
            && let Some((roster, _)) = known.as_ref().filter(|(r, _)| r.team.id == team.id)
        {
            return Ok(roster.roles.get(&person).copied());
        }
        Ok(self.store().role_in(team, person).await?)
    }

    /// Refuses, saying the author may not `what` the team, unless they manage `team` or are an
    /// admin.
    pub async fn require_manager(&self, team: &Team, what: &str) -> Result<(), Stop> {
        if self.is_admin() || self.role(team).await? == Some(Role::Manager) {
            return Ok(());
        }
        Err(self.refusal(team, what).await?.into())
    }

    /// A refusal naming the team's managers, so the author knows whom to ask.
    pub async fn refusal(&self, team: &Team, what: &str) -> Result<Reply, Stop> {
        let managers: Vec<String> = self
            .store()
            .members(team)
            .await?
            .into_iter()
            .filter(|m| m.role == Role::Manager)
            .map(|m| m.person.user_id)
            .collect();
        let mut text = Text::new()
            .plain(format!("Only the team's managers can {what} "))
            .strong(team.name.clone())
            .plain(".");
        if !managers.is_empty() {
            text = text.plain(" Ask ");
            for (i, id) in managers.iter().enumerate() {
                if i > 0 {
                    text = text.plain(if i + 1 == managers.len() {
                        " or "
                    } else {
                        ", "
                    });
                }
                text = text.mention(id.clone());
            }
            text = text.plain(".");
        }
        Ok(Reply::refused(text.plain(" Nothing was recorded.")))
    }

    /// The person a mention names, created on first sight.
    pub async fn person(&self, user: &UserRef) -> Result<Person, Stop> {
        Ok(self
            .store()
            .person(self.tenant, &user.id, user.label.as_deref(), self.now())
            .await?)
    }

    /// The person a mention names, who must currently belong to `team`.
    pub async fn member(&self, team: &Team, user: &UserRef) -> Result<Person, Stop> {
        let known = match self.mentioned.get(&user.id) {
            Some(person) => Some(person.clone()),
            None => self.store().find_person(self.tenant, &user.id).await?,
        };
        if let Some(person) = known
            && self.role_of(team, person.id).await?.is_some()
        {
            return Ok(person);
        }
        let name = user.label.clone().unwrap_or_else(|| user.id.clone());
        let text = Text::new()
            .mention(user.id.clone())
            .plain(" isn't in ")
            .strong(team.name.clone())
            .plain(". Add them with ")
            .command(format!("team add @{name}"))
            .plain(" first. Nothing was recorded.");
        Err(Reply::invalid(text).into())
    }

    /// The capability with this name, or a reply that suggests the nearest and how to add it.
    pub async fn capability(&self, name: &str) -> Result<Capability, Stop> {
        if let Some(found) = self.store().capability_by_name(self.tenant, name).await? {
            return Ok(found);
        }
        Err(self.unknown_capability(name).await?.into())
    }

    /// The capability with this name, if the library has it.
    pub async fn maybe_capability(&self, name: &str) -> Result<Option<Capability>, Stop> {
        Ok(self.store().capability_by_name(self.tenant, name).await?)
    }

    async fn unknown_capability(&self, name: &str) -> Result<Reply, Stop> {
        let names = self.store().capability_names(self.tenant).await?;
        let mut text = Text::new()
            .plain("There's no capability called ")
            .strong(name)
            .plain(" yet.");
        if let Some(near) = closest(name, &names) {
            text = text.plain(" Did you mean ").strong(near).plain("?");
        }
        text = text
            .plain(" To add it: ")
            .command(format!("capability add \"{name}\" \"what it means\""))
            .plain(". Nothing was recorded.");
        Ok(Reply::invalid(text))
    }
}
