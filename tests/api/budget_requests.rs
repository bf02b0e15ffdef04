//! Allocations over budget in a workspace that sends them to L&D: the request card goes to L&D's
//! channel through the outbox, a workspace admin approves (the allocation is recorded, over
//! budget) or declines, the card closes in place, and the manager who asked is told privately
//! where they asked. Against the Slack stand-in, with clicks signed as Slack signs them.

use std::time::Duration;

use cadence::domain::card::Verb;
use cadence::domain::outcomes::Quarter;
use cadence::platform::slack::blocks::action_from_id;
use serde_json::{Value, json};

use crate::decisions::atlas;
use crate::helpers::{Db, TestApp, at};
use crate::slack_standin::SlackStandIn;

const WAIT: Duration = Duration::from_secs(5);

fn this_quarter() -> String {
    Quarter::containing(chrono::Utc::now().date_naive()).to_string()
}

/// Atlas with an hours budget of 4 and a spend budget of 1,000, in a workspace whose
/// allocations over budget go to L&D in #l-and-d.
async fn requesting(db: Db) -> Option<(TestApp, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let app = TestApp::spawn_with_slack_api(db, &slack.base_url).await?;
    atlas(&app).await;
    let set = app
        .command(
            "UADMIN",
            "settings learning-channel <#CLD|l-and-d> over-budget request",
        )
        .await;
    assert!(set.text.starts_with("Saved."), "{}", set.text);
    let q = this_quarter();
    let set = app
        .command(
            "UADMIN",
            &format!("budget team:Atlas hours 4 spend 1000 quarter {q}"),
        )
        .await;
    assert!(set.text.starts_with("Set the budget"), "{}", set.text);
    Some((app, slack))
}

/// The action id of `verb` on a posted message.
pub(crate) fn action_id(message: &Value, verb: Verb) -> String {
    fn walk(value: &Value, verb: Verb) -> Option<String> {
        match value {
            Value::Object(map) => map
                .get("action_id")
                .and_then(Value::as_str)
                .filter(|id| action_from_id(id).is_some_and(|a| a.verb == verb))
                .map(str::to_owned)
                .or_else(|| map.values().find_map(|v| walk(v, verb))),
            Value::Array(items) => items.iter().find_map(|v| walk(v, verb)),
            _ => None,
        }
    }
    walk(message, verb).expect("the card has this button")
}

/// The `nth` request card as posted, and a ts to press it under: the answer updates whichever
/// message the click names, so the test names one it can check.
async fn request_card(_app: &TestApp, slack: &SlackStandIn, nth: usize) -> (Value, String) {
    let posts = slack.wait_for("chat.postMessage", nth, WAIT).await;
    let card = posts[nth - 1].body.clone();
    assert_eq!(card["channel"], "CLD", "{card}");
    (card, format!("1700000099.{nth:06}"))
}

/// Presses `verb` on the card in #l-and-d as `user`, signed as Slack signs it.
pub(crate) async fn press(app: &TestApp, user: &str, card: &Value, ts: &str, verb: Verb) {
    let id = action_id(card, verb);
    let payload = json!({
        "type": "block_actions",
        "user": { "id": user, "username": user.to_lowercase(), "team_id": "T1" },
        "api_app_id": "A1",
        "team": { "id": "T1", "domain": "acme" },
        "channel": { "id": "CLD", "name": "l-and-d" },
        "container": { "type": "message", "message_ts": ts, "channel_id": "CLD", "is_ephemeral": false },
        "message": { "ts": ts, "blocks": card["blocks"] },
        "state": { "values": {} },
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "response_url": "https://hooks.slack.com/actions/T1/1/x",
        "actions": [ { "action_id": id, "block_id": "b9", "type": "button", "value": "x", "action_ts": format!("1700000001.{}", user.len()) } ]
    });
    let response = crate::cards::interact(app, &payload).await;
    assert_eq!(response.status(), 200);
}

pub(crate) fn text_of(call: &crate::slack_standin::Call) -> String {
    call.body["text"].as_str().unwrap_or_default().to_owned()
}

macro_rules! request_tests {
    ($($name:ident($app:ident, $slack:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = requesting(Db::Sqlite).await else { return };
                $body
            })+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = requesting(Db::Postgres).await else { return };
                $body
            })+
        }
    };
}

