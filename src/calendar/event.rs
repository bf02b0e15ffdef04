//! One VEVENT's properties turned into an [`Event`]: typed times, the rule, exceptions and
//! people. A property that cannot be read is reported with its line and left out; only an
//! event without a usable DTSTART is skipped whole.

use std::sync::Arc;

use super::content::ContentLine;
use super::model::{
    Diagnostic, Event, EventDetails, EventEnd, ExtraDate, Moment, Person, Status, TimeRef,
};
use super::rule::Recurrence;
use super::value::{self, RawTime};

/// Builds an event from the properties between `BEGIN:VEVENT` (at `line`) and `END:VEVENT`.
/// Problems go to `diagnostics`; `None` when the event has to be skipped.
pub fn build(
    line: usize,
    properties: &[ContentLine],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Event> {
    let mut uid = None;
    let mut start = None;
    let mut end_at = None;
    let mut duration = None;
    let mut rule = None;
    let mut rdates = Vec::new();
    let mut exdates = Vec::new();
    let mut recurrence_id = None;
    let mut status = Status::Confirmed;
    let mut sequence = 0;
    let mut details = EventDetails::default();
    for p in properties {
        let mut note = |message: String| diagnostics.push(Diagnostic::skipped(p.line, message));
        match p.name.as_str() {
            "UID" => uid = Some(p.value.trim().to_owned()),
            "DTSTART" => match moment(p, &p.value) {
                Ok(m) => start = Some(m),
                Err(e) => note(format!("DTSTART: {e}")),
            },
            "DTEND" => match moment(p, &p.value) {
                Ok(m) => end_at = Some(m),
                Err(e) => note(format!("DTEND: {e}; the event keeps its start only")),
            },
            "DURATION" => match value::duration(&p.value) {
                Ok(d) => duration = Some(d),
                Err(e) => note(format!("DURATION: {e}")),
            },
            "RRULE" if rule.is_some() => note("a second RRULE; only the first is used".to_owned()),
            "RRULE" => match Recurrence::parse(&p.value) {
                Ok((r, warnings)) => {
                    rule = Some(r);
                    for w in warnings {
                        diagnostics.push(Diagnostic::warning(p.line, w));
                    }
                }
                Err(e) => note(format!("{e}; the event is read as not repeating")),
            },
            "EXDATE" => list(p, &mut exdates, &mut note),
            "RDATE" => rdate(p, &mut rdates, &mut note),
            "RECURRENCE-ID" => {
                if p.param("RANGE")
                    .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"))
                {
                    diagnostics.push(Diagnostic::warning(
                        p.line,
                        "RECURRENCE-ID;RANGE=THISANDFUTURE is applied to that one instance only",
                    ));
                }
                match moment(p, &p.value) {
                    Ok(m) => recurrence_id = Some(m),
                    Err(e) => diagnostics.push(Diagnostic::skipped(
                        p.line,
                        format!("RECURRENCE-ID: {e}; the event is read on its own"),
                    )),
                }
            }
            "STATUS" => status = read_status(&p.value),
            "SEQUENCE" => sequence = p.value.trim().parse().unwrap_or(0),
            "SUMMARY" => details.summary = value::text(&p.value),
            "DESCRIPTION" => details.description = value::text(&p.value),
            "LOCATION" => details.location = value::text(&p.value),
            "ORGANIZER" => details.organizer = Some(person(p)),
            "ATTENDEE" => details.attendees.push(person(p)),
            "TRANSP" => details.transparent = p.value.trim().eq_ignore_ascii_case("TRANSPARENT"),
            _ => {}
        }
    }
    let Some(start) = start else {
        diagnostics.push(Diagnostic::skipped(
            line,
            "VEVENT without a readable DTSTART",
        ));
        return None;
    };
    let uid: Arc<str> = match uid.filter(|u| !u.is_empty()) {
        Some(uid) => Arc::from(uid),
        None => {
            diagnostics.push(Diagnostic::warning(
                line,
                "VEVENT without UID; it cannot be matched with other calendars",
            ));
            Arc::from(format!("line-{line}"))
        }
    };
    let end = match (end_at, duration) {
        (Some(at), _) => EventEnd::At(at),
        (None, Some(d)) => EventEnd::After(d),
        (None, None) => EventEnd::Default,
    };
    Some(Event {
        uid,
        start,
        end,
        rule,
        rdates,
        exdates,
        recurrence_id,
        status,
        sequence,
        details: Arc::new(details),
        line,
    })
}

/// A DATE or DATE-TIME with the line's `TZID` and `VALUE` parameters.
fn moment(line: &ContentLine, text: &str) -> Result<Moment, String> {
    Ok(match value::date_or_time(text, line.param("VALUE"))? {
        RawTime::Date(day) => Moment::Date(day),
        RawTime::DateTime(at) if at.utc => Moment::Local(at.at, TimeRef::Utc),
        RawTime::DateTime(at) => match line.param("TZID") {
            Some(tzid) if !tzid.trim().is_empty() => {
                Moment::Local(at.at, TimeRef::Tzid(Arc::from(tzid.trim())))
            }
            _ => Moment::Local(at.at, TimeRef::Floating),
        },
    })
}

fn list(line: &ContentLine, out: &mut Vec<Moment>, note: &mut impl FnMut(String)) {
    for item in value::split_list(&line.value) {
        match moment(line, item) {
            Ok(m) => out.push(m),
            Err(e) => note(format!("{}: {e}", line.name)),
        }
    }
}

/// RDATE values: dates, date-times or periods (`start/end` or `start/duration`).
fn rdate(line: &ContentLine, out: &mut Vec<ExtraDate>, note: &mut impl FnMut(String)) {
    for item in value::split_list(&line.value) {
        let (start_text, end_text) = match item.split_once('/') {
            Some((s, e)) => (s, Some(e)),
            None => (item, None),
        };
        let start = match moment(line, start_text) {
            Ok(m) => m,
            Err(e) => {
                note(format!("RDATE: {e}"));
                continue;
            }
        };
        let end = match end_text {
            None => None,
            Some(text) if text.starts_with(['P', '-', '+']) => {
                match (&start, value::duration(text)) {
                    (Moment::Local(at, zone), Ok(d)) => match at.checked_add_signed(d) {
                        Some(end) => Some(Moment::Local(end, zone.clone())),
                        None => {
                            note(format!("RDATE: `{item}` ends beyond the calendar's range"));
                            continue;
                        }
                    },
                    _ => {
                        note(format!("RDATE: `{item}` is not a period"));
                        continue;
                    }
                }
            }
            Some(text) => match moment(line, text) {
                Ok(m) => Some(m),
                Err(e) => {
                    note(format!("RDATE: {e}"));
                    continue;
                }
            },
        };
        out.push(ExtraDate { start, end });
    }
}

fn read_status(text: &str) -> Status {
    match text.trim().to_ascii_uppercase().as_str() {
        "CANCELLED" | "CANCELED" => Status::Cancelled,
        "TENTATIVE" => Status::Tentative,
        _ => Status::Confirmed,
    }
}

fn person(line: &ContentLine) -> Person {
    let raw = line.value.trim();
    let email = raw
        .get(..7)
        .filter(|head| head.eq_ignore_ascii_case("mailto:"))
        .map_or(raw, |_| &raw[7..])
        .trim()
        .to_lowercase();
    let upper = |name: &str| line.param(name).map(|v| v.trim().to_ascii_uppercase());
    Person {
        email,
        name: line
            .param("CN")
            .map(|cn| cn.trim().to_owned())
            .filter(|cn| !cn.is_empty()),
        partstat: upper("PARTSTAT"),
        cutype: upper("CUTYPE"),
    }
}
