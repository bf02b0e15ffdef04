//! A workspace's data, or one team's, as records for `cadence export`: everything Cadence keeps
//! about the people and teams of one tenant — the decision log first among it — each record a
//! JSON object with its `record` kind, times in RFC 3339 and people by their platform user id.
//! The module library, tracks, modules done and budgets are part of it. Read only; scoped by
//! tenant like every other query.

use serde_json::{Value, json};

use super::{Store, StoreError, StoreResult, from_millis};
use crate::domain::ids::{TeamId, TenantId};

/// What to export: a whole workspace, or one of its teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportScope {
    /// The workspace.
    pub tenant: TenantId,
    /// Only this team (its people, decisions, rituals and records), if given.
    pub team: Option<TeamId>,
}

/// A team row: id, name, time zone, home channel, digest schedule, created.
type TeamRow = (i64, String, String, Option<String>, Option<String>, i64);
/// A capability row: name, description, family, mastery criteria.
type CapabilityRow = (String, Option<String>, Option<String>, Option<String>);

/// A module row: title, capability, hours in hundredths, link, level, state.
type ModuleRow = (
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
);

/// An instant as RFC 3339.
fn time(ms: i64) -> StoreResult<String> {
    Ok(from_millis(ms)?.to_rfc3339())
}

fn optional_time(ms: Option<i64>) -> StoreResult<Option<String>> {
    ms.map(time).transpose()
}

impl Store {
    /// Every record of `scope`, workspace and teams first, then people, the decision log, and
    /// the state the log explains.
    pub async fn export(&self, scope: ExportScope) -> StoreResult<Vec<Value>> {
        let t = scope.tenant.0;
        let team = scope.team.map_or(-1, |id| id.0);
        let all = scope.team.is_none();
        let mut records = Vec::new();

        let workspace: Option<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT platform, external_id, name, created_at FROM tenants WHERE id = $1",
        )
        .bind(t)
        .fetch_optional(&self.read)
        .await?;
        let Some((platform, external_id, name, created)) = workspace else {
            return Err(StoreError::Corrupt(format!("no tenant {t}")));
        };
        records.push(
            json!({ "record": "workspace", "platform": platform, "id": external_id,
            "name": name, "created_at": time(created)? }),
        );

        let teams: Vec<TeamRow> = sqlx::query_as(
            "SELECT id, name, tz, home_channel, digest_schedule, created_at FROM teams \
             WHERE tenant_id = $1 AND ($2 = -1 OR id = $2) ORDER BY id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (id, name, tz, channel, digest, created) in teams {
            records.push(json!({ "record": "team", "id": id, "name": name, "tz": tz,
                "home_channel": channel, "digest_schedule": digest, "created_at": time(created)? }));
        }

        // People: everyone in the workspace, or everyone who was ever on the team.
        let people: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT p.user_id, p.display_name, p.tz, p.created_at FROM people p \
             WHERE p.tenant_id = $1 AND ($2 = -1 OR p.id IN \
                 (SELECT person_id FROM team_members WHERE tenant_id = $1 AND team_id = $2)) \
             ORDER BY p.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (user, name, tz, created) in people {
            records.push(
                json!({ "record": "person", "user_id": user, "display_name": name,
                "tz": tz, "created_at": time(created)? }),
            );
        }
        let members: Vec<(String, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT t.name, p.user_id, m.role, m.joined_at, m.left_at FROM team_members m \
             JOIN teams t ON t.id = m.team_id AND t.tenant_id = m.tenant_id \
             JOIN people p ON p.id = m.person_id AND p.tenant_id = m.tenant_id \
             WHERE m.tenant_id = $1 AND ($2 = -1 OR m.team_id = $2) ORDER BY t.id, p.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (team, user, role, joined, left) in members {
            records.push(
                json!({ "record": "membership", "team": team, "user_id": user,
                "role": role, "joined_at": time(joined)?, "left_at": optional_time(left)? }),
            );
        }
        if all {
            let capabilities: Vec<CapabilityRow> = sqlx::query_as(
                "SELECT name, description, family, mastery_criteria FROM capabilities \
                     WHERE tenant_id = $1 ORDER BY id",
            )
            .bind(t)
            .fetch_all(&self.read)
            .await?;
            for (name, description, family, criteria) in capabilities {
                records.push(json!({ "record": "capability", "name": name,
                    "description": description, "family": family, "mastery_criteria": criteria }));
            }
        }
        self.export_decisions(scope, &mut records).await?;
        self.export_state(scope, &mut records).await?;
        self.export_learning(scope, &mut records).await?;
        Ok(records)
    }

