//! Who may do what: admins set up, a team's managers decide, members read their own profile,
//! request tracks and record their own absences. A refusal records nothing.

use crate::decisions::atlas;
use crate::helpers::at;
use crate::on_both_databases;

on_both_databases! {
    members_cannot_decide_for_the_team(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        let carol = at("UCAROL");
        for text in [
            format!(r#"level {carol} "run EBR" mastery"#),
            format!(r#"level {bob} "run EBR" mastery"#),
            format!(r#"gap {carol} testing"#),
            format!(r#"approve {bob} track "Architecture lead""#),
            r#"target "run EBR" 9"#.to_owned(),
            format!("away {carol} 2099-12-01"),
            format!("team add {}", at("UMALLORY")),
        ] {
            let answer = app.command("UBOB", &text).await;
            assert_eq!(answer.status, 200, "{text}");
            assert!(answer.text.contains("Only the team's managers"), "{text}\n→ {}", answer.text);
            assert!(answer.text.contains("Ask <@UALICE>"), "{text}\n→ {}", answer.text);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_members WHERE left_at IS NULL").await, 3);
    }

    outsiders_cannot_touch_a_team(app) {
        atlas(&app).await;
        let answer = app.command("UMALLORY", r#"request track "Architecture lead""#).await;
        assert!(answer.text.contains("You're not in *Atlas*"), "{}", answer.text);
        let answer = app.command("UMALLORY", "coverage").await;
        assert!(answer.text.contains("Only the team's managers"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
    }

    members_may_request_tracks_and_record_their_own_absence(app) {
        atlas(&app).await;
        let answer = app.command("UBOB", r#"request track "Architecture lead""#).await;
        assert!(answer.text.contains("Asked *Atlas*'s managers"), "{}", answer.text);
        let answer = app.command("UBOB", &format!("away {} 2099-12-24..2099-12-31", at("UBOB"))).await;
        assert!(answer.text.contains("is away from 2099-12-24 to 2099-12-31"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'requested'").await, 1);
    }

    only_admins_create_teams_and_only_admins_or_managers_add_capabilities(app) {
        let answer = app.command("UBOB", "team create Rogue").await;
        assert!(answer.text.contains("Only workspace admins, owners and Cadence admins"), "{}", answer.text);
        let answer = app.command("UBOB", "capability add juggling").await;
        assert!(answer.text.contains("Only workspace admins"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM capabilities").await, 0);
        atlas(&app).await;
        // A configured admin may act for any team.
        let answer = app.command("UADMIN", r#"target "run EBR" 2"#).await;
        assert!(answer.text.contains("aims for 2 people"), "{}", answer.text);
    }
}
