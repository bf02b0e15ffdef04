//! Approve and Decline on a track-request card: the managers of the requester's team answer the
//! request, once; the card is updated to say who answered.

use super::{CardAnswer, CardInput, CardOutcome, invalid, invalid_because, record_answer};
use crate::domain::card::{Action, Verb};
use crate::domain::decision::{Decision, FollowUp, FollowUpCard, TrackAnswer, TrackStatus};
use crate::domain::ids::DecisionId;
use crate::domain::prompt::{TrackRequestView, track_request_card, with_outcome};
use crate::domain::text::Text;
use crate::service::scope::{Scope, Stop};

/// Approve or Decline on a track-request card: the managers of the requester's team decide.
pub(super) async fn answer_track_request(
    scope: &Scope<'_>,
    input: &CardInput,
    action: &Action,
) -> Result<CardOutcome, Stop> {
    let request = match action.record {
        Some(id) => scope.store().decision(scope.tenant, DecisionId(id)).await?,
        None => None,
    };
    let Some((request, asked)) = request.and_then(|d| match &d.decision {
        Decision::RequestTrack(asked) if d.reverted_by.is_none() => {
            Some((d.clone(), asked.clone()))
        }
        _ => None,
    }) else {
        return Err(invalid(
            "This request is no longer known to Cadence; nothing was recorded.",
        ));
    };
    let team = match request.team {
        Some(team) => scope.store().team_by_id(scope.tenant, team).await?,
        None => None,
    };
    let Some(team) = team else {
        return Err(invalid(
            "This request's team no longer exists; nothing was recorded.",
        ));
    };
    scope
        .require_manager(&team, "answer track requests for")
        .await?;
    let person_id = request.subject_user_id.clone().unwrap_or_default();
    let track = asked.track.clone();
    let Some(person) = scope.store().find_person(scope.tenant, &person_id).await? else {
        return Err(invalid(
            "The person who asked is no longer known; nothing was recorded.",
        ));
    };
    if scope
        .store()
        .track_status(scope.tenant, person.id, &track)
        .await?
        != Some(TrackStatus::Requested)
    {
        return Err(invalid(
            "This request has already been answered; nothing was recorded.",
        ));
    }
    let answer = TrackAnswer::new(&person.user_id, &track, None, Some(request.id))
        .map_err(invalid_because)?;
    let (decision, verb) = match action.verb {
        Verb::ApproveTrack => (Decision::ApproveTrack(answer), "Approved"),
        _ => (Decision::DeclineTrack(answer), "Declined"),
    };
    let view = TrackRequestView {
        person_id: person.user_id.clone(),
        person_name: person.display_name.clone(),
        track: track.clone(),
        note: asked.note.clone(),
        decision: request.id.0,
    };
    let line = Text::new()
        .plain(format!("{verb} by "))
        .mention(scope.actor.user_id.clone());
    let follow_up = input.message.as_ref().map(|(channel, ts)| FollowUp {
        channel_id: channel.clone(),
        replaces: Some(ts.clone()),
        card: FollowUpCard::Ready(
            serde_json::to_value(with_outcome(&track_request_card(&view), &[line], true))
                .unwrap_or_default(),
        ),
        key_prefix: format!("track-answer:{}:", request.id.0),
    });
    record_answer(
        scope,
        input,
        CardAnswer {
            team: team.id,
            subject: Some(person.id),
            capability: None,
            decision,
            follow_up,
            answered: "This request has already been answered; nothing was recorded.",
        },
    )
    .await
}
