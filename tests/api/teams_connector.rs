//! The Bot Framework connector client against the loopback stand-in: its token cache, its one
//! refresh on a 401, its classification of failures, and the URLs it builds.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use cadence::domain::clock::ManualClock;
use cadence::platform::SendError;
use cadence::platform::teams::connector::TeamsConnector;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::teams_standin::{APP_ID, APP_PASSWORD, Scripted, TeamsStandIn};

/// A Teams channel thread id: `:`, `@` and `;` all appear.
const CHANNEL_THREAD: &str = "19:a1b2c3@thread.tacv2;messageid=1712345678901";

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-03-04T09:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

async fn setup() -> (TeamsStandIn, TeamsConnector, Arc<ManualClock>) {
    let standin = TeamsStandIn::start().await;
    let clock = Arc::new(ManualClock::new(start()));
    let connector = TeamsConnector::new(
        standin.connector_config(),
        reqwest::Client::new(),
        clock.clone(),
    );
    (standin, connector, clock)
}

fn message(text: &str) -> serde_json::Value {
    json!({ "type": "message", "text": text })
}

#[tokio::test]
async fn one_token_serves_many_sends_even_when_they_race() {
    let (standin, connector, _clock) = setup().await;
    let url = standin.service_url();
    let bodies: Vec<_> = ["a", "b", "c", "d"].map(message).into();
    let (a, b, c, d) = tokio::join!(
        connector.send(&url, "a:conversation", &bodies[0]),
        connector.send(&url, "a:conversation", &bodies[1]),
        connector.send(&url, "a:conversation", &bodies[2]),
        connector.send(&url, "a:conversation", &bodies[3]),
    );
    let mut ids = vec![a.expect("a"), b.expect("b"), c.expect("c"), d.expect("d")];
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "each post has its own id");

    let requests = standin.token_requests();
    assert_eq!(requests.len(), 1, "one token fetch for four sends");
    let form = &requests[0];
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], APP_ID);
    assert_eq!(form["client_secret"], APP_PASSWORD);
    assert_eq!(form["scope"], "https://api.botframework.com/.default");

    let issued = standin.issued_tokens();
    let calls = standin.calls();
    assert_eq!(calls.len(), 4);
    for call in &calls {
        assert_eq!(call.bearer, issued[0]);
        assert_eq!(call.method, "POST");
        assert_eq!(call.conversation_id, "a:conversation");
        assert_eq!(call.activity_id, None);
    }
}

#[tokio::test]
async fn the_token_is_replaced_five_minutes_before_it_expires() {
    let (standin, connector, clock) = setup().await;
    standin.set_expires_in(3600);
    let url = standin.service_url();
    connector
        .send(&url, "c", &message("1"))
        .await
        .expect("send");
    clock.advance(Duration::minutes(54));
    connector
        .send(&url, "c", &message("2"))
        .await
        .expect("send");
    assert_eq!(standin.token_requests().len(), 1);
    clock.advance(Duration::minutes(2));
    connector
        .send(&url, "c", &message("3"))
        .await
        .expect("send");
    assert_eq!(standin.token_requests().len(), 2);

    let issued = standin.issued_tokens();
    let bearers: Vec<String> = standin.calls().into_iter().map(|c| c.bearer).collect();
    assert_eq!(
        bearers,
        vec![issued[0].clone(), issued[0].clone(), issued[1].clone()]
    );
}

#[tokio::test]
async fn a_401_fetches_a_new_token_once_and_retries() {
    let (standin, connector, _clock) = setup().await;
    let url = standin.service_url();
    connector
        .send(&url, "c", &message("warm"))
        .await
        .expect("send");
    standin.script([Scripted::Status(401)]);
    let id = connector
        .send(&url, "c", &message("after 401"))
        .await
        .expect("send");
    assert!(!id.is_empty());

    let issued = standin.issued_tokens();
    assert_eq!(issued.len(), 2);
    let calls = standin.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[1].bearer, issued[0]);
    assert_eq!(calls[2].bearer, issued[1]);
    assert_eq!(calls[2].body, message("after 401"));

    // The new token is cached for later sends.
    connector
        .send(&url, "c", &message("later"))
        .await
        .expect("send");
    assert_eq!(standin.token_requests().len(), 2);
}

#[tokio::test]
async fn a_second_401_is_permanent() {
    let (standin, connector, _clock) = setup().await;
    standin.script([Scripted::Status(401), Scripted::Status(401)]);
    let error = connector
        .send(&standin.service_url(), "c", &message("x"))
        .await
        .expect_err("refused twice");
    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");
    assert_eq!(standin.token_requests().len(), 2);
    assert_eq!(standin.calls().len(), 2);
    for token in standin.issued_tokens() {
        assert!(!error.to_string().contains(&token));
    }
}

#[tokio::test]
async fn a_429_is_retried_after_the_connectors_retry_after() {
    let (standin, connector, _clock) = setup().await;
    standin.script([Scripted::RateLimited(7)]);
    let error = connector
        .send(&standin.service_url(), "c", &message("x"))
        .await
        .expect_err("rate limited");
    match error {
        SendError::Retry { after, .. } => assert_eq!(after, Some(StdDuration::from_secs(7))),
        other => panic!("expected a retry, got {other:?}"),
    }
}

