//! `cadence audit` as a person runs it: the real binary, its formats, and its errors. It needs
//! no configuration and no database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ics")
}

fn audit(args: &[&str], cwd: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("audit")
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

#[test]
fn every_format_prints_and_no_database_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures();
    let base = [
        path.to_str().unwrap(),
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ];
    let text = audit(&base, dir.path());
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("Attention audit: 2026-01-01 to 2026-12-31 (52.1 weeks)"),
        "{text}"
    );
    let top = text
        .find("Attach capability planning to these first")
        .unwrap();
    assert!(text[top..].contains(
        "/cadence ritual add pipeline on ics:feed=victor:title~pipeline:ended name \"Sales pipeline review\""
    ));
    let csv = audit(&[&base[..], &["--format", "csv"]].concat(), dir.path());
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        cadence::audit::csv::COLUMNS.join(",")
    );
    let html = audit(&[&base[..], &["--format", "html"]].concat(), dir.path());
    assert!(
        String::from_utf8(html.stdout)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    let json = audit(
        &[&base[..], &["--format", "json", "--instances"]].concat(),
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["totals"]["files"], 15);
    assert_eq!(
        json["instances"].as_array().unwrap().len(),
        json["totals"]["instances"].as_u64().unwrap() as usize
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "audit wrote files"
    );
}

#[test]
fn mistakes_are_explained_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let missing = audit(&["/nonexistent.ics"], dir.path());
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read /nonexistent.ics"));

    let backwards = audit(
        &[
            fixtures().to_str().unwrap(),
            "--from",
            "2026-12-31",
            "--to",
            "2026-01-01",
        ],
        dir.path(),
    );
    assert!(!backwards.status.success());
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("the window is empty"));

    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[audit.rules]]\nname = \"x\"\nkind = \"party\"\ntitle = [\"x\"]\n",
    )
    .unwrap();
    let bad = audit(
        &[
            fixtures().to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("rules.toml") && stderr.contains("party"),
        "{stderr}"
    );

    let format = audit(
        &[fixtures().to_str().unwrap(), "--format", "pdf"],
        dir.path(),
    );
    assert!(!format.status.success());
}

#[tokio::test]
async fn save_keeps_the_top_three_for_a_known_workspace() {
    use cadence::domain::Platform;
    use cadence::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cadence.db").display());
    let path = fixtures();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_cadence"))
            .arg("audit")
            .arg(&path)
            .args(["--from", "2026-01-01", "--to", "2026-12-31"])
            .args(["--save", "--workspace", "T1"])
            .env("DATABASE_URL", &url)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let unknown = run();
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(said.contains("has not seen workspace T1"), "{said}");

    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let tenant = store
        .tenant(Platform::Slack, "T1", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(store.latest_audit(tenant).await.unwrap(), None);
    let saved = run();
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let audit = store.latest_audit(tenant).await.unwrap().unwrap();
    assert_eq!(audit.window, "2026-01-01 to 2026-12-31");
    assert_eq!(audit.rituals.len(), 3);
    assert_eq!(
        audit.rituals[0].command,
        "ritual add pipeline on ics:feed=victor:title~pipeline:ended name \"Sales pipeline review\""
    );
    assert!(!audit.rituals[0].why.is_empty());
    store.close().await;
}
