//! What the organisation's reports read for one tenant, in a few whole-tenant queries (not one
//! per team), so the scoreboard of a 2,000-team organisation with a year of history is read in
//! one pass: teams, people, capabilities, who was on which team when, the level, target and
//! hours decisions that were not undone, absences, interventions, and the ritual occurrences
//! of the window with what came of their prompts.

use std::collections::HashMap;

mod events;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Backend, Store, StoreError, StoreResult, from_millis, millis, parse_day};
use crate::domain::command::DateRange;
use crate::domain::ids::{CapabilityId, DecisionId, OccurrenceId, PersonId, TeamId, TenantId};
use crate::domain::outcomes::history::{Stint, StintRole};
use crate::domain::outcomes::participation::{Answer, OccurrenceRecord};
use crate::domain::outcomes::{
    InterventionRecord, InterventionStatus, OrgData, ReportDetail, TeamInfo,
};

/// The condition that keeps the decisions `d` of tenant `$1` that no undo reverted.
/// PostgreSQL plans the correlated form as an anti-join. SQLite, which has no statistics to go
/// by, would look each decision's undo up by the tenant's first index, walking the whole log
/// once per decision; there the undos are read once, by `decisions_by_reverted` (the `+` keeps
/// the tenant's index out of it). Without being told, SQLite reads the whole log for them
/// rather than that index: `IS NOT NULL` does not look like a range to its planner.
fn not_undone(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "d.id NOT IN (SELECT u.reverts_decision_id FROM decisions u \
             INDEXED BY decisions_by_reverted \
             WHERE u.reverts_decision_id IS NOT NULL AND +u.tenant_id = $1)"
        }
        Backend::Postgres => {
            "NOT EXISTS (SELECT 1 FROM decisions u WHERE u.tenant_id = d.tenant_id \
             AND u.reverts_decision_id = d.id)"
        }
    }
}

impl Store {
    /// Everything the reports need about `tenant` up to `until`: level and target decisions
    /// from the start, ritual occurrences and hours allocated from `window_from`, absences
    /// ending on or after `absences_from`; the words of each decision's evidence only with
    /// [`ReportDetail::Evidence`].
    pub async fn org_data(
        &self,
        tenant: TenantId,
        window_from: DateTime<Utc>,
        absences_from: NaiveDate,
        until: DateTime<Utc>,
        detail: ReportDetail,
    ) -> StoreResult<OrgData> {
        let t = tenant.0;
        let teams = sqlx::query_as::<_, (i64, String)>(
            "SELECT id, name FROM teams WHERE tenant_id = $1 ORDER BY name, id",
        )
        .bind(t)
        .fetch_all(&self.read);
        let people = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT id, display_name, user_id FROM people WHERE tenant_id = $1",
        )
        .bind(t)
        .fetch_all(&self.read);
        let capabilities = sqlx::query_as::<_, (i64, String, Option<String>)>(
            "SELECT id, name, family FROM capabilities WHERE tenant_id = $1",
        )
        .bind(t)
        .fetch_all(&self.read);
        let members = sqlx::query_as::<_, (i64, i64, String, i64, Option<i64>)>(
            "SELECT team_id, person_id, role, joined_at, left_at FROM team_members \
             WHERE tenant_id = $1 AND joined_at < $2",
        )
        .bind(t)
        .bind(millis(until))
        .fetch_all(&self.read);
        let (teams, people, capabilities, members) =
            tokio::try_join!(teams, people, capabilities, members)?;
        let names: HashMap<PersonId, String> = people
            .iter()
            .map(|(id, name, _)| (PersonId(*id), name.clone()))
            .collect();
        // The reads are independent, and each waits on its own connection (on SQLite, its own
        // thread): run together, the log's replay overlaps the rest instead of following it.
        let (events, absences, occurrences, interventions, budgets, settings) = tokio::try_join!(
            self.events(tenant, window_from, until, &names, detail),
            self.absences_from(tenant, absences_from),
            self.occurrence_records(tenant, None, window_from, until, &names),
            self.intervention_records(tenant),
            self.all_budget_uses(tenant),
            self.settings(tenant),
        )?;
        let (mut history, hours) = events;
        for member in members {
            history.stint(stint(member)?);
        }
        let families = capabilities
            .iter()
            .map(|(id, _, family)| (CapabilityId(*id), family.clone()))
            .collect();

