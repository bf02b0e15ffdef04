//! One `[[teams.rituals]]` entry checked, with the defaults chat uses filled in: its name, kind,
//! channel, schedule, triggers, prompt moment and nudge.

use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;

use toml::Spanned;

use super::{PlannedRitual, Problems};
use crate::apply::file::{RitualEntry, TeamEntry};
use crate::domain::command::NUDGE_MAX_MINUTES;
use crate::domain::event::Selector;
use crate::domain::name_key;
use crate::domain::ritual::PromptOn;
use crate::domain::ritual::RitualKind;
use crate::domain::schedule::Schedule;

/// Checks a team's rituals; `team_channel` is where their prompts go unless they say otherwise.
pub(super) fn rituals<'f>(
    team: &'f TeamEntry,
    what: &str,
    team_channel: Option<&'f str>,
    problems: &mut Problems<'_>,
) -> Vec<PlannedRitual<'f>> {
    let mut rituals: Vec<PlannedRitual<'_>> = Vec::new();
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    for entry in &team.rituals {
        if let Some(ritual) = ritual(entry, team, what, team_channel, &mut seen, problems) {
            rituals.push(ritual);
        }
    }
    rituals
}

/// Checks one ritual; `None` when its kind is unknown (the rest is checked all the same).
fn ritual<'f>(
    entry: &'f Spanned<RitualEntry>,
    team: &TeamEntry,
    team_what: &str,
    team_channel: Option<&'f str>,
    seen: &mut HashMap<String, Range<usize>>,
    problems: &mut Problems<'_>,
) -> Option<PlannedRitual<'f>> {
    let r = entry.get_ref();
    let span = entry.span();
    let kind = RitualKind::from_str(r.kind.get_ref());
    let name = match (&r.name, &kind) {
        (Some(name), _) => name.trim().to_owned(),
        (None, Ok(kind)) => {
            format!("{} {}", team.name.trim(), kind.as_str().replace('_', " "))
        }
        (None, Err(_)) => format!("{} {}", team.name.trim(), r.kind.get_ref()),
    };
    let what = format!("{team_what}, ritual {name:?}");
    let kind = match kind {
        Ok(kind) => Some(kind),
        Err(_) => {
            let known: Vec<&str> = RitualKind::ALL.iter().map(|k| k.as_str()).collect();
            problems.add(
                r.kind.span(),
                &what,
                format!(
                    "`{}` is not a ritual kind; use one of {}",
                    r.kind.get_ref(),
                    known.join(", ")
                ),
            );
            None
        }
    };
    problems.name(&span, &what, "name", &name);
    let key = name_key(&name);
    if let Some(first) = seen.get(&key) {
        let earlier = problems.line_of(first);
        problems.add(
            span.clone(),
            &what,
            format!("the team has two rituals with this name (also {earlier}); give one a `name`"),
        );
    } else {
        seen.insert(key, span.clone());
    }
    let channel = channel(r, &span, &what, team_channel, problems);
    let schedule = schedule(r, &what, problems);
    let prompt_before_minutes = prompt_before_minutes(r, &span, &what, problems);
    let triggers = triggers(r, &span, &what, problems);
    let prompt_on = prompt_on(r, &what, problems);
    let nudge_after_minutes = nudge_after_minutes(r, kind, &span, &what, problems);
    Some(PlannedRitual {
        name,
        kind: kind?,
        channel,
        prompt_on,
        nudge_after_minutes,
        triggers,
        schedule,
        prompt_before_minutes,
    })
}

/// `channel`, or the team's.
fn channel<'f>(
    r: &'f RitualEntry,
    span: &Range<usize>,
    what: &str,
    team_channel: Option<&'f str>,
    problems: &mut Problems<'_>,
) -> &'f str {
    match r.channel.as_deref().map(str::trim).or(team_channel) {
        Some(channel) => {
            if r.channel.is_some() {
                problems.channel(span, what, channel);
            }
            channel
        }
        None => {
            problems.add(
                span.clone(),
                what,
                "no channel for its prompts: give `channel` here or on the team",
            );
            ""
        }
    }
}

