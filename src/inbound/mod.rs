//! Inbound adapters: one module per source. Each verifies the request on its raw bytes, then
//! translates it into the domain's terms, persists or runs it, and acknowledges.

pub mod hook_routes;
pub mod hooks;
pub mod metrics;
pub mod slack;
pub mod teams;
pub mod verify;
