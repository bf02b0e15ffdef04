//! Slack: mrkdwn and Block Kit rendering, and Web API calls.

pub(crate) mod api;
pub mod blocks;
pub mod command_text;
pub(crate) mod mrkdwn;
pub(crate) mod sender;
pub(crate) mod users;
