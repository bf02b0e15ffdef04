//! Commissioning as a workflow, against the Slack stand-in: a manager's commission goes to L&D's
//! channel as a card; an admin asks for changes (a form asks why), the manager commissions it
//! again, an admin accepts (the module becomes proposed) or declines with a reason, the card
//! closes in place and the manager is told privately where they asked. Every step is a
//! decision, and an undo puts the commission back to waiting.

use std::time::Duration;

use cadence::domain::card::Verb;
use serde_json::{Value, json};

use crate::budget_requests::{press, text_of};
use crate::decisions::atlas;
use crate::helpers::{Db, TestApp};
use crate::slack_standin::SlackStandIn;

const WAIT: Duration = Duration::from_secs(5);

/// Atlas with a spend budget of 1,000 this quarter, in a workspace whose L&D works in #l-and-d.
async fn commissioning(db: Db) -> Option<(TestApp, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let app = TestApp::spawn_with_slack_api(db, &slack.base_url).await?;
    atlas(&app).await;
    let set = app
        .command("UADMIN", "settings learning-channel <#CLD|l-and-d>")
        .await;
    assert!(set.text.starts_with("Saved."), "{}", set.text);
    let set = app.command("UADMIN", "budget team:Atlas spend 1000").await;
    assert!(set.text.starts_with("Set the budget"), "{}", set.text);
    Some((app, slack))
}

/// The `nth` commission card posted to #l-and-d.
async fn commission_card(slack: &SlackStandIn, nth: usize) -> Value {
    let posts = slack.wait_for("chat.postMessage", nth, WAIT).await;
    let card = posts[nth - 1].body.clone();
    assert_eq!(card["channel"], "CLD", "{card}");
    assert!(
        card["blocks"].to_string().contains("Module commission"),
        "{card}"
    );
    card
}

/// Submits the reason form Slack opened as the `nth` view, as `user`.
async fn submit_reason(
    app: &TestApp,
    slack: &SlackStandIn,
    nth: usize,
    user: &str,
    reason: &str,
) -> Value {
    let opened = slack.wait_for("views.open", nth, WAIT).await;
    let view = &opened[nth - 1].body["view"];
    assert_eq!(view["type"], "modal", "{view}");
    let payload = json!({
        "type": "view_submission",
        "team": { "id": "T1", "domain": "acme" },
        "user": { "id": user, "username": user.to_lowercase(), "team_id": "T1" },
        "api_app_id": "A1",
        "view": {
            "id": format!("V{nth}"), "type": "modal", "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"], "hash": "1",
            "state": { "values": { "reason": { "reason": { "type": "plain_text_input", "value": reason } } } }
        }
    });
    let response = crate::cards::interact(app, &payload).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("json")
    }
}

