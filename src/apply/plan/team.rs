//! One `[[teams]]` entry checked: its name, time zone, home channel, managers and members,
//! targets, absences and digest schedule. Its rituals are checked in `ritual`.

use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use toml::Spanned;

use super::{People, PlannedTeam, Problems, ritual};
use crate::apply::file::TeamEntry;
use crate::domain::command::{DateRange, TARGET_MAX};
use crate::domain::name_key;
use crate::domain::schedule::{DEFAULT_DIGEST, Schedule};

/// The longest absence recorded in one go, as for `/cadence away`: longer is a typo in the year.
const MAX_ABSENCE_DAYS: i64 = 366;

/// The team names and home channels of the entries checked so far: each is one team's.
#[derive(Default)]
pub(super) struct Seen<'f> {
    /// Name key, where the team was first listed.
    names: HashMap<String, Range<usize>>,
    /// Channel id, where it was given and the team it is home to.
    channels: HashMap<&'f str, (Range<usize>, &'f str)>,
}

/// Checks one team; its managers and members join `people`.
pub(super) fn team<'f>(
    entry: &'f Spanned<TeamEntry>,
    declared: &[&'f str],
    seen: &mut Seen<'f>,
    people: &mut People<'f>,
    problems: &mut Problems<'_>,
) -> PlannedTeam<'f> {
    let span = entry.span();
    let team = entry.get_ref();
    let what = format!("team {:?}", team.name);
    problems.name(&span, &what, "name", &team.name);
    let key = name_key(&team.name);
    if let Some(first) = seen.names.get(&key) {
        let earlier = problems.line_of(first);
        problems.add(
            span.clone(),
            &what,
            format!("listed twice (also {earlier})"),
        );
    } else {
        seen.names.insert(key, span.clone());
    }
    let tz = time_zone(team, &what, problems);
    let channel = home_channel(team, &span, &what, &mut seen.channels, problems);
    let (managers, members) = membership(team, &span, &what, problems);
    people.named_in_team(managers.iter().chain(&members).copied(), &span);
    let targets = targets(team, &what, declared, problems);
    let absences = absences(team, &what, &managers, &members, problems);
    let rituals = ritual::rituals(team, &what, channel, problems);
    let digest = digest(team, problems);
    PlannedTeam {
        name: team.name.trim(),
        span,
        tz,
        channel,
        managers,
        members,
        targets,
        absences,
        rituals,
        digest,
    }
}

/// `tz`: an IANA time zone; UTC stands in for a wrong one while the rest is checked.
fn time_zone(team: &TeamEntry, what: &str, problems: &mut Problems<'_>) -> chrono_tz::Tz {
    match parse_tz(team.tz.get_ref().trim()) {
        Some(tz) => tz,
        None => {
            problems.add(
                team.tz.span(),
                what,
                format!(
                    "`{}` is not a time zone; use an IANA name like Europe/London or America/New_York",
                    team.tz.get_ref()
                ),
            );
            chrono_tz::Tz::UTC
        }
    }
}

/// The time zone an IANA name names, ignoring case, as `/cadence team create … tz` reads it.
fn parse_tz(name: &str) -> Option<chrono_tz::Tz> {
    chrono_tz::Tz::from_str(name).ok().or_else(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .copied()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
    })
}

/// `channel`: a channel id, home to no other team in the file.
fn home_channel<'f>(
    team: &'f TeamEntry,
    span: &Range<usize>,
    what: &str,
    seen: &mut HashMap<&'f str, (Range<usize>, &'f str)>,
    problems: &mut Problems<'_>,
) -> Option<&'f str> {
    let channel = team.channel.as_deref().map(str::trim);
    if let Some(channel) = channel {
        problems.channel(span, what, channel);
        if let Some((first, other)) = seen.get(channel) {
            let earlier = problems.line_of(first);
            problems.add(
                span.clone(),
                what,
                format!("channel `{channel}` is already the home of team {other:?} ({earlier}); a channel is home to one team"),
            );
        } else if !channel.is_empty() {
            seen.insert(channel, (span.clone(), &team.name));
        }
    }
    channel
}

/// `managers` (at least one) and `members`, each person once; a manager listed under `members`
/// too stays a manager.
fn membership<'f>(
    team: &'f TeamEntry,
    span: &Range<usize>,
    what: &str,
    problems: &mut Problems<'_>,
) -> (Vec<&'f str>, Vec<&'f str>) {
    if team.managers.is_empty() {
        problems.add(
            span.clone(),
            what,
            "`managers` is empty; a team needs at least one manager",
        );
    }
    let mut managers: Vec<&str> = Vec::new();
    for id in &team.managers {
        problems.user_id(span, what, id);
        if !managers.contains(&id.as_str()) {
            managers.push(id);
        }
    }
    let mut members: Vec<&str> = Vec::new();
    for id in &team.members {
        problems.user_id(span, what, id);
        if !managers.contains(&id.as_str()) && !members.contains(&id.as_str()) {
            members.push(id);
        }
    }
    (managers, members)
}

