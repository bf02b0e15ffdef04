//! The built-in classification rules, most specific first: a "pipeline retro" is a retro, a
//! "weekly business review" is an operations review before it is a QBR, and the shape rules
//! (a short daily meeting of several people; two people meeting weekly) come last, for series
//! whose titles say nothing.

use super::kind::MeetingKind;
use super::rules::Rule;
use super::series::Cadence;

fn titled(name: &str, kind: MeetingKind, phrases: &[&str]) -> Rule {
    Rule {
        name: name.to_owned(),
        kind,
        title: phrases.iter().map(|p| (*p).to_owned()).collect(),
        text: Vec::new(),
        not_title: Vec::new(),
        attendees_min: None,
        attendees_max: None,
        minutes_max: None,
        cadence: Vec::new(),
        recurring: None,
    }
}

/// The built-in rules, in the order they are tried.
pub fn rules() -> Vec<Rule> {
    let mut rules = vec![incident_review()];
    rules.extend(review_rules());
    rules.extend([
        hiring(),
        standup(),
        standup_shape(),
        one_on_one(),
        pair_shape(),
    ]);
    rules
}

/// Incident reviews are often titled after the incident; the description says what it is.
fn incident_review() -> Rule {
    let mut rule = titled("incident review", MeetingKind::IncidentReview, &[]);
    rule.text = [
        "post-mortem",
        "postmortem",
        "post mortem",
        "incident review",
        "post-incident",
        "post incident",
        "pir",
        "rca",
    ]
    .map(str::to_owned)
    .to_vec();
    rule
}

/// Retros, planning and the review rituals, by title.
fn review_rules() -> Vec<Rule> {
    use MeetingKind as K;
    vec![
        titled(
            "retro",
            K::Retro,
            &[
                "retro",
                "retrospective",
                "lessons learned",
                "sprint review and retro",
            ],
        ),
        titled(
            "planning",
            K::Planning,
            &[
                "sprint planning",
                "planning",
                "pi planning",
                "iteration planning",
                "backlog planning",
                "quarterly planning",
                "okr",
            ],
        ),
        titled(
            "store or ops review",
            K::StoreReview,
            &[
                "store review",
                "store walk",
                "site review",
                "ops review",
                "operations review",
                "weekly business review",
                "wbr",
                "s&op",
                "district review",
            ],
        ),
        titled(
            "business review",
            K::Qbr,
            &[
                "qbr",
                "business review",
                "quarterly review",
                "mbr",
                "ebr",
                "executive review",
            ],
        ),
        titled(
            "forecast",
            K::Forecast,
            &["forecast", "commit call", "commit review"],
        ),
        titled(
            "deal review",
            K::DealReview,
            &[
                "deal review",
                "deal desk",
                "win/loss",
                "opportunity review",
                "deal strategy",
            ],
        ),
        titled(
            "pipeline",
            K::Pipeline,
            &["pipeline", "pipe review", "funnel review", "pipeline call"],
        ),
    ]
}

fn hiring() -> Rule {
    let mut rule = titled(
        "hiring",
        MeetingKind::Hiring,
        &[
            "interview",
            "debrief",
            "hiring",
            "candidate",
            "phone screen",
            "onsite loop",
        ],
    );
    rule.not_title = vec!["retro".to_owned()];
    rule
}

fn standup() -> Rule {
    titled(
        "stand-up",
        MeetingKind::Standup,
        &[
            "standup",
            "stand-up",
            "stand up",
            "daily scrum",
            "daily sync",
            "huddle",
            "scrum",
        ],
    )
}

/// A short daily meeting of several people is a stand-up, whatever it is called.
fn standup_shape() -> Rule {
    let mut rule = titled("short daily meeting", MeetingKind::Standup, &[]);
    rule.cadence = vec![Cadence::Daily];
    rule.minutes_max = Some(30);
    rule.attendees_min = Some(3);
    rule
}

fn one_on_one() -> Rule {
    let mut rule = titled(
        "1:1",
        MeetingKind::OneOnOne,
        &[
            "1:1",
            "1-1",
            "1on1",
            "1 on 1",
            "one on one",
            "one-on-one",
            "o3",
            "check-in",
            "catch up",
            "catch-up",
        ],
    );
    rule.attendees_max = Some(3);
    rule
}

/// Two people meeting every week or two for up to an hour: a 1:1 by shape.
fn pair_shape() -> Rule {
    let mut rule = titled("two people, weekly", MeetingKind::OneOnOne, &[]);
    rule.attendees_min = Some(2);
    rule.attendees_max = Some(2);
    rule.cadence = vec![Cadence::Weekly, Cadence::Fortnightly];
    rule.minutes_max = Some(60);
    rule.recurring = Some(true);
    rule
}
