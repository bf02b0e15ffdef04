//! Commissioning in Microsoft Teams: the commission card goes to L&D's channel as an Adaptive
//! Card; Decline opens its reason form in the invoke's answer, the submission records the
//! refusal and replaces the card, and the manager is told in the channel they asked in; a
//! member's Accept is refused, an admin's proposes the module.

use serde_json::{Value, json};

use cadence::domain::Platform;
use cadence::domain::settings::WorkspaceSettings;
use cadence::store::Store;

use crate::teams::{RETRO, TENANT, Teams, start, verbs};
use crate::teams_budgets::{LD, press};

/// The commission card as posted to L&D's channel, once the connector has it.
async fn commission_card(t: &Teams, nth: usize) -> Value {
    t.app.drain().await;
    let calls =
        t.bf.wait_until(std::time::Duration::from_secs(15), |calls| {
            calls
                .iter()
                .filter(|c| {
                    c.conversation_id == LD
                        && c.method == "POST"
                        && c.body.to_string().contains("Module commission")
                })
                .count()
                >= nth
        })
        .await;
    let posted: Vec<_> = calls
        .iter()
        .filter(|c| {
            c.conversation_id == LD
                && c.method == "POST"
                && c.body.to_string().contains("Module commission")
        })
        .collect();
    posted[nth - 1].body["attachments"][0]["content"].clone()
}

crate::for_each_database! {
    a_commission_is_declined_with_a_reason_and_another_accepted_in_teams(db) {
        let Some(t) = start(db, None).await else { return };
        t.atlas().await;
        let store = Store::connect(&t.app.db.url).await.expect("store");
        let tenant = store.tenant(Platform::Teams, TENANT, chrono::Utc::now()).await.expect("tenant");
        let settings = WorkspaceSettings { ld_channel: Some(LD.to_owned()), ..Default::default() };
        store.save_settings(tenant, &settings, chrono::Utc::now()).await.expect("settings");
        store.close().await;

        // L&D looks at the settings from its own channel, which Cadence then knows how to reach.
        let seen = t.message("UADMIN", LD, "settings", &[]);
        assert_eq!(t.send(&seen).await.status(), 200);
        t.wait_calls(3).await;

        let ask = t.message("UALICE", RETRO, "commission \"Pricing drills\" budget 300", &[]);
        assert_eq!(t.send(&ask).await.status(), 200);
        t.app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'commission'", 1).await;
        let card = commission_card(&t, 1).await;
        let decline = verbs(&card).into_iter().find(|v| v.starts_with("decline_commission:")).expect("Decline");
        assert!(verbs(&card).iter().any(|v| v.starts_with("accept_commission:")), "{card}");
        assert!(verbs(&card).iter().any(|v| v.starts_with("revise_commission:")), "{card}");

        // Decline opens a form in the invoke's answer; its submission records the refusal.
        let form: Value = t.send(&press(&t, "UADMIN", &decline, "commission-card-1")).await.json().await.expect("invoke response");
        assert_eq!(form["type"], "application/vnd.microsoft.card.adaptive", "{form}");
        assert!(form["value"].to_string().contains("Why not?"), "{form}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'decline_commission'").await, 0);
        let mut submit = t.execute("UADMIN", &decline, json!({ "reason": "The library covers it" }), "commission-card-1");
        submit["conversation"]["id"] = json!(LD);
        submit["channelData"]["channel"]["id"] = json!(LD);
        let answer: Value = t.send(&submit).await.json().await.expect("invoke response");
        assert!(answer["value"].to_string().contains("Declined by"), "{answer}");
        assert!(answer["value"].to_string().contains("The library covers it"), "{answer}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'decline_commission' AND source = 'card'").await, 1);
        assert_eq!(t.app.count("SELECT COUNT(*) FROM modules").await, 0);
        t.app.drain().await;
        let calls = t.bf.wait_until(std::time::Duration::from_secs(15), |calls| {
            calls.iter().any(|c| c.conversation_id == RETRO && c.body.to_string().contains("declined your commission"))
        }).await;
        assert!(calls.iter().any(|c| c.method == "PUT" && c.activity_id.as_deref() == Some("commission-card-1")), "{calls:?}");

        // A second commission, accepted: the module is proposed.
        let ask = t.message("UALICE", RETRO, "commission \"Objection handling\"", &[]);
        assert_eq!(t.send(&ask).await.status(), 200);
        let card = commission_card(&t, 2).await;
        let accept = verbs(&card).into_iter().find(|v| v.starts_with("accept_commission:")).expect("Accept");
        let refused: Value = t.send(&press(&t, "UBOB", &accept, "commission-card-2")).await.json().await.expect("invoke response");
        assert!(refused["value"].as_str().is_some_and(|v| v.contains("Only workspace admins")), "{refused}");
        let answer: Value = t.send(&press(&t, "UADMIN", &accept, "commission-card-2")).await.json().await.expect("invoke response");
        assert!(answer["value"].to_string().contains("Accepted by"), "{answer}");
        assert_eq!(t.app.count("SELECT COUNT(*) FROM modules WHERE status = 'proposed'").await, 1);
    }
}
