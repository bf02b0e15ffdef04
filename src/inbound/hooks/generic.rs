//! Cadence's own signed hook, for any system that is not a named source: a CI pipeline, a CRM, a
//! script. The scheme is deliberately the one Slack and Zoom use, so any HMAC library will do
//! (documented for senders, with a worked example, in `docs/generic-hooks.md`):
//!
//! - `x-cadence-timestamp`: the send time in Unix seconds; refused when more than 300 s from now.
//! - `x-cadence-signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>`;
//!   signing the timestamp stops a captured request from being replayed with a new one.
//! - `x-cadence-delivery`: an id the sender chooses, unique per happening and the same on every
//!   retry of it: the dedupe key. 1–128 characters of `A-Z a-z 0-9 . _ : -`.
//!
//! The body is a JSON object (unknown fields are refused, so a misspelt `occured_at` is a 400
//! rather than silently ignored):
//!
//! ```json
//! {"event": "pipeline_review_ended", "subject": "deal-review-2026-11-24",
//!  "title": "Pipeline review", "attributes": {"team": "emea"},
//!  "occurred_at": "2026-11-24T10:00:00Z"}
//! ```
//!
//! - `event`: `^[a-z][a-z0-9_]{0,63}$`, the name selectors match (`generic:pipeline_review_ended`);
//! - `subject`: required, 1–200 characters, no control characters: what the event is about,
//!   so repeats of the same happening make one occurrence;
//! - `title`: optional, 1–200 characters, no control characters; defaults to the subject;
//! - `attributes`: optional, at most 20; keys `^[a-z][a-z0-9_]{0,31}$`; values strings of at most
//!   200 characters, or numbers and booleans (kept as their JSON text);
//! - `occurred_at`: optional RFC 3339 time; defaults to the time of receipt.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{HookError, Parsed, Verified, header, is_snake_word, verify_timestamped_mac};
use crate::domain::event::{Source, SourceEvent};

/// The header carrying `v1=<hex HMAC-SHA256(secret, "v1:{timestamp}:{raw body}")>`.
pub const SIGNATURE_HEADER: &str = "x-cadence-signature";
/// The header carrying the send time in Unix seconds; part of what is signed.
pub const TIMESTAMP_HEADER: &str = "x-cadence-timestamp";
/// The header carrying the sender's id for the delivery: the dedupe key.
pub const DELIVERY_HEADER: &str = "x-cadence-delivery";
/// How far a request's timestamp may be from now, in seconds.
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;
/// The longest delivery id a sender may choose.
pub const MAX_DELIVERY_ID_CHARS: usize = 128;
/// The longest event name.
pub const MAX_EVENT_CHARS: usize = 64;
/// The longest subject, title or attribute value, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// The most attributes an event may carry.
pub const MAX_ATTRIBUTES: usize = 20;
/// The longest attribute key.
pub const MAX_ATTRIBUTE_KEY_CHARS: usize = 32;

const SOURCE: &str = "generic";

/// The body of a generic hook, as the sender writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    event: String,
    subject: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    attributes: Option<Map<String, Value>>,
    #[serde(default)]
    occurred_at: Option<String>,
}

/// Verifies a generic hook on its raw bytes and timestamp, then validates and normalises it.
pub fn receive(
    secret: Option<&[u8]>,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, HookError> {
    verify_timestamped_mac(
        secret,
        SOURCE,
        headers,
        body,
        SIGNATURE_HEADER,
        TIMESTAMP_HEADER,
        "v1",
        MAX_CLOCK_SKEW_SECS,
        now,
    )?;
    let delivery_id = sender_delivery_id(headers)?;
    let body: Body = serde_json::from_slice(body)
        .map_err(|e| HookError::Malformed(format!("generic payload: {e}")))?;
    let event = normalise(body, now)?;
    Ok(Verified {
        delivery_id,
        parsed: Parsed::Event(event),
    })
}

fn sender_delivery_id(headers: &HeaderMap) -> Result<String, HookError> {
    let id = header(headers, DELIVERY_HEADER)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| HookError::Malformed(format!("missing {DELIVERY_HEADER} header")))?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
    if id.len() > MAX_DELIVERY_ID_CHARS || !id.chars().all(allowed) {
        return Err(HookError::Malformed(format!(
            "{DELIVERY_HEADER} must be 1-{MAX_DELIVERY_ID_CHARS} characters of A-Z a-z 0-9 . _ : -"
        )));
    }
    Ok(id.to_owned())
}

