//! What people read: percentages round half up, the same in every view.

use crate::decisions::atlas;
use crate::helpers::at;
use crate::on_both_databases;

on_both_databases! {
    two_of_three_is_sixty_seven_percent_in_coverage_and_the_digest(app) {
        atlas(&app).await;
        app.command("UALICE", r#"target "run EBR" 3"#).await;
        for person in ["UBOB", "UCAROL"] {
            let answer = app.command("UALICE", &format!(r#"level {} "run EBR" mastery"#, at(person))).await;
            assert!(answer.text.contains("Set"), "{}", answer.text);
        }
        let coverage = app.command("UALICE", "coverage").await;
        assert!(coverage.text.contains("2 of 3 at mastery available (67%)"), "{}", coverage.text);
        let digest = app.command("UALICE", "digest").await;
        assert!(digest.text.contains("2/3 at mastery (67%)"), "{}", digest.text);
        assert!(!digest.text.contains("66%"), "{}", digest.text);
    }

    look_alike_and_invisible_names_are_refused_and_names_are_stored_nfc(app) {
        atlas(&app).await;
        let before = app.count("SELECT COUNT(*) FROM capabilities").await;
        for (typed, shown) in [("run \u{202E}EBR", "U+202E"), ("run\u{200B} EBR", "U+200B")] {
            let answer = app.command("UADMIN", &format!(r#"capability add "{typed}""#)).await;
            assert!(answer.text.contains(shown) && answer.text.contains("Nothing was changed"), "{}", answer.text);
        }
        // A Cyrillic Е renders exactly as the Latin E of the existing "run EBR".
        let answer = app.command("UADMIN", "capability add \"run \u{0415}BR\"").await;
        assert!(answer.text.contains("looks the same as the existing capability *run EBR*"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM capabilities").await, before, "nothing was added");
        // A decomposed é is stored composed (NFC), so it is one name however it was typed.
        let answer = app.command("UADMIN", "capability add \"cafe\u{0301} ops\"").await;
        assert!(answer.text.contains("Added capability"), "{}", answer.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM capabilities WHERE name = 'caf\u{00E9} ops'").await, 1);
        let again = app.command("UADMIN", "capability add \"caf\u{00E9} ops\"").await;
        assert!(again.text.contains("already has"), "{}", again.text);
        // Teams are names people create too.
        let team = app.command_in("T1", "CBETA", "UADMIN", "team create \u{0410}tlas").await;
        assert!(team.text.contains("looks the same as the existing team *Atlas*"), "{}", team.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM teams").await, 1);
    }
}
