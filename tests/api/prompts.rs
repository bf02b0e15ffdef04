//! From a sprint closing in Jira to a prompt in the retro channel: signed events are kept in the
//! inbox, matched to rituals, turned into one occurrence each, and posted once through the
//! outbox — with retries, 429s, permanent errors and restarts in the way.

use std::time::Duration;

use cadence::domain::event::Selector;
use cadence::store::{NewRitual, Store};

use crate::decisions::atlas;
use crate::helpers::{Db, TestApp};
use crate::slack_standin::{Scripted, SlackStandIn};

/// A sprint_closed payload exactly as platforms.md shows Jira Cloud sending it.
pub fn sprint_closed(sprint: u32, board: u32) -> String {
    format!(
        r#"{{"timestamp":1763974633000,"webhookEvent":"sprint_closed","sprint":{{"id":{sprint},"self":"https://acme.atlassian.net/rest/agile/1.0/sprint/{sprint}","state":"closed","name":"ATL Sprint 42","startDate":"2026-11-10T09:00:00.000Z","endDate":"2026-11-24T09:00:00.000Z","completeDate":"2026-11-24T08:57:13.542Z","createdDate":"2026-11-03T10:00:00.000Z","originBoardId":{board},"goal":"Checkout v2"}}}}"#
    )
}

pub async fn app_with_retro(db: Db) -> Option<(TestApp, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let app = TestApp::spawn_with_slack_api(db, &slack.base_url).await?;
    atlas(&app).await;
    add_retro(&app, "CRETRO", "jira:board=12:sprint_closed").await;
    Some((app, slack))
}

/// Adds a retro ritual for Atlas (workspace T1) through the store.
pub async fn add_retro(app: &TestApp, channel: &str, selector: &str) {
    let store = Store::connect(&app.db.url).await.expect("store");
    let now = chrono::Utc::now();
    let tenant = store
        .tenant(cadence::domain::Platform::Slack, "T1", now)
        .await
        .expect("tenant");
    let team = store
        .team_by_name(tenant, "Atlas")
        .await
        .expect("query")
        .expect("Atlas");
    let selector: Selector = selector.parse().expect("selector");
    store
        .add_ritual(
            NewRitual {
                team: &team,
                kind: cadence::domain::ritual::RitualKind::Retro,
                name: "Atlas retro",
                channel_id: channel,
                prompt_on: cadence::domain::ritual::PromptOn::End,
                artefact: "gaps",
                nudge_after_minutes: Some(120),
                triggers: &[selector],
                schedule: None,
                prompt_before_minutes: 0,
            },
            now,
        )
        .await
        .expect("ritual");
    store.close().await;
}

const SECOND: Duration = Duration::from_secs(1);

macro_rules! prompt_tests {
    ($($name:ident($app:ident, $slack:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                #[allow(unused_mut)]
                let Some((mut $app, $slack)) = app_with_retro(Db::Sqlite).await else { return };
                $body
            })+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                #[allow(unused_mut)]
                let Some((mut $app, $slack)) = app_with_retro(Db::Postgres).await else { return };
                $body
            })+
        }
    };
}

