//! The append-only decision log, and the state each decision changes, written together.
//!
//! [`Store::record`] appends a decision and applies its effect ([`apply`]) in one transaction;
//! an undo appends a compensating decision whose effect recomputes or removes what the reverted
//! one changed ([`revert`]). Reads leave nothing out silently: a reverted decision is returned
//! with the undo that reverted it, for callers to show or skip.

mod apply;
mod bind;
mod budget;
mod commission;
mod library;
mod revert;
mod tracks;

pub(super) use apply::{SET_LEVELS, is_level_only, level_changes, push_level_row};

use sqlx::{Any, AnyPool, Transaction};

use super::multi_row::{self, MultiRowSql, Params};
use super::{Backend, Store, StoreError, StoreResult, from_millis, millis};
use crate::domain::DecisionSource;
use crate::domain::budget::{answer_notice, budget_request_card};
use crate::domain::commission::{answer_notice as commission_notice, commission_card};
use crate::domain::decision::{Decision, FollowUpCard, NewDecision, RecordedDecision};
use crate::domain::ids::{DecisionId, PersonId, TeamId, TenantId};
use crate::domain::prompt::{TrackRequestView, track_request_card};

/// id, team, kind, actor, subject, payload, source, created_at, reverted by.
type DecisionRow = (
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<i64>,
);

/// The columns of [`DecisionRow`], read from `d` (the decision), `a` and `s` (actor and
/// subject) and `u` (the undo that reverted it, if any).
const DECISION_COLUMNS: &str = "d.id, d.team_id, d.kind, a.user_id, s.user_id, d.payload, \
     d.source, d.created_at, u.id";

/// The joins [`DECISION_COLUMNS`] reads through.
const DECISION_JOINS: &str = "FROM decisions d JOIN people a ON a.id = d.actor_person_id \
     LEFT JOIN people s ON s.id = d.subject_person_id \
     LEFT JOIN decisions u ON u.reverts_decision_id = d.id AND u.tenant_id = d.tenant_id";

impl Store {
    /// Appends a decision and applies its effect in one transaction: both or neither. A
    /// decision whose idempotency key was recorded before writes nothing and is answered with
    /// [`StoreError::Replayed`].
    ///
    /// A decision authorised against a cached roster (`roster` set) is refused with
    /// [`StoreError::Stale`] if the tenant's roster has changed since; the tenant's cached
    /// rosters are then dropped, so the caller's retry reads them again.
    pub async fn record(&self, decision: &NewDecision) -> StoreResult<DecisionId> {
        let recorded = self.group_commit.record(decision).await;
        if matches!(recorded, Err(StoreError::Stale)) {
            self.forget_rosters(decision.tenant);
        }
        recorded
    }

    /// Appends several decisions with their effects in one transaction: all or none.
    pub async fn record_all(&self, decisions: &[NewDecision]) -> StoreResult<Vec<DecisionId>> {
        self.group_commit.record_all(decisions).await
    }

    /// A team's decisions, oldest first.
    pub async fn decisions_of(
        &self,
        tenant: TenantId,
        team: TeamId,
    ) -> StoreResult<Vec<RecordedDecision>> {
        self.decisions_where(tenant, "d.team_id = $2", team.0).await
    }

    /// One decision of the tenant.
    pub async fn decision(
        &self,
        tenant: TenantId,
        id: DecisionId,
    ) -> StoreResult<Option<RecordedDecision>> {
        Ok(self
            .decisions_where(tenant, "d.id = $2", id.0)
            .await?
            .into_iter()
            .next())
    }

