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
}
