//! Slack request signing, v0: HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the app's
//! signing secret, sent as `X-Slack-Signature: v0=<hex>` beside `X-Slack-Request-Timestamp`.
//! Requests older or newer than five minutes are refused so a captured request cannot be
//! replayed. <https://api.slack.com/authentication/verifying-requests-from-slack>

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};

use crate::inbound::verify::hmac_sha256_matches_hex;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Why a request was not accepted as coming from Slack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signing secret is configured, so nothing can be verified.
    #[error("Slack is not configured (SLACK_SIGNING_SECRET is unset)")]
    NotConfigured,
    /// A required header is missing.
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    /// The timestamp is not a number.
    #[error("malformed X-Slack-Request-Timestamp")]
    MalformedTimestamp,
    /// The timestamp is outside the replay window.
    #[error("request timestamp is {0} s away from now")]
    Stale(i64),
    /// The signature does not match the body.
    #[error("signature mismatch")]
    Mismatch,
}

/// Checks a request's signature against its raw body.
pub fn verify(
    secret: Option<&SecretString>,
    headers: &HeaderMap,
    body: &[u8],
    now_unix: i64,
) -> Result<(), SignatureError> {
    let secret = secret.ok_or(SignatureError::NotConfigured)?;
    let timestamp = header(headers, "x-slack-request-timestamp")?;
    let signature = header(headers, "x-slack-signature")?;
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| SignatureError::MalformedTimestamp)?;
    let skew = now_unix.saturating_sub(seconds);
    if now_unix.abs_diff(seconds) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
        return Err(SignatureError::Stale(skew));
    }
    let hex = signature
        .strip_prefix("v0=")
        .ok_or(SignatureError::Mismatch)?;
    let key = secret.expose_secret().as_bytes();
    if hmac_sha256_matches_hex(key, &[b"v0:", timestamp.as_bytes(), b":", body], hex) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `X-Slack-Signature` value for a body; for tests, the demo and benchmarks.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let ts = timestamp.to_string();
    let hex = crate::inbound::verify::hmac_sha256_hex(
        secret.as_bytes(),
        &[b"v0:", ts.as_bytes(), b":", body],
    );
    format!("v0={hex}")
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, SignatureError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or(SignatureError::MissingHeader(name))
}

impl From<SignatureError> for crate::error::AppError {
    fn from(e: SignatureError) -> Self {
        crate::error::AppError::Unauthorised(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    // Slack's published worked example (platforms.md).
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: i64 = 1531420618;
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const EXPECTED: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn headers(timestamp: &str, signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "x-slack-request-timestamp",
            HeaderValue::from_str(timestamp).expect("ascii"),
        );
        h.insert(
            "x-slack-signature",
            HeaderValue::from_str(signature).expect("ascii"),
        );
        h
    }

    fn secret() -> SecretString {
        SecretString::from(SECRET)
    }

    #[test]
    fn signs_slacks_worked_example() {
        assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), EXPECTED);
    }

    #[test]
    fn accepts_slacks_worked_example_within_the_window() {
        let h = headers("1531420618", EXPECTED);
        assert_eq!(
            verify(Some(&secret()), &h, BODY.as_bytes(), TIMESTAMP),
            Ok(())
        );
        assert_eq!(
            verify(Some(&secret()), &h, BODY.as_bytes(), TIMESTAMP + 300),
            Ok(())
        );
        assert_eq!(
            verify(Some(&secret()), &h, BODY.as_bytes(), TIMESTAMP - 300),
            Ok(())
        );
    }

    #[test]
    fn refuses_stale_and_future_timestamps() {
        let h = headers("1531420618", EXPECTED);
        assert_eq!(
            verify(Some(&secret()), &h, BODY.as_bytes(), TIMESTAMP + 301),
            Err(SignatureError::Stale(301))
        );
        assert_eq!(
            verify(Some(&secret()), &h, BODY.as_bytes(), TIMESTAMP - 301),
            Err(SignatureError::Stale(-301))
        );
    }

    #[test]
    fn refuses_any_change_to_body_signature_or_secret() {
        let h = headers("1531420618", EXPECTED);
        let tampered = BODY.replace("roadrunner", "coyote");
        assert_eq!(
            verify(Some(&secret()), &h, tampered.as_bytes(), TIMESTAMP),
            Err(SignatureError::Mismatch)
        );
        let other = SecretString::from("another-secret");
        assert_eq!(
            verify(Some(&other), &h, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::Mismatch)
        );
        let no_prefix = headers("1531420618", EXPECTED.trim_start_matches("v0="));
        assert_eq!(
            verify(Some(&secret()), &no_prefix, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::Mismatch)
        );
        let v1 = headers("1531420618", &EXPECTED.replace("v0=", "v1="));
        assert_eq!(
            verify(Some(&secret()), &v1, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::Mismatch)
        );
        // The timestamp is part of what is signed: moving it breaks the signature.
        let moved = headers("1531420619", EXPECTED);
        assert_eq!(
            verify(Some(&secret()), &moved, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn refuses_missing_or_malformed_headers_and_missing_secret() {
        let empty = HeaderMap::new();
        assert_eq!(
            verify(Some(&secret()), &empty, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MissingHeader("x-slack-request-timestamp"))
        );
        let mut only_ts = HeaderMap::new();
        only_ts.insert(
            "x-slack-request-timestamp",
            HeaderValue::from_static("1531420618"),
        );
        assert_eq!(
            verify(Some(&secret()), &only_ts, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MissingHeader("x-slack-signature"))
        );
        let bad_ts = headers("yesterday", EXPECTED);
        assert_eq!(
            verify(Some(&secret()), &bad_ts, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MalformedTimestamp)
        );
        let h = headers("1531420618", EXPECTED);
        assert_eq!(
            verify(None, &h, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::NotConfigured)
        );
    }
}