    /// The latest decision `actor` made for `team` that has not been reverted and is not itself
    /// an undo, with its id: what `/cadence undo` would revert.
    pub async fn last_decision_by(
        &self,
        tenant: TenantId,
        team: TeamId,
        actor: PersonId,
    ) -> StoreResult<Option<RecordedDecision>> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS} {DECISION_JOINS} \
             WHERE d.tenant_id = $1 AND d.team_id = $2 AND d.actor_person_id = $3 \
               AND d.kind <> 'undo' AND u.id IS NULL \
             ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
        );
        let row: Option<DecisionRow> = sqlx::query_as(&sql)
            .bind(tenant.0)
            .bind(team.0)
            .bind(actor.0)
            .fetch_optional(&self.read)
            .await?;
        row.map(recorded).transpose()
    }

    /// The latest decision `actor` made for the whole workspace (the module library's, which
    /// belong to no team) that has not been reverted and is not itself an undo.
    pub async fn last_workspace_decision_by(
        &self,
        tenant: TenantId,
        actor: PersonId,
    ) -> StoreResult<Option<RecordedDecision>> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS} {DECISION_JOINS} \
             WHERE d.tenant_id = $1 AND d.team_id IS NULL AND d.actor_person_id = $2 \
               AND d.kind <> 'undo' AND u.id IS NULL \
             ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
        );
        let row: Option<DecisionRow> = sqlx::query_as(&sql)
            .bind(tenant.0)
            .bind(actor.0)
            .fetch_optional(&self.read)
            .await?;
        row.map(recorded).transpose()
    }

    /// The tenant's decisions matching `filter` (a condition on `d` using `$2` for `value`).
    pub(super) async fn decisions_where(
        &self,
        tenant: TenantId,
        filter: &str,
        value: i64,
    ) -> StoreResult<Vec<RecordedDecision>> {
        let rows: Vec<DecisionRow> = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} {DECISION_JOINS} \
             WHERE d.tenant_id = $1 AND {filter} ORDER BY d.id"
        ))
        .bind(tenant.0)
        .bind(value)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter().map(recorded).collect()
    }
}

/// Reads one row of [`DECISION_COLUMNS`].
fn recorded(row: DecisionRow) -> StoreResult<RecordedDecision> {
    let (id, team, kind, actor_user_id, subject_user_id, payload, source, at, reverted_by) = row;
    let payload: serde_json::Value = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Corrupt(format!("decision {id} payload: {e}")))?;
    let decision = Decision::from_stored(&kind, payload)
        .map_err(|e| StoreError::Corrupt(format!("decision {id}: {e}")))?;
    let source = DecisionSource::parse(&source)
        .ok_or_else(|| StoreError::Corrupt(format!("decision {id} source `{source}`")))?;
    Ok(RecordedDecision {
        id: DecisionId(id),
        team: team.map(TeamId),
        decision,
        actor_user_id,
        subject_user_id,
        source,
        at: from_millis(at)?,
        reverted_by: reverted_by.map(DecisionId),
    })
}

/// Appends the decision row and applies its effect inside `tx`.
pub(super) async fn write_decision(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
) -> StoreResult<DecisionId> {
    let ids = insert_decisions(tx, &[decision]).await?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("insert returned no id".to_owned()))?;
    apply::apply(tx, decision, id).await?;
    follow_up(tx, decision, id).await?;
    Ok(id)
}

