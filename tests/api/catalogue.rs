//! `cadence import modules FILE.csv`: a catalogue as an LMS exports it imported into the
//! library (each module a decision, all in one transaction), imported again (nothing changes),
//! edited (exactly the edits land); a catalogue with several bad rows (every problem reported
//! with its line, nothing written); and the command itself. On SQLite and PostgreSQL.

use cadence::catalogue::{self, Actor, IMPORT_ACTOR, IMPORT_ACTOR_NAME, WriteError, Written};
use cadence::domain::decision::Decision;
use cadence::domain::ids::TenantId;
use cadence::domain::library::ModuleState;
use cadence::domain::{Level, Platform};
use cadence::store::{ModuleFilter, Store};
use chrono::Utc;

use crate::helpers::{Db, TestDb, count};

/// A catalogue with the headers an LMS export has: a BOM, other columns, a minutes column,
/// quoted fields with commas, quotes and a line break, and a blank line.
const GOOD: &str = "\u{feff}Course ID,Course Title,Skill,Duration (min),Launch URL,Difficulty,Provider\n\
    C-1,EBR storyline,run EBR,90,https://lms.example.com/c/1,Intermediate,Acme\n\
    C-2,\"Objections, pricing and \"\"the competitor\"\"\",objection handling,45,,beginner,\"Acme,\nInc.\"\n\
    \n\
    C-3,Incident drills,incident command,,https://lms.example.com/c/3?x=1&y=2,,\n";

async fn store(db: Db) -> Option<(TestDb, Store, TenantId)> {
    let test_db = TestDb::new(db).await?;
    let store = Store::connect(&test_db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let tenant = store
        .tenant(Platform::Slack, "T1", Utc::now())
        .await
        .expect("tenant");
    for name in ["run EBR", "objection handling", "incident command"] {
        store
            .add_capability(tenant, name, None, None, Utc::now())
            .await
            .expect("capability");
    }
    Some((test_db, store, tenant))
}

const ACTOR: Actor<'static> = Actor {
    user_id: IMPORT_ACTOR,
    name: IMPORT_ACTOR_NAME,
};

async fn import(store: &Store, tenant: TenantId, text: &str) -> Result<Written, WriteError> {
    let read = catalogue::read_catalogue(text);
    catalogue::import(store, tenant, ACTOR, &read, Utc::now()).await
}

async fn a_catalogue_imports_once_then_changes_nothing_then_exactly_the_edits(db: Db) {
    let Some((test_db, store, tenant)) = store(db).await else {
        return;
    };
    let first = import(&store, tenant, GOOD).await.expect("imported");
    assert_eq!((first.added, first.updated, first.unchanged), (3, 0, 0));
    let modules = store
        .modules(tenant, &ModuleFilter::usable())
        .await
        .expect("modules");
    let shape: Vec<_> = modules
        .iter()
        .map(|m| {
            (
                m.title.as_str(),
                m.capability_name.as_deref(),
                m.hours.map(|h| h.centi),
                m.link.as_deref(),
                m.level,
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "Incident drills",
                Some("incident command"),
                None,
                Some("https://lms.example.com/c/3?x=1&y=2"),
                None
            ),
            (
                "Objections, pricing and \"the competitor\"",
                Some("objection handling"),
                Some(75),
                None,
                Some(Level::Learning)
            ),
            (
                "EBR storyline",
                Some("run EBR"),
                Some(150),
                Some("https://lms.example.com/c/1"),
                Some(Level::Practising)
            ),
        ]
    );
    assert!(modules.iter().all(|m| m.state == ModuleState::Approved));
    assert_eq!(
        count(
            &test_db.url,
            "SELECT COUNT(*) FROM decisions d JOIN people p ON p.id = d.actor_person_id \
             WHERE d.kind = 'module_add' AND d.team_id IS NULL AND d.source = 'api' \
             AND p.user_id = 'cadence-import'"
        )
        .await,
        3
    );

    // Again: nothing changes, nothing is recorded.
    let again = import(&store, tenant, GOOD).await.expect("imported");
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 3));
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM decisions").await,
        3
    );

    // Edited: one duration; one module retired in chat keeps its state.
    store_retire(&test_db, "incident drills").await;
    let edited = GOOD.replace(",run EBR,90,", ",run EBR,120,");
    let third = import(&store, tenant, &edited).await.expect("imported");
    assert_eq!((third.added, third.updated, third.unchanged), (0, 1, 2));
    let storyline = store
        .module_by_title(tenant, "EBR storyline")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(storyline.hours.map(|h| h.centi), Some(200));
    let log = count(
        &test_db.url,
        "SELECT COUNT(*) FROM decisions WHERE kind = 'module_update'",
    )
    .await;
    assert_eq!(log, 1);
    let drills = store
        .module_by_title(tenant, "Incident drills")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        drills.state,
        ModuleState::Retired,
        "state is chat's business"
    );
    let update = stored_update(&test_db).await;
    let Decision::ModuleUpdate(update) = &update else {
        panic!("{update:?}");
    };
    assert_eq!(
        (
            update.before.hours.map(|h| h.centi),
            update.after.hours.map(|h| h.centi)
        ),
        (Some(150), Some(200))
    );
}

