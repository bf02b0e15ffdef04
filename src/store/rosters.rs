//! A channel's team with its whole current roster, read in one query, and the check that makes
//! a cached roster safe to decide with.
//!
//! Every decision typed in a team's channel first needs the team and the author's role in it.
//! Reading them is a round trip to the database per command, so a server may keep them in
//! memory ([`Freshness::Cached`]). A roster can change under that copy, in this process or in
//! another one (a replica, `cadence apply`), so each roster carries the tenant's
//! [`RosterVersion`] (bumped by database triggers on every write to `teams` or `team_members`),
//! a decision authorised against a cached roster carries that version, and the write refuses
//! it with [`StoreError::Stale`] once the version has moved on. The check runs after the
//! decision's rows are written and before the commit, under a lock (SQLite's write lock, a
//! share lock on the tenant's row in PostgreSQL) that keeps the roster from changing between
//! the check and the commit.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sqlx::{Any, Transaction};

use super::teams::{TeamRow, team_from_row};
use super::{Backend, Role, Store, StoreError, StoreResult, Team};
use crate::domain::decision::NewDecision;
use crate::domain::ids::{PersonId, RosterVersion, TenantId};

/// A team with the current role of every member, as of one roster version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    /// The team.
    pub team: Team,
    /// Every current member's role; anyone absent is not a member.
    pub roles: HashMap<PersonId, Role>,
    /// The tenant's roster version this was read at.
    pub version: RosterVersion,
}

/// Whether a roster may come from this process's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Read from the database: for anything that is not checked again when it is written.
    Fresh,
    /// From memory when this process has read it before: only for a decision that carries the
    /// roster's version into its write.
    Cached,
}

/// A team's columns, one member's id and role (null for a team without members), and the
/// tenant's roster version.
type RosterRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
);

impl Store {
    /// The team whose home channel this is, with its roster; `None` if no team lives there.
    pub async fn channel_roster(
        &self,
        tenant: TenantId,
        channel: &str,
        freshness: Freshness,
    ) -> StoreResult<Option<Arc<Roster>>> {
        let key = (tenant, channel.to_owned());
        if freshness == Freshness::Cached
            && let Some(roster) = self.caches.rosters.get(&key)
        {
            return Ok(Some(roster));
        }
        // One statement, so the roster and its version come from one snapshot.
        let rows: Vec<RosterRow> = sqlx::query_as(
            "SELECT t.id, t.tenant_id, t.name, t.tz, t.home_channel, m.person_id, m.role, \
                    (SELECT roster_version FROM tenants WHERE id = $1) \
             FROM teams t \
             LEFT JOIN team_members m ON m.team_id = t.id AND m.left_at IS NULL \
             WHERE t.tenant_id = $1 AND t.home_channel = $2 ORDER BY t.id",
        )
        .bind(tenant.0)
        .bind(channel)
        .fetch_all(&self.read)
        .await?;
        let Some(roster) = roster_from_rows(rows)? else {
            // Only teams found are kept, so requests naming random channels cannot grow it.
            return Ok(None);
        };
        let roster = Arc::new(roster);
        self.caches.rosters.put(key, roster.clone());
        Ok(Some(roster))
    }

    /// Drops the tenant's rosters from memory, so the next decision reads them again.
    pub fn forget_rosters(&self, tenant: TenantId) {
        self.caches.rosters.retain(|(t, _), _| *t != tenant);
    }
}

/// Folds a team's rows, one per member, into its roster. Two teams sharing a channel is
/// prevented on creation; the oldest is taken regardless.
fn roster_from_rows(rows: Vec<RosterRow>) -> StoreResult<Option<Roster>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let (team_id, version) = (first.0, RosterVersion(first.7));
    let mut roles = HashMap::new();
    let mut team = None;
    for (id, tenant, name, tz, home, person, role, _) in rows {
        if id != team_id {
            continue;
        }
        if let (Some(person), Some(role)) = (person, role) {
            roles.insert(PersonId(person), Role::parse(&role)?);
        }
        if team.is_none() {
            let row: TeamRow = (id, tenant, name, tz, home);
            team = Some(team_from_row(row)?);
        }
    }
    Ok(team.map(|team| Roster {
        team,
        roles,
        version,
    }))
}

/// Which of `decisions` were authorised against a roster version their tenant has moved past.
/// Run inside the writing transaction, after its writes.
///
/// On SQLite the transaction holds the database's only write lock, so no roster can change
/// before it commits. On PostgreSQL another replica (or `cadence apply`) may be changing a
/// roster at the same moment: the version is read `FOR SHARE`, which waits for a roster change
/// in flight and then reads its version, and keeps any new one from committing (the triggers'
/// `UPDATE tenants` waits for this lock) until this transaction has.
pub(super) async fn stale(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<Vec<bool>> {
    let tenants: HashSet<TenantId> = decisions
        .iter()
        .filter(|d| d.roster.is_some())
        .map(|d| d.tenant)
        .collect();
    let mut current = HashMap::with_capacity(tenants.len());
    for tenant in tenants {
        let sql = match Backend::of(tx) {
            Backend::Sqlite => "SELECT roster_version FROM tenants WHERE id = $1",
            Backend::Postgres => "SELECT roster_version FROM tenants WHERE id = $1 FOR SHARE",
        };
        let (version,): (i64,) = sqlx::query_as(sql)
            .bind(tenant.0)
            .fetch_one(&mut **tx)
            .await?;
        current.insert(tenant, RosterVersion(version));
    }
    Ok(stale_against(decisions, &current))
}

/// Which of `decisions` were authorised against another roster version than their tenant's
/// `current` one.
pub(super) fn stale_against(
    decisions: &[&NewDecision],
    current: &HashMap<TenantId, RosterVersion>,
) -> Vec<bool> {
    decisions
        .iter()
        .map(|d| {
            d.roster
                .is_some_and(|seen| current.get(&d.tenant) != Some(&seen))
        })
        .collect()
}

/// Refuses the decisions in `tx` as stale if any was authorised against an older roster.
pub(super) async fn refuse_stale(
    tx: &mut Transaction<'_, Any>,
    decisions: &[&NewDecision],
) -> StoreResult<()> {
    if stale(tx, decisions).await?.contains(&true) {
        return Err(StoreError::Stale);
    }
    Ok(())
}
