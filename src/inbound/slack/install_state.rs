//! The `state` of an install: `NONCE.EXPIRES.MAC`, a random nonce, when it expires (Unix
//! seconds) and an HMAC-SHA256 of both under the app's client secret. The nonce is also set in a
//! cookie on the browser that started the install, so a callback is accepted only from that
//! browser; the store makes it single-use across replicas. Nothing is written when a state is
//! issued, so the public install page cannot be used to fill the database.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::inbound::verify::{hmac_sha256_hex, hmac_sha256_matches_hex};

/// How long an install may take, from the Add to Slack page to the callback.
pub(crate) const LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// The cookie holding the nonce.
pub(crate) const COOKIE: &str = "cadence_slack_install";

/// A state just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    /// The nonce, for the cookie and the store.
    pub nonce: String,
    /// The whole `state` parameter.
    pub state: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Why a callback's `state` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StateProblem {
    /// No state, or not one Cadence issued.
    #[error("the install link is not one this Cadence issued")]
    Forged,
    /// Issued, but more than ten minutes ago.
    #[error("the install link has expired")]
    Expired,
    /// Already used to finish an install.
    #[error("the install link has been used already")]
    Used,
    /// Issued to another browser (or its cookie was lost).
    #[error("the install was started in another browser")]
    OtherBrowser,
}

/// A fresh state, valid for [`LIFETIME`] from `now`.
pub(crate) fn issue(secret: &SecretString, now: DateTime<Utc>) -> Result<Issued, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    let nonce = hex::encode(bytes);
    let expires_at = now + LIFETIME;
    let signed = format!("{nonce}.{}", expires_at.timestamp());
    let mac = hmac_sha256_hex(secret.expose_secret().as_bytes(), &[signed.as_bytes()]);
    Ok(Issued {
        state: format!("{signed}.{mac}"),
        nonce,
        expires_at,
    })
}

/// A state that passed [`check`]: its nonce and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    /// The nonce, to be used up in the store.
    pub nonce: String,
    /// When the state stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// `state` if it is one Cadence issued, unexpired, to the browser whose cookie holds
/// `cookie_nonce`.
pub(crate) fn check(
    secret: &SecretString,
    state: &str,
    cookie_nonce: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Checked, StateProblem> {
    let mut parts = state.split('.');
    let (Some(nonce), Some(expires), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(StateProblem::Forged);
    };
    let signed = format!("{nonce}.{expires}");
    if !hmac_sha256_matches_hex(secret.expose_secret().as_bytes(), &[signed.as_bytes()], mac) {
        return Err(StateProblem::Forged);
    }
    let expires_at = expires
        .parse()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or(StateProblem::Forged)?;
    if expires_at <= now {
        return Err(StateProblem::Expired);
    }
    if cookie_nonce != Some(nonce) {
        return Err(StateProblem::OtherBrowser);
    }
    Ok(Checked {
        nonce: nonce.to_owned(),
        expires_at,
    })
}

/// The nonce in a request's `Cookie` header, if it carries Cadence's install cookie.
pub(crate) fn cookie_nonce(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> SecretString {
        SecretString::from("client-secret")
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("time")
    }

    #[test]
    fn a_state_is_accepted_from_its_browser_until_it_expires() {
        let issued = issue(&secret(), at(1_000)).expect("random");
        assert_eq!(issued.nonce.len(), 32);
        let ok = check(&secret(), &issued.state, Some(&issued.nonce), at(1_599));
        assert_eq!(
            ok,
            Ok(Checked {
                nonce: issued.nonce.clone(),
                expires_at: at(1_600)
            })
        );
        assert_eq!(
            check(&secret(), &issued.state, Some(&issued.nonce), at(1_600)),
            Err(StateProblem::Expired)
        );
        assert_eq!(
            check(&secret(), &issued.state, None, at(1_001)),
            Err(StateProblem::OtherBrowser)
        );
        assert_eq!(
            check(&secret(), &issued.state, Some("another"), at(1_001)),
            Err(StateProblem::OtherBrowser)
        );
    }

    #[test]
    fn a_state_not_signed_with_the_secret_is_forged() {
        let issued = issue(&secret(), at(1_000)).expect("random");
        let other = SecretString::from("another-secret");
        assert_eq!(
            check(&other, &issued.state, Some(&issued.nonce), at(1_001)),
            Err(StateProblem::Forged)
        );
        // A later expiry, with the MAC of the original: refused.
        let (signed, mac) = issued.state.rsplit_once('.').expect("mac");
        let (nonce, _) = signed.split_once('.').expect("nonce");
        let stretched = format!("{nonce}.99999999999.{mac}");
        assert_eq!(
            check(&secret(), &stretched, Some(nonce), at(1_001)),
            Err(StateProblem::Forged)
        );
        for junk in ["", "a.b", "a.b.c.d", "..", "x.1.zz"] {
            assert_eq!(
                check(&secret(), junk, Some("x"), at(1)),
                Err(StateProblem::Forged),
                "{junk}"
            );
        }
    }

    #[test]
    fn the_nonce_is_read_from_among_other_cookies() {
        assert_eq!(
            cookie_nonce("a=1; cadence_slack_install=abc; b=2"),
            Some("abc")
        );
        assert_eq!(cookie_nonce("cadence_slack_installx=abc"), None);
        assert_eq!(cookie_nonce(""), None);
    }
}
