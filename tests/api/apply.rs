//! `cadence apply`: the example `cadence.toml` applied to a fresh database, applied again (no
//! change, no decision), then edited (exactly the edits land); a bad file (every problem
//! reported, nothing written); and the store operations apply added. On SQLite and PostgreSQL.

use std::collections::HashMap;

use cadence::apply::{self, ApplyError, ApplyFile, ApplySummary, Counts};
use cadence::domain::command::{DateRange, MembershipChange};
use cadence::domain::decision::Decision;
use cadence::domain::event::Selector;
use cadence::domain::{DecisionKind, DecisionSource, Platform};
use cadence::store::{NewRitual, NewTeam, Role, Store, Team};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Connection;

use crate::helpers::{Db, TestDb};

const EXAMPLE: &str = include_str!("../../cadence.toml");
const WORKSPACE: &str = "T0123ABCD";

async fn store(db: Db) -> Option<(TestDb, Store)> {
    let test_db = TestDb::new(db).await?;
    let store = Store::connect(&test_db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((test_db, store))
}

/// Row counts of the tables apply writes, read past the store.
async fn table_counts(db: &TestDb) -> HashMap<&'static str, i64> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url)
        .await
        .expect("connect");
    let mut counts = HashMap::new();
    for table in [
        "tenants",
        "people",
        "capabilities",
        "teams",
        "team_members",
        "team_targets",
        "absences",
        "rituals",
        "ritual_triggers",
        "decisions",
    ] {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .expect("count");
        counts.insert(table, n);
    }
    counts
}

async fn apply_text(store: &Store, text: &str, at: DateTime<Utc>) -> ApplySummary {
    let file = apply::parse(text).expect("the file is valid");
    apply::apply(store, &file, at).await.expect("applied")
}