/// `schedule`, in the form the store keeps.
fn schedule(r: &RitualEntry, what: &str, problems: &mut Problems<'_>) -> Option<String> {
    match &r.schedule {
        Some(text) => match text.get_ref().parse::<Schedule>() {
            Ok(schedule) => Some(schedule.to_string()),
            Err(e) => {
                problems.add(text.span(), what, format!("`schedule`: {e}"));
                None
            }
        },
        None => None,
    }
}

/// `prompt_before_minutes`: only with a schedule or a calendar-feed trigger, at most a week.
fn prompt_before_minutes(
    r: &RitualEntry,
    span: &Range<usize>,
    what: &str,
    problems: &mut Problems<'_>,
) -> i64 {
    let from_feed =
        r.on.iter()
            .any(|on| on.get_ref().trim().to_ascii_lowercase().starts_with("ics:"));
    match (r.prompt_before_minutes, &r.schedule) {
        (Some(minutes), None) if minutes > 0 && !from_feed => {
            problems.add(
                span.clone(),
                what,
                "`prompt_before_minutes` needs a `schedule` or an `ics:` trigger to count back from",
            );
            0
        }
        (Some(minutes), _) if minutes > NUDGE_MAX_MINUTES => {
            problems.add(
                span.clone(),
                what,
                format!("`prompt_before_minutes` is at most {NUDGE_MAX_MINUTES} (a week)"),
            );
            0
        }
        (minutes, _) => i64::from(minutes.unwrap_or(0)),
    }
}

/// `on`: selectors that read, each once; at least one unless there is a schedule.
fn triggers(
    r: &RitualEntry,
    span: &Range<usize>,
    what: &str,
    problems: &mut Problems<'_>,
) -> Vec<Selector> {
    if r.on.is_empty() && r.schedule.is_none() {
        problems.add(
            span.clone(),
            what,
            "`on` is empty; give at least one trigger, like \"jira:board=12:sprint_closed\", or a `schedule`",
        );
    }
    let mut triggers: Vec<Selector> = Vec::new();
    for on in &r.on {
        match Selector::from_str(on.get_ref().trim()) {
            Ok(selector) => {
                if !triggers.contains(&selector) {
                    triggers.push(selector);
                }
            }
            Err(e) => problems.add(on.span(), what, format!("trigger `{}`: {e}", on.get_ref())),
        }
    }
    triggers
}

/// `prompt_on`: `start` or `end` (the default).
fn prompt_on(r: &RitualEntry, what: &str, problems: &mut Problems<'_>) -> PromptOn {
    match r.prompt_on.as_ref().map(|p| (p.get_ref().trim(), p.span())) {
        None => PromptOn::End,
        Some((p, span)) => p.parse().unwrap_or_else(|_| {
            problems.add(
                span,
                what,
                format!("`prompt_on = \"{p}\"`: use \"start\" or \"end\""),
            );
            PromptOn::End
        }),
    }
}

/// `nudge_after_minutes`: at most a week, 0 for none, the kind's default when left out.
fn nudge_after_minutes(
    r: &RitualEntry,
    kind: Option<RitualKind>,
    span: &Range<usize>,
    what: &str,
    problems: &mut Problems<'_>,
) -> Option<i64> {
    match r.nudge_after_minutes {
        Some(0) => None,
        Some(minutes) if minutes > NUDGE_MAX_MINUTES => {
            problems.add(
                span.clone(),
                what,
                format!(
                    "`nudge_after_minutes` is at most {NUDGE_MAX_MINUTES} (a week); 0 for no nudge"
                ),
            );
            None
        }
        Some(minutes) => Some(i64::from(minutes)),
        None => kind.and_then(RitualKind::default_nudge_minutes),
    }
}
