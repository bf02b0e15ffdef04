//! Expansion: a calendar's events become the instances that start inside a window.
//!
//! A series (one UID without RECURRENCE-ID) gives its DTSTART, its RRULE's starts and its
//! RDATEs, less its EXDATEs; a VEVENT with the same UID and a RECURRENCE-ID replaces the
//! instance that would have started then (moved, retitled, or cancelled with
//! STATUS:CANCELLED). Starts are wall-clock times in the event's zone until the last step, so a
//! weekly 10:00 meeting stays at 10:00 local across a DST change in either hemisphere.
//!
//! Instances are matched by instant: an EXDATE or RECURRENCE-ID written in UTC or in another
//! zone still removes the right instance. All-day instances are dates, placed at 00:00 UTC.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Serialize;

use super::model::{Calendar, Diagnostic, Event, EventDetails, EventEnd, Moment, Status, TimeRef};
use super::zone::Zone;

/// Extra wall-clock margin around the window when asking a rule for starts: any zone's offset
/// is within a day of UTC, and starts outside the window are dropped again by instant.
const MARGIN_DAYS: i64 = 2;

/// The half-open range `[start, end)` instances must start in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// The first instant included.
    pub start: DateTime<Utc>,
    /// The first instant no longer included.
    pub end: DateTime<Utc>,
}

impl Window {
    /// Whether `at` falls inside.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

/// Choices for expansion.
#[derive(Debug, Clone, Default)]
pub struct ExpandOptions {
    /// The zone for floating times when the file has no X-WR-TIMEZONE (UTC if `None`).
    pub default_zone: Option<Zone>,
    /// Keep cancelled instances (with their status) instead of leaving them out.
    pub include_cancelled: bool,
}

/// One instance of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    /// The event's UID.
    pub uid: Arc<str>,
    /// For an instance of a series: when it was meant to start (its RECURRENCE-ID).
    pub recurrence_id: Option<DateTime<Utc>>,
    /// When it starts (00:00 UTC of the date for all-day instances).
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Whether it is a whole-day instance.
    pub all_day: bool,
    /// Its status (an override's, when it has one).
    pub status: Status,
    /// Summary, description, organizer, attendees.
    #[serde(flatten)]
    pub details: Arc<EventDetails>,
}

/// The instances in a window and what expansion had to skip.
#[derive(Debug, Clone, Default)]
pub struct Expansion {
    /// Instances ordered by start, then UID.
    pub instances: Vec<Instance>,
    /// Rules that could not be expanded, duplicates, runaways.
    pub diagnostics: Vec<Diagnostic>,
    /// Cancelled instances left out.
    pub cancelled: usize,
}

/// How long an instance lasts: in wall-clock terms, or exactly.
#[derive(Debug, Clone, Copy)]
enum Span {
    Wall(Duration),
    Exact(Duration),
}

/// Expands every event of `calendar` into the instances that start in `window`.
pub fn expand(calendar: &Calendar, window: Window, options: &ExpandOptions) -> Expansion {
    let mut out = Expansion::default();
    let floating = calendar
        .floating_zone
        .clone()
        .or_else(|| options.default_zone.clone())
        .unwrap_or(Zone::Utc);
    let zones = Zones { calendar, floating };
    let (masters, overrides) = group(calendar, &zones, &mut out.diagnostics);
    for master in masters.values() {
        let replaced = overrides.get(master.uid.as_ref());
        series(master, replaced, &zones, window, &mut out);
    }
    for by_rid in overrides.values() {
        for (rid, event) in by_rid {
            if let Some(instance) = single(event, Some(*rid), &zones, window) {
                out.instances.push(instance);
            }
        }
    }
    if !options.include_cancelled {
        let before = out.instances.len();
        out.instances.retain(|i| i.status != Status::Cancelled);
        out.cancelled += before - out.instances.len();
    }
    out.instances
        .sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    out
}

/// Resolves the zones of a calendar's times.
struct Zones<'a> {
    calendar: &'a Calendar,
    floating: Zone,
}

