//! Jira Cloud sprint webhooks. Webhooks an admin registers with a secret are signed
//! `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`; each delivery carries
//! `X-Atlassian-Webhook-Identifier`, unique per delivery and stable across retries, which is the
//! dedupe key. Webhooks registered by Connect/Forge apps are not signed: with no secret to check
//! they are refused like any unsigned request.
//!
//! Cadence acts on `sprint_started` and `sprint_closed`; `sprint_created`, `sprint_updated`,
//! `sprint_deleted` and every other event are acknowledged and ignored.
//! <https://developer.atlassian.com/cloud/jira/platform/webhooks/>
//!
//! Attributes of the event: `board` (the sprint's `originBoardId`, when present), `sprint` (its
//! id), `name`, and `goal` when the sprint has one.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    HookError, Parsed, Verified, delivery_id, from_millis, id_text, parse_json, parse_time,
    required_id, required_text, text, verify_body_mac,
};
use crate::domain::event::{Source, SourceEvent};

/// The header carrying `sha256=<hex HMAC-SHA256(secret, raw body)>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";
/// The header carrying the delivery's id, stable across retries: the dedupe key.
pub const DELIVERY_HEADER: &str = "x-atlassian-webhook-identifier";

const SOURCE: &str = "Jira";

/// Verifies a Jira webhook delivery on its raw bytes, then normalises it.
pub fn receive(
    secret: Option<&[u8]>,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, HookError> {
    verify_body_mac(secret, SOURCE, headers, body, SIGNATURE_HEADER, "sha256=")?;
    let delivery_id = delivery_id(headers, DELIVERY_HEADER)?;
    let payload = parse_json(body, SOURCE)?;
    let parsed = normalise(&payload, now)?;
    Ok(Verified {
        delivery_id,
        parsed,
    })
}

fn normalise(payload: &Value, now: DateTime<Utc>) -> Result<Parsed, HookError> {
    let event = required_text(payload, "/webhookEvent", SOURCE)?;
    // When it happened: the sprint's own date for the change, else the webhook's timestamp.
    let date_field = match event {
        "sprint_started" => "/sprint/startDate",
        "sprint_closed" => "/sprint/completeDate",
        other => {
            return Ok(Parsed::Ignored(format!(
                "Jira {other} is not an event Cadence acts on"
            )));
        }
    };
    let id = required_id(payload, "/sprint/id", SOURCE)?;
    let name = required_text(payload, "/sprint/name", SOURCE)?;
    let mut attributes = BTreeMap::from([
        ("sprint".to_owned(), id.clone()),
        ("name".to_owned(), name.to_owned()),
    ]);
    if let Some(board) = id_text(payload, "/sprint/originBoardId") {
        attributes.insert("board".to_owned(), board);
    }
    if let Some(goal) = text(payload, "/sprint/goal") {
        attributes.insert("goal".to_owned(), goal.to_owned());
    }
    let at = text(payload, date_field)
        .and_then(parse_time)
        .or_else(|| from_millis(payload.get("timestamp")))
        .unwrap_or(now);
    Ok(Parsed::Event(SourceEvent {
        source: Source::Jira,
        name: event.to_owned(),
        subject: format!("sprint:{id}"),
        title: name.to_owned(),
        attributes,
        at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::hooks::test_headers;
    use crate::inbound::verify::hmac_sha256_hex;
    use chrono::TimeZone;

    const SECRET: &[u8] = b"jira-webhook-secret";
    const DELIVERY: &str = "d9f9a1c2-4b7e-4f7a-9a43-2d6b5f0e1c11";
    // platforms.md, verbatim.
    const SPRINT_CLOSED: &str = r#"{"timestamp":1763974633000,"webhookEvent":"sprint_closed","sprint":{"id":37,"self":"https://acme.atlassian.net/rest/agile/1.0/sprint/37","state":"closed","name":"ATL Sprint 42","startDate":"2026-11-10T09:00:00.000Z","endDate":"2026-11-24T09:00:00.000Z","completeDate":"2026-11-24T08:57:13.542Z","createdDate":"2026-11-03T10:00:00.000Z","originBoardId":12,"goal":"Checkout v2"}}"#;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
    }

    fn signed(body: &str) -> HeaderMap {
        let signature = format!("sha256={}", hmac_sha256_hex(SECRET, &[body.as_bytes()]));
        test_headers(&[(SIGNATURE_HEADER, &signature), (DELIVERY_HEADER, DELIVERY)])
    }

    fn normalised(body: &str) -> SourceEvent {
        let verified = receive(Some(SECRET), &signed(body), body.as_bytes(), now()).unwrap();
        assert_eq!(verified.delivery_id, DELIVERY);
        match verified.parsed {
            Parsed::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn normalises_platforms_sprint_closed_example() {
        let event = normalised(SPRINT_CLOSED);
        let completed = Utc.with_ymd_and_hms(2026, 11, 24, 8, 57, 13).unwrap()
            + chrono::Duration::milliseconds(542);
        assert_eq!(
            event,
            SourceEvent {
                source: Source::Jira,
                name: "sprint_closed".into(),
                subject: "sprint:37".into(),
                title: "ATL Sprint 42".into(),
                attributes: BTreeMap::from([
                    ("board".to_owned(), "12".to_owned()),
                    ("sprint".to_owned(), "37".to_owned()),
                    ("name".to_owned(), "ATL Sprint 42".to_owned()),
                    ("goal".to_owned(), "Checkout v2".to_owned()),
                ]),
                at: completed,
            }
        );
    }

    #[test]
    fn sprint_started_takes_the_start_date() {
        let body = SPRINT_CLOSED.replace("sprint_closed", "sprint_started");
        let event = normalised(&body);
        assert_eq!(event.name, "sprint_started");
        assert_eq!(event.subject, "sprint:37");
        assert_eq!(
            event.at,
            Utc.with_ymd_and_hms(2026, 11, 10, 9, 0, 0).unwrap()
        );
    }

    #[test]
    fn falls_back_to_the_webhook_timestamp_then_now() {
        let body = r#"{"timestamp":1763974633000,"webhookEvent":"sprint_closed","sprint":{"id":37,"name":"S","completeDate":"soon"}}"#;
        let event = normalised(body);
        assert_eq!(
            event.at,
            DateTime::from_timestamp_millis(1763974633000).unwrap()
        );
        // No board, no goal: the attributes say only what the payload says.
        assert_eq!(
            event.attributes.keys().collect::<Vec<_>>(),
            vec!["name", "sprint"]
        );
        let body = r#"{"webhookEvent":"sprint_closed","sprint":{"id":"37","name":"S","goal":""}}"#;
        let event = normalised(body);
        assert_eq!(event.at, now());
        assert_eq!(event.subject, "sprint:37");
        assert!(!event.attributes.contains_key("goal"));
    }

    #[test]
    fn ignores_other_sprint_events_and_other_events() {
        for name in [
            "sprint_created",
            "sprint_updated",
            "sprint_deleted",
            "jira:issue_updated",
        ] {
            let body = SPRINT_CLOSED.replace("sprint_closed", name);
            let verified = receive(Some(SECRET), &signed(&body), body.as_bytes(), now()).unwrap();
            match verified.parsed {
                Parsed::Ignored(why) => assert!(why.contains(name), "{why}"),
                other => panic!("{name}: expected ignored, got {other:?}"),
            }
        }
    }

    #[test]
    fn refuses_wrong_secret_tampered_body_and_bad_signature_headers() {
        let headers = signed(SPRINT_CLOSED);
        let wrong = receive(
            Some(b"another secret"),
            &headers,
            SPRINT_CLOSED.as_bytes(),
            now(),
        );
        assert!(
            matches!(wrong, Err(HookError::Unauthorised(_))),
            "{wrong:?}"
        );
        let tampered = SPRINT_CLOSED.replace("ATL Sprint 42", "ATL Sprint 43");
        let tampered = receive(Some(SECRET), &headers, tampered.as_bytes(), now());
        assert!(
            matches!(tampered, Err(HookError::Unauthorised(_))),
            "{tampered:?}"
        );

        let hex = hmac_sha256_hex(SECRET, &[SPRINT_CLOSED.as_bytes()]);
        for bad in [
            hex.clone(),
            format!("sha1={hex}"),
            format!("sha256={}", &hex[..60]),
        ] {
            let headers = test_headers(&[(SIGNATURE_HEADER, &bad), (DELIVERY_HEADER, DELIVERY)]);
            let result = receive(Some(SECRET), &headers, SPRINT_CLOSED.as_bytes(), now());
            assert!(
                matches!(result, Err(HookError::Unauthorised(_))),
                "{bad}: {result:?}"
            );
        }
    }

    #[test]
    fn refuses_missing_signature_and_missing_secret() {
        let headers = test_headers(&[(DELIVERY_HEADER, DELIVERY)]);
        assert_eq!(
            receive(Some(SECRET), &headers, SPRINT_CLOSED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-hub-signature header".into()
            ))
        );
        assert_eq!(
            receive(
                None,
                &signed(SPRINT_CLOSED),
                SPRINT_CLOSED.as_bytes(),
                now()
            ),
            Err(HookError::Unauthorised(
                "Jira webhook secret is not configured".into()
            ))
        );
    }

    #[test]
    fn errors_never_reveal_the_expected_mac_or_the_secret() {
        let headers = test_headers(&[(SIGNATURE_HEADER, "sha256=00"), (DELIVERY_HEADER, DELIVERY)]);
        let err = receive(Some(SECRET), &headers, SPRINT_CLOSED.as_bytes(), now()).unwrap_err();
        let message = err.to_string();
        let expected = hmac_sha256_hex(SECRET, &[SPRINT_CLOSED.as_bytes()]);
        assert!(!message.contains(&expected), "{message}");
        assert!(!message.contains("jira-webhook-secret"), "{message}");
    }

    #[test]
    fn a_signed_delivery_without_an_identifier_is_malformed() {
        let signature = format!(
            "sha256={}",
            hmac_sha256_hex(SECRET, &[SPRINT_CLOSED.as_bytes()])
        );
        let headers = test_headers(&[(SIGNATURE_HEADER, &signature)]);
        assert_eq!(
            receive(Some(SECRET), &headers, SPRINT_CLOSED.as_bytes(), now()),
            Err(HookError::Malformed(
                "missing x-atlassian-webhook-identifier header".into()
            ))
        );
    }

    #[test]
    fn signed_but_unreadable_bodies_are_malformed() {
        for body in [
            "not json",
            "{}",
            r#"{"webhookEvent":"sprint_closed"}"#,
            r#"{"webhookEvent":"sprint_closed","sprint":{"id":37}}"#,
            r#"{"webhookEvent":"sprint_closed","sprint":{"id":null,"name":"S"}}"#,
            r#"{"webhookEvent":7}"#,
            "[]",
        ] {
            let result = receive(Some(SECRET), &signed(body), body.as_bytes(), now());
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{body}: {result:?}"
            );
        }
    }
}