    /// The decision log of the scope, in the order it was written.
    async fn export_decisions(
        &self,
        scope: ExportScope,
        records: &mut Vec<Value>,
    ) -> StoreResult<()> {
        type Row = (
            i64,
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<i64>,
            String,
            String,
            Option<i64>,
            i64,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT d.id, d.kind, t.name, a.user_id, s.user_id, c.name, d.occurrence_id, d.source, \
                    d.payload, d.reverts_decision_id, d.created_at \
             FROM decisions d \
             LEFT JOIN teams t ON t.id = d.team_id AND t.tenant_id = d.tenant_id \
             JOIN people a ON a.id = d.actor_person_id AND a.tenant_id = d.tenant_id \
             LEFT JOIN people s ON s.id = d.subject_person_id AND s.tenant_id = d.tenant_id \
             LEFT JOIN capabilities c ON c.id = d.capability_id AND c.tenant_id = d.tenant_id \
             WHERE d.tenant_id = $1 AND ($2 = -1 OR d.team_id = $2) ORDER BY d.id",
        )
        .bind(scope.tenant.0)
        .bind(scope.team.map_or(-1, |id| id.0))
        .fetch_all(&self.read)
        .await?;
        for (
            id,
            kind,
            team,
            actor,
            subject,
            capability,
            occurrence,
            source,
            payload,
            reverts,
            at,
        ) in rows
        {
            let payload: Value = serde_json::from_str(&payload)
                .map_err(|e| StoreError::Corrupt(format!("decision {id}: {e}")))?;
            records.push(
                json!({ "record": "decision", "id": id, "kind": kind, "team": team,
                "actor": actor, "subject": subject, "capability": capability,
                "occurrence": occurrence, "source": source, "payload": payload,
                "reverts": reverts, "created_at": time(at)? }),
            );
        }
        Ok(())
    }

