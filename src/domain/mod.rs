//! The domain: Cadence's words and rules, free of HTTP, SQL and any chat platform.
//!
//! Adapters translate platform payloads into these types; the store persists them; renderers
//! turn neutral [`text::Text`] into Slack mrkdwn or Teams markdown.

pub mod budget;
pub mod card;
pub mod clock;
pub mod command;
pub mod commission;
pub(crate) mod coverage;
pub mod decision;
pub(crate) mod digest;
pub mod erasure;
pub mod event;
pub(crate) mod home;
pub mod ids;
pub mod library;
pub(crate) mod limits;
pub mod model;
pub mod names;
pub mod outcomes;
pub mod pace;
pub mod percent;
pub mod plain;
pub(crate) mod prompt;
pub(crate) mod proposals;
pub mod ritual;
pub(crate) mod schedule;
pub mod settings;
pub(crate) mod similar;
pub mod text;

pub use model::{DecisionKind, DecisionSource, Level, Platform, name_key};
