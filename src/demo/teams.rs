//! The story on Microsoft Teams: each thing a person does is the activity the Bot Framework
//! would send to `/teams/messages` — a message mentioning Cadence for a command, an
//! `adaptiveCard/action` invoke (`Action.Execute`) for a click or a submitted form — with a JWT
//! signed by the demo key the stand-in publishes. Clicks are built from the card Cadence really
//! posted (its verbs, input ids and choices). What people then see is the invoke's answer plus
//! every connector call the stand-in recorded, rendered as an Adaptive Card reads.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::DemoError;
use super::adaptive;
use super::script::{CAST, Chat, Person, Picks, Played, Request, mentions};
use super::stage::Stage;
use super::teams_standin::{ConnectorCall, TeamsStandIn};
use super::transcript::{Expect, Handle, Seen, Shown};
use crate::domain::card::{Action, Verb};

/// The Entra ID tenant the story's organisation is.
const TENANT: &str = "72f9a1c4-5d2e-4f0b-9c61-0000000000ac";
/// The team's channel (its General channel), where everything in the story happens.
const CONVERSATION: &str = "19:atlas-general-demo@thread.tacv2";
/// How Teams names the channel.
const CHANNEL_NAME: &str = "Atlas › General";
/// The bot's id in the conversation.
const BOT: &str = "28:cadence-demo";

/// Plays the story against Cadence's Teams route.
pub struct TeamsChat {
    stage: Stage,
    bf: TeamsStandIn,
    /// How many of the connector's calls have been shown already.
    shown: usize,
    /// Numbers activities, which Teams gives unique ids.
    serial: u64,
}

impl TeamsChat {
    /// A driver for Cadence on `stage`, whose Bot Framework is `bf`.
    pub fn new(stage: Stage, bf: TeamsStandIn) -> Self {
        TeamsChat {
            stage,
            bf,
            shown: 0,
            serial: 0,
        }
    }

    /// Stops the server and the stand-in.
    pub async fn stop(self) {
        self.stage.stop().await;
        self.bf.stop();
    }

    /// An activity from `who` in the team's channel, as the Bot Framework shapes it.
    fn activity(&mut self, kind: &str, who: Person) -> Value {
        self.serial += 1;
        json!({
            "type": kind,
            "id": format!("1:demo-{}", self.serial),
            "timestamp": self.stage.now().to_rfc3339(),
            "serviceUrl": self.bf.service_url(),
            "channelId": "msteams",
            "from": { "id": format!("29:{}", who.teams), "name": who.name, "aadObjectId": who.teams },
            "conversation": { "id": CONVERSATION, "conversationType": "channel", "tenantId": TENANT, "isGroup": true },
            "recipient": { "id": BOT, "name": "Cadence" },
            "channelData": {
                "tenant": { "id": TENANT },
                "channel": { "id": CONVERSATION, "name": CHANNEL_NAME },
                "team": { "id": "19:atlas-team-demo@thread.tacv2", "name": "Atlas" }
            },
        })
    }

    /// Sends `activity` with the Bot Framework's token; Cadence's answer, if it gave one.
    async fn send(&mut self, activity: &Value) -> Result<Value, DemoError> {
        let token = self.bf.sign(self.stage.now())?;
        let headers = [
            ("authorization", token),
            ("content-type", "application/json".to_owned()),
        ];
        let answer = self
            .stage
            .post("/teams/messages", &headers, activity.to_string())
            .await?;
        Ok(serde_json::from_str(&answer).unwrap_or(Value::Null))
    }

    /// An `Action.Execute` invoke from `who` on the card `on` (its activity id), pressing
    /// `verb` with `data`; what Cadence answers the person with.
    async fn execute(
        &mut self,
        who: Person,
        on: &Handle,
        verb: &str,
        opens_form: bool,
        mut data: Map<String, Value>,
    ) -> Result<Vec<Seen>, DemoError> {
        data.insert("action".to_owned(), json!(verb));
        let mut invoke = self.activity("invoke", who);
        invoke["name"] = json!("adaptiveCard/action");
        invoke["replyToId"] = json!(on.id);
        invoke["value"] = json!({ "action": { "type": "Action.Execute", "verb": verb, "data": data }, "trigger": "manual" });
        let answer = self.send(&invoke).await?;
        let to = who.name.to_owned();
        let answered = &answer["value"];
        if answer["type"] != "application/vnd.microsoft.card.adaptive" {
            let words = answered.as_str().unwrap_or_default();
            let lines = adaptive::markdown_lines(words);
            return Ok(vec![Seen::plain(Shown::Private { to }, lines)]);
        }
        let shown = if opens_form {
            Shown::Form { to }
        } else {
            Shown::Answer { to }
        };
        let mut seen = Seen::plain(shown, adaptive::card(answered));
        seen.verbs = verbs(answered);
        seen.handle = Some(Handle {
            channel: on.channel.clone(),
            id: on.id.clone(),
            body: answered.clone(),
        });
        Ok(vec![seen])
    }

