//! App Home (Slack) and the personal view (Teams): what a person sees when they open Cadence.
//! A manager sees, for each team they manage, the scoreboard, track requests waiting for them
//! (with Approve / Decline), upcoming rituals and open interventions; everyone sees their own
//! levels, tracks and requests. Built as one neutral card, kept within a view's limits by
//! showing a few rows of each list and counting the rest.

use super::Level;
use super::card::{Card, Fact, Part};
use super::coverage::CapabilityReport;
use super::decision::TrackStatus;
use super::digest::InterventionDue;
use super::outcomes::scoreboard::OrgReport;
use super::prompt::track_answer_controls;
use super::text::Text;

/// How many managed teams the view shows in full.
pub const TEAMS_SHOWN: usize = 3;
/// How many rows each list shows.
pub const ROWS_SHOWN: usize = 5;

/// What the home view shows one person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HomeView {
    /// The person's display name.
    pub name: String,
    /// Teams they manage.
    pub managed: Vec<ManagedTeam>,
    /// Names of teams they belong to without managing.
    pub member_of: Vec<String>,
    /// Their own levels, highest first.
    pub levels: Vec<(String, Level)>,
    /// Their tracks: name, status, note.
    pub tracks: Vec<(String, TrackStatus, Option<String>)>,
    /// Their progress on the approved tracks made of modules.
    pub progress: Vec<super::pace::TrackProgress>,
    /// The organisation's scoreboard, for admins.
    pub organisation: Option<OrgReport>,
}

/// One managed team's part of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedTeam {
    /// The team's name.
    pub name: String,
    /// Coverage per capability.
    pub coverage: Vec<CapabilityReport>,
    /// Track requests waiting for a manager.
    pub requests: Vec<PendingRequest>,
    /// Rituals and when they next run (or what starts them).
    pub rituals: Vec<(String, String)>,
    /// Planned interventions, soonest first.
    pub interventions: Vec<InterventionDue>,
}

/// A track request waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    /// The request decision's id (what Approve / Decline refer to).
    pub decision: i64,
    /// The requester's platform user id.
    pub person_id: String,
    /// The track.
    pub track: String,
    /// Their note.
    pub note: Option<String>,
}

/// The home view as a card.
pub fn home_card(view: &HomeView) -> Card {
    let mut parts = vec![Part::Heading(format!("Cadence for {}", view.name))];
    for team in view.managed.iter().take(TEAMS_SHOWN) {
        parts.extend(team_parts(team));
    }
    if view.managed.len() > TEAMS_SHOWN {
        parts.push(Part::Note(vec![
            Text::new()
                .plain(format!(
                    "and {} more teams you manage; see each with ",
                    view.managed.len() - TEAMS_SHOWN
                ))
                .command("coverage team:NAME"),
        ]));
    }

    if let Some(org) = &view.organisation {
        parts.extend(organisation_parts(org));
    }

    parts.push(Part::Separator);
    parts.push(Part::Body(Text::new().strong("You")));
    if !view.member_of.is_empty() {
        parts.push(Part::Body(
            Text::new().plain(format!("Member of {}.", view.member_of.join(", "))),
        ));
    }
    if view.levels.is_empty() {
        parts.push(Part::Body(
            Text::new().plain("No levels recorded for you yet; your manager sets them."),
        ));
    } else {
        parts.push(Part::Facts(
            view.levels
                .iter()
                .take(ROWS_SHOWN * 2)
                .map(|(capability, level)| Fact {
                    label: capability.clone(),
                    value: Text::new().plain(level.as_str()),
                })
                .collect(),
        ));
    }
    let mut tracks: Vec<Text> = view
        .tracks
        .iter()
        .take(ROWS_SHOWN)
        .map(|(track, status, note)| {
            let mut line = Text::new()
                .strong(track.clone())
                .plain(format!(": {}", status_words(*status)));
            if let Some(note) = note {
                line = line.plain(format!(" — {note}"));
            }
            line
        })
        .collect();
    tracks.extend(
        view.progress
            .iter()
            .take(ROWS_SHOWN)
            .map(super::pace::TrackProgress::line),
    );
    if tracks.is_empty() {
        tracks.push(
            Text::new()
                .plain("No tracks yet. Ask for one with ")
                .command("request track \"name\""),
        );
    }
    parts.push(Part::Note(tracks));
    Card {
        summary: format!("Cadence for {}", view.name),
        parts,
    }
}

