//! Which rituals to attach capability planning to first, and the line that binds each.
//!
//! The score multiplies three things anyone can check in the report: how much the kind of
//! meeting sets priorities ([`MeetingKind::decision_weight`]), the manager-hours it takes a
//! week, and its reach (1 + ln of the managers holding it, so a meeting shared by eight
//! managers counts about three times one held by one). A recurring series counts in full,
//! one-offs repeated under one title at 0.6, a single meeting not at all: capability planning
//! needs a rhythm to attach to. A series Cadence already has data for is attached already.

use std::collections::HashMap;

use super::kind::MeetingKind;
use super::report::{ManagerReport, Recommendation, SeriesReport};
use super::rules::contains_phrase;

/// How many rituals the audit names.
pub const TOP: usize = 3;

/// Longest ritual name the grammar takes (`NAME_MAX_CHARS` in the command parser).
const NAME_MAX_CHARS: usize = 120;

/// The ranking score of a series.
pub fn score(series: &SeriesReport) -> f64 {
    let rhythm = if series.recurring {
        1.0
    } else if series.occurrences >= 2 {
        0.6
    } else {
        0.0
    };
    let reach = 1.0 + (series.managers.len().max(1) as f64).ln();
    series.classification.kind.decision_weight() * rhythm * series.hours_per_week * reach
}

/// The top rituals, with why and the `ritual add` line for each.
pub fn top(series: &[SeriesReport], managers: &[ManagerReport]) -> Vec<Recommendation> {
    let titles: HashMap<&str, &str> = series
        .iter()
        .map(|s| (s.key.as_str(), s.title.as_str()))
        .collect();
    let mut ranked: Vec<&SeriesReport> = series
        .iter()
        .filter(|s| s.score > 0.0 && s.classification.kind.ritual_kind().is_some())
        .filter(|s| s.activity.is_none())
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.title.cmp(&b.title))
    });
    ranked
        .into_iter()
        .take(TOP)
        .enumerate()
        .filter_map(|(i, s)| recommend(i + 1, s, managers, &titles))
        .collect()
}

fn recommend(
    rank: usize,
    series: &SeriesReport,
    managers: &[ManagerReport],
    titles: &HashMap<&str, &str>,
) -> Option<Recommendation> {
    let ritual = series.classification.kind.ritual_kind()?;
    // The organizer's own calendar when the organizer is audited, else the first holder's.
    let feed_owner = managers
        .iter()
        .find(|m| Some(&m.id) == series.organizer.as_ref() && series.managers.contains(&m.id))
        .or_else(|| {
            managers
                .iter()
                .find(|m| series.managers.first() == Some(&m.id))
        })?;
    let others: Vec<&str> = feed_owner
        .series
        .iter()
        .filter(|s| s.of != series.key)
        .filter_map(|s| titles.get(s.of.as_str()).copied())
        .collect();
    let (word, clashes) = title_word(&series.title, series.classification.kind, &others);
    let name: String = series
        .title
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .take(NAME_MAX_CHARS)
        .collect();
    let selector = format!("ics:feed={}:title~{word}:ended", feed_owner.feed);
    let command = format!(
        "/cadence ritual add {} on {selector} name \"{}\"",
        ritual.as_str(),
        name.trim()
    );
    let toml = format!(
        "[[teams.rituals]]\nkind = \"{}\"\nname = \"{}\"\non = [\"{selector}\"]\n",
        ritual.as_str(),
        name.trim().replace('\\', "\\\\")
    );
    let holders = series.managers.len();
    let mut why = vec![
        format!(
            "{} sets priorities (weight {:.1}); {}",
            series.classification.kind.label(),
            series.classification.kind.decision_weight(),
            series.classification.reason
        ),
        format!(
            "{:.1} manager-hours a week ({}% of all meeting time), held by {holders} manager{}",
            series.hours_per_week,
            crate::domain::percent::share_percent_tenths(series.share),
            if holders == 1 { "" } else { "s" }
        ),
        format!(
            "{}{}, {} meetings in the window, typically {} min with {} people",
            series.cadence.label(),
            if series.recurring {
                ""
            } else {
                " (separate invitations)"
            },
            series.occurrences,
            series.minutes,
            series.attendees
        ),
    ];
    why.push(match clashes {
        0 => format!("title~{word} picks only this series in {}'s calendar", feed_owner.name),
        n => format!(
            "title~{word} also matches {n} other series in {}'s calendar; add a channel to tell them apart",
            feed_owner.name
        ),
    });
    Some(Recommendation {
        rank,
        series: series.key.clone(),
        title: series.title.clone(),
        kind: series.classification.kind,
        why,
        command,
        toml,
        score: series.score,
    })
}

/// The word of `title` that matches the fewest `others` (the longest on a tie), with how many
/// it matches. Only letters and digits, so the selector stays one bare word of the grammar.
fn title_word(title: &str, kind: MeetingKind, others: &[&str]) -> (String, usize) {
    let mut best: Option<(String, usize)> = None;
    for word in title.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() < 3 {
            continue;
        }
        let clashes = others
            .iter()
            .filter(|t| t.to_lowercase().contains(&word.to_lowercase()))
            .count();
        let better = match &best {
            None => true,
            Some((w, c)) => clashes < *c || (clashes == *c && word.len() > w.len()),
        };
        if better {
            best = Some((word.to_owned(), clashes));
        }
    }
    best.unwrap_or_else(|| {
        let fallback = kind.as_str().replace('_', "");
        let clashes = others
            .iter()
            .filter(|t| contains_phrase(t, &fallback))
            .count();
        (fallback, clashes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_word_that_picks_the_series_alone() {
        let others = ["EMEA pipeline sync", "Weekly staff"];
        assert_eq!(
            title_word("EMEA Forecast call", MeetingKind::Forecast, &others),
            ("Forecast".to_owned(), 0)
        );
        assert_eq!(
            title_word("Pipeline review", MeetingKind::Pipeline, &others),
            ("review".to_owned(), 0)
        );
        assert_eq!(
            title_word("1:1", MeetingKind::OneOnOne, &["x"]),
            ("oneonone".to_owned(), 0)
        );
    }
}
