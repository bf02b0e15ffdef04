//! Probes and request limits.

use crate::helpers::{SECRET, at, command_body};
use crate::on_both_databases;
use cadence::inbound::slack::signature::sign;

on_both_databases! {
    probes_answer(app) {
        let client = reqwest::Client::new();
        let health = client.get(format!("{}/healthz", app.base)).send().await.expect("healthz");
        assert_eq!(health.status(), 200);
        let ready = client.get(format!("{}/readyz", app.base)).send().await.expect("readyz");
        assert_eq!(ready.status(), 200);
        assert_eq!(ready.text().await.expect("body"), "ready\n");
    }

    oversized_bodies_are_refused_before_anything_runs(app) {
        let text = format!("gap {} \"{}\"", at("UBOB"), "x".repeat(70 * 1024));
        let body = command_body("T1", "CATLAS", "UADMIN", &text);
        let ts = chrono::Utc::now().timestamp();
        let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", sign(SECRET, ts, body.as_bytes()))];
        let response = app.post("/slack/commands", &headers, &body).await;
        assert_eq!(response.status(), 413);
    }

    signed_but_malformed_forms_get_a_clear_400(app) {
        let body = "user_id=U1&text=me";
        let ts = chrono::Utc::now().timestamp();
        let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", sign(SECRET, ts, body.as_bytes()))];
        let response = app.post("/slack/commands", &headers, body).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.expect("body").contains("team_id"));
    }
}
