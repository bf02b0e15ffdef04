//! `cadence export`: a workspace's data, or one team's, as JSON lines — the decision log and
//! the state it explains, nothing of another workspace or, with `--team`, of another team.

use serde_json::Value;

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::on_both_databases;

/// Runs `cadence export ARGS…` against the app's database: the records, or stderr on failure.
fn export(app: &TestApp, args: &[&str]) -> Result<Vec<Value>, String> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("export")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("CADENCE_LOG_FORMAT", "text")
        .output()
        .expect("cadence export runs");
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect())
}

fn of<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["record"] == kind).collect()
}

on_both_databases! {
    a_workspace_or_one_team_exports_as_json_lines(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery "ran Globex EBR""#)).await;
        app.command("UALICE", r#"target "run EBR" 2"#).await;
        app.command("UALICE", &format!("away {bob} 2026-12-20..2026-12-31")).await;
        let created = app.command("UADMIN", &format!("team create Borealis managers {} channel <#CBOR|bor>", at("UDAN"))).await;
        assert!(created.text.starts_with("Created team"), "{}", created.text);
        app.command("UDAN", r#"team:Borealis target testing 1"#).await;
        app.command("UADMIN", r#"module add "EBR basics" for "run EBR" hours 1.5"#).await;
        app.command("UALICE", r#"track "EBR lead" modules "EBR basics" pace 1/sprint"#).await;
        app.command("UADMIN", "team:Atlas budget hours 60 spend 5000").await;
        // Another workspace's data never appears.
        app.command_in("T2", "COTHER", "UADMIN", "team create Other").await;

        let several = export(&app, &[]).expect_err("two workspaces: --workspace is needed");
        assert!(several.contains("add --workspace"), "{several}");
        let all = export(&app, &["--workspace", "T1"]).expect("export");
        assert_eq!(all[0]["record"], "workspace");
        assert_eq!(all[0]["id"], "T1");
        let teams: Vec<&str> = of(&all, "team").iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(teams, ["Atlas", "Borealis"]);
        let decisions = of(&all, "decision");
        assert_eq!(decisions.len(), 7, "level, two targets, absence, module, track, budget");
        assert_eq!(of(&all, "module")[0]["hours"], 1.5);
        let track = of(&all, "track")[0];
        assert_eq!((track["name"].as_str(), track["team"].as_str(), track["pace"].as_str()), (Some("EBR lead"), Some("Atlas"), Some("1/sprint")));
        assert_eq!(track["modules"], serde_json::json!(["EBR basics"]));
        assert_eq!(of(&all, "budget")[0]["hours"], 60.0);
        let level = decisions.iter().find(|d| d["kind"] == "level").expect("the level decision");
        assert_eq!(level["actor"], "UALICE");
        assert_eq!(level["subject"], "UBOB");
        assert_eq!(level["payload"]["level"], "mastery");
        assert!(level["created_at"].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()));
        assert_eq!(of(&all, "level").len(), 1);
        assert_eq!(of(&all, "absence")[0]["from"], "2026-12-20");
        assert!(of(&all, "capability").len() >= 4);
        assert!(all.iter().all(|r| r.to_string().find("Other").is_none()), "nothing of T2");

        let atlas_only = export(&app, &["--workspace", "T1", "--team", "atlas"]).expect("export");
        let teams: Vec<&str> = of(&atlas_only, "team").iter().filter_map(|t| t["name"].as_str()).collect();
        assert_eq!(teams, ["Atlas"]);
        assert_eq!(of(&atlas_only, "decision").len(), 5, "Borealis's target and the library's module are not Atlas's");
        assert!(of(&atlas_only, "module").is_empty(), "the library is the workspace's");
        assert_eq!(of(&atlas_only, "track").len(), 1);
        let people: Vec<&str> = of(&atlas_only, "person").iter().filter_map(|p| p["user_id"].as_str()).collect();
        assert!(!people.contains(&"UDAN") && people.contains(&"UBOB"), "{people:?}");
        assert_eq!(of(&atlas_only, "target").len(), 1);

        let missing = export(&app, &["--workspace", "T1", "--team", "Nowhere"]).expect_err("no such team");
        assert!(missing.contains("no team called \"Nowhere\""), "{missing}");
    }
}