impl Zones<'_> {
    /// The zone of `time`; a floating time inside a zoned event takes the event's zone.
    fn of(&self, time: &TimeRef, event_zone: Option<&Zone>) -> Zone {
        match time {
            TimeRef::Utc => Zone::Utc,
            TimeRef::Floating => event_zone.cloned().unwrap_or_else(|| self.floating.clone()),
            TimeRef::Tzid(tzid) => self
                .calendar
                .zones
                .get(tzid)
                .cloned()
                .unwrap_or_else(|| self.floating.clone()),
        }
    }

    /// The zone an event's DTSTART is in (UTC for dates, which are placed at 00:00 UTC).
    fn of_start(&self, event: &Event) -> Zone {
        match &event.start {
            Moment::Date(_) => Zone::Utc,
            Moment::Local(_, time) => self.of(time, None),
        }
    }

    /// The instant of a moment; dates are 00:00 UTC.
    fn instant(&self, moment: &Moment, event_zone: &Zone) -> DateTime<Utc> {
        match moment {
            Moment::Date(day) => midnight(*day).and_utc(),
            Moment::Local(at, time) => self.of(time, Some(event_zone)).to_utc(*at),
        }
    }
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

fn wall(moment: &Moment) -> NaiveDateTime {
    match moment {
        Moment::Date(day) => midnight(*day),
        Moment::Local(at, _) => *at,
    }
}

/// Series masters by UID, and overrides by UID and RECURRENCE-ID; a duplicate keeps the
/// highest SEQUENCE (the later one on a tie), as calendar clients do.
type Overrides<'a> = HashMap<&'a str, HashMap<DateTime<Utc>, &'a Event>>;

fn group<'a>(
    calendar: &'a Calendar,
    zones: &Zones<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (HashMap<&'a str, &'a Event>, Overrides<'a>) {
    let mut masters: HashMap<&str, &Event> = HashMap::new();
    let mut overrides: Overrides<'a> = HashMap::new();
    for event in &calendar.events {
        let slot = match &event.recurrence_id {
            None => masters.entry(event.uid.as_ref()),
            Some(rid) => {
                let zone = zones.of_start(event);
                let rid = zones.instant(rid, &zone);
                let by_rid = overrides.entry(event.uid.as_ref()).or_default();
                match by_rid.get(&rid) {
                    Some(kept) if kept.sequence > event.sequence => {}
                    Some(_) | None => {
                        by_rid.insert(rid, event);
                    }
                }
                continue;
            }
        };
        match slot {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(event);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                diagnostics.push(Diagnostic::warning(
                    event.line,
                    format!(
                        "UID {} also starts a VEVENT at line {}; the one with the higher SEQUENCE is used",
                        event.uid,
                        o.get().line
                    ),
                ));
                if event.sequence >= o.get().sequence {
                    o.insert(event);
                }
            }
        }
    }
    (masters, overrides)
}

/// How long instances of `event` last.
fn span(event: &Event, zones: &Zones<'_>, zone: &Zone, diagnostics: &mut Vec<Diagnostic>) -> Span {
    let span = match (&event.start, &event.end) {
        (Moment::Date(_), EventEnd::Default) => Span::Wall(Duration::days(1)),
        (_, EventEnd::Default) => Span::Wall(Duration::zero()),
        (_, EventEnd::After(d)) => Span::Wall(*d),
        (Moment::Local(_, a), EventEnd::At(end @ Moment::Local(_, b))) if a != b => {
            Span::Exact(zones.instant(end, zone) - zones.instant(&event.start, zone))
        }
        (start, EventEnd::At(end)) => Span::Wall(wall(end) - wall(start)),
    };
    match span {
        Span::Wall(d) | Span::Exact(d) if d < Duration::zero() => {
            diagnostics.push(Diagnostic::warning(
                event.line,
                "the event ends before it starts; read as lasting no time",
            ));
            Span::Wall(Duration::zero())
        }
        other => other,
    }
}

/// The instance of a single VEVENT (an override, or an event without a rule) if in the window.
fn single(
    event: &Event,
    rid: Option<DateTime<Utc>>,
    zones: &Zones<'_>,
    window: Window,
) -> Option<Instance> {
    let zone = zones.of_start(event);
    let start = zones.instant(&event.start, &zone);
    if !window.contains(start) {
        return None;
    }
    let mut ignored = Vec::new();
    let end = end_of(
        wall(&event.start),
        start,
        span(event, zones, &zone, &mut ignored),
        &zone,
    );
    Some(Instance {
        uid: Arc::clone(&event.uid),
        recurrence_id: rid,
        start,
        end,
        all_day: event.start.is_date(),
        status: event.status,
        details: Arc::clone(&event.details),
    })
}

