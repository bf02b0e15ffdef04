//! Neutral interactive cards: what a prompt shows and which clicks it offers, with no platform's
//! layout words in it.
//!
//! The domain builds one [`Card`] (a message with parts and controls) or one [`Form`] (a dialog
//! with inputs); the Slack renderer turns them into Block Kit, the Teams renderer into an Adaptive
//! Card. Cards are stored as JSON in the outbox, so every type here is serde-serialisable and the
//! serialised shape is part of the stored format: rename with care.
//!
//! Every control carries an [`Action`] whose compact [`Action::encode`] string is enough to route
//! the click without server-side session state (design.md §3, "Interactive cards").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::Text;

/// A message with a plain-text summary and an ordered list of parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// Plain-text fallback for notifications and clients that cannot show the parts. Shown as
    /// is, so it may hold user words: renderers escape it.
    pub summary: String,
    /// What the card shows, top to bottom.
    pub parts: Vec<Part>,
}

/// One part of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// A title line in large type; plain words, never markup.
    Heading(String),
    /// Rich body text.
    Body(Text),
    /// Label–value pairs shown side by side where the platform can.
    Facts(Vec<Fact>),
    /// Small print, one entry per line or item.
    Note(Vec<Text>),
    /// A horizontal rule.
    Separator,
    /// A row of interactive controls.
    Controls(Vec<Control>),
}

/// A label–value pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// What the value is (plain words).
    pub label: String,
    /// The value.
    pub value: Text,
}

/// How strongly a button asks to be pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Emphasis {
    /// An ordinary button.
    #[default]
    Normal,
    /// The affirming action; at most one per row.
    Primary,
    /// A destructive or refusing action.
    Danger,
}

/// An interactive control on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// A button.
    Button {
        /// What a click means.
        action: Action,
        /// The button's words (plain).
        label: String,
        /// How it is styled.
        emphasis: Emphasis,
    },
    /// A picker of people in the workspace or tenant.
    PersonPicker {
        /// What a pick means.
        action: Action,
        /// Words shown before anything is picked.
        placeholder: String,
    },
    /// A picker of one value from a fixed list.
    Choice {
        /// What a pick means.
        action: Action,
        /// Words shown before anything is picked.
        placeholder: String,
        /// The list, in display order.
        options: Vec<Choice>,
    },
}

impl Card {
    /// A card that only says `text`, with `text` as its summary too.
    pub fn of_text(text: Text) -> Card {
        Card {
            summary: text.to_string(),
            parts: vec![Part::Body(text)],
        }
    }

    /// The user and channel ids the card names, in order, each once: renderers that show names
    /// rather than pings or raw ids (Teams) look them up.
    pub fn mentions(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let mut add = |text: &Text| {
            for span in text.spans() {
                if let super::text::Span::Mention(id) | super::text::Span::Channel(id) = span
                    && !found.contains(id)
                {
                    found.push(id.clone());
                }
            }
        };
        for part in &self.parts {
            match part {
                Part::Body(text) => add(text),
                Part::Facts(facts) => facts.iter().for_each(|f| add(&f.value)),
                Part::Note(lines) => lines.iter().for_each(&mut add),
                Part::Heading(_) | Part::Separator | Part::Controls(_) => {}
            }
        }
        found
    }
}

impl Control {
    /// The action the control carries.
    pub fn action(&self) -> &Action {
        match self {
            Control::Button { action, .. }
            | Control::PersonPicker { action, .. }
            | Control::Choice { action, .. } => action,
        }
    }
}

/// The most options a capability picker offers (Slack's static_select allows 100).
pub const PICKER_OPTIONS: usize = 100;

/// One option of a [`Control::Choice`] or an [`InputKind::Capability`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// What people see (plain).
    pub label: String,
    /// What comes back when it is picked: a short key, not display text.
    pub value: String,
}

impl Choice {
    /// A choice from a label and a value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Choice {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// What a click or a submitted form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    /// Record a skill gap from the card's pickers (decision `gap`).
    LogGap,
    /// Open the one-intervention form, or submit it (decision `intervene`).
    PlanIntervention,
    /// Nothing this time: stops the nudge (decision `no_gaps`).
    NoGaps,
    /// Open the three-intervention QBR form, or submit it (decisions `intervene`).
    PlanInterventions,
    /// Open the coaching-moment form, or submit it (decision `coach`).
    CoachingMoment,
    /// Approve a track request (decision `approve_track`).
    ApproveTrack,
    /// Decline a track request (decision `decline_track`).
    DeclineTrack,
    /// A person was picked on a card; nothing is recorded until a button is pressed.
    PickPerson,
    /// A capability was picked on a card; nothing is recorded until a button is pressed.
    PickCapability,
    /// Put a nudge off until the next working morning (decision `snooze`).
    SnoozeNudge,
    /// Bind a ritual the attention audit proposed (decision `bind_ritual`).
    BindRitual,
    /// Approve an allocation over budget (decision `approve_budget`).
    ApproveBudget,
    /// Decline an allocation over budget (decision `decline_budget`).
    DeclineBudget,
    /// Accept a commission: its module becomes proposed (decision `accept_commission`).
    AcceptCommission,
    /// Open the form asking a commission's manager for changes, or submit it (decision
    /// `revise_commission`).
    ReviseCommission,
    /// Open the form declining a commission, or submit it (decision `decline_commission`).
    DeclineCommission,
}

