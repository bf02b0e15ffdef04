//! The story on Slack: each thing a person does is the request Slack would send — a slash
//! command to `/slack/commands`, a `block_actions` click or a `view_submission` to
//! `/slack/interactions` — form-encoded and signed with the run's signing secret (v0). Clicks
//! and submissions are built from what Cadence really posted: the action ids, picker options
//! and form inputs are read from the blocks the stand-in received. What people then see is the
//! synchronous answer plus every Web API call the stand-in recorded, rendered as Block Kit reads.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::DemoError;
use super::blockkit::{self, Names};
use super::script::{CAST, Chat, Person, Picks, Played, Request, mentions};
use super::slack_standin::{SlackCall, SlackStandIn, WORKSPACE};
use super::stage::Stage;
use super::transcript::{Expect, Handle, Seen, Shown};
use crate::domain::card::Verb;
use crate::inbound::slack::signature::sign;
use crate::platform::slack::blocks::action_from_id;

/// The team's channel, where everything in the story happens.
const CHANNEL: &str = "C07ATLAS";
/// Its name.
const CHANNEL_NAME: &str = "team-atlas";

/// Plays the story against Cadence's Slack routes.
pub struct SlackChat {
    stage: Stage,
    slack: SlackStandIn,
    secret: String,
    names: Names,
    /// How many of the stand-in's calls have been shown already.
    shown: usize,
    /// Who is acting now: a form that opens opens for them.
    acting: String,
    /// Numbers trigger ids and action times, which Slack makes unique per interaction.
    serial: u64,
}

impl SlackChat {
    /// A driver for Cadence on `stage`, whose Slack Web API is `slack`, signing with `secret`.
    pub fn new(stage: Stage, slack: SlackStandIn, secret: String) -> Self {
        let mut names: Names = CAST.iter().map(|p| (p.slack.to_owned(), at(*p))).collect();
        names.insert(CHANNEL.to_owned(), format!("#{CHANNEL_NAME}"));
        SlackChat {
            stage,
            slack,
            secret,
            names,
            shown: 0,
            acting: String::new(),
            serial: 0,
        }
    }

    /// Stops the server and the stand-in.
    pub async fn stop(self) {
        self.stage.stop().await;
        self.slack.stop();
    }

