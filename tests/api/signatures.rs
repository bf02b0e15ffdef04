//! A request that is not signed by Slack, or signed too long ago, is refused and writes nothing.

use crate::helpers::{SECRET, command_body};
use crate::on_both_databases;
use cadence::inbound::slack::signature::sign;

on_both_databases! {
    bad_signatures_are_refused_and_record_nothing(app) {
        let body = command_body("T9", "CATLAS", "UADMIN", "team create Atlas");
        let now = chrono::Utc::now().timestamp();
        let good = sign(SECRET, now, body.as_bytes());
        let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
            ("no headers", vec![]),
            ("no signature", vec![("x-slack-request-timestamp", now.to_string())]),
            ("no timestamp", vec![("x-slack-signature", good.clone())]),
            ("wrong secret", vec![
                ("x-slack-request-timestamp", now.to_string()),
                ("x-slack-signature", sign("not-the-secret", now, body.as_bytes())),
            ]),
            ("tampered signature", vec![
                ("x-slack-request-timestamp", now.to_string()),
                ("x-slack-signature", tampered(&good)),
            ]),
            ("stale by six minutes", vec![
                ("x-slack-request-timestamp", (now - 360).to_string()),
                ("x-slack-signature", sign(SECRET, now - 360, body.as_bytes())),
            ]),
            ("from the future", vec![
                ("x-slack-request-timestamp", (now + 360).to_string()),
                ("x-slack-signature", sign(SECRET, now + 360, body.as_bytes())),
            ]),
            ("garbage timestamp", vec![
                ("x-slack-request-timestamp", "soon".to_owned()),
                ("x-slack-signature", good.clone()),
            ]),
        ];
        for (case, headers) in cases {
            let response = app.post("/slack/commands", &headers, &body).await;
            assert_eq!(response.status(), 401, "{case}");
        }
        // Signed for one body, sent with another.
        let other = command_body("T9", "CATLAS", "UADMIN", "team create Evil");
        let headers = [("x-slack-request-timestamp", now.to_string()), ("x-slack-signature", good)];
        assert_eq!(app.post("/slack/commands", &headers, &other).await.status(), 401);

        // Nothing about workspace T9 was written: not even its tenant row.
        assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM people").await, 0);
    }

    the_same_request_signed_correctly_is_accepted(app) {
        let answer = app.command_in("T9", "CATLAS", "UADMIN", "team create Atlas").await;
        assert_eq!(answer.status, 200);
        assert!(answer.text.contains("Created team *Atlas*"), "{}", answer.text);
    }
}

/// `signature` with one hex digit changed (always a change, whatever the digit was).
fn tampered(signature: &str) -> String {
    let mut chars: Vec<char> = signature.chars().collect();
    chars[5] = if chars[5] == '0' { '1' } else { '0' };
    chars.into_iter().collect()
}

#[tokio::test]
async fn without_a_signing_secret_slack_routes_refuse_everything() {
    let db = crate::helpers::TestDb::new(crate::helpers::Db::Sqlite)
        .await
        .expect("db");
    let server = cadence::app::Server::start(
        cadence::config::Config::for_database(&db.url),
        std::sync::Arc::new(cadence::domain::clock::SystemClock),
    )
    .await
    .expect("server");
    let body = command_body("T1", "CATLAS", "UADMIN", "team create Atlas");
    let now = chrono::Utc::now().timestamp();
    let response = reqwest::Client::new()
        .post(format!("http://{}/slack/commands", server.addr()))
        .header("x-slack-request-timestamp", now.to_string())
        .header("x-slack-signature", sign(SECRET, now, body.as_bytes()))
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    server.stop().await;
}
