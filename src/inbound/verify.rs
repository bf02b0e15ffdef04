//! HMAC-SHA256 helpers shared by every source that signs its requests (Slack, Jira, GitHub,
//! Linear, Zoom, our generic hooks). Comparison is constant-time through `Mac::verify_slice`,
//! and the expected MAC is never exposed, so it cannot end up in a log.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Whether `signature_hex` is the lower- or upper-case hex HMAC-SHA256 of the concatenated
/// `parts` under `key`. Malformed hex is simply a mismatch.
pub fn hmac_sha256_matches_hex(key: &[u8], parts: &[&[u8]], signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(&signature).is_ok()
}

/// The hex HMAC-SHA256 of the concatenated `parts`; for signing test requests and for sources
/// that want a MAC echoed back (Zoom's URL validation).
pub fn hmac_sha256_hex(key: &[u8], parts: &[&[u8]]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    for part in parts {
        mac.update(part);
    }
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's documented example (platforms.md).
    #[test]
    fn matches_githubs_published_vector() {
        let expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        let key = b"It's a Secret to Everybody";
        assert_eq!(hmac_sha256_hex(key, &[b"Hello, World!"]), expected);
        assert!(hmac_sha256_matches_hex(
            key,
            &[b"Hello, ", b"World!"],
            expected
        ));
        assert!(hmac_sha256_matches_hex(
            key,
            &[b"Hello, World!"],
            &expected.to_uppercase()
        ));
        assert!(!hmac_sha256_matches_hex(key, &[b"Hello, World?"], expected));
        assert!(!hmac_sha256_matches_hex(key, &[b"Hello, World!"], "zz"));
        assert!(!hmac_sha256_matches_hex(
            key,
            &[b"Hello, World!"],
            &expected[..60]
        ));
    }
}
