//! Probes and request limits.

use crate::helpers::{SECRET, at, command_body};
use crate::on_both_databases;
use cadence::inbound::slack::signature::sign;

on_both_databases! {
    probes_answer(app) {
        let client = reqwest::Client::new();
        let health = client.get(format!("{}/healthz", app.base)).send().await.expect("healthz");
        assert_eq!(health.status(), 200);
        let ready = client.get(format!("{}/readyz", app.base)).send().await.expect("readyz");
        assert_eq!(ready.status(), 200);
        assert_eq!(ready.text().await.expect("body"), "ready\n");
    }

    oversized_bodies_are_refused_before_anything_runs(app) {
        let text = format!("gap {} \"{}\"", at("UBOB"), "x".repeat(70 * 1024));
        let body = command_body("T1", "CATLAS", "UADMIN", &text);
        let ts = chrono::Utc::now().timestamp();
        let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", sign(SECRET, ts, body.as_bytes()))];
        let response = app.post("/slack/commands", &headers, &body).await;
        assert_eq!(response.status(), 413);
    }

    signed_but_malformed_forms_get_a_clear_400(app) {
        let body = "user_id=U1&text=me";
        let ts = chrono::Utc::now().timestamp();
        let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", sign(SECRET, ts, body.as_bytes()))];
        let response = app.post("/slack/commands", &headers, body).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.expect("body").contains("team_id"));
    }
}

/// The SQLite files of the test's database, removed as an operator's mistake would remove them.
fn remove_sqlite_files(url: &str) -> std::path::PathBuf {
    let path = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let _ = std::fs::remove_file(&file);
    }
    path
}

#[tokio::test]
async fn a_removed_database_is_noticed_and_writes_are_not_acknowledged() {
    let Some(mut app) = crate::helpers::TestApp::spawn(crate::helpers::Db::Sqlite).await else {
        return;
    };
    crate::decisions::atlas(&app).await;
    let captured = app
        .command("UALICE", &format!(r#"gap {} "run EBR""#, at("UBOB")))
        .await;
    assert!(
        captured.text.contains("Logged a skill gap"),
        "{}",
        captured.text
    );
    let path = remove_sqlite_files(&app.db.url);

    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503, "readyz notices the file has gone");
    for n in 0..3 {
        let answer = app
            .command("UALICE", &format!(r#"gap {} "run EBR {n}""#, at("UCAROL")))
            .await;
        assert!(
            !answer.text.contains("Logged a skill gap"),
            "a write to a removed database was acknowledged: {}",
            answer.text
        );
    }
    assert!(!path.exists(), "no connection re-creates the file");

    // Started again on the configured (not default) database, Cadence refuses to begin afresh.
    app.restart_refusing_to_create().await;
    assert!(!path.exists(), "no empty database was put in its place");
}

#[tokio::test]
async fn a_replaced_database_is_noticed() {
    let Some(app) = crate::helpers::TestApp::spawn(crate::helpers::Db::Sqlite).await else {
        return;
    };
    // An empty file moved over it, as a restore from the wrong backup would.
    let path = std::path::PathBuf::from(app.db.url.trim_start_matches("sqlite://"));
    let other = path.with_extension("other");
    std::fs::write(&other, b"").expect("another file");
    std::fs::rename(&other, &path).expect("moved over the database");
    let ready = reqwest::get(format!("{}/readyz", app.base))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503);
    let answer = app.command("UADMIN", "team create Atlas").await;
    assert!(!answer.text.contains("Created team"), "{}", answer.text);
}
