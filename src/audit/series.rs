//! From managers' instances to meetings and series.
//!
//! The same meeting appears in every invited manager's calendar with the same UID (and, for a
//! series, the same RECURRENCE-ID): it is one meeting, held by several managers. A series is
//! every meeting of one recurring UID; one-off meetings with the same title and organizer (a
//! QBR sent as a fresh invitation each quarter) form a series too. Only time a manager spends
//! in a meeting counts: all-day entries, time shown as free, invitations the manager declined,
//! blocks with nobody else in them and entries longer than a working day are left out, and
//! counted by reason.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::calendar::{Instance, Recurrence};

/// Longest entry that still counts as a meeting.
const MAX_MEETING_MINUTES: i64 = 12 * 60;

/// How often a series meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// Every working day or so.
    Daily,
    /// Every week.
    Weekly,
    /// Every two weeks.
    Fortnightly,
    /// Every month.
    Monthly,
    /// Every quarter.
    Quarterly,
    /// Repeats, but not on one of the rhythms above.
    Irregular,
    /// Met once in the window.
    Once,
}

impl Cadence {
    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Daily => "daily",
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
            Cadence::Irregular => "irregular",
            Cadence::Once => "once",
        }
    }

    /// The rhythm of a period of about `days` days.
    pub fn of_days(days: f64) -> Cadence {
        match days {
            d if d <= 2.0 => Cadence::Daily,
            d if d <= 10.0 => Cadence::Weekly,
            d if d <= 20.0 => Cadence::Fortnightly,
            d if d <= 45.0 => Cadence::Monthly,
            d if d <= 120.0 => Cadence::Quarterly,
            _ => Cadence::Irregular,
        }
    }

    /// The rhythm an RRULE sets: a weekly rule on three or more days is a daily meeting.
    pub fn of_rule(rule: &Recurrence) -> Cadence {
        use rrule::Frequency as F;
        let interval = f64::from(rule.interval);
        let days = match rule.freq {
            F::Weekly if rule.by_day.len() >= 3 => 1.0,
            F::Daily => interval,
            F::Weekly => 7.0 * interval,
            F::Monthly => 30.0 * interval,
            F::Yearly => 365.0 * interval,
            F::Hourly | F::Minutely | F::Secondly => 1.0,
        };
        Cadence::of_days(days)
    }
}

/// Why an instance did not count as meeting time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// All-day entries (holidays, offsites, out of office).
    pub all_day: usize,
    /// Entries marked as free time (TRANSP:TRANSPARENT).
    pub free: usize,
    /// Invitations the manager declined.
    pub declined: usize,
    /// Blocks with nobody but the manager (focus time, reminders).
    pub personal: usize,
    /// Entries of no length or longer than 12 hours.
    pub unusual_length: usize,
    /// The same meeting twice in one manager's files.
    pub duplicate: usize,
}

/// One meeting, once, whoever's calendars it is in.
#[derive(Debug, Clone)]
pub struct Meeting {
    /// Index into the series.
    pub series: usize,
    /// Minutes it lasts.
    pub minutes: u32,
    /// Start, seconds since the epoch.
    pub start: i64,
    /// The managers (indices) whose calendars hold it.
    pub managers: Vec<u32>,
}

/// A series as it is being gathered.
#[derive(Debug, Clone)]
pub struct SeriesDraft {
    /// `uid:UID` or `title:ORGANIZER|TITLE`.
    pub key: String,
    /// The UID of a recurring series.
    pub uid: Option<Arc<str>>,
    /// Whether it comes from a recurrence rule (or RECURRENCE-ID / RDATE).
    pub recurring: bool,
    /// Titles seen, with counts, in the order first seen.
    pub titles: Vec<(String, usize)>,
    /// The first description seen.
    pub description: String,
    /// The organizer's address.
    pub organizer: Option<String>,
    /// People per meeting, one entry per meeting.
    pub people: Vec<u32>,
    /// The cadence its rule sets, if known.
    pub rule_cadence: Option<Cadence>,
}

/// One manager's calendar, expanded.
#[derive(Debug, Clone)]
pub struct ManagerInstances {
    /// The manager's address or name, as identified.
    pub owner: String,
    /// Instances in the window.
    pub instances: Vec<Instance>,
    /// The cadence of each recurring UID's rule.
    pub cadences: HashMap<Arc<str>, Cadence>,
}

/// Meetings and series of the whole organisation.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    /// Every meeting once.
    pub meetings: Vec<Meeting>,
    /// Every series.
    pub series: Vec<SeriesDraft>,
    /// What did not count.
    pub skipped: Skipped,
}

/// A quick multiply-rotate hash (as in rustc's FxHash) for the maps below, which see every
/// instance of every calendar. Their keys come from the files the caller chose to audit, not
/// from strangers on a network, so SipHash's resistance to chosen collisions buys nothing here.
#[derive(Debug, Default, Clone, Copy)]
struct QuickHasher(u64);

impl QuickHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for QuickHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

/// Where series are found: recurring ones by UID, one-offs by organizer and title.
#[derive(Debug, Default)]
struct SeriesIndex {
    by_uid: QuickMap<Arc<str>, usize>,
    by_title: QuickMap<String, usize>,
}

