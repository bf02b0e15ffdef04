//! Tenants and people: the identities every other record hangs from.

use chrono::{DateTime, Utc};

use super::{Store, StoreResult, millis};
use crate::domain::Platform;
use crate::domain::ids::{PersonId, TenantId};

/// A chat user known to Cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Stored id.
    pub id: PersonId,
    /// The platform's user id.
    pub user_id: String,
    /// The name to show.
    pub display_name: String,
}

impl Store {
    /// The tenant for a workspace or organisation, created on first sight.
    pub async fn tenant(
        &self,
        platform: Platform,
        external_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<TenantId> {
        let key = (platform, external_id.to_owned());
        if let Some(id) = self.caches.tenants.get(&key) {
            return Ok(id);
        }
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM tenants WHERE platform = $1 AND external_id = $2")
                .bind(platform.as_str())
                .bind(external_id)
                .fetch_optional(&self.read)
                .await?;
        let id = match found {
            Some((id,)) => id,
            None => {
                sqlx::query(
                    "INSERT INTO tenants (platform, external_id, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (platform, external_id) DO NOTHING",
                )
                .bind(platform.as_str())
                .bind(external_id)
                .bind(millis(at))
                .execute(&self.write)
                .await?;
                let (id,): (i64,) = sqlx::query_as(
                    "SELECT id FROM tenants WHERE platform = $1 AND external_id = $2",
                )
                .bind(platform.as_str())
                .bind(external_id)
                .fetch_one(&self.write)
                .await?;
                id
            }
        };
        self.caches.tenants.put(key, TenantId(id));
        Ok(TenantId(id))
    }

    /// The tenant for a workspace or organisation if Cadence has seen it; never writes, so a
    /// caller can look before deciding to change anything.
    pub async fn find_tenant(
        &self,
        platform: Platform,
        external_id: &str,
    ) -> StoreResult<Option<TenantId>> {
        let key = (platform, external_id.to_owned());
        if let Some(id) = self.caches.tenants.get(&key) {
            return Ok(Some(id));
        }
        let found: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM tenants WHERE platform = $1 AND external_id = $2")
                .bind(platform.as_str())
                .bind(external_id)
                .fetch_optional(&self.read)
                .await?;
        let found = found.map(|(id,)| TenantId(id));
        if let Some(id) = found {
            self.caches.tenants.put(key, id);
        }
        Ok(found)
    }

    /// The person with this platform user id, if Cadence has seen them; never writes.
    pub async fn find_person(
        &self,
        tenant: TenantId,
        user_id: &str,
    ) -> StoreResult<Option<Person>> {
        let key = (tenant, user_id.to_owned());
        if let Some(known) = self.caches.people.get(&key) {
            return Ok(Some(known));
        }
        let found: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, display_name FROM people WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant.0)
        .bind(user_id)
        .fetch_optional(&self.read)
        .await?;
        let person = found.map(|(id, display_name)| Person {
            id: PersonId(id),
            user_id: user_id.to_owned(),
            display_name,
        });
        if let Some(person) = &person {
            self.caches.people.put(key, person.clone());
        }
        Ok(person)
    }

    /// The person with this platform user id, created on first sight. A `display_name` that
    /// differs from the stored one replaces it (people rename themselves).
    pub async fn person(
        &self,
        tenant: TenantId,
        user_id: &str,
        display_name: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<Person> {
        let person = match (self.find_person(tenant, user_id).await?, display_name) {
            (Some(known), Some(name)) if known.display_name != name => {
                sqlx::query("UPDATE people SET display_name = $1 WHERE id = $2 AND tenant_id = $3")
                    .bind(name)
                    .bind(known.id.0)
                    .bind(tenant.0)
                    .execute(&self.write)
                    .await?;
                Person {
                    display_name: name.to_owned(),
                    ..known
                }
            }
            (Some(known), _) => return Ok(known),
            (None, name) => {
                let name = name.unwrap_or(user_id);
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO people (tenant_id, user_id, display_name, created_at) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (tenant_id, user_id) DO UPDATE SET display_name = excluded.display_name \
                     RETURNING id",
                )
                .bind(tenant.0)
                .bind(user_id)
                .bind(name)
                .bind(millis(at))
                .fetch_one(&self.write)
                .await?;
                Person {
                    id: PersonId(id),
                    user_id: user_id.to_owned(),
                    display_name: name.to_owned(),
                }
            }
        };
        self.caches
            .people
            .put((tenant, user_id.to_owned()), person.clone());
        Ok(person)
    }
}
