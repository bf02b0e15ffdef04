//! The store on its own, on SQLite and PostgreSQL: migrations, readiness, the append-only log,
//! and concurrent decisions through the group commit.

use std::sync::Arc;

use cadence::domain::decision::{Decision, LevelSet, NewDecision};
use cadence::domain::event::{Source, SourceEvent};
use cadence::domain::ids::{CapabilityId, PersonId, TenantId};
use cadence::domain::{DecisionKind, DecisionSource, Level, Platform};
use cadence::store::{NewInboxEntry, NewTeam, Store, StoreError, Team};
use serde_json::json;

use crate::helpers::{Db, TestDb};

async fn store(db: Db) -> Option<(TestDb, Store)> {
    let test_db = TestDb::new(db).await?;
    let store = Store::connect(&test_db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    Some((test_db, store))
}

fn level(
    tenant: cadence::domain::ids::TenantId,
    team: cadence::domain::ids::TeamId,
    actor: PersonId,
    person: PersonId,
    capability: CapabilityId,
    level: Level,
    n: usize,
) -> NewDecision {
    NewDecision {
        tenant,
        team: Some(team),
        actor,
        subject: Some(person),
        capability: Some(capability),
        occurrence: None,
        channel: Some("C1".into()),
        source: DecisionSource::Api,
        decision: Decision::Level(LevelSet {
            person: format!("U{}", person.0),
            capability: "run EBR".into(),
            level,
            evidence: Some(format!("#{n}")),
        }),
        follow_up: None,
        idempotency_key: None,
        at: chrono::Utc::now(),
        roster: None,
    }
}

/// Tenant T1's team Atlas (home channel C1): manager `UM`, members `U0`, `U1`, …, and the
/// tenant's capability "run EBR".
struct Atlas {
    tenant: TenantId,
    manager: PersonId,
    members: Vec<PersonId>,
    team: Team,
    capability: CapabilityId,
}

async fn atlas(store: &Store, members: usize, now: chrono::DateTime<chrono::Utc>) -> Atlas {
    let tenant = store
        .tenant(Platform::Slack, "T1", now)
        .await
        .expect("tenant");
    let manager = store
        .person(tenant, "UM", Some("manager"), now)
        .await
        .expect("manager");
    let mut ids = Vec::new();
    for i in 0..members {
        ids.push(
            store
                .person(tenant, &format!("U{i}"), None, now)
                .await
                .expect("person")
                .id,
        );
    }
    let team = store
        .create_team(
            tenant,
            NewTeam {
                name: "Atlas",
                tz: chrono_tz::Tz::UTC,
                home_channel: Some("C1"),
                managers: &[manager.id],
                members: &ids,
            },
            now,
        )
        .await
        .expect("team");
    let capability = store
        .add_capability(tenant, "run EBR", None, None, now)
        .await
        .expect("capability")
        .id;
    Atlas {
        tenant,
        manager: manager.id,
        members: ids,
        team,
        capability,
    }
}

async fn concurrent_decisions_are_all_committed_and_one_bad_one_fails_alone(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let Atlas {
        tenant,
        manager,
        members: people,
        team,
        capability,
    } = atlas(&store, 8, now).await;

    let store = Arc::new(store);
    let mut tasks = Vec::new();
    for n in 0..200usize {
        let store = store.clone();
        let person = if n == 77 {
            PersonId(999_999)
        } else {
            people[n % people.len()]
        };
        let decision = level(
            tenant,
            team.id,
            manager,
            person,
            capability,
            Level::ALL[n % 4],
            n,
        );
        tasks.push(tokio::spawn(
            async move { (n, store.record(&decision).await) },
        ));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (n, result) = task.await.expect("task");
        if n == 77 {
            assert!(result.is_err(), "a decision about nobody must fail");
        } else {
            ids.push(result.expect("recorded"));
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 199, "every good decision has its own id");

    let log = store.decisions_of(tenant, team.id).await.expect("log");
    assert_eq!(log.len(), 199);
    assert!(
        log.iter()
            .all(|d| d.kind() == DecisionKind::Level && d.actor_user_id == "UM")
    );
    // Each person's stored level is the one from their last recorded decision.
    let profile = store
        .profile(tenant, people[1], now.date_naive())
        .await
        .expect("profile");
    let last_for_person_1 = log
        .iter()
        .filter(|d| d.subject_user_id.as_deref() == Some("U1"))
        .max_by_key(|d| d.id)
        .expect("decisions for U1");
    let Decision::Level(set) = &last_for_person_1.decision else {
        panic!("not a level decision: {last_for_person_1:?}");
    };
    let n: usize = set
        .evidence
        .as_deref()
        .and_then(|e| e.strip_prefix('#'))
        .and_then(|n| n.parse().ok())
        .expect("n");
    let expected = Level::ALL[n % 4];
    match expected {
        Level::None => assert!(profile.levels.is_empty()),
        level => assert_eq!(profile.levels[0].level, level, "decision #{n}"),
    }
}

async fn migrations_are_idempotent_and_readiness_sees_them(db: Db) {
    let Some((test_db, store)) = store(db).await else {
        return;
    };
    assert!(store.ready().await.expect("ready"));
    store.migrate().await.expect("second migrate is a no-op");
    store.close().await;
    let again = Store::connect(&test_db.url).await.expect("reconnect");
    again.migrate().await.expect("migrate on reopen");
    assert!(again.ready().await.expect("ready"));
    // A newer version has migrated the database since (as in a rolling update): this build
    // still starts on it.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101, 'from a newer version', TRUE, $1, 1)",
    )
    .bind(vec![0_u8; 48])
    .execute(&connect(&test_db.url).await)
    .await
    .expect("a newer version's migration");
    again.migrate().await.expect("migrate under a newer schema");
    assert!(again.ready().await.expect("ready"));
    again.close().await;
}

async fn tenants_are_distinct_per_platform_and_workspace(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let a = store.tenant(Platform::Slack, "T1", now).await.expect("a");
    let a_again = store
        .tenant(Platform::Slack, "T1", now)
        .await
        .expect("a again");
    let b = store.tenant(Platform::Slack, "T2", now).await.expect("b");
    let c = store.tenant(Platform::Teams, "T1", now).await.expect("c");
    assert_eq!(a, a_again);
    assert_ne!(a, b);
    assert_ne!(a, c);
    let alice_a = store
        .person(a, "UALICE", Some("alice"), now)
        .await
        .expect("alice a");
    let alice_b = store
        .person(b, "UALICE", Some("alice"), now)
        .await
        .expect("alice b");
    assert_ne!(alice_a.id, alice_b.id);
    let renamed = store
        .person(a, "UALICE", Some("Alice Smith"), now)
        .await
        .expect("rename");
    assert_eq!(renamed.id, alice_a.id);
    assert_eq!(renamed.display_name, "Alice Smith");
}

async fn the_database_refuses_rows_that_cross_tenants(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let a = store.tenant(Platform::Slack, "TA", now).await.expect("a");
    let b = store.tenant(Platform::Slack, "TB", now).await.expect("b");
    let boss_a = store.person(a, "UBOSS", None, now).await.expect("boss");
    let bob_b = store.person(b, "UBOB", None, now).await.expect("bob");
    let team_b = store
        .create_team(
            b,
            NewTeam {
                name: "Beta",
                tz: chrono_tz::Tz::UTC,
                home_channel: None,
                managers: &[bob_b.id],
                members: &[],
            },
            now,
        )
        .await
        .expect("team");
    let cap_b = store
        .add_capability(b, "run EBR", None, None, now)
        .await
        .expect("capability");
    // A decision filed under tenant A that points at tenant B's team, person and capability.
    let crossing = level(
        a,
        team_b.id,
        boss_a.id,
        bob_b.id,
        cap_b.id,
        Level::Mastery,
        1,
    );
    assert!(store.record(&crossing).await.is_err());
    let log = store.decisions_of(b, team_b.id).await.expect("log");
    assert!(log.is_empty());
}

async fn decisions_recorded_together_stand_or_fall_together(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let Atlas {
        tenant,
        manager,
        members,
        team,
        capability,
    } = atlas(&store, 1, now).await;
    let good = level(
        tenant,
        team.id,
        manager,
        members[0],
        capability,
        Level::Mastery,
        1,
    );
    let bad = level(
        tenant,
        team.id,
        manager,
        PersonId(999_999),
        capability,
        Level::Mastery,
        2,
    );
    assert!(store.record_all(&[good.clone(), bad]).await.is_err());
    assert!(
        store
            .decisions_of(tenant, team.id)
            .await
            .expect("log")
            .is_empty(),
        "the good one is not recorded alone"
    );
    let ids = store.record_all(&[good.clone(), good]).await.expect("both");
    assert_eq!(ids.len(), 2);
    assert_eq!(
        store
            .decisions_of(tenant, team.id)
            .await
            .expect("log")
            .len(),
        2
    );
}

/// A batch larger than one multi-row statement (16 rows on PostgreSQL, 64 padded rows on
/// SQLite): the ids come back in the order given and increasing, every row and its level change
/// is stored, the last change to a level wins, and a key repeated in a later statement of the
/// batch refuses the whole batch.
async fn a_batch_of_many_statements_keeps_its_order_and_stands_or_falls_whole(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let Atlas {
        tenant,
        manager,
        members: member_ids,
        team,
        capability,
    } = atlas(&store, 10, now).await;
    // 100 decisions over 10 people: seven statements on PostgreSQL, two on SQLite (64 rows
    // and 36 padded to 64), and each person's level changes ten times, the last time to
    // mastery.
    let levels = [
        Level::Learning,
        Level::Practising,
        Level::Learning,
        Level::Mastery,
    ];
    let batch: Vec<NewDecision> = (0..100)
        .map(|n| {
            let person = member_ids[n % 10];
            level(
                tenant,
                team.id,
                manager,
                person,
                capability,
                levels[n / 25],
                n,
            )
        })
        .collect();
    let ids = store.record_all(&batch).await.expect("recorded");
    assert_eq!(ids.len(), 100);
    assert!(
        ids.windows(2).all(|w| w[0].0 < w[1].0),
        "ids in order: {ids:?}"
    );
    let log = store.decisions_of(tenant, team.id).await.expect("log");
    assert_eq!(log.len(), 100);
    for (n, (recorded, id)) in log.iter().zip(&ids).enumerate() {
        assert_eq!(recorded.id, *id);
        let Decision::Level(set) = &recorded.decision else {
            panic!("not a level: {:?}", recorded.decision);
        };
        assert_eq!(set.evidence.as_deref(), Some(format!("#{n}").as_str()));
    }
    let today = now.date_naive();
    let coverage = store.coverage_inputs(&team, today).await.expect("coverage");
    let masters = coverage
        .masters
        .iter()
        .filter(|m| m.capability == capability)
        .count();
    assert_eq!(masters, 10, "the last change to each level stands");

    // The 86th repeats the 3rd's key: nothing of this batch is kept.
    let mut keyed: Vec<NewDecision> = (0..100)
        .map(|n| {
            let mut d = level(
                tenant,
                team.id,
                manager,
                member_ids[n % 10],
                capability,
                Level::Learning,
                100 + n,
            );
            d.idempotency_key = Some(format!("key-{n}"));
            d
        })
        .collect();
    keyed[85].idempotency_key = Some("key-2".into());
    assert!(store.record_all(&keyed).await.is_err());
    assert_eq!(
        store
            .decisions_of(tenant, team.id)
            .await
            .expect("log")
            .len(),
        100,
        "the refused batch wrote nothing"
    );
}

/// A slash command's key (its signed second and signature) is recorded once: a replay is
/// refused while the writer remembers the key, after a restart, and once the writer has moved
/// past the key's second; other signatures of the same second are new decisions. (SQLite keeps
/// these keys out of its unique index and the writer catches the replays; PostgreSQL's unique
/// index does. Both answer alike.)
async fn a_replayed_slash_command_is_refused_from_memory_after_a_restart_and_from_the_past(db: Db) {
    let Some((test_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let Atlas {
        tenant,
        manager,
        members,
        team,
        capability,
    } = atlas(&store, 1, now).await;
    let second = now.timestamp();
    let keyed = |key: String, n: usize| {
        let mut d = level(
            tenant,
            team.id,
            manager,
            members[0],
            capability,
            Level::Learning,
            n,
        );
        d.idempotency_key = Some(key);
        d
    };
    let first = keyed(cadence::store::command_key(second, "v0=aa"), 1);
    store.record(&first).await.expect("recorded");
    let replayed = |r: Result<_, StoreError>| matches!(r, Err(StoreError::Replayed));
    assert!(replayed(store.record(&first).await), "replayed at once");
    let same_second = keyed(cadence::store::command_key(second, "v0=bb"), 2);
    store.record(&same_second).await.expect("another signature");
    // Signed a minute ago (Slack allows five): not in the writer's memory, asked of the index.
    let late = keyed(cadence::store::command_key(second - 60, "v0=cc"), 3);
    store.record(&late).await.expect("a late command");
    assert!(replayed(store.record(&late).await), "a late replay");

    // The writer moves on ten seconds, past what it remembers: the first key is looked up.
    let later = keyed(cadence::store::command_key(second + 10, "v0=dd"), 4);
    store.record(&later).await.expect("a later command");
    assert!(
        replayed(store.record(&first).await),
        "replayed after the writer moved on"
    );

    // A restart remembers nothing: every replay is found in the database.
    drop(store);
    let store = Store::connect(&test_db.url).await.expect("reconnect");
    for replay in [&first, &same_second, &late, &later] {
        assert!(replayed(store.record(replay).await), "after a restart");
    }
    let after = keyed(cadence::store::command_key(second + 10, "v0=ee"), 5);
    store
        .record(&after)
        .await
        .expect("a new command after the restart");
    assert!(replayed(store.record(&after).await));
    // A second newer than any stored: the restarted writer vouches for it from memory again.
    let newer = keyed(cadence::store::command_key(second + 11, "v0=ff"), 6);
    store.record(&newer).await.expect("a newer command");
    assert!(
        replayed(store.record(&newer).await),
        "replayed after a restart"
    );
    assert_eq!(
        store
            .decisions_of(tenant, team.id)
            .await
            .expect("log")
            .len(),
        6,
        "each command recorded once"
    );
}

/// A replica that claims a job and dies loses it when its lease runs out: another claims it,
/// finishes it, and the first one's late write is refused and writes nothing.
async fn a_job_whose_lease_ran_out_is_finished_by_another_worker_once(db: Db) {
    use cadence::store::{Delivery, JobKind, NewMessage, PlannedJob};
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let t0: chrono::DateTime<chrono::Utc> = "2026-11-30T09:00:00Z".parse().expect("t0");
    let tenant = store
        .tenant(Platform::Slack, "T1", t0)
        .await
        .expect("tenant");
    store
        .plan_jobs(
            &[PlannedJob {
                tenant,
                kind: JobKind::Digest,
                subject: 1,
                spec: Some("0 9 * * MON Europe/London 0".into()),
                due_at: t0,
            }],
            t0,
        )
        .await
        .expect("plan");
    let lease = chrono::Duration::minutes(2);
    let first = store.claim_jobs(t0, 10, lease).await.expect("claim");
    assert_eq!(first.len(), 1);
    // While the lease holds, nobody else gets the job.
    let during = t0 + chrono::Duration::minutes(1);
    assert!(
        store
            .claim_jobs(during, 10, lease)
            .await
            .expect("claim")
            .is_empty()
    );
    // The first worker dies; after its lease another takes over and finishes.
    let later = t0 + chrono::Duration::minutes(3);
    let second = store.claim_jobs(later, 10, lease).await.expect("claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempts, 2);
    let message = |key: &str| NewMessage {
        tenant,
        idempotency_key: key.to_owned(),
        channel_id: "C1",
        delivery: Delivery::Post,
        card: json!({ "summary": "digest", "parts": [] }),
        occurrence: None,
    };
    let next = t0 + chrono::Duration::days(7);
    assert!(
        store
            .complete_job(
                &second[0],
                Some(next),
                &[message("digest:1:2026-W49")],
                later
            )
            .await
            .expect("complete")
    );
    // The first worker comes back to life: its claim is gone, so its work is not written.
    assert!(
        !store
            .complete_job(&first[0], Some(next), &[message("digest:1:late")], later)
            .await
            .expect("complete")
    );
    let outbox: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(&connect(&_db.url).await)
        .await
        .expect("count");
    assert_eq!(outbox.0, 1);
    // Not due again until next week.
    assert!(
        store
            .claim_jobs(later + chrono::Duration::days(6), 10, lease)
            .await
            .expect("claim")
            .is_empty()
    );
    assert_eq!(
        store
            .claim_jobs(next, 10, lease)
            .await
            .expect("claim")
            .len(),
        1
    );
}

/// The digest's "since last week" reads who was at mastery a week ago from the level decisions
/// before then: a level changed since is read as the newest standing decision before the
/// cutoff left it, and an undone decision counts as never made.
async fn who_was_at_mastery_a_week_ago_is_read_from_the_decisions_before_then(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let days_ago = |days: i64| now - chrono::Duration::days(days);
    let Atlas {
        tenant,
        manager,
        members,
        team,
        capability,
    } = atlas(&store, 7, days_ago(30)).await;
    let at = |mut decision: NewDecision, days: i64| {
        decision.at = days_ago(days);
        decision
    };
    let set = |person: usize, to: Level, days: i64| {
        at(
            level(
                tenant,
                team.id,
                manager,
                members[person],
                capability,
                to,
                person,
            ),
            days,
        )
    };
    // U0: mastery ten days ago, practising two days ago: a master then, not now.
    // U1: mastery ten days ago, undone the next day; mastery again two days ago: a master now only.
    // U2: learning ten days ago, mastery two days ago: a master now only.
    // U3: mastery ten days ago, unchanged since: a master then and now.
    // U4: practising two days ago, nothing before: neither.
    // U5: mastery twelve days ago, practising nine days ago, learning two days ago: neither
    //     (the latest decision before the cutoff counts, not the first).
    // U6: learning twelve days ago, mastery nine days ago, practising two days ago: a master
    //     then, not now.
    for decision in [
        set(5, Level::Mastery, 12),
        set(6, Level::Learning, 12),
        set(0, Level::Mastery, 10),
        set(1, Level::Mastery, 10),
        set(2, Level::Learning, 10),
        set(3, Level::Mastery, 10),
        set(5, Level::Practising, 9),
        set(6, Level::Mastery, 9),
    ] {
        store.record(&decision).await.expect("level");
    }
    let undone = store
        .decisions_of(tenant, team.id)
        .await
        .expect("read")
        .into_iter()
        .find(|d| d.subject_user_id.as_deref() == Some("U1"))
        .expect("U1's decision");
    let mut undo = set(1, Level::Mastery, 9);
    undo.decision = Decision::Undo(cadence::domain::decision::Undo {
        reverts: undone.id,
        kind: DecisionKind::Level,
    });
    store.record(&undo).await.expect("undo");
    for decision in [
        set(0, Level::Practising, 2),
        set(1, Level::Mastery, 2),
        set(2, Level::Mastery, 2),
        set(4, Level::Practising, 2),
        set(5, Level::Learning, 2),
        set(6, Level::Practising, 2),
    ] {
        store.record(&decision).await.expect("level");
    }

    let inputs = store
        .coverage_inputs(&team, now.date_naive())
        .await
        .expect("coverage inputs");
    let mut then: Vec<PersonId> = inputs.masters_week_ago.iter().map(|m| m.person).collect();
    then.sort();
    assert_eq!(
        then,
        vec![members[0], members[3], members[6]],
        "a week ago: U0, U3 and U6"
    );
    let mut masters: Vec<PersonId> = inputs.masters.iter().map(|m| m.person).collect();
    masters.sort();
    assert_eq!(
        masters,
        vec![members[1], members[2], members[3]],
        "now: U1, U2 and U3"
    );
}

/// A claim takes messages whose lease ran out first, then due ones oldest first, up to its
/// limit; a message not yet due, one held under a live lease and one sent are left alone.
async fn an_outbox_claim_takes_lapsed_leases_then_due_messages_in_order(db: Db) {
    use cadence::store::{Delivery, NewMessage};
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let t0: chrono::DateTime<chrono::Utc> = "2026-11-30T09:00:00Z".parse().expect("t0");
    let minute = chrono::Duration::minutes(1);
    let tenant = store
        .tenant(Platform::Slack, "T1", t0)
        .await
        .expect("tenant");
    let queue = |key: &'static str, at| {
        let store = store.clone();
        async move {
            let message = NewMessage {
                tenant,
                idempotency_key: key.to_owned(),
                channel_id: "C1",
                delivery: Delivery::Post,
                card: json!({ "text": key }),
                occurrence: None,
            };
            assert!(store.enqueue(&message, at).await.expect("queued"));
        }
    };
    // "lapsing" is claimed with a short lease that then runs out, "held" with a long one.
    for (key, at) in [
        ("lapsing", t0),
        ("held", t0),
        ("second", t0 + minute * 2),
        ("third", t0 + minute * 3),
        ("fourth", t0 + minute * 4),
    ] {
        queue(key, at).await;
    }
    let lease = |seconds| chrono::Duration::seconds(seconds);
    let first = store
        .claim_due(t0 + lease(30), 1, lease(10))
        .await
        .expect("claim");
    assert_eq!(first[0].idempotency_key, "lapsing");
    let long = store
        .claim_due(t0 + lease(35), 1, lease(3600))
        .await
        .expect("claim");
    assert_eq!(long[0].idempotency_key, "held");
    queue("later", t0 + minute * 60).await;
    let now = t0 + minute * 5;
    let claimed = store
        .claim_due(now, 3, chrono::Duration::seconds(30))
        .await
        .expect("claim");
    let keys: Vec<&str> = claimed.iter().map(|m| m.idempotency_key.as_str()).collect();
    assert_eq!(keys, ["lapsing", "second", "third"]);
    assert_eq!(
        claimed[0].attempts, 2,
        "the lapsed claim counts as a second attempt"
    );
    let rest = store
        .claim_due(now, 10, chrono::Duration::seconds(30))
        .await
        .expect("claim");
    let keys: Vec<&str> = rest.iter().map(|m| m.idempotency_key.as_str()).collect();
    assert_eq!(
        keys,
        ["fourth"],
        "not \"held\" (leased) nor \"later\" (not due)"
    );
}

/// Received events and level decisions arriving together share batches: every decision is
/// recorded once with its level, every delivery is kept once, and of the copies of one delivery
/// (a platform's retry racing the first) exactly one is told it is new.
async fn events_and_decisions_arriving_together_are_each_written_once(db: Db) {
    let Some((_db, store)) = store(db).await else {
        return;
    };
    let now = chrono::Utc::now();
    let Atlas {
        tenant,
        manager,
        members: people,
        team,
        capability,
    } = atlas(&store, 4, now).await;
    let store = Arc::new(store);
    let mut decisions = Vec::new();
    let mut deliveries = Vec::new();
    for n in 0..120usize {
        let store = store.clone();
        if n % 2 == 0 {
            let decision = level(
                tenant,
                team.id,
                manager,
                people[(n / 2) % people.len()],
                capability,
                Level::Mastery,
                n,
            );
            decisions.push(tokio::spawn(async move { store.record(&decision).await }));
        } else {
            // 60 deliveries of 20 distinct ids: each sent three times.
            let entry = delivery(format!("d-{}", (n / 2) % 20), now);
            deliveries.push(tokio::spawn(async move {
                (entry.delivery_id.clone(), store.receive(entry).await)
            }));
        }
    }
    let mut ids = Vec::new();
    for task in decisions {
        ids.push(task.await.expect("task").expect("recorded"));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60, "every decision has its own id");
    let mut new = std::collections::BTreeMap::<String, usize>::new();
    for task in deliveries {
        let (id, kept) = task.await.expect("task");
        *new.entry(id).or_default() += usize::from(kept.expect("kept"));
    }
    assert_eq!(new.len(), 20);
    assert!(
        new.values().all(|n| *n == 1),
        "one copy of each is new: {new:?}"
    );
    let log = store.decisions_of(tenant, team.id).await.expect("log");
    assert_eq!(log.len(), 60);
    assert_eq!(store.pending_events(1000).await.expect("inbox").len(), 20);
    let coverage = store
        .coverage_inputs(&team, now.date_naive())
        .await
        .expect("coverage");
    assert_eq!(
        coverage.masters.len(),
        people.len(),
        "each person's level was set"
    );
}

/// A Jira `sprint_closed` delivery with the given id.
fn delivery(id: String, at: chrono::DateTime<chrono::Utc>) -> NewInboxEntry {
    NewInboxEntry {
        source: Source::Jira,
        delivery_id: id,
        event: SourceEvent {
            source: Source::Jira,
            name: "sprint_closed".to_owned(),
            subject: "sprint:1".to_owned(),
            title: "Sprint 1".to_owned(),
            attributes: Default::default(),
            at,
        },
        received_at: at,
        tenant: None,
    }
}

async fn connect(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.expect("connect")
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
    concurrent_decisions_are_all_committed_and_one_bad_one_fails_alone,
    migrations_are_idempotent_and_readiness_sees_them,
    tenants_are_distinct_per_platform_and_workspace,
    the_database_refuses_rows_that_cross_tenants,
    decisions_recorded_together_stand_or_fall_together,
    a_batch_of_many_statements_keeps_its_order_and_stands_or_falls_whole,
    a_job_whose_lease_ran_out_is_finished_by_another_worker_once,
    who_was_at_mastery_a_week_ago_is_read_from_the_decisions_before_then,
    an_outbox_claim_takes_lapsed_leases_then_due_messages_in_order,
    events_and_decisions_arriving_together_are_each_written_once,
    a_replayed_slash_command_is_refused_from_memory_after_a_restart_and_from_the_past,
);