impl Verb {
    /// Every verb.
    pub const ALL: [Verb; 16] = [
        Verb::LogGap,
        Verb::PlanIntervention,
        Verb::NoGaps,
        Verb::PlanInterventions,
        Verb::CoachingMoment,
        Verb::ApproveTrack,
        Verb::DeclineTrack,
        Verb::PickPerson,
        Verb::PickCapability,
        Verb::SnoozeNudge,
        Verb::BindRitual,
        Verb::ApproveBudget,
        Verb::DeclineBudget,
        Verb::AcceptCommission,
        Verb::ReviseCommission,
        Verb::DeclineCommission,
    ];

    /// The short code used in [`Action::encode`]; stable, because posted cards keep it.
    pub fn code(self) -> &'static str {
        match self {
            Verb::LogGap => "gap",
            Verb::PlanIntervention => "intervene",
            Verb::NoGaps => "no_gaps",
            Verb::PlanInterventions => "intervene3",
            Verb::CoachingMoment => "coach",
            Verb::ApproveTrack => "approve",
            Verb::DeclineTrack => "decline",
            Verb::PickPerson => "person",
            Verb::PickCapability => "capability",
            Verb::SnoozeNudge => "snooze",
            Verb::BindRitual => "bind",
            Verb::ApproveBudget => "approve_budget",
            Verb::DeclineBudget => "decline_budget",
            Verb::AcceptCommission => "accept_commission",
            Verb::ReviseCommission => "revise_commission",
            Verb::DeclineCommission => "decline_commission",
        }
    }

    /// Whether a click opens a form, whose submission comes back under the same verb.
    pub fn opens_form(self) -> bool {
        matches!(
            self,
            Verb::PlanIntervention
                | Verb::PlanInterventions
                | Verb::CoachingMoment
                | Verb::ReviseCommission
                | Verb::DeclineCommission
        )
    }

    /// The verb with this code, if any.
    pub fn from_code(code: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|verb| verb.code() == code)
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a control means: a verb, the stored record it is about, and an optional subject.
///
/// Encoded as `verb[:record[:subject]]`, e.g. `gap:123` or `approve:77:U42`; see
/// [`Action::encode`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Action {
    /// What to do.
    pub verb: Verb,
    /// The stored row the click is about: the occurrence for ritual verbs, the request's
    /// decision for [`Verb::ApproveTrack`], [`Verb::DeclineTrack`], [`Verb::ApproveBudget`] and
    /// [`Verb::DeclineBudget`].
    pub record: Option<i64>,
    /// A cross-check the handler may compare with the stored row (e.g. the requester's platform
    /// id on a track decision). Never the only key: it is left out of the encoding when it does
    /// not fit (see [`Action::MAX_ENCODED`]).
    pub subject: Option<String>,
}

impl Action {
    /// The longest encoding [`Action::encode`] produces and [`Action::decode`] accepts. It keeps
    /// the string well inside every platform field it travels in (Slack's tightest is 255).
    pub const MAX_ENCODED: usize = 150;

    /// An action about a stored record (an occurrence or a decision).
    pub fn on(verb: Verb, record: i64) -> Self {
        Action {
            verb,
            record: Some(record),
            subject: None,
        }
    }

    /// The same action with a subject.
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The compact, canonical form: `verb`, then `:record` when there is a record or a subject
    /// (empty when only the subject is set), then `:subject` with every character outside
    /// `[A-Za-z0-9_.:-]` percent-encoded as UTF-8.
    ///
    /// The result is at most [`Action::MAX_ENCODED`] characters and uses only
    /// `[A-Za-z0-9_.:%-]`, so adapters may append their own markers after a character outside
    /// that set (the Slack renderer uses `#`). A subject that would break the length bound is
    /// dropped: the verb and record alone always fit, and they are what routes the click.
    pub fn encode(&self) -> String {
        let mut out = String::from(self.verb.code());
        if self.record.is_none() && self.subject.is_none() {
            return out;
        }
        out.push(':');
        if let Some(record) = self.record {
            out.push_str(&record.to_string());
        }
        if let Some(subject) = &self.subject {
            let escaped = escape_subject(subject);
            if out.len() + 1 + escaped.len() <= Action::MAX_ENCODED {
                out.push(':');
                out.push_str(&escaped);
            } else if self.record.is_none() {
                // Only the subject made us write the record separator; without it, drop both.
                out.pop();
            }
        }
        out
    }

