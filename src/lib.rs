//! Cadence: a chat-ops bot for Slack and Microsoft Teams that puts capability planning inside the
//! rituals a team already runs.

pub mod domain;
pub mod store;
