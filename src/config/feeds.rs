//! Calendar feeds: named iCalendar addresses that rituals use as triggers
//! (`ics:feed=NAME:title~Retro:ended`). A feed's address usually carries a private token (Google's
//! "secret address in iCal format", Outlook's published calendar link), so it is kept as a secret:
//! rituals and logs name the feed, never its address.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::{ConfigError, Lookup};

/// How often each feed is fetched when `CADENCE_ICS_POLL_SECONDS` is unset: five minutes.
pub const DEFAULT_POLL: Duration = Duration::from_secs(300);
/// The shortest poll interval accepted: feeds are other people's servers.
const MIN_POLL_SECONDS: u64 = 60;

/// The configured feeds, by name.
#[derive(Clone)]
pub struct IcsFeeds {
    feeds: Vec<(String, SecretString)>,
    /// How often each feed is fetched while it answers.
    pub poll_every: Duration,
}

impl Default for IcsFeeds {
    fn default() -> Self {
        IcsFeeds {
            feeds: Vec::new(),
            poll_every: DEFAULT_POLL,
        }
    }
}

impl IcsFeeds {
    /// The address of the feed `name` (names compare ignoring case).
    pub fn url(&self, name: &str) -> Option<&SecretString> {
        self.feeds
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, url)| url)
    }

    /// Every feed's name, lower case.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.feeds.iter().map(|(n, _)| n.as_str())
    }

    /// Whether no feed is configured.
    pub fn is_empty(&self) -> bool {
        self.feeds.is_empty()
    }

    /// Adds or replaces a feed (tests and tools).
    pub fn set(&mut self, name: &str, url: &str) {
        let name = name.to_ascii_lowercase();
        self.feeds.retain(|(n, _)| *n != name);
        self.feeds.push((name, SecretString::from(url.to_owned())));
    }
}

impl fmt::Debug for IcsFeeds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.names().collect();
        f.debug_struct("IcsFeeds")
            .field("feeds", &names)
            .field("poll_every", &self.poll_every)
            .finish()
    }
}

/// `CADENCE_ICS_FEEDS` (`NAME=URL,NAME=URL`) and `CADENCE_ICS_POLL_SECONDS`.
pub(super) fn ics_feeds(get: Lookup<'_>) -> Result<IcsFeeds, ConfigError> {
    const VARIABLE: &str = "CADENCE_ICS_FEEDS";
    let mut feeds = IcsFeeds::default();
    for entry in get(VARIABLE).unwrap_or_default().split(',') {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let Some((name, url)) = entry.split_once('=') else {
            return Err(ConfigError {
                variable: VARIABLE,
                problem: "write each feed as NAME=URL, separated by commas".to_owned(),
            });
        };
        let name = name.trim();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(ConfigError {
                variable: VARIABLE,
                problem: format!("`{name}` is not a feed name; use letters, digits, - and _"),
            });
        }
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            // The address is a secret: name the feed, not the address.
            return Err(ConfigError {
                variable: VARIABLE,
                problem: format!("feed `{name}`: the address must start with https://"),
            });
        }
        if feeds.url(name).is_some() {
            return Err(ConfigError {
                variable: VARIABLE,
                problem: format!("feed `{name}` is named twice"),
            });
        }
        feeds.set(name, url);
    }
    if let Some(seconds) = get("CADENCE_ICS_POLL_SECONDS") {
        let every = seconds
            .parse::<u64>()
            .ok()
            .filter(|s| *s >= MIN_POLL_SECONDS)
            .ok_or_else(|| ConfigError {
                variable: "CADENCE_ICS_POLL_SECONDS",
                problem: format!(
                    "`{seconds}` is not a whole number of seconds, {MIN_POLL_SECONDS} or more"
                ),
            })?;
        feeds.poll_every = Duration::from_secs(every);
    }
    Ok(feeds)
}

/// The address of a feed, for the poller alone.
pub fn expose(url: &SecretString) -> &str {
    url.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<IcsFeeds, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let get = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        ics_feeds(&get)
    }

    #[test]
    fn reads_named_feeds_and_keeps_their_addresses_secret() {
        let feeds = read(&[(
            "CADENCE_ICS_FEEDS",
            "Atlas=https://calendar.example/private-abc/basic.ics?x=1, ops=https://ops.example/c.ics",
        )])
        .expect("feeds");
        assert_eq!(feeds.names().collect::<Vec<_>>(), ["atlas", "ops"]);
        let atlas = feeds.url("ATLAS").expect("atlas");
        assert_eq!(
            expose(atlas),
            "https://calendar.example/private-abc/basic.ics?x=1"
        );
        assert_eq!(feeds.poll_every, DEFAULT_POLL);
        assert!(!format!("{feeds:?}").contains("private-abc"));
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for (vars, says) in [
            (vec![("CADENCE_ICS_FEEDS", "atlas")], "NAME=URL"),
            (
                vec![("CADENCE_ICS_FEEDS", "a b=https://x")],
                "not a feed name",
            ),
            (vec![("CADENCE_ICS_FEEDS", "a=ftp://secret")], "https://"),
            (
                vec![("CADENCE_ICS_FEEDS", "a=https://x,A=https://y")],
                "twice",
            ),
            (vec![("CADENCE_ICS_POLL_SECONDS", "5")], "60 or more"),
        ] {
            let error = read(&vars).expect_err(says);
            assert!(error.problem.contains(says), "{error}");
            assert!(!error.problem.contains("secret"), "{error}");
        }
    }
}
