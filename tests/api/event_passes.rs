//! One pass of the event processor in the store, on SQLite and PostgreSQL: a batch of events is
//! claimed, and its occurrences, prompts and nudges written, a few statements for the whole
//! batch; each ritual and subject gets one occurrence however often it comes in the batch, and a
//! second replica holding the same batch writes nothing. Deliveries queued behind the writer
//! are seen as acknowledgements waiting, which the processor gives way to.

use std::collections::BTreeMap;

use cadence::domain::Platform;
use cadence::domain::event::{Selector, Source, SourceEvent};
use cadence::domain::ritual::{PromptOn, RitualKind};
use cadence::store::{
    NewInboxEntry, NewRitual, NewTeam, OccurrencePlan, PendingEvent, Ritual, Store,
};
use chrono::{DateTime, Duration, Utc};

use crate::helpers::{Db, TestDb, count};

fn t0() -> DateTime<Utc> {
    "2026-11-30T10:00:00Z".parse().expect("instant")
}

fn sprint_closed(board: u32, sprint: u32) -> SourceEvent {
    SourceEvent {
        source: Source::Jira,
        name: "sprint_closed".to_owned(),
        subject: format!("sprint:{sprint}"),
        title: format!("Sprint {sprint}"),
        attributes: BTreeMap::from([("board".to_owned(), board.to_string())]),
        at: t0(),
    }
}

/// A store with three rituals: `retro` (Jira board 12, or a GitHub milestone; nudges after an
/// hour), `review` (board 12 too, expects no artefact, so never nudges) and `other` (board 7).
async fn store_with_rituals(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let tenant = store
        .tenant(Platform::Slack, "T1", t0())
        .await
        .expect("tenant");
    let boss = store
        .person(tenant, "UBOSS", Some("boss"), t0())
        .await
        .expect("person");
    let new_team = NewTeam {
        name: "Atlas",
        tz: chrono_tz::Tz::UTC,
        home_channel: Some("CATLAS"),
        managers: &[boss.id],
        members: &[],
    };
    let team = store
        .create_team(tenant, new_team, t0())
        .await
        .expect("team");
    let selector = |s: &str| -> Selector { s.parse().expect("selector") };
    for (name, channel, artefact, triggers) in [
        (
            "retro",
            "CRETRO",
            "gaps",
            vec![
                selector("jira:board=12:sprint_closed"),
                selector("github:repo=atlas:milestone_closed"),
            ],
        ),
        (
            "review",
            "CREVIEW",
            "none",
            vec![selector("jira:board=12:sprint_closed")],
        ),
        (
            "other",
            "COTHER",
            "gaps",
            vec![selector("jira:board=7:sprint_closed")],
        ),
    ] {
        let ritual = NewRitual {
            team: &team,
            kind: RitualKind::Retro,
            name,
            channel_id: channel,
            prompt_on: PromptOn::End,
            artefact,
            nudge_after_minutes: Some(60),
            triggers: &triggers,
            schedule: None,
            prompt_before_minutes: 0,
        };
        store.add_ritual(ritual, t0()).await.expect("ritual");
    }
    store
}

/// The `n`th Jira delivery of a test, carrying `event`.
fn delivery(n: usize, event: SourceEvent) -> NewInboxEntry {
    NewInboxEntry {
        source: Source::Jira,
        delivery_id: format!("delivery-{n}"),
        event,
        received_at: t0(),
        tenant: None,
    }
}

/// Keeps `events` in the inbox, each under its own delivery id, and reads them back pending.
async fn received(store: &Store, events: Vec<SourceEvent>) -> Vec<PendingEvent> {
    for (n, event) in events.into_iter().enumerate() {
        assert!(store.receive(delivery(n, event)).await.expect("received"));
    }
    store.pending_events(50).await.expect("pending")
}

/// What a pass plans: each pending event with the rituals it starts.
fn plans<'a>(
    pending: &'a [PendingEvent],
    rituals: &'a [Ritual],
) -> Vec<(cadence::domain::ids::InboxId, Vec<OccurrencePlan<'a>>)> {
    pending
        .iter()
        .map(|p| {
            let plans = rituals
                .iter()
                .filter(|r| r.triggers.iter().any(|s| s.matches(&p.event)))
                .map(|ritual| OccurrencePlan {
                    ritual,
                    subject: &p.event.subject,
                    title: &p.event.title,
                    happened_at: p.event.at,
                })
                .collect();
            (p.id, plans)
        })
        .collect()
}

fn card(
    occurrence: cadence::domain::ids::OccurrenceId,
    plan: &OccurrencePlan<'_>,
) -> serde_json::Value {
    serde_json::json!({ "occurrence": occurrence.0, "title": plan.title })
}

