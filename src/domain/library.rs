//! The module library: the learning modules L&D owns, each building one capability, and the
//! state that says whether managers may pull it into a track.
//!
//! A module an admin adds is `approved`; one that comes out of a commission is `commissioned`
//! until L&D accepts it, then `proposed` until it meets L&D's quality bar, then `approved`. An
//! approved module is the only kind a track may use ("L&D sets the quality bar"); a `retired` one
//! stays in the log and the library, under its title, so what it was part of still reads.
//!
//! The checks here hold every path that adds a module (a command, `cadence.toml`, a CSV
//! catalogue) to the same rules: a title is a name, a link is an http(s) address, hours are more
//! than none and at most [`HOURS_MAX`], a level is one a person can be at.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Level;
use super::limits::HOURS_MAX;
use super::model::UnknownWord;

/// Longest link kept, in characters: generous for any LMS's deep links, short of abuse.
pub const LINK_MAX_CHARS: usize = 2000;

/// Where a module stands in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleState {
    /// Requested by a manager's `commission`, not yet accepted by L&D.
    Commissioned,
    /// Accepted into the library, not yet up to L&D's quality bar: not for tracks yet.
    Proposed,
    /// In the library and fit for tracks.
    Approved,
    /// Taken out of use; kept so that what used it still reads.
    Retired,
}

impl ModuleState {
    /// Every state, in the order a module goes through them.
    pub const ALL: [ModuleState; 4] = [
        ModuleState::Commissioned,
        ModuleState::Proposed,
        ModuleState::Approved,
        ModuleState::Retired,
    ];

    /// The stable name used in replies and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleState::Commissioned => "commissioned",
            ModuleState::Proposed => "proposed",
            ModuleState::Approved => "approved",
            ModuleState::Retired => "retired",
        }
    }

    /// Reads a stored name.
    pub fn parse(stored: &str) -> Option<Self> {
        ModuleState::ALL.into_iter().find(|s| s.as_str() == stored)
    }

    /// Whether a track may use a module in this state: only approved ones.
    pub fn usable_in_tracks(self) -> bool {
        self == ModuleState::Approved
    }
}

impl fmt::Display for ModuleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ModuleState {
    type Err = UnknownWord;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        ModuleState::parse(&word.to_ascii_lowercase()).ok_or_else(|| UnknownWord(word.to_owned()))
    }
}

/// The levels a module can be aimed at, as written in commands, files and catalogues.
pub const MODULE_LEVELS: &str = "learning, practising or mastery";

/// The level a module is aimed at, read from a word: `learning`, `practising` (or
/// `practicing`), `mastery`. `none` is a level a person can be at, not one a module teaches.
pub fn module_level(word: &str) -> Option<Level> {
    match word.parse::<Level>() {
        Ok(Level::None) | Err(_) => None,
        Ok(level) => Some(level),
    }
}

/// What is wrong with a number of hours for a module (in hundredths), if anything.
pub fn hours_problem(centi: u32) -> Option<String> {
    if centi == 0 {
        Some("a module takes some time: give more than 0 hours, or leave hours out".to_owned())
    } else if centi > HOURS_MAX * 100 {
        Some(format!("a module is at most {HOURS_MAX} hours long"))
    } else {
        None
    }
}

/// Characters a link may not hold as they are: spaces, controls, and what RFC 3986 says must be
/// percent-encoded. Refusing them (rather than encoding them) keeps the stored link exactly what
/// was typed, and keeps it safe inside Slack's `<url|label>` and Markdown's `[label](url)`.
fn unsafe_in_link(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^')
}

/// What is wrong with a module's link, if anything: it must be an `http://` or `https://`
/// address with a host, without a user name or password (everyone who lists the library sees
/// it), and without characters that must be percent-encoded.
pub fn link_problem(link: &str) -> Option<String> {
    let shown: String = link.chars().take(60).collect();
    if link.chars().count() > LINK_MAX_CHARS {
        return Some(format!(
            "the link is {} characters long — keep it to {LINK_MAX_CHARS}",
            link.chars().count()
        ));
    }
    let lower = link.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Some(format!(
            "`{shown}` is not a web address — a link starts with https:// or http://"
        ));
    }
    // WHATWG parsing forgives `https:///path` (taking `path` for the host); people mean no host.
    let after_scheme = link.split_once("://").map_or("", |(_, rest)| rest);
    if after_scheme.is_empty() || after_scheme.starts_with('/') {
        return Some(format!("the link `{shown}` has no host"));
    }
    if let Some(bad) = link.chars().find(|c| unsafe_in_link(*c)) {
        let what = if bad.is_whitespace() {
            "a space".to_owned()
        } else {
            format!("`{}`", bad.escape_default())
        };
        return Some(format!(
            "the link `{shown}` holds {what} — copy the address from the browser, which encodes it"
        ));
    }
    match url::Url::parse(link) {
        Ok(url) if url.host_str().is_none_or(str::is_empty) => {
            Some(format!("the link `{shown}` has no host"))
        }
        Ok(url) if !url.username().is_empty() || url.password().is_some() => Some(
            "the link holds a user name or password; everyone who lists the library would see it"
                .to_owned(),
        ),
        Ok(_) => None,
        Err(error) => Some(format!("`{shown}` is not a web address ({error})")),
    }
}

/// What a reply shows for a link: its host, without `www.` (`lms.example.com`).
pub fn link_label(link: &str) -> String {
    url::Url::parse(link)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .map(|host| host.strip_prefix("www.").unwrap_or(&host).to_owned())
        .unwrap_or_else(|| link.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_from_their_names() {
        for state in ModuleState::ALL {
            assert_eq!(ModuleState::parse(state.as_str()), Some(state));
            assert_eq!(state.as_str().to_uppercase().parse(), Ok(state));
        }
        assert_eq!(ModuleState::parse("available"), None);
        assert!(ModuleState::Approved.usable_in_tracks());
        assert!(!ModuleState::Proposed.usable_in_tracks());
    }

    #[test]
    fn links_are_web_addresses_without_secrets_or_raw_specials() {
        assert_eq!(link_problem("https://lms.example.com/c/42?x=1&y=(2)"), None);
        assert_eq!(link_problem("HTTP://example.com"), None);
        for bad in [
            "ftp://example.com/x",
            "javascript:alert(1)",
            "example.com/course",
            "https://",
            "https:///path",
            "https://user:secret@example.com/",
            "https://example.com/a b",
            "https://example.com/<script>",
            "https://example.com/a|b",
        ] {
            assert!(link_problem(bad).is_some(), "{bad}");
        }
        assert!(link_problem(&format!("https://x.io/{}", "a".repeat(LINK_MAX_CHARS))).is_some());
        assert_eq!(
            link_label("https://www.lms.example.com/c/1"),
            "lms.example.com"
        );
    }

    #[test]
    fn levels_and_hours_are_checked() {
        assert_eq!(module_level("Practicing"), Some(Level::Practising));
        assert_eq!(module_level("none"), None);
        assert!(hours_problem(0).is_some());
        assert!(hours_problem(HOURS_MAX * 100 + 1).is_some());
        assert_eq!(hours_problem(150), None);
    }
}
