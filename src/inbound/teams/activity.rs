//! Reading Bot Framework activities into Cadence's terms: who is speaking in which tenant and
//! conversation, the command text with Teams mentions turned into the grammar's mention form,
//! card submissions, and meeting events as [`SourceEvent`]s.
//! <https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object>

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::domain::command::{CommandText, Piece, UserRef};
use crate::domain::event::{Source, SourceEvent};
use crate::store::ConversationRef;

/// The parts of an activity Cadence uses. Every field is read leniently: a missing field is
/// empty, and the route decides what it needs.
#[derive(Debug, Clone)]
pub struct Activity<'a> {
    raw: &'a Value,
}

impl<'a> Activity<'a> {
    /// Wraps a parsed activity.
    pub fn new(raw: &'a Value) -> Self {
        Activity { raw }
    }

    fn text_at(&self, pointer: &str) -> &'a str {
        self.raw
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `message`, `invoke`, `event`, `conversationUpdate`, `installationUpdate`, …
    pub fn kind(&self) -> &'a str {
        self.text_at("/type")
    }

    /// The activity's own id.
    pub fn id(&self) -> &'a str {
        self.text_at("/id")
    }

    /// The invoke's or event's name.
    pub fn name(&self) -> &'a str {
        self.text_at("/name")
    }

    /// `msteams` for Teams.
    pub fn channel_id(&self) -> &'a str {
        self.text_at("/channelId")
    }

    /// The connector's base URL for this conversation.
    pub fn service_url(&self) -> &'a str {
        self.text_at("/serviceUrl")
    }

    /// The Entra ID tenant: the Cadence tenant.
    pub fn tenant(&self) -> &'a str {
        let tenant = self.text_at("/channelData/tenant/id");
        if tenant.is_empty() {
            self.text_at("/conversation/tenantId")
        } else {
            tenant
        }
    }

    /// The conversation, without the `;messageid=` suffix a channel thread adds.
    pub fn conversation(&self) -> &'a str {
        conversation_base(self.text_at("/conversation/id"))
    }

    /// The author's id: the Entra object id when Teams gives it, else the Teams user id.
    pub fn sender_id(&self) -> &'a str {
        let aad = self.text_at("/from/aadObjectId");
        if aad.is_empty() {
            self.text_at("/from/id")
        } else {
            aad
        }
    }

    /// The author's display name.
    pub fn sender_name(&self) -> &'a str {
        self.text_at("/from/name")
    }

    /// The message this one answers: for a card action, the card's activity id.
    pub fn reply_to(&self) -> &'a str {
        self.text_at("/replyToId")
    }

    /// The activity a reply to this one goes to: the root of the channel thread it was written
    /// in (`;messageid=ROOT` in the conversation id), or the activity itself when it starts a
    /// thread. Replying to a message inside a thread by its own id would post a new top-level
    /// message instead.
    pub fn thread_root(&self) -> &'a str {
        let conversation = self.text_at("/conversation/id");
        conversation
            .split(';')
            .find_map(|part| part.strip_prefix("messageid="))
            .filter(|root| !root.is_empty())
            .unwrap_or_else(|| self.id())
    }

    /// The activity's `value` (card data, invoke or event payload).
    pub fn value(&self) -> &'a Value {
        self.raw.get("value").unwrap_or(&Value::Null)
    }

    /// When it was sent, if the activity says.
    pub fn timestamp(&self) -> Option<DateTime<Utc>> {
        self.text_at("/timestamp").parse().ok()
    }

    /// How to post here later.
    pub fn conversation_ref(&self) -> ConversationRef {
        ConversationRef {
            conversation_id: self.conversation().to_owned(),
            service_url: self.service_url().to_owned(),
            bot_id: self.text_at("/recipient/id").to_owned(),
            conversation_type: match self.text_at("/conversation/conversationType") {
                "" => "channel".to_owned(),
                kind => kind.to_owned(),
            },
            name: self.conversation_name(),
        }
    }

    /// The conversation's name: the channel's from `channelData`, else the conversation's own
    /// (a named group chat). Teams leaves the General channel unnamed; its id is the team's.
    fn conversation_name(&self) -> Option<String> {
        let channel = self.text_at("/channelData/channel/name");
        let chat = self.text_at("/conversation/name");
        let channel_id = self.text_at("/channelData/channel/id");
        let general = !channel_id.is_empty() && channel_id == self.text_at("/channelData/team/id");
        [channel, chat, if general { "General" } else { "" }]
            .into_iter()
            .map(str::trim)
            .find(|name| !name.is_empty())
            .map(str::to_owned)
    }

    /// The command the person typed, for the grammar: each `<at>…</at>` mention turned into the
    /// person its entity names (by Entra object id when Teams gives one), the bot's own mention
    /// and a leading `cadence` dropped, non-breaking spaces made spaces.
    pub fn command_text(&self) -> CommandText {
        let text = self
            .text_at("/text")
            .replace("&nbsp;", " ")
            .replace('\u{a0}', " ");
        let bot = self.text_at("/recipient/id");
        let mentions: Vec<(String, Option<Piece>)> = self
            .raw
            .get("entities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "mention")
            .filter_map(|mention| {
                let shown = mention["text"].as_str().filter(|t| !t.is_empty())?;
                let id = mention["mentioned"]["id"].as_str().unwrap_or_default();
                if id == bot {
                    return Some((shown.to_owned(), None));
                }
                let person = mention["mentioned"]["aadObjectId"]
                    .as_str()
                    .filter(|a| !a.is_empty())
                    .unwrap_or(id);
                let name = mention["mentioned"]["name"].as_str().unwrap_or(person);
                let piece = Piece::Mention(UserRef {
                    id: person.to_owned(),
                    label: Some(name.to_owned()),
                });
                Some((shown.to_owned(), Some(piece)))
            })
            .collect();
        let mut pieces = CommandText::default();
        let mut rest = text.as_str();
        // Each mention's text, wherever it comes first; the text between is typed words.
        while let Some((at, shown, piece)) = mentions
            .iter()
            .filter_map(|(shown, piece)| rest.find(shown.as_str()).map(|at| (at, shown, piece)))
            .min_by_key(|(at, shown, _)| (*at, usize::MAX - shown.len()))
        {
            pieces.push_str(&rest[..at]);
            if let Some(piece) = piece {
                pieces.push(piece.clone());
            }
            rest = &rest[at + shown.len()..];
        }
        pieces.push_str(rest);
        without_invocation(pieces)
    }

    /// A meeting start or end event as a source event for ritual triggers (`teams:meeting_ended`),
    /// or `None` for any other event.
    pub fn meeting_event(&self, received: DateTime<Utc>) -> Option<SourceEvent> {
        let name = match self.name() {
            "application/vnd.microsoft.meetingStart" => "meeting_started",
            "application/vnd.microsoft.meetingEnd" => "meeting_ended",
            _ => return None,
        };
        let value = self.value();
        let meeting = value["Id"].as_str().unwrap_or_default();
        let title = value["Title"].as_str().unwrap_or("Teams meeting");
        let at = value["EndTime"]
            .as_str()
            .or_else(|| value["StartTime"].as_str())
            .and_then(|t| t.parse().ok())
            .or_else(|| self.timestamp())
            .unwrap_or(received);
        let mut attributes = BTreeMap::new();
        attributes.insert("conversation".to_owned(), self.conversation().to_owned());
        attributes.insert("title".to_owned(), title.to_owned());
        attributes.insert("tenant".to_owned(), self.tenant().to_owned());
        Some(SourceEvent {
            source: Source::Teams,
            name: name.to_owned(),
            // One occurrence per meeting, whichever of its events arrives.
            subject: format!(
                "meeting:{}",
                if meeting.is_empty() {
                    self.id()
                } else {
                    meeting
                }
            ),
            title: title.to_owned(),
            attributes,
            at,
        })
    }
}

