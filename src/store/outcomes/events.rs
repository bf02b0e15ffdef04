//! The level, target and hours decisions the reports replay, read from the log into the
//! history being built, row by row, so the log is never held in memory twice.
//!
//! Most of a tenant's log is read, a row per decision. Handing each row over costs more than
//! the database's own work: on SQLite, sqlx passes every row from its worker thread through a
//! channel, and on both every row is copied into a driver-neutral row. When no evidence words
//! are wanted, the database concatenates the decisions of each block of 1,024 ids into one row
//! (fields split by the ASCII unit separator, records by the record separator: neither can
//! appear raw in the integers, the kinds or the JSON payloads that make up those rows), so a
//! few hundred rows cross instead of hundreds of thousands.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;

use super::not_undone;
use crate::domain::Level;
use crate::domain::decision::{Allocation, BudgetAnswer, Decision};
use crate::domain::ids::{CapabilityId, DecisionId, PersonId, TeamId, TenantId};
use crate::domain::outcomes::history::{
    Evidence, HistoryBuilder, LevelEvent, TargetEvent, evidence_words,
};
use crate::domain::outcomes::{HoursRecord, ReportDetail};
use crate::store::{Backend, Store, StoreError, StoreResult, from_millis, millis};

/// A decision row as the reports read it.
type DecisionRow = (
    i64,            // id
    String,         // kind
    String,         // payload
    Option<i64>,    // team
    Option<i64>,    // subject
    Option<i64>,    // capability
    i64,            // actor
    i64,            // created_at
    Option<String>, // ritual name
    Option<String>, // occurrence title
);

/// One decision's columns, borrowed from whichever row carried them.
struct Fields<'a> {
    id: i64,
    kind: &'a str,
    payload: &'a str,
    team: Option<i64>,
    subject: Option<i64>,
    capability: Option<i64>,
    actor: i64,
    at: i64,
    ritual: Option<String>,
    title: Option<String>,
}

/// Level and target events, as the history being built, and hours allocated.
pub(super) type Events = (HistoryBuilder, Vec<HoursRecord>);

/// Separates the fields of one decision in a block row.
const UNIT: char = '\u{1f}';
/// Separates the decisions of a block row.
const RECORD: char = '\u{1e}';

/// The decisions read, with `$1` the tenant, `$2` the end of the window and `$3` its start.
/// SQLite would find the tenant's rows by a tenant index and fetch them one by one all over
/// the file; reading the table in its own order is three times faster there (the `+` keeps
/// the index out), as long as the file holds one workspace or a few, which is what SQLite is
/// for.
fn wanted(backend: Backend) -> String {
    let tenant_is = match backend {
        Backend::Sqlite => "+d.tenant_id = $1",
        Backend::Postgres => "d.tenant_id = $1",
    };
    format!(
        "{tenant_is} \
         AND (d.kind IN ('level', 'certify', 'target') \
              OR (d.kind IN ('hours', 'approve_budget') AND d.created_at >= $3)) \
         AND d.created_at < $2 AND {}",
        not_undone(backend)
    )
}

impl Store {
    /// The level and target decisions of `tenant` before `until`, and its hours decisions from
    /// `hours_from` (the reports count hours only in their window), that no undo reverted, as
    /// events; the occurrence and ritual a decision was made in are joined only when the
    /// evidence's words are wanted.
    pub(super) async fn events(
        &self,
        tenant: TenantId,
        hours_from: DateTime<Utc>,
        until: DateTime<Utc>,
        names: &HashMap<PersonId, String>,
        detail: ReportDetail,
    ) -> StoreResult<Events> {
        if detail == ReportDetail::Figures {
            return self.events_in_blocks(tenant, hours_from, until).await;
        }
        let (context, joins) = match detail {
            ReportDetail::Evidence => (
                "r.name, o.title",
                "LEFT JOIN occurrences o ON o.id = d.occurrence_id AND o.tenant_id = d.tenant_id \
                 LEFT JOIN rituals r ON r.id = o.ritual_id AND r.tenant_id = o.tenant_id",
            ),
            ReportDetail::Figures => ("CAST(NULL AS TEXT), CAST(NULL AS TEXT)", ""),
        };
        let sql = format!(
            "SELECT d.id, d.kind, d.payload, d.team_id, d.subject_person_id, d.capability_id, \
                    d.actor_person_id, d.created_at, {context} \
             FROM decisions d {joins} WHERE {}",
            wanted(self.backend())
        );
        let mut rows = sqlx::query_as::<_, DecisionRow>(&sql)
            .bind(tenant.0)
            .bind(millis(until))
            .bind(millis(hours_from))
            .fetch(&self.read);
        let mut events: Events = (HistoryBuilder::default(), Vec::new());
        while let Some(row) = rows.try_next().await? {
            let (id, kind, payload, team, subject, capability, actor, at, ritual, title) = row;
            let fields = Fields {
                id,
                kind: &kind,
                payload: &payload,
                team,
                subject,
                capability,
                actor,
                at,
                ritual,
                title,
            };
            push_event(&mut events, fields, names, detail)?;
        }
        Ok(events)
    }

