//! The decision commands: each resolves what it names, checks the author's rights, and records
//! one decision with its effect.

use chrono::{Datelike, Duration};
use serde_json::json;

use super::scope::{Scope, Stop, finish};
use super::{Outcome, Reply, ServiceError};
use crate::domain::command::{Command, DateRange, Hours, Period};
use crate::domain::decision::{Effect, FollowUp, FollowUpCard, NewDecision, TrackStatus};
use crate::domain::ids::{CapabilityId, PersonId};
use crate::domain::text::Text;
use crate::domain::{DecisionKind, Level};
use crate::store::Team;

/// The longest absence recorded in one go; longer ones are almost always a typo in the year.
const MAX_ABSENCE_DAYS: i64 = 366;

/// Runs a decision command.
pub async fn run(
    scope: &Scope<'_>,
    team: Option<&str>,
    command: &Command,
) -> Result<Reply, ServiceError> {
    finish(decide(scope, team, command).await)
}

/// What a command decided, before it is recorded.
struct Draft {
    kind: DecisionKind,
    subject: Option<PersonId>,
    capability: Option<CapabilityId>,
    payload: serde_json::Value,
    effect: Effect,
    follow_up: Option<FollowUp>,
    confirmation: Text,
}

async fn decide(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    command: &Command,
) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    authorise(scope, &team, command).await?;
    let draft = draft(scope, &team, command).await?;
    let queued = draft.follow_up.is_some();
    let id = scope
        .store()
        .record(&NewDecision {
            tenant: scope.tenant,
            team: Some(team.id),
            kind: draft.kind,
            actor: scope.actor.id,
            subject: draft.subject,
            capability: draft.capability,
            occurrence: None,
            channel: scope.invocation.channel_id.clone(),
            source: scope.invocation.source,
            payload: draft.payload,
            effect: draft.effect,
            follow_up: draft.follow_up.clone(),
            at: scope.now(),
        })
        .await?;
    tracing::info!(decision = id.0, kind = %draft.kind, team = team.id.0, "decision recorded");
    if queued {
        scope.commands.wake_outbox();
    }
    Ok(Reply {
        text: draft.confirmation,
        outcome: Outcome::Recorded(id),
    })
}

/// Managers and admins decide; a member may only request a track for themselves.
async fn authorise(scope: &Scope<'_>, team: &Team, command: &Command) -> Result<(), Stop> {
    if let Command::Request { .. } = command {
        if scope.is_admin() || scope.role(team).await?.is_some() {
            return Ok(());
        }
        let text = Text::new()
            .plain("You're not in ")
            .strong(team.name.clone())
            .plain(", so you can't do that for it. Nothing was recorded.");
        return Err(Reply::refused(text).into());
    }
    scope.require_manager(team, "record decisions for").await
}