    fn next(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// Signs `body` as Slack does, at the story's time.
    fn signed(&self, body: &str) -> Vec<(&'static str, String)> {
        let ts = self.stage.now().timestamp();
        vec![
            ("x-slack-request-timestamp", ts.to_string()),
            ("x-slack-signature", sign(&self.secret, ts, body.as_bytes())),
            (
                "content-type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
        ]
    }

    /// Posts an interaction payload; what the person is shown in answer, if anything.
    async fn interact(&mut self, who: Person, payload: &Value) -> Result<Vec<Seen>, DemoError> {
        let body = serde_urlencoded::to_string([("payload", payload.to_string())])
            .map_err(|e| DemoError::Encode(e.to_string()))?;
        let headers = self.signed(&body);
        let answer = self
            .stage
            .post("/slack/interactions", &headers, body)
            .await?;
        // An empty 200 is the usual answer: what changed comes through the Web API. A form
        // with mistakes is answered with them, on its fields.
        let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        if answer["response_action"] != "errors" {
            return Ok(Vec::new());
        }
        let errors: Vec<String> = answer["errors"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(field, problem)| format!("{field}: {}", problem.as_str().unwrap_or_default()))
            .collect();
        Ok(vec![Seen::plain(Shown::Private { to: at(who) }, errors)])
    }

    /// Gathers what the stand-in receives into `seen` until `expect` holds.
    async fn gather(
        &mut self,
        mut seen: Vec<Seen>,
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let SlackChat {
            stage,
            slack,
            names,
            shown,
            acting,
            ..
        } = self;
        let called = slack.called();
        let mut collect = || {
            let calls = slack.calls_since(*shown);
            *shown += calls.len();
            calls
                .iter()
                .filter_map(|call| seen_of(call, names, acting))
                .collect()
        };
        let missing = stage
            .settle(expect, &called, &mut collect, &mut seen)
            .await?;
        Ok(Played { seen, missing })
    }

    fn user(&self, who: Person) -> Value {
        json!({ "id": who.slack, "username": who.name.to_lowercase(), "name": who.name.to_lowercase(), "team_id": WORKSPACE })
    }
}

#[async_trait]
impl Chat for SlackChat {
    fn platform(&self) -> &'static str {
        "Slack"
    }

    fn route(&self, request: Request) -> &'static str {
        match request {
            Request::Command => "POST /slack/commands",
            Request::Click | Request::Form => "POST /slack/interactions",
        }
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
        let trigger = format!("{}.7000000000.demo", self.next());
        let wire = mentions(text, |p| {
            format!("<@{}|{}>", p.slack, p.name.to_lowercase())
        });
        let user_name = who.name.to_lowercase();
        let body = serde_urlencoded::to_string([
            ("token", "unused-legacy-token"),
            ("team_id", WORKSPACE),
            ("team_domain", "acme"),
            ("channel_id", CHANNEL),
            ("channel_name", CHANNEL_NAME),
            ("user_id", who.slack),
            ("user_name", &user_name),
            ("command", "/cadence"),
            ("text", &wire),
            ("api_app_id", "A07CADENCE"),
            ("is_enterprise_install", "false"),
            ("response_url", &format!("{}response", self.slack.base_url)),
            ("trigger_id", &trigger),
        ])
        .map_err(|e| DemoError::Encode(e.to_string()))?;
        let headers = self.signed(&body);
        let answer = self.stage.post("/slack/commands", &headers, body).await?;
        let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        let said = mentions(text, at);
        let seen = vec![
            Seen::did(&at(who), format!("/cadence {said}")),
            Seen::plain(
                Shown::Private { to: at(who) },
                blockkit::mrkdwn_lines(answer["text"].as_str().unwrap_or_default(), &self.names),
            ),
        ];
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
        let handle = handle(card)?;
        let blocks = &handle.body["blocks"];
        let button = find(blocks, verb)?;
        let mut values = Map::new();
        let mut picked = Vec::new();
        if let Some(person) = picks.person {
            let picker = find(blocks, Verb::PickPerson)?;
            let value = json!({ "type": "users_select", "selected_user": person.slack });
            set(&mut values, &picker, value);
            picked.push(at(person));
        }
        if let Some(capability) = picks.capability {
            let picker = find(blocks, Verb::PickCapability)?;
            let option = option_named(&picker.element, capability)?;
            let value = json!({ "type": "static_select", "selected_option": option });
            set(&mut values, &picker, value);
            picked.push(capability.to_owned());
        }
        let serial = self.next();
        let payload = json!({
            "type": "block_actions",
            "user": self.user(who),
            "api_app_id": "A07CADENCE",
            "team": { "id": WORKSPACE, "domain": "acme" },
            "enterprise": null,
            "is_enterprise_install": false,
            "channel": { "id": handle.channel, "name": CHANNEL_NAME },
            "container": { "type": "message", "message_ts": handle.id, "channel_id": handle.channel, "is_ephemeral": false },
            "message": { "ts": handle.id, "blocks": blocks },
            "state": { "values": values },
            "trigger_id": format!("{serial}.7000000000.demo"),
            "response_url": format!("{}response", self.slack.base_url),
            "actions": [{
                "action_id": button.action_id, "block_id": button.block, "type": "button",
                "value": button.element["value"], "action_ts": format!("{}.{serial:06}", self.stage.now().timestamp()),
            }]
        });
        let label = button.element["text"]["text"].as_str().unwrap_or_default();
        let did = match picked.as_slice() {
            [] => format!("clicks [{label}]"),
            picked => format!("picks {}, then clicks [{label}]", picked.join(" and ")),
        };
        self.acting = at(who);
        let mut seen = vec![Seen::did(&at(who), did)];
        seen.extend(self.interact(who, &payload).await?);
        self.gather(seen, expect).await
    }

