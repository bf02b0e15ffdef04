//! Names: what is refused and why, what normalisation does, and which names look alike.

use super::*;

fn refused(typed: &str) -> (char, usize, Refusal, String) {
    match normalise(typed) {
        Err(
            error @ NameError::Refused {
                character,
                position,
                reason,
            },
        ) => (character, position, reason, error.to_string()),
        other => panic!("{typed:?} was not refused: {other:?}"),
    }
}

#[test]
fn a_right_to_left_override_is_refused_by_name_and_position() {
    let (character, position, reason, message) = refused("run \u{202E}RBE");
    assert_eq!(
        (character, position, reason),
        ('\u{202E}', 5, Refusal::Bidirectional)
    );
    assert!(message.contains("character 5"), "{message}");
    assert!(
        message.contains("U+202E RIGHT-TO-LEFT OVERRIDE"),
        "{message}"
    );
}

#[test]
fn every_bidirectional_control_is_refused() {
    for c in [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
        '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    ] {
        let (character, position, reason, message) = refused(&format!("a{c}b"));
        assert_eq!(
            (character, position, reason),
            (c, 2, Refusal::Bidirectional)
        );
        assert!(
            message.contains(&format!("U+{:04X} ", u32::from(c))),
            "{message}"
        );
    }
}

#[test]
fn a_zero_width_space_is_refused() {
    let (character, position, reason, message) = refused("run\u{200B}EBR");
    assert_eq!(
        (character, position, reason),
        ('\u{200B}', 4, Refusal::Invisible)
    );
    assert!(message.contains("U+200B ZERO WIDTH SPACE"), "{message}");
}

#[test]
fn other_invisible_and_control_characters_are_refused() {
    let cases = [
        ('\u{200C}', Refusal::Invisible),
        ('\u{200D}', Refusal::Invisible),
        ('\u{2060}', Refusal::Invisible),
        ('\u{FEFF}', Refusal::Invisible),
        ('\u{00AD}', Refusal::Invisible),
        ('\u{3164}', Refusal::Invisible),
        ('\u{E0041}', Refusal::Invisible), // a tag character, Cf
        ('\u{0000}', Refusal::Control),
        ('\u{0007}', Refusal::Control),
        ('\u{0085}', Refusal::Control),
        ('\u{2003}', Refusal::UnusualSpace),
        ('\u{2028}', Refusal::UnusualSpace),
        ('\u{E000}', Refusal::PrivateUse),
    ];
    for (c, expected) in cases {
        let (character, position, reason, _) = refused(&format!("EBR{c}"));
        assert_eq!(
            (character, position, reason),
            (c, 4, expected),
            "U+{:04X}",
            u32::from(c)
        );
    }
    assert!(refused("a\0b").3.contains("U+0000 NULL"));
    // Unnamed characters are still given by code point.
    assert!(
        refused("a\u{0007}")
            .3
            .contains("U+0007, a control character")
    );
}

#[test]
fn spaces_are_trimmed_and_collapsed() {
    assert_eq!(normalise("  run \t EBR \n").as_deref(), Ok("run EBR"));
    assert_eq!(normalise("run\u{00A0}EBR").as_deref(), Ok("run EBR"));
    assert_eq!(
        normalise("顧客との\u{3000}商談").as_deref(),
        Ok("顧客との 商談")
    );
    assert_eq!(normalise(" \t "), Err(NameError::Empty));
    assert_eq!(normalise(""), Err(NameError::Empty));
}

#[test]
fn combining_sequences_are_composed() {
    let decomposed = "Kundengespra\u{0308}ch fu\u{0308}hren";
    let name = normalise(decomposed).expect("accepted");
    assert_eq!(name, "Kundengespräch führen");
    assert_eq!(name.chars().count(), decomposed.chars().count() - 2);
}

#[test]
fn names_in_any_script_are_accepted_as_typed() {
    for name in [
        "Kundengespräch führen",
        "顧客との商談",
        "Ελληνική παρουσίαση",
        "ניהול פגישה",
        "إدارة الاجتماع",
        "café ☕ pairing",
        "run EBR (v2)",
    ] {
        assert_eq!(normalise(name).as_deref(), Ok(name));
    }
}

#[test]
fn a_cyrillic_letter_makes_a_look_alike() {
    let existing = ["lead retro", "run EBR"];
    // "Е" is U+0415 CYRILLIC CAPITAL LETTER IE.
    assert_eq!(confusable_with("run \u{0415}BR", existing), Some("run EBR"));
    assert_eq!(confusable_with("run \u{0435}br", existing), Some("run EBR"));
}

#[test]
fn full_width_letters_make_a_look_alike() {
    assert_eq!(confusable_with("run ＥＢＲ", ["run EBR"]), Some("run EBR"));
}

#[test]
fn a_decomposed_spelling_looks_like_the_composed_one() {
    assert_eq!(
        confusable_with("Kundengespra\u{0308}ch führen", ["Kundengespräch führen"]),
        Some("Kundengespräch führen")
    );
}

#[test]
fn the_same_name_or_a_different_one_is_not_a_look_alike() {
    let existing = ["run EBR", "Kundengespräch führen", "顧客との商談"];
    // The same name, ignoring case and spacing: a duplicate, not a look-alike.
    assert_eq!(confusable_with("Run  ebr", existing), None);
    assert_eq!(confusable_with("顧客との商談", existing), None);
    // Genuinely different names.
    assert_eq!(confusable_with("run QBR", existing), None);
    assert_eq!(confusable_with("Kundengesprach fuhren", existing), None);
    assert_eq!(confusable_with("顧客との面談", existing), None);
}
