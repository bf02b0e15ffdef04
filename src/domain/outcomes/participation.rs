//! Participation: whether the prompts Cadence posts in rituals are answered, and how soon.
//!
//! Measured from what is already recorded, nothing asked of anyone: an occurrence of a ritual
//! that expects an artefact is *answered* when a decision (other than putting off the nudge) is
//! recorded against it and not undone; the time to decision is from the moment the ritual
//! happened (the event that started the occurrence, usually its end) to that first decision.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::ids::{DecisionId, OccurrenceId, TeamId};
use crate::domain::ritual::RitualKind;

/// One occurrence of a ritual and what came of its prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OccurrenceRecord {
    /// Which occurrence.
    pub occurrence: OccurrenceId,
    /// The team whose ritual it is.
    pub team: TeamId,
    /// The ritual's name.
    pub ritual: String,
    /// The ritual's kind.
    pub kind: RitualKind,
    /// The occurrence's title, e.g. "ATL Sprint 42".
    pub title: String,
    /// When the ritual happened.
    pub happened_at: DateTime<Utc>,
    /// Decisions recorded against it and not undone, earliest first; snoozes are not answers.
    pub answers: Vec<Answer>,
    /// Nudges posted because the artefact was missing.
    pub nudges: u32,
    /// Times the nudge was put off.
    pub snoozes: u32,
}

/// A decision that answered a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// The decision.
    pub decision: DecisionId,
    /// Who decided (display name).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl OccurrenceRecord {
    /// Whether its prompt was answered.
    pub fn answered(&self) -> bool {
        !self.answers.is_empty()
    }

    /// The first answer.
    pub fn first_answer(&self) -> Option<&Answer> {
        self.answers.iter().min_by_key(|a| (a.at, a.decision))
    }

    /// Whole minutes from the ritual to its first answer (zero when decided during it).
    pub fn minutes_to_answer(&self) -> Option<i64> {
        self.first_answer()
            .map(|a| (a.at - self.happened_at).num_minutes().max(0))
    }
}

/// Participation over a set of occurrences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Participation {
    /// Occurrences whose ritual expects an artefact.
    pub occurrences: u32,
    /// Of those, answered.
    pub answered: u32,
    /// The median of the answered ones' minutes to decision; `None` when none was answered.
    pub median_minutes: Option<i64>,
    /// Decisions recorded against the occurrences.
    pub decisions: u32,
    /// Nudges posted.
    pub nudges: u32,
    /// Nudges put off.
    pub snoozes: u32,
}

impl Participation {
    /// Participation over `records`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a OccurrenceRecord>) -> Self {
        let mut result = Participation::default();
        let mut minutes = Vec::new();
        for record in records {
            result.occurrences += 1;
            result.decisions += u32::try_from(record.answers.len()).unwrap_or(u32::MAX);
            result.nudges += record.nudges;
            result.snoozes += record.snoozes;
            if let Some(m) = record.minutes_to_answer() {
                result.answered += 1;
                minutes.push(m);
            }
        }
        result.median_minutes = median(&mut minutes);
        result
    }

    /// Answered occurrences as a whole percentage; `None` without occurrences.
    pub fn percent(&self) -> Option<u64> {
        crate::domain::percent::percent(u64::from(self.answered), u64::from(self.occurrences))
    }

    /// Decisions per occurrence in tenths (`14` is 1.4); `None` without occurrences.
    pub fn decisions_per_occurrence_tenths(&self) -> Option<u64> {
        if self.occurrences == 0 {
            return None;
        }
        let (d, o) = (u64::from(self.decisions), u64::from(self.occurrences));
        Some((d * 20 + o) / (o * 2))
    }

    /// One line for people: "4 of 5 rituals answered this week, median 38 min after the
    /// meeting". `period` is said after "answered" (`this week`, `in 2026Q4`); `None` when
    /// there was nothing to answer.
    pub fn sentence(&self, period: &str) -> Option<String> {
        if self.occurrences == 0 {
            return None;
        }
        let noun = if self.occurrences == 1 {
            "ritual"
        } else {
            "rituals"
        };
        let mut line = format!(
            "{} of {} {noun} answered {period}",
            self.answered, self.occurrences
        );
        if let Some(m) = self.median_minutes {
            line.push_str(&format!(", median {} after the meeting", duration(m)));
        }
        Some(line)
    }
}