    async fn submit(
        &mut self,
        who: Person,
        form: &Seen,
        answers: &[(&str, String)],
        expect: &[Expect],
    ) -> Result<Played, DemoError> {
        let handle = handle(form)?;
        let view = &handle.body;
        let mut values = Map::new();
        let mut filled = Vec::new();
        for block in view["blocks"].as_array().into_iter().flatten() {
            let Some(block_id) = block["block_id"].as_str() else {
                continue;
            };
            let Some((_, answer)) = answers.iter().find(|(id, _)| *id == block_id) else {
                continue;
            };
            let element = &block["element"];
            let action_id = element["action_id"].as_str().unwrap_or(block_id);
            let (value, shown) = fill(element, answer)?;
            values.insert(block_id.to_owned(), json!({ action_id: value }));
            let label = block["label"]["text"].as_str().unwrap_or(block_id);
            filled.push(format!("{label}: {shown}"));
        }
        let submit = view["submit"]["text"].as_str().unwrap_or("Submit");
        let payload = json!({
            "type": "view_submission",
            "team": { "id": WORKSPACE, "domain": "acme" },
            "user": self.user(who),
            "api_app_id": "A07CADENCE",
            "view": {
                "id": handle.id, "type": "modal", "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"], "hash": format!("{}.demo", self.next()),
                "title": view["title"], "state": { "values": values }
            }
        });
        let mut lines = vec![format!("fills in the form and clicks [{submit}]:")];
        lines.extend(filled.into_iter().map(|f| format!("  {f}")));
        let mut seen = vec![Seen::plain(Shown::Did { who: at(who) }, lines)];
        seen.extend(self.interact(who, &payload).await?);
        self.gather(seen, expect).await
    }

    async fn settle(&mut self, expect: &[Expect]) -> Result<Played, DemoError> {
        self.gather(Vec::new(), expect).await
    }
}

/// How the channel shows someone: `@maya`.
fn at(person: Person) -> String {
    format!("@{}", person.name.to_lowercase())
}

fn handle(seen: &Seen) -> Result<&Handle, DemoError> {
    seen.handle.as_ref().ok_or_else(|| {
        DemoError::Script("a step acted on something that is not a message".to_owned())
    })
}

/// What one recorded Web API call put in front of people, if anything.
fn seen_of(call: &SlackCall, names: &Names, acting: &str) -> Option<Seen> {
    let args = &call.args;
    let channel = |id: &Value| {
        let id = id.as_str().unwrap_or_default();
        names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))
    };
    let person = |id: &Value| {
        let id = id.as_str().unwrap_or_default();
        names.get(id).cloned().unwrap_or_else(|| format!("@{id}"))
    };
    let (shown, lines, id) = match call.method.as_str() {
        "chat.postMessage" => (
            Shown::Posted {
                channel: channel(&args["channel"]),
            },
            blockkit::message(args, names),
            call.answer["ts"].as_str(),
        ),
        "chat.update" => (
            Shown::Updated {
                channel: channel(&args["channel"]),
            },
            blockkit::message(args, names),
            args["ts"].as_str(),
        ),
        "chat.postEphemeral" => (
            Shown::Private {
                to: person(&args["user"]),
            },
            blockkit::message(args, names),
            None,
        ),
        "views.open" => {
            let view = &args["view"];
            let handle = Handle {
                channel: CHANNEL.to_owned(),
                id: call.answer["view"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                body: view.clone(),
            };
            let mut seen = Seen::plain(
                Shown::Form {
                    to: acting.to_owned(),
                },
                blockkit::view(view, names),
            );
            seen.handle = Some(handle);
            return Some(seen);
        }
        "views.publish" => (
            Shown::Private {
                to: format!("{} (Home tab)", person(&args["user_id"])),
            },
            blockkit::view(&args["view"], names),
            None,
        ),
        // auth.test, users.info, conversations.history: Cadence asking, nobody sees them.
        _ => return None,
    };
    let mut seen = Seen::plain(shown, lines);
    seen.verbs = verbs(&args["blocks"]);
    seen.handle = id.map(|id| Handle {
        channel: args["channel"].as_str().unwrap_or_default().to_owned(),
        id: id.to_owned(),
        body: args.clone(),
    });
    Some(seen)
}