fn end_of(
    local_start: NaiveDateTime,
    start: DateTime<Utc>,
    span: Span,
    zone: &Zone,
) -> DateTime<Utc> {
    // An end beyond chrono's range (a DURATION of millions of weeks) is read as no length.
    match span {
        Span::Wall(d) => local_start
            .checked_add_signed(d)
            .map_or(start, |end| zone.to_utc(end).max(start)),
        Span::Exact(d) => start.checked_add_signed(d).unwrap_or(start),
    }
}

/// Expands one series (or a lone event) into `out`, leaving out overridden instances.
fn series(
    event: &Event,
    replaced: Option<&HashMap<DateTime<Utc>, &Event>>,
    zones: &Zones<'_>,
    window: Window,
    out: &mut Expansion,
) {
    let recurring = event.rule.is_some() || !event.rdates.is_empty();
    if !recurring {
        if let Some(instance) = single(event, None, zones, window) {
            out.instances.push(instance);
        }
        return;
    }
    let zone = zones.of_start(event);
    let span = span(event, zones, &zone, &mut out.diagnostics);
    let margin = Duration::days(MARGIN_DAYS);
    let (from, to) = (zone.to_local(window.start), zone.to_local(window.end));
    let from = from.checked_sub_signed(margin).unwrap_or(from);
    let to = to.checked_add_signed(margin).unwrap_or(to);
    let start_wall = wall(&event.start);
    // (wall-clock start, its own end for an RDATE period)
    let mut starts: Vec<(NaiveDateTime, Option<DateTime<Utc>>)> = Vec::new();
    match &event.rule {
        Some(rule) => {
            let until = rule.until_local(|utc| zone.to_local(utc.and_utc()));
            match rule.starts(start_wall, until, from, to) {
                Ok(found) => {
                    if found.truncated {
                        out.diagnostics.push(Diagnostic::warning(
                            event.line,
                            "RRULE gives more instances than can be expanded; the rest are left out",
                        ));
                    }
                    starts.extend(found.starts.into_iter().map(|s| (s, None)));
                }
                Err(e) => {
                    out.diagnostics.push(Diagnostic::skipped(
                        event.line,
                        format!("{e}; only DTSTART is kept"),
                    ));
                    starts.push((start_wall, None));
                }
            }
        }
        None => starts.push((start_wall, None)),
    }
    for extra in &event.rdates {
        let end = extra.end.as_ref().map(|e| zones.instant(e, &zone));
        // An RDATE may be in another zone (often UTC): its wall-clock time in the event's zone.
        let local = match &extra.start {
            Moment::Date(day) => midnight(*day),
            moment => zone.to_local(zones.instant(moment, &zone)),
        };
        starts.push((local, end));
    }
    let excluded = Exclusions::of(event, zones, &zone);
    let mut seen = HashSet::new();
    for (local, own_end) in starts {
        let start = zone.to_utc(local);
        if !window.contains(start) || excluded.contains(local, start) || !seen.insert(start) {
            continue;
        }
        if replaced.is_some_and(|r| r.contains_key(&start)) {
            continue;
        }
        out.instances.push(Instance {
            uid: Arc::clone(&event.uid),
            recurrence_id: Some(start),
            start,
            end: own_end.unwrap_or_else(|| end_of(local, start, span, &zone)),
            all_day: event.start.is_date(),
            status: event.status,
            details: Arc::clone(&event.details),
        });
    }
}

/// A series' EXDATEs: instants, and whole local dates for DATE values on a timed series.
struct Exclusions {
    instants: HashSet<DateTime<Utc>>,
    days: HashSet<NaiveDate>,
}

impl Exclusions {
    fn of(event: &Event, zones: &Zones<'_>, zone: &Zone) -> Exclusions {
        let mut instants = HashSet::new();
        let mut days = HashSet::new();
        for exdate in &event.exdates {
            match (exdate, &event.start) {
                (Moment::Date(day), Moment::Local(..)) => {
                    days.insert(*day);
                }
                (moment, _) => {
                    instants.insert(zones.instant(moment, zone));
                }
            }
        }
        Exclusions { instants, days }
    }

    fn contains(&self, local: NaiveDateTime, start: DateTime<Utc>) -> bool {
        self.instants.contains(&start) || self.days.contains(&local.date())
    }
}

#[cfg(test)]
mod tests;
