//! The organisation's side on a history worked out by hand: two quarters of decisions in three
//! teams (someone changing team, a target raised mid-quarter, an absence across the year's end,
//! a retro answered and one not), read back as the scoreboard, a manager's scorecard, the chat
//! views and who may see them — on both databases.

use std::sync::Arc;

use cadence::domain::clock::ManualClock;
use cadence::domain::outcomes::{Quarter, ReportDetail, Window};
use cadence::service::report;
use cadence::store::Store;
use chrono::{DateTime, Utc};

use crate::decisions::atlas;
use crate::helpers::{Db, TestApp, at};
use crate::scheduler::{action_id, click};
use crate::slack_standin::SlackStandIn;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

async fn said(app: &TestApp, user: &str, text: &str) -> String {
    let answer = app.command(user, text).await;
    assert_eq!(answer.status, 200, "{text}: {}", answer.text);
    answer.text
}

/// The history (times UTC):
/// - 15 Sep (2026Q3): Atlas targets run EBR 2 and testing 1; Bob masters run EBR, Carol
///   testing; Bob gets 4 h (Q3, not counted in Q4).
/// - 5 Oct: Borealis targets run EBR 1 (its only master-to-be, Erin, is not one).
/// - 10 Oct: Carol masters run EBR (Atlas reaches 2 of 2: its single point of failure closes).
/// - 20 Oct: Atlas raises run EBR to 3.
/// - 1 Nov: Bob moves from Atlas to Borealis (Atlas's run EBR is down to Carol again).
/// - 10 Nov: Carol will be away 20 Dec – 10 Jan; 6 h for Carol; two interventions, due 1 Dec
///   and 20 Dec.
/// - 24 Nov: a sprint completes at 08:57:13 (Jira's `completeDate`, when the retro's prompt
///   is due); its event arrives at 10:00 and "no gaps" is clicked at 10:38, 100 minutes after
///   the sprint ended. A second sprint's retro (25 Nov) goes unanswered.
/// - read on 15 Dec 12:00.
async fn history(db: Db) -> Option<(TestApp, SlackStandIn, Arc<ManualClock>)> {
    let slack = SlackStandIn::start().await;
    let clock = Arc::new(ManualClock::new(utc("2026-09-15T10:00:00Z")));
    let app = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await?;
    atlas(&app).await;
    let (bob, carol, dan, erin) = (at("UBOB"), at("UCAROL"), at("UDAN"), at("UERIN"));
    said(&app, "UADMIN", &format!("team create Borealis managers {dan} members {erin} tz Europe/London channel <#CBOR|borealis>")).await;
    let cobalt = said(
        &app,
        "UADMIN",
        &format!(
            "team create Cobalt managers {} channel <#CCOB|cobalt>",
            at("UFRED")
        ),
    )
    .await;
    assert!(cobalt.starts_with("Created team"), "{cobalt}");
    for line in [
        r#"target "run EBR" 2"#.to_owned(),
        r#"target testing 1"#.to_owned(),
        format!(r#"level {bob} "run EBR" mastery"#),
        format!(r#"level {carol} testing mastery"#),
        format!(r#"hours {bob} 4 sprint "S40""#),
    ] {
        said(&app, "UALICE", &line).await;
    }
    clock.set(utc("2026-10-05T10:00:00Z"));
    said(&app, "UDAN", r#"team:Borealis target "run EBR" 1"#).await;
    clock.set(utc("2026-10-10T10:00:00Z"));
    said(
        &app,
        "UALICE",
        &format!(r#"level {carol} "run EBR" mastery"#),
    )
    .await;
    clock.set(utc("2026-10-20T10:00:00Z"));
    said(&app, "UALICE", r#"target "run EBR" 3"#).await;
    clock.set(utc("2026-11-01T10:00:00Z"));
    said(&app, "UADMIN", &format!("team:Atlas team remove {bob}")).await;
    said(&app, "UADMIN", &format!("team:Borealis team add {bob}")).await;
    clock.set(utc("2026-11-10T10:00:00Z"));
    for line in [
        format!("away {carol} 2026-12-20..2027-01-10"),
        format!(r#"hours {carol} 6 sprint "S42""#),
        format!(r#"intervene {carol} "run EBR" via "shadowing Dan" by 2026-12-01"#),
        format!(r#"intervene {carol} testing via "pairing" by 2026-12-20"#),
    ] {
        said(&app, "UALICE", &line).await;
    }
    crate::prompts::add_retro(&app, "CRETRO", "jira:board=12:sprint_closed").await;
    clock.set(utc("2026-11-24T10:00:00Z"));
    app.jira("sprint-1", &crate::prompts::sprint_closed(1, 12))
        .await;
    app.drain().await;
    let prompt = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .map(|c| c.body)
        .find(|b| {
            b["metadata"]["event_payload"]["idempotency_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("prompt:"))
        })
        .expect("the retro's prompt");
    clock.set(utc("2026-11-24T10:38:00Z"));
    let no_gaps = action_id(&prompt["blocks"], "no_gaps");
    assert_eq!(
        click(&app, &clock, "UALICE", "CRETRO", &no_gaps, None)
            .await
            .status(),
        200
    );
    app.wait_count("SELECT COUNT(*) FROM decisions WHERE kind = 'no_gaps'", 1)
        .await;
    clock.set(utc("2026-11-25T10:00:00Z"));
    app.jira("sprint-2", &crate::prompts::sprint_closed(2, 12))
        .await;
    app.drain().await;
    clock.set(utc("2026-12-15T12:00:00Z"));
    Some((app, slack, clock))
}

async fn tenant(store: &Store) -> cadence::domain::ids::TenantId {
    store
        .tenant(cadence::domain::Platform::Slack, "T1", Utc::now())
        .await
        .expect("tenant")
}

crate::for_each_database! {
    the_scoreboard_and_scorecards_read_the_history_as_worked_out_by_hand(db) {
        let Some((app, _slack, clock)) = history(db).await else { return };
        let store = Store::connect(&app.db.url).await.expect("store");
        let tenant = tenant(&store).await;
        let q4: Quarter = "2026Q4".parse().expect("quarter");
        let window = Window::new(q4, clock_now(&clock));
        let org = report::org(&store, tenant, window, None).await.expect("org");

        let names: Vec<&str> = org.teams.iter().map(|t| t.team.as_str()).collect();
        assert_eq!(names, ["Atlas", "Borealis", "Cobalt"], "riskiest first, no data last");
        let atlas = &org.teams[0];
        assert_eq!((atlas.targeted_start, atlas.at_target_start), (2, 1));
        assert_eq!((atlas.targeted, atlas.at_target), (2, 1), "run EBR 1 of 3, testing 1 of 1");
        assert_eq!(atlas.reached_mastery, 1, "Carol, run EBR, 10 Oct");
        assert_eq!(atlas.spofs_open, ["run EBR", "testing"]);
        assert_eq!((atlas.spofs_opened, atlas.spofs_closed), (1, 1), "closed 10 Oct, opened again when Bob left");
        assert_eq!(atlas.dips_ahead, ["run EBR", "testing"], "Carol away from 20 Dec");
        assert_eq!((atlas.interventions.done, atlas.interventions.due, atlas.interventions.overdue), (0, 1, 1));
        assert_eq!(atlas.hours_centi, 600, "the Q3 allocation is not counted");
        let p = atlas.participation;
        assert_eq!((p.occurrences, p.answered, p.median_minutes), (2, 1, Some(100)));
        assert_eq!(atlas.risk, 2 * 3 + 2 + 2 + 1);

        let borealis = &org.teams[1];
        assert_eq!((borealis.targeted_start, borealis.targeted, borealis.at_target), (0, 1, 1));
        assert_eq!(borealis.reached_mastery, 0, "Bob reached mastery in Q3, on Atlas");
        assert_eq!((borealis.spofs_opened, borealis.spofs_closed), (1, 0));
        assert!(!org.teams[2].has_data);

        assert_eq!((org.total.targeted, org.total.at_target), (3, 2));
        assert_eq!((org.total.spofs_open, org.total.teams_with_data), (3, 2));
        let trend: Vec<(String, u32, u32)> = org.trend.iter().map(|p| (p.quarter.clone(), p.targeted, p.at_target)).collect();
        assert_eq!(trend, [
            ("2026Q1".to_owned(), 0, 0),
            ("2026Q2".to_owned(), 0, 0),
            ("2026Q3".to_owned(), 2, 1),
            ("2026Q4".to_owned(), 3, 2),
        ]);

        let alice = store.find_person(tenant, "UALICE").await.expect("query").expect("Alice");
        let cards = report::manager_scorecards(&store, tenant, window, Some(alice.id), ReportDetail::Evidence).await.expect("scorecard");
        let lines: Vec<&str> = cards[0].lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(lines, [
            "people at mastery of “run EBR”: 1 → 1 (target 3)",
            "people at mastery of “testing”: 1 → 1 (target 1)",
            "capabilities at target: 1 of 2 (1 of 2 when the quarter began)",
            "single points of failure closed: 1 (run EBR)",
            "single points of failure opened: 1 (run EBR)",
            "learning hours allocated inside sprint capacity: 6",
            "rituals answered: 1 of 2, median 1 h 40 min after the meeting",
            "median time from ritual to decision: 1 h 40 min",
        ]);
        let ebr = &cards[0].lines[0];
        let evidence: Vec<&str> = ebr.evidence.iter().map(|e| e.what.as_str()).collect();
        assert_eq!(evidence, ["ucarol: run EBR → mastery", "target for run EBR set to 3"]);
        assert!(cards[0].lines.iter().all(|l| !l.text.contains("complet")), "no completion counts");

        // Every manager in the quarter has one; Fred's says nothing happened.
        let all = report::manager_scorecards(&store, tenant, window, None, ReportDetail::Figures).await.expect("scorecards");
        let managers: Vec<&str> = all.iter().map(|c| c.manager_id.as_str()).collect();
        assert_eq!(managers.len(), 3, "{managers:?}");

        // The weekly digest carries the participation line.
        let atlas_team = store.team_by_name(tenant, "Atlas").await.expect("query").expect("Atlas");
        let card = cadence::service::digest::team_digest(&store, &atlas_team, utc("2026-11-30T09:00:00Z")).await.expect("digest");
        let text = cadence::domain::plain::card_text(&card);
        assert!(text.contains("1 of 2 rituals answered this week, median 1 h 40 min after the meeting."), "{text}");
    }

    admins_see_the_organisation_managers_their_own_scorecard_members_nothing(db) {
        let Some((app, _slack, _clock)) = history(db).await else { return };
        let org = said(&app, "UADMIN", "org").await;
        assert!(org.contains("Capability scoreboard, 2026Q4"), "{org}");
        assert!(org.contains("Capabilities at target: 2 of 3"), "{org}");
        assert!(org.find("Atlas").unwrap_or(usize::MAX) < org.find("Borealis").unwrap_or(0), "{org}");
        assert!(org.contains("1 team has no data yet"), "{org}");
        let sales = said(&app, "UADMIN", r#"org family:"account exec""#).await;
        assert!(sales.contains("Capabilities at target: 1 of 2 (quarter start: 0 of 1)"), "only run EBR counts: {sales}");

        for user in ["UBOB", "UALICE"] {
            let refused = said(&app, user, "org").await;
            assert!(refused.contains("Only admins see the organisation's scoreboard"), "{user}: {refused}");
        }
        let own = said(&app, "UALICE", "scorecard").await;
        assert!(own.contains("Scorecard: "), "{own}");
        assert!(own.contains("capabilities at target: 1 of 2"), "{own}");
        let other = said(&app, "UALICE", &format!("scorecard {}", at("UDAN"))).await;
        assert!(other.contains("Only admins see another manager's scorecard"), "{other}");
        assert!(!other.contains("Borealis"), "{other}");
        let by_admin = said(&app, "UADMIN", &format!("scorecard {}", at("UDAN"))).await;
        assert!(by_admin.contains("Borealis"), "{by_admin}");
        let member = said(&app, "UERIN", "scorecard").await;
        assert!(member.contains("You did not manage a team in 2026Q4"), "{member}");
        let later = said(&app, "UADMIN", "org quarter 2027Q2").await;
        assert!(later.contains("has not begun yet"), "{later}");
        let earlier = said(&app, "UADMIN", "org quarter 2026Q3").await;
        assert!(earlier.contains("Capabilities at target: 1 of 2"), "{earlier}");
    }

    cadence_report_prints_each_format_on_the_command_line(db) {
        let Some((app, _slack, _clock)) = history(db).await else { return };
        // The binary reads the real clock, so it is asked about 2026Q3, which is over: Atlas
        // set its targets and levels on 15 Sep; Borealis and Cobalt had nothing yet.
        let (csv, err, ok) = cadence_report(&app, &["org", "--quarter", "2026Q3", "--format", "csv"]);
        assert!(ok, "{err}");
        let rows: Vec<&str> = csv.lines().collect();
        assert!(rows[0].starts_with("quarter,as_of,team,has_data,risk,"), "{csv}");
        assert_eq!(rows.len(), 5, "header, three teams, total: {csv}");
        assert_eq!(rows[1], "2026Q3,2026-09-30,Atlas,true,8,0,0,2,1,2,2,2,0,0,0,0,0,4,0,0,,,,,,", "{csv}");
        assert!(rows[2].starts_with("2026Q3,2026-09-30,Borealis,false,"), "{csv}");
        assert!(rows[3].starts_with("2026Q3,2026-09-30,Cobalt,false,"), "{csv}");
        assert_eq!(rows[4], "2026Q3,2026-09-30,total,true,,0,0,2,1,2,2,2,0,0,0,0,0,4,0,0,,,,,,", "{csv}");

        let (json, err, ok) = cadence_report(&app, &["org", "--quarter", "2026q3", "--format", "json"]);
        assert!(ok, "{err}");
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(parsed["teams"][0]["team"], "Atlas");
        assert_eq!(parsed["total"]["at_target"], 1);

        let (html, err, ok) = cadence_report(&app, &["org", "--quarter", "2026Q3", "--format", "html"]);
        assert!(ok, "{err}");
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Capability scoreboard, 2026Q3"), "{html}");

        let (scorecard, err, ok) = cadence_report(&app, &["scorecard", "--quarter", "2026Q3", "--manager", "UALICE", "--evidence", "--format", "csv"]);
        assert!(ok, "{err}");
        assert!(scorecard.lines().next().unwrap_or_default().starts_with("quarter,as_of,manager_id,manager,team,measure,"), "{scorecard}");
        assert!(scorecard.contains("2026Q3,2026-09-30,UALICE,ualice,Atlas,people_at_mastery,run EBR,0,1,,2,"), "{scorecard}");
        assert!(scorecard.contains("ubob: run EBR → mastery"), "evidence rows: {scorecard}");

        let (text, err, ok) = cadence_report(&app, &["scorecard", "--quarter", "2026Q3"]);
        assert!(ok, "{err}");
        assert_eq!(text.matches("Scorecard: ").count(), 3, "Alice, Dan and Fred: {text}");

        let (_, err, ok) = cadence_report(&app, &["org", "--quarter", "2099Q1"]);
        assert!(!ok && err.contains("has not begun yet"), "{err}");
        let (_, err, ok) = cadence_report(&app, &["org", "--quarter", "Q4"]);
        assert!(!ok && err.contains("is not a quarter"), "{err}");
        let (_, err, ok) = cadence_report(&app, &["scorecard", "--manager", "UNOBODY"]);
        assert!(!ok && err.contains("has not seen user UNOBODY"), "{err}");
    }
}

/// Runs `cadence report …` against the app's database; stdout, stderr and success.
fn cadence_report(app: &TestApp, args: &[&str]) -> (String, String, bool) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("report")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("CADENCE_LOG_FORMAT", "text")
        .output()
        .expect("cadence report runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    use cadence::domain::clock::Clock;
    clock.now()
}
