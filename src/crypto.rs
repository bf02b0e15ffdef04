//! Encryption at rest for the tokens and secrets Cadence stores (bot tokens from OAuth installs,
//! per-tenant event-source secrets, iCalendar feed addresses).
//!
//! A [`KeyRing`] holds the keys from `CADENCE_ENCRYPTION_KEYS`, newest first: the newest seals,
//! every key opens. Each sealed value names the key that sealed it, so opening goes straight to
//! that key, and [`KeyRing::needs_rotation`] tells `cadence rotate-key` which values to re-seal
//! after a new key is put in front. Removing an old key from the list is safe once nothing sealed
//! with it is left.
//!
//! The stored form is text, versioned and self-describing:
//! `v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. `v1` is XChaCha20-Poly1305 with a
//! 192-bit nonce drawn from the operating system's random source for every value (random nonces
//! that long never repeat in practice, so no counter has to survive restarts or be shared
//! between replicas). The key id is the first four bytes of a SHA-256 of the key, in hex: it
//! finds the key without revealing anything about it. The `v1:<key id>:` header and the
//! caller's associated data (say, the row's tenant and column) are authenticated with the value,
//! so a value copied to another row, or a header edited to point at another key, fails to open.
//!
//! Keys live in [`SecretBox`]es that are zeroed when dropped, and no `Debug` or error message
//! shows a key, a plaintext, or the text being opened.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, general_purpose};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox, SecretSlice, SecretString};
use sha2::{Digest, Sha256};

/// Why `CADENCE_ENCRYPTION_KEYS` does not read; never holds a key's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{KEYS_VARIABLE}: {0}")]
pub struct BadKeys(pub String);

/// The environment variable holding the keys: comma-separated base64, newest first.
pub const KEYS_VARIABLE: &str = "CADENCE_ENCRYPTION_KEYS";
/// The stored format this module writes.
pub const FORMAT_VERSION: &str = "v1";
/// Bytes in a key (XChaCha20-Poly1305 takes 256-bit keys).
pub const KEY_LEN: usize = 32;
/// Bytes in a nonce.
const NONCE_LEN: usize = 24;
/// Bytes in the Poly1305 tag.
const TAG_LEN: usize = 16;
/// Hex characters in a key id.
const KEY_ID_LEN: usize = 8;

/// Keys are read as standard base64 (what `openssl rand -base64 32` prints), with or without
/// the trailing `=`.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a value could not be sealed or opened. No message includes a key, a plaintext, or the
/// text given to [`KeyRing::open`] (which may be a plaintext stored before encryption was on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The text is not in the `v1:<key id>:<data>` form.
    #[error("not a sealed value: {0}")]
    Malformed(&'static str),
    /// The text names a format this build does not know.
    #[error("sealed with format {0:?}, which this version of Cadence cannot open")]
    UnsupportedVersion(String),
    /// The key that sealed the value is not in the key ring.
    #[error("sealed with key {0}, which is not in {KEYS_VARIABLE}")]
    UnknownKey(KeyId),
    /// Authentication failed: the value was altered, belongs to other associated data, or was
    /// sealed by another key with the same id.
    #[error("the sealed value does not authenticate (altered, or sealed for other data)")]
    Rejected,
    /// The opened value is not UTF-8 text.
    #[error("the opened value is not text")]
    NotText,
    /// The operating system's random source failed.
    #[error("no randomness for a nonce: {0}")]
    Random(String),
    /// The cipher refused to seal (a value far larger than anything Cadence stores).
    #[error("the value cannot be sealed")]
    Seal,
}

/// A key's short public name: eight hex digits of a hash of the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// The id of `key`. Domain-separated so it equals no other hash of the key anyone keeps.
    fn of(key: &[u8; KEY_LEN]) -> KeyId {
        let digest = Sha256::new()
            .chain_update(b"cadence encryption key id\0")
            .chain_update(key)
            .finalize();
        KeyId(hex::encode(&digest[..KEY_ID_LEN / 2]))
    }

    /// The id as stored in sealed values.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One key and its id.
struct RingKey {
    id: KeyId,
    secret: SecretBox<[u8; KEY_LEN]>,
}

