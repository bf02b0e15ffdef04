//! The key ring's promises: round trips, rotation, and every refusal.

use secrecy::ExposeSecret;

use super::*;

/// Two fixed keys (base64 of 32 bytes each), so failures are reproducible.
const OLD: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const NEW: &str = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

fn ring(text: &str) -> KeyRing {
    KeyRing::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn open_bytes(ring: &KeyRing, sealed: &str, ad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    ring.open(sealed, ad).map(|s| s.expose_secret().to_vec())
}

#[test]
fn a_sealed_value_opens_to_what_was_sealed() {
    let ring = ring(NEW);
    let sealed = ring
        .seal(b"xoxb-1-2-3", b"tenant T1/bot_token")
        .expect("seal");
    assert!(
        sealed.starts_with(&format!("v1:{}:", ring.newest())),
        "{sealed}"
    );
    assert!(!sealed.contains("xoxb"));
    assert_eq!(
        open_bytes(&ring, &sealed, b"tenant T1/bot_token"),
        Ok(b"xoxb-1-2-3".to_vec())
    );
    let text = ring
        .open_text(&sealed, b"tenant T1/bot_token")
        .expect("text");
    assert_eq!(text.expose_secret(), "xoxb-1-2-3");
}

#[test]
fn every_seal_draws_a_fresh_nonce() {
    let ring = ring(NEW);
    let a = ring.seal(b"same", b"").expect("seal");
    let b = ring.seal(b"same", b"").expect("seal");
    assert_ne!(a, b);
}

#[test]
fn after_rotation_old_values_open_and_new_ones_use_the_newest_key() {
    let before = ring(OLD);
    let old_value = before.seal(b"secret", b"ad").expect("seal");

    let after = ring(&format!("{NEW}, {OLD}"));
    assert_eq!(
        open_bytes(&after, &old_value, b"ad"),
        Ok(b"secret".to_vec())
    );
    assert!(after.needs_rotation(&old_value));

    let resealed = after.seal(b"secret", b"ad").expect("seal");
    assert!(!after.needs_rotation(&resealed));
    assert!(resealed.starts_with(&format!("v1:{}:", ring(NEW).newest())));
    assert_ne!(after.newest(), before.newest());
    assert_eq!(
        after.key_ids().cloned().collect::<Vec<_>>(),
        vec![ring(NEW).newest().clone(), before.newest().clone()]
    );
}

#[test]
fn a_value_sealed_with_a_key_no_longer_listed_is_refused_by_name() {
    let old_value = ring(OLD).seal(b"secret", b"ad").expect("seal");
    let error = ring(NEW).open(&old_value, b"ad").err();
    assert_eq!(
        error,
        Some(CryptoError::UnknownKey(ring(OLD).newest().clone()))
    );
}

#[test]
fn altered_values_are_refused() {
    let ring = ring(&format!("{NEW},{OLD}"));
    let sealed = ring.seal(b"secret", b"ad").expect("seal");
    // One bit of the ciphertext changed, away from the last character (whose spare bits a
    // strict base64 decoder checks), so the value still decodes and only the tag can object.
    let at = sealed.len() - 5;
    let flipped = match &sealed[at..=at] {
        "A" => "B",
        _ => "A",
    };
    let altered = format!("{}{flipped}{}", &sealed[..at], &sealed[at + 1..]);
    assert_eq!(
        open_bytes(&ring, &altered, b"ad"),
        Err(CryptoError::Rejected)
    );
    // Pointing the header at the other key does not open it either.
    let other = ring.key_ids().nth(1).expect("two keys").to_string();
    let rekeyed = sealed.replacen(ring.newest().as_str(), &other, 1);
    assert_eq!(
        open_bytes(&ring, &rekeyed, b"ad"),
        Err(CryptoError::Rejected)
    );
    // Nor does a truncated value.
    assert!(matches!(
        ring.open(&sealed[..12], b"ad"),
        Err(CryptoError::Malformed(_))
    ));
}

#[test]
fn a_value_opened_for_other_associated_data_is_refused() {
    let ring = ring(NEW);
    let sealed = ring.seal(b"secret", b"tenant T1").expect("seal");
    assert_eq!(
        open_bytes(&ring, &sealed, b"tenant T2"),
        Err(CryptoError::Rejected)
    );
    assert_eq!(open_bytes(&ring, &sealed, b""), Err(CryptoError::Rejected));
}

#[test]
fn text_that_is_not_a_sealed_value_is_refused_without_echoing_it() {
    let ring = ring(NEW);
    for text in [
        "xoxb-plain-token",
        "",
        "v1:",
        "https://example.com/x",
        "v1:zz:abc",
    ] {
        let error = ring.open(text, b"").expect_err("refused");
        assert!(
            matches!(error, CryptoError::Malformed(_)),
            "{text}: {error}"
        );
        if !text.is_empty() {
            assert!(!error.to_string().contains(text), "{error}");
        }
        assert!(ring.needs_rotation(text), "{text}");
    }
    let future = format!("v2:{}:AAAA", ring.newest());
    assert_eq!(
        ring.open(&future, b"").err(),
        Some(CryptoError::UnsupportedVersion("v2".to_owned()))
    );
}

#[test]
fn binary_values_are_not_text() {
    let ring = ring(NEW);
    let sealed = ring.seal(&[0xff, 0xfe], b"").expect("seal");
    assert!(matches!(
        ring.open_text(&sealed, b""),
        Err(CryptoError::NotText)
    ));
}

#[test]
fn bad_key_lists_are_refused_naming_the_variable() {
    let short = "AAECAwQFBgcICQoLDA0ODw=="; // 16 bytes
    let cases = [
        ("", "no keys"),
        ("   ", "no keys"),
        ("not base64!", "key 1 is not base64"),
        (short, "key 1 is 16 bytes"),
        (&format!("{NEW},{short}"), "key 2 is 16 bytes"),
        (&format!("{NEW},,{OLD}"), "key 2 is"),
        (&format!("{NEW},{OLD},{NEW}"), "key 3 repeats key 1"),
    ];
    for (text, expected) in cases {
        let error = KeyRing::parse(text)
            .err()
            .unwrap_or_else(|| panic!("{text} accepted"));
        let message = error.to_string();
        assert!(
            message.starts_with("CADENCE_ENCRYPTION_KEYS: "),
            "{message}"
        );
        assert!(message.contains(expected), "{text}: {message}");
        assert!(
            !message.contains(NEW) && !message.contains(OLD),
            "{message}"
        );
    }
}

#[test]
fn keys_without_padding_are_read_too() {
    let unpadded = NEW.trim_end_matches('=');
    assert_eq!(ring(unpadded).newest(), ring(NEW).newest());
}

#[test]
fn debug_output_names_key_ids_only() {
    let ring = ring(&format!("{NEW},{OLD}"));
    let printed = format!("{ring:?}");
    assert!(printed.contains(ring.newest().as_str()), "{printed}");
    let raw = general_purpose::STANDARD.decode(NEW).expect("base64");
    for leak in [
        NEW.to_owned(),
        OLD.to_owned(),
        hex::encode(&raw),
        format!("{raw:?}"),
    ] {
        assert!(!printed.contains(&leak), "{printed}");
    }
}

#[test]
fn generated_keys_are_accepted_and_distinct() {
    let a = generate_key().expect("key");
    let b = generate_key().expect("key");
    assert_ne!(a.expose_secret(), b.expose_secret());
    let ring = ring(&format!("{},{}", a.expose_secret(), b.expose_secret()));
    assert_eq!(ring.key_ids().count(), 2);
}

#[test]
fn a_sealer_encrypts_with_keys_and_marks_plain_text_without() {
    use super::Sealer;
    let key = generate_key().expect("key");
    let sealer = Sealer::new(Some(KeyRing::parse(key.expose_secret()).expect("ring")));
    let stored = sealer
        .seal_text("hook-secret", b"event_sources:s1")
        .expect("sealed");
    assert!(
        stored.starts_with("v1:") && !stored.contains("hook-secret"),
        "{stored}"
    );
    let opened = sealer
        .open_text(&stored, b"event_sources:s1")
        .expect("opens");
    assert_eq!(opened.expose_secret(), "hook-secret");
    assert!(
        sealer.open_text(&stored, b"event_sources:s2").is_err(),
        "bound to its row"
    );

    let plain = Sealer::default();
    let kept = plain
        .seal_text("hook-secret", b"event_sources:s1")
        .expect("kept");
    assert_eq!(kept, "plain:hook-secret");
    assert_eq!(
        plain.open_text(&kept, b"x").expect("reads").expose_secret(),
        "hook-secret"
    );
    assert!(
        plain.open_text(&stored, b"event_sources:s1").is_err(),
        "no keys, no opening"
    );
    // Turning encryption on later still reads what was kept plain.
    assert_eq!(
        sealer
            .open_text(&kept, b"x")
            .expect("reads")
            .expose_secret(),
        "hook-secret"
    );
}

#[test]
fn reseal_moves_plain_and_older_values_to_the_newest_key() {
    use super::Sealer;
    let (old, new) = (generate_key().expect("key"), generate_key().expect("key"));
    let before = Sealer::new(Some(KeyRing::parse(old.expose_secret()).expect("ring")));
    let sealed_old = before.seal_text("s3cret", b"row").expect("sealed");
    let both = format!("{},{}", new.expose_secret(), old.expose_secret());
    let after = Sealer::new(Some(KeyRing::parse(&both).expect("ring")));
    let moved = after
        .reseal(&sealed_old, b"row")
        .expect("reseals")
        .expect("moved");
    assert_ne!(moved, sealed_old);
    assert_eq!(
        after
            .open_text(&moved, b"row")
            .expect("opens")
            .expose_secret(),
        "s3cret"
    );
    assert_eq!(
        after.reseal(&moved, b"row").expect("checks"),
        None,
        "already newest"
    );
    let plain = after
        .reseal("plain:s3cret", b"row")
        .expect("seals")
        .expect("sealed");
    assert!(plain.starts_with("v1:"));
    assert_eq!(
        Sealer::default().reseal(&moved, b"row").expect("no keys"),
        None
    );
}