/// A conversation id without the `;messageid=…` suffix of a channel thread.
pub fn conversation_base(id: &str) -> &str {
    id.split(';').next().unwrap_or(id)
}

/// The command without surrounding spaces and without a leading `cadence` or `/cadence` (people
/// type it out of habit from Slack).
fn without_invocation(text: CommandText) -> CommandText {
    let mut pieces: Vec<Piece> = text.pieces().to_vec();
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        let trimmed = first.trim_start();
        let without = ["/cadence", "cadence"]
            .iter()
            .find_map(|prefix| {
                trimmed
                    .get(..prefix.len())
                    .filter(|head| head.eq_ignore_ascii_case(prefix))
                    .map(|_| &trimmed[prefix.len()..])
                    .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
            })
            .unwrap_or(trimmed);
        *first = without.trim_start().to_owned();
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        *last = last.trim_end().to_owned();
    }
    CommandText::new(pieces)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn channel_message(text: &str, entities: Value) -> Value {
        json!({
            "type": "message", "id": "1700000000001", "channelId": "msteams",
            "serviceUrl": "https://smba.trafficmanager.net/emea/",
            "from": { "id": "29:alice", "name": "Alice", "aadObjectId": "aad-alice" },
            "recipient": { "id": "28:bot", "name": "Cadence" },
            "conversation": { "id": "19:retro@thread.tacv2;messageid=1699", "conversationType": "channel", "tenantId": "tenant-1" },
            "channelData": { "tenant": { "id": "tenant-1" }, "channel": { "id": "19:retro@thread.tacv2" } },
            "text": text,
            "entities": entities,
        })
    }

    #[test]
    fn mentions_become_the_grammars_and_the_bot_disappears() {
        let raw = channel_message(
            "<at>Cadence</at> gap <at>Bob Stone</at>&nbsp;\"architecture trade-offs\"",
            json!([
                { "type": "mention", "text": "<at>Cadence</at>", "mentioned": { "id": "28:bot", "name": "Cadence" } },
                { "type": "mention", "text": "<at>Bob Stone</at>", "mentioned": { "id": "29:bob", "name": "Bob Stone", "aadObjectId": "aad-bob" } },
                { "type": "clientInfo", "locale": "en-GB" }
            ]),
        );
        let activity = Activity::new(&raw);
        assert_eq!(
            activity.command_text().pieces(),
            &[
                Piece::Text("gap ".into()),
                Piece::Mention(UserRef {
                    id: "aad-bob".into(),
                    label: Some("Bob Stone".into())
                }),
                Piece::Text(" \"architecture trade-offs\"".into()),
            ]
        );
        assert_eq!(activity.sender_id(), "aad-alice");
        assert_eq!(activity.tenant(), "tenant-1");
        assert_eq!(activity.conversation(), "19:retro@thread.tacv2");
    }

    #[test]
    fn a_mention_without_an_entra_id_keeps_the_teams_id() {
        let raw = channel_message(
            "approve <at>Dan</at> track \"Lead\"",
            json!([{ "type": "mention", "text": "<at>Dan</at>", "mentioned": { "id": "29:dan", "name": "Dan" } }]),
        );
        assert_eq!(
            Activity::new(&raw).command_text().pieces(),
            &[
                Piece::Text("approve ".into()),
                Piece::Mention(UserRef {
                    id: "29:dan".into(),
                    label: Some("Dan".into())
                }),
                Piece::Text(" track \"Lead\"".into()),
            ]
        );
    }

    #[test]
    fn a_leading_cadence_word_is_dropped() {
        for text in ["/cadence me", "cadence me", "Cadence   me", "me"] {
            let raw = channel_message(text, json!([]));
            assert_eq!(Activity::new(&raw).command_text().shown(), "me", "{text}");
        }
        let raw = channel_message("cadenceme", json!([]));
        assert_eq!(Activity::new(&raw).command_text().shown(), "cadenceme");
    }

    #[test]
    fn meeting_end_is_a_source_event_in_its_conversation() {
        let raw = json!({
            "type": "event", "name": "application/vnd.microsoft.meetingEnd", "id": "e1",
            "conversation": { "id": "19:meeting_abc@thread.v2" },
            "channelData": { "tenant": { "id": "tenant-1" } },
            "value": { "Id": "MCMxOTptZWV0", "MeetingType": "Scheduled", "Title": "Sprint 42 retro", "EndTime": "2026-11-24T10:00:00Z" }
        });
        let event = Activity::new(&raw)
            .meeting_event(Utc::now())
            .expect("meeting event");
        assert_eq!(event.name, "meeting_ended");
        assert_eq!(event.subject, "meeting:MCMxOTptZWV0");
        assert_eq!(event.title, "Sprint 42 retro");
        assert_eq!(event.attributes["conversation"], "19:meeting_abc@thread.v2");
        assert_eq!(
            event.at,
            "2026-11-24T10:00:00Z".parse::<DateTime<Utc>>().expect("at")
        );
        let other = json!({ "type": "event", "name": "application/vnd.microsoft.readReceipt" });
        assert!(Activity::new(&other).meeting_event(Utc::now()).is_none());
    }
}
