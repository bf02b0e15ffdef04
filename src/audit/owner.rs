//! Whose calendar a file is. Google writes the owner's address as the calendar's name
//! (X-WR-CALNAME); Outlook and Apple do not, but the owner is the one person present — as
//! organizer or attendee — in most of the file's meetings. Failing both, a calendar name that
//! is not a generic word ("Calendar"), and last the file name.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::calendar::Calendar;

/// Share of a file's meetings the owner must appear in to be recognised by presence.
const PRESENCE_SHARE: f64 = 0.5;

/// Calendar names that say nothing about whose calendar it is.
const GENERIC_NAMES: [&str; 8] = [
    "calendar",
    "kalender",
    "calendrier",
    "agenda",
    "work",
    "home",
    "personal",
    "default",
];

/// How a manager was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifiedBy {
    /// X-WR-CALNAME holds an address.
    CalendarAddress,
    /// The address present in most meetings.
    Presence,
    /// X-WR-CALNAME holds a name.
    CalendarName,
    /// The file's name.
    FileName,
}

/// A manager, as recognised from one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The address (lower case) or the name the calendar was recognised by.
    pub id: String,
    /// A display name.
    pub name: String,
    /// How.
    pub identified_by: IdentifiedBy,
}

/// Recognises whose calendar `calendar` (read from `path`) is.
pub fn identify(calendar: &Calendar, path: &Path) -> Owner {
    let names = display_names(calendar);
    let named = |email: String, how| Owner {
        name: names
            .get(&email)
            .cloned()
            .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned()),
        id: email,
        identified_by: how,
    };
    let calname = calendar.name.as_deref().map(str::trim).unwrap_or_default();
    if calname.contains('@') && !calname.contains(' ') {
        return named(calname.to_lowercase(), IdentifiedBy::CalendarAddress);
    }
    if let Some(email) = most_present(calendar, path) {
        return named(email, IdentifiedBy::Presence);
    }
    if !calname.is_empty() && !GENERIC_NAMES.contains(&calname.to_lowercase().as_str()) {
        return Owner {
            id: calname.to_owned(),
            name: calname.to_owned(),
            identified_by: IdentifiedBy::CalendarName,
        };
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "calendar".to_owned());
    Owner {
        id: stem.clone(),
        name: stem,
        identified_by: IdentifiedBy::FileName,
    }
}

/// The address in at least half of the events that name anyone, if one is. Several managers
/// can be in every meeting of a small calendar (a district manager and a store manager share
/// most of theirs), so a tie goes to the one who organizes more of them, then to the one whose
/// name the file carries.
fn most_present(calendar: &Calendar, path: &Path) -> Option<String> {
    // address -> (events present in, events organized)
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut with_people = 0usize;
    for event in &calendar.events {
        let details = &event.details;
        let mut here: Vec<&str> = details
            .organizer
            .iter()
            .chain(details.attendees.iter())
            .filter(|p| !p.is_resource() && !p.email.is_empty())
            .map(|p| p.email.as_str())
            .collect();
        here.sort_unstable();
        here.dedup();
        if here.is_empty() {
            continue;
        }
        with_people += 1;
        for email in here {
            counts.entry(email).or_default().0 += 1;
        }
        if let Some(organizer) = details.organizer.as_ref().filter(|o| !o.email.is_empty()) {
            counts.entry(organizer.email.as_str()).or_default().1 += 1;
        }
    }
    let file = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let in_file = |email: &str| {
        let local = email.split('@').next().unwrap_or_default();
        !local.is_empty() && file.contains(local)
    };
    let (email, (present, _)) = counts.into_iter().max_by(|a, b| {
        (a.1.0, a.1.1, in_file(a.0))
            .cmp(&(b.1.0, b.1.1, in_file(b.0)))
            .then_with(|| b.0.cmp(a.0))
    })?;
    let share = present as f64 / with_people.max(1) as f64;
    (share >= PRESENCE_SHARE).then(|| email.to_owned())
}

/// `CN` for each address, the first one seen.
fn display_names(calendar: &Calendar) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for event in &calendar.events {
        let details = &event.details;
        for person in details.organizer.iter().chain(details.attendees.iter()) {
            if let Some(name) = &person.name {
                names
                    .entry(person.email.clone())
                    .or_insert_with(|| name.clone());
            }
        }
    }
    names
}

/// A feed name for `ics:feed=NAME`: lower case letters, digits, `-` and `_`.
pub fn feed_name(owner: &Owner) -> String {
    let base = owner.id.split('@').next().unwrap_or_default();
    let mut feed: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while feed.contains("--") {
        feed = feed.replace("--", "-");
    }
    let feed = feed.trim_matches('-').to_owned();
    if feed.is_empty() {
        "calendar".to_owned()
    } else {
        feed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn calendar(text: &str) -> Calendar {
        crate::calendar::read(text)
    }

    const TWO_MEETINGS: &str = "BEGIN:VCALENDAR\nX-WR-CALNAME:Calendar\nBEGIN:VEVENT\nUID:a\nDTSTART:20260105T100000Z\nORGANIZER;CN=Dana Ruiz:mailto:dana@acme.example\nATTENDEE;CN=Ola:mailto:ola@acme.example\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20260106T100000Z\nORGANIZER:mailto:kim@acme.example\nATTENDEE:mailto:Dana@acme.example\nEND:VEVENT\nEND:VCALENDAR\n";

    #[test]
    fn the_address_in_most_meetings_is_the_owner() {
        let owner = identify(&calendar(TWO_MEETINGS), &PathBuf::from("export.ics"));
        assert_eq!(owner.id, "dana@acme.example");
        assert_eq!(owner.name, "Dana Ruiz");
        assert_eq!(owner.identified_by, IdentifiedBy::Presence);
        assert_eq!(feed_name(&owner), "dana");
    }

    #[test]
    fn google_names_the_calendar_after_its_owner() {
        let text = TWO_MEETINGS.replace("X-WR-CALNAME:Calendar", "X-WR-CALNAME:ola@acme.example");
        let owner = identify(&calendar(&text), &PathBuf::from("x.ics"));
        assert_eq!(owner.id, "ola@acme.example");
        assert_eq!(owner.identified_by, IdentifiedBy::CalendarAddress);
    }

    #[test]
    fn without_people_the_calendar_name_then_the_file_name() {
        let empty = "BEGIN:VCALENDAR\nX-WR-CALNAME:Priya Shah (Ops)\nEND:VCALENDAR\n";
        let owner = identify(&calendar(empty), &PathBuf::from("p.ics"));
        assert_eq!(owner.identified_by, IdentifiedBy::CalendarName);
        assert_eq!(feed_name(&owner), "priya-shah-ops");
        let bare = identify(
            &calendar("BEGIN:VCALENDAR\nEND:VCALENDAR\n"),
            &PathBuf::from("dir/Lee Chan.ics"),
        );
        assert_eq!(bare.id, "Lee Chan");
        assert_eq!(bare.identified_by, IdentifiedBy::FileName);
    }
}
