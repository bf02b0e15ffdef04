//! `/cadence undo`: the author's own last decision in the team, reverted by a compensating
//! decision within a day; refused, with the reason, otherwise.

use std::sync::Arc;

use cadence::domain::clock::ManualClock;

use crate::decisions::atlas;
use crate::for_each_database;
use crate::helpers::{Db, TestApp, at};
use crate::slack_standin::SlackStandIn;

async fn level_of(app: &TestApp, user: &str) -> Option<String> {
    let rows = app
        .count(&format!(
            "SELECT COUNT(*) FROM person_levels l JOIN people p ON p.id = l.person_id \
             WHERE p.user_id = '{user}' AND l.level = 'mastery'"
        ))
        .await;
    let learning = app
        .count(&format!(
            "SELECT COUNT(*) FROM person_levels l JOIN people p ON p.id = l.person_id \
             WHERE p.user_id = '{user}' AND l.level = 'learning'"
        ))
        .await;
    match (rows, learning) {
        (1, 0) => Some("mastery".into()),
        (0, 1) => Some("learning".into()),
        _ => None,
    }
}

async fn start(db: Db) -> Option<(TestApp, Arc<ManualClock>, SlackStandIn)> {
    let slack = SlackStandIn::start().await;
    let clock = Arc::new(ManualClock::new(
        "2026-11-30T10:00:00Z".parse().expect("instant"),
    ));
    let app = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await?;
    atlas(&app).await;
    Some((app, clock, slack))
}

for_each_database! {
    undo_reverts_each_kind_of_effect_and_keeps_the_log(db) {
        let Some((app, clock, _slack)) = start(db).await else { return };
        let bob = at("UBOB");
        // A level: undo puts back the level it replaced.
        app.command("UALICE", &format!(r#"level {bob} "run EBR" learning"#)).await;
        clock.advance(chrono::Duration::minutes(1));
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery"#)).await;
        let answer = app.command("UALICE", "undo").await;
        assert!(answer.text.starts_with("Undone: the level of <@UBOB> in *run EBR* set to mastery"), "{}", answer.text);
        assert_eq!(level_of(&app, "UBOB").await.as_deref(), Some("learning"));
        // Undo again: the first level goes too, and with it the row.
        app.command("UALICE", "undo").await;
        assert_eq!(level_of(&app, "UBOB").await, None);
        assert_eq!(app.count("SELECT COUNT(*) FROM person_levels").await, 0);

        // Rows a decision added are removed or cancelled by its undo.
        for (command, table_count) in [
            (format!("away {bob} 2099-12-01..2099-12-14"), "SELECT COUNT(*) FROM absences"),
            (format!(r#"hours {bob} 6 sprint "Sprint 42""#), "SELECT COUNT(*) FROM learning_hours"),
            (format!(r#"intervene {bob} "run EBR" via "shadow Carol""#), "SELECT COUNT(*) FROM interventions WHERE status = 'planned'"),
            (r#"commission "EBR storyline" budget 500"#.to_owned(), "SELECT COUNT(*) FROM modules"),
            (r#"target "run EBR" 3"#.to_owned(), "SELECT COUNT(*) FROM team_targets"),
            (r#"mastery "run EBR" "two EBRs solo""#.to_owned(), "SELECT COUNT(*) FROM team_mastery_criteria"),
            ("sequence backend: testing &gt; observability".to_owned(), "SELECT COUNT(*) FROM sequence_steps"),
        ] {
            clock.advance(chrono::Duration::minutes(1));
            let answer = app.command("UALICE", &command).await;
            assert!(!answer.text.contains("Nothing was recorded"), "{command}: {}", answer.text);
            assert!(app.count(table_count).await > 0, "{command}");
            let answer = app.command("UALICE", "undo").await;
            assert!(answer.text.starts_with("Undone: "), "{command}: {}", answer.text);
            assert_eq!(app.count(table_count).await, 0, "{command} after undo");
        }
        // The log keeps every decision and every undo; each undo names what it reverted.
        let undos = app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'undo'").await;
        assert_eq!(undos, 9);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM decisions u JOIN decisions d ON d.id = u.reverts_decision_id WHERE u.kind = 'undo'").await,
            9
        );
    }

    undo_never_overwrites_someone_elses_newer_decision(db) {
        let Some((app, clock, _slack)) = start(db).await else { return };
        app.command("UADMIN", &format!("team managers {} {}", at("UALICE"), at("UERIN"))).await;
        app.command("UALICE", r#"target "run EBR" 2"#).await;
        clock.advance(chrono::Duration::minutes(1));
        app.command("UERIN", r#"target "run EBR" 5"#).await;
        // Alice's last decision is her target of 2; reverting it leaves Erin's 5 standing.
        let answer = app.command("UALICE", "undo").await;
        assert!(answer.text.starts_with("Undone: the target of 2"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_targets WHERE target = 5").await, 1);
        // Erin's own undo removes hers, and nothing stands.
        app.command("UERIN", "undo").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM team_targets").await, 0);
    }

    undo_refuses_with_the_reason(db) {
        let Some((app, clock, _slack)) = start(db).await else { return };
        let answer = app.command("UALICE", "undo").await;
        assert!(answer.text.contains("You have no decision in *Atlas* to undo"), "{}", answer.text);
        app.command("UALICE", r#"target "run EBR" 2"#).await;
        clock.advance(chrono::Duration::hours(25));
        let answer = app.command("UALICE", "undo").await;
        assert!(answer.text.contains("more than 24 hours ago"), "{}", answer.text);
        assert!(answer.text.contains("Nothing was recorded"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'undo'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_targets WHERE target = 2").await, 1);
        // Someone outside the team cannot undo anything in it.
        let answer = app.command("UOUTSIDER", "team:Atlas undo").await;
        assert!(answer.text.contains("You're not in *Atlas*"), "{}", answer.text);
        // `undo` takes no arguments.
        let answer = app.command("UALICE", "undo everything").await;
        assert!(answer.text.contains("Usage:"), "{}", answer.text);
    }

    a_member_may_withdraw_a_request_until_it_is_answered(db) {
        let Some((app, clock, _slack)) = start(db).await else { return };
        app.command("UBOB", r#"request track "Architecture lead""#).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'requested'").await, 1);
        let answer = app.command("UBOB", "undo").await;
        assert!(answer.text.starts_with("Undone: the request to enter the *Architecture lead* track"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments").await, 0);
        clock.advance(chrono::Duration::minutes(1));
        app.command("UBOB", r#"request track "Architecture lead""#).await;
        app.command("UALICE", &format!(r#"approve {} track "Architecture lead""#, at("UBOB"))).await;
        let answer = app.command("UBOB", "undo").await;
        assert!(answer.text.contains("has been answered already"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'approved'").await, 1);
    }
}
