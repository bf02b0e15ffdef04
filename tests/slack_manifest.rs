//! The Slack app manifest in `manifests/slack` asks for what the code uses and nothing more:
//! its request URLs are the routes Cadence serves, its slash command is `/cadence` with escaping
//! on, every event it subscribes to is one Cadence acts on, and its bot scopes are exactly those
//! the Web API methods called from `src/platform/slack/` need.
//!
//! The methods are found by reading the source for method-name literals (`"chat.postMessage"`,
//! `"{}conversations.history"`), so a new call without its scope in the manifest, or without a
//! row in [`METHOD_SCOPES`], fails here rather than with `missing_scope` in production.

// A panic in a test's helper is a failing test, as in the test itself.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The bot scopes each Web API method needs, from the "Required scopes" of its page at
/// <https://docs.slack.dev/reference/methods/> (`views.*` and `auth.test` need none).
const METHOD_SCOPES: &[(&str, &[&str])] = &[
    ("auth.test", &[]),
    ("chat.postEphemeral", &["chat:write"]),
    // chat:write.public: ritual channels are named in `ritual add #channel`, and the bot may
    // never have been invited to a public one.
    ("chat.postMessage", &["chat:write", "chat:write.public"]),
    ("chat.update", &["chat:write"]),
    // The install and token refresh: called with the app's credentials, not a bot token.
    ("oauth.v2.access", &[]),
    // Public and private channels; Cadence posts in no direct messages.
    (
        "conversations.history",
        &["channels:history", "groups:history"],
    ),
    ("users.info", &["users:read"]),
    ("views.open", &[]),
    ("views.publish", &[]),
];

/// The scopes each event needs to be subscribed to, from
/// <https://docs.slack.dev/reference/events/>.
const EVENT_SCOPES: &[(&str, &[&str])] = &[
    ("app_home_opened", &[]),
    ("app_mention", &["app_mentions:read"]),
    ("app_uninstalled", &[]),
    ("member_joined_channel", &["channels:read", "groups:read"]),
    ("message.im", &["im:history"]),
    ("tokens_revoked", &[]),
];

