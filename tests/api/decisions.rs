//! Every subcommand, valid and invalid, end to end: what the author is told and what is stored.

use crate::helpers::{TestApp, at};
use crate::on_both_databases;

/// Sets up workspace T1: team Atlas in channel CATLAS managed by UALICE, with members UBOB and
/// UCAROL, and capabilities "run EBR" and "architecture trade-offs".
pub async fn atlas(app: &TestApp) {
    let create = format!(
        "team create Atlas managers {} members {} {} tz Europe/London channel <#CATLAS|team-atlas>",
        at("UALICE"),
        at("UBOB"),
        at("UCAROL")
    );
    let answer = app.command("UADMIN", &create).await;
    assert!(
        answer.text.starts_with("Created team *Atlas*"),
        "{}",
        answer.text
    );
    for add in [
        r#"capability add "run EBR" "runs an executive business review end to end" family:"account exec""#,
        r#"capability add "architecture trade-offs" "weighs options and records an ADR""#,
        r#"capability add testing"#,
        r#"capability add observability"#,
    ] {
        let answer = app.command("UALICE", add).await;
        assert!(
            answer.text.starts_with("Added capability"),
            "{add}: {}",
            answer.text
        );
    }
}

async fn decisions(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM decisions").await
}

on_both_databases! {
    a_replayed_command_is_answered_as_the_first_and_recorded_once(app) {
        atlas(&app).await;
        // The identical signed bytes, twenty times at once, within the signature's window.
        let body = crate::helpers::command_body("T1", "CATLAS", "UALICE", &format!(r#"level {} "run EBR" mastery "ran Globex EBR solo""#, at("UBOB")));
        let ts = app.now().timestamp();
        let headers = [
            ("x-slack-request-timestamp", ts.to_string()),
            ("x-slack-signature", cadence::inbound::slack::signature::sign(crate::helpers::SECRET, ts, body.as_bytes())),
        ];
        let sends: Vec<_> = (0..20).map(|_| app.post("/slack/commands", &headers, &body)).collect();
        let mut answers = Vec::new();
        for response in futures::future::join_all(sends).await {
            assert_eq!(response.status(), 200);
            answers.push(response.text().await.expect("body"));
        }
        assert!(answers.iter().all(|a| a == &answers[0]), "every copy is answered as the first: {answers:?}");
        assert!(answers[0].contains("Set <@UBOB> at *mastery*"), "{}", answers[0]);
        assert_eq!(decisions(&app).await, 1, "recorded once");
        // A new request (other bytes, so another signature) is a new decision.
        app.command("UALICE", &format!(r#"level {} "run EBR" mastery "ran Initech EBR solo""#, at("UBOB"))).await;
        assert_eq!(decisions(&app).await, 2);
    }

    every_decision_command_is_recorded_with_its_effect(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        let carol = at("UCAROL");
        let cases: Vec<(String, &str, &str)> = vec![
            (format!(r#"gap {bob} "architecture trade-offs""#), "gap", "Logged a skill gap for <@UBOB>"),
            (format!(r#"coach {bob} "run EBR" "lost the pricing thread on Acme call""#), "coach", "Captured a coaching moment"),
            (format!(r#"intervene {bob} "architecture trade-offs" via "ADR pairing with {carol}" by 2099-12-15"#), "intervene", "Planned an intervention"),
            (format!(r#"level {bob} "run EBR" mastery "ran Globex EBR solo""#), "level", "Set <@UBOB> at *mastery* in *run EBR*"),
            (format!(r#"certify {carol} "run EBR" "AWS SA cert""#), "certify", "Certified <@UCAROL>"),
            (format!(r#"approve {bob} track "Architecture lead""#), "approve_track", "Approved <@UBOB>"),
            (format!(r#"decline {carol} track "Architecture lead" "revisit after Q1""#), "decline_track", "Declined <@UCAROL>"),
            (r#"sequence backend: testing &gt; observability &gt; "architecture trade-offs""#.to_owned(), "sequence", "testing → observability → architecture trade-offs"),
            (format!(r#"hours {bob} 6 sprint "Sprint 42""#), "hours", "Allocated 6 learning hours"),
            (r#"mastery "run EBR" "two EBRs end to end, no escalation""#.to_owned(), "mastery", "mastery of *run EBR* now means"),
            (r#"target "run EBR" 4"#.to_owned(), "target", "aims for 4 people"),
            (format!("away {bob} 2099-12-01..2099-12-14"), "absence", "is away from 2099-12-01 to 2099-12-14"),
            (r#"commission "competitive positioning vs Initech" budget 2000"#.to_owned(), "commission", "Commissioned a module"),
        ];
        for (i, (text, kind, confirmation)) in cases.iter().enumerate() {
            let answer = app.command("UALICE", text).await;
            assert_eq!(answer.status, 200, "{text}");
            assert_eq!(answer.response_type, "ephemeral", "{text}");
            assert!(answer.text.contains(confirmation), "{text}\n→ {}", answer.text);
            assert_eq!(decisions(&app).await, i as i64 + 1, "{text}");
            let stored = app
                .count(&format!("SELECT COUNT(*) FROM decisions WHERE kind = '{kind}' AND source = 'slash_command'"))
                .await;
            assert_eq!(stored, 1, "{kind}");
        }
        // Each decision's effect landed with it.
        assert_eq!(app.count("SELECT COUNT(*) FROM person_levels WHERE level = 'mastery'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM interventions WHERE due_on = '2099-12-15'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'approved'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM track_enrolments WHERE status = 'declined'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM sequence_steps").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours WHERE hours_centi = 600").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_mastery_criteria").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM team_targets WHERE target = 4").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM absences WHERE starts_on = '2099-12-01'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM modules WHERE status = 'commissioned' AND budget = 2000").await, 1);
        // The free text with a mention inside quotes was stored as plain text.
        assert_eq!(app.count("SELECT COUNT(*) FROM interventions WHERE means = 'ADR pairing with @ucarol'").await, 1);
    }

    people_who_left_the_team_no_longer_count(app) {
        atlas(&app).await;
        app.command("UALICE", r#"target "run EBR" 2"#).await;
        app.command("UALICE", &format!(r#"level {} "run EBR" mastery"#, at("UBOB"))).await;
        app.command("UALICE", &format!(r#"level {} "run EBR" mastery"#, at("UCAROL"))).await;
        let before = app.command("UALICE", r#"coverage "run EBR""#).await;
        assert!(before.text.contains("2 of 2 at mastery available (100%)"), "{}", before.text);
        let removed = app.command("UALICE", &format!("team remove {}", at("UBOB"))).await;
        assert_eq!(removed.status, 200, "{}", removed.text);
        let after = app.command("UALICE", r#"coverage "run EBR""#).await;
        assert!(after.text.contains("1 of 2 at mastery available (50%)"), "{}", after.text);
        assert!(after.text.contains("single point of failure") && !after.text.contains("ubob"), "{}", after.text);
    }

    coverage_reports_masters_against_targets(app) {
        atlas(&app).await;
        let (bob, carol) = (at("UBOB"), at("UCAROL"));
        app.command("UALICE", r#"target "run EBR" 4"#).await;
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery"#)).await;
        app.command("UALICE", &format!(r#"level {carol} "run EBR" practising"#)).await;
        app.command("UALICE", r#"target "architecture trade-offs" 2"#).await;
        app.command("UALICE", &format!(r#"level {carol} "architecture trade-offs" mastery"#)).await;
        app.command("UALICE", &format!(r#"level {bob} "architecture trade-offs" mastery"#)).await;

        let answer = app.command("UALICE", "coverage").await;
        // The team and its levels are new today, so everything is a change since last week.
        assert!(answer.text.contains("*run EBR*: 1 of 4 at mastery available (25%), ▲1 since last week — *single point of failure*"), "{}", answer.text);
        assert!(answer.text.contains("*architecture trade-offs*: 2 of 2 at mastery available (100%), ▲2 since last week"), "{}", answer.text);
        assert!(answer.text.contains("1 of 2 targets met today; 1 single point of failure."), "{}", answer.text);

        // An absence covering today removes a master from today's coverage.
        let today = chrono::Utc::now().date_naive();
        app.command("UALICE", &format!("away {bob} {today}..{}", today + chrono::Duration::days(2))).await;
        let answer = app.command("UALICE", r#"coverage "architecture trade-offs""#).await;
        assert!(answer.text.contains("1 of 2 at mastery available (50%)"), "{}", answer.text);
        assert!(answer.text.contains("away today: ubob"), "{}", answer.text);

        let all = app.command("UALICE", "coverage").await;
        assert!(all.text.contains("*run EBR*: 0 of 4 at mastery available (0%)"), "{}", all.text);
    }

    levels_are_corrected_by_new_decisions_never_edits(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery"#)).await;
        app.command("UALICE", &format!(r#"level {bob} "run EBR" practising "too early""#)).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM person_levels WHERE level = 'practising'").await, 1);
        // The log refuses edits and deletions at the database itself.
        assert!(app.execute("UPDATE decisions SET kind = 'gap'").await.is_err());
        assert!(app.execute("DELETE FROM decisions").await.is_err());
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'level'").await, 2);
    }

    invalid_commands_explain_and_record_nothing(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        let cases: Vec<(String, &str)> = vec![
            ("levle @bob x mastery".to_owned(), "help"),
            (format!(r#"level {bob} "run EBR" expert"#), "/cadence level"),
            (format!(r#"intervene {bob} "run EBR" via "pairing" by tomorrow"#), "/cadence intervene"),
            (format!(r#"away {bob} 2099-12-14..2099-12-01"#), "/cadence away"),
            (format!(r#"hours {bob} -3"#), "/cadence hours"),
            (r#"target "run EBR" four"#.to_owned(), "/cadence target"),
            (r#"gap "run EBR""#.to_owned(), "/cadence gap"),
            (r#"mastery "run EBR"#.to_owned(), "/cadence mastery"),
            ("gap @nobody testing".to_owned(), "/cadence gap"),
            // Parsed, but names something that isn't there.
            (format!(r#"level {bob} "run EBRs" mastery"#), "Did you mean *run EBR*?"),
            (format!(r#"level {} "run EBR" mastery"#, at("UZED")), "isn't in *Atlas*"),
            (format!(r#"intervene {bob} "run EBR" via "pairing" by 2001-01-01"#), "in the past"),
            (format!(r#"away {bob} 2099-01-01..2100-06-01"#), "at most 366"),
            (r#"sequence backend: testing &gt; knitting &gt; juggling"#.to_owned(), "knitting, juggling"),
            (r#"target "run EBR" 4 team:Nowhere"#.to_owned(), "no team called *Nowhere*"),
        ];
        for (text, hint) in cases {
            let answer = app.command("UALICE", &text).await;
            assert_eq!(answer.status, 200, "{text}");
            assert_eq!(answer.response_type, "ephemeral", "{text}");
            assert!(answer.text.contains(hint), "{text}\n→ {}", answer.text);
            assert!(answer.text.contains("Nothing was recorded"), "{text}\n→ {}", answer.text);
        }
        assert_eq!(decisions(&app).await, 0);
    }

    help_lists_every_subcommand_and_explains_one(app) {
        let all = app.command("UBOB", "help").await;
        for sub in ["gap", "coach", "intervene", "level", "approve", "decline", "sequence", "hours",
                    "mastery", "target", "away", "commission", "coverage", "me", "team create", "capability add"] {
            assert!(all.text.contains(&format!("`/cadence {sub}")), "help lacks {sub}: {}", all.text);
        }
        let one = app.command("UBOB", "help intervene").await;
        assert!(one.text.contains("via"), "{}", one.text);
        let empty = app.command("UBOB", "").await;
        assert!(empty.text.contains("/cadence gap"), "{}", empty.text);
    }

    me_shows_levels_tracks_and_absences(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery "ran Globex EBR solo""#)).await;
        app.command("UBOB", r#"request track "Architecture lead" "I want to lead design reviews""#).await;
        app.command("UALICE", &format!("away {bob} 2099-12-01..2099-12-14")).await;
        let me = app.command("UBOB", "me").await;
        assert!(me.text.contains("Teams: Atlas"), "{}", me.text);
        assert!(me.text.contains("*run EBR*: mastery — ran Globex EBR solo"), "{}", me.text);
        assert!(me.text.contains("Track *Architecture lead*: requested, waiting for a manager"), "{}", me.text);
        assert!(me.text.contains("Away 2099-12-01 to 2099-12-14"), "{}", me.text);
    }

    team_membership_changes_from_chat(app) {
        atlas(&app).await;
        let dan = at("UDAN");
        let erin = at("UERIN");
        let add = app.command("UALICE", &format!("team add {dan}")).await;
        assert!(add.text.contains("Added to *Atlas*: <@UDAN>"), "{}", add.text);
        app.command("UALICE", &format!(r#"level {dan} "run EBR" learning"#)).await;
        assert_eq!(decisions(&app).await, 1);
        let remove = app.command("UALICE", &format!("team remove {dan}")).await;
        assert!(remove.text.contains("Removed from *Atlas*"), "{}", remove.text);
        let refused = app.command("UALICE", &format!(r#"level {dan} "run EBR" mastery"#)).await;
        assert!(refused.text.contains("isn't in *Atlas*"), "{}", refused.text);
        // Hand the team to new managers: alice stays as a member and loses decision rights.
        let managers = app.command("UALICE", &format!("team managers {erin}")).await;
        assert!(managers.text.contains("Managers of *Atlas*"), "{}", managers.text);
        let alice_now = app.command("UALICE", r#"target "run EBR" 2"#).await;
        assert!(alice_now.text.contains("Only the team's managers"), "{}", alice_now.text);
        let erin_now = app.command("UERIN", r#"target "run EBR" 2"#).await;
        assert!(erin_now.text.contains("aims for 2 people"), "{}", erin_now.text);
    }

    team_scoping_by_name_works_from_any_channel(app) {
        atlas(&app).await;
        let answer = app.command_in("T1", "CRANDOM", "UALICE", r#"target "run EBR" 3 team:Atlas"#).await;
        assert!(answer.text.contains("aims for 3 people"), "{}", answer.text);
        // A manager of exactly one team doesn't need to name it anywhere.
        let answer = app.command_in("T1", "DM123", "UALICE", r#"target "run EBR" 5"#).await;
        assert!(answer.text.contains("aims for 5 people"), "{}", answer.text);
        // A duplicate team name or a taken channel is refused.
        let dup = app.command("UADMIN", "team create atlas").await;
        assert!(dup.text.contains("Couldn't create"), "{}", dup.text);
    }
}
