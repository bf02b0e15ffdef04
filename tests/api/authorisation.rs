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

    members_may_request_tracks_but_not_decide_or_see_coverage(app) {
        atlas(&app).await;
        let answer = app.command("UBOB", r#"request track "Architecture lead""#).await;
        assert!(answer.text.contains("Asked *Atlas*'s managers"), "{}", answer.text);
        // Absences are a manager's decision, even one's own; coverage is the managers' view.
        let answer = app.command("UBOB", &format!("away {} 2099-12-24..2099-12-31", at("UBOB"))).await;
        assert!(answer.text.contains("Only the team's managers"), "{}", answer.text);
        let answer = app.command("UCAROL", "coverage").await;
        assert!(answer.text.contains("Only the team's managers can see the coverage"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'requested'").await, 1);
    }

    a_request_never_undoes_a_managers_decision(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", &format!(r#"approve {bob} track "Architecture lead""#)).await;
        let again = app.command("UBOB", r#"request track "Architecture lead""#).await;
        assert!(again.text.contains("You're already approved"), "{}", again.text);
        app.command("UCAROL", r#"request track "Architecture lead""#).await;
        let twice = app.command("UCAROL", r#"request track "architecture  LEAD""#).await;
        assert!(twice.text.contains("already waiting for a manager"), "{}", twice.text);
        // After a refusal a member may ask again.
        app.command("UALICE", &format!(r#"decline {} track "Architecture lead" "after Q1""#, at("UCAROL"))).await;
        let after = app.command("UCAROL", r#"request track "Architecture lead""#).await;
        assert!(after.text.contains("Asked *Atlas*'s managers"), "{}", after.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'approved'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 4);
    }

    a_manager_cannot_act_for_another_team(app) {
        atlas(&app).await;
        let beta = format!("team create Beta managers {} members {} channel <#CBETA|beta>", at("UERIN"), at("UFRANK"));
        app.command("UADMIN", &beta).await;
        let decisions = app.count("SELECT COUNT(*) FROM decisions").await;
        for text in [
            r#"target "run EBR" 9 team:Beta"#.to_owned(),
            format!(r#"level {} "run EBR" mastery team:Beta"#, at("UFRANK")),
            format!("team add {} team:Beta", at("UBOB")),
        ] {
            let answer = app.command("UALICE", &text).await;
            assert!(answer.text.contains("Only the team's managers"), "{text}\n→ {}", answer.text);
        }
        // Nor pull Beta's people into Atlas to set their levels from there.
        let answer = app.command("UALICE", &format!("team add {}", at("UFRANK"))).await;
        assert!(answer.text.contains("is in *Beta*"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, decisions);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_members WHERE left_at IS NULL").await, 5);
    }

    refused_and_invalid_commands_write_nobody_down(app) {
        atlas(&app).await;
        let people = app.count("SELECT COUNT(*) FROM people").await;
        app.command("UBOB", &format!(r#"level {} "run EBR" mastery"#, at("UNEWCOMER"))).await;
        app.command("UALICE", &format!(r#"level {} "run EBR" mastery"#, at("USTRANGER"))).await;
        app.command("UALICE", &format!(r#"level {} "no such thing" mastery"#, at("UBOB"))).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM people").await, people);
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