async fn draft(scope: &Scope<'_>, team: &Team, command: &Command) -> Result<Draft, Stop> {
    let draft = match command {
        Command::Gap { person, capability } => {
            let who = scope.member(team, person).await?;
            let known = scope.maybe_capability(capability).await?;
            let mut confirmation = Text::new()
                .plain("Logged a skill gap for ")
                .mention(who.user_id.clone())
                .plain(": ")
                .strong(capability.clone())
                .plain(".");
            if known.is_none() {
                confirmation = confirmation
                    .plain(" It isn't in the capability library yet; add it with ")
                    .code(format!("/cadence capability add \"{capability}\""))
                    .plain(" to track levels and targets.");
            }
            Draft {
                kind: DecisionKind::Gap,
                subject: Some(who.id),
                capability: known.as_ref().map(|c| c.id),
                payload: json!({ "person": who.user_id, "capability": capability }),
                effect: Effect::None,
                follow_up: None,
                confirmation,
            }
        }
        Command::Coach {
            person,
            capability,
            note,
        } => {
            let who = scope.member(team, person).await?;
            let known = scope.maybe_capability(capability).await?;
            let mut confirmation = Text::new()
                .plain("Captured a coaching moment for ")
                .mention(who.user_id.clone())
                .plain(" on ")
                .strong(capability.clone());
            if let Some(note) = note {
                confirmation = confirmation.plain(": ").plain(note.clone());
            }
            Draft {
                kind: DecisionKind::Coach,
                subject: Some(who.id),
                capability: known.as_ref().map(|c| c.id),
                payload: json!({ "person": who.user_id, "capability": capability, "note": note }),
                effect: Effect::None,
                follow_up: None,
                confirmation: confirmation.plain("."),
            }
        }
        Command::Intervene {
            person,
            capability,
            means,
            due,
        } => {
            let who = scope.member(team, person).await?;
            let cap = scope.capability(capability).await?;
            let today = scope.today(team);
            if let Some(due) = due
                && *due < today
            {
                let text = Text::new()
                    .plain(format!(
                        "The due date {due} is in the past (today is {today}). "
                    ))
                    .plain("Nothing was recorded.");
                return Err(Reply::invalid(text).into());
            }
            let mut confirmation = Text::new()
                .plain("Planned an intervention for ")
                .mention(who.user_id.clone())
                .plain(" on ")
                .strong(cap.name.clone())
                .plain(" via ")
                .plain(means.clone());
            if let Some(due) = due {
                confirmation = confirmation.plain(format!(", due {due}"));
            }
            Draft {
                kind: DecisionKind::Intervene,
                subject: Some(who.id),
                capability: Some(cap.id),
                payload: json!({
                    "person": who.user_id, "capability": cap.name, "means": means,
                    "due": due.map(|d| d.to_string()),
                }),
                effect: Effect::PlanIntervention {
                    team: team.id,
                    person: who.id,
                    capability: cap.id,
                    means: means.clone(),
                    due: *due,
                },
                follow_up: None,
                confirmation: confirmation.plain("."),
            }
        }
        Command::Level {
            person,
            capability,
            level,
            evidence,
        } => {
            level_draft(
                scope,
                team,
                person,
                capability,
                *level,
                evidence,
                DecisionKind::Level,
            )
            .await?
        }
        Command::Certify {
            person,
            capability,
            evidence,
        } => {
            level_draft(
                scope,
                team,
                person,
                capability,
                Level::Mastery,
                evidence,
                DecisionKind::Certify,
            )
            .await?
        }
        Command::Approve { person, track } => {
            track_draft(scope, team, person, track, TrackStatus::Approved, None).await?
        }
        Command::Decline {
            person,
            track,
            reason,
        } => {
            track_draft(
                scope,
                team,
                person,
                track,
                TrackStatus::Declined,
                reason.clone(),
            )
            .await?
        }
        Command::Request { track, note } => {
            let already = scope
                .store()
                .track_status(scope.tenant, scope.actor.id, track)
                .await?;
            let waiting = match already {
                Some(TrackStatus::Approved) => Some("You're already approved for the "),
                Some(TrackStatus::Requested) => {
                    Some("Your request is already waiting for a manager: the ")
                }
                Some(TrackStatus::Declined) | None => None,
            };
            if let Some(words) = waiting {
                let text = Text::new()
                    .plain(words)
                    .strong(track.clone())
                    .plain(" track. Nothing was recorded.");
                return Err(Reply::invalid(text).into());
            }
            let me = crate::domain::command::UserRef {
                id: scope.actor.user_id.clone(),
                label: Some(scope.actor.display_name.clone()),
            };
            track_draft(
                scope,
                team,
                &me,
                track,
                TrackStatus::Requested,
                note.clone(),
            )
            .await?
        }
        Command::Sequence {
            family,
            capabilities,
        } => {
            let mut found = Vec::with_capacity(capabilities.len());
            let mut missing = Vec::new();
            for name in capabilities {
                match scope.maybe_capability(name).await? {
                    Some(cap) => found.push(cap),
                    None => missing.push(name.clone()),
                }
            }
            if !missing.is_empty() {
                if let [only] = missing.as_slice() {
                    // One unknown name gets the full "did you mean" answer.
                    scope.capability(only).await?;
                }
                let text = Text::new()
                    .plain("These aren't in the capability library yet: ")
                    .strong(missing.join(", "))
                    .plain(". Add them with ")
                    .code("/cadence capability add \"name\" \"what it means\"")
                    .plain(" first. Nothing was recorded.");
                return Err(Reply::invalid(text).into());
            }
            let names: Vec<String> = found.iter().map(|c| c.name.clone()).collect();
            Draft {
                follow_up: None,
                kind: DecisionKind::Sequence,
                subject: None,
                capability: None,
                payload: json!({ "family": family, "capabilities": names }),
                effect: Effect::SetSequence {
                    team: team.id,
                    family: family.clone(),
                    capabilities: found.iter().map(|c| c.id).collect(),
                },
                confirmation: Text::new()
                    .plain("Skill order for ")
                    .strong(family.clone())
                    .plain(" in ")
                    .strong(team.name.clone())
                    .plain(": ")
                    .plain(names.join(" → "))
                    .plain("."),
            }
        }
        Command::Hours {
            person,
            hours,
            period,
        } => {
            let who = scope.member(team, person).await?;
            let (period_kind, period_label) = match period {
                Some(Period::Sprint(name)) => ("sprint", name.clone()),
                Some(Period::Week(day)) => ("week", monday_of(*day).to_string()),
                None => ("week", monday_of(scope.today(team)).to_string()),
            };
            let period_text = match period_kind {
                "sprint" => format!("sprint {period_label}"),
                _ => format!("the week of {period_label}"),
            };
            Draft {
                follow_up: None,
                kind: DecisionKind::Hours,
                subject: Some(who.id),
                capability: None,
                payload: json!({
                    "person": who.user_id, "hours": format_hours(*hours),
                    "period_kind": period_kind, "period": period_label,
                }),
                effect: Effect::AllocateHours {
                    team: team.id,
                    person: who.id,
                    hours: *hours,
                    period_kind,
                    period_label,
                },
                confirmation: Text::new()
                    .plain(format!(
                        "Allocated {} learning hours to ",
                        format_hours(*hours)
                    ))
                    .mention(who.user_id.clone())
                    .plain(" in ")
                    .plain(period_text)
                    .plain("."),
            }
        }
        Command::Mastery {
            capability,
            criteria,
        } => {
            let cap = scope.capability(capability).await?;
            Draft {
                follow_up: None,
                kind: DecisionKind::Mastery,
                subject: None,
                capability: Some(cap.id),
                payload: json!({ "capability": cap.name, "criteria": criteria }),
                effect: Effect::SetCriteria {
                    team: team.id,
                    capability: cap.id,
                    criteria: criteria.clone(),
                },
                confirmation: Text::new()
                    .plain("In ")
                    .strong(team.name.clone())
                    .plain(", mastery of ")
                    .strong(cap.name.clone())
                    .plain(" now means: ")
                    .plain(criteria.clone())
                    .plain("."),
            }
        }
        Command::Target { capability, count } => {
            let cap = scope.capability(capability).await?;
            Draft {
                follow_up: None,
                kind: DecisionKind::Target,
                subject: None,
                capability: Some(cap.id),
                payload: json!({ "capability": cap.name, "target": count }),
                effect: Effect::SetTarget {
                    team: team.id,
                    capability: cap.id,
                    count: *count,
                },
                confirmation: Text::new()
                    .strong(team.name.clone())
                    .plain(format!(
                        " now aims for {count} {} at mastery of ",
                        people(*count)
                    ))
                    .strong(cap.name.clone())
                    .plain("."),
            }
        }
        Command::Away { person, dates } => {
            let who = scope.member(team, person).await?;
            let days = (dates.to - dates.from).num_days() + 1;
            if days > MAX_ABSENCE_DAYS {
                let text = Text::new()
                    .plain(format!(
                        "That absence is {days} days long; Cadence records at most {MAX_ABSENCE_DAYS} at a time. \
                         Check the dates. Nothing was recorded."
                    ));
                return Err(Reply::invalid(text).into());
            }
            Draft {
                follow_up: None,
                kind: DecisionKind::Absence,
                subject: Some(who.id),
                capability: None,
                payload: json!({ "person": who.user_id, "from": dates.from.to_string(), "to": dates.to.to_string() }),
                effect: Effect::AddAbsence {
                    person: who.id,
                    dates: *dates,
                },
                confirmation: Text::new()
                    .plain("Noted: ")
                    .mention(who.user_id.clone())
                    .plain(format!(
                        " is away {}. Coverage on those days counts without them.",
                        describe(dates)
                    )),
            }
        }
        Command::Commission {
            title,
            budget,
            capability,
        } => {
            let cap = match capability {
                Some(name) => Some(scope.capability(name).await?),
                None => None,
            };
            let mut confirmation = Text::new()
                .plain("Commissioned a module: ")
                .strong(title.clone());
            if let Some(budget) = budget {
                confirmation = confirmation.plain(format!(", budget {budget}"));
            }
            if let Some(cap) = &cap {
                confirmation = confirmation.plain(" for ").strong(cap.name.clone());
            }
            Draft {
                kind: DecisionKind::Commission,
                subject: None,
                capability: cap.as_ref().map(|c| c.id),
                payload: json!({
                    "title": title, "budget": budget, "capability": cap.as_ref().map(|c| c.name.clone()),
                }),
                effect: Effect::Commission {
                    team: team.id,
                    title: title.clone(),
                    budget: *budget,
                    capability: cap.as_ref().map(|c| c.id),
                },
                follow_up: None,
                confirmation: confirmation.plain("."),
            }
        }
        Command::Help { .. }
        | Command::Me
        | Command::Coverage { .. }
        | Command::TeamCreate { .. }
        | Command::TeamMembers { .. }
        | Command::CapabilityAdd { .. }
        | Command::RitualAdd { .. }
        | Command::RitualList
        | Command::RitualPause { .. }
        | Command::RitualResume { .. } => {
            // The dispatcher sends these elsewhere; answering keeps this total without a panic.
            return Err(
                Reply::invalid(Text::new().plain("That command records no decision.")).into(),
            );
        }
    };
    Ok(draft)
}

