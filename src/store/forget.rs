//! `cadence forget`: a person's personal data erased from one workspace, in one transaction.
//!
//! What goes: their platform id and name (the person row keeps its id under a stand-in that
//! names nobody, so the decision log keeps an anonymised actor and subject and the team's
//! history still adds up), the free text they wrote or that is about them (decision payloads,
//! intervention means, level evidence, track-request notes), any other text that names them, and what the
//! outbox holds about them (message text, private-message targets, keys). Each decision whose
//! payload changes gets a row in `decision_erasures` first: the log's triggers allow exactly that
//! payload change and refuse every other edit.
//!
//! Large tables are read a page at a time by id, and every candidate is checked in Rust (a name
//! is matched as a whole word, ignoring case, which SQL's `LIKE` cannot do the same way on both
//! databases).

use serde_json::Value;
use sqlx::{Any, Transaction};

use super::{Store, StoreResult, millis};
use crate::domain::erasure::{ERASED, FORGOTTEN_NAME, Forgotten};
use crate::domain::ids::TenantId;

/// Rows read per page from the large tables.
const PAGE: i64 = 1000;

/// What an erasure changed, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erasure {
    /// Decisions whose payload was erased (the decisions themselves stay).
    pub decisions: usize,
    /// Intervention means, level evidence and track-request notes erased.
    pub texts: usize,
    /// Queued or sent messages erased.
    pub messages: usize,
}

impl Store {
    /// Erases the personal data of the person with `user_id` in `tenant`; `None` when the
    /// workspace has nobody with that id (then nothing changes).
    pub async fn forget(
        &self,
        tenant: TenantId,
        user_id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<Erasure>> {
        let mut tx = self.write.begin().await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, display_name FROM people WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant.0)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        // Who installed Cadence in the workspace is known by their platform id alone.
        let installer = sqlx::query(
            "UPDATE slack_installations SET installed_by = NULL \
             WHERE tenant_id = $1 AND installed_by = $2",
        )
        .bind(tenant.0)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let Some((person, name)) = row else {
            if installer == 0 {
                return Ok(None);
            }
            tx.commit().await?;
            return Ok(Some(Erasure::default()));
        };
        let who = Forgotten::new(user_id, &name, person);
        let erasure = Erasure {
            decisions: erase_decisions(&mut tx, tenant, person, &who, millis(at)).await?,
            texts: erase_texts(&mut tx, tenant, person, &who).await?,
            messages: erase_messages(&mut tx, tenant, &who).await?,
        };
        sqlx::query(
            "UPDATE people SET user_id = $1, display_name = $2, tz = NULL \
             WHERE tenant_id = $3 AND id = $4",
        )
        .bind(&who.stand_in)
        .bind(FORGOTTEN_NAME)
        .bind(tenant.0)
        .bind(person)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(erasure))
    }
}

/// A decision row: id, payload, actor, subject.
type DecisionRow = (i64, String, i64, Option<i64>);

async fn erase_decisions(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    person: i64,
    who: &Forgotten,
    at: i64,
) -> StoreResult<usize> {
    let mut erased = 0;
    let mut after = 0_i64;
    loop {
        let page: Vec<DecisionRow> = next_page(
            tx,
            "id, payload, actor_person_id, subject_person_id FROM decisions",
            tenant,
            &mut after,
            |r: &DecisionRow| r.0,
        )
        .await?;
        if page.is_empty() {
            break;
        }
        for (id, payload, actor, subject) in page {
            let theirs = actor == person || subject == Some(person);
            if !theirs && !who.is_named_in(&payload) {
                continue;
            }
            let Ok(value) = serde_json::from_str::<Value>(&payload) else {
                continue;
            };
            let kept = who.erase_payload(&value, theirs);
            if kept == value {
                continue;
            }
            let kept = kept.to_string();
            sqlx::query(
                "INSERT INTO decision_erasures (decision_id, tenant_id, person_id, payload, \
                 erased_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(tenant.0)
            .bind(person)
            .bind(&kept)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            sqlx::query("UPDATE decisions SET payload = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(&kept)
                .bind(tenant.0)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            erased += 1;
        }
    }
    Ok(erased)
}

/// A column of free text that may be about someone: its table, the key columns that find a
/// row, the people a row is about or by, and what erased text becomes (`None`: NULL).
struct TextColumn {
    table: &'static str,
    keys: &'static [&'static str],
    text: &'static str,
    people: &'static [&'static str],
    erased: Option<&'static str>,
}

