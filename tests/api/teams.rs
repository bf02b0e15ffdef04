//! Microsoft Teams end to end: activities signed as the Bot Framework signs them, sent to
//! `/teams/messages`, and a loopback connector and token endpoint recording what Cadence posts.

use std::sync::Arc;
use std::time::Duration;

use cadence::domain::clock::{Clock, ManualClock, SystemClock};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp};
use crate::slack_standin::SlackStandIn;
use crate::teams_standin::{self, APP_ID, KID, Scripted, TeamsStandIn, TestKey};

pub(crate) const TENANT: &str = "tenant-contoso";
pub(crate) const RETRO: &str = "19:retro@thread.tacv2";

pub(crate) struct Teams {
    pub(crate) app: TestApp,
    pub(crate) bf: TeamsStandIn,
    clock: Option<Arc<ManualClock>>,
}

pub(crate) async fn start(db: Db, manual: Option<&str>) -> Option<Teams> {
    let bf = TeamsStandIn::start().await;
    let slack = SlackStandIn::start().await;
    let (clock, shared): (Option<Arc<ManualClock>>, Arc<dyn Clock>) = match manual {
        Some(at) => {
            let clock = Arc::new(ManualClock::new(at.parse().expect("instant")));
            (Some(clock.clone()), clock)
        }
        None => (None, Arc::new(SystemClock)),
    };
    let app = TestApp::spawn_with_teams(
        db,
        &slack.base_url,
        (bf.metadata_url(), bf.token_url()),
        shared,
    )
    .await?;
    Some(Teams { app, bf, clock })
}

impl Teams {
    fn activity(&self, kind: &str, from: &str, conversation: &str) -> Value {
        json!({
            "type": kind,
            "id": format!("act-{}", self.app.now().timestamp_micros()),
            "timestamp": self.app.now().to_rfc3339(),
            "serviceUrl": self.bf.service_url(),
            "channelId": "msteams",
            "from": { "id": format!("29:{from}"), "name": from.trim_start_matches('U'), "aadObjectId": from },
            "conversation": { "id": conversation, "conversationType": "channel", "tenantId": TENANT },
            "recipient": { "id": "28:cadence", "name": "Cadence" },
            "channelData": { "tenant": { "id": TENANT }, "channel": { "id": conversation } },
        })
    }

    /// `@Cadence TEXT` from `from` in `conversation`; `mentions` are (user, name) written
    /// `<at>name</at>` in the text.
    pub(crate) fn message(
        &self,
        from: &str,
        conversation: &str,
        text: &str,
        mentions: &[(&str, &str)],
    ) -> Value {
        let mut activity = self.activity("message", from, conversation);
        let mut entities = vec![
            json!({ "type": "mention", "text": "<at>Cadence</at>", "mentioned": { "id": "28:cadence", "name": "Cadence" } }),
        ];
        for (user, name) in mentions {
            entities.push(json!({ "type": "mention", "text": format!("<at>{name}</at>"), "mentioned": { "id": format!("29:{user}"), "name": name, "aadObjectId": user } }));
        }
        activity["text"] = json!(format!("<at>Cadence</at> {text}"));
        activity["entities"] = json!(entities);
        activity
    }

    async fn send_with(&self, activity: &Value, token: Option<String>) -> reqwest::Response {
        let client = reqwest::Client::new();
        let mut request = client
            .post(format!("{}/teams/messages", self.app.base))
            .header("content-type", "application/json")
            .body(activity.to_string());
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.send().await.expect("sent")
    }

    pub(crate) async fn send(&self, activity: &Value) -> reqwest::Response {
        let token = teams_standin::sign(
            teams_standin::claims(self.app.now(), &self.bf.service_url()),
            KID,
        );
        let response = self.send_with(activity, Some(token)).await;
        // People do not type twice in one instant; the outbox paces replies a second apart.
        if let Some(clock) = &self.clock {
            clock.advance(chrono::Duration::seconds(2));
        }
        response
    }

    pub(crate) async fn wait_calls(&self, n: usize) -> Vec<teams_standin::ConnectorCall> {
        self.app.drain().await;
        self.bf
            .wait_until(Duration::from_secs(15), |calls| calls.len() >= n)
            .await
    }

