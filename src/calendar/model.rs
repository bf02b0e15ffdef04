//! What a calendar file says, after reading and before expansion: events with their times as
//! written (a date, or wall-clock digits with a reference to their zone), the zones the file
//! defines, and the diagnostics for everything that was skipped or guessed.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::rule::Recurrence;
use super::zone::Zone;

/// Which zone wall-clock digits are in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TimeRef {
    /// The value ended in `Z`.
    Utc,
    /// No zone: the calendar's X-WR-TIMEZONE, or the reader's default.
    Floating,
    /// `TZID=…`, resolved through [`Calendar::zones`].
    Tzid(Arc<str>),
}

/// A DATE or DATE-TIME property value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moment {
    /// A whole day (`VALUE=DATE`).
    Date(NaiveDate),
    /// Wall-clock digits in a zone.
    Local(NaiveDateTime, TimeRef),
}

impl Moment {
    /// Whether this is a whole day.
    pub fn is_date(&self) -> bool {
        matches!(self, Moment::Date(_))
    }
}

/// How an event ends, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventEnd {
    /// `DTEND`.
    At(Moment),
    /// `DURATION`.
    After(Duration),
    /// Neither: a day for all-day events, nothing for timed ones (RFC 5545 §3.6.1).
    Default,
}

/// An extra instance from `RDATE`: a start, or a start and end (`VALUE=PERIOD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraDate {
    /// When it starts.
    pub start: Moment,
    /// When it ends, for a period.
    pub end: Option<Moment>,
}

/// A person named by `ORGANIZER` or `ATTENDEE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The address without `mailto:`, lower case; empty when the value had none.
    pub email: String,
    /// `CN`, the display name, if given.
    pub name: Option<String>,
    /// `PARTSTAT` upper case (`ACCEPTED`, `DECLINED`…), if given.
    pub partstat: Option<String>,
    /// `CUTYPE` upper case (`INDIVIDUAL`, `ROOM`, `RESOURCE`…), if given.
    pub cutype: Option<String>,
}

impl Person {
    /// Whether this is a room or a resource rather than a person.
    pub fn is_resource(&self) -> bool {
        matches!(self.cutype.as_deref(), Some("ROOM" | "RESOURCE"))
    }
}

/// `STATUS` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// `CONFIRMED`, or no status.
    Confirmed,
    /// `TENTATIVE`.
    Tentative,
    /// `CANCELLED`.
    Cancelled,
}

/// What describes an event, shared by all its instances.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct EventDetails {
    /// `SUMMARY`, unescaped.
    pub summary: String,
    /// `DESCRIPTION`, unescaped.
    pub description: String,
    /// `LOCATION`, unescaped.
    pub location: String,
    /// `ORGANIZER`.
    pub organizer: Option<Person>,
    /// Every `ATTENDEE`.
    pub attendees: Vec<Person>,
    /// `TRANSP:TRANSPARENT`: shown as free time.
    pub transparent: bool,
}

/// One VEVENT as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `UID`; a made-up `line-N` when the event had none (reported).
    pub uid: Arc<str>,
    /// `DTSTART`.
    pub start: Moment,
    /// `DTEND`, `DURATION` or neither.
    pub end: EventEnd,
    /// `RRULE`, read.
    pub rule: Option<Recurrence>,
    /// `RDATE` values.
    pub rdates: Vec<ExtraDate>,
    /// `EXDATE` values.
    pub exdates: Vec<Moment>,
    /// `RECURRENCE-ID`: this VEVENT overrides one instance of the series with the same UID.
    pub recurrence_id: Option<Moment>,
    /// `STATUS`.
    pub status: Status,
    /// `SEQUENCE`, 0 when absent.
    pub sequence: i64,
    /// Summary, description, people.
    pub details: Arc<EventDetails>,
    /// The physical line of `BEGIN:VEVENT`.
    pub line: usize,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something was left out (a line, a value, an event).
    Skipped,
    /// Read, but with a guess the reader should know about.
    Warning,
}

/// Something the reader or the expander skipped or guessed, with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The 1-based physical line, when one is to blame.
    pub line: Option<usize>,
    /// Skipped or warning.
    pub severity: Severity,
    /// What and why, for a person.
    pub message: String,
}

impl Diagnostic {
    /// Something skipped at `line`.
    pub fn skipped(line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            line: Some(line),
            severity: Severity::Skipped,
            message: message.into(),
        }
    }

    /// A guess made at `line`.
    pub fn warning(line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            line: Some(line),
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.severity {
            Severity::Skipped => "skipped",
            Severity::Warning => "warning",
        };
        match self.line {
            Some(line) => write!(f, "line {line}: {what}: {}", self.message),
            None => write!(f, "{what}: {}", self.message),
        }
    }
}

/// A whole calendar file as read.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Every VEVENT that could be read, in file order.
    pub events: Vec<Event>,
    /// Each TZID the events use, resolved to a zone (IANA, Windows name or the file's VTIMEZONE).
    pub zones: HashMap<Arc<str>, Zone>,
    /// `X-WR-CALNAME`, Google's and Apple's calendar name.
    pub name: Option<String>,
    /// `X-WR-TIMEZONE`, resolved: the zone of floating times.
    pub floating_zone: Option<Zone>,
    /// `PRODID`, which tells the exporter.
    pub product: Option<String>,
    /// What was skipped or guessed, in line order.
    pub diagnostics: Vec<Diagnostic>,
}
