//! Zoom meeting webhooks. Zoom signs like Slack: `x-zm-signature: v0=<hex HMAC-SHA256(secret
//! token, "v0:" + x-zm-request-timestamp + ":" + raw body)>`, with the timestamp in Unix seconds
//! and a five-minute replay window. When the endpoint is registered (and periodically after),
//! Zoom sends `endpoint.url_validation` with a `plainToken`; the answer is a
//! [`Parsed::Challenge`] holding the token and its HMAC under the secret token.
//! <https://developers.zoom.us/docs/api/webhooks/>
//!
//! Cadence acts on `meeting.started` and `meeting.ended` (events `meeting_started`,
//! `meeting_ended`); other events are acknowledged and ignored. Attributes: `topic`, `host`
//! (`host_id`), `account` (`account_id`) and `meeting` (the numeric meeting id, as text), each
//! when the payload has it.
//!
//! Delivery id: Zoom documents no delivery id. Requests carry `x-zm-trackingid`, described only as
//! "unique identifier that Zoom uses to identify the request"; whether a retry keeps it is not
//! documented (a Zoom forum thread asking went unanswered; another forum answer calls it unique
//! per delivery, which would make every retry a new key). So the key is always derived from the
//! signed body: `{event}:{event_ts}:{object.uuid}` (for the URL validation,
//! `{event}:{event_ts}:{plainToken}`), which is the same for every retry that resends the same
//! body. The subject `meeting:{uuid}` also keeps a retried meeting event to one occurrence.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{
    HookError, MAX_DELIVERY_ID_LEN, Parsed, Verified, from_millis, id_text, parse_json, parse_time,
    require_secret, required_text, text, verify_timestamped_mac,
};
use crate::domain::event::{Source, SourceEvent};
use crate::inbound::verify::hmac_sha256_hex;

/// The header carrying `v0=<hex HMAC-SHA256(secret token, "v0:{timestamp}:{raw body}")>`.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";
/// The header carrying the request's Unix time in seconds; part of what is signed.
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";
/// Zoom's per-request tracking header; logged for support, never used to deduplicate.
#[cfg(test)]
pub(crate) const TRACKING_HEADER: &str = "x-zm-trackingid";
/// How far a request's timestamp may be from now, in seconds.
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;

const SOURCE: &str = "Zoom";

/// Verifies a Zoom webhook request on its raw bytes and timestamp, then normalises it.
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
        "v0",
        MAX_CLOCK_SKEW_SECS,
        now,
    )?;
    // The URL validation answer is a MAC of Zoom's token under the same secret.
    let key = require_secret(secret, SOURCE)?;
    let payload = parse_json(body, SOURCE)?;
    let event = required_text(&payload, "/event", SOURCE)?;
    let parsed = normalise(key, event, &payload, now)?;
    let delivery_id = derived_delivery_id(event, &payload);
    Ok(Verified {
        delivery_id,
        parsed,
    })
}

/// `{event}:{event_ts}:{object.uuid or plainToken}`: the same for every retry of a notification.
fn derived_delivery_id(event: &str, payload: &Value) -> String {
    let sent = id_text(payload, "/event_ts").unwrap_or_default();
    let thing = text(payload, "/payload/object/uuid")
        .or_else(|| text(payload, "/payload/plainToken"))
        .unwrap_or_default();
    let mut id = format!("{event}:{sent}:{thing}");
    // Keep within the bound every other delivery id respects, on a character boundary.
    while id.len() > MAX_DELIVERY_ID_LEN {
        id.pop();
    }
    id
}

