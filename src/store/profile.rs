//! Read models: the inputs to coverage, and a person's own profile.

use std::collections::HashMap;

use super::teams::Team;
use super::{Store, StoreError, StoreResult, parse_day};
use crate::domain::Level;
use crate::domain::command::DateRange;
use crate::domain::coverage::{CapabilityTarget, CoverageInputs, Learner, Master};
use crate::domain::decision::{Decision, TrackStatus};
use crate::domain::ids::{CapabilityId, PersonId, TenantId};

/// A level changed since a cutoff: person, capability, the person's name, and the kind and
/// payload of the latest level decision before the cutoff, if there was one.
type ChangedLevel = (i64, i64, String, Option<String>, Option<String>);

/// One of a person's levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelRow {
    /// The capability's name.
    pub capability: String,
    /// The level.
    pub level: Level,
    /// Evidence recorded with it.
    pub evidence: Option<String>,
}

/// One of a person's tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackRow {
    /// The track's name.
    pub track: String,
    /// Requested, approved or declined.
    pub status: TrackStatus,
    /// The request note or the reason given.
    pub note: Option<String>,
}

/// What `/cadence me` shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// Levels, highest first.
    pub levels: Vec<LevelRow>,
    /// Tracks requested or entered.
    pub tracks: Vec<TrackRow>,
    /// Upcoming or current absences.
    pub absences: Vec<DateRange>,
}