/// An interactive element on a message: its block, action id and the element itself.
struct Found {
    block: String,
    action_id: String,
    element: Value,
}

/// Every element of `blocks` with an action id, with its block's id (Slack gives each block
/// one; a block Cadence left without one is named by its place).
fn elements(blocks: &Value) -> Vec<Found> {
    let mut found = Vec::new();
    for (i, block) in blocks.as_array().into_iter().flatten().enumerate() {
        let block_id = block["block_id"]
            .as_str()
            .map_or_else(|| format!("b{i}"), str::to_owned);
        let inner = block["elements"]
            .as_array()
            .into_iter()
            .flatten()
            .chain([&block["accessory"], &block["element"]]);
        for element in inner {
            if let Some(action_id) = element["action_id"].as_str() {
                found.push(Found {
                    block: block_id.clone(),
                    action_id: action_id.to_owned(),
                    element: element.clone(),
                });
            }
        }
    }
    found
}

/// Puts a picker's state where Slack puts it: under its block, then its action id (the
/// pickers of one block share the block's entry).
fn set(values: &mut Map<String, Value>, picker: &Found, state: Value) {
    let block = values
        .entry(picker.block.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(block) = block {
        block.insert(picker.action_id.clone(), state);
    }
}

/// The actions a message's buttons and pickers route to.
fn verbs(blocks: &Value) -> Vec<Verb> {
    elements(blocks)
        .iter()
        .filter_map(|f| action_from_id(&f.action_id).map(|a| a.verb))
        .collect()
}

/// The element of `blocks` that routes to `verb`.
fn find(blocks: &Value, verb: Verb) -> Result<Found, DemoError> {
    elements(blocks)
        .into_iter()
        .find(|f| action_from_id(&f.action_id).is_some_and(|a| a.verb == verb))
        .ok_or_else(|| DemoError::Script(format!("the card has no `{}` element", verb.code())))
}

/// The option of a select whose label is `label`, as Slack sends it back when picked.
fn option_named(select: &Value, label: &str) -> Result<Value, DemoError> {
    select["options"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["text"]["text"].as_str() == Some(label))
        .cloned()
        .ok_or_else(|| DemoError::Script(format!("the picker offers no \"{label}\"")))
}

/// A form input's state as Slack submits it, for the answer a person gives, and how the
/// answer reads.
fn fill(element: &Value, answer: &str) -> Result<(Value, String), DemoError> {
    let kind = element["type"].as_str().unwrap_or_default();
    Ok(match kind {
        "users_select" => {
            let person = CAST.iter().find(|p| p.name == answer).ok_or_else(|| {
                DemoError::Script(format!("nobody called {answer} is in the story"))
            })?;
            (
                json!({ "type": kind, "selected_user": person.slack }),
                at(*person),
            )
        }
        "static_select" => {
            let option = option_named(element, answer)?;
            (
                json!({ "type": kind, "selected_option": option }),
                answer.to_owned(),
            )
        }
        "datepicker" => (
            json!({ "type": kind, "selected_date": answer }),
            answer.to_owned(),
        ),
        _ => (json!({ "type": kind, "value": answer }), answer.to_owned()),
    })
}