/// The middle value, or the mean of the two middle ones rounded half up; sorts `values`.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        Some(values[mid])
    } else {
        let sum = values[mid - 1] + values[mid];
        Some(sum.div_euclid(2) + sum.rem_euclid(2))
    }
}

/// Minutes as people say them: "38 min", "2 h", "2 h 5 min", "3 days".
pub fn duration(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => match (m / 60, m % 60) {
            (h, 0) => format!("{h} h"),
            (h, rest) => format!("{h} h {rest} min"),
        },
        m => format!("{} days", (m + 12 * 60) / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn record(
        id: i64,
        happened: &str,
        answers: &[&str],
        nudges: u32,
        snoozes: u32,
    ) -> OccurrenceRecord {
        OccurrenceRecord {
            occurrence: OccurrenceId(id),
            team: TeamId(1),
            ritual: "Retro".into(),
            kind: RitualKind::Retro,
            title: format!("Sprint {id}"),
            happened_at: at(happened),
            answers: answers
                .iter()
                .enumerate()
                .map(|(i, a)| Answer {
                    decision: DecisionId(id * 10 + i64::try_from(i).unwrap_or(0)),
                    by: "ana".into(),
                    at: at(a),
                })
                .collect(),
            nudges,
            snoozes,
        }
    }

    #[test]
    fn five_retros_four_answered_read_as_the_digest_line() {
        // Minutes to first answer: 10, 38, 45, 125; median of four is (38 + 45) / 2 = 41.5 → 42.
        let records = [
            record(1, "2026-11-02T15:00:00Z", &["2026-11-02T15:10:00Z"], 0, 0),
            record(
                2,
                "2026-11-03T15:00:00Z",
                &["2026-11-03T15:45:00Z", "2026-11-03T15:40:00Z"],
                0,
                0,
            ),
            record(3, "2026-11-04T15:00:00Z", &["2026-11-04T15:38:00Z"], 0, 0),
            record(4, "2026-11-05T15:00:00Z", &["2026-11-05T17:05:00Z"], 1, 1),
            record(5, "2026-11-06T15:00:00Z", &[], 1, 0),
        ];
        let p = Participation::of(&records);
        assert_eq!(p.occurrences, 5);
        assert_eq!(p.answered, 4);
        // Record 2's first answer is the 15:40 one, 40 minutes: minutes are 10, 40, 38, 125.
        assert_eq!(p.median_minutes, Some(39));
        assert_eq!(p.decisions, 5);
        assert_eq!(p.nudges, 2);
        assert_eq!(p.snoozes, 1);
        assert_eq!(p.percent(), Some(80));
        assert_eq!(p.decisions_per_occurrence_tenths(), Some(10));
        assert_eq!(
            p.sentence("this week").as_deref(),
            Some("4 of 5 rituals answered this week, median 39 min after the meeting")
        );
    }

    #[test]
    fn nothing_to_answer_says_nothing_and_none_answered_has_no_median() {
        assert_eq!(Participation::of(&[]).sentence("this week"), None);
        let p = Participation::of(&[record(1, "2026-11-02T15:00:00Z", &[], 1, 0)]);
        assert_eq!(p.median_minutes, None);
        assert_eq!(
            p.sentence("in 2026Q4").as_deref(),
            Some("0 of 1 ritual answered in 2026Q4")
        );
    }

    #[test]
    fn a_decision_taken_during_the_meeting_counts_as_zero_minutes() {
        let r = record(1, "2026-11-02T15:00:00Z", &["2026-11-02T14:50:00Z"], 0, 0);
        assert_eq!(r.minutes_to_answer(), Some(0));
    }

    #[test]
    fn medians_and_durations_read_as_hand_computed() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [10, 20]), Some(15));
        assert_eq!(median(&mut [10, 21]), Some(16));
        assert_eq!(duration(38), "38 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(125), "2 h 5 min");
        assert_eq!(duration(3 * 24 * 60 + 60), "3 days");
    }
}
