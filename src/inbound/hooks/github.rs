//! GitHub milestone webhooks. Every delivery is signed
//! `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`, names its event in
//! `X-GitHub-Event`, and carries a GUID in `X-GitHub-Delivery` that a redelivery keeps: the
//! dedupe key. The legacy SHA-1 `X-Hub-Signature` is not accepted.
//! <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>
//!
//! Cadence acts on `milestone` with `action: "closed"` (event `milestone_closed`); `ping` (sent
//! when the hook is created), other milestone actions and other events are acknowledged and
//! ignored. Attributes: `repo` (`owner/name`), `milestone` (its number) and `title`.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    HookError, Parsed, Verified, delivery_id, header, parse_json, parse_time, required_id,
    required_text, text, verify_body_mac,
};
use crate::domain::event::{Source, SourceEvent};

/// The header carrying `sha256=<hex HMAC-SHA256(secret, raw body)>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The header naming the event (`milestone`, `ping`, …).
pub const EVENT_HEADER: &str = "x-github-event";
/// The header carrying the delivery's GUID: the dedupe key.
pub const DELIVERY_HEADER: &str = "x-github-delivery";

const SOURCE: &str = "GitHub";

/// Verifies a GitHub webhook delivery on its raw bytes, then normalises it.
pub fn receive(
    secret: Option<&[u8]>,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, HookError> {
    verify_body_mac(secret, SOURCE, headers, body, SIGNATURE_HEADER, "sha256=")?;
    let delivery_id = delivery_id(headers, DELIVERY_HEADER)?;
    let event = header(headers, EVENT_HEADER)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| HookError::Malformed(format!("missing {EVENT_HEADER} header")))?;
    let payload = parse_json(body, SOURCE)?;
    let parsed = normalise(event, &payload, now)?;
    Ok(Verified {
        delivery_id,
        parsed,
    })
}