/// An admin's glance at the organisation: the roll-up and the riskiest teams.
fn organisation_parts(org: &OrgReport) -> Vec<Part> {
    let t = &org.total;
    let mut parts = vec![
        Part::Separator,
        Part::Body(Text::new().strong(format!("Organisation, {}", org.quarter))),
        Part::Facts(vec![
            Fact {
                label: "Capabilities at target".to_owned(),
                value: Text::new().plain(format!(
                    "{} of {} (quarter start: {} of {})",
                    t.at_target, t.targeted, t.at_target_start, t.targeted_start
                )),
            },
            Fact {
                label: "Single points of failure".to_owned(),
                value: Text::new().plain(format!(
                    "{} open, {} closed this quarter",
                    t.spofs_open, t.spofs_closed
                )),
            },
            Fact {
                label: "Rituals answered".to_owned(),
                value: Text::new().plain(match t.participation.percent() {
                    Some(p) => format!(
                        "{} of {} ({p} %)",
                        t.participation.answered, t.participation.occurrences
                    ),
                    None => "no ritual prompts yet".to_owned(),
                }),
            },
        ]),
    ];
    let riskiest: Vec<&str> = org
        .teams
        .iter()
        .filter(|team| team.has_data && team.risk > 0)
        .take(ROWS_SHOWN)
        .map(|team| team.team.as_str())
        .collect();
    let mut note = if riskiest.is_empty() {
        Text::new().plain("No team is at risk. ")
    } else {
        Text::new().plain(format!("Riskiest teams: {}. ", riskiest.join(", ")))
    };
    note = note.plain("The scoreboard: ").command("org");
    parts.push(Part::Note(vec![note]));
    parts
}

fn team_parts(team: &ManagedTeam) -> Vec<Part> {
    let mut parts = vec![
        Part::Separator,
        Part::Body(Text::new().strong(team.name.clone())),
    ];
    let targeted: Vec<&CapabilityReport> = team
        .coverage
        .iter()
        .filter(|c| c.today.target.is_some_and(|t| t > 0))
        .collect();
    if targeted.is_empty() {
        parts.push(Part::Note(vec![
            Text::new()
                .plain("No targets yet: ")
                .command("target \"capability\" N"),
        ]));
    } else {
        parts.push(Part::Facts(
            targeted
                .iter()
                .take(ROWS_SHOWN)
                .map(|c| {
                    let mut value = format!(
                        "{}/{} at mastery",
                        c.today.available.len(),
                        c.today.target.unwrap_or(0)
                    );
                    if c.today.is_single_point_of_failure() {
                        value.push_str(", single point of failure");
                    } else if !c.dips.is_empty() {
                        value.push_str(", dips ahead");
                    }
                    Fact {
                        label: c.today.name.clone(),
                        value: Text::new().plain(value),
                    }
                })
                .collect(),
        ));
        if targeted.len() > ROWS_SHOWN {
            parts.push(Part::Note(vec![
                Text::new()
                    .plain(format!("and {} more: ", targeted.len() - ROWS_SHOWN))
                    .command(format!("coverage team:{}", team.name)),
            ]));
        }
    }
    for request in team.requests.iter().take(ROWS_SHOWN) {
        let mut body = Text::new()
            .mention(request.person_id.as_str())
            .plain(" asks to enter the ")
            .strong(request.track.as_str())
            .plain(" track");
        if let Some(note) = &request.note {
            body = body.plain(format!(": “{note}”"));
        }
        parts.push(Part::Body(body));
        parts.push(track_answer_controls(request.decision, &request.person_id));
    }
    if team.requests.len() > ROWS_SHOWN {
        parts.push(Part::Note(vec![Text::new().plain(format!(
            "and {} more requests waiting",
            team.requests.len() - ROWS_SHOWN
        ))]));
    }
    let mut upcoming: Vec<Text> = team
        .rituals
        .iter()
        .take(ROWS_SHOWN)
        .map(|(name, when)| Text::new().strong(name.clone()).plain(format!(": {when}")))
        .collect();
    upcoming.extend(team.interventions.iter().take(ROWS_SHOWN).map(|i| {
        Text::new()
            .plain("Intervention: ")
            .strong(i.person.clone())
            .plain(format!(
                ", {} via {}, due {}",
                i.capability,
                i.means,
                i.due.format("%-d %b")
            ))
    }));
    if !upcoming.is_empty() {
        parts.push(Part::Note(upcoming));
    }
    parts
}

