//! Reads a whole `.ics` text into a [`Calendar`]: walks BEGIN/END blocks, hands each VEVENT to
//! `event.rs`, keeps VTIMEZONE blocks, then resolves every TZID the events use.
//!
//! The reader never gives up on a file: a bad line is reported and skipped, a block that never
//! ends is reported and dropped, and everything else is still read. Blocks other than VEVENT and
//! VTIMEZONE (VTODO, VJOURNAL, VFREEBUSY, and VALARM inside an event) are passed over whole, so
//! an alarm's DESCRIPTION or ATTENDEE never lands on its event.

use std::collections::HashMap;
use std::sync::Arc;

use super::content::{ContentLine, parse_line, shorten, unfold};
use super::event;
use super::model::{Calendar, Diagnostic, Event, Moment, TimeRef};
use super::vtimezone::{DefinedZone, Observance};
use super::zone::{self, Zone};

/// A VTIMEZONE block as read.
#[derive(Debug, Default)]
struct RawZone {
    tzid: Option<String>,
    location: Option<String>,
    observances: Vec<Observance>,
    line: usize,
}

/// Where the reader is.
#[derive(Debug)]
enum Block {
    Calendar,
    Event {
        line: usize,
        properties: Vec<ContentLine>,
    },
    Zone(RawZone),
    Observance(Observance),
    /// Any other block, passed over: its name and where it began.
    Other(String, usize),
}

impl Block {
    fn name(&self) -> &str {
        match self {
            Block::Calendar => "VCALENDAR",
            Block::Event { .. } => "VEVENT",
            Block::Zone(_) => "VTIMEZONE",
            Block::Observance(_) => "STANDARD/DAYLIGHT",
            Block::Other(name, _) => name,
        }
    }

    fn matches(&self, end: &str) -> bool {
        match self {
            Block::Observance(_) => end == "STANDARD" || end == "DAYLIGHT",
            other => other.name() == end,
        }
    }
}

/// Reads `.ics` text. Never panics; what it skips is in [`Calendar::diagnostics`].
pub fn read(text: &str) -> Calendar {
    let mut calendar = Calendar::default();
    let mut stack: Vec<Block> = Vec::new();
    let mut zones: Vec<RawZone> = Vec::new();
    let mut seen_calendar = false;
    for (number, logical) in unfold(text) {
        let line = match parse_line(number, &logical) {
            Ok(line) => line,
            Err(e) => {
                calendar
                    .diagnostics
                    .push(Diagnostic::skipped(e.line, e.message));
                continue;
            }
        };
        match line.name.as_str() {
            "BEGIN" => {
                let name = line.value.trim().to_ascii_uppercase();
                let block = match (name.as_str(), stack.last()) {
                    (_, Some(Block::Other(..))) => Block::Other(name, number),
                    ("VCALENDAR", _) if stack.is_empty() => {
                        seen_calendar = true;
                        Block::Calendar
                    }
                    ("VEVENT", Some(Block::Calendar) | None) => Block::Event {
                        line: number,
                        properties: Vec::new(),
                    },
                    ("VTIMEZONE", Some(Block::Calendar) | None) => Block::Zone(RawZone {
                        line: number,
                        ..RawZone::default()
                    }),
                    ("STANDARD" | "DAYLIGHT", Some(Block::Zone(_))) => {
                        Block::Observance(Observance::default())
                    }
                    ("VEVENT", Some(Block::Event { line: open, .. })) => {
                        // A missing END:VEVENT: the open event cannot be trusted.
                        calendar.diagnostics.push(Diagnostic::skipped(
                            *open,
                            format!("VEVENT has no END:VEVENT before the next BEGIN:VEVENT at line {number}"),
                        ));
                        stack.pop();
                        Block::Event {
                            line: number,
                            properties: Vec::new(),
                        }
                    }
                    _ => Block::Other(name, number),
                };
                stack.push(block);
            }
            "END" => {
                let name = line.value.trim().to_ascii_uppercase();
                end_block(&name, number, &mut stack, &mut calendar, &mut zones);
            }
            _ => match stack.last_mut() {
                Some(Block::Event { properties, .. }) => properties.push(line),
                Some(Block::Observance(observance)) => observance.lines.push(line),
                Some(Block::Zone(zone)) => match line.name.as_str() {
                    "TZID" => zone.tzid = Some(line.value.trim().to_owned()),
                    "X-LIC-LOCATION" => zone.location = Some(line.value.trim().to_owned()),
                    _ => {}
                },
                Some(Block::Calendar) | None => calendar_property(&line, &mut calendar),
                Some(Block::Other(..)) => {}
            },
        }
    }
    for block in stack.iter().rev() {
        let line = match block {
            Block::Event { line, .. } | Block::Other(_, line) => *line,
            Block::Zone(z) => z.line,
            Block::Calendar | Block::Observance(_) => continue,
        };
        calendar.diagnostics.push(Diagnostic::skipped(
            line,
            format!("{} is never closed (the file ends first)", block.name()),
        ));
    }
    if !seen_calendar && calendar.events.is_empty() {
        calendar.diagnostics.push(Diagnostic::skipped(
            1,
            "no BEGIN:VCALENDAR: this is not an iCalendar file",
        ));
    }
    resolve_zones(&mut calendar, zones);
    calendar.diagnostics.sort_by_key(|d| d.line);
    calendar
}

