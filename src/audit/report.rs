//! The audit's result, one typed value that every format renders: text, JSON (this struct as
//! it is), CSV and HTML. Hours are per week of the window; "manager-hours" count a meeting once
//! for each manager in it, "meeting hours" once.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::activity::RitualActivity;
use super::kind::MeetingKind;
use super::owner::IdentifiedBy;
use super::rules::Classification;
use super::series::{Cadence, Skipped};
use crate::calendar::{Diagnostic, Status, Window};

/// The whole audit.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The instants meetings had to start between.
    pub window: Window,
    /// The window's length in weeks.
    pub weeks: f64,
    /// Totals over everything.
    pub totals: Totals,
    /// The organisation's hours per meeting kind, largest first.
    pub kinds: Vec<KindReport>,
    /// Each manager.
    pub managers: Vec<ManagerReport>,
    /// Each series, by manager-hours, largest first.
    pub series: Vec<SeriesReport>,
    /// The three rituals to attach capability planning to first.
    pub top: Vec<Recommendation>,
    /// What did not count as meeting time.
    pub skipped: Skipped,
    /// Each file read, with what was skipped in it.
    pub files: Vec<FileReport>,
    /// Every instance in the window, per file, when asked for (`--instances`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<InstanceRow>>,
}

/// Totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Files read.
    pub files: usize,
    /// Managers recognised.
    pub managers: usize,
    /// Instances in the window, all files together (a shared meeting once per file).
    pub instances: usize,
    /// Meetings counted, each once.
    pub meetings: usize,
    /// Series.
    pub series: usize,
    /// Series that recur.
    pub recurring_series: usize,
    /// Manager-hours in meetings per week.
    pub manager_hours_per_week: f64,
    /// Meeting hours per week, each meeting once.
    pub meeting_hours_per_week: f64,
}

/// The organisation's time in one kind of meeting.
#[derive(Debug, Clone, Serialize)]
pub struct KindReport {
    /// The kind.
    pub kind: MeetingKind,
    /// Its label.
    pub label: &'static str,
    /// Manager-hours per week.
    pub hours_per_week: f64,
    /// Meeting hours per week, each meeting once.
    pub meeting_hours_per_week: f64,
    /// Share of all manager-hours in meetings.
    pub share: f64,
    /// Series of this kind.
    pub series: usize,
    /// Managers with at least one such meeting.
    pub managers: usize,
}

/// One manager's week.
#[derive(Debug, Clone, Serialize)]
pub struct ManagerReport {
    /// Address or name the calendar was recognised by.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The feed name used in `ics:feed=NAME`.
    pub feed: String,
    /// How the calendar was recognised.
    pub identified_by: IdentifiedBy,
    /// The files that are this manager's.
    pub files: Vec<String>,
    /// Hours in meetings per week.
    pub hours_per_week: f64,
    /// Per kind, largest first.
    pub kinds: Vec<ShareOf<MeetingKind>>,
    /// Per series (by key), largest first.
    pub series: Vec<ShareOf<String>>,
}

/// Hours per week of one thing within a whole, and its share of the whole.
#[derive(Debug, Clone, Serialize)]
pub struct ShareOf<T> {
    /// What.
    pub of: T,
    /// Hours per week.
    pub hours_per_week: f64,
    /// Share of the whole.
    pub share: f64,
}

/// One series across the organisation.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesReport {
    /// `uid:UID` for a recurring series, `title:ORGANIZER|TITLE` for repeated one-offs.
    pub key: String,
    /// Its most common title.
    pub title: String,
    /// Its kind, rule and reason.
    pub classification: Classification,
    /// How often it meets.
    pub cadence: Cadence,
    /// Whether it comes from a recurrence rule.
    pub recurring: bool,
    /// Meetings in the window.
    pub occurrences: usize,
    /// Typical length in minutes (median).
    pub minutes: u32,
    /// Typical number of people (median).
    pub attendees: u32,
    /// The organizer's address.
    pub organizer: Option<String>,
    /// Ids of the managers whose calendars hold it.
    pub managers: Vec<String>,
    /// Manager-hours per week.
    pub hours_per_week: f64,
    /// Meeting hours per week.
    pub meeting_hours_per_week: f64,
    /// Share of the organisation's manager-hours in meetings.
    pub share: f64,
    /// What Cadence recorded for it, when given.
    pub activity: Option<RitualActivity>,
    /// The ranking score (0 for kinds Cadence does not attach to).
    pub score: f64,
}

/// A ritual to attach capability planning to, and how.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// 1, 2 or 3.
    pub rank: usize,
    /// The series' key.
    pub series: String,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: MeetingKind,
    /// Why, one reason a line.
    pub why: Vec<String>,
    /// The chat command that binds it.
    pub command: String,
    /// The same as a `cadence.toml` block (under the team's `[[teams]]`).
    pub toml: String,
    /// The score it ranked by.
    pub score: f64,
}

/// One file read.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Its path, as given.
    pub path: String,
    /// The manager it belongs to.
    pub manager: String,
    /// VEVENTs read.
    pub events: usize,
    /// Instances in the window.
    pub instances: usize,
    /// Cancelled instances left out.
    pub cancelled: usize,
    /// What was skipped or guessed, with lines.
    pub diagnostics: Vec<Diagnostic>,
}

/// One instance, for checking expansion against another implementation.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceRow {
    /// The file.
    pub file: String,
    /// The manager.
    pub manager: String,
    /// UID.
    pub uid: String,
    /// RECURRENCE-ID as an instant, for instances of a series.
    pub recurrence_id: Option<DateTime<Utc>>,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Whole day.
    pub all_day: bool,
    /// Status.
    pub status: Status,
    /// Summary.
    pub summary: String,
}