impl Store {
    /// Everything coverage is computed from for `team`, with absences that end on or after `from`.
    pub async fn coverage_inputs(
        &self,
        team: &Team,
        from: chrono::NaiveDate,
    ) -> StoreResult<CoverageInputs> {
        let tenant = team.tenant.0;
        // Every read below starts from the team's members (`FROM team_members m CROSS JOIN …`
        // with `m.team_id` first): SQLite joins in the order written after CROSS JOIN, and
        // starting from the few members instead of the tenant's every level is what keeps a
        // digest for each of 2,000 teams fast. PostgreSQL plans it as an ordinary join.
        let targeted: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT c.id, c.name, t.target FROM capabilities c \
             LEFT JOIN team_targets t ON t.capability_id = c.id AND t.team_id = $2 AND t.tenant_id = $1 \
             WHERE c.tenant_id = $1 AND (t.target IS NOT NULL OR c.id IN ( \
                 SELECT l.capability_id FROM team_members m CROSS JOIN person_levels l \
                 WHERE m.team_id = $2 AND m.left_at IS NULL AND l.person_id = m.person_id \
                   AND l.tenant_id = $1 AND l.level = 'mastery'))",
        )
        .bind(tenant)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        // Current members' levels, masters and learners in one round trip, by name.
        let levels: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT l.capability_id, p.id, p.display_name, l.level \
             FROM team_members m CROSS JOIN person_levels l CROSS JOIN people p \
             WHERE m.team_id = $2 AND m.left_at IS NULL AND l.person_id = m.person_id \
               AND l.tenant_id = $1 AND l.level IN ('learning', 'practising', 'mastery') \
               AND p.id = l.person_id \
             ORDER BY p.display_name",
        )
        .bind(tenant)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        let mut masters: Vec<(i64, i64, String)> = Vec::new();
        let mut learning: Vec<(i64, i64, String, Level)> = Vec::new();
        for (capability, person, name, level) in levels {
            match level
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("level `{level}`")))?
            {
                Level::Mastery => masters.push((capability, person, name)),
                level => learning.push((capability, person, name, level)),
            }
        }
        let absences: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT a.person_id, a.starts_on, a.ends_on FROM team_members m CROSS JOIN absences a \
             WHERE m.team_id = $2 AND m.left_at IS NULL AND a.tenant_id = $1 \
               AND a.person_id = m.person_id AND a.ends_on >= $3",
        )
        .bind(tenant)
        .bind(team.id.0)
        .bind(from.to_string())
        .fetch_all(&self.read)
        .await?;

        let mut away: HashMap<i64, Vec<DateRange>> = HashMap::new();
        for (person, from, to) in absences {
            away.entry(person).or_default().push(DateRange {
                from: parse_day(&from)?,
                to: parse_day(&to)?,
            });
        }
        let capabilities: Vec<CapabilityTarget> = targeted
            .into_iter()
            .map(|(id, name, target)| {
                let target = target
                    .map(|t| {
                        u32::try_from(t).map_err(|_| StoreError::Corrupt(format!("target {t}")))
                    })
                    .transpose()?;
                Ok(CapabilityTarget {
                    capability: CapabilityId(id),
                    name,
                    target,
                })
            })
            .collect::<StoreResult<_>>()?;
        let master = |(capability, person, name): (i64, i64, String)| Master {
            capability: CapabilityId(capability),
            person: PersonId(person),
            name,
            absences: away.get(&person).cloned().unwrap_or_default(),
        };
        let masters_week_ago = self
            .masters_at(team, from - chrono::Duration::days(7))
            .await?
            .into_iter()
            .map(master)
            .collect();
        let masters = masters.into_iter().map(master).collect();
        let tracked: std::collections::HashSet<i64> =
            capabilities.iter().map(|c| c.capability.0).collect();
        let learners = learning
            .into_iter()
            .filter(|(capability, ..)| tracked.contains(capability))
            .map(|(capability, person, name, level)| Learner {
                capability: CapabilityId(capability),
                person: PersonId(person),
                name,
                level,
            })
            .collect();
        Ok(CoverageInputs {
            capabilities,
            masters,
            masters_week_ago,
            learners,
        })
    }

    /// Who was a member of `team` at mastery at the start of `day`, as (capability, person,
    /// name): members then (joined before, not yet left), at the level their latest level
    /// decision before then gave them. Only the decisions since then are read, and for the few
    /// levels they changed, the one decision before.
    async fn masters_at(
        &self,
        team: &Team,
        day: chrono::NaiveDate,
    ) -> StoreResult<Vec<(i64, i64, String)>> {
        let tenant = team.tenant.0;
        let cutoff = day
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis())
            .unwrap_or_default();
        // Members then, as in `coverage_inputs`: start from the team's member rows.
        let members_then =
            "m.team_id = $2 AND m.joined_at < $3 AND (m.left_at IS NULL OR m.left_at >= $3)";
        let current: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
            "SELECT l.capability_id, p.id, p.display_name \
             FROM team_members m CROSS JOIN person_levels l CROSS JOIN people p \
             WHERE {members_then} AND l.person_id = m.person_id AND l.tenant_id = $1 \
               AND l.level = 'mastery' AND p.id = l.person_id"
        ))
        .bind(tenant)
        .bind(team.id.0)
        .bind(cutoff)
        .fetch_all(&self.read)
        .await?;
        // Level changes since the cutoff, for members then: these pairs are read as they were,
        // from the latest level decision before the cutoff that was not undone (`before_id`).
        // One statement however many levels changed, instead of a lookup for each.
        // `+u.tenant_id` keeps SQLite off the tenant's indexes for the undo check, so it finds
        // an undo by `decisions_by_reverted` instead of walking the tenant's log.
        let changed: Vec<ChangedLevel> = sqlx::query_as(&format!(
            "SELECT c.person_id, c.capability_id, c.display_name, b.kind, b.payload FROM ( \
               SELECT pairs.person_id, pairs.capability_id, pairs.display_name, \
                 (SELECT e.id FROM decisions e WHERE e.tenant_id = $1 \
                    AND e.subject_person_id = pairs.person_id \
                    AND e.capability_id = pairs.capability_id AND e.created_at < $3 \
                    AND e.kind IN ('level', 'certify') \
                    AND NOT EXISTS (SELECT 1 FROM decisions u WHERE +u.tenant_id = e.tenant_id \
                                    AND u.reverts_decision_id = e.id) \
                  ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS before_id \
               FROM (SELECT DISTINCT d.subject_person_id AS person_id, d.capability_id, \
                            p.display_name \
                     FROM team_members m CROSS JOIN decisions d CROSS JOIN people p \
                     WHERE {members_then} AND d.tenant_id = $1 \
                       AND d.subject_person_id = m.person_id AND d.created_at >= $3 \
                       AND d.kind IN ('level', 'certify') AND d.capability_id IS NOT NULL \
                       AND p.id = d.subject_person_id) pairs \
             ) c LEFT JOIN decisions b ON b.id = c.before_id AND b.tenant_id = $1"
        ))
        .bind(tenant)
        .bind(team.id.0)
        .bind(cutoff)
        .fetch_all(&self.read)
        .await?;
        let mut result: Vec<(i64, i64, String)> = current
            .into_iter()
            .filter(|(capability, person, _)| {
                !changed
                    .iter()
                    .any(|(p, c, ..)| p == person && c == capability)
            })
            .collect();
        for (person, capability, name, kind, payload) in changed {
            let was_master = kind.zip(payload).is_some_and(|(kind, payload)| {
                let decision = serde_json::from_str(&payload)
                    .ok()
                    .and_then(|payload| Decision::from_stored(&kind, payload).ok());
                matches!(
                    decision,
                    Some(Decision::Level(set) | Decision::Certify(set)) if set.level == Level::Mastery
                )
            });
            if was_master {
                result.push((capability, person, name));
            }
        }
        Ok(result)
    }

    /// The team's current targets: how many people it needs at mastery, per capability.
    pub async fn targets_of(&self, team: &Team) -> StoreResult<HashMap<CapabilityId, u32>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT capability_id, target FROM team_targets WHERE tenant_id = $1 AND team_id = $2",
        )
        .bind(team.tenant.0)
        .bind(team.id.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(capability, target)| {
                let target = u32::try_from(target)
                    .map_err(|_| StoreError::Corrupt(format!("target {target}")))?;
                Ok((CapabilityId(capability), target))
            })
            .collect()
    }

    /// Every absence recorded for a person, past ones included, earliest first.
    pub async fn absences_of(
        &self,
        tenant: TenantId,
        person: PersonId,
    ) -> StoreResult<Vec<DateRange>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT starts_on, ends_on FROM absences WHERE tenant_id = $1 AND person_id = $2 \
             ORDER BY starts_on, ends_on",
        )
        .bind(tenant.0)
        .bind(person.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(from, to)| {
                Ok(DateRange {
                    from: parse_day(&from)?,
                    to: parse_day(&to)?,
                })
            })
            .collect()
    }

    /// Where a person stands with a track, if they ever asked or were decided on.
    pub async fn track_status(
        &self,
        tenant: TenantId,
        person: PersonId,
        track: &str,
    ) -> StoreResult<Option<TrackStatus>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT e.status FROM track_enrolments e JOIN tracks t ON t.id = e.track_id \
             WHERE e.tenant_id = $1 AND e.person_id = $2 AND t.tenant_id = $1 AND t.name_key = $3",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(crate::domain::name_key(track))
        .fetch_optional(&self.read)
        .await?;
        row.map(|(status,)| {
            TrackStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("track status `{status}`")))
        })
        .transpose()
    }

    /// A person's levels, tracks and absences ending on or after `today`.
    pub async fn profile(
        &self,
        tenant: TenantId,
        person: PersonId,
        today: chrono::NaiveDate,
    ) -> StoreResult<Profile> {
        let levels: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.name, l.level, l.evidence FROM person_levels l \
             JOIN capabilities c ON c.id = l.capability_id \
             WHERE l.tenant_id = $1 AND l.person_id = $2 AND l.level <> 'none' ORDER BY c.name_key",
        )
        .bind(tenant.0)
        .bind(person.0)
        .fetch_all(&self.read)
        .await?;
        let tracks: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT t.name, e.status, e.note FROM track_enrolments e \
             JOIN tracks t ON t.id = e.track_id \
             WHERE e.tenant_id = $1 AND e.person_id = $2 ORDER BY t.name_key",
        )
        .bind(tenant.0)
        .bind(person.0)
        .fetch_all(&self.read)
        .await?;
        let absences: Vec<(String, String)> = sqlx::query_as(
            "SELECT starts_on, ends_on FROM absences \
             WHERE tenant_id = $1 AND person_id = $2 AND ends_on >= $3 ORDER BY starts_on",
        )
        .bind(tenant.0)
        .bind(person.0)
        .bind(today.to_string())
        .fetch_all(&self.read)
        .await?;

        let mut levels = levels
            .into_iter()
            .map(|(capability, level, evidence)| {
                let level = level
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("level `{level}`")))?;
                Ok(LevelRow {
                    capability,
                    level,
                    evidence,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        levels.sort_by_key(|l| std::cmp::Reverse(l.level));
        let tracks = tracks
            .into_iter()
            .map(|(track, status, note)| {
                let status = TrackStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("track status `{status}`")))?;
                Ok(TrackRow {
                    track,
                    status,
                    note,
                })
            })
            .collect::<StoreResult<_>>()?;
        let absences = absences
            .into_iter()
            .map(|(from, to)| {
                Ok(DateRange {
                    from: parse_day(&from)?,
                    to: parse_day(&to)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(Profile {
            levels,
            tracks,
            absences,
        })
    }
}
