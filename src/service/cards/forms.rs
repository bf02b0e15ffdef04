//! The forms a prompt's buttons open (plan an intervention, three for a QBR, a coaching moment),
//! and their submissions: every row checked and resolved before anything is recorded.

use chrono::NaiveDate;

use super::prompt::{Recorded, record};
use super::{CardInput, CardOutcome, capability_by_choice, invalid};
use crate::domain::card::{Choice, Form, Verb};
use crate::domain::command::UserRef;
use crate::domain::decision::{Coach, Decision, Intervene};
use crate::domain::prompt::{coaching_form, intervention_form, qbr_form};
use crate::service::scope::{Scope, Stop};
use crate::store::{Occurrence, Team};

/// A submitted form, by the button that opened it: one row, or three for a QBR.
pub(super) async fn submit(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    verb: Verb,
    choices: &[Choice],
) -> Result<CardOutcome, Stop> {
    let rows: &[(&str, &str, &str)] = match verb {
        Verb::PlanInterventions => &[
            ("person_1", "capability_1", "means_1"),
            ("person_2", "capability_2", "means_2"),
            ("person_3", "capability_3", "means_3"),
        ],
        Verb::CoachingMoment => &[("person", "capability", "note")],
        _ => &[("person", "capability", "means")],
    };
    submit_rows(scope, input, team, occurrence, verb, choices, rows).await
}

/// Validates and records a submitted form's rows: each row is empty or complete.
async fn submit_rows(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    occurrence: &Occurrence,
    verb: Verb,
    choices: &[Choice],
    rows: &[(&str, &str, &str)],
) -> Result<CardOutcome, Stop> {
    let mut errors = Vec::new();
    let complete = filled_rows(input, rows, &mut errors);
    let due = due(scope, input, team, &mut errors);
    // Resolve everything before recording anything, so a bad row records nothing.
    let mut resolved = Vec::new();
    for FilledRow {
        person_field,
        person,
        capability_field,
        capability,
        text,
    } in complete
    {
        let who = match scope
            .member(
                team,
                &UserRef {
                    id: person,
                    label: None,
                },
            )
            .await
        {
            Ok(who) => Some(who),
            Err(Stop::Reply(_)) => {
                errors.push((
                    person_field.to_owned(),
                    format!("Not a member of {}.", team.name),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        let cap = match capability_by_choice(scope, &capability).await {
            Ok(cap) => Some(cap),
            Err(Stop::Reply(_)) => {
                errors.push((
                    capability_field.to_owned(),
                    "Pick a capability from the list.".to_owned(),
                ));
                None
            }
            Err(e) => return Err(e),
        };
        if let (Some(who), Some(cap)) = (who, cap) {
            resolved.push((who, cap, text));
        }
    }
    if !errors.is_empty() {
        return Ok(CardOutcome::FieldErrors(errors));
    }
    // Every row of the form is recorded in one transaction: all of them or none. Each row is
    // built by the decision's one constructor, so a form is held to the command's limits.
    let today = scope.today(team);
    let mut decided = Vec::with_capacity(resolved.len());
    for (row, (who, (cap_id, cap_name), text)) in resolved.into_iter().enumerate() {
        let text_field = rows.get(row).map(|r| r.2).unwrap_or("note");
        let decision = if verb == Verb::CoachingMoment {
            Coach::new(&who.user_id, &cap_name, Some(&text)).map(Decision::Coach)
        } else {
            Intervene::new(&who.user_id, &cap_name, &text, due, today).map(Decision::Intervene)
        };
        let decision = match decision {
            Ok(decision) => decision,
            Err(problem) => {
                errors.push((text_field.to_owned(), problem.0));
                continue;
            }
        };
        let Some(line) = decision.signed_card_line(&who.user_id, &scope.actor.user_id) else {
            continue;
        };
        let recorded = Recorded {
            decision,
            subject: Some(who.id),
            capability: Some(cap_id),
            once: None,
        };
        decided.push((recorded, line));
    }
    if !errors.is_empty() {
        return Ok(CardOutcome::FieldErrors(errors));
    }
    record(scope, input, team, occurrence, choices, decided, false).await
}

/// A row with every field filled in: the field ids of its person and capability, and the values.
struct FilledRow<'r> {
    person_field: &'r str,
    person: String,
    capability_field: &'r str,
    capability: String,
    text: String,
}

/// The rows filled in completely. A row filled in part gets an error on each empty field; so does
/// an empty first row, as a form needs at least one.
fn filled_rows<'r>(
    input: &CardInput,
    rows: &[(&'r str, &'r str, &'r str)],
    errors: &mut Vec<(String, String)>,
) -> Vec<FilledRow<'r>> {
    let mut complete = Vec::new();
    for (i, (person, capability, text)) in rows.iter().enumerate() {
        let values = [person, capability, text]
            .map(|f| input.fields.get(*f).filter(|v| !v.trim().is_empty()));
        let filled = values.iter().filter(|v| v.is_some()).count();
        if filled == 0 && i > 0 {
            continue;
        }
        for (field, value) in [person, capability, text].iter().zip(values) {
            if value.is_none() {
                errors.push((
                    (**field).to_owned(),
                    "Fill this in too, or leave the whole row empty.".to_owned(),
                ));
            }
        }
        if let [Some(p), Some(c), Some(t)] = values {
            complete.push(FilledRow {
                person_field: person,
                person: p.clone(),
                capability_field: capability,
                capability: c.clone(),
                text: t.clone(),
            });
        }
    }
    complete
}

/// The form's `due` field: left empty, or a day from today on in the team's time zone.
fn due(
    scope: &Scope<'_>,
    input: &CardInput,
    team: &Team,
    errors: &mut Vec<(String, String)>,
) -> Option<NaiveDate> {
    match input.fields.get("due").filter(|d| !d.is_empty()) {
        Some(text) => match text.parse::<NaiveDate>() {
            Ok(day) if day >= scope.today(team) => Some(day),
            _ => {
                errors.push(("due".to_owned(), "Pick a date from today on.".to_owned()));
                None
            }
        },
        None => None,
    }
}

/// The form a button opens, for the adapter to show while the click's request is still open:
/// Slack's `trigger_id` works once and only within three seconds of the click, so a form never
/// waits in the outbox behind other messages. The form's submission names the card to update.
pub(super) async fn open_form(
    scope: &Scope<'_>,
    input: &CardInput,
    occurrence: &Occurrence,
    verb: Verb,
    choices: &[Choice],
) -> Result<CardOutcome, Stop> {
    let form: Form = match verb {
        Verb::PlanInterventions => qbr_form(occurrence.id.0, choices),
        Verb::CoachingMoment => coaching_form(occurrence.id.0, choices),
        _ => intervention_form(occurrence.id.0, choices),
    };
    if input.answer_inline || input.trigger.is_some() {
        return Ok(CardOutcome::Form(form, scope.tenant));
    }
    Err(invalid(
        "That button opens a form, which needs the click itself; try again.",
    ))
}
