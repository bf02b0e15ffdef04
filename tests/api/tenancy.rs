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
}