crate::for_each_database! {
    a_commission_is_sent_back_for_changes_then_accepted(db) {
        let Some((app, slack)) = commissioning(db).await else { return };
        let asked = app.command("UALICE", r#"commission "Pricing drills" budget 400 for "run EBR""#).await;
        assert!(asked.text.contains("I've asked L&amp;D in <#CLD> to accept it; you'll be told their answer here."), "{}", asked.text);
        assert!(asked.text.contains("600 of 1,000 EUR left"), "{}", asked.text);
        let card = commission_card(&slack, 1).await;
        let shown = card["blocks"].to_string();
        assert!(shown.contains("<@UALICE> commissions a module: *Pricing drills*") && shown.contains("400 EUR") && shown.contains("run EBR"), "{shown}");
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'commissioned'").await, 1);

        // Alice manages Atlas but is no admin: she cannot accept her own commission.
        press(&app, "UALICE", &card, "1700000099.000001", Verb::AcceptCommission).await;
        let told = slack.wait_for("chat.postEphemeral", 1, WAIT).await;
        assert!(text_of(&told[0]).contains("Only workspace admins (L&amp;D) can answer commissions"), "{}", text_of(&told[0]));

        // An admin asks for changes: a form asks what should change; empty, it is refused on
        // the field and nothing is recorded.
        press(&app, "UADMIN", &card, "1700000099.000001", Verb::ReviseCommission).await;
        let refused = submit_reason(&app, &slack, 1, "UADMIN", "  ").await;
        assert_eq!(refused["response_action"], "errors", "{refused}");
        assert!(refused["errors"]["reason"].is_string(), "{refused}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'revise_commission'").await, 0);
        let sent = submit_reason(&app, &slack, 1, "UADMIN", "Make it 2 sessions, not 4").await;
        assert_eq!(sent, Value::Null, "an empty 200 closes the form");
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'revise_commission'", 1).await;
        // The commission is closed: its title and its money are free again.
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 0);
        let budget = app.command("UALICE", "budget").await;
        assert!(budget.text.contains("0 EUR used; 1,000 of 1,000 EUR left"), "{}", budget.text);
        let updates = slack.wait_for("chat.update", 1, WAIT).await;
        assert_eq!((updates[0].body["channel"].as_str(), updates[0].body["ts"].as_str()), (Some("CLD"), Some("1700000099.000001")));
        let closed = updates[0].body["blocks"].to_string();
        assert!(closed.contains("Changes asked by <@UADMIN>: Make it 2 sessions, not 4"), "{closed}");
        assert!(!closed.contains("accept_commission"), "the answered card has no buttons: {closed}");
        let told = slack.wait_for("chat.postEphemeral", 2, WAIT).await;
        assert_eq!((told[1].body["user"].as_str(), told[1].body["channel"].as_str()), (Some("UALICE"), Some("CATLAS")));
        assert!(text_of(&told[1]).contains("L&amp;D asked for changes to your commission Pricing drills: Make it 2 sessions, not 4"), "{}", text_of(&told[1]));

        // Alice commissions it again; an admin accepts: the module is proposed, with its budget.
        let again = app.command("UALICE", r#"commission "Pricing drills" budget 250 for "run EBR""#).await;
        assert!(again.text.starts_with("Commissioned a module"), "{}", again.text);
        let card = commission_card(&slack, 2).await;
        press(&app, "UADMIN", &card, "1700000099.000002", Verb::AcceptCommission).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'accept_commission' AND source = 'card'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'proposed' AND budget = 250").await, 1);
        let updates = slack.wait_for("chat.update", 2, WAIT).await;
        assert!(updates[1].body["blocks"].to_string().contains("Accepted by <@UADMIN>"), "{}", updates[1].body);
        let told = slack.wait_for("chat.postEphemeral", 3, WAIT).await;
        assert!(text_of(&told[2]).contains("L&amp;D accepted your commission Pricing drills"), "{}", text_of(&told[2]));
        let listed = app.command("UADMIN", "module list").await;
        assert!(listed.text.contains("Pricing drills"), "{}", listed.text);

        // A second answer changes nothing.
        press(&app, "UWSADMIN1", &card, "1700000099.000002", Verb::AcceptCommission).await;
        let told = slack.wait_for("chat.postEphemeral", 4, WAIT).await;
        assert!(text_of(&told[3]).contains("already been answered"), "{}", text_of(&told[3]));
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'accept_commission'").await, 1);

        // Taking the acceptance back leaves the commission waiting again.
        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the acceptance of the commission *Pricing drills*"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'commissioned'").await, 1);
    }

    a_declined_commission_gives_its_budget_back_and_an_undo_restores_it(db) {
        let Some((app, slack)) = commissioning(db).await else { return };
        app.command("UALICE", r#"commission "Negotiation lab" budget 700"#).await;
        let card = commission_card(&slack, 1).await;
        press(&app, "UADMIN", &card, "1700000099.000001", Verb::DeclineCommission).await;
        submit_reason(&app, &slack, 1, "UADMIN", "The library's Negotiation basics covers it").await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'decline_commission'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_draws").await, 0);
        let told = slack.wait_for("chat.postEphemeral", 1, WAIT).await;
        assert!(text_of(&told[0]).contains("L&amp;D declined your commission Negotiation lab: The library's Negotiation basics covers it"), "{}", text_of(&told[0]));

        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the refusal of the commission *Negotiation lab*"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'commissioned' AND budget = 700").await, 1);
        let budget = app.command("UALICE", "budget").await;
        assert!(budget.text.contains("700 EUR used; 300 of 1,000 EUR left"), "{}", budget.text);
    }

    commissions_made_before_l_and_d_has_a_channel_are_posted_once_it_has_one(db) {
        let Some((app, slack)) = commissioning(db).await else { return };
        app.execute("UPDATE workspace_settings SET ld_channel = NULL").await.expect("cleared");
        let asked = app.command("UALICE", r#"commission "Pricing drills" budget 100"#).await;
        assert!(asked.text.contains("No L&amp;D channel is set, so L&amp;D has not been asked yet"), "{}", asked.text);
        app.drain().await;
        assert!(slack.calls_to("chat.postMessage").is_empty());

        let set = app.command("UADMIN", "settings learning-channel <#CLD|l-and-d>").await;
        assert!(set.text.contains("Posted the 1 commission waiting for an answer in <#CLD>."), "{}", set.text);
        let card = commission_card(&slack, 1).await;
        assert!(card["blocks"].to_string().contains("Pricing drills"), "{card}");
        // Setting the channel again posts nothing more.
        let again = app.command("UADMIN", "settings learning-channel <#CLD|l-and-d>").await;
        assert!(!again.text.contains("Posted"), "{}", again.text);
        app.drain().await;
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
    }
}
