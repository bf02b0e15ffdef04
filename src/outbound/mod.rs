//! Outbound adapters: rendering neutral text and cards for each platform, and calling the
//! platforms' APIs.

pub mod outbox;
pub mod slack;
pub mod teams_connector;