/// The one `module_update` decision, read past the store.
async fn stored_update(db: &TestDb) -> Decision {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url)
        .await
        .expect("connect");
    let (payload,): (String,) =
        sqlx::query_as("SELECT payload FROM decisions WHERE kind = 'module_update'")
            .fetch_one(&mut conn)
            .await
            .expect("the update");
    Decision::from_stored(
        "module_update",
        serde_json::from_str(&payload).expect("json"),
    )
    .expect("reads")
}

/// Retires a module past the store, as a chat `module retire` leaves it.
async fn store_retire(db: &TestDb, key: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url)
        .await
        .expect("connect");
    sqlx::query("UPDATE modules SET status = 'retired', retired_at = 1 WHERE name_key = $1")
        .bind(key)
        .execute(&mut conn)
        .await
        .expect("retired");
}

async fn a_catalogue_with_bad_rows_reports_every_one_and_writes_nothing(db: Db) {
    let Some((test_db, store, tenant)) = store(db).await else {
        return;
    };
    let bad = "Name,Competency,Hours,URL,Level\n\
        EBR storyline,run EBR,1.5 h,https://lms.example.com/c/1,practising\n\
        ,run EBR,2h,,\n\
        Objection drills,objection handling,about an hour,ftp://files.example.com/x,guru\n\
        Knitting,knitting,2,,\n\
        EBR  Storyline,run EBR,3,,\n\
        Incident drills,incident command,0,,\n\
        \u{415}BR storyline,run EBR,,,\n";
    let problems = match import(&store, tenant, bad).await {
        Err(WriteError::Invalid(problems)) => problems,
        other => panic!("expected problems, got {other:?}"),
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let expected = [
        "line 3: the title is empty",
        "line 4: module \"Objection drills\": `about an hour` is not a duration",
        "line 4: module \"Objection drills\": `guru` is not a level",
        "line 4: module \"Objection drills\": `ftp://files.example.com/x` is not a web address",
        "line 5: module \"Knitting\": the library has no capability \"knitting\"",
        "line 6: module \"EBR Storyline\": the same title as line 2",
        "line 7: module \"Incident drills\": a module takes some time",
        "line 8: module \"\u{415}BR storyline\": the title looks the same as the module \"EBR storyline\"",
    ];
    assert_eq!(problems.len(), expected.len(), "{shown:#?}");
    for (problem, wanted) in shown.iter().zip(expected) {
        assert!(problem.starts_with(wanted), "{problem}\nwanted {wanted}");
    }
    assert_eq!(count(&test_db.url, "SELECT COUNT(*) FROM modules").await, 0);
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM decisions").await,
        0
    );
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM people").await,
        0,
        "not even the importing person"
    );

    // A catalogue without the columns it needs says which, naming common headers.
    let headless = catalogue::read_catalogue("Course,Provider\nEBR storyline,Acme\n");
    assert_eq!(headless.problems.len(), 1, "{:?}", headless.problems);
    assert!(
        headless.problems[0]
            .message
            .contains("`Capability` (or `Skill`, `Competency`)")
    );
    let twice = catalogue::read_catalogue("Title,Name,Skill\na,b,c\n");
    assert!(
        twice.problems[0]
            .message
            .contains("`Title` and `Name` both read as the title")
    );
}