async fn a_pass_writes_each_ritual_and_subject_once(db: Db) {
    let Some(test_db) = TestDb::new(db).await else {
        return;
    };
    let store = store_with_rituals(&test_db).await;
    let rituals = store
        .rituals_triggered_by(Source::Jira)
        .await
        .expect("rituals");
    let names: Vec<(&str, usize)> = rituals
        .iter()
        .map(|r| (r.name.as_str(), r.triggers.len()))
        .collect();
    assert_eq!(
        names,
        [("retro", 2), ("review", 1), ("other", 1)],
        "every trigger of each ritual, GitHub's too"
    );
    // Sprint 37 closes twice on board 12 (two deliveries), sprint 38 on board 7, and board 99
    // has no ritual.
    let pending = received(
        &store,
        vec![
            sprint_closed(12, 37),
            sprint_closed(12, 37),
            sprint_closed(7, 38),
            sprint_closed(99, 39),
        ],
    )
    .await;
    assert_eq!(pending.len(), 4);
    let batch = plans(&pending, &rituals);
    let later = t0() + Duration::minutes(5);
    let created = store
        .complete_events(&batch, card, later)
        .await
        .expect("pass");
    assert_eq!(
        created.len(),
        3,
        "retro and review for sprint 37 once, other for sprint 38"
    );

    let url = &test_db.url;
    let first = pending[0].id.0;
    assert_eq!(
        count(url, &format!("SELECT COUNT(*) FROM occurrences WHERE subject = 'sprint:37' AND inbox_id = {first}")).await,
        2,
        "sprint 37's occurrences name the first delivery"
    );
    assert_eq!(count(url, "SELECT COUNT(*) FROM occurrences").await, 3);
    for (id, ritual_channel) in created.iter().zip(["CRETRO", "CREVIEW", "COTHER"]) {
        let sql = format!(
            "SELECT COUNT(*) FROM outbox o JOIN occurrences c ON c.id = o.occurrence_id \
             WHERE o.idempotency_key = 'prompt:{0}' AND o.channel_id = '{ritual_channel}' \
             AND o.state = 'pending' AND o.platform = 'slack' AND o.card LIKE '%\"occurrence\":{0}%' \
             AND c.id = {0}",
            id.0
        );
        assert_eq!(count(url, &sql).await, 1, "{sql}");
    }
    assert_eq!(count(url, "SELECT COUNT(*) FROM outbox").await, 3);
    // Only rituals that expect an artefact are nudged, an hour after the prompt.
    let due = (later + Duration::minutes(60)).timestamp_millis();
    assert_eq!(
        count(
            url,
            &format!("SELECT COUNT(*) FROM jobs WHERE kind = 'nudge' AND due_at = {due}")
        )
        .await,
        2
    );
    assert_eq!(
        count(url, "SELECT COUNT(*) FROM jobs WHERE kind = 'nudge'").await,
        2
    );
    // Every event is processed, with how many rituals it matched.
    for (event, matched) in pending.iter().zip([2, 2, 1, 0]) {
        let sql = format!(
            "SELECT COUNT(*) FROM inbox WHERE id = {} AND processed_at IS NOT NULL AND matched = {matched}",
            event.id.0
        );
        assert_eq!(count(url, &sql).await, 1, "{sql}");
    }
    assert!(store.pending_events(50).await.expect("pending").is_empty());
    store.close().await;
}

async fn a_replica_holding_the_same_batch_writes_nothing(db: Db) {
    let Some(test_db) = TestDb::new(db).await else {
        return;
    };
    let first = store_with_rituals(&test_db).await;
    let second = Store::connect(&test_db.url).await.expect("connect");
    let pending = received(&first, vec![sprint_closed(12, 40), sprint_closed(7, 41)]).await;
    let rituals = second
        .rituals_triggered_by(Source::Jira)
        .await
        .expect("rituals");
    let batch = plans(&pending, &rituals);
    let created = first
        .complete_events(&batch, card, t0())
        .await
        .expect("first pass");
    assert_eq!(created.len(), 3);
    let again = second
        .complete_events(&batch, card, t0())
        .await
        .expect("second pass");
    assert!(again.is_empty(), "{again:?}");
    let url = &test_db.url;
    assert_eq!(count(url, "SELECT COUNT(*) FROM occurrences").await, 3);
    assert_eq!(count(url, "SELECT COUNT(*) FROM outbox").await, 3);
    assert_eq!(
        count(url, "SELECT COUNT(*) FROM jobs WHERE kind = 'nudge'").await,
        2
    );
    second.close().await;
    first.close().await;
}

/// What the event processor gives way to: deliveries queued for the writer behind the batch it
/// is writing, seen while the writer is held and not once it is released.
async fn acknowledgements_wait_while_the_writer_is_held(db: Db) {
    let Some(test_db) = TestDb::new(db).await else {
        return;
    };
    let store = store_with_rituals(&test_db).await;
    assert!(!store.acknowledgements_waiting());
    let lock = crate::helpers::hold_the_database(&test_db.url, "inbox").await;
    // One delivery at a time until one queues behind the batch the writer is stuck on (the
    // first ones may all go into that batch).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut deliveries = Vec::new();
    while !store.acknowledgements_waiting() {
        assert!(
            std::time::Instant::now() < deadline,
            "no delivery queued behind the held writer"
        );
        let n = deliveries.len();
        let entry = delivery(n, sprint_closed(12, 100 + u32::try_from(n).expect("few")));
        let store = store.clone();
        deliveries.push(tokio::spawn(async move { store.receive(entry).await }));
        for _ in 0..16 {
            tokio::task::yield_now().await;
        }
    }
    drop(lock);
    let queued = deliveries.len();
    for delivery in deliveries {
        assert!(delivery.await.expect("task").expect("kept"));
    }
    assert!(!store.acknowledgements_waiting());
    assert_eq!(
        count(&test_db.url, "SELECT COUNT(*) FROM inbox").await,
        i64::try_from(queued).expect("count")
    );
    store.close().await;
}

macro_rules! pass_suite {
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

pass_suite!(
    a_pass_writes_each_ritual_and_subject_once,
    a_replica_holding_the_same_batch_writes_nothing,
    acknowledgements_wait_while_the_writer_is_held,
);
