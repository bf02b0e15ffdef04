//! Calendar feeds as ritual triggers, with time injected and the feed served from a loopback
//! stand-in: a meeting prompts once at its end (or ahead of its start), a moved meeting moves its
//! prompt, a cancelled or vanished one cancels it, a 304 keeps what was known, failures back off,
//! and polling again (or from a second replica) never posts twice.

use std::sync::Arc;

use cadence::domain::clock::ManualClock;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::decisions::atlas;
use crate::feed_standin::{FeedScript, FeedStandIn};
use crate::helpers::{Db, TestApp};
use crate::slack_standin::SlackStandIn;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

/// An iCalendar file of `events`, each a list of content lines.
fn calendar(events: &[&[&str]]) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cadence tests//EN",
    ];
    for event in events {
        lines.push("BEGIN:VEVENT");
        lines.extend_from_slice(event);
        lines.push("END:VEVENT");
    }
    lines.push("END:VCALENDAR");
    lines.join("\r\n") + "\r\n"
}

/// Weekly retros on Tuesdays 10:00–11:00 UTC (London is on GMT in December) from 1 December.
const RETRO: &[&str] = &[
    "UID:retro-series@example.com",
    "DTSTART:20261201T100000Z",
    "DTEND:20261201T110000Z",
    "RRULE:FREQ=WEEKLY;COUNT=4",
    "SUMMARY:Atlas Retro",
];
const PLANNING: &[&str] = &[
    "UID:planning-1@example.com",
    "DTSTART:20261201T100000Z",
    "DTEND:20261201T103000Z",
    "SUMMARY:Sprint Planning",
];
const EXTRA: &[&str] = &[
    "UID:extra-retro@example.com",
    "DTSTART:20261202T100000Z",
    "DTEND:20261202T110000Z",
    "SUMMARY:Extra Retro",
];
const BONUS: &[&str] = &[
    "UID:bonus-retro@example.com",
    "DTSTART:20261203T100000Z",
    "DTEND:20261203T110000Z",
    "SUMMARY:Bonus Retro",
];
const STANDUP: &[&str] = &[
    "UID:standup@example.com",
    "DTSTART:20261201T090000Z",
    "DTEND:20261201T091500Z",
    "SUMMARY:Standup",
];

fn first_version() -> String {
    calendar(&[RETRO, PLANNING, EXTRA, BONUS, STANDUP])
}

/// The first version, changed: 1 December's retro moved to 14:00, 8 December's excluded, the
/// extra retro cancelled, the bonus retro gone.
fn second_version() -> String {
    let series: Vec<&str> = RETRO
        .iter()
        .copied()
        .chain(["EXDATE:20261208T100000Z"])
        .collect();
    let moved: &[&str] = &[
        "UID:retro-series@example.com",
        "RECURRENCE-ID:20261201T100000Z",
        "DTSTART:20261201T140000Z",
        "DTEND:20261201T150000Z",
        "SUMMARY:Atlas Retro (moved)",
    ];
    let cancelled: Vec<&str> = EXTRA.iter().copied().chain(["STATUS:CANCELLED"]).collect();
    calendar(&[&series, moved, PLANNING, &cancelled, STANDUP])
}

/// Atlas with feed `atlas` served by a stand-in, at 08:00 on Tuesday 1 December 2026.
async fn atlas_with_feed(
    db: Db,
    published: &str,
) -> Option<(TestApp, SlackStandIn, FeedStandIn, Arc<ManualClock>)> {
    let slack = SlackStandIn::start().await;
    let feed = FeedStandIn::start(published).await;
    let clock = Arc::new(ManualClock::new(utc("2026-12-01T08:00:00Z")));
    let feeds = [("atlas", feed.url.as_str())];
    let app = TestApp::spawn_with_feeds(db, &slack.base_url, &feeds, clock.clone()).await?;
    atlas(&app).await;
    Some((app, slack, feed, clock))
}

async fn add_ritual(app: &TestApp, text: &str) {
    let added = app.command("UALICE", text).await;
    assert!(added.text.contains("Added ritual"), "{}", added.text);
}

/// The prompts posted so far: (channel, title shown).
fn prompts(slack: &SlackStandIn) -> Vec<(String, String)> {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|c| c.body)
        .filter(|b| {
            b["metadata"]["event_payload"]["idempotency_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("prompt:"))
        })
        .map(|b: Value| {
            (
                b["channel"].as_str().unwrap_or_default().to_owned(),
                b["blocks"].to_string(),
            )
        })
        .collect()
}

async fn at(app: &TestApp, clock: &ManualClock, when: &str) {
    clock.set(utc(when));
    app.drain().await;
}

