//! Inbound adapters: one module per source. Each verifies the request on its raw bytes, then
//! translates it into the domain's terms, persists or runs it, and acknowledges. Each adapter
//! offers its own `router()`; the application merges them.

mod chat;
pub(crate) mod health;
pub(crate) mod hooks;
pub(crate) mod listen;
pub(crate) mod metrics;
mod request_id;
pub mod slack;
mod state;
pub mod teams;
pub mod verify;

pub(crate) use request_id::ProcessRequestIds;
pub use state::{AppState, Shared};

/// The largest request body accepted. Slack's payloads are a few KiB; anything near this is not
/// from a platform.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest interaction payload accepted: a `view_submission` carries its whole view (up to
/// 100 blocks, `static_select`s of up to 100 options of 75 + 150 characters each), and
/// form-encoding then inflates the JSON, so a legitimate QBR form exceeds 64 KiB.
pub const MAX_INTERACTION_BYTES: usize = 1024 * 1024;
