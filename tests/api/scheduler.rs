//! The scheduler, with time injected: weekly digests once per team and week (across a
//! daylight-saving change, a restart, a long outage and a second replica), scheduled rituals,
//! nudges in working hours, App Home, and `cadence digest` on the command line.

use std::sync::Arc;
use std::time::Duration;

use cadence::domain::clock::ManualClock;
use cadence::inbound::slack::signature::sign;
use cadence::store::{NewRitual, Store};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::decisions::atlas;
use crate::helpers::{Db, SECRET, TestApp, at};
use crate::slack_standin::SlackStandIn;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

/// Atlas (Europe/London, home channel CATLAS) with one target and one master, at `start`.
async fn atlas_at(db: Db, start: &str) -> Option<(TestApp, SlackStandIn, Arc<ManualClock>)> {
    let slack = SlackStandIn::start().await;
    let clock = Arc::new(ManualClock::new(utc(start)));
    let app = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await?;
    atlas(&app).await;
    app.command("UALICE", r#"target "run EBR" 2"#).await;
    app.command(
        "UALICE",
        &format!(r#"level {} "run EBR" mastery"#, at("UBOB")),
    )
    .await;
    // Planning runs every half minute of the service's time: let it see the new team.
    clock.advance(chrono::Duration::minutes(1));
    app.wait_count("SELECT COUNT(*) FROM jobs WHERE kind = 'digest'", 1)
        .await;
    Some((app, slack, clock))
}

fn keys(slack: &SlackStandIn, prefix: &str) -> Vec<String> {
    slack
        .posted_keys()
        .into_iter()
        .filter(|k| k.starts_with(prefix))
        .collect()
}

/// Runs everything due, then the posts whose key starts with `prefix`: at least `n` of them.
async fn wait_keys(app: &TestApp, slack: &SlackStandIn, prefix: &str, n: usize) -> Vec<String> {
    app.drain().await;
    let found = keys(slack, prefix);
    assert!(
        found.len() >= n,
        "{} `{prefix}` posts, wanted {n}: {:?}",
        found.len(),
        slack.posted_keys()
    );
    found
}

/// The posted message whose metadata carries `key`.
fn posted(slack: &SlackStandIn, key: &str) -> Value {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|c| c.body)
        .find(|b| b["metadata"]["event_payload"]["idempotency_key"] == key)
        .expect("posted message")
}

crate::for_each_database! {
    weekly_digest_posts_once_a_week_across_dst_restart_and_outage(db) {
        // Sunday 18 October 2026; London changes from BST to GMT on Sunday 25 October.
        let Some((mut app, slack, clock)) = atlas_at(db, "2026-10-18T12:00:00Z").await else { return };
        clock.set(utc("2026-10-19T07:59:00Z"));
        app.drain().await;
        assert!(keys(&slack, "digest:").is_empty(), "nothing before Monday 09:00 BST");

        clock.set(utc("2026-10-19T08:00:05Z"));
        let first = wait_keys(&app, &slack, "digest:", 1).await;
        let digest = posted(&slack, &first[0]);
        assert_eq!(digest["channel"], "CATLAS");
        let shown = digest["blocks"].to_string();
        assert!(shown.contains("run EBR") && shown.contains("1/2 at mastery"), "{shown}");

        clock.advance(chrono::Duration::hours(2));
        app.drain().await;
        assert_eq!(keys(&slack, "digest:").len(), 1, "once that Monday");

        // A restart does not post again; the next Monday is 09:00 GMT, an hour later in UTC.
        app.restart().await;
        clock.set(utc("2026-10-26T08:30:00Z"));
        app.drain().await;
        assert_eq!(keys(&slack, "digest:").len(), 1, "not at 09:00 BST once clocks went back");
        clock.set(utc("2026-10-26T09:00:05Z"));
        wait_keys(&app, &slack, "digest:", 2).await;

        // Down from before 2 November until 11 November: the missed runs are made up once.
        clock.set(utc("2026-11-11T10:00:00Z"));
        app.restart().await;
        wait_keys(&app, &slack, "digest:", 3).await;
        app.drain().await;
        assert_eq!(keys(&slack, "digest:").len(), 3, "one catch-up, not one per missed week");

        clock.set(utc("2026-11-16T09:00:05Z"));
        let all = wait_keys(&app, &slack, "digest:", 4).await;
        let mut unique = all.clone();
        unique.dedup();
        assert_eq!(unique.len(), 4, "{all:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'").await, 4);
        let metrics = reqwest::get(format!("{}/metrics", app.base)).await.expect("metrics").text().await.expect("text");
        assert!(metrics.contains("cadence_scheduler_lag_seconds 0"), "nothing overdue: {metrics}");
    }

    two_replicas_post_each_digest_once(db) {
        let Some((app, slack, clock)) = atlas_at(db, "2026-11-22T12:00:00Z").await else { return };
        let second = app.another_instance().await;
        for (week, monday) in ["2026-11-23T09:00:05Z", "2026-11-30T09:00:05Z", "2026-12-07T09:00:05Z"].iter().enumerate() {
            clock.set(utc(monday));
            // Either replica may take the job: run both until nothing is due.
            second.drain().await.expect("second replica runs its jobs");
            wait_keys(&app, &slack, "digest:", week + 1).await;
            second.drain().await.expect("second replica runs its jobs");
            app.drain().await;
            let calls = slack
                .calls_to("chat.postMessage")
                .into_iter()
                .filter(|c| c.body["metadata"]["event_payload"]["idempotency_key"].as_str().is_some_and(|k| k.starts_with("digest:")))
                .count();
            assert_eq!(calls, week + 1, "each digest is posted by one replica, once");
        }
        second.stop().await;
    }

    scheduled_ritual_prompts_once_before_its_time(db) {
        let Some((mut app, slack, clock)) = atlas_at(db, "2026-11-30T12:00:00Z").await else { return };
        let store = Store::connect(&app.db.url).await.expect("store");
        let tenant = store.tenant(cadence::domain::Platform::Slack, "T1", clock_now(&clock)).await.expect("tenant");
        let team = store.team_by_name(tenant, "Atlas").await.expect("query").expect("Atlas");
        store
            .add_ritual(
                NewRitual {
                    team: &team,
                    kind: cadence::domain::ritual::RitualKind::Qbr,
                    name: "Atlas QBR",
                    channel_id: "CQBR",
                    prompt_on: cadence::domain::ritual::PromptOn::Start,
                    artefact: "interventions",
                    nudge_after_minutes: None,
                    triggers: &[],
                    // First Tuesday of each quarter month and, for the test, of December.
                    schedule: Some("0 10 1-7 1,4,7,10,12 TUE"),
                    prompt_before_minutes: 15,
                },
                clock_now(&clock),
            )
            .await
            .expect("ritual");
        store.close().await;
        clock.advance(chrono::Duration::minutes(1));
        app.wait_count("SELECT COUNT(*) FROM jobs WHERE kind = 'ritual'", 1).await;

        clock.set(utc("2026-12-01T09:44:00Z"));
        app.drain().await;
        assert!(keys(&slack, "prompt:").is_empty(), "not before 09:45");
        clock.set(utc("2026-12-01T09:45:05Z"));
        let prompts = wait_keys(&app, &slack, "prompt:", 1).await;
        let prompt = posted(&slack, &prompts[0]);
        assert_eq!(prompt["channel"], "CQBR");
        assert!(prompt["blocks"].to_string().contains("Atlas QBR, Tue 1 Dec 10:00"), "{}", prompt["blocks"]);

        app.restart().await;
        clock.set(utc("2026-12-01T11:00:00Z"));
        app.drain().await;
        assert_eq!(keys(&slack, "prompt:").len(), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM occurrences").await, 1);
    }

    one_nudge_in_working_hours_to_managers_not_away(db) {
        // Wednesday 25 November 2026, 10:00 London.
        let Some((app, slack, clock)) = atlas_at(db, "2026-11-25T10:00:00Z").await else { return };
        crate::prompts::add_retro(&app, "CRETRO", "jira:board=12:sprint_closed").await;
        app.jira("sprint-1", &crate::prompts::sprint_closed(1, 12)).await;
        wait_keys(&app, &slack, "prompt:", 1).await;

        clock.advance(chrono::Duration::minutes(90));
        app.drain().await;
        assert!(keys(&slack, "nudge:").is_empty(), "not before the two hours");
        clock.advance(chrono::Duration::minutes(35));
        let nudges = wait_keys(&app, &slack, "nudge:", 1).await;
        let nudge = posted(&slack, &nudges[0]);
        assert_eq!(nudge["channel"], "CRETRO");
        let shown = nudge["blocks"].to_string();
        assert!(shown.contains("<@UALICE>") && shown.contains("without naming the skill gaps"), "{shown}");
        clock.advance(chrono::Duration::days(1));
        app.drain().await;
        assert_eq!(keys(&slack, "nudge:").len(), 1, "exactly one nudge");

        // A sprint closing late on Thursday is nudged on Friday morning, and Alice, away that
        // day, is not mentioned.
        app.command("UALICE", &format!("away {} 2026-11-27", at("UALICE"))).await;
        clock.set(utc("2026-11-26T16:30:00Z"));
        app.jira("sprint-2", &crate::prompts::sprint_closed(2, 12)).await;
        wait_keys(&app, &slack, "prompt:", 2).await;
        clock.set(utc("2026-11-26T19:00:00Z"));
        app.drain().await;
        assert_eq!(keys(&slack, "nudge:").len(), 1, "no nudge in the evening");
        clock.set(utc("2026-11-27T09:00:05Z"));
        let nudges = wait_keys(&app, &slack, "nudge:", 2).await;
        let shown = posted(&slack, &nudges[1])["blocks"].to_string();
        assert!(!shown.contains("<@UALICE>"), "nobody away is mentioned: {shown}");
    }

    no_gaps_silences_the_nudge(db) {
        let Some((app, slack, clock)) = atlas_at(db, "2026-11-25T10:00:00Z").await else { return };
        crate::prompts::add_retro(&app, "CRETRO", "jira:board=12:sprint_closed").await;
        app.jira("sprint-1", &crate::prompts::sprint_closed(1, 12)).await;
        let prompts = wait_keys(&app, &slack, "prompt:", 1).await;
        let prompt = posted(&slack, &prompts[0]);
        let no_gaps = action_id(&prompt["blocks"], "no_gaps");
        let response = click(&app, &clock, "UALICE", "CRETRO", &no_gaps, None).await;
        assert_eq!(response.status(), 200);
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'no_gaps'", 1).await;
        clock.advance(chrono::Duration::hours(3));
        app.drain().await;
        assert!(keys(&slack, "nudge:").is_empty(), "silenced by no gaps");
        assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'nudge' AND done_at IS NOT NULL").await, 1);
    }

    a_snoozed_nudge_comes_back_the_next_working_morning(db) {
        let Some((app, slack, clock)) = atlas_at(db, "2026-11-25T10:00:00Z").await else { return };
        crate::prompts::add_retro(&app, "CRETRO", "jira:board=12:sprint_closed").await;
        app.jira("sprint-1", &crate::prompts::sprint_closed(1, 12)).await;
        wait_keys(&app, &slack, "prompt:", 1).await;
        clock.advance(chrono::Duration::minutes(125));
        let nudges = wait_keys(&app, &slack, "nudge:", 1).await;
        let nudge = posted(&slack, &nudges[0]);
        let snooze = action_id(&nudge["blocks"], "snooze");
        // Only a manager may snooze.
        click(&app, &clock, "UBOB", "CRETRO", &snooze, None).await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'snooze'").await, 0);
        click(&app, &clock, "UALICE", "CRETRO", &snooze, None).await;
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'snooze'", 1).await;
        let updates = slack.wait_for("chat.update", 1, Duration::from_secs(10)).await;
        assert!(updates[0].body["blocks"].to_string().contains("Snoozed until Thu 26 Nov 09:00"), "{}", updates[0].body);
        clock.set(utc("2026-11-26T08:59:00Z"));
        app.drain().await;
        assert_eq!(keys(&slack, "nudge:").len(), 1);
        clock.set(utc("2026-11-26T09:00:05Z"));
        wait_keys(&app, &slack, "nudge:", 2).await;
    }

    app_home_shows_a_manager_their_team_and_waiting_requests(db) {
        let Some((app, slack, clock)) = atlas_at(db, "2026-11-25T10:00:00Z").await else { return };
        app.command("UBOB", r#"request track "Architecture lead" "I led two ADRs""#).await;
        home_opened(&app, &clock, "UALICE", "Ev1").await;
        let views = slack.wait_for("views.publish", 1, Duration::from_secs(10)).await;
        assert_eq!(views[0].body["user_id"], "UALICE");
        assert_eq!(views[0].body["view"]["type"], "home");
        let shown = views[0].body["view"]["blocks"].to_string();
        assert!(shown.contains("Atlas") && shown.contains("1/2 at mastery") && shown.contains("Architecture lead"), "{shown}");

        // Approve from the home view: recorded as an App Home decision, and the view refreshed.
        let approve = action_id(&views[0].body["view"]["blocks"], "approve");
        let response = click(&app, &clock, "UALICE", "", &approve, Some("home")).await;
        assert_eq!(response.status(), 200);
        app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'approve_track' AND source = 'app_home'", 1).await;
        let views = slack.wait_for("views.publish", 2, Duration::from_secs(10)).await;
        assert!(!views[1].body["view"]["blocks"].to_string().contains("asks to enter"), "{}", views[1].body);

        // A member sees their own levels and tracks.
        home_opened(&app, &clock, "UBOB", "Ev2").await;
        let views = slack.wait_for("views.publish", 3, Duration::from_secs(10)).await;
        let bob = views.iter().find(|v| v.body["user_id"] == "UBOB").expect("Bob's view");
        let shown = bob.body["view"]["blocks"].to_string();
        assert!(shown.contains("run EBR") && shown.contains("mastery") && shown.contains("approved"), "{shown}");
        assert!(!shown.contains("Organisation,"), "only admins glance at the organisation: {shown}");

        // An admin's home glances at the organisation.
        home_opened(&app, &clock, "UADMIN", "Ev3").await;
        let views = slack.wait_for("views.publish", 4, Duration::from_secs(10)).await;
        let admin = views.iter().find(|v| v.body["user_id"] == "UADMIN").expect("the admin's view");
        let shown = admin.body["view"]["blocks"].to_string();
        assert!(shown.contains("Organisation, 2026Q4") && shown.contains("0 of 1 (quarter start: 0 of 0)"), "{shown}");
        assert!(shown.contains("Riskiest teams: Atlas"), "{shown}");
    }

    cadence_digest_prints_and_queues_once_a_week(db) {
        let Some((app, _slack, _clock)) = atlas_at(db, "2026-11-25T10:00:00Z").await else { return };
        let run = |post: bool| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"));
            command.args(["digest", "--team", "atlas"]).env("DATABASE_URL", &app.db.url).env("CADENCE_LOG_FORMAT", "text");
            if post {
                command.arg("--post");
            }
            command.output().expect("cadence digest runs")
        };
        let shown = run(false);
        let stdout = String::from_utf8_lossy(&shown.stdout);
        assert!(shown.status.success(), "{stdout}{}", String::from_utf8_lossy(&shown.stderr));
        assert!(stdout.contains("Atlas — capability digest") && stdout.contains("run EBR") && stdout.contains("1/2 at mastery"), "{stdout}");
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'").await, 0);
        let first = run(true);
        assert!(String::from_utf8_lossy(&first.stdout).contains("Queued for CATLAS"));
        let second = run(true);
        assert!(String::from_utf8_lossy(&second.stdout).contains("already queued"));
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'").await, 1);
        let missing = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
            .args(["digest", "--team", "Nobody"]).env("DATABASE_URL", &app.db.url).output().expect("runs");
        assert!(!missing.status.success());
        assert!(String::from_utf8_lossy(&missing.stderr).contains("no team named \"Nobody\""));
    }
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    use cadence::domain::clock::Clock;
    clock.now()
}

/// The `action_id` in `blocks` whose encoded action starts with `code`.
pub(crate) fn action_id(blocks: &Value, code: &str) -> String {
    fn walk(value: &Value, code: &str) -> Option<String> {
        match value {
            Value::Object(map) => {
                if let Some(id) = map.get("action_id").and_then(Value::as_str)
                    && id.starts_with(code)
                {
                    return Some(id.to_owned());
                }
                map.values().find_map(|v| walk(v, code))
            }
            Value::Array(items) => items.iter().find_map(|v| walk(v, code)),
            _ => None,
        }
    }
    walk(blocks, code).unwrap_or_else(|| panic!("no `{code}` action in {blocks}"))
}

fn signed(clock: &ManualClock, body: &str, content_type: &str) -> Vec<(&'static str, String)> {
    let ts = clock_now(clock).timestamp();
    vec![
        ("x-slack-request-timestamp", ts.to_string()),
        ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
        ("content-type", content_type.to_owned()),
    ]
}

/// Presses a button: on a message in `channel`, or in the home view when `view` is "home".
pub(crate) async fn click(
    app: &TestApp,
    clock: &ManualClock,
    user: &str,
    channel: &str,
    action_id: &str,
    view: Option<&str>,
) -> reqwest::Response {
    let mut payload = json!({
        "type": "block_actions",
        "user": { "id": user, "username": user.to_lowercase(), "team_id": "T1" },
        "team": { "id": "T1", "domain": "acme" },
        "is_enterprise_install": false,
        "trigger_id": "1.2.3",
        "actions": [ { "action_id": action_id, "block_id": "b1", "type": "button", "action_ts": "1.1" } ]
    });
    match view {
        Some(kind) => {
            payload["container"] = json!({ "type": "view", "view_id": "V1" });
            payload["view"] = json!({ "id": "V1", "type": kind, "blocks": [] });
        }
        None => {
            payload["channel"] = json!({ "id": channel });
            payload["container"] = json!({ "type": "message", "message_ts": "1700000000.000001", "channel_id": channel });
        }
    }
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
    app.post(
        "/slack/interactions",
        &signed(clock, &body, "application/x-www-form-urlencoded"),
        &body,
    )
    .await
}

async fn home_opened(app: &TestApp, clock: &ManualClock, user: &str, event_id: &str) {
    let body = json!({
        "token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event": { "type": "app_home_opened", "user": user, "channel": "D1", "tab": "home" },
        "event_id": event_id, "event_time": 1700000000,
        "authorizations": [ { "team_id": "T1", "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false } ]
    })
    .to_string();
    let response = app
        .post(
            "/slack/events",
            &signed(clock, &body, "application/json"),
            &body,
        )
        .await;
    assert_eq!(response.status(), 200);
}
