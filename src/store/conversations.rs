//! Teams conversation references: where Cadence can post without being spoken to first, kept
//! from the latest activity in each conversation; and the people lookups Teams cards need.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Person, Store, StoreResult, millis};
use crate::domain::ids::{PersonId, TenantId};

/// How to reach one Teams conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRef {
    /// The conversation id, without any `;messageid=` thread suffix.
    pub conversation_id: String,
    /// The Bot Framework service URL for the conversation's region.
    pub service_url: String,
    /// The bot's id in the conversation.
    pub bot_id: String,
    /// `channel`, `groupChat` or `personal`.
    pub conversation_type: String,
    /// The channel's or chat's name, when the activity gave one.
    pub name: Option<String>,
}

impl Store {
    /// Keeps the latest reference for a conversation.
    pub async fn save_conversation_ref(
        &self,
        tenant: TenantId,
        reference: &ConversationRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO conversation_refs (tenant_id, conversation_id, service_url, bot_id, \
             conversation_type, updated_at, name) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET \
             service_url = excluded.service_url, bot_id = excluded.bot_id, \
             conversation_type = excluded.conversation_type, updated_at = excluded.updated_at, \
             name = COALESCE(excluded.name, conversation_refs.name) \
             WHERE conversation_refs.service_url <> excluded.service_url \
                OR conversation_refs.bot_id <> excluded.bot_id \
                OR (excluded.name IS NOT NULL \
                    AND (conversation_refs.name IS NULL OR conversation_refs.name <> excluded.name))",
        )
        .bind(tenant.0)
        .bind(reference.conversation_id.as_str())
        .bind(reference.service_url.as_str())
        .bind(reference.bot_id.as_str())
        .bind(reference.conversation_type.as_str())
        .bind(millis(at))
        .bind(reference.name.as_deref())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The stored reference for a conversation of the tenant.
    pub async fn conversation_ref(
        &self,
        tenant: TenantId,
        conversation_id: &str,
    ) -> StoreResult<Option<ConversationRef>> {
        let row: Option<(String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT conversation_id, service_url, bot_id, conversation_type, name \
             FROM conversation_refs WHERE tenant_id = $1 AND conversation_id = $2",
        )
        .bind(tenant.0)
        .bind(conversation_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(
            |(conversation_id, service_url, bot_id, conversation_type, name)| ConversationRef {
                conversation_id,
                service_url,
                bot_id,
                conversation_type,
                name,
            },
        ))
    }

    /// Display names of the tenant's people with these user ids, and of its conversations
    /// (channels, chats) with these ids, where their names are known.
    pub async fn display_names(
        &self,
        tenant: TenantId,
        ids: &[String],
    ) -> StoreResult<BTreeMap<String, String>> {
        let mut names = BTreeMap::new();
        for id in ids {
            if let Some(person) = self.find_person(tenant, id).await? {
                names.insert(person.user_id, person.display_name);
                continue;
            }
            let conversation: Option<(Option<String>,)> = sqlx::query_as(
                "SELECT name FROM conversation_refs WHERE tenant_id = $1 AND conversation_id = $2",
            )
            .bind(tenant.0)
            .bind(id.as_str())
            .fetch_optional(&self.read)
            .await?;
            if let Some((Some(name),)) = conversation {
                names.insert(id.clone(), name);
            }
        }
        Ok(names)
    }

    /// The tenant's person with this display name (ignoring case and spacing), or with this
    /// user id; for inputs where a person is typed rather than picked.
    pub async fn person_named(&self, tenant: TenantId, name: &str) -> StoreResult<Option<Person>> {
        let wanted = crate::domain::name_key(name.trim().trim_start_matches('@'));
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, user_id, display_name FROM people WHERE tenant_id = $1 ORDER BY id",
        )
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .find(|(_, user_id, display_name)| {
                crate::domain::name_key(display_name) == wanted
                    || crate::domain::name_key(user_id) == wanted
            })
            .map(|(id, user_id, display_name)| Person {
                id: PersonId(id),
                user_id,
                display_name,
            }))
    }
}
