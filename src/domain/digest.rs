//! The weekly capability digest: outcomes first, then what threatens them, then what the team
//! decided and what it left undone. One neutral card, short enough to read in a minute; rows
//! beyond a screenful are counted and pointed at `/cadence coverage`, not dumped.

use chrono::NaiveDate;

use super::Level;
use super::budget::BudgetUse;
use super::card::{Card, Fact, Part};
use super::command::DateRange;
use super::coverage::CapabilityReport;
use super::outcomes::Participation;
use super::text::Text;

/// How many capabilities the scoreboard shows before it points at `/cadence coverage`.
pub const SCOREBOARD_ROWS: usize = 8;
/// How many entries each list below the scoreboard shows before it counts the rest.
pub const LIST_ROWS: usize = 5;

/// Everything one team's digest reports, read for one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestInputs {
    /// The team's name.
    pub team: String,
    /// The days the digest looks back on; `week.to` is the digest's day.
    pub week: DateRange,
    /// Coverage per capability, from [`super::coverage::coverage_report`].
    pub coverage: Vec<CapabilityReport>,
    /// Decisions made in the week, counted by ritual and kind.
    pub decisions: Vec<DecisionTally>,
    /// Planned interventions due within a week of the digest, or overdue.
    pub interventions: Vec<InterventionDue>,
    /// Learning hours allocated in the week, in hundredths.
    pub learning_hours_centi: i64,
    /// Occurrences in the week that ended without their artefact.
    pub missing_artefacts: Vec<MissingArtefact>,
    /// Track requests waiting for a manager.
    pub pending_track_requests: usize,
    /// Whether the week's ritual prompts were answered, and how soon.
    pub participation: Participation,
    /// The team's budgets for the quarter the digest falls in, with what is used, and the
    /// workspace's currency; `None` when the team has no budget for it.
    pub budget: Option<(BudgetUse, String)>,
    /// Progress on the team's tracks made of modules: the person's user id and their progress.
    pub track_progress: Vec<(String, super::pace::TrackProgress)>,
}

/// How many decisions of one kind were made in one ritual (or outside any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTally {
    /// The ritual's name; `None` for decisions made outside a ritual.
    pub ritual: Option<String>,
    /// The decision kind's stored name (`gap`, `intervene`, …).
    pub kind: String,
    /// How many.
    pub count: usize,
}

/// A planned intervention that is due soon or overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionDue {
    /// Who it is for (display name).
    pub person: String,
    /// Which capability.
    pub capability: String,
    /// How.
    pub means: String,
    /// When it is due.
    pub due: NaiveDate,
}

/// An occurrence that ended without what its ritual is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingArtefact {
    /// The ritual's name.
    pub ritual: String,
    /// The occurrence's title, e.g. "ATL Sprint 42".
    pub title: String,
    /// What was expected: `gaps`, `interventions` or `coaching`.
    pub artefact: String,
}

