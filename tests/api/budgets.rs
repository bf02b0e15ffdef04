//! `/cadence budget`: admins set a team's learning-hours and spend budgets per quarter; `hours`
//! and `commission` draw them down and every answer says what is left; an allocation over budget
//! is refused with what is left. Concurrent allocations never overspend, and an allocation draws
//! from the quarter it is made in (UTC, on the service's clock).

use std::sync::Arc;

use cadence::domain::clock::ManualClock;
use cadence::domain::outcomes::Quarter;

use crate::decisions::atlas;
use crate::helpers::{TestApp, at};
use crate::slack_standin::SlackStandIn;
use crate::{for_each_database, on_both_databases};

fn this_quarter() -> String {
    Quarter::containing(chrono::Utc::now().date_naive()).to_string()
}

/// Hours drawn from Atlas's budgets, in hundredths, over every quarter.
async fn drawn(app: &TestApp, kind: &str) -> i64 {
    app.count(&format!(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM budget_draws WHERE drawn = '{kind}'"
    ))
    .await
}

on_both_databases! {
    admins_set_budgets_and_managers_draw_them_down(app) {
        atlas(&app).await;
        let q = this_quarter();
        let bob = at("UBOB");
        for who in ["UBOB", "UALICE"] {
            let refused = app.command(who, &format!("budget team:Atlas hours 10 spend 5000 quarter {q}")).await;
            assert!(refused.text.contains("Only workspace admins, owners and Cadence admins (L&amp;D) set budgets"), "{who}: {}", refused.text);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 0);
        let unset = app.command("UBOB", "budget").await;
        assert!(unset.text.contains("no budget set, so unlimited"), "{}", unset.text);

        let set = app.command("UADMIN", &format!("budget team:Atlas hours 10 spend 5,000 quarter {q}")).await;
        assert!(set.text.starts_with(&format!("Set the budget of *Atlas* for {q}: 10 learning hours and 5,000 EUR.")), "{}", set.text);
        assert!(set.text.contains(&format!("10 of 10 learning hours left in {q}")), "{}", set.text);

        let allocated = app.command("UALICE", &format!("hours {bob} 6")).await;
        assert!(allocated.text.starts_with("Allocated 6 learning hours to <@UBOB>"), "{}", allocated.text);
        assert!(allocated.text.ends_with(&format!(" 4 of 10 learning hours left in {q}.")), "{}", allocated.text);

        let over = app.command("UALICE", &format!("hours {} 5", at("UCAROL"))).await;
        assert_eq!(
            over.text,
            format!("That is over *Atlas*'s learning-hours budget for {q}: 4 of 10 learning hours left, and this asks for 5. Nothing was recorded.")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'hours'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours").await, 1);

        // Members see the budget; they do not allocate.
        let shown = app.command("UBOB", "budget").await;
        assert!(shown.text.contains(&format!("• Learning hours: 6 h used; 4 of 10 learning hours left in {q}")), "{}", shown.text);
        assert!(shown.text.contains(&format!("• Spend: 0 EUR used; 5,000 of 5,000 EUR left in {q}")), "{}", shown.text);
        let refused = app.command("UBOB", &format!("hours {bob} 1")).await;
        assert!(refused.text.contains("Only the team's managers"), "{}", refused.text);
        let outsider = app.command("UMALLORY", "budget team:Atlas").await;
        assert!(outsider.text.contains("Only the people of *Atlas* and workspace admins"), "{}", outsider.text);

        let commissioned = app.command("UALICE", r#"commission "EBR basics" budget 3000 for "run EBR""#).await;
        assert!(commissioned.text.ends_with(&format!(" 2,000 of 5,000 EUR left in {q}.")), "{}", commissioned.text);
        let too_dear = app.command("UALICE", r#"commission "EBR advanced" budget 2001"#).await;
        assert!(too_dear.text.starts_with(&format!("That is over *Atlas*'s spend budget for {q}: 2,000 of 5,000 EUR left, and this asks for 2,001.")), "{}", too_dear.text);
        assert_eq!(drawn(&app, "spend").await, 3000);
        let org = app.command("UADMIN", "org").await;
        assert!(org.text.contains("Budget used: 6 of 10 h, 3,000 of 5,000 EUR."), "{}", org.text);
        let digest = app.command("UALICE", "digest").await;
        assert!(digest.text.contains(&format!("Budget {q}: 6 of 10 h, 3,000 of 5,000 EUR used.")), "{}", digest.text);

        // Setting one figure keeps the other; undoing puts the earlier budget back.
        let raised = app.command("UADMIN", "budget hours 20").await;
        assert!(raised.text.contains(&format!("14 of 20 learning hours left in {q}")) && raised.text.contains("2,000 of 5,000 EUR"), "{}", raised.text);
        let undone = app.command("UADMIN", "undo").await;
        assert!(undone.text.starts_with(&format!("Undone: the {q} budget of 20 learning hours")), "{}", undone.text);
        let shown = app.command("UALICE", "budget").await;
        assert!(shown.text.contains(&format!("4 of 10 learning hours left in {q}")), "{}", shown.text);

        // An undone allocation gives back what it drew.
        let undone = app.command("UALICE", "undo").await;
        assert!(undone.text.starts_with("Undone: the commission of *EBR basics*"), "{}", undone.text);
        assert_eq!(drawn(&app, "spend").await, 0);
    }

    a_quarter_can_be_set_ahead_and_a_bad_one_is_refused(app) {
        atlas(&app).await;
        let set = app.command("UADMIN", "budget team:Atlas spend 1200 quarter 2099Q1").await;
        assert!(set.text.contains("Set the budget of *Atlas* for 2099Q1: 1,200 EUR."), "{}", set.text);
        assert!(set.text.contains("• Learning hours: no budget set, so unlimited"), "{}", set.text);
        let shown = app.command("UALICE", "budget quarter 2099q1").await;
        assert!(shown.text.contains("1,200 of 1,200 EUR left in 2099Q1"), "{}", shown.text);
        let bad = app.command("UADMIN", "budget team:Atlas hours 10 quarter 2099Q5").await;
        assert!(bad.text.contains("expected a quarter after `quarter`, like 2026Q4"), "{}", bad.text);
        let nothing = app.command("UADMIN", "budget team:Nowhere hours 10").await;
        assert!(nothing.text.contains("There's no team called *Nowhere*"), "{}", nothing.text);
        assert_eq!(app.count("SELECT COUNT(*) FROM decisions").await, 1);
    }
}

/// Allocations at the same moment, from requests served on two threads.
mod concurrent {
    use super::*;

    for_each_database! {
        twenty_allocations_at_once_against_a_budget_for_ten_record_exactly_ten(db) {
            let Some(app) = TestApp::spawn(db).await else { return };
            atlas(&app).await;
            app.command("UADMIN", &format!("budget team:Atlas hours 10 quarter {}", this_quarter())).await;
            let bob = at("UBOB");
            let asks: Vec<String> = (0..20).map(|n| format!(r#"hours {bob} 1 sprint "Sprint {n}""#)).collect();
            let answers = futures::future::join_all(asks.iter().map(|text| app.command("UALICE", text))).await;
            let recorded = answers.iter().filter(|a| a.text.starts_with("Allocated 1 learning hours")).count();
            let refused = answers.iter().filter(|a| a.text.starts_with("That is over *Atlas*'s learning-hours budget")).count();
            assert_eq!((recorded, refused), (10, 10), "{:#?}", answers.iter().map(|a| &a.text).collect::<Vec<_>>());
            assert_eq!(app.count("SELECT COUNT(*) FROM decisions WHERE kind = 'hours'").await, 10);
            assert_eq!(app.count("SELECT COUNT(*) FROM learning_hours").await, 10);
            assert_eq!(drawn(&app, "hours").await, 1000);
            let shown = app.command("UALICE", "budget").await;
            assert!(shown.text.contains("10 h used; 0 of 10 learning hours left"), "{}", shown.text);
        }
    }
}

/// Quarters read on a manual clock.
mod quarters {
    use super::*;

    for_each_database! {
        an_allocation_draws_from_the_quarter_it_is_made_in_by_utc(db) {
            let slack = SlackStandIn::start().await;
            let clock = Arc::new(ManualClock::new("2026-09-30T12:00:00Z".parse().expect("instant")));
            let Some(app) = TestApp::spawn_with_clock(db, &slack.base_url, clock.clone()).await else { return };
            atlas(&app).await;
            let bob = at("UBOB");
            app.command("UADMIN", "budget team:Atlas hours 5 quarter 2026Q3").await;
            app.command("UADMIN", "budget team:Atlas hours 10 quarter 2026Q4").await;
            let current = app.command("UALICE", "budget").await;
            assert!(current.text.contains("The budget of *Atlas* for 2026Q3:"), "{}", current.text);

            let q3 = app.command("UALICE", &format!(r#"hours {bob} 4 sprint "Sprint 41""#)).await;
            assert!(q3.text.ends_with(" 1 of 5 learning hours left in 2026Q3."), "{}", q3.text);
            // 00:30 on 1 October in London is still 30 September in UTC: the third quarter.
            clock.set("2026-09-30T23:30:00Z".parse().expect("instant"));
            let late = app.command("UALICE", &format!(r#"hours {bob} 2 sprint "Sprint 42""#)).await;
            assert!(late.text.starts_with("That is over *Atlas*'s learning-hours budget for 2026Q3: 1 of 5 learning hours left, and this asks for 2."), "{}", late.text);

            clock.set("2026-10-01T00:00:00Z".parse().expect("instant"));
            let q4 = app.command("UALICE", &format!(r#"hours {bob} 10 sprint "Sprint 42""#)).await;
            assert!(q4.text.ends_with(" 0 of 10 learning hours left in 2026Q4."), "{}", q4.text);
            let more = app.command("UALICE", &format!(r#"hours {bob} 0.5 sprint "Sprint 42""#)).await;
            assert!(more.text.contains("for 2026Q4: 0 of 10 learning hours left, and this asks for 0.5."), "{}", more.text);

            let q3 = app.command("UALICE", "budget quarter 2026Q3").await;
            assert!(q3.text.contains("4 h used; 1 of 5 learning hours left in 2026Q3"), "{}", q3.text);
            let q1 = app.command("UALICE", "budget quarter 2027Q1").await;
            assert!(q1.text.contains("no budget set, so unlimited (0 h used so far)"), "{}", q1.text);
            assert_eq!(app.count("SELECT COUNT(*) FROM budget_draws WHERE quarter = '2026Q3'").await, 1);
            assert_eq!(app.count("SELECT COUNT(*) FROM budget_draws WHERE quarter = '2026Q4'").await, 1);
        }
    }
}

/// The store on its own: allocations written in one transaction count each other.
mod together {
    use cadence::domain::DecisionSource;
    use cadence::domain::budget::Drawn;
    use cadence::domain::command::Hours;
    use cadence::domain::decision::{BudgetSet, Decision, HoursAllocated, NewDecision, PeriodKind};
    use cadence::domain::ids::{PersonId, TeamId, TenantId};
    use cadence::store::{NewTeam, Store, StoreError};

    use super::*;
    use crate::helpers::TestDb;

    fn decision(
        tenant: TenantId,
        team: TeamId,
        actor: PersonId,
        decision: Decision,
    ) -> NewDecision {
        NewDecision {
            tenant,
            team: Some(team),
            actor,
            subject: Some(actor),
            capability: None,
            occurrence: None,
            channel: None,
            source: DecisionSource::Api,
            decision,
            follow_up: None,
            idempotency_key: None,
            at: chrono::Utc::now(),
            roster: None,
        }
    }

    for_each_database! {
        allocations_recorded_together_count_each_other(db) {
            let Some(test_db) = TestDb::new(db).await else { return };
            let store = Store::connect(&test_db.url).await.expect("connect");
            store.migrate().await.expect("migrate");
            let now = chrono::Utc::now();
            let tenant = store.tenant(cadence::domain::Platform::Slack, "T1", now).await.expect("tenant");
            let manager = store.person(tenant, "UM", Some("manager"), now).await.expect("person");
            let team = store
                .create_team(tenant, NewTeam { name: "Atlas", tz: chrono_tz::Tz::UTC, home_channel: None, managers: &[manager.id], members: &[] }, now)
                .await
                .expect("team");
            let quarter = Quarter::containing(now.date_naive());
            let budget = BudgetSet::new(quarter, Some(Hours { centi: 200 }), None).expect("budget");
            store.record(&decision(tenant, team.id, manager.id, Decision::Budget(budget))).await.expect("budget set");
            let hour = || {
                let allocated = HoursAllocated::new("UM", Hours { centi: 100 }, PeriodKind::Sprint, "S1").expect("hours");
                decision(tenant, team.id, manager.id, Decision::Hours(allocated))
            };
            match store.record_all(&[hour(), hour(), hour()]).await {
                Err(StoreError::OverBudget(short)) => {
                    assert_eq!((short.drawn, short.budget, short.used, short.asked), (Drawn::Hours, 200, 200, 100));
                }
                other => panic!("three hours against a budget of two: {other:?}"),
            }
            let used = store.budget_use(tenant, team.id, quarter).await.expect("use");
            assert_eq!(used.hours_used_centi, 0, "nothing of the refused three stays");
            store.record_all(&[hour(), hour()]).await.expect("two fit");
            let used = store.budget_use(tenant, team.id, quarter).await.expect("use");
            assert_eq!((used.hours_centi, used.hours_used_centi), (Some(200), 200));
            store.close().await;
        }
    }
}
