//! Workspaces are sealed from each other: a correctly signed request from workspace B can neither
//! read nor change workspace A's data, even when it names A's team, channel and people.

use crate::decisions::atlas;
use crate::helpers::at;
use crate::on_both_databases;

on_both_databases! {
    another_workspace_cannot_read_or_change_atlas(app) {
        atlas(&app).await;
        let bob = at("UBOB");
        app.command("UALICE", r#"target "run EBR" 4"#).await;
        app.command("UALICE", &format!(r#"level {bob} "run EBR" mastery"#)).await;
        let before = app.count("SELECT COUNT(*) FROM decisions").await;

        // Same user ids, same channel id, same team name — different workspace.
        let attempts = [
            ("UALICE", "CATLAS", "coverage".to_owned(), "isn't a team's home channel"),
            ("UALICE", "CATLAS", "coverage team:Atlas".to_owned(), "no team called *Atlas*"),
            ("UALICE", "CATLAS", format!(r#"level {bob} "run EBR" none team:Atlas"#), "no team called *Atlas*"),
            ("UADMIN", "CATLAS", format!("team add {} team:Atlas", at("UEVE")), "no team called *Atlas*"),
            ("UBOB", "CATLAS", "me".to_owned(), "No levels recorded yet."),
        ];
        for (user, channel, text, expected) in attempts {
            let answer = app.command_in("T2", channel, user, &text).await;
            assert!(answer.text.contains(expected), "{text}\n→ {}", answer.text);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, before);
        assert_eq!(app.count("SELECT COUNT(*) FROM person_levels WHERE level = 'mastery'").await, 1);

        // Workspace B may have its own Atlas; A's is untouched and still answers the same.
        let b = app.command_in("T2", "CATLAS", "UADMIN", "team create Atlas").await;
        assert!(b.text.contains("Created team *Atlas*"), "{}", b.text);
        let a = app.command("UALICE", "coverage").await;
        assert!(a.text.contains("*run EBR*: 1 of 4"), "{}", a.text);
        let b = app.command_in("T2", "CATLAS", "UADMIN", "coverage").await;
        assert!(b.text.contains("No targets set"), "{}", b.text);
    }

    org_wide_installs_are_one_tenant_across_workspaces(app) {
        // An Enterprise Grid org-wide install: workspaces T1 and T3 of organisation E1 share data.
        let org = |team: &str, user: &str, text: &str| {
            let mut body = crate::helpers::command_body(team, "CATLAS", user, text);
            body = body.replace("is_enterprise_install=false", "is_enterprise_install=true");
            body.push_str("&enterprise_id=E1&enterprise_name=Acme");
            body
        };
        let send = |body: String| {
            let app = &app;
            async move {
                let ts = chrono::Utc::now().timestamp();
                let signature = cadence::inbound::slack::signature::sign(crate::helpers::SECRET, ts, body.as_bytes());
                let headers = [("x-slack-request-timestamp", ts.to_string()), ("x-slack-signature", signature)];
                app.post("/slack/commands", &headers, &body).await.text().await.expect("body")
            }
        };
        let created = send(org("T1", "UADMIN", "team create Atlas")).await;
        assert!(created.contains("Created team *Atlas*"), "{created}");
        let seen = send(org("T3", "UADMIN", "coverage team:Atlas")).await;
        assert!(seen.contains("Coverage in Atlas"), "{seen}");
        assert_eq!(app.count("SELECT COUNT(*) FROM tenants WHERE external_id = 'E1'").await, 1);
        // The same workspace without the org-wide install is a tenant of its own.
        let alone = app.command_in("T1", "CATLAS", "UADMIN", "coverage team:Atlas").await;
        assert!(alone.text.contains("no team called *Atlas*"), "{}", alone.text);
    }
}
