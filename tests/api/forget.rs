//! `cadence forget`: a person's id, name and the free text about them go from the workspace —
//! from the decision log's payloads, interventions, track notes and the outbox — while every
//! decision stays, with an anonymised actor and subject, and the log still refuses every other
//! edit. Another workspace's person with the same id is untouched.

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::on_both_databases;

/// Runs `cadence forget ARGS…` against the app's database: stdout, or stderr on failure.
pub(crate) fn forget(app: &TestApp, args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("forget")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("CADENCE_LOG_FORMAT", "text")
        .output()
        .expect("cadence forget runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The workspace's export as one string, to search.
fn exported(app: &TestApp) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .args(["export", "--workspace", "T1"])
        .env("DATABASE_URL", &app.db.url)
        .env("CADENCE_LOG_FORMAT", "text")
        .output()
        .expect("cadence export runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

on_both_databases! {
    a_forgotten_person_leaves_anonymised_decisions_and_no_personal_data(app) {
        atlas(&app).await;
        let (bob, carol) = (at("UBOB"), at("UCAROL"));
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery "ran the Globex EBR alone""#)).await;
        for planned in [
            format!(r#"intervene {bob} testing via "pairing on the flaky suite" by 2099-12-15"#),
            format!(r#"intervene {carol} testing via "shadowing {bob}" by 2099-12-15"#),
        ] {
            let said = app.command("UALICE", &planned).await;
            assert!(said.text.starts_with("Planned an intervention"), "{}", said.text);
        }
        app.command("UBOB", r#"request track "Architecture lead" "I led two ADRs""#).await;
        app.command("UALICE", &format!("away {bob} 2026-12-20..2026-12-31")).await;
        // Another workspace has its own UBOB, who is not forgotten.
        app.command_in("T2", "COTHER", "UADMIN", &format!("team create Other members {bob}")).await;
        app.drain().await;
        let decisions = app.count("SELECT COUNT(*) FROM decisions").await;
        assert!(exported(&app).contains("UBOB"));

        let missing = forget(&app, &["--user", "UNOBODY", "--workspace", "T1"]).expect_err("unknown");
        assert!(missing.contains("nobody with the user id UNOBODY"), "{missing}");
        let said = forget(&app, &["--user", "UBOB", "--workspace", "T1"]).expect("forget");
        assert!(said.starts_with("Forgot UBOB"), "{said}");

        let after = exported(&app);
        assert!(!after.contains("UBOB"), "{after}");
        assert!(!after.contains("Globex EBR alone") && !after.contains("flaky suite") && !after.contains("two ADRs"), "{after}");
        assert!(after.contains("forgotten-") && after.contains("Forgotten person"), "{after}");
        assert!(!after.contains("shadowing"), "Carol's intervention named Bob: {after}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, decisions, "every decision stays");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE payload LIKE '%UBOB%' AND tenant_id = (SELECT id FROM tenants WHERE external_id = 'T1')").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE card LIKE '%UBOB%' OR target_message = 'UBOB' OR idempotency_key LIKE '%UBOB%'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM people WHERE user_id = 'UBOB'").await, 1, "T2's Bob stays");
        // The level still counts, for the anonymised person.
        assert_eq!(app.count("SELECT COUNT(*) FROM person_levels WHERE level = 'mastery'").await, 1);
        // Every decision here is by, about or naming Bob: each was erased, and said so.
        assert_eq!(app.count("SELECT COUNT(*) FROM decision_erasures").await, decisions);
        assert!(said.contains(&format!("{decisions} decisions")), "{said}");

        // The log still refuses every other edit, erased rows included.
        assert!(app.execute("UPDATE decisions SET payload = '{}'").await.is_err());
        assert!(app.execute("UPDATE decisions SET kind = 'gap' WHERE id IN (SELECT decision_id FROM decision_erasures)").await.is_err());
        assert!(app.execute("DELETE FROM decisions").await.is_err());
        // And the team carries on.
        let me = app.command("UALICE", "coverage").await;
        assert_eq!(me.status, 200);
    }
}