fn status_words(status: TrackStatus) -> &'static str {
    match status {
        TrackStatus::Requested => "requested, waiting for a manager",
        TrackStatus::Approved => "approved",
        TrackStatus::Declined => "declined",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coverage::CapabilityCoverage;
    use crate::domain::ids::CapabilityId;

    fn sample() -> HomeView {
        HomeView {
            name: "Alice".into(),
            managed: vec![ManagedTeam {
                name: "Atlas".into(),
                coverage: vec![CapabilityReport {
                    today: CapabilityCoverage {
                        capability: CapabilityId(1),
                        name: "run EBR".into(),
                        target: Some(3),
                        available: vec!["Bob".into()],
                        away: vec![],
                    },
                    week_ago: 1,
                    dips: vec![],
                    in_progress: vec![],
                }],
                requests: vec![PendingRequest {
                    decision: 42,
                    person_id: "UDAN".into(),
                    track: "Architecture lead".into(),
                    note: Some("led two ADRs".into()),
                }],
                rituals: vec![("Atlas QBR".into(), "next Tue 6 Jan 10:00".into())],
                interventions: vec![],
            }],
            member_of: vec![],
            levels: vec![("run EBR".into(), Level::Mastery)],
            tracks: vec![],
            progress: vec![crate::domain::pace::TrackProgress {
                track: "EBR lead".into(),
                done: 1,
                total: 3,
                next: Some("Discovery calls".into()),
                pace: "1/sprint".parse().ok(),
            }],
            organisation: None,
        }
    }

    #[test]
    fn manager_sees_scoreboard_requests_and_rituals() {
        let card = home_card(&sample());
        let text = serde_json::to_string(&card).expect("json");
        assert!(
            text.contains("1/3 at mastery, single point of failure"),
            "{text}"
        );
        let actions: Vec<String> = card
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Controls(controls) => Some(controls.iter().map(|c| c.action().encode())),
                _ => None,
            })
            .flatten()
            .collect();
        assert_eq!(actions, ["approve:42:UDAN", "decline:42:UDAN"]);
        assert!(text.contains("next Tue 6 Jan 10:00"), "{text}");
        assert!(text.contains("mastery"), "{text}");
        let plain = crate::domain::plain::card_text(&card);
        assert!(
            plain.contains("EBR lead: 1 of 3 modules done, next Discovery calls (pace 1/sprint)"),
            "{plain}"
        );
    }

    #[test]
    fn many_teams_are_counted_not_listed() {
        let mut view = sample();
        let team = view.managed[0].clone();
        view.managed = (0..5)
            .map(|n| ManagedTeam {
                name: format!("Team {n}"),
                ..team.clone()
            })
            .collect();
        let text = serde_json::to_string(&home_card(&view)).expect("json");
        assert!(text.contains("and 2 more teams you manage"), "{text}");
        assert!(!text.contains("Team 3"), "{text}");
    }
}
