//! Linear cycle webhooks. Every delivery is signed `Linear-Signature: <hex HMAC-SHA256(secret,
//! raw body)>` (bare hex, no prefix) and carries `Linear-Delivery`, a UUID that is the dedupe key.
//! Linear puts its replay guard in the signed body, not a header: `webhookTimestamp` (Unix ms)
//! must be within 60 s of now, so after the MAC check the body is parsed for that one field
//! before anything else. A body without a readable `webhookTimestamp` cannot be shown to be
//! fresh and is refused like a stale one.
//! <https://linear.app/developers/webhooks>
//!
//! Cadence acts on one thing: a cycle completing (event `cycle_completed`). Linear has no
//! completion event; a completion is an `update` of a `Cycle` that sets `completedAt`. Precisely,
//! it is `type: "Cycle"`, `action: "update"`, `data.completedAt` non-null, **and**
//! `updatedFrom.completedAt` present with the value `null`. `updatedFrom` holds the previous
//! values of the fields the update changed, so this reads "completedAt changed from nothing to a
//! time". Requiring the key to be present (not merely absent-or-null) means a later edit of an
//! already completed cycle (renamed, description changed: `updatedFrom` without `completedAt`)
//! does not fire a second time. platforms.md marks the exact signal "(check)": Linear's own page
//! does not spell it out; the several integrations in public code that detect cycle completion
//! test the same `updatedFrom.completedAt === null && data.completedAt`.
//!
//! Attributes: `team` (`data.teamId`), `cycle` (its number) and `name` when the cycle has one; the
//! title falls back to `Cycle {number}`.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    HookError, Parsed, Verified, check_freshness, check_mac, delivery_id, from_millis, parse_json,
    parse_time, require_secret, required_id, required_text, signature_hex, text,
};
use crate::domain::event::{Source, SourceEvent};

/// The header carrying `<hex HMAC-SHA256(secret, raw body)>`, without prefix.
pub const SIGNATURE_HEADER: &str = "linear-signature";
/// The header carrying the delivery's UUID: the dedupe key.
pub const DELIVERY_HEADER: &str = "linear-delivery";
/// The header naming the entity type (`Cycle`, `Issue`, …); informative, the body's `type` rules.
#[cfg(test)]
pub(crate) const EVENT_HEADER: &str = "linear-event";
/// How far `webhookTimestamp` may be from now, in milliseconds.
pub const MAX_CLOCK_SKEW_MILLIS: u64 = 60_000;

const SOURCE: &str = "Linear";

/// Verifies a Linear webhook delivery on its raw bytes and its freshness, then normalises it.
pub fn receive(
    secret: Option<&[u8]>,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, HookError> {
    let key = require_secret(secret, SOURCE)?;
    let signature = signature_hex(headers, SIGNATURE_HEADER, "")?;
    check_mac(key, &[body], signature, SIGNATURE_HEADER)?;
    let payload = parse_json(body, SOURCE)?;
    let sent = payload
        .get("webhookTimestamp")
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            HookError::Unauthorised(
                "Linear payload has no webhookTimestamp (Unix ms), so it cannot be shown fresh"
                    .to_owned(),
            )
        })?;
    check_freshness(sent, now.timestamp_millis(), MAX_CLOCK_SKEW_MILLIS, "ms")?;
    let delivery_id = delivery_id(headers, DELIVERY_HEADER)?;
    let parsed = normalise(&payload, now)?;
    Ok(Verified {
        delivery_id,
        parsed,
    })
}