async fn level_draft(
    scope: &Scope<'_>,
    team: &Team,
    person: &crate::domain::command::UserRef,
    capability: &str,
    level: Level,
    evidence: &Option<String>,
    kind: DecisionKind,
) -> Result<Draft, Stop> {
    let who = scope.member(team, person).await?;
    let cap = scope.capability(capability).await?;
    let verb = if kind == DecisionKind::Certify {
        "Certified "
    } else {
        "Set "
    };
    let mut confirmation = Text::new()
        .plain(verb)
        .mention(who.user_id.clone())
        .plain(" at ")
        .strong(level.as_str())
        .plain(" in ")
        .strong(cap.name.clone());
    if let Some(evidence) = evidence {
        confirmation = confirmation
            .plain(" (evidence: ")
            .plain(evidence.clone())
            .plain(")");
    }
    Ok(Draft {
        kind,
        subject: Some(who.id),
        capability: Some(cap.id),
        payload: json!({
            "person": who.user_id, "capability": cap.name, "level": level.as_str(), "evidence": evidence,
        }),
        effect: Effect::SetLevel {
            person: who.id,
            capability: cap.id,
            level,
            evidence: evidence.clone(),
        },
        follow_up: None,
        confirmation: confirmation.plain("."),
    })
}

async fn track_draft(
    scope: &Scope<'_>,
    team: &Team,
    person: &crate::domain::command::UserRef,
    track: &str,
    status: TrackStatus,
    note: Option<String>,
) -> Result<Draft, Stop> {
    let who = scope.member(team, person).await?;
    let (kind, verb) = match status {
        TrackStatus::Requested => (DecisionKind::RequestTrack, "Asked "),
        TrackStatus::Approved => (DecisionKind::ApproveTrack, "Approved "),
        TrackStatus::Declined => (DecisionKind::DeclineTrack, "Declined "),
    };
    let mut confirmation = match status {
        TrackStatus::Requested => Text::new()
            .plain(verb)
            .strong(team.name.clone())
            .plain("'s managers to let you enter the ")
            .strong(track.to_owned())
            .plain(" track"),
        _ => Text::new()
            .plain(verb)
            .mention(who.user_id.clone())
            .plain(" for the ")
            .strong(track.to_owned())
            .plain(" track"),
    };
    if let Some(note) = &note {
        confirmation = confirmation.plain(": ").plain(note.clone());
    }
    // A request goes to the managers as a card in the team's channel, with Approve / Decline.
    let follow_up = match (status, &team.home_channel) {
        (TrackStatus::Requested, Some(channel)) => Some(FollowUp {
            channel_id: channel.clone(),
            replaces: None,
            card: FollowUpCard::TrackRequest {
                person_id: who.user_id.clone(),
                person_name: who.display_name.clone(),
                track: track.to_owned(),
                note: note.clone(),
            },
            key_prefix: "track-request:".to_owned(),
        }),
        _ => None,
    };
    if follow_up.is_some() {
        confirmation = confirmation
            .plain(". They'll see it in ")
            .channel(team.home_channel.clone().unwrap_or_default());
    }
    Ok(Draft {
        kind,
        subject: Some(who.id),
        capability: None,
        payload: json!({ "person": who.user_id, "track": track, "note": note }),
        effect: Effect::SetTrackStatus {
            team: team.id,
            person: who.id,
            track: track.to_owned(),
            status,
            note,
        },
        follow_up,
        confirmation: confirmation.plain("."),
    })
}

/// The Monday of the week `day` falls in.
fn monday_of(day: chrono::NaiveDate) -> chrono::NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Hours as people write them: `6`, `1.5`, `0.25`.
pub fn format_hours(hours: Hours) -> String {
    let whole = hours.centi / 100;
    match hours.centi % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

fn people(count: u32) -> &'static str {
    if count == 1 { "person" } else { "people" }
}

fn describe(dates: &DateRange) -> String {
    if dates.from == dates.to {
        format!("on {}", dates.from)
    } else {
        format!("from {} to {}", dates.from, dates.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_print_as_typed() {
        assert_eq!(format_hours(Hours { centi: 600 }), "6");
        assert_eq!(format_hours(Hours { centi: 150 }), "1.5");
        assert_eq!(format_hours(Hours { centi: 25 }), "0.25");
    }

    #[test]
    fn weeks_start_on_monday() {
        let wed: chrono::NaiveDate = "2026-11-25".parse().expect("date");
        assert_eq!(monday_of(wed).to_string(), "2026-11-23");
        assert_eq!(monday_of(monday_of(wed)), monday_of(wed));
    }
}
