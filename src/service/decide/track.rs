//! `request track "name" ["note"]`, `approve @person track "name"` and `decline @person track
//! "name" ["reason"]`: entry to a development track, asked by a member and decided by managers.
//! A request goes to the managers as a card in the team's channel, with Approve and Decline.

use super::{Draft, Right, record, refused, team_for};
use crate::domain::command::UserRef;
use crate::domain::decision::{Decision, FollowUp, FollowUpCard, TrackAnswer, TrackStatus};
use crate::domain::text::Text;
use crate::service::Reply;
use crate::service::scope::{Scope, Stop};
use crate::store::Team;

/// A member asks to enter a track.
pub(in crate::service) async fn request(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    track: &str,
    note: Option<&str>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Members).await?;
    let already = scope
        .store()
        .track_status(scope.tenant, scope.actor.id, track)
        .await?;
    let waiting = match already {
        Some(TrackStatus::Approved) => Some("You're already approved for the "),
        Some(TrackStatus::Requested) => Some("Your request is already waiting for a manager: the "),
        Some(TrackStatus::Declined) | None => None,
    };
    if let Some(words) = waiting {
        let text = Text::new()
            .plain(words)
            .strong(track)
            .plain(" track. Nothing was recorded.");
        return Err(Reply::invalid(text).into());
    }
    let me = UserRef {
        id: scope.actor.user_id.clone(),
        label: Some(scope.actor.display_name.clone()),
    };
    decide(scope, team, &me, track, TrackStatus::Requested, note).await
}

/// A manager approves someone's entry to a track.
pub(in crate::service) async fn approve(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    track: &str,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    decide(scope, team, person, track, TrackStatus::Approved, None).await
}

/// A manager declines someone's entry to a track, saying why.
pub(in crate::service) async fn decline(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    person: &UserRef,
    track: &str,
    reason: Option<&str>,
) -> Result<Reply, Stop> {
    let team = team_for(scope, named_team, Right::Managers).await?;
    decide(scope, team, person, track, TrackStatus::Declined, reason).await
}

async fn decide(
    scope: &Scope<'_>,
    team: Team,
    person: &UserRef,
    track: &str,
    status: TrackStatus,
    note: Option<&str>,
) -> Result<Reply, Stop> {
    let who = scope.member(&team, person).await?;
    let answer = TrackAnswer::new(&who.user_id, track, note, None).map_err(refused)?;
    let mut confirmation = match status {
        TrackStatus::Requested => Text::new()
            .plain("Asked ")
            .strong(team.name.clone())
            .plain("'s managers to let you enter the ")
            .strong(track)
            .plain(" track"),
        TrackStatus::Approved | TrackStatus::Declined => Text::new()
            .plain(if status == TrackStatus::Approved {
                "Approved "
            } else {
                "Declined "
            })
            .mention(who.user_id.clone())
            .plain(" for the ")
            .strong(track)
            .plain(" track"),
    };
    if let Some(note) = note {
        confirmation = confirmation.plain(": ").plain(note);
    }
    let follow_up = match (status, &team.home_channel) {
        (TrackStatus::Requested, Some(channel)) => Some(FollowUp {
            channel_id: channel.clone(),
            replaces: None,
            card: FollowUpCard::TrackRequest {
                person_id: who.user_id.clone(),
                person_name: who.display_name.clone(),
                track: track.to_owned(),
                note: note.map(str::to_owned),
            },
            key_prefix: "track-request:".to_owned(),
        }),
        _ => None,
    };
    if let Some(follow_up) = &follow_up {
        confirmation = confirmation
            .plain(". They'll see it in ")
            .channel(follow_up.channel_id.clone());
    }
    let decision = match status {
        TrackStatus::Requested => Decision::RequestTrack(answer),
        TrackStatus::Approved => Decision::ApproveTrack(answer),
        TrackStatus::Declined => Decision::DeclineTrack(answer),
    };
    let mut draft = Draft::new(decision, Some(who.id), None, confirmation.plain("."));
    draft.follow_up = follow_up;
    record(scope, &team, draft).await
}
