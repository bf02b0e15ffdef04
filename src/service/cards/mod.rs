//! Clicks and form submissions on prompt cards: the same rights and records as commands.
//!
//! A click names its occurrence in the action it carries, so no server-side session is needed.
//! Only the team's managers (or Cadence admins) may decide from a card; anyone else is told so,
//! privately, and nothing is recorded. Each decision queues, in its own transaction, the card
//! updated in place to show what was decided and by whom.
//!
//! `handle` reads which verb a click carries and hands it to the file that owns it: `prompt`
//! (log a gap, "nothing this time", and recording with the card update), `forms` (opening and
//! submitting forms), `track` (answers to track requests), `budget` (L&D's answers to
//! over-budget requests) and `snooze`.

mod bind;
mod budget;
pub(super) mod commission;
mod forms;
mod prompt;
mod snooze;
mod track;

use std::collections::BTreeMap;

use super::scope::{Scope, Stop};
use super::{Commands, Invocation, StoreError};
use crate::domain::card::{Action, Choice, Form, Verb};
use crate::domain::decision::{FollowUp, FollowUpCard};
use crate::domain::ids::{CapabilityId, OccurrenceId};
use crate::domain::text::Text;
use crate::store::{Occurrence, Team};

/// What the platform adapter read from a click or a submitted form.
#[derive(Debug, Clone, Default)]
pub struct CardInput {
    /// Which card action.
    pub action: Option<Action>,
    /// Field values by field id (`person`, `capability`, `means`, `note`, `due`, `person_2`…):
    /// a user id, a capability id, text, or an ISO date.
    pub fields: BTreeMap<String, String>,
    /// The card's message as (channel, platform message id), to update it.
    pub message: Option<(String, String)>,
    /// The click's trigger, when it may open a form.
    pub trigger: Option<String>,
    /// Whether this is a submitted form rather than a click.
    pub submitted: bool,
    /// The platform waits for the answer (a Teams `adaptiveCard/action` invoke): refusals and
    /// forms come back in the [`CardOutcome`] instead of being queued.
    pub answer_inline: bool,
    /// What makes this click or submission unique (Slack: the action's time, user and message;
    /// Teams: the invoke's activity id): it is recorded once however often it arrives.
    pub interaction_key: Option<String>,
}

/// What the adapter answers.
#[derive(Debug, Clone, PartialEq)]
pub enum CardOutcome {
    /// Done (recorded, or nothing to do); any message to the person was queued.
    Done,
    /// Recorded; the card was updated to this neutral card (also queued as an update).
    Replaced(serde_json::Value),
    /// Nothing recorded; what to tell the person (only with [`CardInput::answer_inline`]).
    Told(Text),
    /// A form to fill in, for the tenant it belongs to: the adapter shows it while the request
    /// is still open (in a Teams invoke's answer; through Slack's `views.open`, whose
    /// `trigger_id` works once and only for three seconds, so it may not wait in the outbox).
    Form(Form, crate::domain::ids::TenantId),
    /// A submitted form has errors: (field id, what is wrong). Nothing was recorded.
    FieldErrors(Vec<(String, String)>),
}

impl Commands {
    /// Handles a click or submission by the invocation's author.
    pub async fn card(
        &self,
        invocation: &Invocation,
        input: &CardInput,
    ) -> Result<CardOutcome, StoreError> {
        let scope = Scope::open(self, invocation, &[]).await?;
        match handle(&scope, input).await {
            Ok(outcome) => Ok(outcome),
            Err(Stop::Reply(reply)) if input.answer_inline => Ok(CardOutcome::Told(reply.text)),
            Err(Stop::Reply(reply)) => {
                tell(&scope, input, reply.text).await?;
                Ok(CardOutcome::Done)
            }
            Err(Stop::Store(e)) => Err(e),
        }
    }
}

