//! Rituals from chat: `/cadence ritual add|list|pause|resume`, managers only, and what a paused
//! ritual does with its events (nothing).

use std::time::Duration;

use crate::decisions::atlas;
use crate::helpers::{Db, TestApp};
use crate::prompts::sprint_closed;
use crate::slack_standin::SlackStandIn;

const SECOND: Duration = Duration::from_secs(1);

async fn app(db: Db) -> Option<(TestApp, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let app = TestApp::spawn_with_slack_api(db, &slack.base_url).await?;
    atlas(&app).await;
    Some((app, slack))
}

macro_rules! ritual_tests {
    ($($name:ident($app:ident, $slack:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = app(Db::Sqlite).await else { return };
                $body
            })+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(($app, $slack)) = app(Db::Postgres).await else { return };
                $body
            })+
        }
    };
}

ritual_tests! {
    a_ritual_added_from_chat_prompts_its_channel(app, slack) {
        let added = app.command("UALICE", "ritual add retro <#CRETRO|retro> on jira:board=12:sprint_closed").await;
        assert!(added.text.contains("Added ritual #1 *Atlas retro* (retro) in <#CRETRO>"), "{}", added.text);
        assert!(added.text.contains("`jira:board=12:sprint_closed`"), "{}", added.text);
        let listed = app.command("UBOB", "ritual list").await;
        assert!(listed.text.contains("#1 *Atlas retro*"), "{}", listed.text);
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        let posts = slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
        assert_eq!(posts[0].body["channel"], "CRETRO");
    }

    a_scheduled_ritual_is_added_from_chat(app, _slack) {
        let added = app.command("UALICE", r#"ritual add qbr <#CQBR|qbr> every "0 10 1-7 1,4,7,10 TUE" before 15 name "Atlas QBR""#).await;
        assert!(added.text.contains("Added ritual #1 *Atlas QBR* (qbr)"), "{}", added.text);
        assert!(added.text.contains("on the schedule `0 10 1-7 1,4,7,10 TUE` (15 minutes before, in the team's time zone)"), "{}", added.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals WHERE schedule = '0 10 1-7 1,4,7,10 TUE' AND prompt_before_minutes = 15").await, 1);
        let refused = app.command("UALICE", r#"ritual add qbr <#CQBR|qbr> every "0 10 * * 2""#).await;
        assert!(refused.text.contains("write days of the week as names"), "{}", refused.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals").await, 1);
    }

    a_paused_ritual_starts_nothing_until_resumed(app, slack) {
        app.command("UALICE", "ritual add retro <#CRETRO|retro> on jira:board=12:sprint_closed").await;
        let paused = app.command("UALICE", "ritual pause 1").await;
        assert!(paused.text.contains("Paused ritual #1"), "{}", paused.text);
        assert!(app.command("UALICE", "ritual list").await.text.contains("— paused"));
        app.jira("delivery-1", &sprint_closed(37, 12)).await;
        app.wait_count("SELECT COUNT(*) FROM inbox WHERE processed_at IS NOT NULL", 1).await;
        app.drain().await;
        assert!(slack.calls_to("chat.postMessage").is_empty());
        let resumed = app.command("UALICE", "ritual resume 1").await;
        assert!(resumed.text.contains("Resumed ritual #1"), "{}", resumed.text);
        app.jira("delivery-2", &sprint_closed(38, 12)).await;
        slack.wait_for("chat.postMessage", 1, 5 * SECOND).await;
    }

    only_managers_change_rituals(app, slack) {
        let refused = app.command("UBOB", "ritual add retro <#CRETRO|retro> on jira:board=12:sprint_closed").await;
        assert!(refused.text.contains("Only the team's managers"), "{}", refused.text);
        let added = app.command("UALICE", "ritual add qbr <#CQBR|qbr> on generic:qbr_ended nudge off").await;
        assert!(added.text.contains("Added ritual #1 *Atlas qbr* (qbr)"), "{}", added.text);
        // A member learns nothing about which rituals exist: ritual 1 (Atlas's) and ritual 99
        // (none) get the same answer, and neither is paused.
        let refused = app.command("UBOB", "ritual pause 1").await;
        let nothing = app.command("UBOB", "ritual pause 99").await;
        assert!(refused.text.contains("There's no ritual #1 that you manage"), "{}", refused.text);
        assert_eq!(refused.text.replace("#1 ", "#N "), nothing.text.replace("#99 ", "#N "));
        let missing = app.command("UALICE", "ritual pause 99").await;
        assert!(missing.text.contains("There's no ritual #99"), "{}", missing.text);
        // Another workspace cannot see or pause it either.
        let other = app.command_in("T2", "CATLAS", "UADMIN", "ritual pause 1").await;
        assert!(other.text.contains("There's no ritual #1"), "{}", other.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals WHERE paused = 0").await, 1);
        let _ = &slack;
    }
}
