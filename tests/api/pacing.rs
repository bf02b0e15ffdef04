//! Channel pacing in the store, on SQLite and PostgreSQL: of workers racing for one channel's
//! slot exactly one gets it, a Retry-After holds the channel for every worker, and the
//! reservation of a worker that died lapses with its claim.

use std::sync::Arc;

use cadence::domain::Platform;
use cadence::domain::ids::{OutboxId, TenantId};
use cadence::store::{ChannelKey, Reservation, Store};
use chrono::{DateTime, Duration, Utc};

use crate::helpers::{Db, TestDb};

/// Two stores on one database, as two replicas have, and a tenant.
async fn replicas(db: Db) -> Option<(TestDb, Vec<Store>, TenantId)> {
    let test_db = TestDb::new(db).await?;
    let first = Store::connect(&test_db.url).await.expect("connect");
    first.migrate().await.expect("migrate");
    let second = Store::connect(&test_db.url).await.expect("connect");
    let tenant = first
        .tenant(Platform::Slack, "T1", t0())
        .await
        .expect("tenant");
    Some((test_db, vec![first, second], tenant))
}

fn t0() -> DateTime<Utc> {
    "2026-11-25T10:00:00Z".parse().expect("instant")
}

fn channel(tenant: TenantId, name: &str) -> ChannelKey<'_> {
    ChannelKey {
        tenant,
        platform: Platform::Slack,
        channel: name,
    }
}

fn reserved(found: &Reservation) -> bool {
    matches!(found, Reservation::Reserved { .. })
}

/// Round after round, sixteen workers on two stores ask for one channel's slot at the same
/// instant: each round exactly one gets it, and the others are told when to come back.
async fn workers_racing_for_one_slot_get_it_once(db: Db) {
    let Some((_db, stores, tenant)) = replicas(db).await else {
        return;
    };
    let gap = Duration::seconds(1);
    let lease = Duration::seconds(30);
    let mut winners = Vec::new();
    for round in 0..12_i64 {
        let now = t0() + gap * i32::try_from(round).expect("round");
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let mut racing = Vec::new();
        for worker in 0..16_i64 {
            let store = stores[usize::try_from(worker % 2).expect("index")].clone();
            let barrier = barrier.clone();
            racing.push(tokio::spawn(async move {
                let message = OutboxId(round * 100 + worker);
                barrier.wait().await;
                let found = store
                    .reserve_channel(channel(tenant, "CRETRO"), message, now, now + lease)
                    .await
                    .expect("reserve");
                (message, found)
            }));
        }
        let mut won = Vec::new();
        for task in racing {
            let (message, found) = task.await.expect("task");
            match found {
                Reservation::Reserved { .. } => won.push(message),
                Reservation::Busy { posting, .. } => {
                    assert!(posting, "round {round}: busy because another is posting")
                }
            }
        }
        assert_eq!(won.len(), 1, "round {round}: {won:?} all took the slot");
        // The winner posts and releases: the next slot is a gap on.
        stores[0]
            .release_channel(channel(tenant, "CRETRO"), won[0], now + gap)
            .await
            .expect("release");
        let early = stores[1]
            .reserve_channel(
                channel(tenant, "CRETRO"),
                OutboxId(-1),
                now + gap / 2,
                now + lease,
            )
            .await
            .expect("reserve");
        assert_eq!(
            early,
            Reservation::Busy {
                next_post_at: now + gap,
                posting: false
            },
            "round {round}"
        );
        winners.push(won[0]);
    }
    // Another channel was never held up by this one.
    let other = stores[1]
        .reserve_channel(channel(tenant, "COTHER"), OutboxId(-2), t0(), t0() + lease)
        .await
        .expect("reserve");
    assert!(reserved(&other));
    eprintln!(
        "pacing ({db:?}): 12 rounds of 16 workers on 2 stores, one slot each round: {winners:?}"
    );
}

/// A Retry-After told to one worker holds the channel for every worker until it has passed.
async fn a_retry_after_holds_the_channel_for_every_worker(db: Db) {
    let Some((_db, stores, tenant)) = replicas(db).await else {
        return;
    };
    let lease = Duration::seconds(30);
    let key = channel(tenant, "CRETRO");
    let first = stores[0]
        .reserve_channel(key, OutboxId(1), t0(), t0() + lease)
        .await
        .expect("reserve");
    assert!(reserved(&first));
    let hold = t0() + Duration::seconds(20);
    stores[0]
        .release_channel(key, OutboxId(1), hold)
        .await
        .expect("release");
    for seconds in [1, 10, 19] {
        let at = t0() + Duration::seconds(seconds);
        let found = stores[1]
            .reserve_channel(key, OutboxId(2), at, at + lease)
            .await
            .expect("reserve");
        assert_eq!(
            found,
            Reservation::Busy {
                next_post_at: hold,
                posting: false
            },
            "{seconds} s in"
        );
    }
    // A release that asks for less (the gap after an ordinary post) keeps the longer hold.
    stores[1]
        .release_channel(key, OutboxId(2), t0() + Duration::seconds(2))
        .await
        .expect("release");
    let after = stores[1]
        .reserve_channel(key, OutboxId(2), hold, hold + lease)
        .await
        .expect("reserve");
    assert!(reserved(&after), "{after:?}");
}

/// A worker that dies mid-send holds its channel until its claim would have run out; then
/// another takes the channel, and the dead worker's late release does not free it under them.
async fn a_dead_workers_reservation_lapses_with_its_claim(db: Db) {
    let Some((_db, stores, tenant)) = replicas(db).await else {
        return;
    };
    let lease = Duration::seconds(30);
    let key = channel(tenant, "CRETRO");
    let dying = stores[0]
        .reserve_channel(key, OutboxId(1), t0(), t0() + lease)
        .await
        .expect("reserve");
    assert!(reserved(&dying));
    let during = t0() + Duration::seconds(29);
    let found = stores[1]
        .reserve_channel(key, OutboxId(2), during, during + lease)
        .await
        .expect("reserve");
    assert!(
        matches!(found, Reservation::Busy { posting: true, .. }),
        "{found:?}"
    );
    let lapsed = t0() + lease;
    let taken = stores[1]
        .reserve_channel(key, OutboxId(2), lapsed, lapsed + lease)
        .await
        .expect("reserve");
    assert!(reserved(&taken), "{taken:?}");
    // The first worker was only slow: its release pushes the next slot but leaves the hold.
    stores[0]
        .release_channel(key, OutboxId(1), lapsed + Duration::seconds(1))
        .await
        .expect("release");
    let third = lapsed + Duration::seconds(2);
    let found = stores[0]
        .reserve_channel(key, OutboxId(3), third, third + lease)
        .await
        .expect("reserve");
    assert!(
        matches!(found, Reservation::Busy { posting: true, .. }),
        "{found:?}"
    );
}

macro_rules! pacing_suite {
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

pacing_suite!(
    workers_racing_for_one_slot_get_it_once,
    a_retry_after_holds_the_channel_for_every_worker,
    a_dead_workers_reservation_lapses_with_its_claim,
);
