//! Workspace admins and owners may set up teams without being in `CADENCE_ADMINS`; Cadence asks
//! Slack's `users.info` with the bot token, and treats anyone Slack cannot vouch for as a member.

use std::time::Instant;

use crate::helpers::{Db, TestApp};
use crate::slack_standin::SlackStandIn;

async fn app_with_slack(db: Db) -> Option<(TestApp, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let app = TestApp::spawn_with_slack_api(db, &slack.base_url).await?;
    Some((app, slack))
}

#[tokio::test]
async fn workspace_owners_and_admins_may_create_teams() {
    let Some((app, slack)) = app_with_slack(Db::Sqlite).await else {
        return;
    };
    let answer = app.command("UOWNER1", "team create Atlas").await;
    assert!(
        answer.text.contains("Created team *Atlas*"),
        "{}",
        answer.text
    );
    let answer = app
        .command_in("T1", "CBETA", "UWSADMIN1", "team create Beta")
        .await;
    assert!(
        answer.text.contains("Created team *Beta*"),
        "{}",
        answer.text
    );
    let calls = slack.calls();
    let asked: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.user.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            ("auth.test", ""),
            ("users.info", "UOWNER1"),
            ("users.info", "UWSADMIN1")
        ]
    );
    assert!(
        calls
            .iter()
            .all(|c| c.authorization == "Bearer xoxb-test-token")
    );
    // The answer is cached: asking again does not call Slack.
    app.command_in("T1", "CGAMMA", "UOWNER1", "team create Gamma")
        .await;
    assert_eq!(slack.calls().len(), 3);
}

#[tokio::test]
async fn the_tokens_workspace_cannot_vouch_for_another_tenant() {
    let Some((app, slack)) = app_with_slack(Db::Sqlite).await else {
        return;
    };
    // UOWNER1 owns T1, the token's workspace; a command from workspace T2 gets no admin rights.
    let answer = app
        .command_in("T2", "CATLAS", "UOWNER1", "team create Atlas")
        .await;
    assert!(
        answer.text.contains("Only workspace admins"),
        "{}",
        answer.text
    );
    assert!(slack.calls().iter().all(|c| c.method != "users.info"));
}

#[tokio::test]
async fn members_and_people_slack_cannot_vouch_for_are_refused() {
    let Some((app, slack)) = app_with_slack(Db::Sqlite).await else {
        return;
    };
    for user in ["UMEMBER", "UGONE"] {
        let answer = app.command(user, "team create Atlas").await;
        assert!(
            answer.text.contains("Only workspace admins"),
            "{user}: {}",
            answer.text
        );
    }
    // A slow Slack must not push the answer past Slack's 3-second budget.
    let started = Instant::now();
    let answer = app.command("USLOW", "team create Atlas").await;
    assert!(
        answer.text.contains("Only workspace admins"),
        "{}",
        answer.text
    );
    assert!(
        started.elapsed().as_millis() < 2500,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 0);
    // Decisions never wait on Slack: only set-up commands ask (auth.test once, users.info thrice).
    app.command("UMEMBER", "me").await;
    assert_eq!(slack.calls().len(), 4);
}

crate::for_each_database! {
    a_set_up_command_is_answered_within_its_budget_however_slow_slack_and_the_database(db) {
        let slack = SlackStandIn::start().await;
        let Some(app) = TestApp::spawn_with_slack_api(db, &slack.base_url).await else { return };
        // auth.test answers after 1.1 s, users.info for USLOW after 5 s, and the database is
        // busy: each lookup used to take its own 1.2 s before the command's 2.5 s even began.
        slack.script("auth.test", [crate::slack_standin::Scripted::Slow(std::time::Duration::from_millis(1100))]);
        // On PostgreSQL, the tables a command touches first.
        let lock = crate::helpers::hold_the_database(&app.db.url, "tenants, people").await;
        let started = Instant::now();
        let answer = app.command("USLOW", "team create Atlas").await;
        let took = started.elapsed();
        assert_eq!(answer.status, 200);
        assert!(took.as_millis() <= 2600, "answered after {took:?}: {}", answer.text);
        drop(lock);
        assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 0);
    }

    an_admins_role_is_cached_after_a_lookup_that_ran_out_of_time(db) {
        let slack = SlackStandIn::start().await;
        let Some(app) = TestApp::spawn_with_slack_api(db, &slack.base_url).await else { return };
        // Slack answers auth.test after 1.1 s: past the lookup budget, so the owner is not
        // recognised this time, but the lookup finishes and the next command is quick.
        slack.script("auth.test", [crate::slack_standin::Scripted::Slow(std::time::Duration::from_millis(1100))]);
        let started = Instant::now();
        let first = app.command("UOWNER1", "team create Atlas").await;
        assert!(started.elapsed().as_millis() < 2500, "took {:?}", started.elapsed());
        assert!(first.text.contains("Only workspace admins"), "{}", first.text);
        slack.wait_for("users.info", 1, std::time::Duration::from_secs(3)).await;
        // The late answer was kept (or is joined while it lands): no second lookup.
        let second = app.command("UOWNER1", "team create Atlas").await;
        assert!(second.text.contains("Created team *Atlas*"), "{}", second.text);
        assert_eq!(slack.calls_to("users.info").len(), 1, "the role comes from the cache");
        assert_eq!(slack.calls_to("auth.test").len(), 1);
    }
}