/// The digest card.
pub fn digest_card(digest: &DigestInputs) -> Card {
    let day = digest.week.to;
    let mut parts = vec![Part::Heading(format!(
        "{} — capability digest, {}",
        digest.team,
        day.format("%-d %b %Y")
    ))];

    let targeted: Vec<&CapabilityReport> = digest
        .coverage
        .iter()
        .filter(|c| c.today.target.is_some_and(|t| t > 0))
        .collect();
    let met = targeted.iter().filter(|c| c.today.meets_target()).count();
    if targeted.is_empty() {
        parts.push(Part::Body(
            Text::new()
                .plain("No targets yet, so there is no scoreboard. Set one with ")
                .command("target \"capability\" N")
                .plain("."),
        ));
    } else {
        parts.push(Part::Body(Text::new().strong(format!(
            "{met} of {} targeted capabilities at target today",
            targeted.len()
        ))));
        parts.push(Part::Facts(
            targeted
                .iter()
                .take(SCOREBOARD_ROWS)
                .map(|c| Fact {
                    label: c.today.name.clone(),
                    value: Text::new().plain(score(c)),
                })
                .collect(),
        ));
        if targeted.len() > SCOREBOARD_ROWS {
            parts.push(Part::Note(vec![
                Text::new()
                    .plain(format!(
                        "and {} more; see them all with ",
                        targeted.len() - SCOREBOARD_ROWS
                    ))
                    .command("coverage"),
            ]));
        }
    }

    let risks = risks(&targeted);
    if !risks.is_empty() {
        parts.push(Part::Separator);
        parts.push(Part::Body(Text::new().strong("Risks")));
        parts.push(Part::Note(risks));
    }

    let in_progress = in_progress(&digest.coverage);
    if !in_progress.is_empty() {
        parts.push(Part::Body(Text::new().strong("On the way to mastery")));
        parts.push(Part::Note(in_progress));
    }

    parts.push(Part::Separator);
    parts.push(Part::Body(Text::new().strong("This week")));
    parts.push(Part::Note(this_week(digest)));

    Card {
        summary: format!(
            "{} capability digest: {}",
            digest.team,
            if targeted.is_empty() {
                "no targets yet".to_owned()
            } else {
                format!("{met} of {} capabilities at target", targeted.len())
            }
        ),
        parts,
    }
}

/// "3/4 at mastery (75%) ▲1 since last week".
fn score(c: &CapabilityReport) -> String {
    let target = c.today.target.unwrap_or(0);
    let mut text = format!(
        "{}/{target} at mastery ({}%)",
        c.today.available.len(),
        c.today.percent().unwrap_or(100)
    );
    match c.change() {
        0 => text.push_str(", no change"),
        n if n > 0 => text.push_str(&format!(", ▲{n} since last week")),
        n => text.push_str(&format!(", ▼{} since last week", -n)),
    }
    if !c.today.away.is_empty() {
        text.push_str(&format!(", {} away today", c.today.away.len()));
    }
    text
}

/// Single points of failure today, then dips ahead, at most [`LIST_ROWS`].
fn risks(targeted: &[&CapabilityReport]) -> Vec<Text> {
    let mut lines: Vec<Text> = Vec::new();
    for c in targeted
        .iter()
        .filter(|c| c.today.is_single_point_of_failure())
    {
        let who = match c.today.available.first() {
            Some(name) => format!("only {name} can do it today"),
            None => "nobody available can do it today".to_owned(),
        };
        lines.push(
            Text::new()
                .plain("Single point of failure: ")
                .strong(c.today.name.clone())
                .plain(format!(", {who}.")),
        );
    }
    for c in targeted {
        for dip in &c.dips {
            let days = if dip.from == dip.to {
                dip.from.format("%a %-d %b").to_string()
            } else {
                format!(
                    "{} – {}",
                    dip.from.format("%a %-d %b"),
                    dip.to.format("%a %-d %b")
                )
            };
            lines.push(
                Text::new()
                    .plain("Dip ahead: ")
                    .strong(c.today.name.clone())
                    .plain(format!(
                        " falls to {}/{} {days} ({} away).",
                        dip.lowest,
                        c.today.target.unwrap_or(0),
                        dip.away.join(", ")
                    )),
            );
        }
    }
    cap(lines, "more risks; see ", "coverage")
}

/// Who is practising or learning, per capability, at most [`LIST_ROWS`] lines.
fn in_progress(coverage: &[CapabilityReport]) -> Vec<Text> {
    let lines: Vec<Text> = coverage
        .iter()
        .filter(|c| !c.in_progress.is_empty())
        .map(|c| {
            let practising: Vec<&str> = names_at(c, Level::Practising);
            let learning: Vec<&str> = names_at(c, Level::Learning);
            let mut words = Vec::new();
            if !practising.is_empty() {
                words.push(format!("practising: {}", practising.join(", ")));
            }
            if !learning.is_empty() {
                words.push(format!("learning: {}", learning.join(", ")));
            }
            Text::new()
                .strong(c.today.name.clone())
                .plain(format!(" — {}", words.join("; ")))
        })
        .collect();
    cap(
        lines,
        "more capabilities with people learning; see ",
        "coverage",
    )
}