/// Runs what a click or submission asks, by its verb.
async fn handle(scope: &Scope<'_>, input: &CardInput) -> Result<CardOutcome, Stop> {
    let Some(action) = &input.action else {
        return Ok(CardOutcome::Done);
    };
    if matches!(action.verb, Verb::PickPerson | Verb::PickCapability) {
        // Selections live in the message until a button is pressed.
        return Ok(CardOutcome::Done);
    }
    if matches!(action.verb, Verb::ApproveTrack | Verb::DeclineTrack) {
        return track::answer_track_request(scope, input, action).await;
    }
    if action.verb == Verb::BindRitual {
        return bind::bind(scope, input, action).await;
    }
    if matches!(action.verb, Verb::ApproveBudget | Verb::DeclineBudget) {
        return budget::answer_budget_request(scope, input, action).await;
    }
    if matches!(
        action.verb,
        Verb::AcceptCommission | Verb::ReviseCommission | Verb::DeclineCommission
    ) {
        return commission::answer_commission(scope, input, action).await;
    }
    let prompt = Prompt::open(scope, action).await?;
    prompt.require_own_card(scope, input).await?;
    let (team, occurrence, choices) = (&prompt.team, &prompt.occurrence, &prompt.choices[..]);
    match (action.verb, input.submitted) {
        (Verb::NoGaps, _) => prompt::no_gaps(scope, input, team, occurrence, choices).await,
        (Verb::SnoozeNudge, _) => snooze::snooze(scope, input, team, occurrence).await,
        (Verb::LogGap, _) => prompt::log_gap(scope, input, team, occurrence, choices).await,
        (Verb::PlanIntervention | Verb::PlanInterventions | Verb::CoachingMoment, false) => {
            forms::open_form(scope, input, occurrence, action.verb, choices).await
        }
        (Verb::PlanIntervention | Verb::PlanInterventions | Verb::CoachingMoment, true) => {
            forms::submit(scope, input, team, occurrence, action.verb, choices).await
        }
        (
            Verb::ApproveTrack
            | Verb::DeclineTrack
            | Verb::PickPerson
            | Verb::PickCapability
            | Verb::BindRitual
            | Verb::ApproveBudget
            | Verb::DeclineBudget
            | Verb::AcceptCommission
            | Verb::ReviseCommission
            | Verb::DeclineCommission,
            _,
        ) => Err(invalid(
            "Use the approve or decline command for track requests; nothing was recorded.",
        )),
    }
}

/// The prompt a card answers, once the person may answer it: its occurrence, its team, and the
/// capabilities its pickers offer.
struct Prompt {
    occurrence: Occurrence,
    team: Team,
    choices: Vec<Choice>,
}

impl Prompt {
    /// The occurrence the action names, if it and its team still exist and the person manages
    /// the team.
    async fn open(scope: &Scope<'_>, action: &Action) -> Result<Prompt, Stop> {
        let occurrence = match action.record {
            Some(id) => {
                scope
                    .store()
                    .occurrence(scope.tenant, OccurrenceId(id))
                    .await?
            }
            None => None,
        };
        let Some(occurrence) = occurrence else {
            return Err(invalid(
                "This card is no longer known to Cadence; nothing was recorded.",
            ));
        };
        let team = scope
            .store()
            .team_by_id(scope.tenant, occurrence.ritual.team)
            .await?
            .ok_or_else(|| invalid("This card's team no longer exists; nothing was recorded."))?;
        scope
            .require_manager(&team, "answer this prompt for")
            .await?;
        let choices = capability_choices(scope, &team).await?;
        Ok(Prompt {
            occurrence,
            team,
            choices,
        })
    }
}

impl Prompt {
    /// Refuses a click or form whose card is not one the occurrence posted (another message,
    /// another channel): what it records would be shown on a card that is not the prompt, and
    /// the update would go to a message the payload chose.
    async fn require_own_card(&self, scope: &Scope<'_>, input: &CardInput) -> Result<(), Stop> {
        let Some((channel, message_id)) = &input.message else {
            return Ok(());
        };
        let own = scope
            .store()
            .is_prompt_of(scope.tenant, self.occurrence.id, channel, message_id)
            .await?;
        if own {
            return Ok(());
        }
        Err(invalid(
            "This card is not the prompt of that ritual; nothing was recorded.",
        ))
    }
}

