//! The Teams app package in `manifests/teams`: the manifest is valid JSON with the fields Teams
//! requires, its icons are PNGs of the sizes Teams asks for, and every command in its command
//! menu is a command the `/cadence` grammar reads.

// A panic in a test's helper is a failing test, as in the test itself.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use cadence::domain::command::{CommandText, parse, top_level_words};
use serde_json::Value;

fn package() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/teams")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(package().join("manifest.json")).unwrap();
    serde_json::from_str(&text).expect("manifest.json is not valid JSON")
}

fn is_guid(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Width, height and colour type from a PNG's signature and IHDR chunk.
fn png_header(path: &Path) -> (u32, u32, u8) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    assert_eq!(
        &bytes[12..16],
        b"IHDR",
        "{}: IHDR is not first",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20), bytes[25])
}

#[test]
fn the_manifest_has_what_teams_requires() {
    let m = manifest();
    let version = m["manifestVersion"].as_str().unwrap();
    assert_eq!(
        m["$schema"],
        format!(
            "https://developer.microsoft.com/json-schemas/teams/v{version}/MicrosoftTeams.schema.json"
        )
    );
    assert_eq!(m["version"], "0.1.0");
    assert!(is_guid(&m["id"]), "id {}", m["id"]);
    for field in ["name", "websiteUrl", "privacyUrl", "termsOfUseUrl"] {
        let value = m["developer"][field].as_str().unwrap_or_default();
        assert!(!value.is_empty(), "developer.{field}");
        if field.ends_with("Url") {
            assert!(value.starts_with("https://"), "developer.{field} {value}");
        }
    }
    let short = m["name"]["short"].as_str().unwrap();
    assert!(!short.is_empty() && short.chars().count() <= 30);
    let description = m["description"]["short"].as_str().unwrap();
    assert!(!description.is_empty() && description.chars().count() <= 80);
    let full = m["description"]["full"].as_str().unwrap();
    assert!(!full.is_empty() && full.chars().count() <= 4000);
    let accent = m["accentColor"].as_str().unwrap();
    assert!(
        accent.len() == 7
            && accent.starts_with('#')
            && accent[1..].chars().all(|c| c.is_ascii_hexdigit()),
        "accentColor {accent}"
    );
    assert!(!m["validDomains"].as_array().unwrap().is_empty());

    let bots = m["bots"].as_array().unwrap();
    assert_eq!(bots.len(), 1, "Teams allows one bot per app");
    let bot = &bots[0];
    assert!(is_guid(&bot["botId"]), "botId {}", bot["botId"]);
    assert_eq!(
        bot["scopes"],
        serde_json::json!(["team", "groupChat", "personal"])
    );
    assert_eq!(bot["isNotificationOnly"], false);

    // Meeting start and end events need these resource-specific consents, which need
    // webApplicationInfo (the same Entra app as the bot).
    assert!(is_guid(&m["webApplicationInfo"]["id"]));
    assert_eq!(m["webApplicationInfo"]["id"], bot["botId"]);
    assert!(m["webApplicationInfo"]["resource"].is_string());
    let mut permissions: Vec<(&str, &str)> = m["authorization"]["permissions"]["resourceSpecific"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["type"].as_str().unwrap()))
        .collect();
    permissions.sort_unstable();
    assert_eq!(
        permissions,
        [
            ("ChannelMeeting.ReadBasic.Group", "Application"),
            ("OnlineMeeting.ReadBasic.Chat", "Application"),
        ]
    );
}

#[test]
fn every_menu_command_is_a_command_the_grammar_reads() {
    let m = manifest();
    let words = top_level_words();
    let lists = m["bots"][0]["commandLists"].as_array().unwrap();
    assert!(!lists.is_empty());
    for list in lists {
        let commands = list["commands"].as_array().unwrap();
        // Schema 1.24 and later allow 12 commands per list (10 before).
        assert!(
            !commands.is_empty() && commands.len() <= 12,
            "{}",
            commands.len()
        );
        let mut titles = Vec::new();
        for command in commands {
            let title = command["title"].as_str().unwrap();
            let description = command["description"].as_str().unwrap_or_default();
            // 128 is the older schemas' description limit; a menu line longer than that is
            // cut off on screen anyway.
            assert!(
                !description.is_empty() && description.chars().count() <= 128,
                "{title}: description of {} characters",
                description.chars().count()
            );
            assert!(words.contains(&title), "{title} does not start a command");
            if let Err(error) = parse(&CommandText::plain(title)) {
                assert!(
                    !error.message.contains("is not a Cadence command")
                        && !error.message.contains("isn't available"),
                    "{title}: {}",
                    error.message
                );
            }
            titles.push(title);
        }
        let count = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), count, "a command is listed twice");
    }
}

#[test]
fn the_icons_are_pngs_of_the_sizes_teams_asks_for() {
    let m = manifest();
    let color = m["icons"]["color"].as_str().unwrap();
    let outline = m["icons"]["outline"].as_str().unwrap();
    let (width, height, _) = png_header(&package().join(color));
    assert_eq!((width, height), (192, 192));
    // The outline icon is white on transparent, so it needs an alpha channel (colour type 6).
    assert_eq!(png_header(&package().join(outline)), (32, 32, 6));
}
