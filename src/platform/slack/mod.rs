//! Slack: mrkdwn and Block Kit rendering, and Web API calls.

pub(crate) mod api;
pub mod blocks;
pub mod command_text;
pub(crate) mod mrkdwn;
pub mod oauth;
pub(crate) mod sender;
pub mod tokens;
pub(crate) mod users;
