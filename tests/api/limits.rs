//! Limits every path holds to: learning hours per person and week, NUL bytes in free text,
//! the size of an interaction, and commands that must reveal or write nothing.

use crate::decisions::atlas;
use crate::helpers::{SECRET, at};
use crate::on_both_databases;
use cadence::inbound::slack::signature::sign;

on_both_databases! {
    a_person_gets_at_most_forty_learning_hours_a_week(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        let first = app.command("UALICE", &format!("hours {bob} 30 week 2026-11-23")).await;
        assert!(first.text.contains("Allocated 30 learning hours"), "{}", first.text);
        let over = app.command("UALICE", &format!("hours {bob} 15 week 2026-11-23")).await;
        assert!(over.text.contains("already has 30 learning hours") && over.text.contains("10 remain"), "{}", over.text);
        let fits = app.command("UALICE", &format!("hours {bob} 10 week 2026-11-23")).await;
        assert!(fits.text.contains("Allocated 10 learning hours"), "{}", fits.text);
        let full = app.command("UALICE", &format!("hours {bob} 0.5 week 2026-11-23")).await;
        assert!(full.text.contains("0 remain"), "{}", full.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'hours'").await, 2);
        // The next week starts afresh.
        let next = app.command("UALICE", &format!("hours {bob} 40 week 2026-11-30")).await;
        assert!(next.text.contains("Allocated 40 learning hours"), "{}", next.text);
    }

    nul_bytes_are_refused_in_free_text_and_names(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        let note = app.command("UALICE", &format!("coach {bob} \"run EBR\" \"before\u{0}after\"")).await;
        assert!(note.text.contains("Nothing was recorded"), "{}", note.text);
        let name = app.command("UADMIN", "capability add \"pricing\u{0} talk\"").await;
        assert!(name.text.contains("Nothing was"), "{}", name.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'coach'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM capabilities WHERE name LIKE 'pricing%'").await, 0);
    }

    help_from_an_unknown_workspace_writes_nothing(app) {
        let answer = app.command_in("TSTRANGER", "CX", "USTRANGER", "help").await;
        assert_eq!(answer.status, 200);
        assert!(!answer.text.is_empty());
        assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
    }

    interactions_carry_whole_views_up_to_a_mebibyte(app) {
        // A submitted QBR form carries its whole view (selects of up to 100 options each),
        // form-encoded: well past the 64 KiB other routes accept.
        let options: Vec<serde_json::Value> = (0..300)
            .map(|n| serde_json::json!({ "text": { "type": "plain_text", "text": format!("capability number {n:03} with a long name") }, "value": format!("{n}{}", "v".repeat(120)) }))
            .collect();
        let payload = serde_json::json!({
            "type": "view_closed",
            "team": { "id": "T1" }, "user": { "id": "UALICE", "team_id": "T1" },
            "view": { "id": "V1", "type": "modal", "blocks": [{ "type": "input", "element": { "type": "static_select", "options": options } }] }
        });
        let send = |payload: String| {
            let body = serde_urlencoded::to_string([("payload", payload)]).expect("form");
            let ts = chrono::Utc::now().timestamp();
            let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", sign(SECRET, ts, body.as_bytes()))];
            (headers, body)
        };
        let (headers, body) = send(payload.to_string());
        assert!(body.len() > 64 * 1024, "{} bytes", body.len());
        assert_eq!(app.post("/slack/interactions", &headers, &body).await.status(), 200);
        let (headers, body) = send(format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024)));
        assert_eq!(app.post("/slack/interactions", &headers, &body).await.status(), 413);
    }
}