/// Writes decisions with their effects in a transaction of their own, one statement each: all
/// or none, and refused as [`StoreError::Stale`] if any was authorised against a roster that
/// has changed since.
pub(super) async fn write_alone(
    pool: &AnyPool,
    decisions: &[NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let mut tx = pool.begin().await?;
    let mut ids = Vec::with_capacity(decisions.len());
    for decision in decisions {
        ids.push(write_decision(&mut tx, decision).await?);
    }
    super::rosters::refuse_stale(&mut tx, &decisions.iter().collect::<Vec<_>>()).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Appends decisions with their effects inside `tx`, in multi-row statements for the decision
/// rows and for the level changes, the common effect. Returns ids in the order given.
pub(super) async fn write_decisions(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let ids = insert_decisions(tx, decisions).await?;
    apply::apply_all(tx, decisions, &ids).await?;
    for (decision, id) in decisions.iter().zip(&ids) {
        follow_up(tx, decision, *id).await?;
    }
    Ok(ids)
}

/// Marks the occurrence's artefact delivered, and queues the decision's follow-up messages.
async fn follow_up(
    tx: &mut Transaction<'_, Any>,
    decision: &NewDecision,
    id: DecisionId,
) -> StoreResult<()> {
    if let Some(occurrence) = decision
        .occurrence
        .filter(|_| decision.decision.delivers_artefact())
    {
        sqlx::query(
            "UPDATE occurrences SET artefact_at = COALESCE(artefact_at, $1) WHERE id = $2 AND tenant_id = $3",
        )
        .bind(millis(decision.at))
        .bind(occurrence.0)
        .bind(decision.tenant.0)
        .execute(&mut **tx)
        .await?;
    }
    if let Some(message) = &decision.follow_up {
        let delivery = match &message.replaces {
            Some(ts) => super::outbox::Delivery::Update(ts.clone()),
            None => super::outbox::Delivery::Post,
        };
        super::outbox::enqueue(
            tx,
            &super::outbox::NewMessage {
                tenant: decision.tenant,
                idempotency_key: format!("{}{}", message.key_prefix, id.0),
                channel_id: &message.channel_id,
                delivery,
                card: follow_up_card(&message.card, id),
                occurrence: decision.occurrence,
            },
            decision.at,
        )
        .await?;
    }
    // L&D's answer to an over-budget request or a commission is told to the manager who
    // asked, where they asked, for their eyes only.
    let notice = match answer_notice(&decision.decision) {
        Some((answer, card)) => Some((&answer.asked_in, &answer.requester, card, "budget")),
        None => commission_notice(&decision.decision)
            .map(|(answer, card)| (&answer.asked_in, &answer.requester, card, "commission")),
    };
    if let Some((Some(channel), requester, card, what)) = notice {
        super::outbox::enqueue(
            tx,
            &super::outbox::NewMessage {
                tenant: decision.tenant,
                idempotency_key: format!("{what}-answer:{}", id.0),
                channel_id: channel,
                delivery: super::outbox::Delivery::Ephemeral(requester.clone()),
                card: serde_json::to_value(card).unwrap_or_default(),
                occurrence: None,
            },
            decision.at,
        )
        .await?;
    }
    Ok(())
}

/// A follow-up's card as JSON; a track request's buttons name the decision just recorded.
fn follow_up_card(card: &FollowUpCard, id: DecisionId) -> serde_json::Value {
    match card {
        FollowUpCard::Ready(json) => json.clone(),
        FollowUpCard::TrackRequest {
            person_id,
            person_name,
            track,
            note,
        } => {
            let view = TrackRequestView {
                person_id: person_id.clone(),
                person_name: person_name.clone(),
                track: track.clone(),
                note: note.clone(),
                decision: id.0,
            };
            serde_json::to_value(track_request_card(&view)).unwrap_or_default()
        }
        FollowUpCard::BudgetRequest(view) => {
            serde_json::to_value(budget_request_card(view, id.0)).unwrap_or_default()
        }
        FollowUpCard::Commission(view) => {
            serde_json::to_value(commission_card(view, id.0)).unwrap_or_default()
        }
    }
}

/// The decision insert on PostgreSQL, a chunk of rows at a time.
static INSERT_DECISIONS: MultiRowSql = MultiRowSql::new(
    DECISIONS_INSERT_HEAD,
    13,
    "ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id",
);

/// The decision insert on SQLite, whose unique index of keys leaves slash commands' out (their
/// replays are caught by the writer, `group_commit::replays`): the conflict names the index by
/// its condition.
static INSERT_DECISIONS_SQLITE: MultiRowSql = MultiRowSql::new(
    DECISIONS_INSERT_HEAD,
    13,
    "ON CONFLICT (tenant_id, idempotency_key) \
     WHERE substr(idempotency_key, 1, 14) <> 'slack-command:' DO NOTHING RETURNING id",
);

/// The decision insert of SQLite's pipelined batches (`group_commit::pipelined`): each row also
/// returns its tenant's roster version, read under the transaction's write lock, which no roster
/// change can pass before the commit. Saves the separate read of [`super::rosters::stale`].
pub(super) static INSERT_DECISIONS_READING_ROSTERS: MultiRowSql = MultiRowSql::new(
    DECISIONS_INSERT_HEAD,
    13,
    "ON CONFLICT (tenant_id, idempotency_key) \
     WHERE substr(idempotency_key, 1, 14) <> 'slack-command:' DO NOTHING RETURNING id, tenant_id, \
     (SELECT roster_version FROM tenants WHERE tenants.id = decisions.tenant_id)",
);

/// The columns a decision row is inserted with, in [`push_decision_row`]'s order.
const DECISIONS_INSERT_HEAD: &str = "INSERT INTO decisions (tenant_id, team_id, kind, \
     actor_person_id, subject_person_id, capability_id, channel_id, source, payload, \
     created_at, occurrence_id, reverts_decision_id, idempotency_key)";

/// Inserts decision rows, a chunk per statement, and returns their ids in the order given.
async fn insert_decisions(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let mut ids = Vec::with_capacity(decisions.len());
    for chunk in decisions.chunks(multi_row::ROWS) {
        ids.extend(insert_chunk(tx, chunk).await?);
    }
    Ok(ids)
}

/// Inserts at most [`multi_row::ROWS`] decision rows in one statement.
async fn insert_chunk(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    let mut params = Params::default();
    for decision in decisions {
        push_decision_row(&mut params, decision);
    }
    let backend = Backend::of(tx);
    let statement = match backend {
        Backend::Postgres => &INSERT_DECISIONS,
        Backend::Sqlite => &INSERT_DECISIONS_SQLITE,
    };
    let ids: Vec<i64> = sqlx::query_as_with::<_, (i64,), _>(
        statement.for_rows(backend, decisions.len()),
        params.finish()?,
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    ids_in_order(ids, decisions)
}

/// Adds one row of [`INSERT_DECISIONS`]'s parameters.
pub(super) fn push_decision_row<'q>(params: &mut Params<'q>, decision: &'q NewDecision) {
    let reverts = match &decision.decision {
        Decision::Undo(undo) => Some(undo.reverts.0),
        _ => None,
    };
    params
        .push(decision.tenant.0)
        .push(decision.team.map(|t| t.0))
        .push(decision.kind().as_str())
        .push(decision.actor.0)
        .push(decision.subject.map(|p| p.0))
        .push(decision.capability.map(|c| c.0))
        .push(decision.channel.as_deref())
        .push(decision.source.as_str())
        .push(decision.decision.payload().to_string())
        .push(millis(decision.at))
        .push(decision.occurrence.map(|o| o.0))
        .push(reverts)
        .push(decision.idempotency_key.as_deref());
}

/// The ids an insert of `decisions` returned, in the order the rows were given; refused as
/// [`StoreError::Replayed`] when a row was skipped for an idempotency key recorded before.
pub(super) fn ids_in_order(
    mut ids: Vec<i64>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<DecisionId>> {
    if ids.len() < decisions.len() && decisions.iter().any(|d| d.idempotency_key.is_some()) {
        // A key recorded before: this click or form was recorded already. The transaction is
        // rolled back, so nothing of this attempt stays.
        return Err(StoreError::Replayed);
    }
    if ids.len() != decisions.len() {
        return Err(StoreError::Corrupt(format!(
            "inserted {} decisions but got {} ids",
            decisions.len(),
            ids.len()
        )));
    }
    // Rows get increasing ids in VALUES order, but RETURNING may list them in any order.
    ids.sort_unstable();
    Ok(ids.into_iter().map(DecisionId).collect())
}

impl Store {
    /// Learning hours already allocated to `person` for the week starting `monday` (every
    /// team's allocations, approved over-budget ones included, undone ones left out), in
    /// hundredths of an hour.
    pub async fn week_hours(
        &self,
        tenant: TenantId,
        person: PersonId,
        monday: &str,
    ) -> StoreResult<u64> {
        let (centi,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(hours_centi), 0) AS BIGINT) FROM learning_hours \
             WHERE tenant_id = $1 AND person_id = $2 AND period_kind = 'week' \
               AND period_label = $3",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(monday)
        .fetch_one(&self.read)
        .await?;
        Ok(u64::try_from(centi).unwrap_or(0))
    }
}
