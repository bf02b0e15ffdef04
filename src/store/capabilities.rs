//! The capability library of a tenant.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, StoreResult, millis};
use crate::domain::card::{Choice, PICKER_OPTIONS};
use crate::domain::ids::{CapabilityId, TeamId, TenantId};
use crate::domain::name_key;

/// A capability as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// Stored id.
    pub id: CapabilityId,
    /// The name as first written.
    pub name: String,
    /// What it means; doubles as the default mastery criteria.
    pub description: Option<String>,
    /// The role family it belongs to.
    pub family: Option<String>,
}

type CapabilityRow = (i64, String, Option<String>, Option<String>);

fn from_row((id, name, description, family): CapabilityRow) -> Capability {
    Capability {
        id: CapabilityId(id),
        name,
        description,
        family,
    }
}

impl Store {
    /// The capability with this name, ignoring case and spacing.
    pub async fn capability_by_name(
        &self,
        tenant: TenantId,
        name: &str,
    ) -> StoreResult<Option<Capability>> {
        let key = (tenant, name_key(name));
        if let Some(known) = self.caches.capabilities.get(&key) {
            return Ok(Some(known));
        }
        let row: Option<CapabilityRow> = sqlx::query_as(
            "SELECT id, name, description, family FROM capabilities \
             WHERE tenant_id = $1 AND name_key = $2",
        )
        .bind(tenant.0)
        .bind(&key.1)
        .fetch_optional(&self.read)
        .await?;
        let found = row.map(from_row);
        if let Some(capability) = &found {
            self.caches.capabilities.put(key, capability.clone());
        }
        Ok(found)
    }

    /// The capability with this id, within the tenant.
    pub async fn capability_by_id(
        &self,
        tenant: TenantId,
        id: CapabilityId,
    ) -> StoreResult<Option<Capability>> {
        let row: Option<CapabilityRow> = sqlx::query_as(
            "SELECT id, name, description, family FROM capabilities WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(from_row))
    }

    /// Every capability's name in the tenant, for suggestions and listings.
    pub async fn capability_names(&self, tenant: TenantId) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM capabilities WHERE tenant_id = $1 ORDER BY name_key")
                .bind(tenant.0)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// What a capability picker offers `team`: the tenant's capabilities, valued by id, the
    /// ones the team has a target for first, then the rest by name; at most one more than
    /// [`PICKER_OPTIONS`] (Slack's `static_select` holds 100), so in a large library the team's
    /// own capabilities are never the ones cut, and a renderer that finds more than it can list
    /// offers a search instead ([`Store::search_capabilities`] answers it).
    pub async fn capability_choices(
        &self,
        tenant: TenantId,
        team: TeamId,
    ) -> StoreResult<Vec<Choice>> {
        self.choices(tenant, Some(team), None, PICKER_OPTIONS + 1)
            .await
    }

    /// Sets a capability's description and family, or `None` if the tenant has no capability
    /// `id`. The default mastery criteria follow the description unless they were set apart
    /// from it. Only this process's cache is refreshed: another running server keeps showing
    /// the old description until it restarts (ids, which is what it relies on, never change).
    pub async fn update_capability(
        &self,
        tenant: TenantId,
        id: CapabilityId,
        description: Option<&str>,
        family: Option<&str>,
    ) -> StoreResult<Option<Capability>> {
        let row: Option<CapabilityRow> = sqlx::query_as(
            "UPDATE capabilities SET \
             mastery_criteria = CASE WHEN mastery_criteria IS NULL OR mastery_criteria = description \
                                     THEN $1 ELSE mastery_criteria END, \
             description = $1, family = $2 \
             WHERE tenant_id = $3 AND id = $4 RETURNING id, name, description, family",
        )
        .bind(description)
        .bind(family)
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.write)
        .await?;
        let updated = row.map(from_row);
        if let Some(capability) = &updated {
            self.caches
                .capabilities
                .put((tenant, name_key(&capability.name)), capability.clone());
        }
        Ok(updated)
    }

    /// Adds a capability; a name already in the library is a [`StoreError::Conflict`].
    pub async fn add_capability(
        &self,
        tenant: TenantId,
        name: &str,
        description: Option<&str>,
        family: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<Capability> {
        let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO capabilities (tenant_id, name, name_key, description, family, \
             mastery_criteria, created_at) VALUES ($1, $2, $3, $4, $5, $4, $6) RETURNING id",
        )
        .bind(tenant.0)
        .bind(name)
        .bind(name_key(name))
        .bind(description)
        .bind(family)
        .bind(millis(at))
        .fetch_one(&self.write)
        .await;
        match inserted {
            Ok((id,)) => Ok(Capability {
                id: CapabilityId(id),
                name: name.to_owned(),
                description: description.map(str::to_owned),
                family: family.map(str::to_owned),
            }),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
                format!("a capability called {name} exists"),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Capabilities whose name contains `query` (case and accents as `name_key` folds them),
    /// for a picker's search: `team`'s targeted ones first when the team is known, then by
    /// name; at most [`PICKER_OPTIONS`].
    pub async fn search_capabilities(
        &self,
        tenant: TenantId,
        team: Option<TeamId>,
        query: &str,
    ) -> StoreResult<Vec<Choice>> {
        let key = crate::domain::name_key(query);
        // LIKE's own wildcards in what was typed are matched literally.
        let escaped = key
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        self.choices(tenant, team, Some(format!("%{escaped}%")), PICKER_OPTIONS)
            .await
    }

    /// The tenant's capabilities as picker choices, valued by id, whose name key matches the
    /// `LIKE` pattern `like` when given: `team`'s targeted ones first, then by name; at most
    /// `limit`.
    async fn choices(
        &self,
        tenant: TenantId,
        team: Option<TeamId>,
        like: Option<String>,
        limit: usize,
    ) -> StoreResult<Vec<Choice>> {
        let filter = if like.is_some() {
            "AND c.name_key LIKE $4 ESCAPE '\\'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT c.id, c.name FROM capabilities c \
             LEFT JOIN team_targets t ON t.capability_id = c.id AND t.tenant_id = c.tenant_id \
                 AND t.team_id = $3 AND t.target > 0 \
             WHERE c.tenant_id = $1 {filter} \
             ORDER BY CASE WHEN t.team_id IS NULL THEN 1 ELSE 0 END, c.name_key LIMIT $2"
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql)
            .bind(tenant.0)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(team.map_or(-1, |t| t.0));
        if let Some(like) = like {
            query = query.bind(like);
        }
        let rows = query.fetch_all(&self.read).await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Choice {
                label: name,
                value: id.to_string(),
            })
            .collect())
    }
}
