//! `/cadence audit` in chat: the latest saved attention audit's top three with their binding
//! lines, for admins and managers only, and only the workspace's own.

use cadence::domain::Platform;
use cadence::store::{SavedAudit, SavedRitual, Store};
use chrono::{DateTime, Utc};

use crate::decisions::atlas;
use crate::helpers::TestApp;

/// An audit saved at `at` with three proposals, the first titled `first`.
fn proposals(at: &str, first: &str) -> SavedAudit {
    let ritual = |ordinal: i64, title: &str, kind: &str, command: &str| SavedRitual {
        ordinal,
        title: title.to_owned(),
        kind: kind.to_owned(),
        why: vec![
            "recurring weekly, 4 managers".to_owned(),
            "6.0 manager-hours a week".to_owned(),
        ],
        command: command.to_owned(),
    };
    SavedAudit {
        saved_at: at.parse::<DateTime<Utc>>().expect("instant"),
        window: "2026-09-07 to 2026-11-29".to_owned(),
        rituals: vec![
            ritual(
                1,
                first,
                "pipeline",
                r#"ritual add pipeline on ics:feed=victor:title~pipeline:ended name "Sales pipeline review""#,
            ),
            ritual(
                2,
                "Sprint retro",
                "retro",
                "ritual add retro on ics:feed=alice:title~retro:ended",
            ),
            ritual(
                3,
                "QBR",
                "QBR",
                "ritual add qbr on ics:feed=dana:title~qbr:ended",
            ),
        ],
    }
}

async fn save(app: &TestApp, workspace: &str, audit: &SavedAudit) {
    let store = Store::connect(&app.db.url).await.expect("store");
    let tenant = store
        .tenant(Platform::Slack, workspace, Utc::now())
        .await
        .expect("tenant");
    store.save_audit(tenant, audit).await.expect("saved");
}

crate::on_both_databases! {
    managers_and_admins_see_the_latest_audit_members_are_refused(app) {
        atlas(&app).await;
        let none = app.command("UALICE", "audit").await;
        assert!(none.text.contains("No attention audit has been saved"), "{}", none.text);

        save(&app, "T1", &proposals("2026-11-01T10:00:00Z", "Old pipeline")).await;
        save(&app, "T1", &proposals("2026-11-30T10:00:00Z", "Sales <!channel> pipeline *review*")).await;
        // Another workspace's newer audit is not this one's.
        save(&app, "T2", &proposals("2026-12-01T10:00:00Z", "Someone else's meeting")).await;

        let shown = app.command("UALICE", "audit").await;
        assert_eq!(shown.status, 200);
        assert_eq!(shown.response_type, "ephemeral");
        let text = &shown.text;
        assert!(text.contains("Attention audit of 2026-09-07 to 2026-11-29, saved 2026-11-30"), "{text}");
        assert!(text.contains("ritual add pipeline on ics:feed=victor:title~pipeline:ended"), "{text}");
        assert!(text.contains("ritual add qbr on ics:feed=dana:title~qbr:ended"), "{text}");
        assert!(text.contains("recurring weekly, 4 managers"), "{text}");
        assert!(!text.contains("Old pipeline") && !text.contains("Someone else"), "{text}");
        assert!(!text.contains("<!channel>"), "titles are escaped: {text}");
        let order: Vec<usize> = ["1. ", "2. ", "3. "].iter().map(|n| text.find(n).expect("numbered")).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");

        let admin = app.command("UADMIN", "audit").await;
        assert!(admin.text.contains("Sprint retro"), "{}", admin.text);

        let member = app.command("UBOB", "audit").await;
        assert!(member.text.contains("Only admins and team managers"), "{}", member.text);
        assert!(!member.text.contains("ritual add"), "{}", member.text);
        let stranger = app.command("UNOBODY", "audit").await;
        assert!(stranger.text.contains("Only admins and team managers"), "{}", stranger.text);
    }
}