fn normalise(payload: &Value, now: DateTime<Utc>) -> Result<Parsed, HookError> {
    let kind = required_text(payload, "/type", SOURCE)?;
    let action = required_text(payload, "/action", SOURCE)?;
    if kind != "Cycle" || action != "update" {
        return Ok(Parsed::Ignored(format!("Linear {kind} {action}")));
    }
    let completed_at = payload
        .pointer("/data/completedAt")
        .filter(|v| !v.is_null());
    let was_open = payload
        .pointer("/updatedFrom/completedAt")
        .is_some_and(Value::is_null);
    let Some(completed_at) = completed_at.filter(|_| was_open) else {
        return Ok(Parsed::Ignored(
            "Linear Cycle update that does not complete the cycle".to_owned(),
        ));
    };
    let id = required_text(payload, "/data/id", SOURCE)?;
    let team = required_text(payload, "/data/teamId", SOURCE)?;
    let number = required_id(payload, "/data/number", SOURCE)?;
    let name = text(payload, "/data/name");
    let mut attributes = BTreeMap::from([
        ("team".to_owned(), team.to_owned()),
        ("cycle".to_owned(), number.clone()),
    ]);
    if let Some(name) = name {
        attributes.insert("name".to_owned(), name.to_owned());
    }
    let at = completed_at
        .as_str()
        .and_then(parse_time)
        .or_else(|| from_millis(payload.get("webhookTimestamp")))
        .unwrap_or(now);
    Ok(Parsed::Event(SourceEvent {
        source: Source::Linear,
        name: "cycle_completed".to_owned(),
        subject: format!("cycle:{id}"),
        title: name.map_or_else(|| format!("Cycle {number}"), str::to_owned),
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

    const SECRET: &[u8] = b"lin_wh_secret";
    const DELIVERY: &str = "234d1a4e-b617-4388-90fe-adc3633d6b72";
    const SENT_MS: i64 = 1763974633000;
    // The body platforms.md describes: a Cycle update whose updatedFrom shows completedAt was null.
    const CYCLE_COMPLETED: &str = r#"{"action":"update","type":"Cycle","data":{"id":"7c2f3a52-1d4e-4b8e-9a0a-5f1e2d3c4b5a","number":42,"name":"Checkout push","startsAt":"2026-11-10T00:00:00.000Z","endsAt":"2026-11-24T00:00:00.000Z","completedAt":"2026-11-24T08:57:13.000Z","teamId":"a1b2c3d4-0000-4000-8000-123456789abc"},"updatedFrom":{"completedAt":null,"updatedAt":"2026-11-23T17:00:00.000Z"},"url":"https://linear.app/acme/cycle/ENG/42","createdAt":"2026-11-24T08:57:13.000Z","organizationId":"org-1","webhookTimestamp":1763974633000,"webhookId":"wh-1"}"#;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(SENT_MS + 2_000).unwrap()
    }

    fn signed(body: &str) -> HeaderMap {
        let signature = hmac_sha256_hex(SECRET, &[body.as_bytes()]);
        test_headers(&[
            (SIGNATURE_HEADER, &signature),
            (DELIVERY_HEADER, DELIVERY),
            (EVENT_HEADER, "Cycle"),
        ])
    }

    fn parsed(body: &str) -> Parsed {
        let verified = receive(Some(SECRET), &signed(body), body.as_bytes(), now()).unwrap();
        assert_eq!(verified.delivery_id, DELIVERY);
        verified.parsed
    }

    #[test]
    fn normalises_a_cycle_completion() {
        let Parsed::Event(event) = parsed(CYCLE_COMPLETED) else {
            panic!("expected an event");
        };
        assert_eq!(
            event,
            SourceEvent {
                source: Source::Linear,
                name: "cycle_completed".into(),
                subject: "cycle:7c2f3a52-1d4e-4b8e-9a0a-5f1e2d3c4b5a".into(),
                title: "Checkout push".into(),
                attributes: BTreeMap::from([
                    (
                        "team".to_owned(),
                        "a1b2c3d4-0000-4000-8000-123456789abc".to_owned()
                    ),
                    ("cycle".to_owned(), "42".to_owned()),
                    ("name".to_owned(), "Checkout push".to_owned()),
                ]),
                at: Utc.with_ymd_and_hms(2026, 11, 24, 8, 57, 13).unwrap(),
            }
        );
    }

    #[test]
    fn an_unnamed_cycle_is_titled_by_its_number() {
        let body = CYCLE_COMPLETED.replace(r#""name":"Checkout push""#, r#""name":null"#);
        let Parsed::Event(event) = parsed(&body) else {
            panic!("expected an event");
        };
        assert_eq!(event.title, "Cycle 42");
        assert!(!event.attributes.contains_key("name"));
    }

    #[test]
    fn only_the_transition_to_completed_counts() {
        // A later edit of a completed cycle: updatedFrom without completedAt.
        let renamed = CYCLE_COMPLETED.replace(
            r#""updatedFrom":{"completedAt":null,"#,
            r#""updatedFrom":{"name":"Checkout","#,
        );
        // Completion undone: completedAt back to null.
        let reopened = CYCLE_COMPLETED
            .replace(
                r#""completedAt":"2026-11-24T08:57:13.000Z","teamId""#,
                r#""completedAt":null,"teamId""#,
            )
            .replace(
                r#""updatedFrom":{"completedAt":null,"#,
                r#""updatedFrom":{"completedAt":"2026-11-24T08:57:13.000Z","#,
            );
        let no_updated_from = CYCLE_COMPLETED.replace(
            r#""updatedFrom":{"completedAt":null,"updatedAt":"2026-11-23T17:00:00.000Z"},"#,
            "",
        );
        let created = CYCLE_COMPLETED.replace(r#""action":"update""#, r#""action":"create""#);
        let issue = CYCLE_COMPLETED.replace(r#""type":"Cycle""#, r#""type":"Issue""#);
        for body in [renamed, reopened, no_updated_from, created, issue] {
            assert!(matches!(parsed(&body), Parsed::Ignored(_)), "{body}");
        }
    }

    #[test]
    fn refuses_stale_and_future_and_undated_deliveries() {
        for offset in [-60_001, 60_001] {
            let at = DateTime::from_timestamp_millis(SENT_MS + offset).unwrap();
            let result = receive(
                Some(SECRET),
                &signed(CYCLE_COMPLETED),
                CYCLE_COMPLETED.as_bytes(),
                at,
            );
            assert!(
                matches!(result, Err(HookError::Unauthorised(_))),
                "{offset}: {result:?}"
            );
        }
        for offset in [-60_000, 60_000] {
            let at = DateTime::from_timestamp_millis(SENT_MS + offset).unwrap();
            let result = receive(
                Some(SECRET),
                &signed(CYCLE_COMPLETED),
                CYCLE_COMPLETED.as_bytes(),
                at,
            );
            assert!(result.is_ok(), "{offset}: {result:?}");
        }
        let undated = CYCLE_COMPLETED.replace(r#""webhookTimestamp":1763974633000,"#, "");
        let result = receive(Some(SECRET), &signed(&undated), undated.as_bytes(), now());
        assert!(
            matches!(result, Err(HookError::Unauthorised(_))),
            "{result:?}"
        );
    }

    #[test]
    fn refuses_wrong_secret_tampered_body_missing_signature_and_no_secret() {
        let headers = signed(CYCLE_COMPLETED);
        let wrong = receive(Some(b"other"), &headers, CYCLE_COMPLETED.as_bytes(), now());
        assert!(
            matches!(wrong, Err(HookError::Unauthorised(_))),
            "{wrong:?}"
        );
        let tampered = CYCLE_COMPLETED.replace("Checkout push", "Checkout pull");
        let tampered = receive(Some(SECRET), &headers, tampered.as_bytes(), now());
        assert!(
            matches!(tampered, Err(HookError::Unauthorised(_))),
            "{tampered:?}"
        );
        let prefixed = format!(
            "sha256={}",
            hmac_sha256_hex(SECRET, &[CYCLE_COMPLETED.as_bytes()])
        );
        let prefixed = test_headers(&[(SIGNATURE_HEADER, &prefixed), (DELIVERY_HEADER, DELIVERY)]);
        let result = receive(Some(SECRET), &prefixed, CYCLE_COMPLETED.as_bytes(), now());
        assert!(
            matches!(result, Err(HookError::Unauthorised(_))),
            "{result:?}"
        );
        let unsigned = test_headers(&[(DELIVERY_HEADER, DELIVERY)]);
        assert_eq!(
            receive(Some(SECRET), &unsigned, CYCLE_COMPLETED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing linear-signature header".into()
            ))
        );
        assert_eq!(
            receive(None, &headers, CYCLE_COMPLETED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "Linear webhook secret is not configured".into()
            ))
        );
    }

    #[test]
    fn a_signed_delivery_without_its_id_is_malformed() {
        let signature = hmac_sha256_hex(SECRET, &[CYCLE_COMPLETED.as_bytes()]);
        let headers = test_headers(&[(SIGNATURE_HEADER, &signature)]);
        assert_eq!(
            receive(Some(SECRET), &headers, CYCLE_COMPLETED.as_bytes(), now()),
            Err(HookError::Malformed(
                "missing linear-delivery header".into()
            ))
        );
    }

    #[test]
    fn signed_but_unreadable_bodies_are_malformed() {
        let no_team =
            CYCLE_COMPLETED.replace(r#","teamId":"a1b2c3d4-0000-4000-8000-123456789abc""#, "");
        let no_number = CYCLE_COMPLETED.replace(r#""number":42,"#, "");
        let no_type = CYCLE_COMPLETED.replace(r#""type":"Cycle","#, "");
        for body in ["not json".to_owned(), no_team, no_number, no_type] {
            let result = receive(Some(SECRET), &signed(&body), body.as_bytes(), now());
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{body}: {result:?}"
            );
        }
    }
}