/// The keys values are sealed and opened with: the first seals, all of them open.
pub struct KeyRing {
    /// Newest first; never empty.
    keys: Vec<RingKey>,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("KeyRing").field("key_ids", &ids).finish()
    }
}

impl KeyRing {
    /// Reads `CADENCE_ENCRYPTION_KEYS`' value: comma-separated base64 keys of 32 bytes, newest
    /// first. Errors name the variable and the key's position, never its text.
    pub fn parse(text: &str) -> Result<KeyRing, BadKeys> {
        let problem = BadKeys;
        if text.trim().is_empty() {
            return Err(problem(
                "no keys; give one or more base64 keys of 32 bytes (`openssl rand -base64 32`)"
                    .to_owned(),
            ));
        }
        let mut keys: Vec<RingKey> = Vec::new();
        for (index, item) in text.split(',').enumerate() {
            let position = index + 1;
            let bytes = Zeroizing::new(
                KEY_BASE64
                    .decode(item.trim())
                    .map_err(|_| problem(format!("key {position} is not base64")))?,
            );
            if bytes.len() != KEY_LEN {
                return Err(problem(format!(
                    "key {position} is {} bytes; each key must be {KEY_LEN} (`openssl rand -base64 32` makes one)",
                    bytes.len()
                )));
            }
            let secret = SecretBox::init_with_mut(|key: &mut [u8; KEY_LEN]| {
                key.copy_from_slice(&bytes);
            });
            let id = KeyId::of(secret.expose_secret());
            if let Some(earlier) = keys.iter().position(|k| k.id == id) {
                return Err(problem(format!(
                    "key {position} repeats key {} (or shares its id {id}); list each key once",
                    earlier + 1
                )));
            }
            keys.push(RingKey { id, secret });
        }
        Ok(KeyRing { keys })
    }

    /// The id of the key that seals new values.
    pub fn newest(&self) -> &KeyId {
        &self.keys[0].id
    }

    /// Every key's id, newest first.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.iter().map(|k| &k.id)
    }

    /// Seals `plaintext` with the newest key, bound to `associated_data` (which is not stored:
    /// the same bytes must be given to [`KeyRing::open`]).
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<String, CryptoError> {
        let key = &self.keys[0];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| CryptoError::Random(e.to_string()))?;
        let nonce = XNonce::from(nonce);
        let header = header(&key.id);
        let aad = [header.as_bytes(), associated_data].concat();
        let ciphertext = cipher(key)?
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(format!("{header}{}", URL_SAFE_NO_PAD.encode(blob)))
    }

    /// Opens a value sealed by any key in the ring for the same `associated_data`.
    pub fn open(
        &self,
        sealed: &str,
        associated_data: &[u8],
    ) -> Result<SecretSlice<u8>, CryptoError> {
        let parsed = Sealed::parse(sealed)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id.as_str() == parsed.key_id)
            .ok_or_else(|| CryptoError::UnknownKey(KeyId(parsed.key_id.to_owned())))?;
        let blob = URL_SAFE_NO_PAD
            .decode(parsed.data)
            .map_err(|_| CryptoError::Malformed("the data is not base64url"))?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed("the data is too short"));
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Malformed("bad nonce"))?;
        let aad = [header(&key.id).as_bytes(), associated_data].concat();
        let plaintext = cipher(key)?
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| CryptoError::Rejected)?;
        Ok(SecretSlice::from(plaintext))
    }

    /// [`KeyRing::open`] for a value that is text, such as a token.
    pub fn open_text(
        &self,
        sealed: &str,
        associated_data: &[u8],
    ) -> Result<SecretString, CryptoError> {
        let bytes = self.open(sealed, associated_data)?;
        match std::str::from_utf8(bytes.expose_secret()) {
            Ok(text) => Ok(SecretString::from(text.to_owned())),
            Err(_) => Err(CryptoError::NotText),
        }
    }

    /// Whether `sealed` should be sealed again with the newest key: it names an older key, or
    /// is not a sealed value at all (a plaintext kept from before encryption was turned on).
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        Sealed::parse(sealed).map_or(true, |parsed| parsed.key_id != self.newest().as_str())
    }
}

