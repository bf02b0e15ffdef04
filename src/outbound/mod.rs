//! Outbound: the outbox worker, the only code that posts anything. It speaks to each chat
//! platform through that platform's [`crate::platform::Sender`], and never names a platform.

pub(crate) mod outbox;
mod pacing;