    /// The state the log explains: rituals and their occurrences, levels, targets, absences,
    /// interventions and learning hours.
    async fn export_state(&self, scope: ExportScope, records: &mut Vec<Value>) -> StoreResult<()> {
        let (t, team) = (scope.tenant.0, scope.team.map_or(-1, |id| id.0));
        let rituals: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
            "SELECT r.id, t.name, r.kind, r.name, r.channel_id, r.paused FROM rituals r \
             JOIN teams t ON t.id = r.team_id AND t.tenant_id = r.tenant_id \
             WHERE r.tenant_id = $1 AND ($2 = -1 OR r.team_id = $2) ORDER BY r.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (id, team, kind, name, channel, paused) in rituals {
            records.push(
                json!({ "record": "ritual", "id": id, "team": team, "kind": kind,
                "name": name, "channel": channel, "paused": paused != 0 }),
            );
        }
        let occurrences: Vec<(i64, i64, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT o.id, o.ritual_id, o.title, o.happened_at, o.artefact_at FROM occurrences o \
             JOIN rituals r ON r.id = o.ritual_id AND r.tenant_id = o.tenant_id \
             WHERE o.tenant_id = $1 AND ($2 = -1 OR r.team_id = $2) ORDER BY o.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (id, ritual, title, happened, artefact) in occurrences {
            records.push(json!({ "record": "occurrence", "id": id, "ritual": ritual,
                "title": title, "happened_at": time(happened)?, "artefact_at": optional_time(artefact)? }));
        }
        // Levels and absences belong to people: those of the scope's people.
        let people = "($2 = -1 OR x.person_id IN \
                      (SELECT person_id FROM team_members WHERE tenant_id = $1 AND team_id = $2))";
        let levels: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(&format!(
            "SELECT p.user_id, c.name, x.level, x.evidence, x.set_at FROM person_levels x \
             JOIN people p ON p.id = x.person_id AND p.tenant_id = x.tenant_id \
             JOIN capabilities c ON c.id = x.capability_id AND c.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND {people} ORDER BY p.id, c.id"
        ))
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (user, capability, level, evidence, at) in levels {
            records.push(
                json!({ "record": "level", "user_id": user, "capability": capability,
                "level": level, "evidence": evidence, "set_at": time(at)? }),
            );
        }
        let absences: Vec<(String, String, String)> = sqlx::query_as(&format!(
            "SELECT p.user_id, x.starts_on, x.ends_on FROM absences x \
             JOIN people p ON p.id = x.person_id AND p.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND {people} ORDER BY x.id"
        ))
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (user, from, to) in absences {
            records.push(json!({ "record": "absence", "user_id": user, "from": from, "to": to }));
        }
        let targets: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT t.name, c.name, x.target FROM team_targets x \
             JOIN teams t ON t.id = x.team_id AND t.tenant_id = x.tenant_id \
             JOIN capabilities c ON c.id = x.capability_id AND c.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND ($2 = -1 OR x.team_id = $2) ORDER BY t.id, c.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (team, capability, target) in targets {
            records.push(json!({ "record": "target", "team": team, "capability": capability, "target": target }));
        }
        let interventions: Vec<(String, String, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT t.name, p.user_id, c.name, x.means, x.due_on, x.status FROM interventions x \
             JOIN teams t ON t.id = x.team_id AND t.tenant_id = x.tenant_id \
             JOIN people p ON p.id = x.person_id AND p.tenant_id = x.tenant_id \
             JOIN capabilities c ON c.id = x.capability_id AND c.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND ($2 = -1 OR x.team_id = $2) ORDER BY x.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (team, user, capability, means, due, status) in interventions {
            records.push(
                json!({ "record": "intervention", "team": team, "user_id": user,
                "capability": capability, "means": means, "due": due, "status": status }),
            );
        }
        let hours: Vec<(String, String, i64, String, String, i64)> = sqlx::query_as(
            "SELECT t.name, p.user_id, x.hours_centi, x.period_kind, x.period_label, x.created_at \
             FROM learning_hours x \
             JOIN teams t ON t.id = x.team_id AND t.tenant_id = x.tenant_id \
             JOIN people p ON p.id = x.person_id AND p.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND ($2 = -1 OR x.team_id = $2) ORDER BY x.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (team, user, centi, kind, label, at) in hours {
            records.push(
                json!({ "record": "learning_hours", "team": team, "user_id": user,
                "hours": centi as f64 / 100.0, "period": kind, "label": label,
                "created_at": time(at)? }),
            );
        }
        Ok(())
    }

    /// The module library (whole workspace only), tracks with their modules in order, modules
    /// people finished, and budgets.
    async fn export_learning(
        &self,
        scope: ExportScope,
        records: &mut Vec<Value>,
    ) -> StoreResult<()> {
        let (t, team) = (scope.tenant.0, scope.team.map_or(-1, |id| id.0));
        if scope.team.is_none() {
            let modules: Vec<ModuleRow> =
                sqlx::query_as(
                    "SELECT m.title, c.name, m.hours_centi, m.link, m.level, m.status FROM modules m \
                     LEFT JOIN capabilities c ON c.id = m.capability_id AND c.tenant_id = m.tenant_id \
                     WHERE m.tenant_id = $1 ORDER BY m.id",
                )
                .bind(t)
                .fetch_all(&self.read)
                .await?;
            for (title, capability, hours, link, level, state) in modules {
                records.push(json!({ "record": "module", "title": title, "capability": capability,
                    "hours": hours.map(|h| h as f64 / 100.0), "link": link, "level": level, "state": state }));
            }
        }
        let tracks: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT k.name, t.name, k.pace FROM tracks k \
             LEFT JOIN teams t ON t.id = k.team_id AND t.tenant_id = k.tenant_id \
             WHERE k.tenant_id = $1 AND ($2 = -1 OR k.team_id = $2) ORDER BY k.id",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        let steps: Vec<(String, String)> = sqlx::query_as(
            "SELECT k.name, m.title FROM track_modules x \
             JOIN tracks k ON k.id = x.track_id AND k.tenant_id = x.tenant_id \
             JOIN modules m ON m.id = x.module_id AND m.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND ($2 = -1 OR k.team_id = $2) ORDER BY k.id, x.position",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (name, team_name, pace) in tracks {
            let modules: Vec<&str> = steps
                .iter()
                .filter(|(k, _)| *k == name)
                .map(|(_, m)| m.as_str())
                .collect();
            records.push(json!({ "record": "track", "name": name, "team": team_name,
                "pace": pace, "modules": modules }));
        }
        let done: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT p.user_id, m.title, x.completed_at FROM module_completions x \
             JOIN people p ON p.id = x.person_id AND p.tenant_id = x.tenant_id \
             JOIN modules m ON m.id = x.module_id AND m.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND ($2 = -1 OR x.person_id IN \
                 (SELECT person_id FROM team_members WHERE tenant_id = $1 AND team_id = $2)) \
             ORDER BY x.completed_at",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (user, module, at) in done {
            records.push(
                json!({ "record": "module_done", "user_id": user, "module": module,
                "completed_at": time(at)? }),
            );
        }
        let budgets: Vec<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT t.name, b.quarter, b.hours_centi, b.spend FROM team_budgets b \
             JOIN teams t ON t.id = b.team_id AND t.tenant_id = b.tenant_id \
             WHERE b.tenant_id = $1 AND ($2 = -1 OR b.team_id = $2) ORDER BY t.id, b.quarter",
        )
        .bind(t)
        .bind(team)
        .fetch_all(&self.read)
        .await?;
        for (team, quarter, hours, spend) in budgets {
            records.push(
                json!({ "record": "budget", "team": team, "quarter": quarter,
                "hours": hours.map(|h| h as f64 / 100.0), "spend": spend }),
            );
        }
        Ok(())
    }
}