/// The free text kept outside the log: intervention means, level evidence, track-request notes.
const TEXT_COLUMNS: [TextColumn; 3] = [
    TextColumn {
        table: "interventions",
        keys: &["id"],
        text: "means",
        people: &["person_id"],
        erased: Some(ERASED),
    },
    TextColumn {
        table: "person_levels",
        keys: &["person_id", "capability_id"],
        text: "evidence",
        people: &["person_id", "set_by"],
        erased: Some(ERASED),
    },
    TextColumn {
        table: "track_enrolments",
        keys: &["track_id", "person_id"],
        text: "note",
        people: &["person_id", "decided_by"],
        erased: None,
    },
];

/// Erases each [`TEXT_COLUMNS`] text that is by or about them, or names them.
async fn erase_texts(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    person: i64,
    who: &Forgotten,
) -> StoreResult<usize> {
    let mut erased = 0;
    for column in &TEXT_COLUMNS {
        erased += erase_text(tx, column, tenant, person, who).await?;
    }
    Ok(erased)
}

async fn erase_text(
    tx: &mut Transaction<'_, Any>,
    column: &TextColumn,
    tenant: TenantId,
    person: i64,
    who: &Forgotten,
) -> StoreResult<usize> {
    use sqlx::Row;
    let TextColumn {
        table,
        keys,
        text,
        people,
        erased: replacement,
    } = column;
    let rows = sqlx::query(&format!(
        "SELECT {}, {text}, {} FROM {table} WHERE tenant_id = $1 AND {text} IS NOT NULL",
        keys.join(", "),
        people.join(", ")
    ))
    .bind(tenant.0)
    .fetch_all(&mut **tx)
    .await?;
    let matches = keys
        .iter()
        .enumerate()
        .map(|(n, key)| format!("{key} = ${}", n + 3))
        .collect::<Vec<_>>()
        .join(" AND ");
    let update = format!("UPDATE {table} SET {text} = $1 WHERE tenant_id = $2 AND {matches}");
    let mut erased = 0;
    for row in rows {
        let value: String = row.try_get(keys.len())?;
        let theirs = (0..people.len()).any(|n| {
            row.try_get::<Option<i64>, _>(keys.len() + 1 + n)
                .ok()
                .flatten()
                == Some(person)
        });
        if Some(value.as_str()) == *replacement || (!theirs && !who.is_named_in(&value)) {
            continue;
        }
        let mut query = sqlx::query(&update).bind(*replacement).bind(tenant.0);
        for n in 0..keys.len() {
            query = query.bind(row.try_get::<i64, _>(n)?);
        }
        query.execute(&mut **tx).await?;
        erased += 1;
    }
    Ok(erased)
}

/// An outbox row: id, key, target, card, state.
type MessageRow = (i64, String, Option<String>, String, String);

/// Messages that name them or were for their eyes: the text is erased, and one not sent yet is
/// not sent at all.
async fn erase_messages(
    tx: &mut Transaction<'_, Any>,
    tenant: TenantId,
    who: &Forgotten,
) -> StoreResult<usize> {
    let erased_card = serde_json::json!({ "summary": ERASED, "parts": [] }).to_string();
    let mut erased = 0;
    let mut after = 0_i64;
    loop {
        let page: Vec<MessageRow> = next_page(
            tx,
            "id, idempotency_key, target_message, card, state FROM outbox",
            tenant,
            &mut after,
            |r: &MessageRow| r.0,
        )
        .await?;
        if page.is_empty() {
            break;
        }
        for (id, key, target, card, state) in page {
            let for_them = target.as_deref() == Some(who.user_id.as_str());
            if !for_them && !who.is_named_in(&card) && !key.contains(&who.user_id) {
                continue;
            }
            let target = target.map(|t| t.replace(&who.user_id, &who.stand_in));
            let state = if state == "pending" { "dead" } else { &state };
            sqlx::query(
                "UPDATE outbox SET card = $1, target_message = $2, idempotency_key = $3, \
                 state = $4, last_error = CASE WHEN $4 = state THEN last_error ELSE 'erased' END \
                 WHERE tenant_id = $5 AND id = $6",
            )
            .bind(&erased_card)
            .bind(target)
            .bind(key.replace(&who.user_id, &who.stand_in))
            .bind(state)
            .bind(tenant.0)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            erased += 1;
        }
    }
    Ok(erased)
}

/// The tenant's next [`PAGE`] rows of `columns_from` (columns, then `FROM table`) after the id
/// `after`, in id order; moves `after` to the last one read.
async fn next_page<R>(
    tx: &mut Transaction<'_, Any>,
    columns_from: &str,
    tenant: TenantId,
    after: &mut i64,
    id_of: impl Fn(&R) -> i64,
) -> StoreResult<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let page: Vec<R> = sqlx::query_as(&format!(
        "SELECT {columns_from} WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3"
    ))
    .bind(tenant.0)
    .bind(*after)
    .bind(PAGE)
    .fetch_all(&mut **tx)
    .await?;
    if let Some(last) = page.last() {
        *after = id_of(last);
    }
    Ok(page)
}