/// `[[teams.targets]]`: capabilities listed under `[[capabilities]]`, one target each.
fn targets<'f>(
    team: &TeamEntry,
    what: &str,
    declared: &[&'f str],
    problems: &mut Problems<'_>,
) -> Vec<(&'f str, u32)> {
    let mut targets: Vec<(&str, u32)> = Vec::new();
    for target in &team.targets {
        let t = target.get_ref();
        let what = format!("{what}, target {:?}", t.capability);
        let Some(name) = declared
            .iter()
            .copied()
            .find(|d| name_key(d) == name_key(&t.capability))
        else {
            problems.add(
                target.span(),
                &what,
                format!(
                    "`{}` is not listed under [[capabilities]]; add it there{}",
                    t.capability,
                    known_list(declared)
                ),
            );
            continue;
        };
        if t.count > TARGET_MAX {
            problems.add(
                target.span(),
                &what,
                format!("`count` is at most {TARGET_MAX}"),
            );
        }
        if targets.iter().any(|(n, _)| *n == name) {
            problems.add(
                target.span(),
                &what,
                "the team has two targets for this capability; keep one",
            );
            continue;
        }
        targets.push((name, t.count));
    }
    targets
}

/// ` (listed: "a", "b")`, when the list is short enough to read.
pub(super) fn known_list(names: &[&str]) -> String {
    match names.len() {
        0 => String::new(),
        1..=8 => {
            let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            format!(" (listed: {})", quoted.join(", "))
        }
        _ => String::new(),
    }
}

/// `[[teams.absences]]`: the team's people, real days in order, at most [`MAX_ABSENCE_DAYS`];
/// the same absence twice is kept once.
fn absences<'f>(
    team: &'f TeamEntry,
    what: &str,
    managers: &[&str],
    members: &[&str],
    problems: &mut Problems<'_>,
) -> Vec<(&'f str, DateRange)> {
    let mut absences: Vec<(&str, DateRange)> = Vec::new();
    for absence in &team.absences {
        let a = absence.get_ref();
        let what = format!("{what}, absence of {:?}", a.person);
        if !managers.contains(&a.person.as_str()) && !members.contains(&a.person.as_str()) {
            problems.add(
                absence.span(),
                &what,
                format!(
                    "`{}` is not among this team's managers or members",
                    a.person
                ),
            );
        }
        let from = parse_day(&a.from.get_ref().0);
        if from.is_none() {
            problems.add(
                a.from.span(),
                &what,
                format!(
                    "`from = {}` is not a date; write it like 2026-12-01",
                    a.from.get_ref().0
                ),
            );
        }
        let to = match &a.to {
            Some(to) => {
                let day = parse_day(&to.get_ref().0);
                if day.is_none() {
                    problems.add(
                        to.span(),
                        &what,
                        format!(
                            "`to = {}` is not a date; write it like 2026-12-14",
                            to.get_ref().0
                        ),
                    );
                }
                day
            }
            None => from,
        };
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if from > to {
            problems.add(
                absence.span(),
                &what,
                format!("`from` ({from}) is after `to` ({to})"),
            );
            continue;
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_ABSENCE_DAYS {
            problems.add(
                absence.span(),
                &what,
                format!("{days} days is longer than the {MAX_ABSENCE_DAYS} recorded at a time; check the year"),
            );
            continue;
        }
        let dates = DateRange { from, to };
        if !absences.contains(&(a.person.as_str(), dates)) {
            absences.push((&a.person, dates));
        }
    }
    absences
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// `digest`: a schedule, or `off`. The default schedule is stored as no schedule at all.
fn digest(team: &TeamEntry, problems: &mut Problems<'_>) -> Option<Option<String>> {
    match &team.digest {
        None => None,
        Some(text) if text.get_ref().trim().eq_ignore_ascii_case("off") => {
            Some(Some("off".to_owned()))
        }
        Some(text) => match text.get_ref().parse::<Schedule>() {
            Ok(schedule) if schedule.to_string() == DEFAULT_DIGEST => Some(None),
            Ok(schedule) => Some(Some(schedule.to_string())),
            Err(e) => {
                problems.add(
                    text.span(),
                    &format!("team \"{}\"", team.name.trim()),
                    format!("`digest`: {e}, or \"off\""),
                );
                None
            }
        },
    }
}
