//! Writing a checked plan: first what only the database can tell ([`check_against_store`]), then
//! one step per kind of record — people, capabilities, teams with their membership, digest
//! schedules, targets, absences, rituals — in that order. Every step compares with what is stored
//! first, so a second apply changes nothing and records no decision.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::file::ApplyFile;
use super::plan::{Plan, PlannedCapability, PlannedTeam, Problems};
use super::report::{ApplyError, ApplySummary, Counts, Problem};
use super::{APPLY_ACTOR, APPLY_ACTOR_NAME};
use crate::domain::command::{DateRange, MembershipChange};
use crate::domain::decision::{Absence, Decision, NewDecision, Target};
use crate::domain::event::Selector;
use crate::domain::ids::{CapabilityId, PersonId, TenantId};
use crate::domain::{DecisionSource, name_key};
use crate::store::{Freshness, NewRitual, NewTeam, Role, Store, StoreError, Team};

/// What only the database can tell: a home channel the file gives a team that already belongs
/// to a team the file does not move elsewhere.
pub(super) async fn check_against_store(
    store: &Store,
    file: &ApplyFile,
    plan: &Plan<'_>,
) -> Result<(), ApplyError> {
    let Some(tenant) = store.find_tenant(plan.platform, plan.workspace_id).await? else {
        return Ok(());
    };
    let mut problems = Problems::new(&file.source);
    for found in crate::catalogue::check_titles(store, tenant, &plan.modules).await? {
        problems.add_at_line(found.line, &found.what, found.message);
    }
    for team in &plan.teams {
        let Some(channel) = team.channel else {
            continue;
        };
        let Some(roster) = store
            .channel_roster(tenant, channel, Freshness::Fresh)
            .await?
        else {
            continue;
        };
        let owner = &roster.team;
        if name_key(&owner.name) == name_key(team.name) {
            continue;
        }
        // Fine if the owner is in the file with another channel: it moves away first.
        let moves_away = plan
            .teams
            .iter()
            .any(|t| name_key(t.name) == name_key(&owner.name) && t.channel.is_some());
        if !moves_away {
            problems.add(
                team.span.clone(),
                &format!("team {:?}", team.name),
                format!(
                    "channel `{channel}` is the home of team {:?}, which this file does not move to another channel",
                    owner.name
                ),
            );
        }
    }
    problems.finish()
}

/// Writes the plan, step by step, counting what each step did.
pub(super) async fn write(
    store: &Store,
    plan: &Plan<'_>,
    at: DateTime<Utc>,
) -> Result<ApplySummary, ApplyError> {
    let mut summary = ApplySummary::default();
    let tenant = store.tenant(plan.platform, plan.workspace_id, at).await?;
    summary.tenant = Some(tenant);
    let actor = store
        .person(tenant, APPLY_ACTOR, Some(APPLY_ACTOR_NAME), at)
        .await?
        .id;
    let writer = Writer {
        store,
        tenant,
        actor,
        at,
    };
    let people = writer.people(plan, &mut summary.people).await?;
    let capabilities = writer
        .capabilities(&plan.capabilities, &mut summary.capabilities)
        .await?;
    writer.modules(plan, &mut summary).await?;
    let existing = writer.existing_teams(&plan.teams).await?;
    for (planned, stored) in plan.teams.iter().zip(existing) {
        let team = writer.team(planned, stored, &people, &mut summary).await?;
        writer.digest(planned, &team).await?;
        writer
            .targets(planned, &team, &capabilities, &mut summary)
            .await?;
        writer
            .absences(planned, &team, &people, &mut summary)
            .await?;
        writer.rituals(planned, &team, &mut summary.rituals).await?;
    }
    Ok(summary)
}

/// Where, when and as whom one apply writes.
struct Writer<'s> {
    store: &'s Store,
    tenant: TenantId,
    /// The person the decisions are recorded as: [`APPLY_ACTOR`].
    actor: PersonId,
    at: DateTime<Utc>,
}

/// A capability's id and its stored name (the name decisions quote, as chat's do), by name key.
type CapabilityIds = HashMap<String, (CapabilityId, String)>;

