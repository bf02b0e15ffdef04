//! iCalendar (RFC 5545) reading and expansion: pure functions from `.ics` text to events, and
//! from events to the instances inside a window. No store, no HTTP: the attention audit uses it
//! on exported files, and calendar-feed triggers can use it on fetched ones.
//!
//! Two steps, each reporting what it skipped with the line to blame:
//!
//! ```
//! use cadence::calendar::{self, ExpandOptions, Window};
//! use chrono::{TimeZone, Utc};
//!
//! let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:retro-1\r\n\
//!             DTSTART;TZID=Europe/London:20260105T100000\r\nDURATION:PT1H\r\n\
//!             RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Sprint retro\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
//! let calendar = calendar::read(text);
//! assert!(calendar.diagnostics.is_empty());
//! let window = Window {
//!     start: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
//!     end: Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap(),
//! };
//! let expansion = calendar::expand(&calendar, window, &ExpandOptions::default());
//! assert_eq!(expansion.instances.len(), 3);
//! assert_eq!(expansion.instances[0].details.summary, "Sprint retro");
//! ```
//!
//! Crates do what they do well: `rrule` expands recurrence rules and `chrono-tz` holds the IANA
//! zones. Reading lines, VTIMEZONE rules, Windows zone names, overrides and exceptions are here.

mod content;
mod event;
mod expand;
mod model;
mod reader;
mod rule;
mod value;
mod vtimezone;
mod windows_zones;
mod zone;

pub use expand::{ExpandOptions, Expansion, Instance, Window, expand};
pub use model::{
    Calendar, Diagnostic, Event, EventDetails, EventEnd, ExtraDate, Moment, Person, Severity,
    Status, TimeRef,
};
pub use reader::read;
pub use rule::{Recurrence, Until};
pub use vtimezone::DefinedZone;
pub use windows_zones::iana_for_windows;
pub use zone::Zone;