prompt_tests! {
    a_closed_sprint_posts_one_prompt_in_the_retro_channel(app, slack) {
        let response = app.jira("delivery-1", &sprint_closed(37, 12)).await;
        assert_eq!(response.status(), 200);
        let posts = slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        let post = &posts[0].body;
        assert_eq!(post["channel"], "CRETRO");
        assert_eq!(posts[0].authorization, "Bearer xoxb-test-token");
        assert!(post["text"].as_str().expect("fallback text").contains("ATL Sprint 42"), "{post}");
        assert!(post["blocks"].as_array().is_some_and(|b| !b.is_empty()), "{post}");
        let key = post["metadata"]["event_payload"]["idempotency_key"].as_str().expect("key");
        assert!(key.starts_with("prompt:"), "{key}");
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND message_id IS NOT NULL", 1).await;
        app.drain().await;
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 1);
    }

    repeated_deliveries_and_repeated_events_post_once(app, slack) {
        for _ in 0..3 {
            assert_eq!(app.jira("delivery-1", &sprint_closed(37, 12)).await.status(), 200);
        }
        // The same sprint closing again under a new delivery id is the same occurrence.
        assert_eq!(app.jira("delivery-2", &sprint_closed(37, 12)).await.status(), 200);
        app.wait_count("SELECT COUNT(*) FROM inbox WHERE processed_at IS NOT NULL", 2).await;
        slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM inbox").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 1);
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
    }

    events_that_match_nothing_are_kept_and_post_nothing(app, slack) {
        assert_eq!(app.jira("delivery-9", &sprint_closed(38, 99)).await.status(), 200);
        app.wait_count("SELECT COUNT(*) FROM inbox WHERE processed_at IS NOT NULL AND matched = 0", 1).await;
        app.drain().await;
        assert!(slack.calls_to("chat.postMessage").is_empty());
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 0);
    }

    badly_signed_events_are_refused_and_kept_nowhere(app, slack) {
        let body = sprint_closed(37, 12);
        let headers = [
            ("x-hub-signature", "sha256=00".to_owned()),
            ("x-atlassian-webhook-identifier", "delivery-x".to_owned()),
            ("content-type", "application/json".to_owned()),
        ];
        assert_eq!(app.post("/hooks/jira", &headers, &body).await.status(), 401);
        assert_eq!(app.post("/hooks/github", &headers, &body).await.status(), 401, "no GitHub secret configured");
        assert_eq!(app.count("SELECT COUNT(*) FROM inbox").await, 0);
        assert!(slack.calls_to("chat.postMessage").is_empty());
    }

    operators_see_requests_refusals_repeats_commands_and_sends_counted(app, slack) {
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        let refused = app.post("/slack/commands", &[], "team_id=T1&user_id=UALICE&text=me").await;
        assert_eq!(refused.status(), 401);
        app.command("UALICE", "me").await;
        slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
        let metrics = reqwest::get(format!("{}/metrics", app.base)).await.expect("metrics").text().await.expect("text");
        // Counters are the process's own (tests may share one): at least what this test did.
        for (name, labels) in [
            ("cadence_http_requests_total", &[("route", "/hooks/jira"), ("status", "200")][..]),
            ("cadence_http_requests_total", &[("route", "/slack/commands"), ("status", "401")][..]),
            ("cadence_signature_failures_total", &[("source", "slack")][..]),
            ("cadence_deliveries_deduplicated_total", &[("source", "jira")][..]),
            ("cadence_command_seconds_count", &[("platform", "slack")][..]),
            ("cadence_outbox_sends_total", &[("outcome", "sent")][..]),
        ] {
            assert!(counted(&metrics, name, labels) >= 1.0, "{name} {labels:?}\n{metrics}");
        }
        assert!(metrics.contains("cadence_command_seconds_bucket{platform=\"slack\",le=\"2.5\"}"), "{metrics}");
        assert!(metrics.contains("cadence_inbox_lag_seconds 0"), "{metrics}");
    }

    a_rate_limited_post_is_retried_after_slacks_delay(app, slack) {
        slack.script("chat.postMessage", [Scripted::RateLimited(1)]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        let posts = slack.wait_for("chat.postMessage", 2, 10 * SECOND).await;
        assert_eq!(posts.len(), 2);
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
        // Slack asking to wait is not a failed attempt: only the successful one counts.
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND state = 'sent'").await, 1);
    }

    a_permanent_error_parks_the_message_without_retrying(app, slack) {
        slack.script("chat.postMessage", [Scripted::Error("channel_not_found")]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND last_error = 'channel_not_found'", 1).await;
        app.drain().await;
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1, "no retry storm");
        // Operators see it in the metrics.
        let metrics = reqwest::get(format!("{}/metrics", app.base)).await.expect("metrics").text().await.expect("text");
        assert!(metrics.contains("cadence_outbox_messages{state=\"dead\"} 1"), "{metrics}");
        assert!(metrics.contains("cadence_inbox_events{outcome=\"matched\"} 1"), "{metrics}");
    }

    a_dropped_connection_is_retried(app, slack) {
        slack.script("chat.postMessage", [Scripted::Drop]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        slack.wait_for("chat.postMessage", 2, 10 * SECOND).await;
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
        // The second attempt looked for the first in the channel's history before posting.
        assert_eq!(slack.calls_to("conversations.history").len(), 1);
        assert_eq!(slack.posted_keys().len(), 1);
    }

    a_post_that_landed_is_found_page_by_page_through_rate_limits(app, slack) {
        // Slack's limits for apps outside the Marketplace: 15 messages a page, one call a minute.
        slack.limit_history();
        slack.script("chat.postMessage", [Scripted::LandThenDrop]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        // The channel is busy: 20 messages land after the prompt, so it is on the second page.
        slack.others_posted("CRETRO", 20);
        // The retry reads page one, is told to wait on page two, and waits: no second post.
        let history = slack.wait_for("conversations.history", 2, 10 * SECOND).await;
        assert!(history[0].body["oldest"].as_str().is_some_and(|o| !o.is_empty()), "the search is bounded: {:?}", history[0].body);
        assert_eq!(history[0].body["limit"], "15");
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1, "no duplicate while the check is unfinished");
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND next_attempt_at > created_at + 50000", 1).await;
        // After Retry-After the search resumes on page two, finds the prompt, and posts nothing.
        app.execute("UPDATE outbox SET next_attempt_at = 0").await.expect("due now");
        app.drain().await;
        let history = slack.calls_to("conversations.history");
        assert_eq!(history.len(), 3, "{history:?}");
        assert_eq!(history[2].body["cursor"], "page:15", "resumed where it stopped");
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'").await, 1);
        assert_eq!(slack.calls_to("chat.postMessage").len(), 1);
        assert_eq!(slack.posted_keys().len(), 1);
    }

    server_errors_are_retried_with_backoff(app, slack) {
        slack.script("chat.postMessage", [Scripted::Status(500), Scripted::Error("service_unavailable")]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        slack.wait_for("chat.postMessage", 3, 15 * SECOND).await;
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
    }

    an_acknowledged_event_is_posted_after_a_restart(app, slack) {
        // Acknowledge while posting is impossible (Slack slow), then restart before it lands.
        slack.script("chat.postMessage", [Scripted::Slow(20 * SECOND)]);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        app.drain_jobs(&["events"]).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 1);
        // The post is on its way (Slack has it, and takes its time): restart now.
        slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        app.restart().await;
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 1);
    }

    two_prompts_for_one_channel_are_paced(app, slack) {
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        app.jira("delivery-2", &sprint_closed(38, 12)).await;
        let posts = slack.wait_for("chat.postMessage", 2, 10 * SECOND).await;
        assert_eq!(posts.len(), 2);
        app.wait_count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 2).await;
        let sent: Vec<(i64,)> = {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&app.db.url).await.expect("connect");
            sqlx::query_as("SELECT sent_at FROM outbox ORDER BY sent_at").fetch_all(&mut conn).await.expect("rows")
        };
        assert!(sent[1].0 - sent[0].0 >= 950, "posts {} ms apart", sent[1].0 - sent[0].0);
    }
}

/// The value of the series `name` carrying every one of `labels`, 0 when there is none.
fn counted(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .filter(|line| {
            labels
                .iter()
                .all(|(key, value)| line.contains(&format!("{key}=\"{value}\"")))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}
