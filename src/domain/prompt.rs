//! The prompts of design.md §3: which card an occurrence gets, the forms its buttons open, the
//! track-request card, and how a card reads once decisions have been logged from it.
//!
//! Everything here is neutral ([`Card`], [`Form`]); renderers turn it into Block Kit or an
//! Adaptive Card. Words that came from people (team names, ritual titles, capability names,
//! notes) only ever enter a card as plain words (a [`Heading`](Part::Heading) string, a
//! [`Choice`] label, or a [`Text`] plain span), never pre-formatted, so each renderer escapes
//! them for its own syntax.

use super::card::{
    Action, Card, Choice, Control, Emphasis, Fact, Form, Input, InputKind, Part, Verb,
};
use super::ritual::RitualKind;
use super::text::Text;

/// What a prompt needs to know about an occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrenceView {
    /// The occurrence's stored id; every action on the card refers to it.
    pub id: i64,
    /// The ritual's kind, which decides the prompt.
    pub kind: RitualKind,
    /// The team's display name.
    pub team: String,
    /// The occurrence's title as its source names it, e.g. "ATL Sprint 42".
    pub title: String,
    /// The team's capabilities to pick from (label = name, value = a short key).
    pub capabilities: Vec<Choice>,
}

/// Approve and Decline for the track request recorded as decision `request` by `person_id`.
pub fn track_answer_controls(request: i64, person_id: &str) -> Part {
    let action = |verb| Action::on(verb, request).with_subject(person_id);
    Part::Controls(vec![
        Control::Button {
            action: action(Verb::ApproveTrack),
            label: "Approve".into(),
            emphasis: Emphasis::Primary,
        },
        Control::Button {
            action: action(Verb::DeclineTrack),
            label: "Decline".into(),
            emphasis: Emphasis::Danger,
        },
    ])
}

/// What a nudge about a missing artefact needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NudgeView {
    /// The occurrence's stored id.
    pub occurrence: i64,
    /// The occurrence's title, e.g. "ATL Sprint 42".
    pub title: String,
    /// The ritual's name.
    pub ritual: String,
    /// What is missing: `gaps`, `interventions` or `coaching`.
    pub artefact: String,
    /// Platform ids of the managers to mention: those not away today.
    pub mention: Vec<String>,
}

/// The one nudge for an occurrence that ended without its artefact.
pub fn nudge_card(view: &NudgeView) -> Card {
    let missing = match view.artefact.as_str() {
        "gaps" => "without naming the skill gaps it surfaced",
        "interventions" => "without its capability interventions",
        "coaching" => "without a coaching moment",
        _ => "without its artefact",
    };
    let mut body = Text::new();
    for id in &view.mention {
        body = body.mention(id.as_str()).plain(" ");
    }
    body = body
        .strong(view.title.as_str())
        .plain(format!(" ({}) ended {missing}. ", view.ritual))
        .plain("Answer on its card above");
    let mut controls = Vec::new();
    if view.artefact == "gaps" {
        body = body.plain(", or say there were none this time.");
        controls.push(Control::Button {
            action: Action::on(Verb::NoGaps, view.occurrence),
            label: "No gaps this time".into(),
            emphasis: Emphasis::Primary,
        });
    } else {
        body = body.plain(".");
    }
    controls.push(Control::Button {
        action: Action::on(Verb::SnoozeNudge, view.occurrence),
        label: "Remind me next working morning".into(),
        emphasis: Emphasis::Normal,
    });
    Card {
        summary: format!("{} ended {missing}", view.title),
        parts: vec![
            Part::Body(body),
            Part::Controls(controls),
            Part::Note(vec![Text::new().plain(
                "Cadence nudges once per occurrence, and never someone recorded as away.",
            )]),
        ],
    }
}

/// What the track-request card needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackRequestView {
    /// The requester's platform user id (mentioned on the card).
    pub person_id: String,
    /// The requester's display name (for the plain-text summary).
    pub person_name: String,
    /// The track's name.
    pub track: String,
    /// Why they ask, if they said.
    pub note: Option<String>,
    /// The stored request decision that Approve / Decline answer.
    pub decision: i64,
}

