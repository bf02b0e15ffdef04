//! A decision may take its channel's team and roster from the server's memory; the write checks
//! that the roster has not changed since. These tests change rosters behind the server's back,
//! as another replica or `cadence apply` would, and check that every answer is still the one
//! the stored roster gives.

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::on_both_databases;

/// Sets `user`'s role in every team, directly in the database.
async fn set_role(app: &TestApp, user: &str, role: &str) {
    let changed = app
        .execute(&format!(
            "UPDATE team_members SET role = '{role}' \
             WHERE person_id = (SELECT id FROM people WHERE user_id = '{user}')"
        ))
        .await
        .expect("role changed");
    assert_eq!(changed, 1);
}

async fn level(app: &TestApp, author: &str, subject: &str, n: u32) -> String {
    let text = format!(
        r#"level {} "run EBR" practising "evidence {n}""#,
        at(subject)
    );
    app.command(author, &text).await.text
}

on_both_databases! {
    a_manager_demoted_elsewhere_cannot_decide_from_memory(app) {
        atlas(&app).await;
        // The first decision reads the roster and keeps it.
        assert!(level(&app, "UALICE", "UBOB", 1).await.starts_with("Set"));
        set_role(&app, "UALICE", "member").await;
        let answer = level(&app, "UALICE", "UCAROL", 2).await;
        assert!(answer.contains("Only the team's managers"), "{answer}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 1);
    }

    a_member_promoted_elsewhere_decides_at_once(app) {
        atlas(&app).await;
        assert!(level(&app, "UALICE", "UBOB", 1).await.starts_with("Set"));
        let refused = level(&app, "UBOB", "UCAROL", 2).await;
        assert!(refused.contains("Only the team's managers"), "{refused}");
        set_role(&app, "UBOB", "manager").await;
        let answer = level(&app, "UBOB", "UCAROL", 3).await;
        assert!(answer.starts_with("Set"), "{answer}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 2);
    }

    a_decision_made_with_a_roster_changed_since_is_recorded_once_against_the_new_one(app) {
        atlas(&app).await;
        assert!(level(&app, "UALICE", "UBOB", 1).await.starts_with("Set"));
        let version = "SELECT roster_version FROM tenants";
        let before = app.count(version).await;
        // A change that leaves Alice's right intact still moves the version on, so the write
        // refuses the remembered roster and the command runs again against the stored one.
        set_role(&app, "UCAROL", "manager").await;
        assert_eq!(app.count(version).await, before + 1);
        let answer = level(&app, "UALICE", "UCAROL", 2).await;
        assert!(answer.starts_with("Set"), "{answer}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 2);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM person_levels WHERE level = 'practising'").await,
            2
        );
    }

    a_member_who_left_elsewhere_is_no_longer_decided_about(app) {
        atlas(&app).await;
        assert!(level(&app, "UALICE", "UBOB", 1).await.starts_with("Set"));
        let left = app
            .execute(
                "UPDATE team_members SET left_at = 1 \
                 WHERE person_id = (SELECT id FROM people WHERE user_id = 'UBOB')",
            )
            .await
            .expect("left");
        assert_eq!(left, 1);
        let answer = level(&app, "UALICE", "UBOB", 2).await;
        assert!(answer.contains("isn't in *Atlas*"), "{answer}");
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 1);
    }

    another_replica_sees_a_roster_change_made_through_the_first(app) {
        atlas(&app).await;
        let other = app.another_instance().await;
        // Both replicas remember the roster.
        assert!(level(&app, "UALICE", "UBOB", 1).await.starts_with("Set"));
        let answer = app.command_via(&other, "UALICE", &format!(r#"level {} "run EBR" mastery"#, at("UCAROL"))).await;
        assert!(answer.text.starts_with("Set"), "{}", answer.text);
        // The first replica removes Carol; the second must not record about her.
        let removed = app.command("UALICE", &format!("team remove {}", at("UCAROL"))).await;
        assert!(!removed.text.contains("Nothing was"), "{}", removed.text);
        let answer = app.command_via(&other, "UALICE", &format!(r#"level {} "run EBR" learning"#, at("UCAROL"))).await;
        assert!(answer.text.contains("isn't in *Atlas*"), "{}", answer.text);
        other.stop().await;
    }
}