    /// Reads an [`Action::encode`] string back; `None` for anything that is not exactly a
    /// canonical encoding. Never panics, whatever the input.
    pub fn decode(encoded: &str) -> Option<Action> {
        if encoded.len() > Action::MAX_ENCODED {
            return None;
        }
        let mut fields = encoded.splitn(3, ':');
        let verb = Verb::from_code(fields.next()?)?;
        let record = match fields.next() {
            None | Some("") => None,
            Some(digits) => Some(digits.parse::<i64>().ok()?),
        };
        let subject = match fields.next() {
            None => None,
            Some(escaped) => Some(unescape_subject(escaped)?),
        };
        let action = Action {
            verb,
            record,
            subject,
        };
        // Accepting only the canonical form keeps the encoding one-to-one: `gap:+7`, `gap:007`
        // or `%41` for `A` would otherwise name the same action in several ways.
        (action.encode() == encoded).then_some(action)
    }
}

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::decode(s).ok_or(UnknownAction)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// A string that is not an [`Action::encode`] encoding (a stale card, or someone else's button).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a Cadence card action")]
pub struct UnknownAction;

/// Characters a subject keeps as they are; the rest are percent-encoded.
fn subject_char_is_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')
}

fn escape_subject(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    for c in subject.chars() {
        if subject_char_is_safe(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

fn unescape_subject(escaped: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(escaped.len());
    let mut rest = escaped.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' {
            let hex = tail.get(..2)?;
            let hex = std::str::from_utf8(hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// A dialog that collects a few inputs and submits them as one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// What submitting means.
    pub action: Action,
    /// The dialog's title (plain, short).
    pub title: String,
    /// The submit button's words (plain, short).
    pub submit: String,
    /// The inputs, top to bottom.
    pub inputs: Vec<Input>,
}

/// One input of a [`Form`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The key the submitted value comes back under; unique within the form.
    pub id: String,
    /// The words above the input (plain).
    pub label: String,
    /// What is asked for.
    pub kind: InputKind,
    /// Whether the form may be submitted without it.
    pub optional: bool,
}

/// What an [`Input`] asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// One person (a platform user id comes back).
    Person,
    /// One capability from the team's list (the [`Choice::value`] comes back). With an empty
    /// list, renderers ask for the capability's name as text instead.
    Capability(Vec<Choice>),
    /// Free text.
    Text {
        /// A text area rather than one line.
        multiline: bool,
        /// The most characters accepted.
        max_chars: u32,
    },
    /// A calendar date (`YYYY-MM-DD` comes back).
    Date,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn verbs() -> impl Strategy<Value = Verb> {
        proptest::sample::select(Verb::ALL.to_vec())
    }

    #[test]
    fn encodes_compactly() {
        assert_eq!(Action::on(Verb::LogGap, 123).encode(), "gap:123");
        assert_eq!(
            Action::on(Verb::ApproveTrack, 123)
                .with_subject("U42")
                .encode(),
            "approve:123:U42"
        );
        let bare = Action {
            verb: Verb::NoGaps,
            record: None,
            subject: None,
        };
        assert_eq!(bare.encode(), "no_gaps");
        let subject_only = Action {
            verb: Verb::DeclineTrack,
            record: None,
            subject: Some("29:1a b".into()),
        };
        assert_eq!(subject_only.encode(), "decline::29:1a%20b");
        assert_eq!(Action::on(Verb::PickPerson, -5).encode(), "person:-5");
    }

    #[test]
    fn every_verb_round_trips_with_every_shape() {
        let records = [None, Some(0), Some(42), Some(i64::MAX), Some(i64::MIN)];
        let subjects = [
            None,
            Some(""),
            Some("U42"),
            Some("a:b:c"),
            Some("ü 🎉 #%&<>"),
        ];
        for verb in Verb::ALL {
            assert_eq!(Verb::from_code(verb.code()), Some(verb));
            for record in records {
                for subject in subjects {
                    let action = Action {
                        verb,
                        record,
                        subject: subject.map(str::to_owned),
                    };
                    let encoded = action.encode();
                    assert_eq!(Action::decode(&encoded), Some(action), "{encoded}");
                }
            }
        }
    }

    #[test]
    fn a_subject_that_does_not_fit_is_dropped_not_cut() {
        let long = "x".repeat(200);
        let action = Action::on(Verb::ApproveTrack, 9).with_subject(long.clone());
        assert_eq!(action.encode(), "approve:9");
        let subject_only = Action {
            verb: Verb::ApproveTrack,
            record: None,
            subject: Some(long),
        };
        assert_eq!(subject_only.encode(), "approve");
    }

    #[test]
    fn decode_refuses_non_canonical_and_foreign_strings() {
        for bad in [
            "",
            ":",
            "gap:",
            "gap:+1",
            "gap:007",
            "gap: 1",
            "gap:1:%4",
            "gap:1:%41",
            "gap:1:%zz",
            "gap:1:%FF",
            "gap:1:a b",
            "gap:1#2",
            "GAP:1",
            "explode:1",
            "gap:99999999999999999999",
        ] {
            assert_eq!(Action::decode(bad), None, "{bad:?}");
        }
        assert_eq!(Action::decode(&format!("gap:1:{}", "a".repeat(150))), None);
    }

    #[test]
    fn cards_survive_the_outbox_as_json() {
        let card = Card {
            summary: "s".into(),
            parts: vec![
                Part::Heading("h".into()),
                Part::Body(Text::new().plain("a").mention("U1").line().strong("b")),
                Part::Facts(vec![Fact {
                    label: "l".into(),
                    value: Text::new().code("v"),
                }]),
                Part::Note(vec![Text::new().channel("C1")]),
                Part::Separator,
                Part::Controls(vec![
                    Control::Button {
                        action: Action::on(Verb::LogGap, 1),
                        label: "Log".into(),
                        emphasis: Emphasis::Primary,
                    },
                    Control::PersonPicker {
                        action: Action::on(Verb::PickPerson, 1),
                        placeholder: "Who".into(),
                    },
                    Control::Choice {
                        action: Action::on(Verb::PickCapability, 1),
                        placeholder: "What".into(),
                        options: vec![Choice::new("A", "a")],
                    },
                ]),
            ],
        };
        let json = serde_json::to_string(&card).unwrap();
        assert_eq!(serde_json::from_str::<Card>(&json).unwrap(), card);

        let form = Form {
            action: Action::on(Verb::PlanIntervention, 1),
            title: "t".into(),
            submit: "s".into(),
            inputs: vec![
                Input {
                    id: "p".into(),
                    label: "P".into(),
                    kind: InputKind::Person,
                    optional: false,
                },
                Input {
                    id: "c".into(),
                    label: "C".into(),
                    kind: InputKind::Capability(vec![Choice::new("A", "a")]),
                    optional: true,
                },
                Input {
                    id: "t".into(),
                    label: "T".into(),
                    kind: InputKind::Text {
                        multiline: true,
                        max_chars: 10,
                    },
                    optional: false,
                },
                Input {
                    id: "d".into(),
                    label: "D".into(),
                    kind: InputKind::Date,
                    optional: true,
                },
            ],
        };
        let json = serde_json::to_string(&form).unwrap();
        assert_eq!(serde_json::from_str::<Form>(&json).unwrap(), form);
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(
            verb in verbs(),
            record in proptest::option::of(any::<i64>()),
            subject in proptest::option::of(".{0,40}"),
        ) {
            let action = Action { verb, record, subject };
            let encoded = action.encode();
            prop_assert!(encoded.chars().count() <= Action::MAX_ENCODED);
            prop_assert!(encoded
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:%-".contains(c)));
            let decoded = Action::decode(&encoded);
            // A subject that did not fit was dropped; everything else comes back exactly.
            let fits = action.subject.as_deref().is_none_or(|subject| {
                let record = action.record.map_or(0, |r| r.to_string().len());
                verb.code().len() + 2 + record + escape_subject(subject).len()
                    <= Action::MAX_ENCODED
            });
            let expected = if fits {
                action.clone()
            } else {
                Action { subject: None, ..action.clone() }
            };
            prop_assert_eq!(decoded, Some(expected));
        }

        #[test]
        fn decode_never_panics(input in ".{0,200}") {
            let _ = Action::decode(&input);
        }

        #[test]
        fn decode_never_panics_on_near_misses(input in "(gap|approve|person)(:[-+0-9a-zA-Z%#: ]{0,30}){0,3}") {
            if let Some(action) = Action::decode(&input) {
                prop_assert_eq!(action.encode(), input);
            }
        }
    }
}