    /// [`Store::events`] without evidence words: a row per block of 1,024 ids.
    async fn events_in_blocks(
        &self,
        tenant: TenantId,
        hours_from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Events> {
        let (aggregate, unit, record) = match self.backend() {
            Backend::Sqlite => ("group_concat", "char(31)", "char(30)"),
            Backend::Postgres => ("string_agg", "chr(31)", "chr(30)"),
        };
        let text = |column: &str| format!("COALESCE(CAST({column} AS TEXT), '')");
        let sql = format!(
            "SELECT {aggregate}({} || {unit} || d.kind || {unit} || {} || {unit} || {} \
                    || {unit} || {} || {unit} || {} || {unit} || {} || {unit} || d.payload, \
                    {record}) \
             FROM decisions d WHERE {} GROUP BY d.id >> 10",
            text("d.id"),
            text("d.team_id"),
            text("d.subject_person_id"),
            text("d.capability_id"),
            text("d.actor_person_id"),
            text("d.created_at"),
            wanted(self.backend())
        );
        let mut rows = sqlx::query_as::<_, (String,)>(&sql)
            .bind(tenant.0)
            .bind(millis(until))
            .bind(millis(hours_from))
            .fetch(&self.read);
        let mut events: Events = (HistoryBuilder::default(), Vec::new());
        let names = HashMap::new();
        while let Some((block,)) = rows.try_next().await? {
            for record in block.split(RECORD) {
                push_event(&mut events, fields(record)?, &names, ReportDetail::Figures)?;
            }
        }
        Ok(events)
    }
}

/// One decision's fields from its record in a block row.
fn fields(record: &str) -> StoreResult<Fields<'_>> {
    let corrupt = || StoreError::Corrupt(format!("decision record `{record}`"));
    let mut parts = record.splitn(8, UNIT);
    let mut next = || parts.next().ok_or_else(corrupt);
    let number = |text: &str| text.parse::<i64>().map_err(|_| corrupt());
    let optional = |text: &str| match text {
        "" => Ok(None),
        text => number(text).map(Some),
    };
    Ok(Fields {
        id: number(next()?)?,
        kind: next()?,
        team: optional(next()?)?,
        subject: optional(next()?)?,
        capability: optional(next()?)?,
        actor: number(next()?)?,
        at: number(next()?)?,
        payload: next()?,
        ritual: None,
        title: None,
    })
}

/// Turns one decision into the event it is, if the reports use it.
fn push_event(
    (history, hours): &mut Events,
    row: Fields<'_>,
    names: &HashMap<PersonId, String>,
    detail: ReportDetail,
) -> StoreResult<()> {
    let name_of = |id: Option<i64>| id.and_then(|p| names.get(&PersonId(p)).cloned());
    let decision = Decision::from_stored_text(row.kind, row.payload)
        .map_err(|e| StoreError::Corrupt(format!("decision {}: {e}", row.id)))?;
    let evidence = match detail {
        ReportDetail::Evidence => Evidence {
            decision: DecisionId(row.id),
            at: from_millis(row.at)?,
            what: evidence_words(&decision, name_of(row.subject).as_deref()),
            by: name_of(Some(row.actor)).unwrap_or_default(),
            ritual: row.ritual.map(|r| match row.title {
                Some(title) => format!("{r}: {title}"),
                None => r,
            }),
        },
        ReportDetail::Figures => Evidence::bare(DecisionId(row.id), from_millis(row.at)?),
    };
    match (&decision, row.team, row.subject, row.capability) {
        (Decision::Level(set) | Decision::Certify(set), _, Some(person), Some(c)) => {
            history.level(LevelEvent {
                person: PersonId(person),
                capability: CapabilityId(c),
                level: if matches!(decision, Decision::Certify(_)) {
                    Level::Mastery
                } else {
                    set.level
                },
                evidence,
            });
        }
        (Decision::Target(target), Some(team), _, Some(c)) => history.target(TargetEvent {
            team: TeamId(team),
            capability: CapabilityId(c),
            target: target.target,
            evidence,
        }),
        (Decision::Hours(allocated), Some(team), _, _)
        | (
            Decision::ApproveBudget(BudgetAnswer {
                allocation: Allocation::Hours(allocated),
                ..
            }),
            Some(team),
            _,
            _,
        ) => hours.push(HoursRecord {
            team: TeamId(team),
            hours_centi: i64::from(allocated.hours.centi),
            evidence,
        }),
        // A decision without the columns it needs says nothing the reports can use.
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_record_reads_back_its_fields_with_empty_ones_as_none() {
        let record = "42\u{1f}level\u{1f}\u{1f}7\u{1f}3\u{1f}9\u{1f}1790000000000\u{1f}{\"a\":1}";
        let f = fields(record).expect("fields");
        assert_eq!((f.id, f.kind, f.payload), (42, "level", "{\"a\":1}"));
        assert_eq!((f.team, f.subject, f.capability), (None, Some(7), Some(3)));
        assert_eq!((f.actor, f.at), (9, 1_790_000_000_000));
        assert!(fields("42\u{1f}level").is_err());
        assert!(fields("x\u{1f}level\u{1f}\u{1f}\u{1f}\u{1f}1\u{1f}2\u{1f}{}").is_err());
    }
}
