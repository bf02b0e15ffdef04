//! Tracks made of the module library: a team's managers compose and reorder them from approved
//! modules only, set a pace for the track or one person, and people (or their managers) record
//! the modules they finished; `me` shows the progress; undo puts the state back.

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::on_both_databases;

async fn said(app: &TestApp, user: &str, text: &str) -> String {
    let answer = app.command(user, text).await;
    assert_eq!(answer.status, 200, "{text}");
    answer.text
}

on_both_databases! {
    managers_compose_tracks_from_approved_modules_and_people_record_progress(app) {
        atlas(&app).await;
        for title in ["EBR basics", "Discovery calls", "Running the EBR", "Old deck"] {
            let added = said(&app, "UADMIN", &format!(r#"module add "{title}" for "run EBR" hours 2"#)).await;
            assert!(!added.contains("Nothing was recorded"), "{added}");
        }
        said(&app, "UADMIN", r#"module retire "Old deck""#).await;
        said(&app, "UALICE", r#"commission "Pricing drills" budget 500 for "run EBR""#).await;
        let (bob, carol) = (at("UBOB"), at("UCAROL"));

        let refused = said(&app, "UBOB", r#"track "EBR lead" modules "EBR basics""#).await;
        assert!(refused.contains("Nothing was recorded") || refused.contains("can't"), "members do not compose: {refused}");
        let retired = said(&app, "UALICE", r#"track "EBR lead" modules "EBR basics" > "Old deck""#).await;
        assert!(retired.contains("Old deck") && retired.contains("is retired"), "{retired}");
        let unapproved = said(&app, "UALICE", r#"track "EBR lead" modules "Pricing drills""#).await;
        assert!(unapproved.contains("is not approved yet"), "{unapproved}");
        let missing = said(&app, "UALICE", r#"track "EBR lead" modules "Nope""#).await;
        assert!(missing.contains("no module called"), "{missing}");
        assert_eq!(app.count("SELECT COUNT(*) FROM track_modules").await, 0);

        let composed = said(&app, "UALICE", r#"track "EBR lead" modules "EBR basics" > "Discovery calls" > "Running the EBR" pace 1/sprint"#).await;
        assert!(composed.contains("1. EBR basics → 2. Discovery calls → 3. Running the EBR") && composed.contains("pace 1/sprint"), "{composed}");
        assert_eq!(app.count("SELECT COUNT(*) FROM track_modules").await, 3);

        let not_on = said(&app, "UALICE", &format!(r#"pace {bob} "EBR lead" 2/week"#)).await;
        assert!(not_on.contains("is not on the"), "{not_on}");
        said(&app, "UALICE", &format!(r#"approve {bob} track "EBR lead""#)).await;
        let paced = said(&app, "UALICE", &format!(r#"pace {bob} "EBR lead" 2/week"#)).await;
        assert!(paced.starts_with("Pace 2/week for <@UBOB>"), "{paced}");

        let first = said(&app, "UBOB", r#"done "EBR basics""#).await;
        assert!(first.contains("finished *EBR basics*"), "{first}");
        let again = said(&app, "UBOB", r#"done "ebr BASICS""#).await;
        assert!(again.contains("already"), "{again}");
        let elsewhere = said(&app, "UCAROL", r#"done "EBR basics""#).await;
        assert!(elsewhere.contains("is not on any track"), "{elsewhere}");
        let for_bob = said(&app, "UCAROL", &format!(r#"done {bob} "Discovery calls""#)).await;
        assert!(for_bob.contains("Nothing was recorded") && !for_bob.contains("finished"), "only managers record for others: {for_bob}");
        said(&app, "UALICE", &format!(r#"done {bob} "Discovery calls""#)).await;
        let me = said(&app, "UBOB", "me").await;
        assert!(me.contains("*EBR lead*: 2 of 3 modules done, next *Running the EBR* (pace 2/week)"), "{me}");
        // The team's digest says where people are on their tracks.
        let digest = said(&app, "UALICE", "digest").await;
        assert!(digest.contains("On a track: <@UBOB>, *EBR lead*: 2 of 3 modules done, next *Running the EBR* (pace 2/week)."), "{digest}");

        // Undo the manager's `done`: the completion goes, and with it the progress.
        let undone = said(&app, "UALICE", "undo").await;
        assert!(undone.contains("Undone"), "{undone}");
        let me = said(&app, "UBOB", "me").await;
        assert!(me.contains("1 of 3 modules done, next *Discovery calls*"), "{me}");

        let partial = said(&app, "UALICE", r#"track order "EBR lead" "Running the EBR" > "EBR basics""#).await;
        assert!(partial.contains("List every module of the track once"), "{partial}");
        let reordered = said(&app, "UALICE", r#"track order "EBR lead" "Running the EBR" > "EBR basics" > "Discovery calls""#).await;
        assert!(reordered.contains("1. Running the EBR → 2. EBR basics → 3. Discovery calls"), "{reordered}");
        let me = said(&app, "UBOB", "me").await;
        assert!(me.contains("next *Running the EBR*"), "the new order leads: {me}");

        // Another team's managers cannot change Atlas's track.
        said(&app, "UADMIN", &format!("team create Borealis managers {} channel <#CBOR|bor>", at("UDAN"))).await;
        let theirs = said(&app, "UDAN", r#"team:Borealis track "EBR lead" modules "EBR basics""#).await;
        assert!(theirs.contains("another team's track"), "{theirs}");
        let _ = carol;
    }
}