/// The first part of every Slack Web API method name, to tell a method literal from any other
/// dotted word in the source.
const METHOD_FAMILIES: &[&str] = &[
    "admin",
    "api",
    "apps",
    "assistant",
    "auth",
    "bookmarks",
    "bots",
    "calls",
    "canvases",
    "chat",
    "conversations",
    "dialog",
    "dnd",
    "emoji",
    "files",
    "functions",
    "lists",
    "migration",
    "oauth",
    "openid",
    "pins",
    "reactions",
    "reminders",
    "rtm",
    "search",
    "stars",
    "team",
    "tooling",
    "usergroups",
    "users",
    "views",
    "workflows",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest() -> Value {
    let path = root().join("manifests/slack/app-manifest.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).expect("app-manifest.yaml is not valid YAML")
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().expect("a string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn scopes_of(table: &[(&str, &[&str])], name: &str) -> Option<BTreeSet<String>> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, scopes)| scopes.iter().map(|s| (*s).to_owned()).collect())
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The string literals in Rust source, each with the source text that follows it. Comments
/// are skipped, so a method named only in a comment is not a call.
fn string_literals(source: &str) -> Vec<(String, &str)> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            // A character literal such as '"' (a lifetime has no closing quote two ahead).
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 3,
            b'\'' if bytes.get(i + 1) == Some(&b'\\') => {
                i = source[i + 2..]
                    .find('\'')
                    .map_or(bytes.len(), |n| i + 3 + n);
            }
            // A raw string, r"…" or r#"…"#: no escapes, ends at a quote and as many hashes.
            b'r' if is_raw_string_start(source, i) => {
                let hashes = source[i + 1..].chars().take_while(|c| *c == '#').count();
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = source[start..]
                    .find(&close)
                    .map_or(bytes.len(), |n| start + n);
                let rest = &source[(end + close.len()).min(bytes.len())..];
                found.push((source[start..end].to_owned(), rest));
                i = end + close.len();
            }
            b'"' => {
                let mut end = i + 1;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(bytes.len());
                found.push((
                    source[i + 1..end].to_owned(),
                    &source[(end + 1).min(bytes.len())..],
                ));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    found
}

/// Whether a raw string literal starts at `i`: `r`, any `#`s, then `"`, not inside a word.
fn is_raw_string_start(source: &str, i: usize) -> bool {
    let before = source[..i].chars().next_back();
    let in_word = before.is_some_and(|c| c.is_alphanumeric() || c == '_');
    !in_word && source[i + 1..].trim_start_matches('#').starts_with('"')
}

/// Slack Web API method names in `text`: `family.method`, such as `chat.postMessage`.
fn method_names(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter(|word| {
            let mut parts = word.split('.');
            let family = parts.next().unwrap_or_default();
            let rest: Vec<&str> = parts.collect();
            METHOD_FAMILIES.contains(&family)
                && !rest.is_empty()
                && rest.iter().all(|p| {
                    p.starts_with(|c: char| c.is_ascii_lowercase())
                        && p.chars().all(|c| c.is_ascii_alphanumeric())
                })
        })
        .map(str::to_owned)
        .collect()
}

/// Every Web API method named in a string literal under `src/platform/slack/`.
fn methods_called() -> BTreeSet<String> {
    rust_files(&root().join("src/platform/slack"))
        .iter()
        .flat_map(|path| {
            let source = std::fs::read_to_string(path).unwrap();
            string_literals(&source)
                .into_iter()
                .flat_map(|(literal, _)| method_names(&literal))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The event types `src/inbound/slack/events.rs` has a match arm for (a literal followed by
/// `=>`, `|` or an `if` guard), less the envelope types that are not subscribed to.
fn events_handled() -> BTreeSet<String> {
    let path = root().join("src/inbound/slack/events.rs");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; update this test if it moved", path.display()));
    string_literals(&source)
        .into_iter()
        .filter(|(_, after)| {
            let after = after.trim_start();
            after.starts_with("=>") || after.starts_with('|') || after.starts_with("if ")
        })
        .map(|(literal, _)| literal)
        .filter(|name| !["url_verification", "event_callback"].contains(&name.as_str()))
        .collect()
}

#[test]
fn the_source_scanner_finds_method_literals_and_skips_comments() {
    let source = r##"
        // "chat.delete" is only mentioned here.
        let c = '"';
        call(token, "chat.postMessage", &body);
        post(format!("{}conversations.history", base));
        warn!("auth.test failed; treating as non-admin");
        let url = "https://slack.com/api/";
        let lifetime: &'static str = "users.info";
        let json = r#"{"method": "views.publish"}"#;
    "##;
    let found: BTreeSet<String> = string_literals(source)
        .into_iter()
        .flat_map(|(literal, _)| method_names(&literal))
        .collect();
    let expected = [
        "auth.test",
        "chat.postMessage",
        "conversations.history",
        "users.info",
        "views.publish",
    ];
    assert_eq!(found, expected.iter().map(|m| (*m).to_owned()).collect());
}

#[test]
fn request_urls_point_at_cadences_routes() {
    let m = manifest();
    let urls = [
        (
            &m["features"]["slash_commands"][0]["url"],
            "/slack/commands",
        ),
        (
            &m["settings"]["interactivity"]["request_url"],
            "/slack/interactions",
        ),
        (
            &m["settings"]["interactivity"]["message_menu_options_url"],
            "/slack/interactions",
        ),
        (
            &m["settings"]["event_subscriptions"]["request_url"],
            "/slack/events",
        ),
    ];
    let redirects = m["oauth_config"]["redirect_urls"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let all = urls
        .into_iter()
        .map(|(url, path)| (url.clone(), path))
        .chain(
            redirects
                .into_iter()
                .map(|url| (url, "/slack/oauth/callback")),
        );
    let sources: String = rust_files(&root().join("src"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for (url, path) in all {
        let url = url.as_str().unwrap_or_else(|| panic!("no URL for {path}"));
        assert!(url.starts_with("https://"), "{url} is not https");
        assert!(url.ends_with(path), "{url} should end with {path}");
        assert!(
            sources.contains(&format!("\"{path}\"")),
            "Cadence serves no route {path}"
        );
    }
    assert_eq!(m["settings"]["interactivity"]["is_enabled"], true);
}

#[test]
fn the_slash_command_is_cadence_with_escaping_on() {
    let m = manifest();
    let commands = m["features"]["slash_commands"].as_array().unwrap();
    assert_eq!(commands.len(), 1, "one slash command");
    assert_eq!(commands[0]["command"], "/cadence");
    // Mentions must arrive as <@U123|name>, which is what the grammar reads.
    assert_eq!(commands[0]["should_escape"], true);
}

#[test]
fn every_subscribed_event_is_one_cadence_handles_and_vice_versa() {
    let m = manifest();
    let subscribed = strings(&m["settings"]["event_subscriptions"]["bot_events"]);
    let handled = events_handled();
    assert!(
        handled.contains("app_home_opened"),
        "the events.rs scan found {handled:?}"
    );
    let unhandled: Vec<&String> = subscribed.difference(&handled).collect();
    assert!(
        unhandled.is_empty(),
        "the manifest subscribes to {unhandled:?}, which events.rs does not act on"
    );
    let unsubscribed: Vec<&String> = handled.difference(&subscribed).collect();
    assert!(
        unsubscribed.is_empty(),
        "events.rs handles {unsubscribed:?}, but the manifest does not subscribe to them"
    );
    for event in &subscribed {
        assert!(
            scopes_of(EVENT_SCOPES, event).is_some(),
            "add {event} and its scopes to EVENT_SCOPES"
        );
    }
    // A writable Messages tab would take messages nobody reads.
    let home = &m["features"]["app_home"];
    if home["messages_tab_enabled"] == true && home["messages_tab_read_only_enabled"] != true {
        assert!(
            subscribed.contains("message.im"),
            "a Messages tab nobody reads"
        );
    }
    assert_eq!(
        home["home_tab_enabled"], true,
        "app_home_opened publishes a Home tab"
    );
}

#[test]
fn bot_scopes_are_exactly_what_the_code_needs() {
    let m = manifest();
    let called = methods_called();
    assert!(
        called.contains("chat.postMessage") && called.contains("views.publish"),
        "the source scan found {called:?}"
    );

    let mut needed: BTreeSet<String> = BTreeSet::from(["commands".to_owned()]);
    for method in &called {
        let scopes = scopes_of(METHOD_SCOPES, method).unwrap_or_else(|| {
            panic!("src/platform/slack calls {method}: add it and its scopes to METHOD_SCOPES")
        });
        needed.extend(scopes);
    }
    for event in strings(&m["settings"]["event_subscriptions"]["bot_events"]) {
        needed.extend(scopes_of(EVENT_SCOPES, &event).unwrap_or_default());
    }

    let listed = &m["oauth_config"]["scopes"]["bot"];
    let requested = strings(listed);
    assert_eq!(
        requested.len(),
        listed.as_array().unwrap().len(),
        "a scope is listed twice"
    );
    let missing: Vec<&String> = needed.difference(&requested).collect();
    let unneeded: Vec<&String> = requested.difference(&needed).collect();
    assert!(missing.is_empty(), "the manifest lacks {missing:?}");
    assert!(
        unneeded.is_empty(),
        "the manifest asks for unneeded {unneeded:?}"
    );
    assert!(
        strings(&m["oauth_config"]["scopes"]["user"]).is_empty(),
        "Cadence acts as its bot, never as a user"
    );
}

#[test]
fn the_install_asks_for_exactly_the_manifests_bot_scopes() {
    let listed = strings(&manifest()["oauth_config"]["scopes"]["bot"]);
    let asked: BTreeSet<String> = cadence::platform::slack::oauth::BOT_SCOPES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(asked, listed);
}
