//! Answering a prompt card: clicks and forms signed as Slack sends them. A manager's click is a
//! decision linked to the occurrence and the card is updated in place; anyone else is told
//! privately and nothing is recorded.

use std::time::Duration;

use cadence::domain::card::Verb;
use cadence::inbound::slack::signature::sign;
use cadence::platform::slack::blocks::action_from_id;
use serde_json::{Value, json};

use crate::helpers::{Db, SECRET, TestApp};
use crate::slack_standin::{Scripted, SlackStandIn};

const SECOND: Duration = Duration::from_secs(1);

/// Every `action_id` in a posted message, with the verb it routes to.
fn actions(message: &Value) -> Vec<(String, Verb)> {
    let mut found = Vec::new();
    fn walk(value: &Value, found: &mut Vec<(String, Verb)>) {
        match value {
            Value::Object(map) => {
                if let Some(id) = map.get("action_id").and_then(Value::as_str)
                    && let Some(action) = action_from_id(id)
                {
                    found.push((id.to_owned(), action.verb));
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    walk(message, &mut found);
    found
}

fn action_id(message: &Value, verb: Verb) -> String {
    actions(message)
        .into_iter()
        .find(|(_, v)| *v == verb)
        .map(|(id, _)| id)
        .expect("the card has this action")
}

/// Posts an interaction payload, form-encoded and signed, as Slack does.
/// Posts an interaction payload to `/slack/interactions`, signed as Slack signs it.
pub(crate) async fn interact(app: &TestApp, payload: &Value) -> reqwest::Response {
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
    let ts = chrono::Utc::now().timestamp();
    let headers = [
        ("x-slack-request-timestamp", ts.to_string()),
        ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
    ];
    app.post("/slack/interactions", &headers, &body).await
}

/// A block_actions payload for pressing `action_id` on the prompt, with the pickers set.
fn click(
    user: &str,
    prompt: &Value,
    ts: &str,
    action_id: &str,
    person: Option<&str>,
    capability: Option<&str>,
) -> Value {
    let mut values = serde_json::Map::new();
    if let Some(person) = person {
        let picker = self::action_id(prompt, Verb::PickPerson);
        values.insert(
            "b1".into(),
            json!({ picker: { "type": "users_select", "selected_user": person } }),
        );
    }
    if let Some(capability) = capability {
        let picker = self::action_id(prompt, Verb::PickCapability);
        values.insert(
            "b2".into(),
            json!({ picker: { "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": "x" }, "value": capability } } }),
        );
    }
    json!({
        "type": "block_actions",
        "user": { "id": user, "username": user.to_lowercase(), "team_id": "T1" },
        "api_app_id": "A1",
        "team": { "id": "T1", "domain": "acme" },
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": { "id": "CRETRO", "name": "retro" },
        "container": { "type": "message", "message_ts": ts, "channel_id": "CRETRO", "is_ephemeral": false },
        "message": { "ts": ts, "blocks": prompt["blocks"] },
        "state": { "values": values },
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
        "actions": [ { "action_id": action_id, "block_id": "b9", "type": "button", "value": "x", "action_ts": "1700000000.1" } ]
    })
}

/// The posted prompt and its ts, after a sprint closes.
async fn prompt(app: &TestApp, slack: &SlackStandIn) -> (Value, String) {
    app.jira("delivery-1", &crate::prompts::sprint_closed(37, 12))
        .await;
    let posts = slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
    app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1)
        .await;
    (posts[0].body.clone(), "1700000000.000001".to_owned())
}

async fn capability_id(app: &TestApp, name: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&app.db.url)
        .await
        .expect("connect");
    let (id,): (i64,) = sqlx::query_as(&format!(
        "SELECT id FROM capabilities WHERE name = '{name}'"
    ))
    .fetch_one(&mut conn)
    .await
    .expect("capability");
    id.to_string()
}

macro_rules! card_tests {
    ($($name:ident($app:ident, $slack:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = crate::prompts::app_with_retro(Db::Sqlite).await else { return };
                $body
            })+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = crate::prompts::app_with_retro(Db::Postgres).await else { return };
                $body
            })+
        }
    };
}

