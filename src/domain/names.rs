//! Names people type for capabilities, teams, tracks and modules: what makes one acceptable, and
//! when a new one only looks like a name that already exists.
//!
//! A name is shown to everyone in digests, cards and reports, so a character that changes how
//! text is displayed without being seen is refused: bidirectional controls (which can make
//! "run EBR" display as something else, the "Trojan Source" trick), zero-width and other format
//! characters, controls, and unusual spaces. The refusal names the character (U+XXXX and its
//! name) and its position, so the person can find and retype it. Everything else — any script,
//! accents, emoji — is welcome; the name is put in Unicode NFC (so a decomposed "ä" and a
//! precomposed one are the same name), trimmed, and its runs of spaces collapsed to one.
//!
//! Two names that differ only by look-alike letters (Cyrillic "Е" for Latin "E", full-width
//! "ＥＢＲ" for "EBR") would split one capability's levels between two rows that nobody can tell
//! apart. [`confusable_with`] compares names by the Unicode confusables skeleton (UTS #39), the
//! standard's own test for "looks the same", and returns the existing name a new one would be
//! mistaken for. This module is pure: it decides, the callers refuse.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_security::confusable_detection::skeleton;

use super::name_key;

/// Why a typed name cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing is left once spaces are trimmed.
    #[error("the name is empty")]
    Empty,
    /// A character that changes how the name displays, or cannot be seen.
    #[error(
        "character {position} of the name is {}, {}; retype the name without it",
        describe(*character),
        reason
    )]
    Refused {
        /// The character.
        character: char,
        /// Its position in the text as typed, counting characters from 1.
        position: usize,
        /// What kind of character it is.
        reason: Refusal,
    },
}

/// The kinds of character a name may not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Reorders how text is displayed (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
    Bidirectional,
    /// Takes no visible space: zero-width characters, joiners, fillers, other format characters.
    Invisible,
    /// A control code such as NUL.
    Control,
    /// A space other than the ordinary, no-break and ideographic ones, or a line separator.
    UnusualSpace,
    /// A private-use character, which displays differently on every device.
    PrivateUse,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Bidirectional => {
                "a bidirectional control that can make the name display in another order than it is stored"
            }
            Refusal::Invisible => "an invisible character",
            Refusal::Control => "a control character",
            Refusal::UnusualSpace => "an unusual space",
            Refusal::PrivateUse => "a private-use character that displays differently everywhere",
        })
    }
}

/// The characters refused by name, with their Unicode names, so a message can say which one.
const NAMED: &[(char, &str)] = &[
    ('\u{0000}', "NULL"),
    ('\u{00AD}', "SOFT HYPHEN"),
    ('\u{034F}', "COMBINING GRAPHEME JOINER"),
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{115F}', "HANGUL CHOSEONG FILLER"),
    ('\u{1160}', "HANGUL JUNGSEONG FILLER"),
    ('\u{1680}', "OGHAM SPACE MARK"),
    ('\u{180E}', "MONGOLIAN VOWEL SEPARATOR"),
    ('\u{200B}', "ZERO WIDTH SPACE"),
    ('\u{200C}', "ZERO WIDTH NON-JOINER"),
    ('\u{200D}', "ZERO WIDTH JOINER"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{2028}', "LINE SEPARATOR"),
    ('\u{2029}', "PARAGRAPH SEPARATOR"),
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2060}', "WORD JOINER"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
    ('\u{3164}', "HANGUL FILLER"),
    ('\u{FEFF}', "ZERO WIDTH NO-BREAK SPACE"),
    ('\u{FFA0}', "HALFWIDTH HANGUL FILLER"),
];

/// Characters that reorder display: the embeddings, overrides and isolates, and the marks.
fn is_bidirectional(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Letters and marks that display as nothing (they are not format characters, so the general
/// category alone would let them through).
fn is_blank_letter(c: char) -> bool {
    matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{034F}'
    )
}

/// The spaces a person may type between words; each run becomes one ordinary space. Tabs and
/// line breaks come from pasting; the no-break and ideographic spaces from keyboards.
fn is_word_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{00A0}' | '\u{3000}')
}

/// Why `c` may not appear in a name, if it may not.
fn refusal(c: char) -> Option<Refusal> {
    if is_bidirectional(c) {
        return Some(Refusal::Bidirectional);
    }
    if is_word_space(c) {
        return None;
    }
    if is_blank_letter(c) {
        return Some(Refusal::Invisible);
    }
    match c.general_category() {
        GeneralCategory::Control => Some(Refusal::Control),
        GeneralCategory::Format => Some(Refusal::Invisible),
        GeneralCategory::SpaceSeparator
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => Some(Refusal::UnusualSpace),
        GeneralCategory::PrivateUse => Some(Refusal::PrivateUse),
        _ => None,
    }
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`, or just `U+0007` for a character not in [`NAMED`].
pub fn describe(c: char) -> String {
    match NAMED.iter().find(|(named, _)| *named == c) {
        Some((_, name)) => format!("U+{:04X} {name}", u32::from(c)),
        None => format!("U+{:04X}", u32::from(c)),
    }
}

/// The name as it will be stored: every character checked as typed, then NFC, trimmed, and
/// each run of spaces made one space.
pub fn normalise(typed: &str) -> Result<String, NameError> {
    if let Some((index, character, reason)) = typed
        .chars()
        .enumerate()
        .find_map(|(i, c)| refusal(c).map(|r| (i, c, r)))
    {
        return Err(NameError::Refused {
            character,
            position: index + 1,
            reason,
        });
    }
    let composed: String = typed.nfc().collect();
    let words: Vec<&str> = composed
        .split(is_word_space)
        .filter(|word| !word.is_empty())
        .collect();
    if words.is_empty() {
        return Err(NameError::Empty);
    }
    Ok(words.join(" "))
}

/// What a name looks like, ignoring case and look-alike characters: the UTS #39 skeleton of its
/// NFKC, lower-cased form (NFKC first, so full-width and other compatibility forms compare as
/// what they display as; lower case before and after, since names match ignoring case and
/// skeletons may map to either case).
fn look(name: &str) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let words: Vec<&str> = folded.split_whitespace().collect();
    skeleton(&words.join(" "))
        .collect::<String>()
        .to_lowercase()
}

/// The existing name `name` would be mistaken for, if any: one that looks the same (equal
/// confusables skeletons) without being the same name. The same name, ignoring case and spacing,
/// is a duplicate for the caller to handle, not a look-alike.
pub fn confusable_with<'a>(
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let key = name_key(name);
    let looks = look(name);
    existing
        .into_iter()
        .find(|other| name_key(other) != key && look(other) == looks)
}

#[cfg(test)]
mod tests;