/// How long a free-text "how" (means of an intervention) may be.
const MEANS_MAX_CHARS: u32 = 200;
/// How long a coaching note may be.
const NOTE_MAX_CHARS: u32 = 1000;

/// The card posted for an occurrence, chosen by its ritual kind: retros ask for skill gaps, the
/// QBR for three interventions, sales calls for coaching moments, anything else for an
/// intervention or an explicit "nothing this time".
pub fn prompt_card(view: &OccurrenceView) -> Card {
    match view.kind {
        RitualKind::Retro => gaps_card(view, "closed", "No gaps this sprint"),
        RitualKind::ReleaseRetro => gaps_card(view, "shipped", "No gaps this time"),
        RitualKind::IncidentReview => gaps_card(view, "reviewed", "No gaps this time"),
        RitualKind::Qbr => qbr_card(view),
        RitualKind::PipelineCall | RitualKind::ForecastCall | RitualKind::DealReview => {
            coaching_card(view)
        }
        RitualKind::Planning
        | RitualKind::StoreReview
        | RitualKind::OneOnOne
        | RitualKind::Custom => generic_card(view),
    }
}

/// "Sprint 42 closed — what capability gaps did it surface?": pickers and "Log gap" for each
/// gap, a form for an intervention, and "No gaps" to silence the nudge.
fn gaps_card(view: &OccurrenceView, happened: &str, no_gaps: &str) -> Card {
    let question = format!(
        "{} {happened} — what capability gaps did it surface?",
        view.title
    );
    let mut parts = vec![Part::Heading(question.clone())];
    if view.capabilities.is_empty() {
        parts.push(Part::Body(Text::new().plain(
            "Plan an intervention if you already know what would help, or say there were no gaps.",
        )));
    } else {
        parts.push(Part::Body(
            Text::new()
                .plain("Name each gap while it is fresh: pick who and which capability, then ")
                .strong("Log gap")
                .plain(". Plan an intervention if you already know what would help."),
        ));
        parts.push(Part::Controls(vec![
            Control::PersonPicker {
                action: Action::on(Verb::PickPerson, view.id),
                placeholder: "Who".into(),
            },
            Control::Choice {
                action: Action::on(Verb::PickCapability, view.id),
                placeholder: "Which capability".into(),
                options: view.capabilities.clone(),
            },
            button(Verb::LogGap, view.id, "Log gap", Emphasis::Primary),
        ]));
    }
    parts.push(Part::Controls(vec![
        button(
            Verb::PlanIntervention,
            view.id,
            "Plan intervention",
            Emphasis::Normal,
        ),
        button(Verb::NoGaps, view.id, no_gaps, Emphasis::Normal),
    ]));
    parts.push(team_note(view));
    Card {
        summary: question,
        parts,
    }
}

/// "Leave with three capability interventions": one button that opens the three-row form.
fn qbr_card(view: &OccurrenceView) -> Card {
    Card {
        summary: format!("{}: leave with three capability interventions", view.title),
        parts: vec![
            Part::Heading("Leave with three capability interventions".into()),
            Part::Body(
                Text::new()
                    .strong(view.title.as_str())
                    .plain(": before you close, plan three interventions — who, which capability, and how (a module, pairing, shadowing or a stretch assignment)."),
            ),
            Part::Controls(vec![button(
                Verb::PlanInterventions,
                view.id,
                "Plan three interventions",
                Emphasis::Primary,
            )]),
            team_note(view),
        ],
    }
}

/// Sales calls: one "Coaching moment" button that opens a short form.
fn coaching_card(view: &OccurrenceView) -> Card {
    let question = format!("{} — any coaching moments?", view.title);
    Card {
        summary: question.clone(),
        parts: vec![
            Part::Heading(question),
            Part::Body(Text::new().plain(
                "Capture a coaching moment while it is fresh: who, which capability, and what happened.",
            )),
            Part::Controls(vec![button(
                Verb::CoachingMoment,
                view.id,
                "Coaching moment",
                Emphasis::Primary,
            )]),
            team_note(view),
        ],
    }
}