request_tests! {
    an_admin_approves_and_the_allocation_is_recorded_over_budget(app, slack) {
        let q = this_quarter();
        let asked = app.command("UALICE", &format!("hours {} 6", at("UBOB"))).await;
        assert_eq!(
            asked.text,
            format!("That is over *Atlas*'s learning-hours budget for {q}: 4 of 4 learning hours left, and this asks for 6. I've asked L&amp;D in <#CLD> to approve it; you'll be told their answer here. Nothing is allocated until then.")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'request_budget'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours").await, 0);
        let (card, ts) = request_card(&app, &slack, 1).await;
        let shown = card["blocks"].to_string();
        assert!(shown.contains("Over-budget request") && shown.contains("<@UALICE>") && shown.contains("6 learning hours for <@UBOB>"), "{shown}");
        assert!(shown.contains("4 of 4 learning hours left; this asks for 6"), "{shown}");

        // Neither the member nor the team's manager answers for L&D; nothing changes.
        press(&app, "UBOB", &card, &ts, Verb::ApproveBudget).await;
        press(&app, "UALICE", &card, &ts, Verb::ApproveBudget).await;
        let told = slack.wait_for("chat.postEphemeral", 2, WAIT).await;
        assert_eq!((told[0].body["user"].as_str(), told[1].body["user"].as_str()), (Some("UBOB"), Some("UALICE")));
        assert!(text_of(&told[0]).contains("Only workspace admins (L&amp;D) can answer"), "{}", text_of(&told[0]));
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_budget'").await, 0);

        // An admin approves: the allocation is recorded over budget, the card closes, and
        // Alice is told in Atlas's channel, privately.
        press(&app, "UADMIN", &card, &ts, Verb::ApproveBudget).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_budget' AND source = 'card'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours WHERE hours_centi = 600").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_requests WHERE status = 'approved'").await, 1);
        let updates = slack.wait_for("chat.update", 1, WAIT).await;
        assert_eq!((updates[0].body["channel"].as_str(), updates[0].body["ts"].as_str()), (Some("CLD"), Some(ts.as_str())));
        let closed = updates[0].body["blocks"].to_string();
        assert!(closed.contains("Approved, over budget, by <@UADMIN>"), "{closed}");
        assert!(!closed.contains("approve_budget"), "the answered card has no buttons: {closed}");
        let told = slack.wait_for("chat.postEphemeral", 3, WAIT).await;
        assert_eq!((told[2].body["user"].as_str(), told[2].body["channel"].as_str()), (Some("UALICE"), Some("CATLAS")));
        assert!(text_of(&told[2]).contains("approved your over-budget request"), "{}", text_of(&told[2]));

        let shown = app.command("UALICE", "budget").await;
        assert!(shown.text.contains(&format!("6 h used; 0 of 4 learning hours left in {q} (2 learning hours over, approved by L&amp;D)")), "{}", shown.text);
        // The allocation counts toward Bob's week like any other.
        let week = app.command("UALICE", &format!("hours {} 35", at("UBOB"))).await;
        assert!(week.text.contains("already has 6 learning hours in the week"), "{}", week.text);

        // A second answer changes nothing.
        press(&app, "UWSADMIN1", &card, &ts, Verb::DeclineBudget).await;
        let told = slack.wait_for("chat.postEphemeral", 4, WAIT).await;
        assert!(text_of(&told[3]).contains("already been answered"), "{}", text_of(&told[3]));
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind IN ('approve_budget', 'decline_budget')").await, 1);
    }

    a_workspace_admin_declines_and_an_undo_reopens_the_request(app, slack) {
        let q = this_quarter();
        let asked = app.command("UALICE", r#"commission "EBR basics" budget 1500 for "run EBR""#).await;
        assert!(asked.text.starts_with(&format!("That is over *Atlas*'s spend budget for {q}: 1,000 of 1,000 EUR left, and this asks for 1,500.")), "{}", asked.text);
        let (card, ts) = request_card(&app, &slack, 1).await;
        assert!(card["blocks"].to_string().contains("with a budget of 1,500 EUR"), "{card}");

        press(&app, "UADMIN", &card, &ts, Verb::DeclineBudget).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'decline_budget'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 0);
        let told = slack.wait_for("chat.postEphemeral", 1, WAIT).await;
        assert_eq!(told[0].body["user"], "UALICE");
        assert!(text_of(&told[0]).contains("declined your over-budget request for the module"), "{}", text_of(&told[0]));
        let updates = slack.wait_for("chat.update", 1, WAIT).await;
        assert!(updates[0].body["blocks"].to_string().contains("Declined by <@UADMIN>"), "{}", updates[0].body);

        // Taking the refusal back reopens the request; a Slack workspace admin (not a Cadence
        // admin) then approves, and the module is recorded.
        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the refusal of the module *EBR basics*"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_requests WHERE status = 'requested'").await, 1);
        press(&app, "UWSADMIN1", &card, &ts, Verb::ApproveBudget).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_budget'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE budget = 1500 AND capability_id IS NOT NULL").await, 1);
        let shown = app.command("UALICE", "budget").await;
        assert!(shown.text.contains(&format!("1,500 EUR used; 0 of 1,000 EUR left in {q} (500 EUR over, approved by L&amp;D)")), "{}", shown.text);
    }

    a_withdrawn_request_cannot_be_answered(app, slack) {
        app.command("UALICE", &format!("hours {} 5", at("UCAROL"))).await;
        let (card, ts) = request_card(&app, &slack, 1).await;
        let undone = app.command("UALICE", "undo").await;
        assert!(undone.text.starts_with("Undone: the over-budget request for 5 learning hours for <@UCAROL>"), "{}", undone.text);
        press(&app, "UADMIN", &card, &ts, Verb::ApproveBudget).await;
        let told = slack.wait_for("chat.postEphemeral", 1, WAIT).await;
        assert!(text_of(&told[0]).contains("no longer known"), "{}", text_of(&told[0]));
        assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_requests").await, 0);
    }

    without_an_ld_channel_an_allocation_over_budget_is_refused_and_says_why(app, slack) {
        app.execute("UPDATE workspace_settings SET ld_channel = NULL").await.expect("cleared");
        let q = this_quarter();
        let asked = app.command("UALICE", &format!("hours {} 5", at("UCAROL"))).await;
        assert_eq!(
            asked.text,
            format!("That is over *Atlas*'s learning-hours budget for {q}: 4 of 4 learning hours left, and this asks for 5. This workspace sends allocations over budget to L&amp;D, but no L&amp;D channel is set; an admin sets it with `/cadence settings learning-channel #channel`. Nothing was recorded.")
        );
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind <> 'budget'").await, 0);
        assert!(slack.calls_to("chat.postMessage").is_empty());
    }
}
