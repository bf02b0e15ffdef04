//! A workspace's own event sources: an admin adds one in chat and is told, privately, its URL
//! and secret; its events start only that workspace's rituals, even where another workspace
//! has a ritual on the same trigger; a bad signature is 401 and an unknown source 404; a
//! rotated secret keeps the old one valid for a day; members may not manage sources.

use std::sync::Arc;

use cadence::domain::clock::ManualClock;

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::prompts::sprint_closed;
use crate::slack_standin::SlackStandIn;

/// Posts a Jira delivery to `path`, signed with `secret` as Jira Cloud signs.
async fn deliver(app: &TestApp, path: &str, secret: &str, delivery: &str, body: &str) -> u16 {
    let signature =
        cadence::inbound::verify::hmac_sha256_hex(secret.as_bytes(), &[body.as_bytes()]);
    let headers = [
        ("x-hub-signature", format!("sha256={signature}")),
        ("x-atlassian-webhook-identifier", delivery.to_owned()),
        ("content-type", "application/json".to_owned()),
    ];
    app.post(path, &headers, body).await.status().as_u16()
}

/// The URL path and secret an answer names, in its code spans.
fn path_and_secret(text: &str) -> (String, String) {
    let spans: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    let path = spans
        .iter()
        .find(|s| s.starts_with("/hooks/"))
        .expect("a URL")
        .to_string();
    let secret = spans
        .iter()
        .find(|s| !s.starts_with("/") && s.len() >= 40)
        .expect("a secret")
        .to_string();
    (path, secret)
}

crate::for_each_database! {
    a_workspace_source_starts_only_that_workspace_s_rituals(db) {
        let slack = SlackStandIn::start().await;
        let clock = Arc::new(ManualClock::new("2026-11-24T10:00:00Z".parse().expect("instant")));
        let Some(app) = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await else { return };
        atlas(&app).await;
        let ritual = app.command("UALICE", "ritual add retro on jira:board=12:sprint_closed").await;
        assert!(!ritual.text.contains("Nothing"), "{}", ritual.text);
        // Another workspace has a ritual on the same board's sprints.
        app.command_in("T2", "COTHER", "UADMIN", &format!("team create Other managers {} channel <#COTHER|other>", at("UDAN"))).await;
        let other = app.command_in("T2", "COTHER", "UDAN", "ritual add retro on jira:board=12:sprint_closed").await;
        assert!(!other.text.contains("Nothing"), "{}", other.text);

        let refused = app.command("UBOB", "source add jira").await;
        assert!(refused.text.contains("Only workspace admins"), "{}", refused.text);
        let added = app.command("UADMIN", "source add jira").await;
        assert_eq!(added.response_type, "ephemeral", "the secret is shown to the admin alone");
        assert!(added.text.starts_with("Added a jira event source."), "{}", added.text);
        let (path, secret) = path_and_secret(&added.text);
        assert!(path.starts_with("/hooks/jira/s"), "{path}");
        let stored = app.count(&format!("SELECT COUNT(*) FROM event_sources WHERE secret LIKE '%{secret}%'")).await;
        assert_eq!(stored, 1, "without keys the secret is kept as marked plain text");

        assert_eq!(deliver(&app, &path, "not-the-secret", "d-0", &sprint_closed(41, 12)).await, 401);
        assert_eq!(deliver(&app, "/hooks/jira/snosuchsource0000", &secret, "d-0", &sprint_closed(41, 12)).await, 404);
        assert_eq!(deliver(&app, &path.replace("/jira/", "/github/"), &secret, "d-0", &sprint_closed(41, 12)).await, 404);
        assert_eq!(deliver(&app, &path, &secret, "d-1", &sprint_closed(42, 12)).await, 200);
        app.drain().await;
        let started = "SELECT COUNT(*) FROM occurrences o JOIN tenants t ON t.id = o.tenant_id WHERE t.external_id = ";
        assert_eq!(app.count(&format!("{started}'T1'")).await, 1);
        assert_eq!(app.count(&format!("{started}'T2'")).await, 0, "only the source's own workspace");
        // The deployment's own Jira hook still reaches every workspace.
        assert_eq!(app.jira("d-2", &sprint_closed(43, 12)).await.status(), 200);
        app.drain().await;
        assert_eq!(app.count(&format!("{started}'T2'")).await, 1);

        // Rotation: the new secret works at once, the old one for a day.
        let id = path.rsplit('/').next().expect("id").to_owned();
        let rotated = app.command("UADMIN", &format!("source rotate {id}")).await;
        let new_secret = rotated.text.split('`').nth(1).expect("the new secret").to_owned();
        assert_ne!(new_secret, secret);
        assert_eq!(deliver(&app, &path, &new_secret, "d-3", &sprint_closed(44, 12)).await, 200);
        assert_eq!(deliver(&app, &path, &secret, "d-4", &sprint_closed(45, 12)).await, 200);
        clock.advance(chrono::Duration::hours(25));
        assert_eq!(deliver(&app, &path, &secret, "d-5", &sprint_closed(46, 12)).await, 401);
        let listed = app.command("UADMIN", "source list").await;
        assert!(listed.text.contains(&id) && listed.text.contains("jira"), "{}", listed.text);

        let removed = app.command("UADMIN", &format!("source remove {id}")).await;
        assert!(removed.text.starts_with("Removed the source"), "{}", removed.text);
        assert_eq!(deliver(&app, &path, &new_secret, "d-6", &sprint_closed(47, 12)).await, 404);
        let again = app.command("UADMIN", &format!("source remove {id}")).await;
        assert!(again.text.contains("has no event source"), "{}", again.text);
    }
}