fn names_at(c: &CapabilityReport, level: Level) -> Vec<&str> {
    c.in_progress
        .iter()
        .filter(|(_, l)| *l == level)
        .map(|(name, _)| name.as_str())
        .collect()
}

/// Decisions by ritual, interventions due, learning hours, the budget used, missing artefacts,
/// requests.
fn this_week(digest: &DigestInputs) -> Vec<Text> {
    let mut lines = Vec::new();
    if let Some(sentence) = digest.participation.sentence("this week") {
        lines.push(Text::new().plain(format!("{sentence}.")));
    }
    if digest.decisions.is_empty() {
        lines.push(Text::new().plain("No decisions recorded this week."));
    } else {
        let mut rituals: Vec<Option<&str>> = Vec::new();
        for tally in &digest.decisions {
            let ritual = tally.ritual.as_deref();
            if !rituals.contains(&ritual) {
                rituals.push(ritual);
            }
        }
        for ritual in rituals {
            let kinds: Vec<String> = digest
                .decisions
                .iter()
                .filter(|t| t.ritual.as_deref() == ritual)
                .map(|t| decision_words(&t.kind, t.count))
                .collect();
            lines.push(
                Text::new()
                    .strong(ritual.unwrap_or("Outside rituals"))
                    .plain(format!(": {}.", kinds.join(", "))),
            );
        }
        lines = cap(lines, "more rituals with decisions", "");
    }

    let overdue = digest
        .interventions
        .iter()
        .filter(|i| i.due < digest.week.to)
        .count();
    if !digest.interventions.is_empty() {
        let mut text = Text::new().plain(format!(
            "Interventions due this coming week or overdue: {} ({overdue} overdue). ",
            digest.interventions.len()
        ));
        for (n, i) in digest.interventions.iter().take(3).enumerate() {
            if n > 0 {
                text = text.plain("; ");
            }
            text = text.strong(i.person.clone()).plain(format!(
                ", {} via {} by {}",
                i.capability,
                i.means,
                i.due.format("%-d %b")
            ));
        }
        if digest.interventions.len() > 3 {
            text = text.plain(format!("; and {} more", digest.interventions.len() - 3));
        }
        lines.push(text.plain("."));
    }

    if digest.learning_hours_centi > 0 {
        lines.push(Text::new().plain(format!(
            "Learning hours allocated: {}.",
            hours(digest.learning_hours_centi)
        )));
    }

    if let Some(used) = digest
        .budget
        .as_ref()
        .and_then(|(used, currency)| used.used_line(currency))
    {
        lines.push(Text::new().plain(format!("{used}.")));
    }

    if !digest.missing_artefacts.is_empty() {
        let mut text = Text::new().plain("Ended without their artefact: ");
        for (n, m) in digest.missing_artefacts.iter().take(LIST_ROWS).enumerate() {
            if n > 0 {
                text = text.plain("; ");
            }
            text = text.strong(m.title.clone()).plain(format!(
                " ({}, no {} recorded)",
                m.ritual,
                artefact_words(&m.artefact)
            ));
        }
        if digest.missing_artefacts.len() > LIST_ROWS {
            text = text.plain(format!(
                "; and {} more",
                digest.missing_artefacts.len() - LIST_ROWS
            ));
        }
        lines.push(text.plain("."));
    }

    if digest.pending_track_requests > 0 {
        lines.push(Text::new().plain(format!(
            "Track requests waiting for a manager: {}.",
            digest.pending_track_requests
        )));
    }
    lines.extend(track_progress(digest));
    lines
}