    /// Gathers what the connector receives into `seen` until `expect` holds.
    async fn gather(
        &mut self,
        mut seen: Vec<Seen>,
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let TeamsChat {
            stage, bf, shown, ..
        } = self;
        let called = bf.called();
        let mut collect = || {
            let calls = bf.calls_since(*shown);
            *shown += calls.len();
            calls.iter().map(seen_of).collect()
        };
        let missing = stage
            .settle(expect, &called, &mut collect, &mut seen)
            .await?;
        Ok(Played { seen, missing })
    }
}

#[async_trait]
impl Chat for TeamsChat {
    fn platform(&self) -> &'static str {
        "Microsoft Teams"
    }

    fn route(&self, _request: Request) -> &'static str {
        "POST /teams/messages"
    }

    fn stage(&mut self) -> &mut Stage {
        &mut self.stage
    }

    async fn command(
        &mut self,
        who: Person,
        text: &str,
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let mut activity = self.activity("message", who);
        let mut entities = vec![
            json!({ "type": "mention", "text": "<at>Cadence</at>", "mentioned": { "id": BOT, "name": "Cadence" } }),
        ];
        for person in CAST
            .iter()
            .filter(|p| text.contains(&format!("@{}", p.name)))
        {
            entities.push(json!({
                "type": "mention", "text": format!("<at>{}</at>", person.name),
                "mentioned": { "id": format!("29:{}", person.teams), "name": person.name, "aadObjectId": person.teams }
            }));
        }
        let wire = mentions(text, |p| format!("<at>{}</at>", p.name));
        activity["text"] = json!(format!("<at>Cadence</at> {wire}"));
        activity["entities"] = json!(entities);
        self.send(&activity).await?;
        let seen = vec![Seen::did(who.name, format!("@Cadence {text}"))];
        self.gather(seen, expect).await
    }

    async fn click(
        &mut self,
        who: Person,
        card: &Seen,
        verb: Verb,
        picks: Picks,
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let handle = card.handle.clone().ok_or_else(|| {
            DemoError::Script("a click on something that is not a card".to_owned())
        })?;
        let (encoded, title) = button(&handle.body, verb)?;
        let mut data = Map::new();
        let mut picked = Vec::new();
        if let Some(person) = picks.person {
            // Teams cards ask for people by name (no people picker in Adaptive Cards 1.5).
            data.insert(
                input_for(&handle.body, Verb::PickPerson)?,
                json!(person.name),
            );
            picked.push(format!("types {}", person.name));
        }
        if let Some(capability) = picks.capability {
            let input = input_for(&handle.body, Verb::PickCapability)?;
            let value = choice_named(&handle.body, &input, capability)?;
            data.insert(input, json!(value));
            picked.push(format!("picks {capability}"));
        }
        let did = match picked.as_slice() {
            [] => format!("clicks [{title}]"),
            picked => format!("{}, then clicks [{title}]", picked.join(" and ")),
        };
        let mut seen = vec![Seen::did(who.name, did)];
        seen.extend(
            self.execute(who, &handle, &encoded, verb.opens_form(), data)
                .await?,
        );
        self.gather(seen, expect).await
    }

    async fn submit(
        &mut self,
        who: Person,
        form: &Seen,
        answers: &[(&str, String)],
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let handle = form.handle.clone().ok_or_else(|| {
            DemoError::Script("a submission of something that is not a form".to_owned())
        })?;
        let card = &handle.body;
        let submit = &card["actions"][0];
        let encoded = submit["verb"].as_str().unwrap_or_default().to_owned();
        let mut data = Map::new();
        let mut lines = vec![format!(
            "fills in the form and clicks [{}]:",
            submit["title"].as_str().unwrap_or("Submit")
        )];
        for input in inputs(card) {
            let id = input["id"].as_str().unwrap_or_default();
            let Some((_, answer)) = answers.iter().find(|(field, _)| *field == id) else {
                continue;
            };
            let value = match input["type"].as_str() {
                Some("Input.ChoiceSet") => choice_named(card, id, answer)?,
                _ => answer.clone(),
            };
            data.insert(id.to_owned(), json!(value));
            let label = input["label"].as_str().unwrap_or(id);
            lines.push(format!("  {label}: {answer}"));
        }
        let mut seen = vec![Seen::plain(
            Shown::Did {
                who: who.name.to_owned(),
            },
            lines,
        )];
        seen.extend(self.execute(who, &handle, &encoded, false, data).await?);
        self.gather(seen, expect).await
    }

    async fn settle(&mut self, expect: &[Expect]) -> Result<Played, DemoError> {
        self.gather(Vec::new(), expect).await
    }
}