/// Rituals without a specific artefact: plan an intervention, capture a coaching moment, or
/// say there was nothing (which also silences the nudge).
fn generic_card(view: &OccurrenceView) -> Card {
    let question = format!("{} — anything to plan for capabilities?", view.title);
    Card {
        summary: question.clone(),
        parts: vec![
            Part::Heading(question),
            Part::Body(Text::new().plain(
                "Did this surface a skill gap or a coaching moment? Plan an intervention, or say there was nothing this time.",
            )),
            Part::Controls(vec![
                button(
                    Verb::PlanIntervention,
                    view.id,
                    "Plan intervention",
                    Emphasis::Primary,
                ),
                button(
                    Verb::CoachingMoment,
                    view.id,
                    "Coaching moment",
                    Emphasis::Normal,
                ),
                button(Verb::NoGaps, view.id, "Nothing this time", Emphasis::Normal),
            ]),
            team_note(view),
        ],
    }
}

/// Small print naming the team, and saying who may act, so a refusal is no surprise.
fn team_note(view: &OccurrenceView) -> Part {
    let mut lines = vec![
        Text::new()
            .plain("Team ")
            .strong(view.team.as_str())
            .plain(" · only the team's managers can record decisions from this card."),
    ];
    if view.capabilities.is_empty() {
        lines
            .push(Text::new().plain(
                "No capabilities are set up for this team yet; add some to pick them here.",
            ));
    }
    Part::Note(lines)
}

fn button(verb: Verb, record: i64, label: &str, emphasis: Emphasis) -> Control {
    Control::Button {
        action: Action::on(verb, record),
        label: label.into(),
        emphasis,
    }
}

/// The form "Plan intervention" opens: who, which capability, how, and by when.
pub fn intervention_form(occurrence: i64, capabilities: &[Choice]) -> Form {
    Form {
        action: Action::on(Verb::PlanIntervention, occurrence),
        title: "Plan intervention".into(),
        submit: "Plan".into(),
        inputs: vec![
            input("person", "Who", InputKind::Person, false),
            input(
                "capability",
                "Capability",
                InputKind::Capability(capabilities.to_vec()),
                false,
            ),
            input(
                "means",
                "How (a module, pairing, shadowing, a stretch assignment)",
                InputKind::Text {
                    multiline: false,
                    max_chars: MEANS_MAX_CHARS,
                },
                false,
            ),
            input("due", "Due by", InputKind::Date, true),
        ],
    }
}

/// The QBR form: three rows of who / capability / how (`person_N`, `capability_N`, `means_N`
/// for N = 1..3). Row 1 is required; rows 2 and 3 are optional here because a platform can only
/// make single inputs optional, so the submission handler must refuse a half-filled row.
pub fn qbr_form(occurrence: i64, capabilities: &[Choice]) -> Form {
    let mut inputs = Vec::with_capacity(9);
    for row in 1..=3 {
        let optional = row > 1;
        inputs.push(input(
            &format!("person_{row}"),
            &format!("Intervention {row}: who"),
            InputKind::Person,
            optional,
        ));
        inputs.push(input(
            &format!("capability_{row}"),
            &format!("Intervention {row}: capability"),
            InputKind::Capability(capabilities.to_vec()),
            optional,
        ));
        inputs.push(input(
            &format!("means_{row}"),
            &format!("Intervention {row}: how"),
            InputKind::Text {
                multiline: false,
                max_chars: MEANS_MAX_CHARS,
            },
            optional,
        ));
    }
    Form {
        action: Action::on(Verb::PlanInterventions, occurrence),
        title: "Three interventions".into(),
        submit: "Plan them".into(),
        inputs,
    }
}

/// The coaching-moment form: who, which capability, and what happened.
pub fn coaching_form(occurrence: i64, capabilities: &[Choice]) -> Form {
    Form {
        action: Action::on(Verb::CoachingMoment, occurrence),
        title: "Coaching moment".into(),
        submit: "Log".into(),
        inputs: vec![
            input("person", "Who", InputKind::Person, false),
            input(
                "capability",
                "Capability",
                InputKind::Capability(capabilities.to_vec()),
                false,
            ),
            input(
                "note",
                "What happened",
                InputKind::Text {
                    multiline: true,
                    max_chars: NOTE_MAX_CHARS,
                },
                false,
            ),
        ],
    }
}

fn input(id: &str, label: &str, kind: InputKind, optional: bool) -> Input {
    Input {
        id: id.into(),
        label: label.into(),
        kind,
        optional,
    }
}

