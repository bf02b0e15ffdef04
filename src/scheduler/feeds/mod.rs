//! Calendar feeds as ritual triggers: one background job, in the one worker loop, that fetches
//! each configured feed when it is due (a conditional GET under a lease, so one replica fetches
//! it at a time), expands its meetings over the coming [`HORIZON`], and hands the meetings each
//! ritual's `ics:` trigger picks to the store, which schedules, moves or cancels their prompts
//! (see `store::feeds` for the guarantee that a prompt goes out at most once). The prompts
//! themselves are `feed_prompt` jobs, run with the scheduler's other jobs.
//!
//! A feed that fails (no answer, 5xx, 429, not a calendar) keeps what was known and is tried
//! again after a backoff that doubles with each failure, and never sooner than `Retry-After`.

mod fetch;
mod matching;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use tokio_util::sync::CancellationToken;

use self::fetch::{Fetched, Validators};
use super::runner::{BackgroundJob, Ran};
use crate::calendar::{self, ExpandOptions, Window};
use crate::config::{IcsFeeds, expose_feed_url};
use crate::domain::clock::Clock;
use crate::domain::event::Source;
use crate::store::{ClaimedFeed, FeedFetched, Store, StoreResult};

/// How far ahead meetings are scheduled.
pub const HORIZON: Duration = Duration::days(14);
/// How far back meetings are read, so one that ended while a fetch was failing still counts.
const LOOKBACK: Duration = Duration::days(2);
/// A meeting first seen after its prompt was due by more than this gets no prompt: adding a
/// feed must not post about last week's meetings.
const TOO_LATE: Duration = Duration::hours(1);
/// A 304 is trusted for this long after the last full answer; then the feed is read whole, so
/// meetings that came into the horizon are seen.
const REFRESH: Duration = Duration::hours(12);
/// The longest wait after failures.
const MAX_BACKOFF: Duration = Duration::hours(6);
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::hours(24);
/// How long a fetch's claim lasts.
const LEASE: Duration = Duration::minutes(2);
/// How many feeds one pass claims.
const CLAIM: i64 = 8;

/// Fetches the configured feeds when they are due.
pub struct FeedPoller {
    store: Store,
    clock: Arc<dyn Clock>,
    feeds: IcsFeeds,
    client: reqwest::Client,
    registered: bool,
}

impl FeedPoller {
    /// A poller for `feeds`, fetching with `client`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        feeds: IcsFeeds,
        client: reqwest::Client,
    ) -> Self {
        FeedPoller {
            store,
            clock,
            feeds,
            client,
            registered: false,
        }
    }

    fn every(&self) -> Duration {
        Duration::from_std(self.feeds.poll_every).unwrap_or(Duration::minutes(5))
    }

    /// The wait before the next try after `failures` failures in a row.
    fn backoff(&self, failures: i64, retry_after: Option<std::time::Duration>) -> Duration {
        let exponent = u32::try_from(failures.clamp(0, 10)).unwrap_or(10);
        let doubled = self.every() * 2_i32.pow(exponent);
        let asked = retry_after
            .and_then(|r| Duration::from_std(r).ok())
            .unwrap_or_default()
            .min(MAX_RETRY_AFTER);
        doubled.min(MAX_BACKOFF).max(asked)
    }

    /// Fetches one claimed feed and applies what it says.
    async fn poll(&self, feed: &ClaimedFeed, now: DateTime<Utc>) -> StoreResult<()> {
        let Some(url) = self.feeds.url(&feed.name) else {
            // Configured on another replica only: leave it to that one.
            let error = "not configured on this replica";
            self.store
                .feed_failed(feed, None, error, now + self.every())
                .await?;
            return Ok(());
        };
        let rituals = self.store.rituals_triggered_by(Source::Ics).await?;
        let listening = matching::listening(&rituals, &feed.name);
        let fingerprint = matching::fingerprint(&listening, &feed.name);
        let fresh = feed.rituals_seen.as_deref() == Some(fingerprint.as_str())
            && feed
                .fetched_at
                .is_some_and(|at| now - at < REFRESH && now >= at);
        let validators = if fresh {
            Validators {
                etag: feed.etag.as_deref(),
                last_modified: feed.last_modified.as_deref(),
            }
        } else {
            Validators::default()
        };
        match fetch::fetch(&self.client, expose_feed_url(url), validators).await {
            Fetched::NotModified(status) => {
                self.store
                    .feed_not_modified(feed, status, now + self.every())
                    .await?;
            }
            Fetched::Failed {
                status,
                retry_after,
                error,
            } => {
                let wait = self.backoff(feed.failures + 1, retry_after);
                tracing::warn!(feed = %feed.name, ?status, %error, retry_in_seconds = wait.num_seconds(), "calendar feed fetch failed");
                self.store
                    .feed_failed(feed, status, &error, now + wait)
                    .await?;
            }
            Fetched::Body {
                text,
                etag,
                last_modified,
            } => {
                let calendar = calendar::read(&text);
                let window = Window {
                    start: now - LOOKBACK,
                    end: now + HORIZON,
                };
                let options = ExpandOptions {
                    include_cancelled: true,
                    ..ExpandOptions::default()
                };
                let expansion = calendar::expand(&calendar, window, &options);
                let wanted = matching::wanted(&feed.name, &expansion.instances, &listening);
                let fetched = FeedFetched {
                    etag: etag.as_deref(),
                    last_modified: last_modified.as_deref(),
                    rituals_seen: &fingerprint,
                    not_before: now - TOO_LATE,
                };
                let changes = self
                    .store
                    .feed_fetched(feed, fetched, &wanted, now + self.every(), now)
                    .await?;
                match changes {
                    Some(c) => tracing::info!(
                        feed = %feed.name,
                        skipped = calendar.diagnostics.len() + expansion.diagnostics.len(),
                        scheduled = c.scheduled,
                        moved = c.moved,
                        cancelled = c.cancelled,
                        "calendar feed read"
                    ),
                    None => {
                        tracing::warn!(feed = %feed.name, "calendar feed claim lost before it was applied")
                    }
                }
            }
        }
        Ok(())
    }
}

#[async_trait]
impl BackgroundJob for FeedPoller {
    fn name(&self) -> &'static str {
        "calendar feeds"
    }

    fn poll_every(&self) -> std::time::Duration {
        super::POLL
    }

    async fn run_once(&mut self, _shutdown: &CancellationToken) -> StoreResult<Ran> {
        if self.feeds.is_empty() {
            return Ok(Ran::default());
        }
        let now = self.clock.now();
        if !self.registered {
            let names: Vec<&str> = self.feeds.names().collect();
            self.store.register_feeds(&names, now).await?;
            self.registered = true;
        }
        let claimed = self.store.claim_feeds(now, CLAIM, LEASE).await?;
        for feed in &claimed {
            self.poll(feed, now).await?;
        }
        Ok(Ran::of(
            claimed.len(),
            usize::try_from(CLAIM).unwrap_or(usize::MAX),
        ))
    }
}