fn normalise(body: Body, now: DateTime<Utc>) -> Result<SourceEvent, HookError> {
    if !is_snake_word(&body.event, MAX_EVENT_CHARS) {
        return Err(malformed(format!(
            "event must be lower snake case, a letter first, at most {MAX_EVENT_CHARS} characters (like pipeline_review_ended)"
        )));
    }
    check_text("subject", &body.subject)?;
    let title = match body.title {
        Some(title) => {
            check_text("title", &title)?;
            title
        }
        None => body.subject.clone(),
    };
    let attributes = attributes(body.attributes.unwrap_or_default())?;
    let at = match body.occurred_at {
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                malformed("occurred_at must be an RFC 3339 time, like 2026-11-24T10:00:00Z".into())
            })?,
        None => now,
    };
    Ok(SourceEvent {
        source: Source::Generic,
        name: body.event,
        subject: body.subject,
        title,
        attributes,
        at,
    })
}

/// Subjects, titles and attribute values: present, bounded, and printable.
fn check_text(field: &str, value: &str) -> Result<(), HookError> {
    if value.trim().is_empty() {
        return Err(malformed(format!("{field} must not be empty")));
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(malformed(format!(
            "{field} is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(malformed(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(())
}

fn attributes(given: Map<String, Value>) -> Result<BTreeMap<String, String>, HookError> {
    if given.len() > MAX_ATTRIBUTES {
        return Err(malformed(format!(
            "at most {MAX_ATTRIBUTES} attributes are accepted, not {}",
            given.len()
        )));
    }
    let mut attributes = BTreeMap::new();
    for (key, value) in given {
        if !is_snake_word(&key, MAX_ATTRIBUTE_KEY_CHARS) {
            return Err(malformed(format!(
                "attribute key `{}` must be lower snake case, a letter first, at most {MAX_ATTRIBUTE_KEY_CHARS} characters",
                key.chars().take(40).collect::<String>()
            )));
        }
        let value = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null | Value::Array(_) | Value::Object(_) => {
                return Err(malformed(format!(
                    "attribute `{key}` must be a string, number or boolean"
                )));
            }
        };
        check_text(&format!("attribute `{key}`"), &value)?;
        attributes.insert(key, value);
    }
    Ok(attributes)
}

fn malformed(message: String) -> HookError {
    HookError::Malformed(format!("generic payload: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::hooks::test_headers;
    use crate::inbound::verify::hmac_sha256_hex;
    use chrono::TimeZone;

    // The worked example of docs/generic-hooks.md.
    const SECRET: &[u8] = b"cadence-generic-example-secret";
    const TS: i64 = 1795514400;
    const BODY: &str = r#"{"event":"pipeline_review_ended","subject":"deal-review-2026-11-24","title":"Pipeline review","attributes":{"team":"emea","region":"EU"},"occurred_at":"2026-11-24T10:00:00Z"}"#;
    const EXPECTED: &str = "v1=f30a56d25a8f1a9b05c771be9d8c6244789743ed6a6272049cf1e65d6cecdf38";
    const DELIVERY: &str = "deal-review-2026-11-24.run-1";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(TS + 1, 0).unwrap()
    }

    fn sign(ts: &str, body: &str) -> String {
        format!(
            "v1={}",
            hmac_sha256_hex(SECRET, &[b"v1:", ts.as_bytes(), b":", body.as_bytes()])
        )
    }

    fn signed(body: &str) -> HeaderMap {
        let ts = TS.to_string();
        test_headers(&[
            (TIMESTAMP_HEADER, &ts),
            (SIGNATURE_HEADER, &sign(&ts, body)),
            (DELIVERY_HEADER, DELIVERY),
        ])
    }

    fn receive_signed(body: &str) -> Result<Verified, HookError> {
        receive(Some(SECRET), &signed(body), body.as_bytes(), now())
    }

    fn normalised(body: &str) -> SourceEvent {
        match receive_signed(body).unwrap().parsed {
            Parsed::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_example_is_signed_as_documented() {
        assert_eq!(sign(&TS.to_string(), BODY), EXPECTED);
    }

    #[test]
    fn normalises_the_documented_example() {
        let verified = receive_signed(BODY).unwrap();
        assert_eq!(verified.delivery_id, DELIVERY);
        assert_eq!(
            verified.parsed,
            Parsed::Event(SourceEvent {
                source: Source::Generic,
                name: "pipeline_review_ended".into(),
                subject: "deal-review-2026-11-24".into(),
                title: "Pipeline review".into(),
                attributes: BTreeMap::from([
                    ("team".to_owned(), "emea".to_owned()),
                    ("region".to_owned(), "EU".to_owned()),
                ]),
                at: Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
            })
        );
    }

    #[test]
    fn the_minimal_body_takes_defaults() {
        let event = normalised(r#"{"event":"deploy_done","subject":"api-v7"}"#);
        assert_eq!(event.title, "api-v7");
        assert!(event.attributes.is_empty());
        assert_eq!(event.at, now());
    }

    #[test]
    fn numbers_and_booleans_become_text() {
        let event = normalised(
            r#"{"event":"e","subject":"s","attributes":{"count":3,"ratio":0.5,"green":true,"a2_b":"x"}}"#,
        );
        assert_eq!(event.attributes["count"], "3");
        assert_eq!(event.attributes["ratio"], "0.5");
        assert_eq!(event.attributes["green"], "true");
        assert_eq!(event.attributes["a2_b"], "x");
    }

    #[test]
    fn accepts_limits_exactly() {
        let event_name = format!("e{}", "x".repeat(63));
        let text = "é".repeat(200);
        let attributes: Vec<String> = (0..20)
            .map(|i| format!(r#""k{i}{}":"{text}""#, "x".repeat(29)))
            .collect();
        let body = format!(
            r#"{{"event":"{event_name}","subject":"{text}","title":"{text}","attributes":{{{}}}}}"#,
            attributes.join(",")
        );
        let event = normalised(&body);
        assert_eq!(event.attributes.len(), 20);
        assert_eq!(event.name.len(), 64);
    }

    #[test]
    fn refuses_invalid_bodies_as_malformed() {
        let long = "x".repeat(201);
        let many: Vec<String> = (0..21).map(|i| format!(r#""k{i}":"v""#)).collect();
        let long_key = format!("k{}", "x".repeat(32));
        let cases = [
            "not json".to_owned(),
            "[]".to_owned(),
            r#"{"subject":"s"}"#.to_owned(),
            r#"{"event":"e"}"#.to_owned(),
            r#"{"event":"Deploy","subject":"s"}"#.to_owned(),
            r#"{"event":"deploy-done","subject":"s"}"#.to_owned(),
            r#"{"event":"_x","subject":"s"}"#.to_owned(),
            format!(r#"{{"event":"e{}","subject":"s"}}"#, "x".repeat(64)),
            r#"{"event":"e","subject":""}"#.to_owned(),
            r#"{"event":"e","subject":"  "}"#.to_owned(),
            format!(r#"{{"event":"e","subject":"{long}"}}"#),
            r#"{"event":"e","subject":"a\nb"}"#.to_owned(),
            r#"{"event":"e","subject":"s","title":""}"#.to_owned(),
            format!(r#"{{"event":"e","subject":"s","title":"{long}"}}"#),
            format!(
                r#"{{"event":"e","subject":"s","attributes":{{{}}}}}"#,
                many.join(",")
            ),
            format!(r#"{{"event":"e","subject":"s","attributes":{{"{long_key}":"v"}}}}"#),
            r#"{"event":"e","subject":"s","attributes":{"Team":"v"}}"#.to_owned(),
            r#"{"event":"e","subject":"s","attributes":{"team":null}}"#.to_owned(),
            r#"{"event":"e","subject":"s","attributes":{"team":["a"]}}"#.to_owned(),
            r#"{"event":"e","subject":"s","attributes":{"team":{"a":1}}}"#.to_owned(),
            format!(r#"{{"event":"e","subject":"s","attributes":{{"team":"{long}"}}}}"#),
            r#"{"event":"e","subject":"s","attributes":"team=emea"}"#.to_owned(),
            r#"{"event":"e","subject":"s","occurred_at":"yesterday"}"#.to_owned(),
            r#"{"event":"e","subject":"s","occurred_at":1795514400}"#.to_owned(),
            r#"{"event":"e","subject":"s","occured_at":"2026-11-24T10:00:00Z"}"#.to_owned(),
        ];
        for body in cases {
            let result = receive_signed(&body);
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{body}: {result:?}"
            );
        }
    }

    #[test]
    fn refuses_missing_or_unusable_delivery_ids() {
        let ts = TS.to_string();
        let signature = sign(&ts, BODY);
        let missing = test_headers(&[(TIMESTAMP_HEADER, &ts), (SIGNATURE_HEADER, &signature)]);
        assert_eq!(
            receive(Some(SECRET), &missing, BODY.as_bytes(), now()),
            Err(HookError::Malformed(
                "missing x-cadence-delivery header".into()
            ))
        );
        for bad in ["has space", "semi;colon", &"x".repeat(129)] {
            let headers = test_headers(&[
                (TIMESTAMP_HEADER, &ts),
                (SIGNATURE_HEADER, &signature),
                (DELIVERY_HEADER, bad),
            ]);
            let result = receive(Some(SECRET), &headers, BODY.as_bytes(), now());
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{bad}: {result:?}"
            );
        }
    }

    #[test]
    fn refuses_stale_and_future_requests() {
        for offset in [-301, 301] {
            let at = DateTime::from_timestamp(TS + offset, 0).unwrap();
            let result = receive(Some(SECRET), &signed(BODY), BODY.as_bytes(), at);
            assert!(
                matches!(result, Err(HookError::Unauthorised(_))),
                "{offset}: {result:?}"
            );
        }
        for offset in [-300, 300] {
            let at = DateTime::from_timestamp(TS + offset, 0).unwrap();
            assert!(receive(Some(SECRET), &signed(BODY), BODY.as_bytes(), at).is_ok());
        }
    }

    #[test]
    fn refuses_wrong_secret_tampered_body_other_version_and_missing_headers() {
        let headers = signed(BODY);
        let wrong = receive(Some(b"other"), &headers, BODY.as_bytes(), now());
        assert!(
            matches!(wrong, Err(HookError::Unauthorised(_))),
            "{wrong:?}"
        );
        let tampered = BODY.replace("emea", "apac");
        let tampered = receive(Some(SECRET), &headers, tampered.as_bytes(), now());
        assert!(
            matches!(tampered, Err(HookError::Unauthorised(_))),
            "{tampered:?}"
        );
        let ts = TS.to_string();
        let v0 = test_headers(&[
            (TIMESTAMP_HEADER, &ts),
            (SIGNATURE_HEADER, &EXPECTED.replace("v1=", "v0=")),
            (DELIVERY_HEADER, DELIVERY),
        ]);
        let v0 = receive(Some(SECRET), &v0, BODY.as_bytes(), now());
        assert!(matches!(v0, Err(HookError::Unauthorised(_))), "{v0:?}");
        let moved = test_headers(&[
            (TIMESTAMP_HEADER, &(TS + 1).to_string()),
            (SIGNATURE_HEADER, EXPECTED),
            (DELIVERY_HEADER, DELIVERY),
        ]);
        let moved = receive(Some(SECRET), &moved, BODY.as_bytes(), now());
        assert!(
            matches!(moved, Err(HookError::Unauthorised(_))),
            "{moved:?}"
        );

        let no_signature = test_headers(&[(TIMESTAMP_HEADER, &ts), (DELIVERY_HEADER, DELIVERY)]);
        assert_eq!(
            receive(Some(SECRET), &no_signature, BODY.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-cadence-signature header".into()
            ))
        );
        let no_timestamp =
            test_headers(&[(SIGNATURE_HEADER, EXPECTED), (DELIVERY_HEADER, DELIVERY)]);
        assert_eq!(
            receive(Some(SECRET), &no_timestamp, BODY.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-cadence-timestamp header".into()
            ))
        );
        assert_eq!(
            receive(None, &headers, BODY.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "generic webhook secret is not configured".into()
            ))
        );
    }
}