/// `[[modules]]` in cadence.toml: applied with the rest of the file, applied again (nothing
/// changes), edited (one module changed, one added), and a title that only looks like a stored
/// one refused before anything is written.
async fn modules_in_cadence_toml_apply_once_then_only_their_changes(db: Db) {
    use cadence::apply;
    let Some(test_db) = TestDb::new(db).await else {
        return;
    };
    let store = Store::connect(&test_db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let example = include_str!("../../cadence.toml");
    let apply_text = |text: String| {
        let store = store.clone();
        async move {
            let file = apply::parse(&text)?;
            apply::apply(&store, &file, Utc::now()).await
        }
    };
    let first = apply_text(example.to_owned()).await.expect("applied");
    assert_eq!((first.modules.created, first.modules.unchanged), (2, 0));
    let tenant = store
        .find_tenant(Platform::Slack, "T0123ABCD")
        .await
        .expect("tenant")
        .expect("exists");
    let drills = store
        .module_by_title(tenant, "incident command drills")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        (drills.hours.map(|h| h.centi), drills.level, drills.state),
        (Some(150), Some(Level::Learning), ModuleState::Approved)
    );
    let again = apply_text(example.to_owned()).await.expect("applied");
    assert_eq!(
        (
            again.modules.created,
            again.modules.updated,
            again.modules.unchanged
        ),
        (0, 0, 2)
    );
    assert_eq!(again.decisions, 0);

    let edited = example.replacen("hours = \"90 min\"", "hours = 2", 1)
        + "\n[[modules]]\ntitle = \"Objection drills\"\ncapability = \"objection handling\"\n";
    let third = apply_text(edited.clone()).await.expect("applied");
    assert_eq!(
        (
            third.modules.created,
            third.modules.updated,
            third.modules.unchanged
        ),
        (1, 1, 1)
    );
    assert_eq!(third.decisions, 2);
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM decisions d JOIN people p ON p.id = d.actor_person_id \
            WHERE d.kind IN ('module_add', 'module_update') AND p.user_id = 'cadence-apply' AND d.team_id IS NULL").await,
        4
    );
    let fourth = apply_text(edited).await.expect("applied");
    assert!(!fourth.changed(), "{fourth}");

    let decisions = count(&test_db.url, "SELECT COUNT(*) FROM decisions").await;
    let lookalike = example.to_owned()
        + "\n[[modules]]\ntitle = \"\u{415}BR storyline\"\ncapability = \"run EBR\"\n";
    match apply_text(lookalike.clone()).await {
        Err(apply::ApplyError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            let shown = problems[0].to_string();
            assert!(
                shown.contains("looks the same as the module \"EBR storyline\""),
                "{shown}"
            );
            let line = lookalike
                .lines()
                .position(|l| l == "[[modules]]")
                .map(|_| ());
            assert!(line.is_some() && problems[0].line.is_some(), "{shown}");
        }
        other => panic!("expected the look-alike refused, got {other:?}"),
    }
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM decisions").await,
        decisions
    );
}

macro_rules! catalogue_suite {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Db::Sqlite).await })+
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Db::Postgres).await })+
        }
    };
}

catalogue_suite!(
    a_catalogue_imports_once_then_changes_nothing_then_exactly_the_edits,
    a_catalogue_with_bad_rows_reports_every_one_and_writes_nothing,
    modules_in_cadence_toml_apply_once_then_only_their_changes,
);

/// The command itself, on SQLite: it prints what it did, or every problem with `FILE:LINE:` and
/// exits non-zero having written nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_reports_what_it_did_or_every_problem() {
    let Some((test_db, store, _)) = store(Db::Sqlite).await else {
        return;
    };
    store.close().await;
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("catalogue.csv");
    std::fs::write(&good, GOOD).expect("write");
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
            .args(["import", "modules"])
            .arg(file)
            .env("DATABASE_URL", &test_db.url)
            .env("RUST_LOG", "error")
            .output()
            .expect("cadence import runs")
    };
    let output = run(&good);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.contains("3 added, 0 updated, 0 unchanged; 3 decisions recorded as cadence-import"),
        "{stdout}"
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Title,Skill,Duration\nA,run EBR,forever\nB,juggling,1\n",
    )
    .expect("write");
    let output = run(&bad);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("2 problems found; nothing was imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.csv:2: module \"A\": `forever` is not a duration"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.csv:3: module \"B\": the library has no capability \"juggling\""),
        "{stderr}"
    );
    assert_eq!(count(&test_db.url, "SELECT COUNT(*) FROM modules").await, 3);
}