card_tests! {
    a_managers_click_records_a_gap_and_updates_the_card(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let cap = capability_id(&app, "architecture trade-offs").await;
        let log = action_id(&prompt, Verb::LogGap);
        let response = interact(&app, &click("UALICE", &prompt, &ts, &log, Some("UBOB"), Some(&cap))).await;
        assert_eq!(response.status(), 200);
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'gap' AND source = 'card' AND occurrence_id IS NOT NULL", 1).await;
        let updates = slack.wait_for("chat.update", 1, 5 * SECOND).await;
        assert_eq!(updates[0].body["channel"], "CRETRO");
        assert_eq!(updates[0].body["ts"], ts.as_str());
        let shown = updates[0].body["blocks"].to_string();
        assert!(shown.contains("Gap: <@UBOB>") && shown.contains("architecture trade-offs") && shown.contains("<@UALICE>"), "{shown}");
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences WHERE artefact_at IS NOT NULL").await, 1);
    }

    a_click_by_someone_else_is_refused_privately(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let cap = capability_id(&app, "run EBR").await;
        let log = action_id(&prompt, Verb::LogGap);
        for clicker in ["UBOB", "UMALLORY"] {
            assert_eq!(interact(&app, &click(clicker, &prompt, &ts, &log, Some("UCAROL"), Some(&cap))).await.status(), 200);
        }
        let told = slack.wait_for("chat.postEphemeral", 2, 5 * SECOND).await;
        assert_eq!(told[0].body["user"], "UBOB");
        assert!(told[0].body["text"].as_str().unwrap_or_default().contains("Only the team's managers"), "{}", told[0].body);
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        assert!(slack.calls_to("chat.update").is_empty());
    }

    a_gap_needs_both_pickers(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let log = action_id(&prompt, Verb::LogGap);
        interact(&app, &click("UALICE", &prompt, &ts, &log, Some("UBOB"), None)).await;
        let told = slack.wait_for("chat.postEphemeral", 1, 5 * SECOND).await;
        assert!(told[0].body["text"].as_str().unwrap_or_default().contains("Pick a person and a capability"), "{}", told[0].body);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
    }

    no_gaps_closes_the_card(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let none = action_id(&prompt, Verb::NoGaps);
        interact(&app, &click("UALICE", &prompt, &ts, &none, None, None)).await;
        let updates = slack.wait_for("chat.update", 1, 5 * SECOND).await;
        assert!(actions(&updates[0].body).is_empty(), "a closed card has no buttons: {}", updates[0].body);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'no_gaps'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences WHERE artefact_at IS NOT NULL").await, 1);
    }

    plan_intervention_opens_a_form_and_records_its_submission(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let plan = action_id(&prompt, Verb::PlanIntervention);
        interact(&app, &click("UALICE", &prompt, &ts, &plan, None, None)).await;
        let opened = slack.wait_for("views.open", 1, 5 * SECOND).await;
        assert_eq!(opened[0].body["trigger_id"], "13345224609.738474920.8088930838d88f008e0");
        let view = &opened[0].body["view"];
        assert_eq!(view["type"], "modal");
        let cap = capability_id(&app, "architecture trade-offs").await;
        let submit = |means: &str| json!({
            "type": "view_submission",
            "team": { "id": "T1", "domain": "acme" },
            "user": { "id": "UALICE", "username": "ualice", "team_id": "T1" },
            "api_app_id": "A1",
            "view": {
                "id": "V1", "type": "modal", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                "hash": "1", "state": { "values": {
                    "person": { "person": { "type": "users_select", "selected_user": "UBOB" } },
                    "capability": { "capability": { "type": "static_select", "selected_option": { "value": cap } } },
                    "means": { "means": { "type": "plain_text_input", "value": means } },
                    "due": { "due": { "type": "datepicker", "selected_date": "2099-12-15" } }
                } }
            }
        });
        // A missing field is answered on that field, and nothing is recorded.
        let refused = interact(&app, &submit("")).await;
        let errors: Value = refused.json().await.expect("json");
        assert_eq!(errors["response_action"], "errors");
        assert!(errors["errors"]["means"].is_string(), "{errors}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        // A form is held to the command's limits: 100,000 characters of means are refused on
        // the field, and nothing reaches the append-only log.
        let huge = interact(&app, &submit(&"x".repeat(100_000))).await;
        assert_eq!(huge.status(), 200);
        let errors: Value = huge.json().await.expect("json");
        assert!(errors["errors"]["means"].as_str().is_some_and(|m| m.contains("2000")), "{errors}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        let accepted = interact(&app, &submit("ADR pairing with carol")).await;
        assert_eq!(accepted.status(), 200);
        assert_eq!(accepted.text().await.expect("body"), "", "an empty 200 closes the form");
        app.wait_count("SELECT COUNT(*) FROM interventions WHERE means = 'ADR pairing with carol' AND due_on = '2099-12-15'", 1).await;
        let updates = slack.wait_for("chat.update", 1, 5 * SECOND).await;
        assert_eq!(updates[0].body["ts"], ts.as_str());
        assert!(updates[0].body["blocks"].to_string().contains("ADR pairing with carol"));
        // The same submission again (a replay, a double press) records nothing more.
        let again = interact(&app, &submit("ADR pairing with carol")).await;
        assert_eq!(again.status(), 200);
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM interventions").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 1);
        assert_eq!(slack.calls_to("chat.update").len(), 1, "one card update");
    }

    ten_identical_clicks_at_once_record_one_decision_and_one_update(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let cap = capability_id(&app, "architecture trade-offs").await;
        let log = action_id(&prompt, Verb::LogGap);
        let payload = click("UALICE", &prompt, &ts, &log, Some("UBOB"), Some(&cap));
        let clicks: Vec<_> = (0..10).map(|_| interact(&app, &payload)).collect();
        for response in futures::future::join_all(clicks).await {
            assert_eq!(response.status(), 200);
        }
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'gap'").await, 1);
        assert_eq!(slack.calls_to("chat.update").len(), 1, "one card update");
    }

    unsigned_interactions_are_refused(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let log = action_id(&prompt, Verb::NoGaps);
        let body = serde_urlencoded::to_string([("payload", click("UALICE", &prompt, &ts, &log, None, None).to_string())]).expect("form");
        let headers = [("x-slack-request-timestamp", chrono::Utc::now().timestamp().to_string()), ("x-slack-signature", "v0=00".to_owned())];
        assert_eq!(app.post("/slack/interactions", &headers, &body).await.status(), 401);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
    }

    a_track_request_asks_the_managers_who_answer_on_the_card(app, slack) {
        let asked = app.command("UBOB", r#"request track "Architecture lead" "I want to lead design reviews""#).await;
        assert!(asked.text.contains("They'll see it in <#CATLAS>"), "{}", asked.text);
        let posts = slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        let card = posts[0].body.clone();
        assert_eq!(card["channel"], "CATLAS");
        assert!(card["blocks"].to_string().contains("Architecture lead"), "{card}");
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
        let ts = "1700000000.000001";
        let approve = action_id(&card, Verb::ApproveTrack);
        let with_channel = |user: &str| {
            let mut payload = click(user, &card, ts, &approve, None, None);
            payload["channel"] = json!({ "id": "CATLAS", "name": "team-atlas" });
            payload["container"]["channel_id"] = json!("CATLAS");
            payload
        };
        // Bob cannot approve his own request; nothing changes.
        interact(&app, &with_channel("UBOB")).await;
        let told = slack.wait_for("chat.postEphemeral", 1, 5 * SECOND).await;
        assert_eq!(told[0].body["user"], "UBOB");
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'requested'").await, 1);
        // Alice, the manager, approves: a decision, the enrolment, and the card closed in place.
        interact(&app, &with_channel("UALICE")).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_track' AND source = 'card'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'approved'").await, 1);
        let updates = slack.wait_for("chat.update", 1, 5 * SECOND).await;
        assert_eq!(updates[0].body["channel"], "CATLAS");
        assert!(updates[0].body["blocks"].to_string().contains("Approved by <@UALICE>"), "{}", updates[0].body);
        assert!(actions(&updates[0].body).is_empty(), "the answered card has no buttons");
        // A second answer (a stale card, another manager) changes nothing.
        interact(&app, &with_channel("UALICE")).await;
        let told = slack.wait_for("chat.postEphemeral", 2, 5 * SECOND).await;
        assert!(told[1].body["text"].as_str().unwrap_or_default().contains("already been answered"), "{}", told[1].body);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_track'").await, 1);
    }

    double_clicks_record_once(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let cap = capability_id(&app, "architecture trade-offs").await;
        let log = action_id(&prompt, Verb::LogGap);
        for _ in 0..2 {
            interact(&app, &click("UALICE", &prompt, &ts, &log, Some("UBOB"), Some(&cap))).await;
        }
        let told = slack.wait_for("chat.postEphemeral", 1, 5 * SECOND).await;
        assert!(told[0].body["text"].as_str().unwrap_or_default().contains("already logged"), "{}", told[0].body);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'gap'").await, 1);
        let none = action_id(&prompt, Verb::NoGaps);
        for _ in 0..2 {
            interact(&app, &click("UALICE", &prompt, &ts, &none, None, None)).await;
        }
        slack.wait_for("chat.postEphemeral", 2, 5 * SECOND).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'no_gaps'").await, 1);
    }

    two_managers_answering_one_request_at_once_record_one_answer(app, slack) {
        app.command("UADMIN", &format!("team managers {} {}", crate::helpers::at("UALICE"), crate::helpers::at("UERIN"))).await;
        app.command("UBOB", r#"request track "Architecture lead""#).await;
        let posts = slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        let card = posts[0].body.clone();
        let approve = action_id(&card, Verb::ApproveTrack);
        let decline = action_id(&card, Verb::DeclineTrack);
        let press = |user: &str, action: &str| {
            let mut payload = click(user, &card, "1700000000.000001", action, None, None);
            payload["container"]["channel_id"] = json!("CATLAS");
            payload
        };
        let (a, b) = (press("UALICE", &approve), press("UERIN", &decline));
        let (first, second) = tokio::join!(interact(&app, &a), interact(&app, &b));
        assert_eq!(first.status(), 200);
        assert_eq!(second.status(), 200);
        let answers = app.count("SELECT COUNT(*) FROM decisions WHERE kind IN ('approve_track', 'decline_track')").await;
        assert_eq!(answers, 1, "one answer wins; the other is told");
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status IN ('approved', 'declined')").await, 1);
    }

    a_form_opens_within_a_second_behind_a_backlog_of_slow_posts(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        // 500 messages wait in the outbox and Slack answers each post after 200 ms: a form
        // queued behind them would open long after its trigger_id expired (3 s).
        backlog(&app, 500).await;
        slack.script("chat.postMessage", (0..500).map(|_| Scripted::Slow(Duration::from_millis(200))));
        let plan = action_id(&prompt, Verb::PlanIntervention);
        let clicked = std::time::Instant::now();
        let response = interact(&app, &click("UALICE", &prompt, &ts, &plan, None, None)).await;
        assert_eq!(response.status(), 200);
        let opened = slack.wait_for("views.open", 1, SECOND).await;
        assert!(clicked.elapsed() < SECOND, "views.open after {:?}", clicked.elapsed());
        assert_eq!(opened[0].body["trigger_id"], "13345224609.738474920.8088930838d88f008e0");
        assert_eq!(opened[0].body["view"]["type"], "modal");
        let context: Value = serde_json::from_str(opened[0].body["view"]["private_metadata"].as_str().expect("metadata")).expect("json");
        assert_eq!(context["ts"], ts.as_str());
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE operation = 'open_view'").await, 0, "the form never waits in the outbox");
    }

    a_click_from_another_message_or_channel_is_refused(app, slack) {
        let (prompt, ts) = prompt(&app, &slack).await;
        let cap = capability_id(&app, "architecture trade-offs").await;
        let log = action_id(&prompt, Verb::LogGap);
        // The same action on a message that is not the occurrence's prompt.
        let elsewhere = click("UALICE", &prompt, "1700000000.999999", &log, Some("UBOB"), Some(&cap));
        interact(&app, &elsewhere).await;
        // The prompt's ts, but in another channel.
        let mut moved = click("UALICE", &prompt, &ts, &log, Some("UBOB"), Some(&cap));
        moved["container"]["channel_id"] = json!("COTHER");
        moved["channel"] = json!({ "id": "COTHER", "name": "other" });
        moved["actions"][0]["action_ts"] = json!("1700000000.2");
        interact(&app, &moved).await;
        let told = slack.wait_for("chat.postEphemeral", 2, 5 * SECOND).await;
        assert!(told[0].body["text"].as_str().unwrap_or_default().contains("not the prompt"), "{}", told[0].body);
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        assert!(slack.calls_to("chat.update").is_empty(), "no update goes to a message the payload chose");
    }


    a_library_past_a_hundred_is_searched_with_the_teams_targeted_capability_first(app, slack) {
        let store = cadence::store::Store::connect(&app.db.url).await.expect("store");
        let now = chrono::Utc::now();
        let tenant = store.tenant(cadence::domain::Platform::Slack, "T1", now).await.expect("tenant");
        for n in 0..116 {
            store.add_capability(tenant, &format!("library skill {n:03}"), None, None, now).await.expect("capability");
        }
        store.add_capability(tenant, "zz pricing talk", None, None, now).await.expect("capability");
        store.close().await;
        let target = app.command("UALICE", r#"target "zz pricing talk" 2"#).await;
        assert!(target.text.contains("zz pricing talk"), "{}", target.text);
        let (prompt, _) = prompt(&app, &slack).await;
        let picker = prompt["blocks"].as_array().expect("blocks").iter()
            .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default().into_iter().chain(b.get("accessory").cloned()))
            .find(|e| e["type"] == "external_select")
            .expect("a capability picker that loads its options");
        assert_eq!(picker["min_query_length"], 0);
        let action_id = picker["action_id"].as_str().expect("action id").to_owned();

        // Slack asks for options as the manager types, signed like any interaction.
        let suggest = |value: &str| json!({
            "type": "block_suggestion",
            "user": { "id": "UALICE", "username": "ualice", "team_id": "T1" },
            "team": { "id": "T1", "domain": "acme" },
            "container": { "type": "message", "message_ts": "1700000000.000001", "channel_id": "CRETRO" },
            "action_id": action_id,
            "block_id": "b1",
            "value": value,
        });
        let first = interact(&app, &suggest("")).await;
        assert_eq!(first.status(), 200);
        let first: Value = first.json().await.expect("options");
        let options = first["options"].as_array().expect("options");
        assert_eq!(options.len(), 100, "at most 100, as Slack allows");
        assert_eq!(options[0]["text"]["text"], "zz pricing talk", "the team's targeted capability comes first");
        let typed: Value = interact(&app, &suggest("SKILL 11")).await.json().await.expect("options");
        let labels: Vec<&str> = typed["options"].as_array().expect("options").iter().filter_map(|o| o["text"]["text"].as_str()).collect();
        assert_eq!(labels, ["library skill 110", "library skill 111", "library skill 112", "library skill 113", "library skill 114", "library skill 115"]);
        let literal: Value = interact(&app, &suggest("100%")).await.json().await.expect("options");
        assert_eq!(literal["options"].as_array().map(Vec::len), Some(0), "% is matched as typed");

        // A forged options request is refused before it is read.
        let body = serde_urlencoded::to_string([("payload", suggest("").to_string())]).expect("form");
        let forged = app.post("/slack/interactions", &[("x-slack-request-timestamp", chrono::Utc::now().timestamp().to_string()), ("x-slack-signature", "v0=00".to_owned())], &body).await;
        assert_eq!(forged.status(), 401);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 1, "only the target: searching records nothing");
    }

}

/// Queues `n` posts for the outbox, each to a channel of its own, as a digest burst would.
async fn backlog(app: &TestApp, n: usize) {
    use cadence::domain::card::{Card, Part};
    use cadence::domain::text::Text;
    use cadence::store::{Delivery, NewMessage, Store};
    let store = Store::connect(&app.db.url).await.expect("store");
    let now = chrono::Utc::now();
    let tenant = store
        .tenant(cadence::domain::Platform::Slack, "T1", now)
        .await
        .expect("tenant");
    let card = Card {
        summary: "digest".to_owned(),
        parts: vec![Part::Body(Text::new().plain("digest"))],
    };
    for i in 0..n {
        let channel = format!("CBUSY{i}");
        store
            .enqueue(
                &NewMessage {
                    tenant,
                    idempotency_key: format!("backlog:{i}"),
                    channel_id: &channel,
                    delivery: Delivery::Post,
                    card: serde_json::to_value(&card).expect("card"),
                    occurrence: None,
                },
                now,
            )
            .await
            .expect("enqueue");
    }
    store.close().await;
}