fn counts(created: usize, updated: usize, unchanged: usize, removed: usize) -> Counts {
    Counts {
        created,
        updated,
        unchanged,
        removed,
    }
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

async fn team(store: &Store, name: &str) -> Team {
    let tenant = store
        .find_tenant(Platform::Slack, WORKSPACE)
        .await
        .expect("tenant")
        .expect("tenant exists");
    store
        .team_by_name(tenant, name)
        .await
        .expect("team")
        .expect("team exists")
}

/// (user id, display name, role) of the team's current members, sorted by user id.
async fn roster(store: &Store, team: &Team) -> Vec<(String, String, Role)> {
    let mut roster: Vec<_> = store
        .members(team)
        .await
        .expect("members")
        .into_iter()
        .map(|m| (m.person.user_id, m.person.display_name, m.role))
        .collect();
    roster.sort_by(|a, b| a.0.cmp(&b.0));
    roster
}

/// Capability name → target.
async fn targets(store: &Store, team: &Team) -> HashMap<String, u32> {
    let mut named = HashMap::new();
    for (id, count) in store.targets_of(team).await.expect("targets") {
        let cap = store
            .capability_by_id(team.tenant, id)
            .await
            .expect("capability")
            .expect("exists");
        named.insert(cap.name, count);
    }
    named
}

async fn the_example_applies_once_then_changes_nothing_then_exactly_the_edits(db: Db) {
    let Some((test_db, store)) = store(db).await else {
        return;
    };
    let at = Utc::now();

    // First apply: everything is created.
    let first = apply_text(&store, EXAMPLE, at).await;
    assert_eq!(first.people, counts(6, 0, 0, 0));
    assert_eq!(first.capabilities, counts(4, 0, 0, 0));
    assert_eq!(first.modules, counts(2, 0, 0, 0));
    assert_eq!(first.teams, counts(2, 0, 0, 0));
    assert_eq!(first.memberships, counts(6, 0, 0, 0));
    assert_eq!(first.targets, counts(4, 0, 0, 0));
    assert_eq!(first.absences, counts(1, 0, 0, 0));
    assert_eq!(first.rituals, counts(3, 0, 0, 0));
    assert_eq!(
        first.decisions, 7,
        "four targets, an absence and two modules"
    );

    let tenant = store
        .tenant(Platform::Slack, WORKSPACE, at)
        .await
        .expect("tenant");
    assert_eq!(first.tenant, Some(tenant));
    let atlas = team(&store, "Atlas").await;
    assert_eq!(atlas.tz, chrono_tz::Europe::London);
    assert_eq!(atlas.home_channel.as_deref(), Some("C0123ATLAS"));
    assert_eq!(
        roster(&store, &atlas).await,
        vec![
            ("U01ALICE".into(), "Alice".into(), Role::Manager),
            ("U02BOB".into(), "Bob".into(), Role::Member),
            ("U03CAROL".into(), "Carol".into(), Role::Member),
        ]
    );
    let borealis = team(&store, "Borealis").await;
    assert_eq!(borealis.tz, chrono_tz::America::New_York);
    assert_eq!(borealis.home_channel.as_deref(), Some("C0456BOREALIS"));
    assert_eq!(roster(&store, &borealis).await.len(), 3);

    let ebr = store
        .capability_by_name(tenant, "run ebr")
        .await
        .expect("capability")
        .expect("exists");
    assert_eq!(
        ebr.description.as_deref(),
        Some("runs an executive business review end to end, without escalation")
    );
    assert_eq!(ebr.family.as_deref(), Some("account exec"));

    assert_eq!(
        targets(&store, &atlas).await,
        HashMap::from([
            ("architecture trade-offs".to_owned(), 2),
            ("incident command".to_owned(), 3),
        ])
    );
    assert_eq!(
        targets(&store, &borealis).await,
        HashMap::from([
            ("run EBR".to_owned(), 2),
            ("objection handling".to_owned(), 3)
        ])
    );
    let bob = store
        .find_person(tenant, "U02BOB")
        .await
        .expect("bob")
        .expect("exists");
    assert_eq!(
        store.absences_of(tenant, bob.id).await.expect("absences"),
        vec![DateRange {
            from: day("2026-12-01"),
            to: day("2026-12-14")
        }]
    );

    let atlas_rituals = store.rituals_of(&atlas).await.expect("rituals");
    assert_eq!(atlas_rituals.len(), 1);
    let retro = &atlas_rituals[0];
    assert_eq!(
        (
            retro.kind.as_str(),
            retro.name.as_str(),
            retro.channel_id.as_str()
        ),
        ("retro", "Atlas sprint retro", "C0123ATLAS")
    );
    assert_eq!(
        (
            retro.prompt_on.as_str(),
            retro.artefact.as_str(),
            retro.nudge_after_minutes
        ),
        ("end", "gaps", Some(90))
    );
    assert_eq!(
        retro.triggers,
        vec![
            "jira:board=12:sprint_closed"
                .parse::<Selector>()
                .expect("selector")
        ]
    );
    let borealis_rituals = store.rituals_of(&borealis).await.expect("rituals");
    let shape: Vec<(&str, &str, &str, Option<i64>, String)> = borealis_rituals
        .iter()
        .map(|r| {
            (
                r.kind.as_str(),
                r.channel_id.as_str(),
                r.artefact.as_str(),
                r.nudge_after_minutes,
                r.triggers[0].to_string(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "qbr",
                "C0456QBR",
                "interventions",
                None,
                "generic:qbr_ended".to_owned()
            ),
            (
                "pipeline",
                "C0456BOREALIS",
                "coaching",
                None,
                "zoom:topic~Pipeline:meeting_ended".to_owned()
            ),
        ]
    );

    let log = store.decisions_of(tenant, atlas.id).await.expect("log");
    assert_eq!(log.len(), 3, "two targets and an absence");
    assert!(
        log.iter()
            .all(|d| d.source == DecisionSource::Api && d.actor_user_id == apply::APPLY_ACTOR)
    );
    assert_eq!(
        log.iter()
            .filter(|d| d.kind() == DecisionKind::Target)
            .count(),
        2,
        "{log:?}"
    );
    let absence = log
        .iter()
        .find(|d| d.kind() == DecisionKind::Absence)
        .expect("absence");
    assert_eq!(absence.subject_user_id.as_deref(), Some("U02BOB"));
    let Decision::Absence(away) = &absence.decision else {
        panic!("not an absence: {absence:?}");
    };
    assert_eq!(away.from.to_string(), "2026-12-01");

    // Second apply: nothing changes, no decision is recorded.
    let before = table_counts(&test_db).await;
    let ritual_ids: Vec<_> = atlas_rituals.iter().map(|r| r.id).collect();
    let second = apply_text(&store, EXAMPLE, at + chrono::Duration::minutes(5)).await;
    assert!(!second.changed(), "{second}");
    assert_eq!(second.decisions, 0);
    assert_eq!(second.people, counts(0, 0, 6, 0));
    assert_eq!(second.capabilities, counts(0, 0, 4, 0));
    assert_eq!(second.modules, counts(0, 0, 2, 0));
    assert_eq!(second.teams, counts(0, 0, 2, 0));
    assert_eq!(second.memberships, counts(0, 0, 6, 0));
    assert_eq!(second.targets, counts(0, 0, 4, 0));
    assert_eq!(second.absences, counts(0, 0, 1, 0));
    assert_eq!(second.rituals, counts(0, 0, 3, 0));
    assert_eq!(table_counts(&test_db).await, before);

    // An edited file: one target changed, one member removed, one ritual trigger changed.
    let edited = EXAMPLE
        .replacen(
            "capability = \"incident command\"\n  count = 3",
            "capability = \"incident command\"\n  count = 4",
            1,
        )
        .replacen(
            "members = [\"U02BOB\", \"U03CAROL\"]",
            "members = [\"U02BOB\"]",
            1,
        )
        .replacen(
            "jira:board=12:sprint_closed",
            "jira:board=14:sprint_closed",
            1,
        );
    assert_ne!(edited, EXAMPLE);
    let third = apply_text(&store, &edited, at + chrono::Duration::minutes(10)).await;
    assert_eq!(third.people, counts(0, 0, 6, 0));
    assert_eq!(third.capabilities, counts(0, 0, 4, 0));
    assert_eq!(third.modules, counts(0, 0, 2, 0));
    assert_eq!(
        third.teams,
        counts(0, 1, 1, 0),
        "Atlas's membership changed"
    );
    assert_eq!(third.memberships, counts(0, 0, 5, 1));
    assert_eq!(third.targets, counts(0, 1, 3, 0));
    assert_eq!(third.absences, counts(0, 0, 1, 0));
    assert_eq!(third.rituals, counts(0, 1, 2, 0));
    assert_eq!(third.decisions, 1);

    let after = table_counts(&test_db).await;
    for (table, n) in &before {
        let expected = match *table {
            "decisions" => n + 1,
            _ => *n,
        };
        assert_eq!(after[table], expected, "{table}");
    }
    assert_eq!(
        targets(&store, &atlas).await["incident command"],
        4,
        "the target changed"
    );
    let log = store.decisions_of(tenant, atlas.id).await.expect("log");
    assert_eq!(log.len(), 4);
    let last = log.last().expect("decision");
    let Decision::Target(target) = &last.decision else {
        panic!("not a target: {last:?}");
    };
    assert_eq!(target.capability, "incident command");
    assert_eq!(target.target, 4);
    assert_eq!(
        store
            .decisions_of(tenant, borealis.id)
            .await
            .expect("log")
            .len(),
        2,
        "Borealis is untouched"
    );
    assert_eq!(
        roster(&store, &atlas).await,
        vec![
            ("U01ALICE".into(), "Alice".into(), Role::Manager),
            ("U02BOB".into(), "Bob".into(), Role::Member),
        ],
        "Carol left"
    );
    let carol = store
        .find_person(tenant, "U03CAROL")
        .await
        .expect("carol")
        .expect("a person still");
    assert!(
        store
            .teams_of(tenant, carol.id)
            .await
            .expect("teams")
            .is_empty()
    );
    let atlas_rituals = store.rituals_of(&atlas).await.expect("rituals");
    assert_eq!(
        atlas_rituals.iter().map(|r| r.id).collect::<Vec<_>>(),
        ritual_ids,
        "updated in place"
    );
    assert_eq!(
        atlas_rituals[0]
            .triggers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec!["jira:board=14:sprint_closed"]
    );
    assert_eq!(atlas_rituals[0].nudge_after_minutes, Some(90));
    assert_eq!(
        store.rituals_of(&borealis).await.expect("rituals"),
        borealis_rituals
    );

    // And the edited file applied again is a no-op too.
    let fourth = apply_text(&store, &edited, at + chrono::Duration::minutes(15)).await;
    assert!(!fourth.changed(), "{fourth}");
}

async fn records_made_in_chat_are_matched_and_only_differences_written(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let at = Utc::now();
    let tenant = store
        .tenant(Platform::Slack, WORKSPACE, at)
        .await
        .expect("tenant");
    let alice = store
        .person(tenant, "U01ALICE", Some("alice.s"), at)
        .await
        .expect("alice");
    let zed = store
        .person(tenant, "U09ZED", Some("Zed"), at)
        .await
        .expect("zed");
    store
        .add_capability(tenant, "Run  EBR", Some("old words"), None, at)
        .await
        .expect("capability");
    store
        .add_capability(
            tenant,
            "incident command",
            Some("runs a sev-2 incident from page to post-incident review"),
            Some("backend engineer"),
            at,
        )
        .await
        .expect("capability");
    // As `/cadence team create atlas managers @zed members @alice` would leave it.
    let atlas = store
        .create_team(
            tenant,
            NewTeam {
                name: "atlas",
                tz: chrono_tz::Tz::UTC,
                home_channel: None,
                managers: &[zed.id],
                members: &[alice.id],
            },
            at,
        )
        .await
        .expect("team");
    let planning = store
        .add_ritual(
            NewRitual {
                team: &atlas,
                kind: cadence::domain::ritual::RitualKind::Planning,
                name: "atlas Sprint Retro",
                channel_id: "COLD",
                prompt_on: cadence::domain::ritual::PromptOn::End,
                artefact: "interventions",
                nudge_after_minutes: None,
                triggers: &["generic:x".parse().expect("selector")],
                schedule: None,
                prompt_before_minutes: 0,
            },
            at,
        )
        .await
        .expect("ritual");
    store
        .set_ritual_paused(tenant, planning.id, true)
        .await
        .expect("paused");
    let standup = store
        .add_ritual(
            NewRitual {
                team: &atlas,
                kind: cadence::domain::ritual::RitualKind::Custom,
                name: "Atlas standup",
                channel_id: "C0123ATLAS",
                prompt_on: cadence::domain::ritual::PromptOn::Start,
                artefact: "none",
                nudge_after_minutes: None,
                triggers: &["generic:standup".parse().expect("selector")],
                schedule: None,
                prompt_before_minutes: 0,
            },
            at,
        )
        .await
        .expect("ritual");

    let summary = apply_text(&store, EXAMPLE, at).await;
    assert_eq!(summary.people, counts(5, 1, 0, 0), "Alice is renamed");
    assert_eq!(
        summary.capabilities,
        counts(2, 1, 1, 0),
        "run EBR gets the file's description; incident command is as the file says"
    );
    assert_eq!(summary.teams, counts(1, 1, 0, 0));
    // Atlas: Alice member → manager, Zed leaves, Bob and Carol join; Borealis: three join.
    assert_eq!(summary.memberships, counts(5, 1, 0, 1));
    assert_eq!(summary.rituals, counts(2, 1, 0, 0));

    let atlas = team(&store, "Atlas").await;
    assert_eq!(
        atlas.name, "atlas",
        "matched by name; the stored spelling stays"
    );
    assert_eq!(atlas.tz, chrono_tz::Europe::London);
    assert_eq!(atlas.home_channel.as_deref(), Some("C0123ATLAS"));
    assert_eq!(
        roster(&store, &atlas).await,
        vec![
            ("U01ALICE".into(), "Alice".into(), Role::Manager),
            ("U02BOB".into(), "Bob".into(), Role::Member),
            ("U03CAROL".into(), "Carol".into(), Role::Member),
        ]
    );
    let ebr = store
        .capability_by_name(tenant, "run EBR")
        .await
        .expect("capability")
        .expect("exists");
    assert_eq!(ebr.name, "Run  EBR");
    assert_eq!(
        ebr.description.as_deref(),
        Some("runs an executive business review end to end, without escalation")
    );
    let rituals = store.rituals_of(&atlas).await.expect("rituals");
    assert_eq!(rituals.len(), 2, "the standup is left alone");
    let retro = &rituals[0];
    assert_eq!(retro.id, planning.id);
    assert_eq!(
        (
            retro.kind.as_str(),
            retro.name.as_str(),
            retro.channel_id.as_str(),
            retro.artefact.as_str()
        ),
        ("retro", "Atlas sprint retro", "C0123ATLAS", "gaps")
    );
    assert!(retro.paused, "pausing is chat's business");
    assert_eq!(retro.triggers.len(), 1);
    assert_eq!(retro.triggers[0].to_string(), "jira:board=12:sprint_closed");
    assert_eq!(rituals[1], standup);

    let again = apply_text(&store, EXAMPLE, at).await;
    assert!(!again.changed(), "{again}");
}

async fn teams_may_swap_home_channels_but_not_take_another_teams(db: Db) {
    let Some((test_db, store)) = store(db).await else {
        return;
    };
    let at = Utc::now();
    apply_text(&store, EXAMPLE, at).await;
    let swapped = EXAMPLE
        .replacen("channel = \"C0123ATLAS\"", "channel = \"SWAP\"", 1)
        .replacen("channel = \"C0456BOREALIS\"", "channel = \"C0123ATLAS\"", 1)
        .replacen("channel = \"SWAP\"", "channel = \"C0456BOREALIS\"", 1);
    let summary = apply_text(&store, &swapped, at).await;
    assert_eq!(summary.teams, counts(0, 2, 0, 0));
    assert_eq!(
        team(&store, "Atlas").await.home_channel.as_deref(),
        Some("C0456BOREALIS")
    );
    assert_eq!(
        team(&store, "Borealis").await.home_channel.as_deref(),
        Some("C0123ATLAS")
    );

    // A team the file does not describe keeps its channel; the file is refused whole.
    let tenant = store
        .find_tenant(Platform::Slack, WORKSPACE)
        .await
        .expect("tenant")
        .expect("exists");
    let zed = store.person(tenant, "U09ZED", None, at).await.expect("zed");
    store
        .create_team(
            tenant,
            NewTeam {
                name: "Zephyr",
                tz: chrono_tz::Tz::UTC,
                home_channel: Some("CZEPHYR"),
                managers: &[zed.id],
                members: &[],
            },
            at,
        )
        .await
        .expect("team");
    let before = table_counts(&test_db).await;
    let grabbing = swapped
        .replacen("channel = \"C0456BOREALIS\"", "channel = \"CZEPHYR\"", 1)
        .replacen("count = 2", "count = 7", 1);
    let file = apply::parse(&grabbing).expect("valid on its own");
    match apply::apply(&store, &file, at).await {
        Err(ApplyError::Invalid(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            let problem = problems[0].to_string();
            assert!(
                problem
                    .contains("team \"Atlas\": channel `CZEPHYR` is the home of team \"Zephyr\""),
                "{problem}"
            );
            assert!(problems[0].line.is_some());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(table_counts(&test_db).await, before, "nothing was written");
}

async fn a_bad_file_reports_every_problem_and_writes_nothing(db: Db) {
    let Some((test_db, store)) = store(db).await else {
        return;
    };
    let bad = EXAMPLE
        .replacen("tz = \"Europe/London\"", "tz = \"Europe/Lundon\"", 1)
        .replacen("capability = \"run EBR\"", "capability = \"run EBRR\"", 1)
        .replacen(
            "on = [\"zoom:topic~Pipeline:meeting_ended\"]",
            "on = [\"zoom:topic~Pipeline\"]",
            1,
        );
    let problems = match apply::parse(&bad) {
        Err(ApplyError::Invalid(problems)) => problems,
        other => panic!("expected problems, got {other:?}"),
    };
    let rendered: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 3, "{rendered:#?}");
    assert!(rendered[0].contains("team \"Atlas\": `Europe/Lundon` is not a time zone"));
    assert!(rendered[1].contains(
        "team \"Borealis\", target \"run EBRR\": `run EBRR` is not listed under [[capabilities]]"
    ));
    assert!(rendered[2].contains(
        "team \"Borealis\", ritual \"Borealis pipeline call\": trigger `zoom:topic~Pipeline`"
    ));
    let lines: Vec<usize> = problems.iter().filter_map(|p| p.line).collect();
    let line_of = |needle: &str| {
        bad.lines()
            .position(|l| l.contains(needle))
            .expect("in the file")
            + 1
    };
    assert_eq!(
        lines,
        vec![
            line_of("Europe/Lundon"),
            line_of("run EBRR") - 1, // the [[teams.targets]] line above it
            line_of("zoom:topic~Pipeline"),
        ]
    );

    // `apply` checks again before writing, so a file built or changed in code cannot slip past.
    let mut file: ApplyFile = apply::parse(EXAMPLE).expect("the example is valid");
    {
        let atlas = file.teams[0].get_mut();
        atlas.tz = toml::Spanned::new(0..0, "Mars/Olympus".to_owned());
        atlas.targets[0].get_mut().capability = "knitting".to_owned();
        atlas.rituals[0].get_mut().on = vec![toml::Spanned::new(0..0, "trello:x".to_owned())];
    }
    match apply::apply(&store, &file, Utc::now()).await {
        Err(ApplyError::Invalid(problems)) => {
            let what: Vec<&str> = problems.iter().map(|p| p.what.as_str()).collect();
            assert_eq!(
                what,
                vec![
                    "team \"Atlas\"",
                    "team \"Atlas\", target \"knitting\"",
                    "team \"Atlas\", ritual \"Atlas sprint retro\"",
                ]
            );
        }
        other => panic!("expected problems, got {other:?}"),
    }
    assert!(
        table_counts(&test_db).await.values().all(|n| *n == 0),
        "nothing was written, not even the tenant"
    );
    assert_eq!(
        store
            .find_tenant(Platform::Slack, WORKSPACE)
            .await
            .expect("lookup"),
        None
    );
}

async fn the_store_operations_apply_uses_stay_in_their_tenant(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let at = Utc::now();
    assert_eq!(
        store
            .find_tenant(Platform::Slack, "TA")
            .await
            .expect("find"),
        None
    );
    let a = store.tenant(Platform::Slack, "TA", at).await.expect("a");
    let b = store.tenant(Platform::Slack, "TB", at).await.expect("b");
    assert_eq!(
        store
            .find_tenant(Platform::Slack, "TA")
            .await
            .expect("find"),
        Some(a)
    );
    assert_eq!(
        store
            .find_tenant(Platform::Teams, "TA")
            .await
            .expect("find"),
        None
    );
    let boss_a = store.person(a, "UBOSS", None, at).await.expect("boss");
    let boss_b = store.person(b, "UBOSS", None, at).await.expect("boss");
    let new_team = |name: &'static str, channel: &'static str, manager| NewTeam {
        name,
        tz: chrono_tz::Tz::UTC,
        home_channel: Some(channel),
        managers: std::slice::from_ref(manager),
        members: &[],
    };
    let team_a = store
        .create_team(a, new_team("Atlas", "C1", &boss_a.id), at)
        .await
        .expect("team a");
    let other_a = store
        .create_team(a, new_team("Other", "C2", &boss_a.id), at)
        .await
        .expect("other a");
    let team_b = store
        .create_team(b, new_team("Atlas", "C1", &boss_b.id), at)
        .await
        .expect("team b");

    // update_team: a channel home to another team of the tenant is refused; another tenant's is not.
    let refused = store
        .update_team(&team_a, chrono_tz::Tz::UTC, Some("C2"))
        .await;
    assert!(refused.is_err_and(|e| e.is_conflict()));
    let moved = store
        .update_team(&team_a, chrono_tz::Europe::Paris, Some("C3"))
        .await
        .expect("moved");
    assert_eq!(
        store.team_by_id(a, team_a.id).await.expect("team"),
        Some(moved.clone())
    );
    assert_eq!(moved.home_channel.as_deref(), Some("C3"));
    assert_eq!(
        store.team_by_id(b, team_b.id).await.expect("team b"),
        Some(team_b.clone()),
        "tenant B's Atlas is untouched"
    );
    store
        .update_team(&other_a, chrono_tz::Tz::UTC, None)
        .await
        .expect("no channel");

    // update_capability: only within the tenant.
    let cap_a = store
        .add_capability(a, "run EBR", Some("old"), None, at)
        .await
        .expect("cap a");
    let cap_b = store
        .add_capability(b, "run EBR", Some("theirs"), None, at)
        .await
        .expect("cap b");
    assert_eq!(
        store
            .update_capability(b, cap_a.id, Some("x"), None)
            .await
            .expect("update"),
        None
    );
    let updated = store
        .update_capability(a, cap_a.id, Some("new"), Some("account exec"))
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.description.as_deref(), Some("new"));
    assert_eq!(
        store
            .capability_by_name(a, "RUN ebr")
            .await
            .expect("lookup")
            .expect("exists")
            .family
            .as_deref(),
        Some("account exec"),
        "the cache sees the change"
    );
    assert_eq!(
        store
            .capability_by_id(b, cap_b.id)
            .await
            .expect("b")
            .expect("exists")
            .description
            .as_deref(),
        Some("theirs")
    );

    // targets_of and absences_of read one team's and one person's rows.
    assert!(store.targets_of(&moved).await.expect("targets").is_empty());
    assert!(
        store
            .absences_of(a, boss_a.id)
            .await
            .expect("absences")
            .is_empty()
    );
    // Tenant B's person id asked for under tenant A finds nothing.
    assert!(
        store
            .absences_of(a, boss_b.id)
            .await
            .expect("absences")
            .is_empty()
    );

    // ritual_by_name and update_ritual.
    let jira: Selector = "jira:board=12:sprint_closed".parse().expect("selector");
    let zoom: Selector = "zoom:topic~Pipeline:meeting_ended"
        .parse()
        .expect("selector");
    let github: Selector = "github:milestone_closed".parse().expect("selector");
    let retro = store
        .add_ritual(
            NewRitual {
                team: &moved,
                kind: cadence::domain::ritual::RitualKind::Retro,
                name: "Atlas sprint retro",
                channel_id: "C3",
                prompt_on: cadence::domain::ritual::PromptOn::End,
                artefact: "gaps",
                nudge_after_minutes: Some(120),
                triggers: &[jira.clone(), zoom.clone()],
                schedule: None,
                prompt_before_minutes: 0,
            },
            at,
        )
        .await
        .expect("ritual");
    assert_eq!(
        store
            .ritual_by_name(&moved, "atlas  SPRINT retro")
            .await
            .expect("by name"),
        Some(retro.clone())
    );
    assert_eq!(
        store
            .ritual_by_name(&team_b, "Atlas sprint retro")
            .await
            .expect("by name"),
        None
    );
    assert_eq!(
        store
            .ritual_by_name(&other_a, "Atlas sprint retro")
            .await
            .expect("by name"),
        None
    );
    let wanted = NewRitual {
        team: &moved,
        kind: cadence::domain::ritual::RitualKind::Planning,
        name: "Atlas planning",
        channel_id: "C9",
        prompt_on: cadence::domain::ritual::PromptOn::Start,
        artefact: "interventions",
        nudge_after_minutes: None,
        triggers: &[zoom.clone(), github.clone()],
        schedule: None,
        prompt_before_minutes: 0,
    };
    // Through another tenant's or another team's eyes, the ritual is not there.
    let foreign = NewRitual {
        team: &team_b,
        ..wanted.clone()
    };
    assert_eq!(
        store
            .update_ritual(retro.id, foreign, at)
            .await
            .expect("update"),
        None
    );
    let other_team = NewRitual {
        team: &other_a,
        ..wanted.clone()
    };
    assert_eq!(
        store
            .update_ritual(retro.id, other_team, at)
            .await
            .expect("update"),
        None
    );
    assert_eq!(
        store.ritual(a, retro.id).await.expect("ritual"),
        Some(retro.clone())
    );
    store
        .set_ritual_paused(a, retro.id, true)
        .await
        .expect("pause");
    let updated = store
        .update_ritual(retro.id, wanted, at)
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.id, retro.id);
    assert_eq!(
        (
            updated.kind.as_str(),
            updated.name.as_str(),
            updated.channel_id.as_str(),
            updated.prompt_on.as_str(),
            updated.artefact.as_str(),
            updated.nudge_after_minutes,
            updated.paused
        ),
        (
            "planning",
            "Atlas planning",
            "C9",
            "start",
            "interventions",
            None,
            true
        )
    );
    assert_eq!(
        updated.triggers,
        vec![zoom, github],
        "the kept trigger stays first"
    );
    let by_jira = store
        .rituals_triggered_by(cadence::domain::event::Source::Jira)
        .await
        .expect("by source");
    assert!(by_jira.is_empty(), "the dropped trigger is gone");

    // Membership changes used by apply stay within the team.
    store
        .change_membership(&moved, MembershipChange::Remove, &[boss_a.id], at)
        .await
        .expect("remove");
    assert!(store.members(&moved).await.expect("members").is_empty());
    assert_eq!(store.members(&team_b).await.expect("members").len(), 1);
}

macro_rules! store_suite {
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

store_suite!(
    the_example_applies_once_then_changes_nothing_then_exactly_the_edits,
    records_made_in_chat_are_matched_and_only_differences_written,
    teams_may_swap_home_channels_but_not_take_another_teams,
    a_bad_file_reports_every_problem_and_writes_nothing,
    the_store_operations_apply_uses_stay_in_their_tenant,
);