fn normalise(
    key: &[u8],
    event: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<Parsed, HookError> {
    let (name, time_field) = match event {
        "endpoint.url_validation" => {
            let plain = required_text(payload, "/payload/plainToken", SOURCE)?;
            let encrypted = hmac_sha256_hex(key, &[plain.as_bytes()]);
            return Ok(Parsed::Challenge(
                json!({ "plainToken": plain, "encryptedToken": encrypted }),
            ));
        }
        "meeting.started" => ("meeting_started", "/payload/object/start_time"),
        "meeting.ended" => ("meeting_ended", "/payload/object/end_time"),
        other => {
            return Ok(Parsed::Ignored(format!(
                "Zoom {other} is not an event Cadence acts on"
            )));
        }
    };
    let uuid = required_text(payload, "/payload/object/uuid", SOURCE)?;
    // Real deliveries may leave the topic out (platforms.md): the event still counts, and a
    // topic selector simply does not match it.
    let topic = text(payload, "/payload/object/topic");
    let mut attributes = BTreeMap::new();
    if let Some(topic) = topic {
        attributes.insert("topic".to_owned(), topic.to_owned());
    }
    if let Some(host) = text(payload, "/payload/object/host_id") {
        attributes.insert("host".to_owned(), host.to_owned());
    }
    if let Some(account) = text(payload, "/payload/account_id") {
        attributes.insert("account".to_owned(), account.to_owned());
    }
    if let Some(meeting) = id_text(payload, "/payload/object/id") {
        attributes.insert("meeting".to_owned(), meeting);
    }
    let at = text(payload, time_field)
        .and_then(parse_time)
        .or_else(|| from_millis(payload.get("event_ts")))
        .unwrap_or(now);
    Ok(Parsed::Event(SourceEvent {
        source: Source::Zoom,
        name: name.to_owned(),
        subject: format!("meeting:{uuid}"),
        title: topic.unwrap_or("Zoom meeting").to_owned(),
        attributes,
        at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::hooks::test_headers;
    use chrono::TimeZone;

    const SECRET: &[u8] = b"zoom-secret-token";
    const TS: i64 = 1_795_510_000;
    const TRACKING: &str = "v=2.0;clid=aw1;rid=WEB_8a3c";
    // platforms.md, verbatim.
    const URL_VALIDATION: &str = r#"{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680}"#;
    const MEETING_ENDED: &str = r#"{"event":"meeting.ended","event_ts":1795510000123,"payload":{"account_id":"AcC0unT1d","object":{"id":"85746065432","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"z8yCxjabcdEFGHfp8uQ","topic":"Weekly Pipeline Review","type":8,"start_time":"2026-11-24T10:00:00Z","end_time":"2026-11-24T10:55:00Z","timezone":"Europe/London","duration":60}}}"#;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(TS + 3, 0).unwrap()
    }

    fn signature(ts: &str, body: &str) -> String {
        format!(
            "v0={}",
            hmac_sha256_hex(SECRET, &[b"v0:", ts.as_bytes(), b":", body.as_bytes()])
        )
    }

    fn signed(body: &str) -> HeaderMap {
        let ts = TS.to_string();
        test_headers(&[
            (TIMESTAMP_HEADER, &ts),
            (SIGNATURE_HEADER, &signature(&ts, body)),
            (TRACKING_HEADER, TRACKING),
        ])
    }

    fn receive_signed(body: &str) -> Verified {
        receive(Some(SECRET), &signed(body), body.as_bytes(), now()).unwrap()
    }

    #[test]
    fn answers_the_url_validation_challenge() {
        let verified = receive_signed(URL_VALIDATION);
        let encrypted = hmac_sha256_hex(SECRET, &[b"qgg8vlvZRS6UYooatFL8Aw"]);
        assert_eq!(
            verified.parsed,
            Parsed::Challenge(json!({
                "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
                "encryptedToken": encrypted,
            }))
        );
        assert_eq!(encrypted.len(), 64);
        // The tracking header is not trusted as a delivery id; the signed body is.
        assert_eq!(
            verified.delivery_id,
            "endpoint.url_validation:1654503849680:qgg8vlvZRS6UYooatFL8Aw"
        );
    }

    #[test]
    fn normalises_a_meeting_end() {
        let verified = receive_signed(MEETING_ENDED);
        assert_eq!(
            verified.delivery_id,
            "meeting.ended:1795510000123:4444AAAiAAAAAiAiAiiAii=="
        );
        assert_eq!(
            verified.parsed,
            Parsed::Event(SourceEvent {
                source: Source::Zoom,
                name: "meeting_ended".into(),
                subject: "meeting:4444AAAiAAAAAiAiAiiAii==".into(),
                title: "Weekly Pipeline Review".into(),
                attributes: BTreeMap::from([
                    ("topic".to_owned(), "Weekly Pipeline Review".to_owned()),
                    ("host".to_owned(), "z8yCxjabcdEFGHfp8uQ".to_owned()),
                    ("account".to_owned(), "AcC0unT1d".to_owned()),
                    ("meeting".to_owned(), "85746065432".to_owned()),
                ]),
                at: Utc.with_ymd_and_hms(2026, 11, 24, 10, 55, 0).unwrap(),
            })
        );
    }

    #[test]
    fn normalises_a_meeting_start_with_a_numeric_id() {
        let body = MEETING_ENDED
            .replace("meeting.ended", "meeting.started")
            .replace(r#""id":"85746065432""#, r#""id":85746065432"#)
            .replace(r#","end_time":"2026-11-24T10:55:00Z""#, "");
        let Parsed::Event(event) = receive_signed(&body).parsed else {
            panic!("expected an event");
        };
        assert_eq!(event.name, "meeting_started");
        assert_eq!(event.attributes["meeting"], "85746065432");
        assert_eq!(
            event.at,
            Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
        );
        // meeting.ended without end_time falls back to event_ts.
        let body = MEETING_ENDED.replace(r#","end_time":"2026-11-24T10:55:00Z""#, "");
        let Parsed::Event(event) = receive_signed(&body).parsed else {
            panic!("expected an event");
        };
        assert_eq!(
            event.at,
            DateTime::from_timestamp_millis(1795510000123).unwrap()
        );
    }

    #[test]
    fn without_a_tracking_id_the_key_comes_from_the_signed_body() {
        let ts = TS.to_string();
        let headers = test_headers(&[
            (TIMESTAMP_HEADER, &ts),
            (SIGNATURE_HEADER, &signature(&ts, MEETING_ENDED)),
        ]);
        let verified = receive(Some(SECRET), &headers, MEETING_ENDED.as_bytes(), now()).unwrap();
        assert_eq!(
            verified.delivery_id,
            "meeting.ended:1795510000123:4444AAAiAAAAAiAiAiiAii=="
        );
        // A retry, signed later with another timestamp, gets the same key.
        let later = (TS + 60).to_string();
        let retry = test_headers(&[
            (TIMESTAMP_HEADER, &later),
            (SIGNATURE_HEADER, &signature(&later, MEETING_ENDED)),
        ]);
        let again = receive(Some(SECRET), &retry, MEETING_ENDED.as_bytes(), now()).unwrap();
        assert_eq!(again.delivery_id, verified.delivery_id);

        let headers = test_headers(&[
            (TIMESTAMP_HEADER, &ts),
            (SIGNATURE_HEADER, &signature(&ts, URL_VALIDATION)),
        ]);
        let verified = receive(Some(SECRET), &headers, URL_VALIDATION.as_bytes(), now()).unwrap();
        assert_eq!(
            verified.delivery_id,
            "endpoint.url_validation:1654503849680:qgg8vlvZRS6UYooatFL8Aw"
        );
    }

    #[test]
    fn ignores_other_events() {
        let body = MEETING_ENDED.replace("meeting.ended", "meeting.participant_joined");
        assert!(matches!(
            receive_signed(&body).parsed,
            Parsed::Ignored(why) if why.contains("meeting.participant_joined")
        ));
    }

    #[test]
    fn refuses_stale_future_and_unreadable_timestamps() {
        for offset in [-301, 301] {
            let at = DateTime::from_timestamp(TS + offset, 0).unwrap();
            let result = receive(
                Some(SECRET),
                &signed(MEETING_ENDED),
                MEETING_ENDED.as_bytes(),
                at,
            );
            assert!(
                matches!(result, Err(HookError::Unauthorised(_))),
                "{offset}: {result:?}"
            );
        }
        for offset in [-300, 300] {
            let at = DateTime::from_timestamp(TS + offset, 0).unwrap();
            let result = receive(
                Some(SECRET),
                &signed(MEETING_ENDED),
                MEETING_ENDED.as_bytes(),
                at,
            );
            assert!(result.is_ok(), "{offset}: {result:?}");
        }
        let headers = test_headers(&[
            (TIMESTAMP_HEADER, "soon"),
            (SIGNATURE_HEADER, &signature("soon", MEETING_ENDED)),
        ]);
        assert_eq!(
            receive(Some(SECRET), &headers, MEETING_ENDED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "x-zm-request-timestamp is not Unix seconds".into()
            ))
        );
    }

    #[test]
    fn refuses_wrong_secret_tampered_body_moved_timestamp_and_missing_headers() {
        let headers = signed(MEETING_ENDED);
        let wrong = receive(Some(b"other"), &headers, MEETING_ENDED.as_bytes(), now());
        assert!(
            matches!(wrong, Err(HookError::Unauthorised(_))),
            "{wrong:?}"
        );
        let tampered = MEETING_ENDED.replace("Pipeline", "Pipe");
        let tampered = receive(Some(SECRET), &headers, tampered.as_bytes(), now());
        assert!(
            matches!(tampered, Err(HookError::Unauthorised(_))),
            "{tampered:?}"
        );
        // The timestamp is signed: moving it breaks the signature.
        let moved = test_headers(&[
            (TIMESTAMP_HEADER, &(TS + 1).to_string()),
            (SIGNATURE_HEADER, &signature(&TS.to_string(), MEETING_ENDED)),
        ]);
        let moved = receive(Some(SECRET), &moved, MEETING_ENDED.as_bytes(), now());
        assert!(
            matches!(moved, Err(HookError::Unauthorised(_))),
            "{moved:?}"
        );

        let no_signature = test_headers(&[(TIMESTAMP_HEADER, &TS.to_string())]);
        assert_eq!(
            receive(Some(SECRET), &no_signature, MEETING_ENDED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-zm-signature header".into()
            ))
        );
        let no_timestamp = test_headers(&[(SIGNATURE_HEADER, "v0=00")]);
        assert_eq!(
            receive(Some(SECRET), &no_timestamp, MEETING_ENDED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "missing x-zm-request-timestamp header".into()
            ))
        );
        assert_eq!(
            receive(None, &headers, MEETING_ENDED.as_bytes(), now()),
            Err(HookError::Unauthorised(
                "Zoom webhook secret is not configured".into()
            ))
        );
    }

    #[test]
    fn a_meeting_without_a_topic_is_an_event_no_topic_selector_matches() {
        let body = r#"{"event":"meeting.ended","event_ts":1795510000123,"payload":{"object":{"uuid":"u1","id":85746065432}}}"#;
        let Ok(Parsed::Event(event)) =
            receive(Some(SECRET), &signed(body), body.as_bytes(), now()).map(|v| v.parsed)
        else {
            panic!("a meeting without a topic is still an event");
        };
        assert_eq!(event.title, "Zoom meeting");
        assert_eq!(event.subject, "meeting:u1");
        assert!(!event.attributes.contains_key("topic"));
        let by_topic: crate::domain::event::Selector = "zoom:topic~Pipeline:meeting_ended"
            .parse()
            .expect("selector");
        assert!(!by_topic.matches(&event));
        let any: crate::domain::event::Selector = "zoom:meeting_ended".parse().expect("selector");
        assert!(any.matches(&event));
    }

    #[test]
    fn signed_but_unreadable_bodies_are_malformed() {
        for body in [
            "not json",
            "{}",
            r#"{"event":"endpoint.url_validation","payload":{}}"#,
            r#"{"event":"meeting.ended","payload":{"object":{"topic":"T"}}}"#,
        ] {
            let result = receive(Some(SECRET), &signed(body), body.as_bytes(), now());
            assert!(
                matches!(result, Err(HookError::Malformed(_))),
                "{body}: {result:?}"
            );
        }
    }
}