/// Closes the block named `name`, recovering from a missing END by closing inner blocks first.
fn end_block(
    name: &str,
    number: usize,
    stack: &mut Vec<Block>,
    calendar: &mut Calendar,
    zones: &mut Vec<RawZone>,
) {
    let Some(depth) = stack.iter().rposition(|b| b.matches(name)) else {
        calendar.diagnostics.push(Diagnostic::skipped(
            number,
            format!("END:{} without a matching BEGIN", shorten(name)),
        ));
        return;
    };
    while stack.len() > depth + 1 {
        if let Some(open) = stack.pop() {
            let line = match &open {
                Block::Event { line, .. } | Block::Other(_, line) => *line,
                Block::Zone(z) => z.line,
                _ => number,
            };
            calendar.diagnostics.push(Diagnostic::skipped(
                line,
                format!(
                    "{} is not closed before END:{name} at line {number}",
                    open.name()
                ),
            ));
        }
    }
    match stack.pop() {
        Some(Block::Event { line, properties }) => {
            if let Some(event) = event::build(line, &properties, &mut calendar.diagnostics) {
                calendar.events.push(event);
            }
        }
        Some(Block::Observance(observance)) => {
            if let Some(Block::Zone(zone)) = stack.last_mut() {
                zone.observances.push(observance);
            }
        }
        Some(Block::Zone(zone)) => zones.push(zone),
        _ => {}
    }
}

fn calendar_property(line: &ContentLine, calendar: &mut Calendar) {
    let text = super::value::text(line.value.trim());
    match line.name.as_str() {
        "X-WR-CALNAME" => calendar.name = Some(text),
        "PRODID" => calendar.product = Some(text),
        "X-WR-TIMEZONE" => match zone::resolve(&text, None) {
            Some(zone) => calendar.floating_zone = Some(zone),
            None => calendar.diagnostics.push(Diagnostic::warning(
                line.line,
                format!(
                    "X-WR-TIMEZONE `{}` is not a known zone; floating times are read as UTC",
                    shorten(&text)
                ),
            )),
        },
        _ => {}
    }
}

/// Resolves every TZID the events use; an unknown one is read as the floating zone, reported.
fn resolve_zones(calendar: &mut Calendar, raw: Vec<RawZone>) {
    let mut defined: HashMap<String, Arc<DefinedZone>> = HashMap::new();
    for zone in raw {
        let Some(tzid) = zone.tzid.clone() else {
            calendar
                .diagnostics
                .push(Diagnostic::skipped(zone.line, "VTIMEZONE without TZID"));
            continue;
        };
        // A name the IANA database or CLDR knows (or an IANA X-LIC-LOCATION) is read from there,
        // so its block is not even expanded: that is most of them, and expansion is the costly
        // part of reading a file.
        let named = zone::resolve(&tzid, None).is_some()
            || zone.location.as_deref().and_then(zone::iana).is_some();
        if named {
            continue;
        }
        match DefinedZone::build(&tzid, zone.location.clone(), &zone.observances) {
            Ok(built) => {
                defined.insert(tzid, Arc::new(built));
            }
            Err(e) => calendar.diagnostics.push(Diagnostic::skipped(
                zone.line,
                format!("VTIMEZONE {}: {e}", shorten(&tzid)),
            )),
        }
    }
    let mut first_use: Vec<(Arc<str>, usize)> = Vec::new();
    for event in &calendar.events {
        for tzid in tzids(event) {
            if !first_use.iter().any(|(t, _)| t == tzid) {
                first_use.push((Arc::clone(tzid), event.line));
            }
        }
    }
    let fallback = calendar.floating_zone.clone().unwrap_or(Zone::Utc);
    for (tzid, line) in first_use {
        let zone = match zone::resolve(&tzid, defined.get(tzid.as_ref())) {
            Some(zone) => zone,
            None => {
                calendar.diagnostics.push(Diagnostic::warning(
                    line,
                    format!(
                        "TZID `{}` is neither an IANA nor a Windows zone and has no VTIMEZONE; its times are read as {}",
                        shorten(&tzid),
                        fallback.name()
                    ),
                ));
                fallback.clone()
            }
        };
        calendar.zones.insert(tzid, zone);
    }
}

/// The TZIDs an event's times refer to.
fn tzids(event: &Event) -> impl Iterator<Item = &Arc<str>> {
    let moments = std::iter::once(&event.start)
        .chain(match &event.end {
            super::model::EventEnd::At(m) => Some(m),
            _ => None,
        })
        .chain(event.recurrence_id.as_ref())
        .chain(event.exdates.iter())
        .chain(
            event
                .rdates
                .iter()
                .flat_map(|r| std::iter::once(&r.start).chain(r.end.as_ref())),
        );
    moments.filter_map(|m| match m {
        Moment::Local(_, TimeRef::Tzid(tzid)) => Some(tzid),
        _ => None,
    })
}
