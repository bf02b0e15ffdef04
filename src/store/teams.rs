//! Teams and their membership: who manages, who belongs, which channel is home.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{Any, Transaction};

use super::{Person, Store, StoreError, StoreResult, millis};
use crate::domain::command::MembershipChange;
use crate::domain::ids::{PersonId, TeamId, TenantId};
use crate::domain::name_key;

/// A team as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Stored id.
    pub id: TeamId,
    /// Whose team.
    pub tenant: TenantId,
    /// The team's name.
    pub name: String,
    /// The team's time zone (stored as its IANA name).
    pub tz: Tz,
    /// The channel the team's rituals and commands live in.
    pub home_channel: Option<String>,
}

/// A person's role in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Holds the team's decision rights.
    Manager,
    /// Belongs to the team.
    Member,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Member => "member",
        }
    }

    pub(super) fn parse(stored: &str) -> StoreResult<Self> {
        match stored {
            "manager" => Ok(Role::Manager),
            "member" => Ok(Role::Member),
            other => Err(StoreError::Corrupt(format!("unknown team role `{other}`"))),
        }
    }
}

/// A current member of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// Who.
    pub person: Person,
    /// As what.
    pub role: Role,
}

pub(super) type TeamRow = (i64, i64, String, String, Option<String>);

const TEAM_COLUMNS: &str = "id, tenant_id, name, tz, home_channel";

pub(super) fn team_from_row((id, tenant, name, tz, home_channel): TeamRow) -> StoreResult<Team> {
    Ok(Team {
        id: TeamId(id),
        tenant: TenantId(tenant),
        tz: time_zone(&tz)?,
        name,
        home_channel,
    })
}

/// A stored time zone name as a zone; names are checked when set, so another is corruption.
pub(super) fn time_zone(name: &str) -> StoreResult<Tz> {
    name.parse()
        .map_err(|_| StoreError::Corrupt(format!("`{name}` is not a time zone")))
}