/// Gathers meetings and series from each manager's instances (manager `i` is `inputs[i]`).
pub fn gather(inputs: &[ManagerInstances]) -> Gathered {
    let mut out = Gathered::default();
    let mut meeting_of: QuickMap<(Arc<str>, i64), usize> = QuickMap::default();
    let mut series_of = SeriesIndex::default();
    for (index, input) in inputs.iter().enumerate() {
        let manager = u32::try_from(index).unwrap_or(u32::MAX);
        for instance in &input.instances {
            let Some(minutes) = counts(instance, &input.owner, &mut out.skipped) else {
                continue;
            };
            let occurrence = instance.recurrence_id.unwrap_or(instance.start).timestamp();
            let key = (Arc::clone(&instance.uid), occurrence);
            if let Some(&known) = meeting_of.get(&key) {
                let meeting = &mut out.meetings[known];
                if meeting.managers.contains(&manager) {
                    out.skipped.duplicate += 1;
                } else {
                    meeting.managers.push(manager);
                }
                continue;
            }
            let series = series_index(instance, input, &mut series_of, &mut out.series);
            out.series[series].people.push(people(instance));
            meeting_of.insert(key, out.meetings.len());
            out.meetings.push(Meeting {
                series,
                minutes,
                start: instance.start.timestamp(),
                managers: vec![manager],
            });
        }
    }
    out
}

/// The minutes an instance counts for in `owner`'s week, or `None` with the reason recorded.
fn counts(instance: &Instance, owner: &str, skipped: &mut Skipped) -> Option<u32> {
    let details = &instance.details;
    if instance.all_day {
        skipped.all_day += 1;
        return None;
    }
    if details.transparent {
        skipped.free += 1;
        return None;
    }
    let own = details.attendees.iter().find(|a| a.email == owner);
    if own.is_some_and(|a| a.partstat.as_deref() == Some("DECLINED")) {
        skipped.declined += 1;
        return None;
    }
    let minutes = (instance.end - instance.start).num_minutes();
    if minutes <= 0 || minutes > MAX_MEETING_MINUTES {
        skipped.unusual_length += 1;
        return None;
    }
    let others = details
        .attendees
        .iter()
        .chain(details.organizer.iter())
        .any(|p| !p.is_resource() && !p.email.is_empty() && p.email != owner);
    if !others {
        skipped.personal += 1;
        return None;
    }
    u32::try_from(minutes).ok()
}

/// People in a meeting: organizer and attendees, each address once, rooms aside.
fn people(instance: &Instance) -> u32 {
    let details = &instance.details;
    let everyone: Vec<&crate::calendar::Person> = details
        .organizer
        .iter()
        .chain(details.attendees.iter())
        .filter(|p| !p.is_resource() && !p.email.is_empty())
        .collect();
    let distinct = everyone
        .iter()
        .enumerate()
        .filter(|(i, p)| !everyone[..*i].iter().any(|q| q.email == p.email))
        .count();
    u32::try_from(distinct).unwrap_or(u32::MAX)
}

/// The series an instance belongs to, made on first sight.
fn series_index(
    instance: &Instance,
    input: &ManagerInstances,
    series_of: &mut SeriesIndex,
    series: &mut Vec<SeriesDraft>,
) -> usize {
    let details = &instance.details;
    let recurring = instance.recurrence_id.is_some();
    let known = if recurring {
        series_of.by_uid.get(&instance.uid).copied()
    } else {
        None
    };
    let index = match known {
        Some(index) => index,
        None => new_or_titled(instance, input, series_of, series),
    };
    if let Some(draft) = series.get_mut(index) {
        match draft.titles.iter_mut().find(|(t, _)| *t == details.summary) {
            Some((_, n)) => *n += 1,
            None => draft.titles.push((details.summary.clone(), 1)),
        }
    }
    index
}

/// The series of a one-off (by organizer and title), or a new series.
fn new_or_titled(
    instance: &Instance,
    input: &ManagerInstances,
    series_of: &mut SeriesIndex,
    series: &mut Vec<SeriesDraft>,
) -> usize {
    let details = &instance.details;
    let organizer = details.organizer.as_ref().map(|o| o.email.clone());
    let recurring = instance.recurrence_id.is_some();
    let key = if recurring {
        format!("uid:{}", instance.uid)
    } else {
        format!(
            "title:{}|{}",
            organizer.as_deref().unwrap_or_default(),
            normalized_title(&details.summary)
        )
    };
    if !recurring && let Some(&index) = series_of.by_title.get(&key) {
        return index;
    }
    series.push(SeriesDraft {
        key: key.clone(),
        uid: recurring.then(|| Arc::clone(&instance.uid)),
        recurring,
        titles: Vec::new(),
        description: details.description.clone(),
        organizer,
        people: Vec::new(),
        rule_cadence: input.cadences.get(&instance.uid).copied(),
    });
    let index = series.len() - 1;
    if recurring {
        series_of.by_uid.insert(Arc::clone(&instance.uid), index);
    } else {
        series_of.by_title.insert(key, index);
    }
    index
}

/// A title without case, digits and punctuation: "QBR Q3 2026" and "QBR Q4 2026" are one.
pub fn normalized_title(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() > 1)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_from_periods() {
        assert_eq!(Cadence::of_days(1.0), Cadence::Daily);
        assert_eq!(Cadence::of_days(7.0), Cadence::Weekly);
        assert_eq!(Cadence::of_days(14.0), Cadence::Fortnightly);
        assert_eq!(Cadence::of_days(30.0), Cadence::Monthly);
        assert_eq!(Cadence::of_days(91.0), Cadence::Quarterly);
        assert_eq!(Cadence::of_days(365.0), Cadence::Irregular);
        let (standup, _) = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR").unwrap();
        assert_eq!(Cadence::of_rule(&standup), Cadence::Daily);
        let (qbr, _) = Recurrence::parse("FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU").unwrap();
        assert_eq!(Cadence::of_rule(&qbr), Cadence::Quarterly);
    }

    #[test]
    fn titles_normalise_across_quarters() {
        assert_eq!(
            normalized_title("QBR Q3 2026"),
            normalized_title("qbr – Q4 2026")
        );
        assert_eq!(
            normalized_title("Store review: Leeds #12"),
            "store review leeds"
        );
    }
}
