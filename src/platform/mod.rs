//! The chat platforms: everything Slack- or Teams-shaped that both sides of an adapter share.
//!
//! Each platform's folder holds its API client, its renderer of the neutral card model (Block
//! Kit, Adaptive Cards) and its text markup, and the encoding of card actions together with their
//! decoding, so what changes together lives together. Inbound routes read requests with it; the
//! outbox sends through it.

#[cfg(test)]
mod card_fixtures;
pub mod slack;
pub mod teams;