impl Writer<'_> {
    /// Everyone the file names, created or renamed; their ids by user id.
    async fn people<'f>(
        &self,
        plan: &Plan<'f>,
        counts: &mut Counts,
    ) -> Result<HashMap<&'f str, PersonId>, StoreError> {
        let (store, tenant, at) = (self.store, self.tenant, self.at);
        let mut people: HashMap<&str, PersonId> = HashMap::new();
        for (user_id, name) in &plan.people {
            let before = store.find_person(tenant, user_id).await?;
            let after = store.person(tenant, user_id, *name, at).await?;
            match before {
                None => counts.created += 1,
                Some(before) if before.display_name != after.display_name => {
                    counts.updated += 1;
                }
                Some(_) => counts.unchanged += 1,
            }
            people.insert(user_id, after.id);
        }
        Ok(people)
    }

    /// The library's capabilities, added or with their description and family updated.
    async fn capabilities(
        &self,
        planned: &[PlannedCapability<'_>],
        counts: &mut Counts,
    ) -> Result<CapabilityIds, StoreError> {
        let (store, tenant, at) = (self.store, self.tenant, self.at);
        let mut capabilities = CapabilityIds::new();
        for cap in planned {
            let stored = match store.capability_by_name(tenant, cap.name).await? {
                None => {
                    counts.created += 1;
                    store
                        .add_capability(
                            tenant,
                            cap.name,
                            cap.description.flatten(),
                            cap.family.flatten(),
                            at,
                        )
                        .await?
                }
                Some(stored) => {
                    let description = cap.description.unwrap_or(stored.description.as_deref());
                    let family = cap.family.unwrap_or(stored.family.as_deref());
                    if description == stored.description.as_deref()
                        && family == stored.family.as_deref()
                    {
                        counts.unchanged += 1;
                        stored
                    } else {
                        counts.updated += 1;
                        store
                            .update_capability(tenant, stored.id, description, family)
                            .await?
                            .unwrap_or(stored)
                    }
                }
            };
            capabilities.insert(name_key(cap.name), (stored.id, stored.name));
        }
        Ok(capabilities)
    }

    /// The library's modules, added or changed, as decisions recorded in one transaction.
    async fn modules(&self, plan: &Plan<'_>, summary: &mut ApplySummary) -> Result<(), ApplyError> {
        if plan.modules.is_empty() {
            return Ok(());
        }
        let actor = crate::catalogue::Actor {
            user_id: APPLY_ACTOR,
            name: APPLY_ACTOR_NAME,
        };
        let written =
            crate::catalogue::write(self.store, self.tenant, actor, &plan.modules, self.at)
                .await
                .map_err(|e| match e {
                    crate::catalogue::WriteError::Store(e) => ApplyError::Store(e),
                    crate::catalogue::WriteError::Invalid(found) => ApplyError::Invalid(
                        found
                            .into_iter()
                            .map(|p| Problem {
                                line: p.line,
                                column: None,
                                what: p.what,
                                message: p.message,
                            })
                            .collect(),
                    ),
                })?;
        summary.modules.created += written.added;
        summary.modules.updated += written.updated;
        summary.modules.unchanged += written.unchanged;
        summary.decisions += written.decisions();
        Ok(())
    }

    /// The stored teams the file names, found first, with any home channel another team in the
    /// file takes over freed, so two teams can swap channels in one apply.
    async fn existing_teams(
        &self,
        planned: &[PlannedTeam<'_>],
    ) -> Result<Vec<Option<Team>>, StoreError> {
        let mut existing: Vec<Option<Team>> = Vec::with_capacity(planned.len());
        for team in planned {
            existing.push(self.store.team_by_name(self.tenant, team.name).await?);
        }
        for (i, stored) in existing.iter_mut().enumerate() {
            let Some(team) = stored else { continue };
            let Some(home) = team.home_channel.clone() else {
                continue;
            };
            let taken_by_other = planned
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.channel == Some(home.as_str()));
            if taken_by_other {
                *team = self.store.update_team(team, team.tz, None).await?;
            }
        }
        Ok(existing)
    }

    /// A team created, or its settings and membership brought in line with the file.
    async fn team(
        &self,
        planned: &PlannedTeam<'_>,
        stored: Option<Team>,
        people: &HashMap<&str, PersonId>,
        summary: &mut ApplySummary,
    ) -> Result<Team, StoreError> {
        let managers = ids(people, &planned.managers);
        let members = ids(people, &planned.members);
        let Some(team) = stored else {
            summary.teams.created += 1;
            summary.memberships.created += managers.len() + members.len();
            return self
                .store
                .create_team(
                    self.tenant,
                    NewTeam {
                        name: planned.name,
                        tz: planned.tz,
                        home_channel: planned.channel,
                        managers: &managers,
                        members: &members,
                    },
                    self.at,
                )
                .await;
        };
        let channel = planned.channel.or(team.home_channel.as_deref());
        let settings_changed = team.tz != planned.tz || team.home_channel.as_deref() != channel;
        let team = if settings_changed {
            let channel = channel.map(str::to_owned);
            self.store
                .update_team(&team, planned.tz, channel.as_deref())
                .await?
        } else {
            team
        };
        let membership = sync_membership(self.store, &team, &managers, &members, self.at).await?;
        summary.memberships.created += membership.created;
        summary.memberships.updated += membership.updated;
        summary.memberships.removed += membership.removed;
        summary.memberships.unchanged += membership.unchanged;
        if settings_changed || membership.changed() {
            summary.teams.updated += 1;
        } else {
            summary.teams.unchanged += 1;
        }
        Ok(team)
    }

    /// The digest schedule, when the file gives one and it differs.
    async fn digest(&self, planned: &PlannedTeam<'_>, team: &Team) -> Result<(), StoreError> {
        if let Some(wanted) = &planned.digest
            && self.store.digest_schedule(team).await? != *wanted
        {
            self.store
                .set_digest_schedule(team, wanted.as_deref())
                .await?;
        }
        Ok(())
    }

    /// A `target` decision for each target whose count differs from the stored one.
    async fn targets(
        &self,
        planned: &PlannedTeam<'_>,
        team: &Team,
        capabilities: &CapabilityIds,
        summary: &mut ApplySummary,
    ) -> Result<(), ApplyError> {
        let stored_targets = self.store.targets_of(team).await?;
        for (name, count) in &planned.targets {
            let Some((capability, cap_name)) = capabilities.get(&name_key(name)) else {
                continue;
            };
            let capability = *capability;
            match stored_targets.get(&capability) {
                Some(stored) if stored == count => {
                    summary.targets.unchanged += 1;
                    continue;
                }
                Some(_) => summary.targets.updated += 1,
                None => summary.targets.created += 1,
            }
            self.store
                .record(&NewDecision {
                    tenant: self.tenant,
                    team: Some(team.id),
                    actor: self.actor,
                    subject: None,
                    capability: Some(capability),
                    occurrence: None,
                    channel: None,
                    source: DecisionSource::Api,
                    decision: Decision::Target(
                        Target::new(cap_name, *count)
                            .map_err(|e| invalid_decision(&team.name, e))?,
                    ),
                    follow_up: None,
                    idempotency_key: None,
                    at: self.at,
                    roster: None,
                })
                .await?;
            summary.decisions += 1;
        }
        Ok(())
    }

    /// An `absence` decision for each absence not stored yet for the same person and days.
    async fn absences(
        &self,
        planned: &PlannedTeam<'_>,
        team: &Team,
        people: &HashMap<&str, PersonId>,
        summary: &mut ApplySummary,
    ) -> Result<(), ApplyError> {
        let mut stored_absences: HashMap<PersonId, Vec<DateRange>> = HashMap::new();
        for (user_id, dates) in &planned.absences {
            let Some(person) = people.get(user_id).copied() else {
                continue;
            };
            let stored = match stored_absences.entry(person) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(unknown) => {
                    unknown.insert(self.store.absences_of(self.tenant, person).await?)
                }
            };
            if stored.contains(dates) {
                summary.absences.unchanged += 1;
                continue;
            }
            self.store
                .record(&NewDecision {
                    tenant: self.tenant,
                    team: Some(team.id),
                    actor: self.actor,
                    subject: Some(person),
                    capability: None,
                    occurrence: None,
                    channel: None,
                    source: DecisionSource::Api,
                    decision: Decision::Absence(
                        Absence::new(user_id, *dates)
                            .map_err(|e| invalid_decision(&team.name, e))?,
                    ),
                    follow_up: None,
                    idempotency_key: None,
                    at: self.at,
                    roster: None,
                })
                .await?;
            stored.push(*dates);
            summary.absences.created += 1;
            summary.decisions += 1;
        }
        Ok(())
    }

    /// Each ritual added, or updated when anything the file describes differs.
    async fn rituals(
        &self,
        planned: &PlannedTeam<'_>,
        team: &Team,
        counts: &mut Counts,
    ) -> Result<(), StoreError> {
        for ritual in &planned.rituals {
            let wanted = NewRitual {
                team,
                kind: ritual.kind,
                name: &ritual.name,
                channel_id: ritual.channel,
                prompt_on: ritual.prompt_on,
                artefact: ritual.kind.artefact(),
                nudge_after_minutes: ritual.nudge_after_minutes,
                triggers: &ritual.triggers,
                schedule: ritual.schedule.as_deref(),
                prompt_before_minutes: ritual.prompt_before_minutes,
            };
            match self.store.ritual_by_name(team, &ritual.name).await? {
                None => {
                    self.store.add_ritual(wanted, self.at).await?;
                    counts.created += 1;
                }
                Some(stored) => {
                    let stored_triggers: BTreeSet<String> =
                        stored.triggers.iter().map(Selector::to_string).collect();
                    let wanted_triggers: BTreeSet<String> =
                        ritual.triggers.iter().map(Selector::to_string).collect();
                    let same = stored.kind == wanted.kind
                        && stored.name == wanted.name
                        && stored.channel_id == wanted.channel_id
                        && stored.prompt_on == wanted.prompt_on
                        && stored.artefact == wanted.artefact
                        && stored.nudge_after_minutes == wanted.nudge_after_minutes
                        && stored.schedule.as_deref() == wanted.schedule
                        && stored.prompt_before_minutes == wanted.prompt_before_minutes
                        && stored_triggers == wanted_triggers;
                    if same {
                        counts.unchanged += 1;
                    } else {
                        self.store.update_ritual(stored.id, wanted, self.at).await?;
                        counts.updated += 1;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The person ids of some user ids.
fn ids(people: &HashMap<&str, PersonId>, users: &[&str]) -> Vec<PersonId> {
    users
        .iter()
        .filter_map(|u| people.get(u).copied())
        .collect()
}

/// A decision the file asks for that the decision rules refuse.
fn invalid_decision(team: &str, problem: crate::domain::decision::Invalid) -> ApplyError {
    ApplyError::Invalid(vec![Problem {
        line: None,
        column: None,
        what: format!("team \"{team}\""),
        message: problem.0,
    }])
}

/// Makes the team's managers exactly `managers`, adds `members`, and removes everyone else.
async fn sync_membership(
    store: &Store,
    team: &Team,
    managers: &[PersonId],
    members: &[PersonId],
    at: DateTime<Utc>,
) -> Result<Counts, StoreError> {
    let current: HashMap<PersonId, Role> = store
        .members(team)
        .await?
        .into_iter()
        .map(|m| (m.person.id, m.role))
        .collect();
    let mut counts = Counts::default();
    let wanted_managers: HashSet<PersonId> = managers.iter().copied().collect();
    let current_managers: HashSet<PersonId> = current
        .iter()
        .filter(|(_, role)| **role == Role::Manager)
        .map(|(id, _)| *id)
        .collect();
    for id in managers {
        match current.get(id) {
            None => counts.created += 1,
            Some(Role::Member) => counts.updated += 1,
            Some(Role::Manager) => counts.unchanged += 1,
        }
    }
    let mut to_add = Vec::new();
    for id in members {
        match current.get(id) {
            None => {
                counts.created += 1;
                to_add.push(*id);
            }
            // Demoted by the managers change below.
            Some(Role::Manager) => counts.updated += 1,
            Some(Role::Member) => counts.unchanged += 1,
        }
    }
    let to_remove: Vec<PersonId> = current
        .keys()
        .filter(|id| !wanted_managers.contains(id) && !members.contains(id))
        .copied()
        .collect();
    counts.removed = to_remove.len();

    if wanted_managers != current_managers {
        store
            .change_membership(team, MembershipChange::Managers, managers, at)
            .await?;
    }
    if !to_add.is_empty() {
        store
            .change_membership(team, MembershipChange::Add, &to_add, at)
            .await?;
    }
    if !to_remove.is_empty() {
        store
            .change_membership(team, MembershipChange::Remove, &to_remove, at)
            .await?;
    }
    Ok(counts)
}