impl Store {
    /// The team with this id, within the tenant.
    pub async fn team_by_id(&self, tenant: TenantId, id: TeamId) -> StoreResult<Option<Team>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(team_from_row).transpose()
    }

    /// The team with this name, ignoring case and spacing.
    pub async fn team_by_name(&self, tenant: TenantId, name: &str) -> StoreResult<Option<Team>> {
        let row: Option<TeamRow> = sqlx::query_as(&format!(
            "SELECT {TEAM_COLUMNS} FROM teams WHERE tenant_id = $1 AND name_key = $2"
        ))
        .bind(tenant.0)
        .bind(name_key(name))
        .fetch_optional(&self.read)
        .await?;
        row.map(team_from_row).transpose()
    }

    /// Every team's name in the tenant, for suggestions.
    pub async fn team_names(&self, tenant: TenantId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM teams WHERE tenant_id = $1 ORDER BY name")
                .bind(tenant.0)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// The teams a person currently belongs to, with their role in each.
    pub async fn teams_of(
        &self,
        tenant: TenantId,
        person: PersonId,
    ) -> StoreResult<Vec<(Team, Role)>> {
        let rows: Vec<(i64, i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT t.id, t.tenant_id, t.name, t.tz, t.home_channel, m.role \
             FROM team_members m JOIN teams t ON t.id = m.team_id \
             WHERE m.tenant_id = $1 AND m.person_id = $2 AND m.left_at IS NULL ORDER BY t.name",
        )
        .bind(tenant.0)
        .bind(person.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(id, tenant, name, tz, channel, role)| {
                Ok((
                    team_from_row((id, tenant, name, tz, channel))?,
                    Role::parse(&role)?,
                ))
            })
            .collect()
    }

    /// A person's current role in a team, if they belong to it.
    pub async fn role_in(&self, team: &Team, person: PersonId) -> StoreResult<Option<Role>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT role FROM team_members \
             WHERE tenant_id = $1 AND team_id = $2 AND person_id = $3 AND left_at IS NULL",
        )
        .bind(team.tenant.0)
        .bind(team.id.0)
        .bind(person.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(|(role,)| Role::parse(&role)).transpose()
    }

    /// The team's current members, managers first.
    pub async fn members(&self, team: &Team) -> StoreResult<Vec<Membership>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT p.id, p.user_id, p.display_name, m.role \
             FROM team_members m JOIN people p ON p.id = m.person_id \
             WHERE m.tenant_id = $1 AND m.team_id = $2 AND m.left_at IS NULL \
             ORDER BY m.role, p.display_name",
        )
        .bind(team.tenant.0)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(id, user_id, display_name, role)| {
                Ok(Membership {
                    person: Person {
                        id: PersonId(id),
                        user_id,
                        display_name,
                    },
                    role: Role::parse(&role)?,
                })
            })
            .collect()
    }

    /// Creates a team with its managers and members. A name already used in the tenant, or a
    /// channel that is already another team's home, is a [`StoreError::Conflict`].
    pub async fn create_team(
        &self,
        tenant: TenantId,
        new: NewTeam<'_>,
        at: DateTime<Utc>,
    ) -> StoreResult<Team> {
        let mut tx = self.write.begin().await?;
        if let Some(channel) = new.home_channel {
            let taken: Option<(String,)> =
                sqlx::query_as("SELECT name FROM teams WHERE tenant_id = $1 AND home_channel = $2")
                    .bind(tenant.0)
                    .bind(channel)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((name,)) = taken {
                return Err(StoreError::Conflict(format!(
                    "that channel is already home to {name}"
                )));
            }
        }
        let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO teams (tenant_id, name, name_key, tz, home_channel, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(tenant.0)
        .bind(new.name)
        .bind(name_key(new.name))
        .bind(new.tz.name())
        .bind(new.home_channel)
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await;
        let (id,) = match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(StoreError::Conflict(format!(
                    "a team called {} exists",
                    new.name
                )));
            }
            other => other?,
        };
        let team = Team {
            id: TeamId(id),
            tenant,
            name: new.name.to_owned(),
            tz: new.tz,
            home_channel: new.home_channel.map(str::to_owned),
        };
        for person in new.members {
            set_role(&mut tx, &team, *person, Role::Member, at).await?;
        }
        for person in new.managers {
            set_role(&mut tx, &team, *person, Role::Manager, at).await?;
        }
        tx.commit().await?;
        Ok(team)
    }

    /// Sets a team's time zone and home channel. A channel that is already another team's home
    /// is a [`StoreError::Conflict`] and changes nothing.
    pub async fn update_team(
        &self,
        team: &Team,
        tz: Tz,
        home_channel: Option<&str>,
    ) -> StoreResult<Team> {
        let mut tx = self.write.begin().await?;
        if let Some(channel) = home_channel {
            let taken: Option<(String,)> = sqlx::query_as(
                "SELECT name FROM teams WHERE tenant_id = $1 AND home_channel = $2 AND id <> $3",
            )
            .bind(team.tenant.0)
            .bind(channel)
            .bind(team.id.0)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((name,)) = taken {
                return Err(StoreError::Conflict(format!(
                    "that channel is already home to {name}"
                )));
            }
        }
        sqlx::query("UPDATE teams SET tz = $1, home_channel = $2 WHERE tenant_id = $3 AND id = $4")
            .bind(tz.name())
            .bind(home_channel)
            .bind(team.tenant.0)
            .bind(team.id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Team {
            tz,
            home_channel: home_channel.map(str::to_owned),
            ..team.clone()
        })
    }

    /// Adds or removes members, or makes `people` exactly the team's managers (former managers
    /// stay as members).
    pub async fn change_membership(
        &self,
        team: &Team,
        change: MembershipChange,
        people: &[PersonId],
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        match change {
            MembershipChange::Add => {
                for person in people {
                    // Adding a manager as a member must not demote them.
                    let current = current_role(&mut tx, team, *person).await?;
                    if current.is_none() {
                        set_role(&mut tx, team, *person, Role::Member, at).await?;
                    }
                }
            }
            MembershipChange::Remove => {
                for person in people {
                    sqlx::query(
                        "UPDATE team_members SET left_at = $1 \
                         WHERE tenant_id = $2 AND team_id = $3 AND person_id = $4 AND left_at IS NULL",
                    )
                    .bind(millis(at))
                    .bind(team.tenant.0)
                    .bind(team.id.0)
                    .bind(person.0)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            MembershipChange::Managers => {
                sqlx::query(
                    "UPDATE team_members SET role = 'member' \
                     WHERE tenant_id = $1 AND team_id = $2 AND role = 'manager'",
                )
                .bind(team.tenant.0)
                .bind(team.id.0)
                .execute(&mut *tx)
                .await?;
                for person in people {
                    set_role(&mut tx, team, *person, Role::Manager, at).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// What a new team starts with.
#[derive(Debug, Clone)]
pub struct NewTeam<'a> {
    /// The team's name.
    pub name: &'a str,
    /// The team's time zone.
    pub tz: Tz,
    /// The home channel.
    pub home_channel: Option<&'a str>,
    /// Managers.
    pub managers: &'a [PersonId],
    /// Members.
    pub members: &'a [PersonId],
}

async fn current_role(
    tx: &mut Transaction<'_, Any>,
    team: &Team,
    person: PersonId,
) -> StoreResult<Option<Role>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT role FROM team_members \
         WHERE tenant_id = $1 AND team_id = $2 AND person_id = $3 AND left_at IS NULL",
    )
    .bind(team.tenant.0)
    .bind(team.id.0)
    .bind(person.0)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(role,)| Role::parse(&role)).transpose()
}

/// Makes `person` a current member of `team` with `role`, rejoining if they had left.
async fn set_role(
    tx: &mut Transaction<'_, Any>,
    team: &Team,
    person: PersonId,
    role: Role,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO team_members (team_id, person_id, tenant_id, role, joined_at, left_at) \
         VALUES ($1, $2, $3, $4, $5, NULL) \
         ON CONFLICT (team_id, person_id) DO UPDATE SET role = excluded.role, left_at = NULL, \
         joined_at = CASE WHEN team_members.left_at IS NULL THEN team_members.joined_at \
                          ELSE excluded.joined_at END",
    )
    .bind(team.id.0)
    .bind(person.0)
    .bind(team.tenant.0)
    .bind(role.as_str())
    .bind(millis(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