        Ok(OrgData {
            teams: teams
                .into_iter()
                .map(|(id, name)| TeamInfo {
                    id: TeamId(id),
                    name,
                })
                .collect(),
            user_ids: people
                .iter()
                .map(|(id, _, user)| (PersonId(*id), user.clone()))
                .collect(),
            capabilities: capabilities
                .into_iter()
                .map(|(id, name, _)| (CapabilityId(id), name))
                .collect(),
            history: history.finish(families),
            absences,
            occurrences,
            interventions,
            hours,
            people: names,
            budgets,
            currency: settings.currency,
        })
    }

    /// Every absence in the tenant ending on or after `from`, per person.
    async fn absences_from(
        &self,
        tenant: TenantId,
        from: NaiveDate,
    ) -> StoreResult<HashMap<PersonId, Vec<DateRange>>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT person_id, starts_on, ends_on FROM absences WHERE tenant_id = $1 AND ends_on >= $2",
        )
        .bind(tenant.0)
        .bind(from.to_string())
        .fetch_all(&self.read)
        .await?;
        let mut away: HashMap<PersonId, Vec<DateRange>> = HashMap::new();
        for (person, from, to) in rows {
            away.entry(PersonId(person)).or_default().push(DateRange {
                from: parse_day(&from)?,
                to: parse_day(&to)?,
            });
        }
        Ok(away)
    }

    /// Every planned intervention in the tenant.
    async fn intervention_records(&self, tenant: TenantId) -> StoreResult<Vec<InterventionRecord>> {
        let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT team_id, status, due_on, created_at FROM interventions WHERE tenant_id = $1",
        )
        .bind(tenant.0)
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(team, status, due, at)| {
                Ok(InterventionRecord {
                    team: TeamId(team),
                    status: match status.as_str() {
                        "planned" => InterventionStatus::Planned,
                        "done" => InterventionStatus::Done,
                        "cancelled" => InterventionStatus::Cancelled,
                        other => {
                            return Err(StoreError::Corrupt(format!(
                                "`{other}` is not an intervention status"
                            )));
                        }
                    },
                    due: due.as_deref().map(parse_day).transpose()?,
                    planned_at: from_millis(at)?,
                })
            })
            .collect()
    }

    /// Occurrences in `[from, until)` of rituals that expect an artefact (only `team`'s, when
    /// given), with the decisions recorded against them (not undone), snoozes and nudges
    /// posted. `names` names who answered.
    pub(crate) async fn occurrence_records(
        &self,
        tenant: TenantId,
        team: Option<TeamId>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        names: &HashMap<PersonId, String>,
    ) -> StoreResult<Vec<OccurrenceRecord>> {
        // The team's own occurrences are found through its rituals, so a digest reads a few
        // rows, not the tenant's week. The team is a parameter, not part of the text: every
        // team's digest then runs the same prepared statements.
        let window = match team {
            Some(_) => {
                "o.tenant_id = $1 AND o.happened_at >= $2 AND o.happened_at < $3 \
                 AND o.ritual_id IN (SELECT id FROM rituals WHERE tenant_id = $1 AND team_id = $4)"
            }
            None => "o.tenant_id = $1 AND o.happened_at >= $2 AND o.happened_at < $3",
        };
        let team = team.map(|t| t.0);
        let occurrences_sql = format!(
            "SELECT o.id, r.team_id, r.name, r.kind, o.title, o.happened_at FROM occurrences o \
             JOIN rituals r ON r.id = o.ritual_id AND r.tenant_id = o.tenant_id \
             WHERE {window} AND r.artefact <> 'none' ORDER BY o.happened_at, o.id"
        );
        let mut occurrences =
            sqlx::query_as::<_, (i64, i64, String, String, String, i64)>(&occurrences_sql)
                .bind(tenant.0)
                .bind(millis(from))
                .bind(millis(until));
        if let Some(team) = team {
            occurrences = occurrences.bind(team);
        }
        let occurrences = occurrences.fetch_all(&self.read).await?;
        let decisions_sql = format!(
            "SELECT d.occurrence_id, d.id, d.kind, d.actor_person_id, d.created_at \
             FROM occurrences o CROSS JOIN decisions d \
             WHERE {window} AND d.tenant_id = o.tenant_id AND d.occurrence_id = o.id \
               AND d.kind <> 'undo' AND d.created_at < $3 AND {}",
            not_undone(self.backend())
        );
        let mut decisions = sqlx::query_as::<_, (i64, i64, String, i64, i64)>(&decisions_sql)
            .bind(tenant.0)
            .bind(millis(from))
            .bind(millis(until));
        if let Some(team) = team {
            decisions = decisions.bind(team);
        }
        let decisions = decisions.fetch_all(&self.read).await?;
        // The window's nudges are found by their own partial index (`outbox_nudges`; the term
        // `LIKE 'nudge:%'` must stay as the index spells it for the planners to use it), counted
        // per occurrence in one pass, and matched to the occurrences below.
        let nudges: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT x.occurrence_id, COUNT(*) FROM outbox x \
             WHERE x.tenant_id = $1 AND x.created_at >= $2 AND x.occurrence_id IS NOT NULL \
               AND x.idempotency_key LIKE 'nudge:%' AND x.state = 'sent' \
             GROUP BY x.occurrence_id",
        )
        .bind(tenant.0)
        .bind(millis(from))
        .fetch_all(&self.read)
        .await?;

        let mut records: Vec<OccurrenceRecord> = Vec::with_capacity(occurrences.len());
        let mut index: HashMap<i64, usize> = HashMap::new();
        for (id, team, ritual, kind, title, happened) in occurrences {
            index.insert(id, records.len());
            records.push(OccurrenceRecord {
                occurrence: OccurrenceId(id),
                team: TeamId(team),
                ritual,
                kind: kind
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("`{kind}` is not a ritual kind")))?,
                title,
                happened_at: from_millis(happened)?,
                answers: Vec::new(),
                nudges: 0,
                snoozes: 0,
            });
        }
        for (occurrence, id, kind, actor, at) in decisions {
            let Some(record) = index.get(&occurrence).and_then(|i| records.get_mut(*i)) else {
                continue;
            };
            if kind == "snooze" {
                record.snoozes += 1;
            } else {
                record.answers.push(Answer {
                    decision: DecisionId(id),
                    by: names.get(&PersonId(actor)).cloned().unwrap_or_default(),
                    at: from_millis(at)?,
                });
            }
        }
        for (occurrence, count) in nudges {
            if let Some(record) = index.get(&occurrence).and_then(|i| records.get_mut(*i)) {
                record.nudges = u32::try_from(count).unwrap_or(u32::MAX);
            }
        }
        for record in &mut records {
            record.answers.sort_by_key(|a| (a.at, a.decision));
        }
        Ok(records)
    }
}

/// A membership row as a stint.
fn stint(
    (team, person, role, joined, left): (i64, i64, String, i64, Option<i64>),
) -> StoreResult<Stint> {
    Ok(Stint {
        team: TeamId(team),
        person: PersonId(person),
        role: match role.as_str() {
            "manager" => StintRole::Manager,
            "member" => StintRole::Member,
            other => return Err(StoreError::Corrupt(format!("`{other}` is not a role"))),
        },
        from: from_millis(joined)?,
        until: left.map(from_millis).transpose()?,
    })
}

/// A workspace Cadence has seen, for tools that run outside any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// Its tenant.
    pub tenant: TenantId,
    /// `slack` or `teams`.
    pub platform: String,
    /// The platform's id for it (Slack team id, Teams tenant id).
    pub external_id: String,
}

impl Store {
    /// Every workspace, oldest first.
    pub async fn workspaces(&self) -> StoreResult<Vec<Workspace>> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, platform, external_id FROM tenants ORDER BY id")
                .fetch_all(&self.read)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, platform, external_id)| Workspace {
                tenant: TenantId(id),
                platform,
                external_id,
            })
            .collect())
    }
}