#[tokio::test]
async fn server_errors_are_retried_and_client_errors_are_not() {
    let (standin, connector, _clock) = setup().await;
    let url = standin.service_url();
    standin.script([Scripted::Status(500), Scripted::Status(503)]);
    for _ in 0..2 {
        let error = connector
            .send(&url, "c", &message("x"))
            .await
            .expect_err("5xx");
        assert!(
            matches!(error, SendError::Retry { after: None, .. }),
            "{error:?}"
        );
    }
    for status in [400, 403, 404] {
        standin.script([Scripted::Status(status)]);
        let error = connector
            .send(&url, "c", &message("x"))
            .await
            .expect_err("4xx");
        assert!(
            matches!(error, SendError::Permanent(_)),
            "{status}: {error:?}"
        );
    }
    assert_eq!(
        standin.token_requests().len(),
        1,
        "no refresh for other errors"
    );
}

#[tokio::test]
async fn conversation_ids_are_percent_encoded_in_the_path() {
    let (standin, connector, _clock) = setup().await;
    connector
        .send(&standin.service_url(), CHANNEL_THREAD, &message("x"))
        .await
        .expect("send");
    let call = &standin.calls()[0];
    assert_eq!(call.conversation_id, CHANNEL_THREAD);
    assert_eq!(
        call.path,
        "/amer/v3/conversations/19%3Aa1b2c3%40thread.tacv2%3Bmessageid%3D1712345678901/activities"
    );
}

#[tokio::test]
async fn the_service_url_joins_with_or_without_a_trailing_slash() {
    let (standin, connector, _clock) = setup().await;
    let with_slash = standin.service_url();
    let without = with_slash.trim_end_matches('/');
    connector
        .send(&with_slash, "c", &message("1"))
        .await
        .expect("send");
    connector
        .send(without, "c", &message("2"))
        .await
        .expect("send");
    let paths: Vec<String> = standin.calls().into_iter().map(|c| c.path).collect();
    assert_eq!(
        paths,
        vec![
            "/amer/v3/conversations/c/activities",
            "/amer/v3/conversations/c/activities"
        ]
    );
}

#[tokio::test]
async fn replies_post_to_the_activity_they_answer() {
    let (standin, connector, _clock) = setup().await;
    let id = connector
        .reply(
            &standin.service_url(),
            CHANNEL_THREAD,
            "1:root-activity",
            &message("re"),
        )
        .await
        .expect("reply");
    assert!(!id.is_empty());
    let call = &standin.calls()[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.conversation_id, CHANNEL_THREAD);
    assert_eq!(call.activity_id.as_deref(), Some("1:root-activity"));
    assert!(
        call.path.ends_with("/activities/1%3Aroot-activity"),
        "{}",
        call.path
    );
    assert_eq!(call.body, message("re"));
}

#[tokio::test]
async fn updates_put_the_new_activity_in_place() {
    let (standin, connector, _clock) = setup().await;
    let url = standin.service_url();
    let id = connector
        .send(&url, CHANNEL_THREAD, &message("v1"))
        .await
        .expect("send");
    let mut v2 = message("v2");
    v2["id"] = json!(id);
    connector
        .update(&url, CHANNEL_THREAD, &id, &v2)
        .await
        .expect("update");
    let call = &standin.calls()[1];
    assert_eq!(call.method, "PUT");
    assert_eq!(call.conversation_id, CHANNEL_THREAD);
    assert_eq!(call.activity_id.as_deref(), Some(id.as_str()));
    assert_eq!(call.body, v2);
}

#[tokio::test]
async fn token_endpoint_failures_are_classified_without_leaking_the_secret() {
    let (standin, connector, _clock) = setup().await;
    let url = standin.service_url();

    standin.script_token([Scripted::Status(500)]);
    let error = connector
        .send(&url, "c", &message("x"))
        .await
        .expect_err("5xx");
    assert!(matches!(error, SendError::Retry { .. }), "{error:?}");

    standin.script_token([Scripted::RateLimited(30)]);
    let error = connector
        .send(&url, "c", &message("x"))
        .await
        .expect_err("429");
    assert!(
        matches!(error, SendError::Retry { after: Some(d), .. } if d == StdDuration::from_secs(30)),
        "{error:?}"
    );

    standin.script_token([Scripted::Status(400)]);
    let error = connector
        .send(&url, "c", &message("x"))
        .await
        .expect_err("400");
    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert!(!error.to_string().contains(APP_PASSWORD));
    assert!(!format!("{connector:?}").contains(APP_PASSWORD));
    assert!(standin.calls().is_empty(), "nothing sent without a token");

    // The next send gets a token and goes through.
    connector
        .send(&url, "c", &message("x"))
        .await
        .expect("send");

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let mut config = standin.connector_config();
    config.token_url = format!("http://127.0.0.1:{port}/token");
    let clock = Arc::new(ManualClock::new(start()));
    let unreachable = TeamsConnector::new(config, reqwest::Client::new(), clock);
    let error = unreachable
        .send(&url, "c", &message("x"))
        .await
        .expect_err("down");
    assert!(matches!(error, SendError::Retry { .. }), "{error:?}");
}