/// Runs `cadence rotate-key` with `keys` (or none) against the app's database.
pub(crate) fn rotate_key(app: &TestApp, keys: Option<&str>) -> Result<String, String> {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"));
    command
        .arg("rotate-key")
        .env("DATABASE_URL", &app.db.url)
        .env("CADENCE_LOG_FORMAT", "text")
        .env_remove("CADENCE_ENCRYPTION_KEYS");
    if let Some(keys) = keys {
        command.env("CADENCE_ENCRYPTION_KEYS", keys);
    }
    let output = command.output().expect("cadence rotate-key runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// `cadence rotate-key` on the stored secrets.
mod rotation {
    use super::*;

    crate::on_both_databases! {
        rotate_key_seals_stored_secrets_with_the_newest_key(app) {
            atlas(&app).await;
            app.command("UADMIN", "source add github").await;
            assert_eq!(app.count("SELECT COUNT(*) FROM event_sources WHERE secret LIKE 'plain:%'").await, 1);
            let refused = rotate_key(&app, None).expect_err("no keys");
            assert!(refused.contains("CADENCE_ENCRYPTION_KEYS is not set"), "{refused}");

            let first = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
            let second = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
            let said = rotate_key(&app, Some(first)).expect("rotates");
            assert!(said.contains("1 of 1"), "{said}");
            assert_eq!(app.count("SELECT COUNT(*) FROM event_sources WHERE secret LIKE 'v1:%'").await, 1);
            let again = rotate_key(&app, Some(first)).expect("nothing to do");
            assert!(again.contains("0 of 1"), "{again}");
            // A new key first: the secret moves to it, opened with the old one.
            let moved = rotate_key(&app, Some(&format!("{second},{first}"))).expect("rotates");
            assert!(moved.contains("1 of 1"), "{moved}");
            // Without the key that sealed it, nothing opens and nothing is changed.
            let lost = rotate_key(&app, Some(first)).expect_err("the newest key is missing");
            assert!(lost.contains("not in CADENCE_ENCRYPTION_KEYS"), "{lost}");
        }
    }
}