/// What one connector call put in front of people: a new message, a reply or an update.
fn seen_of(call: &ConnectorCall) -> Seen {
    let channel = if call.conversation == CONVERSATION {
        CHANNEL_NAME.to_owned()
    } else {
        call.conversation.clone()
    };
    let shown = match (call.method.as_str(), &call.activity) {
        ("PUT", _) => Shown::Updated { channel },
        (_, Some(_)) => Shown::Reply { channel },
        (_, None) => Shown::Posted { channel },
    };
    let card = &call.body["attachments"][0]["content"];
    let lines = if card.is_object() {
        adaptive::card(card)
    } else {
        adaptive::markdown_lines(call.body["text"].as_str().unwrap_or_default())
    };
    let mut seen = Seen::plain(shown, lines);
    seen.verbs = verbs(card);
    seen.handle = Some(Handle {
        channel: call.conversation.clone(),
        id: call.id.clone(),
        body: card.clone(),
    });
    seen
}

/// Every object in `card`, depth first.
fn objects(card: &Value) -> Vec<&Map<String, Value>> {
    fn walk<'v>(value: &'v Value, found: &mut Vec<&'v Map<String, Value>>) {
        match value {
            Value::Object(map) => {
                found.push(map);
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(card, &mut found);
    found
}

/// The card's `Action.Execute` buttons: their verb and title.
fn buttons(card: &Value) -> Vec<(String, String)> {
    objects(card)
        .into_iter()
        .filter(|map| map.get("type").and_then(Value::as_str) == Some("Action.Execute"))
        .filter_map(|map| {
            let verb = map.get("verb")?.as_str()?.to_owned();
            let title = map.get("title").and_then(Value::as_str).unwrap_or_default();
            Some((verb, title.to_owned()))
        })
        .collect()
}

/// The actions the card's buttons route to.
fn verbs(card: &Value) -> Vec<Verb> {
    buttons(card)
        .iter()
        .filter_map(|(verb, _)| Action::decode(verb).map(|a| a.verb))
        .collect()
}

/// The button routing to `verb`: its encoded action and its title.
fn button(card: &Value, verb: Verb) -> Result<(String, String), DemoError> {
    buttons(card)
        .into_iter()
        .find(|(encoded, _)| Action::decode(encoded).is_some_and(|a| a.verb == verb))
        .ok_or_else(|| DemoError::Script(format!("the card has no `{}` button", verb.code())))
}

/// The card's inputs.
fn inputs(card: &Value) -> Vec<Value> {
    objects(card)
        .into_iter()
        .filter(|map| {
            map.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("Input."))
        })
        .map(|map| Value::Object(map.clone()))
        .collect()
}

/// The id of the card's input that routes to `verb` (a person's or a capability's picker).
fn input_for(card: &Value, verb: Verb) -> Result<String, DemoError> {
    inputs(card)
        .iter()
        .filter_map(|input| input["id"].as_str())
        .find(|id| Action::decode(id).is_some_and(|a| a.verb == verb))
        .map(str::to_owned)
        .ok_or_else(|| DemoError::Script(format!("the card has no `{}` input", verb.code())))
}

/// The value of the choice titled `title` in the card's choice set `id`.
fn choice_named(card: &Value, id: &str, title: &str) -> Result<String, DemoError> {
    inputs(card)
        .iter()
        .filter(|input| input["id"] == id)
        .flat_map(|input| input["choices"].as_array().cloned().unwrap_or_default())
        .find(|choice| choice["title"] == title)
        .and_then(|choice| choice["value"].as_str().map(str::to_owned))
        .ok_or_else(|| DemoError::Script(format!("the card offers no \"{title}\"")))
}
