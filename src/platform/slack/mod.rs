//! Slack: mrkdwn and Block Kit rendering, and Web API calls.

pub mod api;
pub mod blocks;
pub mod command_text;
pub mod mrkdwn;
pub mod sender;
pub mod users;
