//! What the three-replica test checks once the two weeks have run: everything acknowledged
//! reached Slack exactly once, pacing held in every channel, and a 429 told to one replica held
//! its channel for all of them.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyPool;

use crate::replica_set::SharedClock;
use crate::replicas::{Acked, COMMANDS, GAP_MS, JITTER_MS, RETRY_AFTER_SECONDS, SPRINTS, scalar};
use crate::slack_standin::{Call, SlackStandIn};

/// What the checks counted, for the printed summary.
pub struct Counts {
    /// Prompts posted.
    pub prompts: usize,
    /// Nudges posted.
    pub nudges: usize,
    /// Digests posted.
    pub digests: usize,
    /// Messages posted.
    pub posts: usize,
    /// Calls to `chat.postMessage`, refused ones included.
    pub calls: usize,
    /// The closest two posts in one channel, in ms.
    pub closest_ms: i64,
    /// What the 429 held.
    pub rate_limit: String,
    /// Calls to `chat.postMessage` by replica, named by their bot tokens.
    pub by_replica: BTreeMap<String, usize>,
}

/// Every check on what reached Slack and what the database holds.
pub async fn check(
    pool: &AnyPool,
    slack: &SlackStandIn,
    clock: &SharedClock,
    acked: &Acked,
    mondays: usize,
) -> Counts {
    let posted = slack.posted_keys();
    let mut times: BTreeMap<&str, usize> = BTreeMap::new();
    for key in &posted {
        *times.entry(key.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "posted more than once: {twice:?}");
    let keys: BTreeSet<&str> = times.keys().copied().collect();
    let with = |prefix: &str| keys.iter().filter(|k| k.starts_with(prefix)).count();

    // Prompts: one per occurrence, and an occurrence for every acknowledged event.
    for sprint in &acked.events {
        let subject = format!("sprint:{sprint}");
        let ids: Vec<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM occurrences WHERE subject = '{subject}'"
        ))
        .fetch_all(pool)
        .await
        .expect("occurrences");
        assert_eq!(ids.len(), 1, "acknowledged {subject} has one occurrence");
        let key = format!("prompt:{}", ids[0].0);
        assert!(keys.contains(key.as_str()), "{subject}'s prompt was posted");
    }
    let occurrences: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, artefact_at FROM occurrences ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("occurrences");
    assert_eq!(
        with("prompt:"),
        occurrences.len(),
        "one prompt per occurrence"
    );
    let scheduled = scalar(
        pool,
        "SELECT COUNT(*) FROM occurrences WHERE subject LIKE 'schedule:%'",
    )
    .await;
    assert_eq!(
        scheduled, 2,
        "the weekly planning started twice in two weeks"
    );

    // Nudges: one for each occurrence still without its artefact, none once it came.
    for (id, artefact_at) in &occurrences {
        let nudges = keys
            .iter()
            .filter(|k| k.starts_with(&format!("nudge:{id}:")))
            .count();
        let wanted = usize::from(artefact_at.is_none());
        assert_eq!(
            nudges, wanted,
            "occurrence {id} (artefact at {artefact_at:?})"
        );
    }
    for occurrence in &acked.clicks {
        let closed = scalar(
            pool,
            &format!("SELECT COUNT(*) FROM decisions WHERE kind = 'no_gaps' AND occurrence_id = {occurrence}"),
        )
        .await;
        assert_eq!(
            closed, 1,
            "acknowledged click on occurrence {occurrence} recorded once"
        );
    }
    for n in &acked.commands {
        let stored = scalar(
            pool,
            &format!("SELECT COUNT(*) FROM decisions WHERE payload LIKE '%\"replica-{n}\"%'"),
        )
        .await;
        assert_eq!(stored, 1, "acknowledged command {n} recorded once");
    }

    // Digests: every team's, each Monday, once.
    for (team,) in sqlx::query_as::<_, (i64,)>("SELECT id FROM teams")
        .fetch_all(pool)
        .await
        .expect("teams")
    {
        let weeks = with(&format!("digest:{team}:"));
        assert_eq!(weeks, mondays, "team {team}: one digest a week");
    }

    let calls = slack.calls_to("chat.postMessage");
    let mut by_replica = BTreeMap::new();
    for call in &calls {
        *by_replica.entry(replica_of(call)).or_default() += 1;
    }
    let closest_ms = pacing_held(&calls, clock);
    let rate_limit = rate_limit_held(pool, &calls, clock).await;
    assert!(
        acked.events.len() * 2 >= SPRINTS as usize && acked.commands.len() * 2 >= COMMANDS,
        "enough of the burst was acknowledged to mean something"
    );
    Counts {
        prompts: with("prompt:"),
        nudges: with("nudge:"),
        digests: with("digest:"),
        posts: posted.len(),
        calls: calls.len(),
        closest_ms,
        rate_limit,
        by_replica,
    }
}

/// The replica that made a call, by its bot token: `replica-N`.
fn replica_of(call: &Call) -> String {
    call.authorization
        .trim_start_matches("Bearer xoxb-")
        .to_owned()
}

/// No two calls to `chat.postMessage` in one channel closer than the pacing gap, by the time the
/// stand-in received them, read on the replicas' clock. Returns the closest two, in ms.
fn pacing_held(calls: &[Call], clock: &SharedClock) -> i64 {
    let mut by_channel: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for call in calls {
        let channel = call.body["channel"].as_str().unwrap_or_default().to_owned();
        by_channel
            .entry(channel)
            .or_default()
            .push(clock.at(call.at).timestamp_millis());
    }
    let mut closest = i64::MAX;
    for (channel, mut times) in by_channel {
        times.sort_unstable();
        for pair in times.windows(2) {
            let gap = pair[1] - pair[0];
            closest = closest.min(gap);
            assert!(
                gap >= GAP_MS - JITTER_MS,
                "two posts in {channel} {gap} ms apart"
            );
        }
    }
    closest
}

/// The first post was answered 429: no replica posted in that channel again before the
/// Retry-After had passed, though other prompts for it were waiting. Says what happened.
async fn rate_limit_held(pool: &AnyPool, calls: &[Call], clock: &SharedClock) -> String {
    let limited = calls.first().expect("the 429'd call");
    let channel = limited.body["channel"].as_str().expect("channel");
    let key = limited.body["metadata"]["event_payload"]["idempotency_key"]
        .as_str()
        .expect("key");
    let at = clock.at(limited.at);
    let until = at + chrono::Duration::seconds(RETRY_AFTER_SECONDS);
    let next = calls[1..]
        .iter()
        .find(|c| c.body["channel"] == channel)
        .expect("the channel was posted in again");
    let resumed = clock.at(next.at);
    assert!(
        resumed >= until - chrono::Duration::milliseconds(JITTER_MS),
        "{channel} was posted in {} ms after a 429 asking for {RETRY_AFTER_SECONDS} s",
        (resumed - at).num_milliseconds()
    );
    // Posts that pacing alone would have let through during the hold.
    let waiting = scalar(
        pool,
        &format!(
            "SELECT COUNT(*) FROM outbox WHERE channel_id = '{channel}' AND idempotency_key <> '{key}' \
             AND created_at < {}",
            (until - chrono::Duration::milliseconds(GAP_MS)).timestamp_millis()
        ),
    )
    .await;
    assert!(
        waiting >= 1,
        "other posts for {channel} were due during the hold"
    );
    format!(
        "a 429 to {} held {channel} for {} ms with {waiting} more prompts due there; {} posted next",
        replica_of(limited),
        (resumed - at).num_milliseconds(),
        replica_of(next),
    )
}