    /// Atlas in the retro channel, made in Teams by an admin: managers UALICE, member UBOB.
    pub(crate) async fn atlas(&self) {
        let create = self.message(
            "UADMIN",
            RETRO,
            "team create Atlas managers <at>Alice</at> members <at>Bob</at> tz Europe/London",
            &[("UALICE", "Alice"), ("UBOB", "Bob")],
        );
        assert_eq!(self.send(&create).await.status(), 200);
        let add = self.message("UADMIN", RETRO, r#"capability add "run EBR""#, &[]);
        assert_eq!(self.send(&add).await.status(), 200);
        self.app
            .wait_count(
                "SELECT COUNT(*) FROM teams WHERE home_channel = '19:retro@thread.tacv2'",
                1,
            )
            .await;
        self.app
            .wait_count("SELECT COUNT(*) FROM capabilities", 1)
            .await;
    }

    /// A retro in the retro channel, started by the channel's meetings, added from Teams.
    async fn retro_on_meetings(&self) {
        let add = self.message(
            "UALICE",
            RETRO,
            "ritual add retro on teams:meeting_ended",
            &[],
        );
        assert_eq!(self.send(&add).await.status(), 200);
        self.app
            .wait_count(
                "SELECT COUNT(*) FROM rituals WHERE channel_id = '19:retro@thread.tacv2'",
                1,
            )
            .await;
        // Wait until the command has been answered, so what the connector sees next is new.
        let replied = add["id"].as_str().expect("id").to_owned();
        self.app.drain().await;
        self.bf
            .wait_until(Duration::from_secs(15), |calls| {
                calls
                    .iter()
                    .any(|c| c.activity_id.as_deref() == Some(replied.as_str()))
            })
            .await;
    }

    fn meeting_ended(&self, conversation: &str, meeting: &str) -> Value {
        let mut event = self.activity("event", "UALICE", conversation);
        event["name"] = json!("application/vnd.microsoft.meetingEnd");
        event["value"] = json!({ "Id": meeting, "MeetingType": "Scheduled", "Title": "Sprint 42 retro", "EndTime": self.app.now().to_rfc3339() });
        event
    }

    pub(crate) fn execute(
        &self,
        from: &str,
        verb: &str,
        data: Value,
        card_activity: &str,
    ) -> Value {
        let mut invoke = self.activity("invoke", from, RETRO);
        invoke["name"] = json!("adaptiveCard/action");
        invoke["replyToId"] = json!(card_activity);
        let mut data = data;
        data["action"] = json!(verb);
        invoke["value"] = json!({ "action": { "type": "Action.Execute", "verb": verb, "data": data }, "trigger": "manual" });
        invoke
    }
}

/// The activity id the connector gave the posted prompt, as the outbox kept it.
async fn prompt_activity_id(app: &TestApp) -> String {
    use sqlx::Connection;
    app.wait_count(
        "SELECT COUNT(*) FROM outbox WHERE occurrence_id IS NOT NULL AND message_id IS NOT NULL",
        1,
    )
    .await;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&app.db.url)
        .await
        .expect("connect");
    let (id,): (String,) = sqlx::query_as(
        "SELECT message_id FROM outbox WHERE occurrence_id IS NOT NULL AND operation = 'post' \
         AND message_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the posted prompt");
    id
}

