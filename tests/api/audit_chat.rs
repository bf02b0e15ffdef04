//! `/cadence audit` in chat: the latest saved attention audit's top three with their binding
//! lines, for admins and managers only, and only the workspace's own.

use cadence::domain::Platform;
use cadence::inbound::slack::signature::sign;
use cadence::store::{SavedAudit, SavedRitual, Store};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::decisions::atlas;
use crate::helpers::{SECRET, TestApp};

/// An audit saved at `at` with three proposals, the first titled `first`.
fn proposals(at: &str, first: &str) -> SavedAudit {
    let ritual = |ordinal: i64, title: &str, kind: &str, command: &str| SavedRitual {
        id: 0,
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

/// Presses `action_id` on the audit card shown privately to `user` in CATLAS, as Slack sends it.
async fn press(app: &TestApp, user: &str, action_id: &str, action_ts: &str) -> reqwest::Response {
    let payload = json!({
        "type": "block_actions",
        "user": { "id": user, "username": user.to_lowercase(), "team_id": "T1" },
        "team": { "id": "T1", "domain": "acme" },
        "is_enterprise_install": false,
        "channel": { "id": "CATLAS", "name": "team-atlas" },
        "container": { "type": "message", "message_ts": "1700000000.000009", "channel_id": "CATLAS", "is_ephemeral": true },
        "trigger_id": "1.2.3",
        "actions": [ { "action_id": action_id, "block_id": "b1", "type": "button", "action_ts": action_ts } ]
    });
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
    let ts = Utc::now().timestamp();
    let headers = [
        ("x-slack-request-timestamp", ts.to_string()),
        ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
    ];
    app.post("/slack/interactions", &headers, &body).await
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

    a_manager_binds_a_proposal_with_a_click_once(app) {
        atlas(&app).await;
        save(&app, "T1", &proposals("2026-11-30T10:00:00Z", "Sales pipeline review")).await;
        let shown = app.command("UALICE", "audit").await;
        assert!(shown.text.contains("press Bind"), "{}", shown.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'audit-card:%' AND operation = 'ephemeral'").await, 1);
        let member = app.command("UBOB", "audit").await;
        assert!(member.text.contains("Only admins"), "{}", member.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'audit-card:%'").await, 1, "no card for members");

        let store = Store::connect(&app.db.url).await.expect("store");
        let tenant = store.find_tenant(Platform::Slack, "T1").await.expect("query").expect("tenant");
        let saved = store.latest_audit(tenant).await.expect("query").expect("audit");
        let first = format!("bind:{}", saved.rituals[0].id);
        let record = format!("\"record\":{}", saved.rituals[0].id);
        let card = app.count(&format!("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'audit-card:%' AND card LIKE '%{record}%'")).await;
        assert_eq!(card, 1, "the card's first Bind button names the first proposal");

        // A member's click is refused and records nothing.
        assert_eq!(press(&app, "UBOB", &first, "1700000001.1").await.status(), 200);
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals").await, 0);

        assert_eq!(press(&app, "UALICE", &first, "1700000002.1").await.status(), 200);
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'bind_ritual'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals WHERE name = 'Sales pipeline review' AND kind = 'pipeline' AND channel_id = 'CATLAS' AND paused = 0").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM ritual_triggers WHERE selector = 'ics:feed=victor:title~pipeline:ended'").await, 1);
        let listed = app.command("UALICE", "ritual list").await;
        assert!(listed.text.contains("Sales pipeline review"), "{}", listed.text);

        // The same click delivered again, or a second click, binds nothing more.
        press(&app, "UALICE", &first, "1700000002.1").await;
        press(&app, "UALICE", &first, "1700000003.1").await;
        app.drain().await;
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'bind_ritual'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals").await, 1);

        // Undo pauses the ritual again; the log keeps both.
        let undone = app.command("UALICE", "undo").await;
        assert!(undone.text.contains("Undone"), "{}", undone.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM rituals WHERE paused = 1").await, 1);
        store.close().await;
    }
}
