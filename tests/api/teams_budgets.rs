//! An allocation over budget in Microsoft Teams: the request card is posted to L&D's channel as
//! an Adaptive Card, a member's Approve is refused in the invoke's answer, an admin's records
//! the allocation and replaces the card, and the manager is told in the channel they asked in.

use serde_json::{Value, json};

use cadence::domain::Platform;
use cadence::domain::settings::{OverBudget, WorkspaceSettings};
use cadence::store::Store;

use crate::teams::{RETRO, TENANT, Teams, start, verbs};

pub(crate) const LD: &str = "19:learning@thread.tacv2";

/// An Approve or Decline press on the card `card_id` in L&D's channel.
pub(crate) fn press(t: &Teams, from: &str, verb: &str, card_id: &str) -> Value {
    let mut invoke = t.execute(from, verb, json!({}), card_id);
    invoke["conversation"]["id"] = json!(LD);
    invoke["channelData"]["channel"]["id"] = json!(LD);
    invoke
}

/// Waits for the request card in L&D's channel; presses name the card `request-card-1`, and
/// the answer replaces whichever card the press names.
async fn request_card_id(t: &Teams) -> String {
    t.app.drain().await;
    t.bf.wait_until(std::time::Duration::from_secs(15), |calls| {
        calls
            .iter()
            .any(|c| c.conversation_id == LD && c.body.to_string().contains("Over-budget request"))
    })
    .await;
    "request-card-1".to_owned()
}

crate::for_each_database! {
    an_over_budget_request_is_answered_on_its_card_in_teams(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let store = Store::connect(&t.app.db.url).await.expect("store");
        let tenant = store.tenant(Platform::Teams, TENANT, chrono::Utc::now()).await.expect("tenant");
        let settings = WorkspaceSettings { ld_channel: Some(LD.to_owned()), over_budget: OverBudget::Request, ..Default::default() };
        store.save_settings(tenant, &settings, chrono::Utc::now()).await.expect("settings");
        store.close().await;

        // L&D sets the budget from its own channel, which Cadence then knows how to reach.
        let set = t.message("UADMIN", LD, "budget team:Atlas hours 4", &[]);
        assert_eq!(t.send(&set).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM team_budgets", 1).await;

        let ask = t.message("UALICE", RETRO, "hours <at>Bob</at> 6 sprint \"Sprint 42\"", &[("UBOB", "Bob")]);
        assert_eq!(t.send(&ask).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'request_budget'", 1).await;
        let card_id = request_card_id(&t).await;
        let asked = ask["id"].as_str().expect("id").to_owned();
        let calls = t
            .bf
            .wait_until(std::time::Duration::from_secs(15), |calls| {
                calls.iter().any(|c| c.activity_id.as_deref() == Some(asked.as_str()))
            })
            .await;
        let posted = calls.iter().find(|c| c.conversation_id == LD && c.body.to_string().contains("Over-budget request")).expect("the request card in L&D's channel");
        let card = posted.body["attachments"][0]["content"].clone();
        let approve = verbs(&card).into_iter().find(|v| v.starts_with("approve_budget:")).expect("Approve");
        assert!(verbs(&card).iter().any(|v| v.starts_with("decline_budget:")), "{card}");
        let reply = calls.iter().find(|c| c.activity_id.as_deref() == ask["id"].as_str()).expect("the answer to the command");
        assert!(reply.body.to_string().contains("asked L&D"), "{}", reply.body);

        // Bob is no admin: told in the invoke's answer, and the card keeps its buttons.
        let refused: Value = t.send(&press(&t, "UBOB", &approve, &card_id)).await.json().await.expect("invoke response");
        assert_eq!(refused["type"], "application/vnd.microsoft.activity.message", "{refused}");
        assert!(refused["value"].as_str().is_some_and(|v| v.contains("Only workspace admins")), "{refused}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM learning_hours").await, 0);

        // An admin approves: recorded over budget, the card replaced, Alice told where she asked.
        let answer: Value = t.send(&press(&t, "UADMIN", &approve, &card_id)).await.json().await.expect("invoke response");
        assert_eq!(answer["type"], "application/vnd.microsoft.card.adaptive", "{answer}");
        assert!(answer["value"].to_string().contains("Approved, over budget, by"), "{answer}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_budget' AND source = 'card'").await, 1);
        assert_eq!(t.app.count("SELECT COUNT(*) FROM learning_hours WHERE hours_centi = 600").await, 1);
        let calls = t.wait_calls(calls.len() + 2).await;
        assert!(calls.iter().any(|c| c.method == "PUT" && c.activity_id.as_deref() == Some(card_id.as_str())), "{calls:?}");
        let told = calls.iter().find(|c| c.conversation_id == RETRO && c.body.to_string().contains("approved your over-budget request")).expect("Alice is told in Atlas's channel");
        assert_eq!(told.method, "POST");
    }
}