/// An answer given on a request's card (a track request, an over-budget request, a
/// commission): the decision, what it is about, and the card's update.
struct CardAnswer {
    team: crate::domain::ids::TeamId,
    subject: Option<crate::domain::ids::PersonId>,
    capability: Option<CapabilityId>,
    decision: crate::domain::decision::Decision,
    follow_up: Option<FollowUp>,
    /// What to say when another answer got there first.
    answered: &'static str,
}

/// Records an answer once: the same click again is done, a second answer (or one to a request
/// withdrawn meanwhile) is refused with `answered` and records nothing.
async fn record_answer(
    scope: &Scope<'_>,
    input: &CardInput,
    answer: CardAnswer,
) -> Result<CardOutcome, Stop> {
    let outcome = replaced(answer.follow_up.clone());
    let recorded = scope
        .store()
        .record(&crate::domain::decision::NewDecision {
            tenant: scope.tenant,
            team: Some(answer.team),
            actor: scope.actor.id,
            subject: answer.subject,
            capability: answer.capability,
            occurrence: None,
            channel: input.message.as_ref().map(|(c, _)| c.clone()),
            source: scope.invocation.source,
            decision: answer.decision,
            follow_up: answer.follow_up,
            idempotency_key: input.interaction_key.clone(),
            at: scope.now(),
            roster: None,
        })
        .await;
    match recorded {
        Ok(_) => {
            scope.commands.wake_outbox();
            Ok(outcome)
        }
        Err(StoreError::Replayed) => Ok(CardOutcome::Done),
        Err(e) if e.is_conflict() => Err(invalid(answer.answered)),
        Err(e) => Err(e.into()),
    }
}

/// The outcome of a decision whose card update is `follow_up`.
fn replaced(follow_up: Option<FollowUp>) -> CardOutcome {
    match follow_up.map(|f| f.card) {
        Some(FollowUpCard::Ready(card)) => CardOutcome::Replaced(card),
        _ => CardOutcome::Done,
    }
}

/// Tells the person privately, through the outbox.
async fn tell(scope: &Scope<'_>, input: &CardInput, text: Text) -> Result<(), StoreError> {
    let Some((channel, _)) = &input.message else {
        return Ok(());
    };
    let card = crate::domain::card::Card::of_text(text);
    scope.show_privately(channel, "tell", &card).await
}

fn invalid_because(problem: crate::domain::decision::Invalid) -> Stop {
    Stop::Reply(super::Reply::invalid(
        Text::new().plain(problem.0).plain(" Nothing was recorded."),
    ))
}

fn invalid(words: &str) -> Stop {
    Stop::Reply(super::Reply::invalid(Text::new().plain(words)))
}

async fn capability_choices(scope: &Scope<'_>, team: &Team) -> Result<Vec<Choice>, Stop> {
    Ok(scope
        .store()
        .capability_choices(scope.tenant, team.id)
        .await?)
}

/// The capability a picker or form names: its id from a list, or its name typed where the
/// library was empty when the card was made.
async fn capability_by_choice(
    scope: &Scope<'_>,
    value: &str,
) -> Result<(CapabilityId, String), Stop> {
    let found = match value.parse::<i64>() {
        Ok(id) => {
            scope
                .store()
                .capability_by_id(scope.tenant, CapabilityId(id))
                .await?
        }
        Err(_) => {
            scope
                .store()
                .capability_by_name(scope.tenant, value)
                .await?
        }
    };
    let cap = found.ok_or_else(|| {
        invalid("That capability is not in the library; add it with the capability add command.")
    })?;
    Ok((cap.id, cap.name))
}
