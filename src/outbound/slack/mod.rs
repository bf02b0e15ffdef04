//! Slack: mrkdwn rendering and Web API calls.

pub mod mrkdwn;
pub mod users;