/// Where the team's people are on their tracks, furthest behind first: progress, not the
/// outcome (that is the scoreboard's levels and mastery).
fn track_progress(digest: &DigestInputs) -> Vec<Text> {
    let mut on_tracks: Vec<&(String, super::pace::TrackProgress)> = digest
        .track_progress
        .iter()
        .filter(|(_, p)| p.total > 0)
        .collect();
    // Least done first: the people a manager may want to ask about.
    on_tracks.sort_by_key(|(_, p)| (p.done * 1000 / p.total.max(1), p.done));
    let lines: Vec<Text> = on_tracks
        .into_iter()
        .map(|(user, progress)| {
            Text::new()
                .plain("On a track: ")
                .mention(user.clone())
                .plain(", ")
                .append(progress.line())
                .plain(".")
        })
        .collect();
    cap(lines, "people on tracks", "")
}

/// Keeps at most [`LIST_ROWS`] lines, then one that counts the rest.
fn cap(mut lines: Vec<Text>, more: &str, command: &str) -> Vec<Text> {
    if lines.len() > LIST_ROWS {
        let rest = lines.len() - LIST_ROWS;
        lines.truncate(LIST_ROWS);
        let mut line = Text::new().plain(format!("and {rest} {more}"));
        if !command.is_empty() {
            line = line.command(command);
        }
        lines.push(line);
    }
    lines
}

/// "2 gaps named", "1 intervention planned", …
fn decision_words(kind: &str, count: usize) -> String {
    let (one, many) = match kind {
        "gap" => ("gap named", "gaps named"),
        "no_gaps" => ("\"no gaps\"", "\"no gaps\""),
        "coach" => ("coaching moment", "coaching moments"),
        "intervene" => ("intervention planned", "interventions planned"),
        "level" => ("level set", "levels set"),
        "certify" => ("certification", "certifications"),
        "approve_track" => ("track approved", "tracks approved"),
        "decline_track" => ("track declined", "tracks declined"),
        "request_track" => ("track requested", "tracks requested"),
        "sequence" => ("skill order set", "skill orders set"),
        "hours" => ("learning-hours allocation", "learning-hours allocations"),
        "mastery" => ("mastery criteria change", "mastery criteria changes"),
        "target" => ("target set", "targets set"),
        "commission" => ("module commissioned", "modules commissioned"),
        "absence" => ("absence recorded", "absences recorded"),
        "snooze" => ("nudge snoozed", "nudges snoozed"),
        "budget" => ("budget set", "budgets set"),
        "request_budget" => ("over-budget request", "over-budget requests"),
        "approve_budget" => (
            "over-budget allocation approved",
            "over-budget allocations approved",
        ),
        "decline_budget" => (
            "over-budget request declined",
            "over-budget requests declined",
        ),
        other => return format!("{count} × {other}"),
    };
    format!("{count} {}", if count == 1 { one } else { many })
}

fn artefact_words(artefact: &str) -> &str {
    match artefact {
        "gaps" => "skill gaps",
        "interventions" => "interventions",
        "coaching" => "coaching moments",
        other => other,
    }
}