/// The card a team's managers get when a member asks to enter a track: Approve (primary) and
/// Decline (danger), both about the stored request decision, with the requester's id as the
/// action's subject so the handler can cross-check it.
pub fn track_request_card(request: &TrackRequestView) -> Card {
    let mut parts = vec![
        Part::Heading("Track request".into()),
        Part::Body(
            Text::new()
                .mention(request.person_id.as_str())
                .plain(" asks to enter the ")
                .strong(request.track.as_str())
                .plain(" track."),
        ),
    ];
    if let Some(note) = &request.note {
        parts.push(Part::Facts(vec![Fact {
            label: "Their note".into(),
            value: Text::new().plain(note.as_str()),
        }]));
    }
    parts.push(track_answer_controls(request.decision, &request.person_id));
    parts.push(Part::Note(vec![Text::new().plain(
        "Only the team's managers can decide; anyone else is told so and nothing is recorded.",
    )]));
    Card {
        summary: format!(
            "{} asks to enter the {} track",
            request.person_name, request.track
        ),
        parts,
    }
}

/// The same card, updated in place to show what was logged from it and by whom.
///
/// The rule: pass the card as first posted and *every* outcome line so far (one [`Text`] per
/// decision, e.g. "@alice logged a gap: @bob — architecture trade-offs"). The lines go in one
/// body part after a separator, above the controls, so rebuilding from the store after a retry
/// shows each line once. With `close` (the artefact is complete: "No gaps", the QBR's three
/// interventions, a track decided) the controls are removed and a closing note is added, so
/// nobody records into a finished prompt; otherwise the controls stay for the next decision.
pub fn with_outcome(card: &Card, lines: &[Text], close: bool) -> Card {
    let mut outcome = Text::new();
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            outcome = outcome.line();
        }
        outcome = outcome.append(line.clone());
    }

    let mut parts: Vec<Part> = card
        .parts
        .iter()
        .filter(|part| !(close && matches!(part, Part::Controls(_))))
        .cloned()
        .collect();
    if !lines.is_empty() {
        // Above the first row of controls (or the small print that follows them), so the card
        // still reads top to bottom: question, what was logged, what you can do next.
        let at = parts
            .iter()
            .position(|part| matches!(part, Part::Controls(_) | Part::Note(_)))
            .unwrap_or(parts.len());
        parts.splice(at..at, [Part::Separator, Part::Body(outcome)]);
    }
    if close {
        parts.push(Part::Note(vec![
            Text::new().plain("Closed: nothing more to record here."),
        ]));
    }
    Card {
        summary: card.summary.clone(),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(kind: RitualKind) -> OccurrenceView {
        OccurrenceView {
            id: 42,
            kind,
            team: "Atlas".into(),
            title: "ATL Sprint 42".into(),
            capabilities: vec![
                Choice::new("architecture trade-offs", "cap-7"),
                Choice::new("run EBR", "cap-9"),
            ],
        }
    }

    fn verbs(card: &Card) -> Vec<Verb> {
        card.parts
            .iter()
            .filter_map(|part| match part {
                Part::Controls(controls) => Some(controls),
                _ => None,
            })
            .flatten()
            .map(|control| control.action().verb)
            .collect()
    }

    #[test]
    fn each_kind_gets_its_prompt() {
        let retro = prompt_card(&view(RitualKind::Retro));
        assert_eq!(
            retro.summary,
            "ATL Sprint 42 closed — what capability gaps did it surface?"
        );
        assert_eq!(
            verbs(&retro),
            [
                Verb::PickPerson,
                Verb::PickCapability,
                Verb::LogGap,
                Verb::PlanIntervention,
                Verb::NoGaps
            ]
        );
        assert_eq!(
            verbs(&prompt_card(&view(RitualKind::Qbr))),
            [Verb::PlanInterventions]
        );
        for kind in [
            RitualKind::PipelineCall,
            RitualKind::ForecastCall,
            RitualKind::DealReview,
        ] {
            assert_eq!(verbs(&prompt_card(&view(kind))), [Verb::CoachingMoment]);
        }
        for kind in RitualKind::ALL {
            let card = prompt_card(&view(kind));
            assert!(!verbs(&card).is_empty(), "{kind} offers nothing to do");
            let every_action_is_about_the_occurrence = card
                .parts
                .iter()
                .filter_map(|part| match part {
                    Part::Controls(controls) => Some(controls),
                    _ => None,
                })
                .flatten()
                .all(|control| control.action().record == Some(42));
            assert!(every_action_is_about_the_occurrence, "{kind}");
        }
    }

    #[test]
    fn a_team_without_capabilities_gets_no_empty_picker() {
        let mut bare = view(RitualKind::Retro);
        bare.capabilities.clear();
        let card = prompt_card(&bare);
        assert_eq!(verbs(&card), [Verb::PlanIntervention, Verb::NoGaps]);
    }

    #[test]
    fn user_words_stay_plain_spans() {
        let mut hostile = view(RitualKind::Qbr);
        hostile.title = "*bold* <!channel>".into();
        hostile.team = "<@U1>".into();
        let card = prompt_card(&hostile);
        let json = serde_json::to_string(&card).unwrap();
        // The words are stored exactly as typed, inside spans; escaping is the renderer's job.
        assert!(json.contains(r#"{"strong":"*bold* <!channel>"}"#), "{json}");
        assert!(json.contains(r#"{"strong":"<@U1>"}"#), "{json}");
    }

    #[test]
    fn forms_have_unique_input_ids_and_the_right_action() {
        let caps = view(RitualKind::Qbr).capabilities;
        for (form, verb, required) in [
            (intervention_form(42, &caps), Verb::PlanIntervention, 3),
            (qbr_form(42, &caps), Verb::PlanInterventions, 3),
            (coaching_form(42, &caps), Verb::CoachingMoment, 3),
        ] {
            assert_eq!(form.action, Action::on(verb, 42));
            let mut ids: Vec<_> = form.inputs.iter().map(|i| i.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), form.inputs.len());
            assert_eq!(form.inputs.iter().filter(|i| !i.optional).count(), required);
            assert!(form.title.chars().count() <= 24 && form.submit.chars().count() <= 24);
        }
        assert_eq!(qbr_form(1, &caps).inputs.len(), 9);
    }

    #[test]
    fn track_buttons_carry_the_request_and_the_requester() {
        let card = track_request_card(&TrackRequestView {
            person_id: "U42".into(),
            person_name: "Alice".into(),
            track: "Architecture lead".into(),
            note: None,
            decision: 77,
        });
        let encoded: Vec<String> = card
            .parts
            .iter()
            .filter_map(|part| match part {
                Part::Controls(controls) => Some(controls),
                _ => None,
            })
            .flatten()
            .map(|control| control.action().encode())
            .collect();
        assert_eq!(encoded, ["approve:77:U42", "decline:77:U42"]);
        assert_eq!(
            card.summary,
            "Alice asks to enter the Architecture lead track"
        );
    }

    #[test]
    fn outcome_goes_above_the_controls_and_close_removes_them() {
        let card = prompt_card(&view(RitualKind::Retro));
        let line = Text::new().mention("U1").plain(" logged a gap");
        let open = with_outcome(&card, std::slice::from_ref(&line), false);
        assert_eq!(verbs(&open), verbs(&card));
        let body_at = open
            .parts
            .iter()
            .position(|p| *p == Part::Body(line.clone()))
            .unwrap();
        let controls_at = open
            .parts
            .iter()
            .position(|p| matches!(p, Part::Controls(_)))
            .unwrap();
        assert!(body_at < controls_at);

        let closed = with_outcome(&card, &[line.clone(), line], true);
        assert!(verbs(&closed).is_empty());
        assert_eq!(closed.summary, card.summary);

        // All lines go in one body, once, joined by line breaks.
        let lines = [Text::new().plain("a"), Text::new().plain("b")];
        let updated = with_outcome(&card, &lines, false);
        let added: Vec<&Part> = updated
            .parts
            .iter()
            .filter(|part| !card.parts.contains(part))
            .collect();
        assert_eq!(
            added,
            [
                &Part::Separator,
                &Part::Body(Text::new().plain("a").line().plain("b"))
            ]
        );
        // No lines, no change.
        assert_eq!(with_outcome(&card, &[], false), card);
    }
}
