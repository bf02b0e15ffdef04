//! Outbound adapters: rendering neutral text and cards for each platform, and calling the
//! platforms' APIs.

#[cfg(test)]
mod card_fixtures;
pub mod outbox;
pub mod slack;
pub mod teams;
pub mod terminal;
