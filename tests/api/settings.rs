//! `/cadence settings`: admins choose L&D's channel, the budgets' currency and what an
//! allocation over budget does; everyone else is refused; each workspace has its own.

use cadence::domain::settings::OverBudget;
use cadence::store::Store;

use crate::on_both_databases;

on_both_databases! {
    admins_choose_the_workspace_settings_and_nobody_else_can(app) {
        let shown = app.command("UADMIN", "settings").await;
        assert!(shown.text.contains("L&amp;D's channel: none yet"), "{}", shown.text);
        assert!(shown.text.contains("Budgets are kept in EUR"), "{}", shown.text);

        let saved = app.command("UADMIN", "settings learning-channel <#CLD|l-and-d> currency gbp").await;
        assert!(saved.text.starts_with("Saved."), "{}", saved.text);
        assert!(saved.text.contains("<#CLD>") && saved.text.contains("GBP"), "{}", saved.text);
        let saved = app.command("UADMIN", "settings over-budget request").await;
        assert!(saved.text.contains("becomes a request to L&amp;D"), "{}", saved.text);
        assert!(saved.text.contains("GBP"), "an unchanged setting stays: {}", saved.text);

        let refused = app.command("UBOB", "settings currency USD").await;
        assert!(refused.text.contains("Only workspace admins"), "{}", refused.text);

        let store = Store::connect(&app.db.url).await.expect("store");
        let now = chrono::Utc::now();
        let t1 = store.tenant(cadence::domain::Platform::Slack, "T1", now).await.expect("tenant");
        let t2 = store.tenant(cadence::domain::Platform::Slack, "T2", now).await.expect("tenant");
        let settings = store.settings(t1).await.expect("settings");
        assert_eq!((settings.ld_channel.as_deref(), settings.currency.as_str(), settings.over_budget), (Some("CLD"), "GBP", OverBudget::Request));
        assert_eq!(store.settings(t2).await.expect("settings"), Default::default(), "another workspace keeps the defaults");
    }
}
