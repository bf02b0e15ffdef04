//! The Slack Events API: URL verification, and retries acknowledged without acting twice.

use cadence::inbound::slack::signature::sign;
use serde_json::json;

use crate::helpers::SECRET;
use crate::on_both_databases;

fn signed(body: &str) -> Vec<(&'static str, String)> {
    let ts = chrono::Utc::now().timestamp();
    vec![
        ("x-slack-request-timestamp", ts.to_string()),
        ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
        ("content-type", "application/json".to_owned()),
    ]
}

on_both_databases! {
    answers_url_verification_with_the_challenge(app) {
        let body = json!({ "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification" }).to_string();
        let response = app.post("/slack/events", &signed(&body), &body).await;
        assert_eq!(response.status(), 200);
        let answer: serde_json::Value = response.json().await.expect("json");
        assert_eq!(answer["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    retried_events_are_acknowledged_once(app) {
        let body = json!({
            "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event": { "type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home" },
            "event_id": "Ev0PV52K21", "event_time": 1700000000,
            "authorizations": [ { "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false } ]
        })
        .to_string();
        for retry in 0..3 {
            let mut headers = signed(&body);
            if retry > 0 {
                headers.push(("x-slack-retry-num", retry.to_string()));
                headers.push(("x-slack-retry-reason", "http_timeout".to_owned()));
            }
            assert_eq!(app.post("/slack/events", &headers, &body).await.status(), 200);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_events WHERE event_id = 'Ev0PV52K21'").await, 1);
    }

    unsigned_events_are_refused(app) {
        let body = json!({ "type": "url_verification", "challenge": "x" }).to_string();
        let headers = [("x-slack-request-timestamp", chrono::Utc::now().timestamp().to_string()), ("x-slack-signature", "v0=00".to_owned())];
        assert_eq!(app.post("/slack/events", &headers, &body).await.status(), 401);
        let malformed = "not json";
        assert_eq!(app.post("/slack/events", &signed(malformed), malformed).await.status(), 400);
    }
}