/// Hundredths of an hour as "6 h" or "2.5 h".
pub(crate) fn hours(centi: i64) -> String {
    if centi % 100 == 0 {
        format!("{} h", centi / 100)
    } else {
        format!("{:.2} h", centi as f64 / 100.0)
            .replace("0 h", " h")
            .replace("  h", " h")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coverage::{CapabilityCoverage, Dip};
    use crate::domain::ids::CapabilityId;
    use crate::domain::pace::TrackProgress;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn capability(name: &str, target: Option<u32>, available: &[&str]) -> CapabilityReport {
        CapabilityReport {
            today: CapabilityCoverage {
                capability: CapabilityId(1),
                name: name.into(),
                target,
                available: available.iter().map(|s| s.to_string()).collect(),
                away: Vec::new(),
            },
            week_ago: 1,
            dips: Vec::new(),
            in_progress: Vec::new(),
        }
    }

    pub(crate) fn sample() -> DigestInputs {
        let mut ebr = capability("run EBR", Some(4), &["Alice", "Bob", "Carol"]);
        ebr.dips = vec![Dip {
            from: day("2026-12-01"),
            to: day("2026-12-14"),
            lowest: 2,
            away: vec!["Bob".into()],
        }];
        ebr.in_progress = vec![
            ("Dan".into(), Level::Practising),
            ("Erin".into(), Level::Learning),
        ];
        let pricing = capability("pricing <script>", Some(2), &["Alice"]);
        DigestInputs {
            team: "Atlas".into(),
            week: DateRange {
                from: day("2026-11-23"),
                to: day("2026-11-30"),
            },
            coverage: vec![ebr, pricing, capability("ADRs", None, &["Bob"])],
            decisions: vec![
                DecisionTally {
                    ritual: Some("Atlas sprint retro".into()),
                    kind: "gap".into(),
                    count: 3,
                },
                DecisionTally {
                    ritual: Some("Atlas sprint retro".into()),
                    kind: "intervene".into(),
                    count: 1,
                },
                DecisionTally {
                    ritual: None,
                    kind: "level".into(),
                    count: 2,
                },
            ],
            interventions: vec![InterventionDue {
                person: "Alice".into(),
                capability: "architecture trade-offs".into(),
                means: "ADR pairing".into(),
                due: day("2026-11-27"),
            }],
            learning_hours_centi: 650,
            missing_artefacts: vec![MissingArtefact {
                ritual: "Atlas sprint retro".into(),
                title: "ATL Sprint 43".into(),
                artefact: "gaps".into(),
            }],
            pending_track_requests: 1,
            participation: Participation {
                occurrences: 5,
                answered: 4,
                median_minutes: Some(38),
                decisions: 9,
                nudges: 1,
                snoozes: 0,
            },
            budget: Some((
                BudgetUse {
                    hours_centi: Some(6000),
                    spend: Some(5000),
                    hours_used_centi: 2200,
                    spend_used: 1200,
                    ..BudgetUse::none("2026Q4".parse().expect("quarter"))
                },
                "GBP".into(),
            )),
            track_progress: vec![
                (
                    "UBOB".into(),
                    TrackProgress {
                        track: "EBR lead".into(),
                        done: 2,
                        total: 3,
                        next: Some("Running the EBR".into()),
                        pace: "2/week".parse().ok(),
                    },
                ),
                (
                    "UCAROL".into(),
                    TrackProgress {
                        track: "EBR lead".into(),
                        done: 0,
                        total: 3,
                        next: Some("EBR basics".into()),
                        pace: None,
                    },
                ),
            ],
        }
    }

    #[test]
    fn digest_reads_outcomes_first() {
        let card = digest_card(&sample());
        insta::assert_snapshot!("digest_text", crate::domain::plain::card_text(&card));
    }

    #[test]
    fn scoreboard_stays_a_screenful() {
        let mut digest = sample();
        digest.coverage = (0..20)
            .map(|n| capability(&format!("capability {n:02}"), Some(2), &["A", "B"]))
            .collect();
        let card = digest_card(&digest);
        let facts = card
            .parts
            .iter()
            .find_map(|p| match p {
                Part::Facts(facts) => Some(facts.len()),
                _ => None,
            })
            .expect("scoreboard");
        assert_eq!(facts, SCOREBOARD_ROWS);
        let text = serde_json::to_string(&card).expect("json");
        assert!(text.contains("and 12 more"), "{text}");
    }

    #[test]
    fn a_team_without_targets_is_told_how_to_set_one() {
        let mut digest = sample();
        digest.coverage = vec![capability("ADRs", None, &["Bob"])];
        let card = digest_card(&digest);
        assert_eq!(card.summary, "Atlas capability digest: no targets yet");
        assert!(
            serde_json::to_string(&card)
                .expect("json")
                .contains("target \\\"capability\\\" N")
        );
    }

    #[test]
    fn hours_read_naturally() {
        assert_eq!(hours(600), "6 h");
        assert_eq!(hours(650), "6.5 h");
        assert_eq!(hours(625), "6.25 h");
    }
}
