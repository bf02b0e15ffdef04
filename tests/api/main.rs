//! Black-box tests: the real server on loopback, driven with signed requests as Slack sends
//! them, on SQLite and (when `CADENCE_TEST_DATABASE_URL` is set) on PostgreSQL.

// Helpers outside #[test] functions may panic: that is a failing test, which is what we want.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod feed_standin;
mod helpers;
mod replica_checks;
mod replica_set;
mod slack_events;
mod slack_install;
mod slack_standin;
mod teams_standin;

mod apply;
mod audit_chat;
mod authorisation;
mod budget_requests;
mod budgets;
mod cards;
mod catalogue;
mod commissions;
mod crash;
mod decisions;
mod demo;
mod event_passes;
mod export;
mod fault;
mod feeds;
mod forget;
mod health;
mod hostile;
mod library;
mod limits;
mod outcomes;
mod pace_reminders;
mod pacing;
mod persistence;
mod process;
mod prompts;
mod replicas;
mod rituals;
mod rosters;
mod scheduler;
mod settings;
mod signatures;
mod store;
mod teams;
mod teams_auth;
mod teams_budgets;
mod teams_commissions;
mod teams_connector;
mod tenancy;
mod tenant_sources;
mod tracks_of_modules;
mod undo;
mod wording;
mod workspace_admins;

#[test]
fn reports_which_databases_run() {
    match std::env::var("CADENCE_TEST_DATABASE_URL") {
        Ok(_) => eprintln!("API suite: running on SQLite and PostgreSQL"),
        Err(_) => eprintln!(
            "API suite: CADENCE_TEST_DATABASE_URL is not set, so only the SQLite runs are real; \
             the postgres:: tests return early"
        ),
    }
}
