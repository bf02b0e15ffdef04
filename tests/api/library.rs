//! The module library in chat: admins add, approve and retire modules (each a decision of the
//! workspace, undoable from any channel); anyone lists the approved ones, admins see the rest
//! with their state; members and managers change nothing. Migration 0009 on rows written before
//! it. On SQLite and PostgreSQL.

use cadence::domain::Platform;
use cadence::domain::library::ModuleState;
use cadence::store::{ModuleFilter, Store};

use crate::decisions::atlas;
use crate::helpers::{Db, TestDb};
use crate::on_both_databases;

const STORYLINE: &str = r#"module add "EBR storyline" for "run EBR" hours 3 link <https://lms.example.com/c/1?a=1&amp;b=2> level practising"#;

on_both_databases! {
    admins_add_list_and_retire_modules_and_everyone_sees_the_approved_ones(app) {
        atlas(&app).await;
        let added = app.command("UADMIN", STORYLINE).await;
        assert!(added.text.starts_with("Added *EBR storyline* to the library, for *run EBR*"), "{}", added.text);
        assert!(added.text.contains("3 h · practising · <https://lms.example.com/c/1?a=1&amp;b=2|lms.example.com>"), "{}", added.text);
        let again = app.command("UADMIN", r#"module add "ebr  STORYLINE" for testing"#).await;
        assert!(again.text.contains("The library already has *EBR storyline* (approved)"), "{}", again.text);
        let unknown = app.command("UADMIN", r#"module add "Testing 101" for "knitting""#).await;
        assert!(unknown.text.contains("There's no capability called *knitting*"), "{}", unknown.text);
        let lookalike = app.command("UADMIN", "module add \"\u{415}BR storyline\" for testing").await;
        assert!(lookalike.text.contains("looks the same as the existing module *EBR storyline*"), "{}", lookalike.text);
        app.command("UADMIN", r#"module add "Contract tests" for testing hours 1.5"#).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'module_add' AND team_id IS NULL").await, 2);

        // A member lists the approved modules; a filter narrows them to one capability.
        let listed = app.command("UBOB", "module list").await;
        assert!(listed.text.starts_with("The library's modules:"), "{}", listed.text);
        assert!(listed.text.contains("• *Contract tests* — testing · 1.5 h"), "{}", listed.text);
        assert!(listed.text.contains("• *EBR storyline* — run EBR · 3 h · practising · <https://"), "{}", listed.text);
        let narrowed = app.command("UBOB", r#"modules list for "run ebr""#).await;
        assert!(narrowed.text.contains("EBR storyline") && !narrowed.text.contains("Contract tests"), "{}", narrowed.text);

        // Retired: gone from the list, counted for admins, and retiring again is refused.
        let retired = app.command("UADMIN", r#"module retire "contract tests""#).await;
        assert!(retired.text.starts_with("Retired *Contract tests*"), "{}", retired.text);
        let listed = app.command("UBOB", "module list").await;
        assert!(!listed.text.contains("Contract tests"), "{}", listed.text);
        let listed = app.command("UADMIN", "module list").await;
        assert!(listed.text.contains("1 retired module is not shown."), "{}", listed.text);
        let twice = app.command("UADMIN", r#"module retire "Contract tests""#).await;
        assert!(twice.text.contains("is retired already"), "{}", twice.text);
        let readd = app.command("UADMIN", r#"module add "Contract tests" for testing"#).await;
        assert!(readd.text.contains("add this one under a new title"), "{}", readd.text);
        let missing = app.command("UADMIN", r#"module retire "EBR storylines""#).await;
        assert!(missing.text.contains("no module called *EBR storylines*. Did you mean *EBR storyline*?"), "{}", missing.text);

        // A commission may not take a title the library has.
        let commission = app.command("UALICE", r#"commission "EBR storyline" budget 500"#).await;
        assert!(commission.text.contains("The library already has *EBR storyline*"), "{}", commission.text);

        let store = Store::connect(&app.db.url).await.expect("store");
        let tenant = store.tenant(Platform::Slack, "T1", app.now()).await.expect("tenant");
        let module = store.module_by_title(tenant, "ebr storyline").await.expect("read").expect("exists");
        assert_eq!((module.state, module.hours.map(|h| h.centi), module.capability_name.as_deref()), (ModuleState::Approved, Some(300), Some("run EBR")));
        assert_eq!(module.link.as_deref(), Some("https://lms.example.com/c/1?a=1&b=2"));
        let usable = store.modules(tenant, &ModuleFilter::usable()).await.expect("modules");
        assert_eq!(usable.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), vec!["EBR storyline"]);
        let contract = store.module_by_title(tenant, "Contract tests").await.expect("read").expect("exists");
        assert!(contract.retired_at.is_some());
    }

    admins_approve_proposed_modules_and_see_them_with_their_state(app) {
        atlas(&app).await;
        app.command("UADMIN", STORYLINE).await;
        // A proposed module, as an accepted commission will leave one.
        app.execute("UPDATE modules SET status = 'proposed'").await.expect("proposed");
        let listed = app.command("UBOB", "module list").await;
        assert!(listed.text.contains("no modules yet"), "{}", listed.text);
        let listed = app.command("UADMIN", "module list").await;
        assert!(listed.text.contains("*EBR storyline* — run EBR · 3 h · practising · <https://lms.example.com/c/1?a=1&amp;b=2|lms.example.com> (proposed)"), "{}", listed.text);
        let approved = app.command("UADMIN", r#"module approve "EBR storyline""#).await;
        assert!(approved.text.starts_with("Approved *EBR storyline*: tracks may use it now."), "{}", approved.text);
        let again = app.command("UADMIN", r#"module approve "EBR storyline""#).await;
        assert!(again.text.contains("is approved already"), "{}", again.text);
        let listed = app.command("UCAROL", "module list").await;
        assert!(listed.text.contains("*EBR storyline*") && !listed.text.contains("(proposed)"), "{}", listed.text);
        // Undone: proposed again.
        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the approval of the module *EBR storyline*"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'proposed'").await, 1);
    }

    members_and_managers_cannot_change_the_library(app) {
        atlas(&app).await;
        app.command("UADMIN", STORYLINE).await;
        let decisions = app.count("SELECT COUNT(*) FROM decisions").await;
        for user in ["UBOB", "UALICE"] {
            for text in [
                r#"module add "Objection drills" for "run EBR""#,
                r#"module retire "EBR storyline""#,
                r#"module approve "EBR storyline""#,
            ] {
                let answer = app.command(user, text).await;
                assert_eq!(answer.status, 200, "{user}: {text}");
                assert!(answer.text.contains("Only workspace admins, owners and Cadence admins"), "{user}: {text}\n→ {}", answer.text);
                assert!(answer.text.contains("Nothing was changed"), "{}", answer.text);
            }
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, decisions);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'approved'").await, 1);
    }

    an_admin_undoes_a_module_add_from_any_channel(app) {
        atlas(&app).await;
        app.command("UADMIN", STORYLINE).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 1);
        // In a channel that is no team's: the workspace's decision is still the admin's last.
        let undone = app.command_in("T1", "CLD", "UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the module *EBR storyline* added to the library"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'undo' AND team_id IS NULL").await, 1);
        let nothing = app.command_in("T1", "CLD", "UADMIN", "undo").await;
        assert!(nothing.text.contains("You have no decision to undo"), "{}", nothing.text);

        // Added, then retired: the retirement is undone first; the add is refused once retired
        // again, since the module has moved on.
        app.command("UADMIN", STORYLINE).await;
        app.command("UADMIN", r#"module retire "EBR storyline""#).await;
        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with("Undone: the retirement of the module *EBR storyline*"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'approved' AND retired_at IS NULL").await, 1);
        app.execute("UPDATE modules SET status = 'retired'").await.expect("retired");
        let refused = app.command("UADMIN", "undo").await;
        assert!(refused.text.contains("can't be undone: the module has been retired since"), "{}", refused.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules").await, 1);

        // A manager's team decision and the library stay apart.
        let target = app.command("UALICE", r#"target "run EBR" 2"#).await;
        assert!(target.text.contains("aims for 2 people"), "{}", target.text);
        let undone = app.command("UALICE", "undo").await;
        assert!(undone.text.starts_with("Undone: the target of 2"), "{}", undone.text);
    }
}

/// Migration 0009 on a database written before it: `available` becomes `approved`,
/// `commissioned` stays, every row gets a key, and two rows of a workspace with one title both
/// stay, the later keyed apart.
async fn migration_keeps_every_module(db: Db) {
    use sqlx::Connection;
    let Some(test_db) = TestDb::new(db).await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let dialect = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dialect);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let url = match db {
        Db::Sqlite => format!("{}?mode=rwc", test_db.url),
        Db::Postgres => test_db.url.clone(),
    };
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
    let run = |file: &std::path::PathBuf| std::fs::read_to_string(file).expect("read");
    let before_0009 = files.iter().filter(|f| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n < "0009")
    });
    for file in before_0009 {
        sqlx::raw_sql(&run(file))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
    sqlx::raw_sql(
        "INSERT INTO tenants (id, platform, external_id, created_at) VALUES (1, 'slack', 'T1', 0), (2, 'slack', 'T2', 0); \
         INSERT INTO modules (tenant_id, title, status, budget, created_at) VALUES \
         (1, 'EBR  Storyline', 'commissioned', 500, 1), (1, 'ebr storyline', 'commissioned', NULL, 2), \
         (2, 'EBR storyline', 'available', NULL, 3), (1, 'Objection drills', 'available', NULL, 4);",
    )
    .execute(&mut conn)
    .await
    .expect("rows before 0009");
    sqlx::raw_sql(&run(&dir.join("0009_module_library.sql")))
        .execute(&mut conn)
        .await
        .expect("0009 applies");
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT tenant_id, name_key, status FROM modules ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("rows");
    assert_eq!(
        rows,
        vec![
            (1, "ebr storyline".to_owned(), "commissioned".to_owned()),
            (1, "ebr storyline #2".to_owned(), "commissioned".to_owned()),
            (2, "ebr storyline".to_owned(), "approved".to_owned()),
            (1, "objection drills".to_owned(), "approved".to_owned()),
        ]
    );
    // The title is unique from now on.
    let twice = sqlx::raw_sql(
        "INSERT INTO modules (tenant_id, title, name_key, status, created_at) VALUES (1, 'x', 'objection drills', 'approved', 5)",
    )
    .execute(&mut conn)
    .await;
    assert!(twice.is_err(), "a second row with the same key is refused");
}

mod migration {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_keeps_every_module() {
        migration_keeps_every_module(Db::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_keeps_every_module() {
        migration_keeps_every_module(Db::Postgres).await;
    }
}