fn normalise(event: &str, payload: &Value, now: DateTime<Utc>) -> Result<Parsed, HookError> {
    match event {
        "ping" => return Ok(Parsed::Ignored("ping".to_owned())),
        "milestone" => {}
        other => {
            return Ok(Parsed::Ignored(format!(
                "GitHub {other} events are not ones Cadence acts on"
            )));
        }
    }
    let action = required_text(payload, "/action", SOURCE)?;
    if action != "closed" {
        return Ok(Parsed::Ignored(format!("GitHub milestone {action}")));
    }
    let repo = required_text(payload, "/repository/full_name", SOURCE)?;
    let number = required_id(payload, "/milestone/number", SOURCE)?;
    let title = required_text(payload, "/milestone/title", SOURCE)?;
    let at = text(payload, "/milestone/closed_at")
        .and_then(parse_time)
        .unwrap_or(now);
    Ok(Parsed::Event(SourceEvent {
        source: Source::Github,
        name: "milestone_closed".to_owned(),
        subject: format!("milestone:{repo}#{number}"),
        title: title.to_owned(),
        attributes: BTreeMap::from([
            ("repo".to_owned(), repo.to_owned()),
            ("milestone".to_owned(), number),
            ("title".to_owned(), title.to_owned()),
        ]),
        at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::hooks::test_headers;
    use crate::inbound::verify::hmac_sha256_hex;
    use chrono::TimeZone;

    const SECRET: &[u8] = b"github-webhook-secret";
    const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    // A `milestone` `closed` delivery with the fields platforms.md lists.
    const MILESTONE_CLOSED: &str = r#"{"action":"closed","milestone":{"url":"https://api.github.com/repos/acme/checkout/milestones/4","id":11223344,"number":4,"title":"v2.0","description":"Checkout v2","state":"closed","open_issues":0,"closed_issues":17,"created_at":"2026-10-01T09:00:00Z","updated_at":"2026-11-24T10:15:00Z","due_on":"2026-11-24T08:00:00Z","closed_at":"2026-11-24T10:15:00Z"},"repository":{"id":5566,"name":"checkout","full_name":"acme/checkout","private":true},"sender":{"login":"octocat","id":1}}"#;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 16, 0).unwrap()
    }

    fn signed(event: &str, body: &str) -> HeaderMap {
        let signature = format!("sha256={}", hmac_sha256_hex(SECRET, &[body.as_bytes()]));
        test_headers(&[
            (SIGNATURE_HEADER, &signature),
            (EVENT_HEADER, event),
            (DELIVERY_HEADER, DELIVERY),
        ])
    }

    fn parsed(event: &str, body: &str) -> Parsed {
        let verified = receive(Some(SECRET), &signed(event, body), body.as_bytes(), now()).unwrap();
        assert_eq!(verified.delivery_id, DELIVERY);
        verified.parsed
    }

    /// GitHub's documented example (platforms.md): the signature check alone accepts it; the
    /// body is then not JSON, which is a 400, not a 401.
    #[test]
    fn accepts_githubs_documented_vector_then_finds_no_json() {
        let headers = test_headers(&[
            (
                SIGNATURE_HEADER,
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            ),
            (EVENT_HEADER, "milestone"),
            (DELIVERY_HEADER, DELIVERY),
        ]);
        let result = receive(
            Some(b"It's a Secret to Everybody"),
            &headers,
            b"Hello, World!",
            now(),
        );
        assert!(matches!(result, Err(HookError::Malformed(_))), "{result:?}");
        let other_body = receive(
            Some(b"It's a Secret to Everybody"),
            &headers,
            b"Hello, World?",
            now(),
        );
        assert!(
            matches!(other_body, Err(HookError::Unauthorised(_))),
            "{other_body:?}"
        );
    }

    #[test]
    fn normalises_a_closed_milestone() {
        let Parsed::Event(event) = parsed("milestone", MILESTONE_CLOSED) else {
            panic!("expected an event");
        };
        assert_eq!(
            event,
            SourceEvent {
                source: Source::Github,
                name: "milestone_closed".into(),
                subject: "milestone:acme/checkout#4".into(),
                title: "v2.0".into(),
                attributes: BTreeMap::from([
                    ("repo".to_owned(), "acme/checkout".to_owned()),
                    ("milestone".to_owned(), "4".to_owned()),
                    ("title".to_owned(), "v2.0".to_owned()),
                ]),
                at: Utc.with_ymd_and_hms(2026, 11, 24, 10, 15, 0).unwrap(),
            }
        );
    }

    #[test]
    fn a_closed_milestone_without_closed_at_happened_now() {
        let body = MILESTONE_CLOSED.replace(
            r#""closed_at":"2026-11-24T10:15:00Z""#,
            r#""closed_at":null"#,
        );
        let Parsed::Event(event) = parsed("milestone", &body) else {
            panic!("expected an event");
        };
        assert_eq!(event.at, now());
    }

    #[test]
    fn ignores_ping_other_actions_and_other_events() {
        let ping = r#"{"zen":"Design for failure.","hook_id":123,"hook":{"type":"Repository","events":["milestone"]}}"#;
        assert_eq!(parsed("ping", ping), Parsed::Ignored("ping".into()));
        for action in ["created", "opened", "edited", "deleted"] {
            let body = MILESTONE_CLOSED
                .replace(r#""action":"closed""#, &format!(r#""action":"{action}""#));
            assert_eq!(
                parsed("milestone", &body),
                Parsed::Ignored(format!("GitHub milestone {action}"))
            );
        }
        assert!(matches!(parsed("push", "{}"), Parsed::Ignored(why) if why.contains("push")));
    }

    #[test]
    fn refuses_wrong_secret_tampered_body_and_missing_signature() {
        let headers = signed("milestone", MILESTONE_CLOSED);
        let wrong = receive(
            Some(b"not it"),
            &headers,
            MILESTONE_CLOSED.as_bytes(),
            now(),
        );
        assert!(
            matches!(wrong, Err(HookError::Unauthorised(_))),
            "{wrong:?}"
        );
        let tampered = MILESTONE_CLOSED.replace("v2.0", "v2.1");
        let tampered = receive(Some(SECRET), &headers, tampered.as_bytes(), now());
        assert!(
            matches!(tampered, Err(HookError::Unauthorised(_))),
            "{tampered:?}"
        );

        // The legacy SHA-1 header alone is not enough.
        let sha1 = test_headers(&[
            (
                "x-hub-signature",
                "sha1=0123456789abcdef0123456789abcdef01234567",
            ),
            (EVENT_HEADER, "milestone"),
            (DELIVERY_HEADER, DELIVERY),
        ]);
        assert_eq!(
            receive(Some(SECRET), &sha1, MILESTONE_CLOSED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-hub-signature-256 header".into()
            ))
        );
        assert_eq!(
            receive(None, &headers, MILESTONE_CLOSED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "GitHub webhook secret is not configured".into()
            ))
        );
    }

    #[test]
    fn signed_deliveries_without_delivery_or_event_header_are_malformed() {
        let signature = format!(
            "sha256={}",
            hmac_sha256_hex(SECRET, &[MILESTONE_CLOSED.as_bytes()])
        );
        let no_delivery =
            test_headers(&[(SIGNATURE_HEADER, &signature), (EVENT_HEADER, "milestone")]);
        assert_eq!(
            receive(
                Some(SECRET),
                &no_delivery,
                MILESTONE_CLOSED.as_bytes(),
                now()
            ),
            Err(HookError::Malformed(
                "missing x-github-delivery header".into()
            ))
        );
        let no_event = test_headers(&[(SIGNATURE_HEADER, &signature), (DELIVERY_HEADER, DELIVERY)]);
        assert_eq!(
            receive(Some(SECRET), &no_event, MILESTONE_CLOSED.as_bytes(), now()),
            Err(HookError::Malformed("missing x-github-event header".into()))
        );
    }

    #[test]
    fn signed_but_unreadable_milestones_are_malformed() {
        for body in [
            "",
            "{",
            r#"{"milestone":{"number":4,"title":"v2.0"},"repository":{"full_name":"acme/checkout"}}"#,
            r#"{"action":"closed","milestone":{"number":4,"title":"v2.0"}}"#,
            r#"{"action":"closed","milestone":{"title":"v2.0"},"repository":{"full_name":"a/b"}}"#,
            r#"{"action":"closed","milestone":{"number":4},"repository":{"full_name":"a/b"}}"#,
        ] {
            let result = receive(
                Some(SECRET),
                &signed("milestone", body),
                body.as_bytes(),
                now(),
            );
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{body}: {result:?}"
            );
        }
    }
}
