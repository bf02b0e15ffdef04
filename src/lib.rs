//! Cadence: a chat-ops bot for Slack and Microsoft Teams that puts capability planning inside the
//! rituals a team already runs. See `README.md` and design.md for the product; this crate is the
//! whole service, with `main.rs` as a thin command-line edge.
//!
//! Layout follows the architecture: [`inbound`] adapters verify and translate requests,
//! [`service`] runs the use cases over the [`domain`], [`store`] persists, [`outbound`] renders
//! and talks to the platforms, and [`app`] wires them into one server. [`apply`] is configuration
//! as code: `cadence apply cadence.toml`. [`calendar`] reads iCalendar files and expands their
//! recurring events, with no store or HTTP of its own; [`audit`] is the attention audit built on
//! it (`cadence audit PATH…`). [`catalogue`] brings modules into the library in bulk, from an
//! LMS's CSV export (`cadence import modules`) or `cadence.toml`. [`demo`] plays one sprint
//! against the real server and loopback stand-ins of the platforms (`cadence demo`).

pub mod app;
pub mod apply;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod config;
pub mod crypto;
pub mod demo;
pub mod domain;
pub(crate) mod error;
pub mod healthcheck;
pub mod inbound;
pub(crate) mod outbound;
pub mod platform;
pub mod report;
pub mod scheduler;
pub mod service;
pub mod store;
pub mod telemetry;
