//! Pace reminders on the manual clock: once a week at a 1/week pace, from the first working
//! morning of the week in the team's zone (London, across the change to summer time), never
//! while someone is away, once per period however often the jobs run, and not at all once the
//! track is finished.

use std::sync::Arc;

use cadence::domain::clock::ManualClock;
use chrono::{DateTime, Utc};

use crate::budget_requests::text_of;
use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::slack_standin::SlackStandIn;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("an instant")
}

/// The reminders Slack was asked to show, as (user, text).
fn reminders(slack: &SlackStandIn) -> Vec<(String, String)> {
    slack
        .calls_to("chat.postEphemeral")
        .iter()
        .filter(|c| text_of(c).contains("on EBR lead"))
        .map(|c| {
            (
                c.body["user"].as_str().unwrap_or_default().to_owned(),
                c.body["blocks"].to_string(),
            )
        })
        .collect()
}

/// Sets the clock, runs the due jobs and delivers what they queued.
async fn at_time(app: &TestApp, clock: &ManualClock, when: &str) {
    clock.set(utc(when));
    app.drain().await;
    app.drain().await;
}

crate::for_each_database! {
    people_on_a_paced_track_are_reminded_once_a_week_in_working_hours_and_not_while_away(db) {
        let slack = SlackStandIn::start().await;
        // Wednesday 18 March 2026, 10:00 in London (GMT).
        let clock = Arc::new(ManualClock::new(utc("2026-03-18T10:00:00Z")));
        let Some(app) = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await else { return };
        atlas(&app).await;
        for title in ["EBR basics", "Discovery calls"] {
            app.command("UADMIN", &format!(r#"module add "{title}" for "run EBR" hours 2"#)).await;
        }
        let composed = app.command("UALICE", r#"track "EBR lead" modules "EBR basics" > "Discovery calls" pace 1/week"#).await;
        assert!(composed.text.contains("pace 1/week"), "{}", composed.text);
        let (bob, carol) = (at("UBOB"), at("UCAROL"));
        app.command("UALICE", &format!(r#"approve {bob} track "EBR lead""#)).await;
        app.command("UALICE", &format!(r#"approve {carol} track "EBR lead""#)).await;
        let away = app.command("UALICE", &format!("away {carol} 2026-03-23..2026-03-24")).await;
        assert!(!away.text.contains("Nothing was recorded"), "{}", away.text);

        // Joined mid-week, in working hours: this week's reminder comes now, once each.
        at_time(&app, &clock, "2026-03-18T10:01:00Z").await;
        let sent = reminders(&slack);
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert!(sent.iter().any(|(u, t)| u == "UBOB" && t.contains("<@UBOB> this week on *EBR lead*: 1 module at your pace of 1/week. 0 of 2 done; next *EBR basics*. When you finish it: `/cadence done \\\"EBR basics\\\"`.")), "{sent:?}");
        at_time(&app, &clock, "2026-03-19T11:00:00Z").await;
        assert_eq!(reminders(&slack).len(), 2, "one per week");

        // Monday 23 March, still GMT: nothing before 09:00 local, Bob at 09:00, Carol is away.
        at_time(&app, &clock, "2026-03-23T08:59:00Z").await;
        assert_eq!(reminders(&slack).len(), 2);
        at_time(&app, &clock, "2026-03-23T09:00:00Z").await;
        let sent = reminders(&slack);
        assert_eq!(sent.len(), 3, "{sent:?}");
        assert_eq!(sent[2].0, "UBOB");
        // Carol is back on Wednesday: that week's reminder, then, in working hours.
        at_time(&app, &clock, "2026-03-25T06:00:00Z").await;
        assert_eq!(reminders(&slack).len(), 3, "not before the working day");
        at_time(&app, &clock, "2026-03-25T09:30:00Z").await;
        let sent = reminders(&slack);
        assert_eq!(sent.len(), 4, "{sent:?}");
        assert_eq!(sent[3].0, "UCAROL");

        // Bob finishes the track; the clocks go forward on Sunday 29 March, so Monday's 09:00
        // in London is 08:00 UTC: Carol is reminded then, Bob not at all.
        app.command("UBOB", r#"done "EBR basics""#).await;
        app.command("UBOB", r#"done "Discovery calls""#).await;
        at_time(&app, &clock, "2026-03-28T10:00:00Z").await;
        at_time(&app, &clock, "2026-03-30T07:59:00Z").await;
        assert_eq!(reminders(&slack).len(), 4, "08:59 in London");
        at_time(&app, &clock, "2026-03-30T08:00:00Z").await;
        let sent = reminders(&slack);
        assert_eq!(sent.len(), 5, "{sent:?}");
        assert_eq!(sent[4].0, "UCAROL");
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'pace:%'").await, 5);
    }
}