/// Every value `pick` finds in the objects of an Adaptive Card, depth first.
fn collect(
    card: &Value,
    pick: &dyn Fn(&serde_json::Map<String, Value>) -> Option<String>,
) -> Vec<String> {
    fn walk(
        value: &Value,
        pick: &dyn Fn(&serde_json::Map<String, Value>) -> Option<String>,
        found: &mut Vec<String>,
    ) {
        match value {
            Value::Object(map) => {
                found.extend(pick(map));
                map.values().for_each(|v| walk(v, pick, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, pick, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(card, pick, &mut found);
    found
}

/// The verbs of the card's `Action.Execute` buttons.
pub(crate) fn verbs(card: &Value) -> Vec<String> {
    collect(card, &|map| {
        (map.get("type")? == "Action.Execute")
            .then(|| map.get("verb")?.as_str().map(str::to_owned))?
    })
}

/// The ids of the card's inputs.
fn input_ids(card: &Value) -> Vec<String> {
    collect(card, &|map| {
        map.get("type")?
            .as_str()?
            .starts_with("Input.")
            .then(|| map.get("id")?.as_str().map(str::to_owned))?
    })
}

/// The value of the first choice in the card's choice sets.
fn first_choice(card: &Value) -> Option<String> {
    collect(card, &|map| {
        map.get("choices")?
            .get(0)?
            .get("value")?
            .as_str()
            .map(str::to_owned)
    })
    .into_iter()
    .next()
}

crate::for_each_database! {
    a_capability_picker_searches_the_library_from_teams(db) {
        let Some(teams) = start(db, None).await else { return };
        teams.atlas().await;
        for name in ["architecture trade-offs", "incident command", "incident review"] {
            let add = teams.message("UADMIN", RETRO, &format!(r#"capability add "{name}""#), &[]);
            assert_eq!(teams.send(&add).await.status(), 200);
        }
        teams.app.wait_count("SELECT COUNT(*) FROM capabilities", 4).await;
        let search = |query: &str, dataset: &str| {
            let mut invoke = teams.activity("invoke", "UALICE", RETRO);
            invoke["name"] = json!("application/search");
            invoke["value"] = json!({ "queryText": query, "queryOptions": { "skip": 0, "top": 15 }, "dataset": dataset });
            invoke
        };
        let response = teams.send(&search("INCIDENT", "cadence.capabilities:pickcap:7")).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("search response");
        assert_eq!(body["type"], "application/vnd.microsoft.search.searchResponse");
        let titles: Vec<&str> = body["value"]["results"].as_array().expect("results").iter().filter_map(|r| r["title"].as_str()).collect();
        assert_eq!(titles, ["incident command", "incident review"]);
        assert!(body["value"]["results"][0]["value"].as_str().is_some_and(|v| v.parse::<i64>().is_ok()), "the value is the capability's id");

        let other = teams.send(&search("x", "graph.microsoft.com/users")).await;
        assert_eq!(other.status(), 400, "a dataset Cadence does not offer");
        let forged = teams.send_with(&search("incident", "cadence.capabilities"), None).await;
        assert_eq!(forged.status(), 401);
    }

    the_module_library_works_in_teams_with_links_as_markdown(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let add = t.message("UADMIN", RETRO, r#"module add "EBR storyline" for "run EBR" hours 1.5 link https://lms.example.com/c/1"#, &[]);
        assert_eq!(t.send(&add).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM modules WHERE status = 'approved' AND link = 'https://lms.example.com/c/1'", 1).await;
        // A manager may not retire it; a member lists it.
        let retire = t.message("UALICE", RETRO, r#"module retire "EBR storyline""#, &[]);
        assert_eq!(t.send(&retire).await.status(), 200);
        let list = t.message("UBOB", RETRO, "module list", &[]);
        assert_eq!(t.send(&list).await.status(), 200);
        let calls = t.wait_calls(5).await;
        let reply_to = |activity: &Value| {
            calls
                .iter()
                .find(|c| c.activity_id.as_deref() == activity["id"].as_str())
                .map(|c| c.body.to_string())
                .unwrap_or_else(|| panic!("no reply to {activity}"))
        };
        let added = reply_to(&add);
        assert!(added.contains("Added **EBR storyline** to the library"), "{added}");
        let refused = reply_to(&retire);
        assert!(refused.contains("Only workspace admins, owners and Cadence admins can retire modules"), "{refused}");
        let listed = reply_to(&list);
        assert!(listed.contains("**EBR storyline** — run EBR · 1.5 h · [lms.example.com](https://lms.example.com/c/1)"), "{listed}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'module_retire'").await, 0);
    }

    tracks_of_modules_and_their_progress_work_in_teams(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        for title in ["EBR basics", "Discovery calls"] {
            let add = t.message("UADMIN", RETRO, &format!(r#"module add "{title}" for "run EBR""#), &[]);
            assert_eq!(t.send(&add).await.status(), 200);
        }
        let compose = t.message("UALICE", RETRO, r#"track "EBR lead" modules "EBR basics" > "Discovery calls" pace 1/week"#, &[]);
        assert_eq!(t.send(&compose).await.status(), 200);
        let approve = t.message("UALICE", RETRO, r#"approve <at>Bob</at> track "EBR lead""#, &[("UBOB", "Bob")]);
        assert_eq!(t.send(&approve).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'approved'", 1).await;
        let done = t.message("UBOB", RETRO, r#"done "EBR basics""#, &[]);
        assert_eq!(t.send(&done).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM module_completions", 1).await;
        let me = t.message("UBOB", RETRO, "me", &[]);
        assert_eq!(t.send(&me).await.status(), 200);
        let calls = t.wait_calls(8).await;
        let shown = calls
            .iter()
            .find(|c| c.activity_id.as_deref() == me["id"].as_str())
            .map(|c| c.body.to_string())
            .expect("the answer to me");
        assert!(shown.contains("**EBR lead**: 1 of 2 modules done, next **Discovery calls** (pace 1/week)"), "{shown}");
    }

    refuses_activities_without_a_valid_token_and_records_nothing(db) {
        let Some(t) = start(db, None).await else { return };
        let activity = t.message("UADMIN", RETRO, "team create Atlas", &[]);
        let now = t.app.now();
        let mut wrong_audience = teams_standin::claims(now, &t.bf.service_url());
        wrong_audience["aud"] = json!("someone-else");
        let mut wrong_issuer = teams_standin::claims(now, &t.bf.service_url());
        wrong_issuer["iss"] = json!("https://evil.example");
        let mut expired = teams_standin::claims(now, &t.bf.service_url());
        expired["exp"] = json!(now.timestamp() - 600);
        let good = teams_standin::claims(now, &t.bf.service_url());
        for (case, token) in [
            ("missing header", None),
            ("wrong audience", Some(teams_standin::sign(wrong_audience, KID))),
            ("wrong issuer", Some(teams_standin::sign(wrong_issuer, KID))),
            ("expired", Some(teams_standin::sign(expired, KID))),
            ("unknown key", Some(teams_standin::sign(good.clone(), "no-such-key"))),
            ("bad signature", Some(teams_standin::sign_with(TestKey::Impostor, good.clone(), KID))),
        ] {
            let response = t.send_with(&activity, token).await;
            assert_eq!(response.status(), 401, "{case}");
        }
        // A token for another service URL does not vouch for this activity.
        let mut elsewhere = activity.clone();
        elsewhere["serviceUrl"] = json!("https://evil.example/");
        assert_eq!(t.send(&elsewhere).await.status(), 401, "service url mismatch");
        t.app.drain().await;
        for table in ["tenants", "teams", "conversation_refs", "decisions", "outbox"] {
            assert_eq!(t.app.count(&format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
        }
        let _ = APP_ID;
    }

    installing_keeps_the_conversation_reference(db) {
        let Some(t) = start(db, None).await else { return };
        let mut install = t.activity("conversationUpdate", "UADMIN", RETRO);
        install["membersAdded"] = json!([{ "id": "28:cadence" }]);
        assert_eq!(t.send(&install).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM conversation_refs WHERE conversation_id = '19:retro@thread.tacv2' AND bot_id = '28:cadence'", 1).await;
    }

    commands_run_in_teams_and_are_answered_in_the_thread(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let target = t.message("UALICE", RETRO, r#"target "run EBR" 3"#, &[]);
        assert_eq!(t.send(&target).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'target'", 1).await;
        // A member may not decide for the team.
        let refused = t.message("UBOB", RETRO, r#"level <at>Alice</at> "run EBR" mastery"#, &[("UALICE", "Alice")]);
        assert_eq!(t.send(&refused).await.status(), 200);
        let calls = t.wait_calls(4).await;
        assert!(calls.iter().all(|c| c.conversation_id == RETRO && c.method == "POST"), "{calls:?}");
        // Each answer is a reply to the message that asked.
        let answer = calls.iter().find(|c| c.activity_id.as_deref() == Some(target["id"].as_str().expect("id"))).expect("reply to the target command");
        assert!(answer.body.to_string().contains("run EBR"), "{}", answer.body);
        let refusal = calls.iter().find(|c| c.activity_id.as_deref() == Some(refused["id"].as_str().expect("id"))).expect("reply to the refused command");
        assert!(refusal.body.to_string().contains("Nothing was recorded"), "{}", refusal.body);
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 0);
        assert!(calls.iter().all(|c| c.bearer == t.bf.issued_tokens()[0]), "one token for every call");
    }

    replies_in_teams_say_how_to_invoke_cadence_in_teams(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        // `@Bob` typed rather than picked: Teams sends no mention entity for it.
        let typo = t.message("UALICE", RETRO, r#"gap @Bob "run EBR""#, &[]);
        assert_eq!(t.send(&typo).await.status(), 200);
        let calls = t.wait_calls(3).await;
        let answer = calls.iter().find(|c| c.activity_id.as_deref() == Some(typo["id"].as_str().expect("id"))).expect("reply");
        let shown = answer.body.to_string();
        assert!(shown.contains("is not a mention"), "{shown}");
        assert!(shown.contains("@Cadence gap @person"), "the usage line as Teams people type it: {shown}");
        assert!(!shown.contains("/cadence"), "{shown}");
        assert!(!shown.contains("Slack"), "{shown}");
    }

    a_command_typed_in_a_thread_is_answered_in_that_thread(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let in_thread = t.message("UALICE", &format!("{RETRO};messageid=1700000000999"), "me", &[]);
        assert_eq!(t.send(&in_thread).await.status(), 200);
        let calls = t.wait_calls(3).await;
        let answer = calls.last().expect("an answer");
        assert_eq!(answer.conversation_id, RETRO);
        assert_eq!(answer.activity_id.as_deref(), Some("1700000000999"), "a reply to the thread's root, not a new post: {answer:?}");
        assert_ne!(answer.activity_id.as_deref(), in_thread["id"].as_str());
    }

    undo_works_from_teams(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let target = t.message("UALICE", RETRO, r#"target "run EBR" 3"#, &[]);
        assert_eq!(t.send(&target).await.status(), 200);
        let undo = t.message("UALICE", RETRO, "undo", &[]);
        assert_eq!(t.send(&undo).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'undo'", 1).await;
        assert_eq!(t.app.count("SELECT COUNT(*) FROM team_targets").await, 0);
        let calls = t.wait_calls(4).await;
        let answer = calls.iter().find(|c| c.activity_id.as_deref() == Some(undo["id"].as_str().expect("id"))).expect("reply to the undo");
        assert!(answer.body.to_string().contains("Undone: the target of 3"), "{}", answer.body);
    }

    a_meeting_ended_in_the_retro_channel_prompts_there_once(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        t.retro_on_meetings().await;
        let before = t.bf.calls().len();
        assert_eq!(t.send(&t.meeting_ended(RETRO, "MEETING-1")).await.status(), 200);
        assert_eq!(t.send(&t.meeting_ended(RETRO, "MEETING-1")).await.status(), 200, "repeated");
        assert_eq!(t.send(&t.meeting_ended("19:other@thread.tacv2", "MEETING-2")).await.status(), 200);
        let calls = t.wait_calls(before + 1).await;
        t.app.drain().await;
        let prompts: Vec<_> = t.bf.calls().into_iter().skip(before).collect();
        assert_eq!(prompts.len(), 1, "{prompts:?}");
        let prompt = &calls[before];
        assert_eq!(prompt.conversation_id, RETRO);
        assert_eq!(prompt.activity_id, None, "a new message, not a reply");
        let card = &prompt.body["attachments"][0];
        assert_eq!(card["contentType"], "application/vnd.microsoft.card.adaptive");
        assert_eq!(card["content"]["version"], "1.5");
        assert!(card["content"].to_string().contains("Sprint 42 retro"), "{card}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM occurrences").await, 1);
    }

    action_execute_by_a_manager_records_and_replaces_the_card(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        t.retro_on_meetings().await;
        let before = t.bf.calls().len();
        t.send(&t.meeting_ended(RETRO, "MEETING-1")).await;
        let calls = t.wait_calls(before + 1).await;
        let card = calls[before].body["attachments"][0]["content"].clone();
        // Clicks come from the card Cadence posted: the activity id the connector gave it.
        let posted = prompt_activity_id(&t.app).await;
        let card_id = posted.as_str();
        let log_gap = verbs(&card).into_iter().find(|v| v.starts_with("gap:")).expect("Log gap");
        let inputs = input_ids(&card);
        let person = inputs.iter().find(|i| i.starts_with("person")).expect("person input").clone();
        let capability = inputs.iter().find(|i| i.starts_with("capability")).expect("capability input").clone();
        let capability_value = first_choice(&card).expect("a capability choice");

        // A member's click is refused in the response, and nothing is recorded.
        let by_bob = t.execute("UBOB", &log_gap, json!({ person.clone(): "Bob", capability.clone(): capability_value.clone() }), card_id);
        let refused: Value = t.send(&by_bob).await.json().await.expect("invoke response");
        assert_eq!(refused["statusCode"], 200);
        // A message, so the card keeps its buttons for the people who may press them.
        assert_eq!(refused["type"], "application/vnd.microsoft.activity.message", "{refused}");
        assert!(refused["value"].as_str().is_some_and(|v| v.contains("managers")), "{refused}");
        t.app.drain().await;
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'gap'").await, 0);

        // A manager's click records the gap (Bob typed by name) and replaces the card.
        let by_alice = t.execute("UALICE", &log_gap, json!({ person: "bob", capability: capability_value }), card_id);
        let answer: Value = t.send(&by_alice).await.json().await.expect("invoke response");
        assert_eq!(answer["statusCode"], 200, "{answer}");
        assert_eq!(answer["type"], "application/vnd.microsoft.card.adaptive", "{answer}");
        let shown = answer["value"].to_string();
        assert!(shown.contains("Gap") && shown.contains("run EBR") && shown.to_lowercase().contains("**bob**"), "{shown}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions d JOIN people p ON p.id = d.subject_person_id WHERE d.kind = 'gap' AND d.source = 'card' AND p.user_id = 'UBOB'").await, 1);
        // The same card is updated for everyone through the outbox, with a PUT.
        let calls = t.wait_calls(before + 2).await;
        let update = calls.iter().find(|c| c.method == "PUT").expect("update");
        assert_eq!(update.activity_id.as_deref(), Some(card_id));
    }

    the_weekly_digest_is_posted_to_the_stored_conversation(db) {
        let Some(t) = start(db, Some("2026-11-29T12:00:00Z")).await else { return };
        let clock = t.clock.clone().expect("manual clock");
        t.atlas().await;
        t.send(&t.message("UALICE", RETRO, r#"target "run EBR" 2"#, &[])).await;
        t.app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'target'", 1).await;
        clock.advance(chrono::Duration::minutes(1));
        t.app.wait_count("SELECT COUNT(*) FROM jobs WHERE kind = 'digest'", 1).await;
        let before = t.wait_calls(3).await.len();
        clock.set("2026-11-30T09:00:05Z".parse::<DateTime<Utc>>().expect("monday"));
        let calls = t.wait_calls(before + 1).await;
        let digest = &calls[before];
        assert_eq!(digest.conversation_id, RETRO);
        assert_eq!(digest.activity_id, None, "posted proactively, not as a reply");
        let shown = digest.body.to_string();
        assert!(shown.contains("capability digest") && shown.contains("0/2 at mastery"), "{shown}");
    }

    tokens_are_cached_and_refreshed_when_they_expire(db) {
        let Some(t) = start(db, Some("2026-11-25T10:00:00Z")).await else { return };
        let clock = t.clock.clone().expect("manual clock");
        t.atlas().await;
        t.wait_calls(2).await;
        assert_eq!(t.bf.token_requests().len(), 1, "one token for both replies");
        // The stand-in issues hour-long tokens; 56 minutes later it is within the refresh margin.
        clock.advance(chrono::Duration::minutes(56));
        t.send(&t.message("UALICE", RETRO, "me", &[])).await;
        let calls = t.wait_calls(3).await;
        assert_eq!(t.bf.token_requests().len(), 2);
        let tokens = t.bf.issued_tokens();
        assert_eq!(calls[2].bearer, tokens[1]);
        assert_ne!(tokens[0], tokens[1]);
    }

    a_429_from_the_connector_waits_for_retry_after(db) {
        let Some(t) = start(db, None).await else { return };
        t.bf.script([Scripted::RateLimited(1)]);
        let mut install = t.activity("conversationUpdate", "UADMIN", RETRO);
        install["membersAdded"] = json!([{ "id": "28:cadence" }]);
        t.send(&install).await;
        let asked = std::time::Instant::now();
        t.send(&t.message("UADMIN", RETRO, "help", &[])).await;
        let calls = t.wait_calls(2).await;
        assert!(asked.elapsed() >= Duration::from_secs(1), "waited for Retry-After");
        assert_eq!(calls.len(), 2, "one refused, one delivered: {calls:?}");
        assert_eq!(calls[0].body, calls[1].body);
        t.app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND attempts = 1", 1).await;
    }

    the_attention_audit_is_shown_in_teams_to_managers_only(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let store = cadence::store::Store::connect(&t.app.db.url).await.expect("store");
        let tenant = store.find_tenant(cadence::domain::Platform::Teams, TENANT).await.expect("query").expect("tenant");
        let audit = cadence::store::SavedAudit {
            saved_at: "2026-11-30T10:00:00Z".parse().expect("instant"),
            window: "2026-09-07 to 2026-11-29".to_owned(),
            rituals: vec![cadence::store::SavedRitual {
                id: 0,
                ordinal: 1,
                title: "Sales pipeline review".to_owned(),
                kind: "pipeline".to_owned(),
                why: vec!["recurring weekly, 4 managers".to_owned()],
                command: "ritual add pipeline on ics:feed=victor:title~pipeline:ended".to_owned(),
            }],
        };
        store.save_audit(tenant, &audit).await.expect("saved");
        let asked = t.message("UALICE", RETRO, "audit", &[]);
        t.send(&asked).await;
        let refused = t.message("UBOB", RETRO, "audit", &[]);
        t.send(&refused).await;
        // The atlas set-up's two replies, the audit, its private Bind card, the refusal.
        let calls = t.wait_calls(5).await;
        let reply = |activity: &Value| {
            calls.iter().find(|c| c.activity_id.as_deref() == activity["id"].as_str()).expect("reply").body.to_string()
        };
        let shown = reply(&asked);
        assert!(shown.contains("Sales pipeline review") && shown.contains("ritual add pipeline on ics:feed=victor:title~pipeline:ended"), "{shown}");
        assert!(!shown.contains("/cadence"), "Teams has no slash commands: {shown}");
        let no = reply(&refused);
        assert!(no.contains("Only admins and team managers") && !no.contains("ritual add"), "{no}");

        // Bind on the card, pressed in Teams, records the decision that adds the ritual.
        let card = calls.iter().map(|c| c.body["attachments"][0]["content"].clone()).find(|c| verbs(c).iter().any(|v| v.starts_with("bind:"))).expect("the Bind card");
        let bind = verbs(&card).into_iter().find(|v| v.starts_with("bind:")).expect("Bind");
        let answer: Value = t.send(&t.execute("UALICE", &bind, json!({}), "posted-card-1")).await.json().await.expect("invoke response");
        assert_eq!(answer["statusCode"], 200, "{answer}");
        assert!(answer.to_string().contains("Bound"), "{answer}");
        t.app.drain().await;
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'bind_ritual'").await, 1);
        assert_eq!(t.app.count("SELECT COUNT(*) FROM rituals WHERE channel_id = '19:retro@thread.tacv2'").await, 1);
    }

    replies_name_channels_by_their_name_never_their_id(db) {
        let Some(t) = start(db, None).await else { return };
        let mut create = t.message(
            "UADMIN",
            RETRO,
            "team create Atlas managers <at>Alice</at> tz Europe/London",
            &[("UALICE", "Alice")],
        );
        create["channelData"]["channel"]["name"] = json!("Atlas retro");
        create["channelData"]["team"] = json!({ "id": "19:team@thread.tacv2", "name": "Atlas" });
        t.send(&create).await;
        let calls = t.wait_calls(1).await;
        let shown = calls[0].body.to_string();
        assert!(shown.contains("home channel #Atlas retro"), "{shown}");
        assert!(!shown.contains("19:retro"), "{shown}");
        // A channel Cadence has heard nothing from is not shown by its raw id either.
        let elsewhere = "19:planning@thread.tacv2";
        t.send(&t.message("UADMIN", elsewhere, "team create Beta", &[])).await;
        let calls = t.wait_calls(2).await;
        let shown = calls[1].body.to_string();
        assert!(shown.contains("Created team"), "{shown}");
        assert!(!shown.contains("19:planning"), "{shown}");
    }
}