crate::for_each_database! {
    a_feed_meeting_prompts_once_at_its_end_or_ahead_of_its_start(db) {
        let Some((app, slack, feed, clock)) = atlas_with_feed(db, &first_version()).await else { return };
        add_ritual(&app, "ritual add retro <#CRETRO|retro> on ics:feed=atlas:title~Retro:ended").await;
        add_ritual(&app, "ritual add planning <#CPLAN|plan> on ics:feed=atlas:title~planning:started before 15").await;
        app.drain().await;
        let first = feed.requests();
        assert!(first.last().is_some_and(|r| r.status == 200 && r.if_none_match.is_none()), "{first:?}");
        // Retros on 1 and 8 December, the extra and the bonus retro, the planning: two weeks ahead.
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'feed_prompt' AND done_at IS NULL").await, 5);

        at(&app, &clock, "2026-12-01T09:44:00Z").await;
        assert!(prompts(&slack).is_empty(), "nothing before 09:45");
        at(&app, &clock, "2026-12-01T09:45:05Z").await;
        let posted = prompts(&slack);
        assert_eq!(posted.len(), 1, "{posted:?}");
        assert_eq!(posted[0].0, "CPLAN");
        assert!(posted[0].1.contains("Sprint Planning"), "{}", posted[0].1);

        at(&app, &clock, "2026-12-01T10:59:00Z").await;
        assert_eq!(prompts(&slack).len(), 1, "the retro is still on");
        at(&app, &clock, "2026-12-01T11:00:05Z").await;
        let posted = prompts(&slack);
        assert_eq!(posted.len(), 2, "{posted:?}");
        assert_eq!(posted[1].0, "CRETRO");
        assert!(posted[1].1.contains("Atlas Retro"), "{}", posted[1].1);

        // Polling on: conditional GETs answered 304, and nothing is posted again.
        for minutes in [5, 10, 15, 20] {
            clock.set(utc("2026-12-01T11:00:05Z") + Duration::minutes(minutes));
            app.drain().await;
        }
        let last = feed.requests().pop().expect("a request");
        assert_eq!((last.status, last.if_none_match.as_deref()), (304, Some("\"v1\"")));
        assert!(last.if_modified_since.is_some(), "{last:?}");
        assert_eq!(prompts(&slack).len(), 2);

        // A second replica polling the same feed posts nothing twice either.
        let second = app.another_instance().await;
        clock.set(utc("2026-12-01T12:00:00Z"));
        second.drain().await.expect("second replica runs its jobs");
        app.drain().await;
        second.stop().await;
        assert_eq!(prompts(&slack).len(), 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 2);
    }

    a_moved_meeting_moves_its_prompt_and_a_cancelled_one_cancels_it(db) {
        let Some((app, slack, feed, clock)) = atlas_with_feed(db, &first_version()).await else { return };
        add_ritual(&app, "ritual add retro <#CRETRO|retro> on ics:feed=atlas:title~Retro:ended").await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'feed_prompt' AND done_at IS NULL").await, 4);

        feed.publish(&second_version());
        at(&app, &clock, "2026-12-01T08:05:00Z").await;
        let last = feed.requests().pop().expect("a request");
        assert_eq!((last.status, last.if_none_match.as_deref()), (200, Some("\"v1\"")));
        // 8 December excluded, the extra retro cancelled, the bonus retro gone.
        assert_eq!(app.count("SELECT COUNT(*) FROM feed_instances WHERE state = 'cancelled'").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'feed_prompt' AND done_at IS NULL").await, 1);

        at(&app, &clock, "2026-12-01T11:00:05Z").await;
        assert!(prompts(&slack).is_empty(), "the retro moved to 14:00");
        at(&app, &clock, "2026-12-01T15:00:05Z").await;
        let posted = prompts(&slack);
        assert_eq!(posted.len(), 1, "{posted:?}");
        assert!(posted[0].1.contains("Atlas Retro (moved)"), "{}", posted[0].1);

        for day in ["2026-12-02T11:00:05Z", "2026-12-03T11:00:05Z", "2026-12-08T11:00:05Z"] {
            at(&app, &clock, day).await;
        }
        assert_eq!(prompts(&slack).len(), 1, "cancelled meetings prompt nobody");

        // 15 December came into the two weeks ahead while time passed: it prompts as usual.
        at(&app, &clock, "2026-12-15T11:00:05Z").await;
        let posted = prompts(&slack);
        assert_eq!(posted.len(), 2, "{posted:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 2);
    }

    feed_failures_back_off_and_keep_what_was_known(db) {
        let Some((app, slack, feed, clock)) = atlas_with_feed(db, &first_version()).await else { return };
        add_ritual(&app, "ritual add retro <#CRETRO|retro> on ics:feed=atlas:title~Retro:ended").await;
        app.drain().await;
        let fetched = feed.requests().len();
        feed.script(&[FeedScript::Status(500), FeedScript::Status(500), FeedScript::RateLimited(3600)]);

        // 08:05 fails; the next try waits 10 minutes, the one after 20, then the hour asked for.
        for (when, requests) in [
            ("2026-12-01T08:05:00Z", 1),
            ("2026-12-01T08:10:00Z", 1),
            ("2026-12-01T08:15:00Z", 2),
            ("2026-12-01T08:30:00Z", 2),
            ("2026-12-01T08:35:00Z", 3),
            ("2026-12-01T09:15:00Z", 3),
            ("2026-12-01T09:35:00Z", 4),
        ] {
            at(&app, &clock, when).await;
            assert_eq!(feed.requests().len() - fetched, requests, "at {when}: {:?}", feed.statuses());
        }
        assert_eq!(&feed.statuses()[fetched..], [500, 500, 429, 304]);
        let errors = app.count("SELECT COUNT(*) FROM ics_feeds WHERE last_error LIKE '%private-token%'").await;
        assert_eq!(errors, 0, "the feed's address is a secret");

        // A sign-in page answered with 200 is a failure too, not an empty calendar.
        feed.publish("<html><body>Sign in to see this calendar</body></html>");
        at(&app, &clock, "2026-12-01T09:40:00Z").await;
        assert_eq!(feed.statuses().last(), Some(&200));
        assert_eq!(app.count("SELECT COUNT(*) FROM ics_feeds WHERE last_error LIKE '%not an iCalendar file%'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'feed_prompt' AND done_at IS NULL").await, 4);

        // What the feed said before it failed still holds: the retro prompts at its end.
        at(&app, &clock, "2026-12-01T11:00:05Z").await;
        assert_eq!(prompts(&slack).len(), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'feed_prompt' AND done_at IS NULL").await, 3);
    }
}
