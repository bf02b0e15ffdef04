//! Which of a feed's meetings each ritual's trigger picks, and when their prompts are due. Pure:
//! the poller fetches and stores, this decides.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use crate::calendar::{Instance, Status};
use crate::domain::event::{FEED_EVENTS, Selector, Source, SourceEvent};
use crate::store::{Ritual, WantedInstance};

/// A ritual's triggers on `feed`.
fn triggers_on<'r>(ritual: &'r Ritual, feed: &str) -> Vec<&'r Selector> {
    ritual
        .triggers
        .iter()
        .filter(|s| {
            s.source == Source::Ics && s.feed().is_some_and(|f| f.eq_ignore_ascii_case(feed))
        })
        .collect()
}

/// The rituals that listen to `feed`.
pub(super) fn listening<'r>(rituals: &'r [Ritual], feed: &str) -> Vec<&'r Ritual> {
    rituals
        .iter()
        .filter(|r| !triggers_on(r, feed).is_empty())
        .collect()
}

/// What the feed's meetings were matched against: the rituals, their triggers and lead times.
/// A 304 is trusted only while this is unchanged, so a ritual added since the last full answer
/// sees the feed's meetings at the next poll.
pub(super) fn fingerprint(rituals: &[&Ritual], feed: &str) -> String {
    let mut parts: Vec<String> = rituals
        .iter()
        .map(|r| {
            let triggers: Vec<String> =
                triggers_on(r, feed).iter().map(|s| s.to_string()).collect();
            format!(
                "{}:{}:{}",
                r.id.0,
                r.prompt_before_minutes,
                triggers.join("|")
            )
        })
        .collect();
    parts.sort();
    parts.join(";")
}

/// The stable key of an instance: its UID, and for an instance of a series its original start,
/// so that moving one meeting of a series keeps its key.
pub(super) fn instance_key(instance: &Instance) -> String {
    match instance.recurrence_id {
        Some(original) => format!("{}/{}", instance.uid, original.format("%Y%m%dT%H%M%SZ")),
        None => instance.uid.to_string(),
    }
}

/// The meeting as an event a selector can test: `title`, `location` and `feed` attributes, named
/// `started` or `ended`.
fn as_event(feed: &str, instance: &Instance, name: &str) -> SourceEvent {
    let details = &instance.details;
    let mut attributes = BTreeMap::from([
        ("feed".to_owned(), feed.to_owned()),
        ("title".to_owned(), details.summary.clone()),
        ("location".to_owned(), details.location.clone()),
    ]);
    if let Some(organizer) = &details.organizer {
        attributes.insert("organizer".to_owned(), organizer.email.clone());
    }
    let at = if name == "started" {
        instance.start
    } else {
        instance.end
    };
    SourceEvent {
        source: Source::Ics,
        name: name.to_owned(),
        subject: instance_key(instance),
        title: details.summary.clone(),
        attributes,
        at,
    }
}

/// For each ritual listening to `feed`, the meetings its triggers pick, with the moment each
/// prompt is for and when it is due. All-day entries are not meetings and are left out.
pub(super) fn wanted(
    feed: &str,
    instances: &[Instance],
    rituals: &[&Ritual],
) -> Vec<WantedInstance> {
    let mut out = Vec::new();
    for ritual in rituals {
        let triggers = triggers_on(ritual, feed);
        let lead = Duration::minutes(ritual.prompt_before_minutes);
        let mut keys = HashSet::new();
        for instance in instances.iter().filter(|i| !i.all_day) {
            let moment = triggers.iter().find_map(|selector| {
                FEED_EVENTS
                    .iter()
                    .map(|name| as_event(feed, instance, name))
                    .find(|event| selector.matches(event))
                    .map(|event| event.at)
            });
            let Some(moment): Option<DateTime<Utc>> = moment else {
                continue;
            };
            let key = instance_key(instance);
            if !keys.insert(key.clone()) {
                continue;
            }
            let title = match instance.details.summary.trim() {
                "" => "Meeting".to_owned(),
                summary => summary.to_owned(),
            };
            out.push(WantedInstance {
                tenant: ritual.tenant,
                ritual: ritual.id,
                instance: key,
                title,
                moment_at: moment,
                due_at: moment - lead,
                cancelled: instance.status == Status::Cancelled,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{self, ExpandOptions, Window};
    use crate::domain::ids::{RitualId, TeamId, TenantId};

    fn ritual(id: i64, triggers: &[&str], before: i64) -> Ritual {
        Ritual {
            id: RitualId(id),
            tenant: TenantId(1),
            team: TeamId(1),
            kind: crate::domain::ritual::RitualKind::Retro,
            name: "Atlas retro".into(),
            channel_id: "CRETRO".into(),
            prompt_on: crate::domain::ritual::PromptOn::End,
            artefact: "gaps".into(),
            nudge_after_minutes: None,
            paused: false,
            triggers: triggers
                .iter()
                .map(|t| t.parse().expect("selector"))
                .collect(),
            schedule: None,
            prompt_before_minutes: before,
        }
    }

    const FEED: &str = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:retro\r\n\
        DTSTART:20261201T100000Z\r\nDTEND:20261201T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n\
        SUMMARY:Atlas Retro\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:retro\r\n\
        RECURRENCE-ID:20261208T100000Z\r\nDTSTART:20261208T140000Z\r\nDTEND:20261208T150000Z\r\n\
        SUMMARY:Atlas Retro (moved)\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:standup\r\n\
        DTSTART:20261201T090000Z\r\nDTEND:20261201T091500Z\r\nSUMMARY:Standup\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:offsite\r\nDTSTART;VALUE=DATE:20261202\r\nSUMMARY:Retro offsite\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";

    fn instances() -> Vec<Instance> {
        let window = Window {
            start: "2026-11-30T00:00:00Z".parse().expect("start"),
            end: "2027-01-01T00:00:00Z".parse().expect("end"),
        };
        calendar::expand(&calendar::read(FEED), window, &ExpandOptions::default()).instances
    }

    #[test]
    fn picks_titles_at_their_end_or_ahead_of_their_start() {
        let ended = ritual(1, &["ics:feed=atlas:title~retro:ended"], 0);
        let before = ritual(2, &["ics:feed=ATLAS:title~standup:started"], 15);
        let elsewhere = ritual(3, &["ics:feed=ops:title~retro:ended"], 0);
        let all = [ended.clone(), before.clone(), elsewhere];
        let listening = listening(&all, "atlas");
        assert_eq!(listening.len(), 2);
        let got = wanted("atlas", &instances(), &listening);
        let shown: Vec<(i64, &str, String)> = got
            .iter()
            .map(|w| {
                (
                    w.ritual.0,
                    w.instance.as_str(),
                    w.due_at.format("%d %H:%M").to_string(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (1, "retro/20261201T100000Z", "01 11:00".to_owned()),
                (1, "retro/20261208T100000Z", "08 15:00".to_owned()),
                (1, "retro/20261215T100000Z", "15 11:00".to_owned()),
                (2, "standup", "01 08:45".to_owned()),
            ],
            "the moved instance keeps its key; the all-day offsite is no meeting"
        );
        assert_eq!(got[1].title, "Atlas Retro (moved)");
        assert_ne!(
            fingerprint(&listening, "atlas"),
            fingerprint(&listening[..1], "atlas")
        );
    }
}