/// The authenticated prefix of every value sealed with `id`.
fn header(id: &KeyId) -> String {
    format!("{FORMAT_VERSION}:{id}:")
}

/// A cipher for `key`; its copy of the key is zeroed when dropped (the `zeroize` feature).
fn cipher(key: &RingKey) -> Result<XChaCha20Poly1305, CryptoError> {
    XChaCha20Poly1305::new_from_slice(key.secret.expose_secret()).map_err(|_| CryptoError::Seal)
}

/// The parts of a stored value, not yet authenticated.
struct Sealed<'a> {
    key_id: &'a str,
    data: &'a str,
}

impl<'a> Sealed<'a> {
    fn parse(text: &'a str) -> Result<Sealed<'a>, CryptoError> {
        let mut parts = text.splitn(3, ':');
        let (Some(version), Some(key_id), Some(data)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Malformed("expected VERSION:KEY:DATA"));
        };
        let looks_like_version = version.len() <= 4
            && version.starts_with('v')
            && version[1..].chars().all(|c| c.is_ascii_digit());
        if !looks_like_version {
            return Err(CryptoError::Malformed("expected VERSION:KEY:DATA"));
        }
        if version != FORMAT_VERSION {
            return Err(CryptoError::UnsupportedVersion(version.to_owned()));
        }
        let is_key_id = key_id.len() == KEY_ID_LEN
            && key_id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !is_key_id {
            return Err(CryptoError::Malformed("the key id is not 8 hex digits"));
        }
        Ok(Sealed { key_id, data })
    }
}

/// A fresh random key in the form `CADENCE_ENCRYPTION_KEYS` takes (for `cadence rotate-key`
/// and tests).
pub fn generate_key() -> Result<SecretString, CryptoError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(key.as_mut()).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(SecretString::from(
        general_purpose::STANDARD.encode(key.as_ref()),
    ))
}

/// Seals what Cadence stores secretly with the key ring when one is configured, and keeps it
/// as marked plain text when none is (start-up warns about that): one place decides, so callers
/// never branch on it.
#[derive(Debug, Clone, Default)]
pub struct Sealer {
    ring: Option<std::sync::Arc<KeyRing>>,
}

/// The mark on a value stored without encryption.
const PLAIN: &str = "plain:";

impl Sealer {
    /// Seals with `ring`, or keeps plain text when `None`.
    pub fn new(ring: Option<KeyRing>) -> Self {
        Sealer {
            ring: ring.map(std::sync::Arc::new),
        }
    }

    /// Whether values are encrypted at rest.
    pub fn encrypts(&self) -> bool {
        self.ring.is_some()
    }

    /// `stored` sealed again with the newest key, when it is plain text or names an older
    /// key; `None` when it needs nothing (or there are no keys to seal with).
    pub fn reseal(
        &self,
        stored: &str,
        associated_data: &[u8],
    ) -> Result<Option<String>, CryptoError> {
        let Some(ring) = &self.ring else {
            return Ok(None);
        };
        if !ring.needs_rotation(stored) {
            return Ok(None);
        }
        let text = self.open_text(stored, associated_data)?;
        ring.seal(text.expose_secret().as_bytes(), associated_data)
            .map(Some)
    }

    /// `text` as stored, bound to `associated_data` when sealed.
    pub fn seal_text(&self, text: &str, associated_data: &[u8]) -> Result<String, CryptoError> {
        match &self.ring {
            Some(ring) => ring.seal(text.as_bytes(), associated_data),
            None => Ok(format!("{PLAIN}{text}")),
        }
    }

    /// A stored value opened: plain text as it is, a sealed one with the ring.
    pub fn open_text(
        &self,
        stored: &str,
        associated_data: &[u8],
    ) -> Result<SecretString, CryptoError> {
        if let Some(plain) = stored.strip_prefix(PLAIN) {
            return Ok(SecretString::from(plain.to_owned()));
        }
        match &self.ring {
            Some(ring) => ring.open_text(stored, associated_data),
            None => Err(CryptoError::Malformed(
                "a sealed value, and no CADENCE_ENCRYPTION_KEYS to open it",
            )),
        }
    }
}

#[cfg(test)]
mod tests;
