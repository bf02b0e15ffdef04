//! The domain: Cadence's words and rules, free of HTTP, SQL and any chat platform.
//!
//! Adapters translate platform payloads into these types; the store persists them; renderers
//! turn neutral [`text::Text`] into Slack mrkdwn or Teams markdown.

pub mod card;
pub mod clock;
pub mod command;
pub mod coverage;
pub mod decision;
pub mod digest;
pub mod event;
pub mod home;
pub mod ids;
pub mod limits;
pub mod model;
pub mod names;
pub mod percent;
pub mod plain;
pub mod prompt;
pub mod ritual;
pub mod schedule;
pub mod similar;
pub mod text;

pub use model::{DecisionKind, DecisionSource, Level, Platform, name_key};
