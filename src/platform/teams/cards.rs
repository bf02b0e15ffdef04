//! Renders neutral [`Card`]s and [`Form`]s as Adaptive Cards for Microsoft Teams, and reads a
//! card's clicks and submitted inputs back.
//!
//! Teams renders schema 1.5 ([`SCHEMA_VERSION`]) and refuses a message that is too large
//! ([`MAX_CARD_BYTES`]); a refused prompt is a ritual without its question. So, like the Block
//! Kit renderer, this one obeys its limits by construction: long text is cut, long lists capped,
//! ids made unique, button rows wrapped, and a card that would still be too large is squeezed
//! (shorter text, fewer options) and, as a last resort, loses its least important parts, with a
//! note saying so — it is never sent too large. Texts are cut by characters *before* they are
//! escaped and closed with "…", so a cut never splits an escape, a character or bold markers.
//! The per-field caps below are Cadence's, not Teams' (which documents none but the payload
//! size); they match the Block Kit ones so both platforms cut the same words.
//!
//! Every word that reaches Markdown (TextBlocks, facts, `fallbackText`) goes through
//! [`markdown`], so user text cannot link, mention or format. Button titles, input labels,
//! placeholders and choice titles are plain text in the Adaptive Card schema.
//!
//! Buttons are `Action.Execute` (Universal Actions): the click arrives as an
//! `adaptiveCard/action` invoke whose `verb` is the control's [`Action::encode`] string and whose
//! `data` is `{"action": <the same string>}` merged with the card's input values. Pickers are
//! inputs whose `id` is their own action's encoding (suffixed `#2`, `#3`… if repeated, as in Block
//! Kit), so the handler reads a pick from the submitted data under that key;
//! [`action_from_invoke`] returns both. A row's buttons submit every input on the card
//! (`associatedInputs` defaults to `auto`); a row without pickers submits none, so "No gaps" does
//! not carry a stray pick.
//! <https://adaptivecards.io/explorer/Action.Execute.html>

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::markdown::{self, Names};
use crate::domain::card::{
    Action, Card, Choice, Control, Emphasis, Fact, Form, Input, InputKind, PICKER_OPTIONS, Part,
};
use crate::domain::text::{Span, Text};

/// The Adaptive Card schema version every card declares: the newest Teams renders (Universal
/// Actions need 1.4 or later).
pub const SCHEMA_VERSION: &str = "1.5";

/// The most bytes a serialised card (compact JSON, UTF-8) may take.
///
/// Teams' own limits are larger but counted differently: a bot message may be about 100 KB
/// counted as UTF-16, 80 KB recommended (40 KB in older documentation), envelope included
/// (learn.microsoft.com, "Format your bot messages"); messages posted through Graph or the
/// Workflows connectors stop at about 28 KB. 28 KB of UTF-8 is at most 56 KB of UTF-16, so a card
/// within this bound fits every path with room for the activity around it.
pub const MAX_CARD_BYTES: usize = 28 * 1024;

/// The `$schema` every card names.
const SCHEMA_URL: &str = "http://adaptivecards.io/schemas/adaptive-card.json";

/// The key in an action's `data` that holds the encoded action. Input ids never take it, because
/// Teams merges input values into `data` and an input named so would overwrite the action.
const ACTION_KEY: &str = "action";

/// A heading's characters.
const HEADING_TEXT: usize = 150;
/// A body TextBlock's characters.
const BODY_TEXT: usize = 3000;
/// A fact's title.
const FACT_TITLE: usize = 150;
/// A fact's value.
const FACT_VALUE: usize = 2000;
/// One line of small print.
const NOTE_TEXT: usize = 2000;
/// Lines of small print in one note; more end with "…and N more".
const NOTE_LINES: usize = 10;
/// A button's title; Teams shows long ones cut anyway.
const BUTTON_TITLE: usize = 75;
/// An input's placeholder.
const PLACEHOLDER_TEXT: usize = 150;
/// An input's label.
const INPUT_LABEL: usize = 2000;
/// A choice's title.
const CHOICE_TITLE: usize = 75;
/// A choice's value; a longer one is left out, because a cut value would name something else.
const CHOICE_VALUE: usize = 150;
/// The longest name a person input takes.
const PERSON_NAME_MAX: u32 = 200;
/// `fallbackText`, shown by clients that cannot render the card.
const FALLBACK_TEXT: usize = 4000;
/// Buttons per ActionSet: the `maxActions` of the Adaptive Cards SDK's default host config (the
/// official validator flags more), within what Teams shows in a row. Longer rows wrap.
const ACTIONS_PER_SET: usize = 5;
/// How far the caps above are divided, in turn, while a card is too large.
const SQUEEZES: [usize; 8] = [1, 2, 4, 8, 16, 32, 64, 128];
/// The shortest a squeezed text gets (unless its cap is shorter).
const MIN_CUT: usize = 20;

/// What closes every cut text.
const ELLIPSIS: char = '…';

/// The AdaptiveCard object for a card, ready to be the `content` of an attachment with
/// `contentType: "application/vnd.microsoft.card.adaptive"`. Mentions show as `@id`; use
/// [`card_with_names`] to show display names.
#[cfg(test)]
pub(crate) fn card(card: &Card) -> Value {
    card_with_names(card, &Names::new())
}

/// The AdaptiveCard object for a card, with mentions and channel references shown by the display names in `names`
/// (platform id → name); ids without a name show as `@id`.
pub fn card_with_names(card: &Card, names: &Names) -> Value {
    fit(|squeeze| {
        let mut draft = Draft::new(squeeze, names);
        for part in &card.parts {
            draft.part(part);
        }
        let summary = super::markdown::summary_with_names(card, names);
        let fallback = fallback_words(card, &summary);
        draft.fallback = draft.markdown(&Text::new().plain(fallback), FALLBACK_TEXT);
        draft
    })
}

/// A form as an Adaptive Card: its title as a heading, one input per [`Input`] (id = the
/// input's id, so a submission's values come back under the same keys as in Slack), and one
/// `Action.Execute` submit button whose verb is the form's [`Action::encode`] string. Inputs that
/// are not optional are `isRequired`, with an `errorMessage`, so Teams refuses to submit without
/// them.
pub fn form(form: &Form) -> Value {
    // Forms hold no mentions, so no names.
    let names = Names::new();
    fit(|squeeze| {
        let mut draft = Draft::new(squeeze, &names);
        let title = if form.title.trim().is_empty() {
            "Cadence"
        } else {
            form.title.trim()
        };
        draft.heading(title);
        for input in &form.inputs {
            let element = draft.form_input(input, &form.action);
            draft.push(element, Keep::Controls);
        }
        let submit = draft.execute(&form.action, &form.submit, Emphasis::Primary, true);
        draft.actions.push(submit);
        draft.fallback = draft.markdown(&Text::new().plain(title), FALLBACK_TEXT);
        draft
    })
}

/// The action and the submitted input values of a click on a card from [`card`] or [`form`].
///
/// `value` is the `value` of an `adaptiveCard/action` invoke
/// (`{"action":{"type":"Action.Execute","verb":…,"data":{…}},"trigger":"manual"}`) or of a
/// message activity sent by an `Action.Submit` (the data itself). The action comes from
/// `data.action`, or from `verb` when `data` has none; when both are present they must agree.
/// The inputs are the string-valued entries of `data` other than `action`, keyed by input id.
/// `None` for anything else — a stale or foreign card, or garbage; never panics.
pub fn action_from_invoke(value: &Value) -> Option<(Action, BTreeMap<String, String>)> {
    let (data, verb) = match value.get(ACTION_KEY)? {
        Value::Object(execute) => {
            if execute
                .get("type")
                .is_some_and(|kind| kind != "Action.Execute")
            {
                return None;
            }
            (
                execute.get("data").and_then(Value::as_object),
                execute.get("verb").and_then(Value::as_str),
            )
        }
        Value::String(_) => (value.as_object(), None),
        _ => return None,
    };
    let from_data = data
        .and_then(|data| data.get(ACTION_KEY))
        .and_then(Value::as_str);
    let encoded = match (from_data, verb) {
        (Some(from_data), Some(verb)) if from_data != verb => return None,
        (Some(encoded), _) | (None, Some(encoded)) => encoded,
        (None, None) => return None,
    };
    let action = Action::decode(encoded)?;
    let inputs = data
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != ACTION_KEY)
        .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
        .collect();
    Some((action, inputs))
}

/// How much a body element matters when a card is too large: the least is dropped first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Keep {
    /// Small print.
    Note,
    /// Bodies and facts.
    Content,
    /// Buttons, pickers and form inputs: what the card is for.
    Controls,
    /// Headings: what the card is about.
    Heading,
}

/// A card being rendered with one squeeze of the caps.
struct Draft<'a> {
    /// What the caps are divided by.
    squeeze: usize,
    names: &'a Names,
    ids: Ids,
    /// A separator waits for the next element, which draws it.
    separator: bool,
    body: Vec<(Value, Keep)>,
    actions: Vec<Value>,
    fallback: String,
}

impl<'a> Draft<'a> {
    fn new(squeeze: usize, names: &'a Names) -> Self {
        Draft {
            squeeze,
            names,
            ids: Ids::default(),
            separator: false,
            body: Vec::new(),
            actions: Vec::new(),
            fallback: String::new(),
        }
    }

    /// A cap after squeezing.
    fn cap(&self, base: usize) -> usize {
        (base / self.squeeze).max(MIN_CUT.min(base))
    }

    /// Text as Markdown cut to a squeezed cap.
    fn markdown(&self, text: &Text, base: usize) -> String {
        markdown_cut(text, self.names, self.cap(base))
    }

    /// Plain words cut to a squeezed cap.
    fn plain(&self, words: &str, base: usize) -> String {
        plain_cut(words.trim(), self.cap(base))
    }

    fn push(&mut self, mut element: Value, keep: Keep) {
        if std::mem::take(&mut self.separator) {
            element["separator"] = Value::Bool(true);
        }
        self.body.push((element, keep));
    }

    fn part(&mut self, part: &Part) {
        match part {
            Part::Heading(words) => self.heading(words),
            Part::Body(text) => {
                let rendered = self.markdown(text, BODY_TEXT);
                if !rendered.trim().is_empty() {
                    self.push(text_block(rendered), Keep::Content);
                }
            }
            Part::Facts(facts) => {
                let facts: Vec<Value> = facts.iter().filter_map(|fact| self.fact(fact)).collect();
                if !facts.is_empty() {
                    self.push(json!({ "type": "FactSet", "facts": facts }), Keep::Content);
                }
            }
            Part::Note(lines) => {
                let mut lines: Vec<String> = lines
                    .iter()
                    .map(|line| self.markdown(line, NOTE_TEXT))
                    .filter(|rendered| !rendered.trim().is_empty())
                    .collect();
                if lines.len() > NOTE_LINES {
                    let hidden = lines.len() - (NOTE_LINES - 1);
                    lines.truncate(NOTE_LINES - 1);
                    lines.push(format!("{ELLIPSIS}and {hidden} more"));
                }
                if !lines.is_empty() {
                    let items: Vec<Value> = lines.into_iter().map(small_print).collect();
                    self.push(json!({ "type": "Container", "items": items }), Keep::Note);
                }
            }
            Part::Separator => self.separator = true,
            Part::Controls(controls) => self.controls(controls),
        }
    }

    fn heading(&mut self, words: &str) {
        let rendered = self.markdown(&Text::new().plain(words.trim()), HEADING_TEXT);
        if !rendered.is_empty() {
            self.push(
                json!({
                    "type": "TextBlock",
                    "text": rendered,
                    "wrap": true,
                    "size": "Large",
                    "weight": "Bolder",
                    "style": "heading",
                }),
                Keep::Heading,
            );
        }
    }

    /// A fact, or `None` when it has no value to show (FactSet requires title and value).
    fn fact(&self, fact: &Fact) -> Option<Value> {
        let value = self.markdown(&fact.value, FACT_VALUE);
        if value.trim().is_empty() {
            return None;
        }
        let title = self.markdown(&Text::new().plain(fact.label.trim()), FACT_TITLE);
        Some(json!({ "title": title, "value": value }))
    }

    /// A row of controls: its pickers, then its buttons in ActionSets of at most five. One
    /// element, so the row stays together (and is dropped whole, if ever).
    fn controls(&mut self, controls: &[Control]) {
        let mut inputs = Vec::new();
        let mut buttons = Vec::new();
        for control in controls {
            match control {
                Control::Button { .. } => buttons.push(control),
                Control::PersonPicker {
                    action,
                    placeholder,
                } => {
                    let id = self.ids.unique(&action.encode());
                    let label = self.plain(placeholder, INPUT_LABEL);
                    inputs.push(person_input(&id, or(&label, "Who")));
                }
                Control::Choice {
                    action,
                    placeholder,
                    options,
                } => {
                    let choices = self.choices(options);
                    // Nothing to pick from: a ChoiceSet without choices is invalid.
                    if !choices.is_empty() {
                        let id = self.ids.unique(&action.encode());
                        let label = self.plain(placeholder, INPUT_LABEL);
                        let mut element =
                            choice_input(&id, or(&label, "Choose"), "Choose", choices);
                        if options.len() > PICKER_OPTIONS {
                            searchable(&mut element, action);
                        }
                        inputs.push(element);
                    }
                }
            }
        }
        let submits_inputs = !inputs.is_empty();
        let actions: Vec<Value> = buttons
            .into_iter()
            .filter_map(|control| match control {
                Control::Button {
                    action,
                    label,
                    emphasis,
                } => Some(self.execute(action, label, *emphasis, submits_inputs)),
                _ => None,
            })
            .collect();
        let mut items = inputs;
        items.extend(
            actions
                .chunks(ACTIONS_PER_SET)
                .map(|chunk| json!({ "type": "ActionSet", "actions": chunk })),
        );
        let element = match items.len() {
            0 => return,
            1 if !submits_inputs => items.remove(0),
            _ => json!({ "type": "Container", "items": items }),
        };
        self.push(element, Keep::Controls);
    }

    /// An `Action.Execute` button for an action.
    fn execute(
        &self,
        action: &Action,
        title: &str,
        emphasis: Emphasis,
        submits_inputs: bool,
    ) -> Value {
        let encoded = action.encode();
        let title = self.plain(title, BUTTON_TITLE);
        let mut button = json!({
            "type": "Action.Execute",
            "title": or(&title, "…"),
            "verb": encoded,
            "data": { (ACTION_KEY): encoded },
        });
        let style = match emphasis {
            Emphasis::Normal => None,
            Emphasis::Primary => Some("positive"),
            Emphasis::Danger => Some("destructive"),
        };
        if let Some(style) = style {
            button["style"] = Value::from(style);
        }
        if !submits_inputs {
            button["associatedInputs"] = Value::from("none");
        }
        button
    }

    /// Choices for a ChoiceSet: at most [`PICKER_OPTIONS`] (fewer when squeezed), values
    /// unique, non-empty and short enough to come back whole.
    fn choices(&self, options: &[Choice]) -> Vec<Value> {
        let mut seen = HashSet::new();
        options
            .iter()
            .filter(|choice| {
                !choice.value.is_empty()
                    && choice.value.chars().count() <= CHOICE_VALUE
                    && seen.insert(choice.value.as_str())
            })
            .take((PICKER_OPTIONS / self.squeeze).max(1))
            .map(|choice| {
                let title = self.plain(&choice.label, CHOICE_TITLE);
                let title = if title.is_empty() {
                    self.plain(&choice.value, CHOICE_TITLE)
                } else {
                    title
                };
                json!({ "title": title, "value": choice.value })
            })
            .collect()
    }

    fn form_input(&mut self, input: &Input, form: &Action) -> Value {
        let id = self.ids.unique(or(input.id.trim(), "input"));
        let label = self.plain(&input.label, INPUT_LABEL);
        let label = or(&label, &id).to_owned();
        let mut element = match &input.kind {
            InputKind::Person => person_input(&id, &label),
            InputKind::Capability(options) => {
                let choices = self.choices(options);
                if choices.is_empty() {
                    // No list to pick from yet: ask for the name, which the handler matches.
                    json!({
                        "type": "Input.Text",
                        "id": id,
                        "label": label,
                        "placeholder": "Capability name",
                        "maxLength": CHOICE_VALUE,
                    })
                } else {
                    let mut element = choice_input(&id, &label, "Choose a capability", choices);
                    if options.len() > PICKER_OPTIONS {
                        searchable(&mut element, form);
                    }
                    element
                }
            }
            InputKind::Text {
                multiline,
                max_chars,
            } => {
                let mut text = json!({
                    "type": "Input.Text",
                    "id": id,
                    "label": label,
                    "maxLength": (*max_chars).max(1),
                });
                if *multiline {
                    text["isMultiline"] = Value::Bool(true);
                }
                text
            }
            InputKind::Date => json!({
                "type": "Input.Date",
                "id": id,
                "label": label,
                "placeholder": "Pick a date",
            }),
        };
        if !input.optional {
            element["isRequired"] = Value::Bool(true);
            // Shown under the input it is about, so it need not repeat the label.
            element["errorMessage"] = Value::from("Please fill this in.");
        }
        element
    }
}

/// Renders a card once per squeeze until it fits in [`MAX_CARD_BYTES`]; if even the tightest
/// squeeze is too large, drops body elements, least important and last first, until it fits.
/// Either way a note at the end says the card was shortened.
fn fit<'a>(render: impl Fn(usize) -> Draft<'a>) -> Value {
    let mut tightest = None;
    for squeeze in SQUEEZES {
        let draft = render(squeeze);
        let value = assemble(&draft, squeeze > 1, 0);
        if fits(&value) {
            return value;
        }
        tightest = Some(draft);
    }
    let Some(mut draft) = tightest else {
        return assemble(&render(1), false, 0);
    };
    let mut dropped = 0;
    loop {
        let Some(at) = least_important(&draft.body) else {
            // Only the card's frame is left; it fits (every text in it is squeezed).
            return assemble(&draft, true, dropped);
        };
        draft.body.remove(at);
        dropped += 1;
        let value = assemble(&draft, true, dropped);
        if fits(&value) {
            return value;
        }
    }
}

/// The last of the least important elements.
fn least_important(body: &[(Value, Keep)]) -> Option<usize> {
    let least = body.iter().map(|(_, keep)| *keep).min()?;
    body.iter().rposition(|(_, keep)| *keep == least)
}

fn fits(card: &Value) -> bool {
    serde_json::to_vec(card).is_ok_and(|bytes| bytes.len() <= MAX_CARD_BYTES)
}

/// The AdaptiveCard object around a draft's body and actions.
fn assemble(draft: &Draft<'_>, squeezed: bool, dropped: usize) -> Value {
    let mut body: Vec<Value> = draft.body.iter().map(|(value, _)| value.clone()).collect();
    if squeezed || dropped > 0 {
        let note = if dropped > 0 {
            format!(
                "{dropped} parts left out and the rest shortened to fit Teams' card size limit."
            )
        } else {
            "Shortened to fit Teams' card size limit.".to_owned()
        };
        body.push(small_print(markdown::escape(&note)));
    }
    let mut card = Map::new();
    card.insert("type".into(), Value::from("AdaptiveCard"));
    card.insert("$schema".into(), Value::from(SCHEMA_URL));
    card.insert("version".into(), Value::from(SCHEMA_VERSION));
    // Full width in Teams: prompts with pickers are cramped in the default narrow card.
    card.insert("msteams".into(), json!({ "width": "Full" }));
    card.insert("fallbackText".into(), Value::from(draft.fallback.as_str()));
    card.insert("body".into(), Value::Array(body));
    if !draft.actions.is_empty() {
        card.insert("actions".into(), Value::Array(draft.actions.clone()));
    }
    Value::Object(card)
}

/// The words for `fallbackText`: the summary, or the first heading when the summary is blank.
fn fallback_words<'a>(card: &'a Card, summary: &'a str) -> &'a str {
    if !summary.trim().is_empty() {
        return summary.trim();
    }
    card.parts
        .iter()
        .find_map(|part| match part {
            Part::Heading(words) if !words.trim().is_empty() => Some(words.trim()),
            _ => None,
        })
        .unwrap_or("Cadence")
}

fn text_block(rendered: String) -> Value {
    json!({ "type": "TextBlock", "text": rendered, "wrap": true })
}

fn small_print(rendered: String) -> Value {
    json!({
        "type": "TextBlock",
        "text": rendered,
        "wrap": true,
        "size": "Small",
        "isSubtle": true,
    })
}

/// A person input.
///
/// Teams has a people picker: an `Input.ChoiceSet` with
/// `"choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users?scope=currentContext"}`
/// that returns the picked user's Entra object id (MicrosoftDocs/msteams-docs,
/// `task-modules-and-cards/cards/people-picker.md`; organisation-wide search works only in 1:1
/// chats with the bot, dialogs and tabs, so channel cards need `scope=currentContext`). But it is
/// not part of schema 1.5: `choices.data` first appears in the 1.6 schema (it is absent from
/// microsoft/AdaptiveCards `schemas/1.5.0/adaptive-card.json`), the official SDK reports it as
/// "supported in version 1.6" on a 1.5 card, and it also rejects a ChoiceSet without static
/// choices. Teams renders 1.5, and our validator must pass cleanly, so the person is asked for
/// by name or email in a text input; the handler matches it against the conversation's members
/// (`GET {serviceUrl}v3/conversations/{id}/members` returns names, emails and ids).
fn person_input(id: &str, label: &str) -> Value {
    json!({
        "type": "Input.Text",
        "id": id,
        "label": label,
        "placeholder": "Name or email",
        "maxLength": PERSON_NAME_MAX,
    })
}

/// A single-choice input with type-to-filter (`style: "filtered"`, new in 1.5), which keeps a
/// long capability list usable.
fn choice_input(id: &str, label: &str, placeholder: &str, choices: Vec<Value>) -> Value {
    json!({
        "type": "Input.ChoiceSet",
        "id": id,
        "label": label,
        "placeholder": plain_cut(placeholder, PLACEHOLDER_TEXT),
        "style": "filtered",
        "choices": choices,
    })
}

/// The dataset a capability picker searches (Teams' dynamic typeahead, an `application/search`
/// invoke) when the library holds more than a card lists; the picker's action follows a `:`
/// so the answer can put the team's own capabilities first.
pub const CAPABILITY_DATASET: &str = "cadence.capabilities";

/// Lets a capability picker search beyond its static choices: Teams sends what is typed to
/// the bot (`choices.data` with `Data.Query`, documented for Teams' dynamic typeahead search),
/// and clients without it still have the static list, the team's own capabilities first.
fn searchable(element: &mut Value, action: &Action) {
    element["choices.data"] = json!({
        "type": "Data.Query",
        "dataset": format!("{CAPABILITY_DATASET}:{}", action.encode()),
    });
}

/// `words`, or `fallback` when they are blank.
fn or<'a>(words: &'a str, fallback: &'a str) -> &'a str {
    if words.trim().is_empty() {
        fallback
    } else {
        words
    }
}

/// Input ids unique within one card, never [`ACTION_KEY`].
struct Ids {
    used: HashSet<String>,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            used: HashSet::from([ACTION_KEY.to_owned()]),
        }
    }
}

impl Ids {
    /// `base` itself the first time, then `base#2`, `base#3`… ([`Action::encode`] strings never
    /// contain `#`).
    fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let mut n = 2usize;
        loop {
            let candidate = format!("{base}#{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Length in characters: the unit of every cap here.
fn width(s: &str) -> usize {
    s.chars().count()
}

/// Plain words cut to `max` characters, ending with "…" when anything was cut.
fn plain_cut(words: &str, max: usize) -> String {
    if width(words) <= max {
        return words.to_owned();
    }
    let mut out: String = words
        .chars()
        .take(max.saturating_sub(1))
        .collect::<String>()
        .trim_end()
        .to_owned();
    out.push(ELLIPSIS);
    out
}

/// Renders `text` as Markdown of at most `max` characters. When it is too long, whole spans are
/// kept while they fit, then the next span's *words* are cut (so escapes and bold markers are
/// applied to the shortened words, never cut through), and "…" ends it. Mentions and channel
/// references are never cut: one that does not fit is left out.
fn markdown_cut(text: &Text, names: &Names, max: usize) -> String {
    let full = markdown::render_with_names(text, names);
    if width(&full) <= max {
        return full;
    }
    let budget = max.saturating_sub(1);
    let render = |text: &Text| markdown::render_with_names(text, names);
    let mut kept = Text::new();
    for span in text.spans() {
        let mut longer = kept.clone();
        longer.push(span.clone());
        if width(&render(&longer)) <= budget {
            kept = longer;
            continue;
        }
        let (words, rebuild): (&str, fn(String) -> Span) = match span {
            Span::Plain(words) => (words, Span::Plain),
            Span::Strong(words) => (words, Span::Strong),
            Span::Code(words) => (words, Span::Code),
            Span::Command(words) => (words, Span::Command),
            Span::Mention(_) | Span::Channel(_) | Span::Link { .. } | Span::Break => break,
        };
        // The longest prefix of the words that still fits: rendering a longer prefix is never
        // narrower, so a binary search finds it.
        let chars: Vec<char> = words.chars().collect();
        let with_prefix = |count: usize| {
            let mut shorter = kept.clone();
            shorter.push(rebuild(chars[..count].iter().collect()));
            shorter
        };
        let (mut fits, mut too_long) = (0, chars.len());
        while fits + 1 < too_long {
            let mid = fits + (too_long - fits) / 2;
            if width(&render(&with_prefix(mid))) <= budget {
                fits = mid;
            } else {
                too_long = mid;
            }
        }
        if fits > 0 {
            kept = with_prefix(fits);
        }
        break;
    }
    let mut out = render(&kept).trim_end().to_owned();
    out.push(ELLIPSIS);
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use proptest::prelude::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    use super::*;
    use crate::domain::card::Verb;
    use crate::domain::prompt::{
        OccurrenceView, TrackRequestView, coaching_form, intervention_form, prompt_card, qbr_form,
        track_request_card, with_outcome,
    };
    use crate::domain::ritual::RitualKind;

    // ---- a checker for every rule this renderer promises ----

    fn str_of<'v>(value: &'v Value, key: &str) -> &'v str {
        value[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} missing in {value}"))
    }

    /// Every backslash starts a CommonMark escape: nothing was cut between `\` and its character.
    fn check_escapes(text: &str) {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let next = chars.next();
                assert!(
                    next.is_some_and(|n| n.is_ascii_punctuation()),
                    "broken escape before {next:?} in {text:?}"
                );
            }
        }
    }

    /// Markdown a reader would turn into anything but text, bold and paragraphs.
    fn markup_in(markdown: &str) -> Vec<String> {
        Parser::new(markdown)
            .filter(|event| {
                !matches!(
                    event,
                    Event::Text(_)
                        | Event::SoftBreak
                        | Event::Start(Tag::Paragraph | Tag::Strong)
                        | Event::End(TagEnd::Paragraph | TagEnd::Strong)
                )
            })
            .map(|event| format!("{event:?}"))
            .collect()
    }

    fn check_markdown(text: &str, max: usize, what: &str) {
        assert!(!text.trim().is_empty(), "{what} is empty");
        assert!(width(text) <= max, "{what} is {} > {max}", width(text));
        check_escapes(text);
        let markup = markup_in(text);
        assert!(markup.is_empty(), "{what} has {markup:?}: {text:?}");
    }

    fn check_plain(text: &str, max: usize, what: &str) {
        assert!(!text.trim().is_empty(), "{what} is empty");
        assert!(width(text) <= max, "{what} is {} > {max}", width(text));
    }

    fn check_action(action: &Value) {
        assert_eq!(action["type"], "Action.Execute", "{action}");
        check_plain(str_of(action, "title"), BUTTON_TITLE, "button title");
        let verb = str_of(action, "verb");
        assert!(Action::decode(verb).is_some(), "verb {verb}");
        assert_eq!(action["data"], json!({ "action": verb }));
        if let Some(style) = action.get("style") {
            assert!(style == "positive" || style == "destructive", "{style}");
        }
        if let Some(inputs) = action.get("associatedInputs") {
            assert_eq!(inputs, "none");
        }
    }

    fn check_element(element: &Value, ids: &mut HashSet<String>) {
        let kind = str_of(element, "type");
        if let Some(separator) = element.get("separator") {
            assert_eq!(separator, true);
        }
        if kind.starts_with("Input.") {
            let id = str_of(element, "id");
            assert!(!id.is_empty() && id != ACTION_KEY, "input id {id:?}");
            assert!(ids.insert(id.to_owned()), "duplicate input id {id}");
            check_plain(str_of(element, "label"), INPUT_LABEL, "label");
            if element.get("isRequired").is_some() {
                assert_eq!(element["isRequired"], true);
                check_plain(str_of(element, "errorMessage"), PLACEHOLDER_TEXT, "error");
            }
        }
        match kind {
            "TextBlock" => {
                assert_eq!(element["wrap"], true, "{element}");
                check_markdown(str_of(element, "text"), BODY_TEXT, "text");
            }
            "FactSet" => {
                let facts = element["facts"].as_array().unwrap();
                assert!(!facts.is_empty());
                for fact in facts {
                    let title = str_of(fact, "title");
                    assert!(width(title) <= FACT_TITLE);
                    check_escapes(title);
                    assert!(markup_in(title).is_empty(), "{title}");
                    check_markdown(str_of(fact, "value"), FACT_VALUE, "fact value");
                }
            }
            "Container" => {
                let items = element["items"].as_array().unwrap();
                assert!(!items.is_empty());
                for item in items {
                    check_element(item, ids);
                }
            }
            "ActionSet" => {
                let actions = element["actions"].as_array().unwrap();
                assert!(!actions.is_empty() && actions.len() <= ACTIONS_PER_SET);
                for action in actions {
                    check_action(action);
                }
            }
            "Input.Text" => {
                let max = element["maxLength"].as_u64().unwrap();
                assert!(max >= 1);
                if let Some(multiline) = element.get("isMultiline") {
                    assert_eq!(multiline, true);
                }
            }
            "Input.ChoiceSet" => {
                assert_eq!(element["style"], "filtered");
                check_plain(
                    str_of(element, "placeholder"),
                    PLACEHOLDER_TEXT,
                    "placeholder",
                );
                let choices = element["choices"].as_array().unwrap();
                assert!(!choices.is_empty() && choices.len() <= PICKER_OPTIONS);
                let mut values = HashSet::new();
                for choice in choices {
                    check_plain(str_of(choice, "title"), CHOICE_TITLE, "choice title");
                    let value = str_of(choice, "value");
                    assert!(!value.is_empty() && width(value) <= CHOICE_VALUE);
                    assert!(values.insert(value.to_owned()), "duplicate choice {value}");
                }
            }
            "Input.Date" => check_plain(str_of(element, "placeholder"), 150, "placeholder"),
            other => panic!("unexpected element {other}"),
        }
    }

    /// Asserts that a rendered card keeps every rule and stays well-formed.
    fn check_card(card: &Value) {
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["$schema"], SCHEMA_URL);
        assert_eq!(card["version"], SCHEMA_VERSION);
        assert_eq!(card["msteams"], json!({ "width": "Full" }));
        check_markdown(str_of(card, "fallbackText"), FALLBACK_TEXT, "fallbackText");
        let bytes = serde_json::to_vec(card).unwrap().len();
        assert!(bytes <= MAX_CARD_BYTES, "{bytes} bytes");
        let mut ids = HashSet::new();
        for element in card["body"].as_array().unwrap() {
            check_element(element, &mut ids);
        }
        if let Some(actions) = card.get("actions") {
            let actions = actions.as_array().unwrap();
            assert!(!actions.is_empty() && actions.len() <= ACTIONS_PER_SET);
            for action in actions {
                check_action(action);
            }
        }
    }

    /// Every element of a card's body, depth first.
    fn elements(card: &Value) -> Vec<&Value> {
        fn walk<'v>(element: &'v Value, out: &mut Vec<&'v Value>) {
            out.push(element);
            for item in element["items"].as_array().into_iter().flatten() {
                walk(item, out);
            }
        }
        let mut out = Vec::new();
        for element in card["body"].as_array().unwrap() {
            walk(element, &mut out);
        }
        out
    }

    fn of_type<'v>(card: &'v Value, kind: &str) -> Vec<&'v Value> {
        elements(card)
            .into_iter()
            .filter(|element| element["type"] == kind)
            .collect()
    }

    /// Every button on a card, in order.
    fn buttons(card: &Value) -> Vec<&Value> {
        let mut out: Vec<&Value> = of_type(card, "ActionSet")
            .into_iter()
            .flat_map(|set| set["actions"].as_array().unwrap())
            .collect();
        out.extend(card["actions"].as_array().into_iter().flatten());
        out
    }

    // ---- fixtures ----

    use crate::platform::card_fixtures::{button, capabilities, occurrence};

    /// 10,000 characters of Markdown's special characters and emoji (astral and BMP).
    fn hostile_words() -> String {
        "*_[]()<>&\\`~{#-🎉é✓ "
            .chars()
            .cycle()
            .take(10_000)
            .collect()
    }

    fn sample(parts: Vec<Part>) -> Card {
        Card {
            summary: "summary".into(),
            parts,
        }
    }

    fn track_request() -> Card {
        track_request_card(&TrackRequestView {
            person_id: "29:1alice".into(),
            person_name: "Alice".into(),
            track: "Architecture lead".into(),
            note: Some("Led the <checkout> ADRs & want to grow into it".into()),
            decision: 77,
        })
    }

    fn retro_after_outcome(close: bool) -> Card {
        let prompt = prompt_card(&occurrence(RitualKind::Retro, "ATL Sprint 42"));
        let lines = [
            Text::new()
                .mention("29:1erin")
                .plain(" logged a gap: ")
                .mention("29:1bob")
                .plain(" — ")
                .strong("architecture trade-offs"),
            Text::new()
                .mention("29:1erin")
                .plain(" planned an intervention: ")
                .mention("29:1bob")
                .plain(" — ")
                .strong("architecture trade-offs")
                .plain(" via ADR pairing by 2026-12-15"),
        ];
        with_outcome(&prompt, &lines, close)
    }

    fn people() -> Names {
        Names::from([
            ("29:1erin".to_owned(), "Erin Example".to_owned()),
            ("29:1bob".to_owned(), "Bob Example".to_owned()),
            ("29:1alice".to_owned(), "Alice Example".to_owned()),
        ])
    }

    /// A card with a bit of everything, every text hostile and huge.
    fn hostile_card() -> Card {
        let words = hostile_words();
        Card {
            summary: words.clone(),
            parts: vec![
                Part::Heading(words.clone()),
                Part::Body(Text::new().strong("Lead: ").plain(words.as_str())),
                Part::Body(Text::new().code(words.as_str())),
                Part::Separator,
                Part::Facts(vec![Fact {
                    label: words.clone(),
                    value: Text::new().plain(words.as_str()),
                }]),
                Part::Note(vec![Text::new().plain(words.as_str())]),
                Part::Controls(vec![
                    Control::PersonPicker {
                        action: Action::on(Verb::PickPerson, 1),
                        placeholder: words.clone(),
                    },
                    Control::Choice {
                        action: Action::on(Verb::PickCapability, 1),
                        placeholder: words.clone(),
                        options: vec![Choice::new(words.clone(), "cap-1")],
                    },
                    Control::Button {
                        action: Action::on(Verb::LogGap, 1),
                        label: words.clone(),
                        emphasis: Emphasis::Primary,
                    },
                ]),
            ],
        }
    }

    /// Far over the byte limit in every way at once: long texts, many parts, full pickers.
    fn oversized_card() -> Card {
        let options: Vec<Choice> = (0..100)
            .map(|n| Choice::new("C".repeat(75), format!("{n:0>150}")))
            .collect();
        let mut parts = vec![Part::Heading("Too much".into())];
        for n in 0..40 {
            parts.push(Part::Body(
                Text::new().plain(format!("{n} {}", "🎉".repeat(3000))),
            ));
            parts.push(Part::Controls(vec![
                Control::Choice {
                    action: Action::on(Verb::PickCapability, n),
                    placeholder: "Which".into(),
                    options: options.clone(),
                },
                button(n as usize),
            ]));
            parts.push(Part::Note(vec![Text::new().plain("x".repeat(2000))]));
        }
        sample(parts)
    }

    fn oversized_form() -> Form {
        let choices: Vec<Choice> = (0..150)
            .map(|n| Choice::new("C".repeat(80), format!("cap-{n}")))
            .collect();
        let mut inputs: Vec<Input> = (0..120)
            .map(|n| Input {
                id: match n {
                    0..3 => "dup".into(),
                    3 => "action".into(),
                    4 => " ".into(),
                    _ => format!("in-{n}"),
                },
                label: "L".repeat(2500),
                kind: match n % 4 {
                    0 => InputKind::Person,
                    1 => InputKind::Capability(choices.clone()),
                    2 => InputKind::Text {
                        multiline: true,
                        max_chars: 10_000,
                    },
                    _ => InputKind::Date,
                },
                optional: n % 2 == 0,
            })
            .collect();
        inputs[5].kind = InputKind::Capability(vec![]);
        inputs[6].kind = InputKind::Text {
            multiline: false,
            max_chars: 0,
        };
        Form {
            action: Action::on(Verb::PlanInterventions, 9),
            title: "A title far longer than twenty-four".into(),
            submit: "A submit label that is far too long".repeat(5),
            inputs,
        }
    }

    // ---- shape ----

    #[test]
    fn buttons_execute_their_encoded_action_and_pickers_are_named_by_theirs() {
        let rendered = card(&prompt_card(&occurrence(
            RitualKind::Retro,
            "ATL Sprint 42",
        )));
        check_card(&rendered);
        let verbs: Vec<&str> = buttons(&rendered)
            .iter()
            .map(|button| str_of(button, "verb"))
            .collect();
        assert_eq!(verbs, ["gap:42", "intervene:42", "no_gaps:42"]);
        let inputs: Vec<(&str, &str)> = elements(&rendered)
            .into_iter()
            .filter(|element| element.get("id").is_some())
            .map(|input| (str_of(input, "type"), str_of(input, "id")))
            .collect();
        assert_eq!(
            inputs,
            [
                ("Input.Text", "person:42"),
                ("Input.ChoiceSet", "capability:42")
            ]
        );
        // "Log gap" shares a row with the pickers and submits them; the next row submits none.
        let all = buttons(&rendered);
        assert!(all[0].get("associatedInputs").is_none());
        assert_eq!(all[0]["style"], "positive");
        assert_eq!(all[1]["associatedInputs"], "none");
        assert_eq!(all[2]["associatedInputs"], "none");
        assert!(rendered.get("actions").is_none());
    }

    #[test]
    fn a_separator_marks_the_next_element_and_a_trailing_one_is_dropped() {
        let rendered = card(&sample(vec![
            Part::Body(Text::new().plain("a")),
            Part::Separator,
            Part::Separator,
            Part::Body(Text::new().plain("b")),
            Part::Separator,
        ]));
        check_card(&rendered);
        let body = rendered["body"].as_array().unwrap();
        assert_eq!(body.len(), 2);
        assert!(body[0].get("separator").is_none());
        assert_eq!(body[1]["separator"], true);
    }

    #[test]
    fn mentions_show_display_names_when_given() {
        let outcome = retro_after_outcome(false);
        let named = card_with_names(&outcome, &people());
        check_card(&named);
        let json = serde_json::to_string(&named).unwrap();
        assert!(
            json.contains("**Erin Example** logged a gap: **Bob Example**"),
            "{json}"
        );
        assert!(!json.contains("<at>"));
        let unnamed = serde_json::to_string(&card(&outcome)).unwrap();
        assert!(unnamed.contains("**@29:1erin** logged a gap"), "{unnamed}");
    }

    // ---- limits ----

    #[test]
    fn huge_text_is_cut_before_escaping_everywhere() {
        let rendered = card(&hostile_card());
        check_card(&rendered);
        let texts: Vec<&str> = of_type(&rendered, "TextBlock")
            .into_iter()
            .map(|block| str_of(block, "text"))
            .collect();
        assert!(width(texts[0]) <= HEADING_TEXT && texts[0].ends_with('…'));
        assert!(
            texts[1].starts_with("**Lead:** \\*\\_\\[\\]\\()\\<"),
            "{}",
            texts[1]
        );
        // All of that is too large for Teams at full length: squeezed, and noted.
        assert!(texts.last().unwrap().starts_with("Shortened"));
        let alone = card(&sample(vec![Part::Body(
            Text::new().strong("Lead: ").plain(hostile_words()),
        )]));
        check_card(&alone);
        let body = str_of(&alone["body"][0], "text");
        assert!(
            width(body) > BODY_TEXT - 10,
            "cut far too short: {}",
            width(body)
        );
        assert!(texts[2].starts_with('“') && texts[2].ends_with("”…"));
        assert!(str_of(&rendered, "fallbackText").ends_with('…'));
        let facts = of_type(&rendered, "FactSet");
        assert!(str_of(&facts[0]["facts"][0], "title").ends_with('…'));
        let title = str_of(buttons(&rendered)[0], "title");
        assert!(width(title) <= BUTTON_TITLE && title.ends_with('…'));
    }

    #[test]
    fn a_cut_never_leaves_half_an_escape() {
        for lead in 0..8 {
            let text = Text::new().plain("a".repeat(BODY_TEXT - 10 + lead) + &"[".repeat(50));
            let out = markdown_cut(&text, &Names::new(), BODY_TEXT);
            assert!(width(&out) <= BODY_TEXT);
            check_escapes(&out);
            assert!(out.ends_with("\\[…"), "{}", &out[out.len() - 10..]);
        }
    }

    #[test]
    fn a_mention_that_does_not_fit_is_left_out_whole() {
        let names = Names::from([("u1".to_owned(), "Somebody".to_owned())]);
        let text = Text::new().plain("x".repeat(40)).mention("u1");
        assert_eq!(
            markdown_cut(&text, &names, 45),
            format!("{}…", "x".repeat(40))
        );
        assert_eq!(
            markdown_cut(&text, &names, 52),
            format!("{}**Somebody**", "x".repeat(40))
        );
    }

    #[test]
    fn twelve_buttons_wrap_into_action_sets_of_five() {
        let rendered = card(&sample(vec![Part::Controls((0..12).map(button).collect())]));
        check_card(&rendered);
        let sets = of_type(&rendered, "ActionSet");
        let sizes: Vec<usize> = sets
            .iter()
            .map(|set| set["actions"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes, [5, 5, 2]);
        assert_eq!(rendered["body"][0]["type"], "Container");
        // One button alone is its own ActionSet, not wrapped in a container.
        let one = card(&sample(vec![Part::Controls(vec![button(1)])]));
        assert_eq!(one["body"][0]["type"], "ActionSet");
    }

    #[test]
    fn eleven_facts_stay_together_and_twelve_notes_say_how_many_more() {
        let facts = (0..11)
            .map(|n| Fact {
                label: format!("fact {n}"),
                value: Text::new().plain("v"),
            })
            .chain([Fact {
                label: "no value".into(),
                value: Text::new(),
            }])
            .collect();
        let notes = (0..12)
            .map(|n| Text::new().plain(format!("note {n}")))
            .collect();
        let rendered = card(&sample(vec![Part::Facts(facts), Part::Note(notes)]));
        check_card(&rendered);
        assert_eq!(rendered["body"][0]["facts"].as_array().unwrap().len(), 11);
        let notes = rendered["body"][1]["items"].as_array().unwrap();
        assert_eq!(notes.len(), NOTE_LINES);
        assert_eq!(notes[9]["text"], "…and 3 more");
        assert_eq!(notes[0]["size"], "Small");
        assert_eq!(notes[0]["isSubtle"], true);
    }

    #[test]
    fn a_hundred_and_fifty_options_are_capped_and_long_words_cut() {
        let long = "L".repeat(80);
        let mut options: Vec<Choice> = (0..150)
            .map(|n| Choice::new(format!("{long} {n}"), format!("cap-{n}")))
            .collect();
        // A value too long to come back whole is dropped, not cut into another key.
        options.insert(0, Choice::new("too long", "v".repeat(151)));
        // A repeated value is shown once, as first listed.
        options.insert(2, Choice::new("again", "cap-0"));
        // A blank label shows the value.
        options.insert(3, Choice::new("", "cap-empty-label"));
        let rendered = card(&sample(vec![Part::Controls(vec![
            Control::Choice {
                action: Action::on(Verb::PickCapability, 1),
                placeholder: "P".repeat(3000),
                options,
            },
            Control::Button {
                action: Action::on(Verb::LogGap, 1),
                label: "B".repeat(80),
                emphasis: Emphasis::Danger,
            },
            Control::PersonPicker {
                action: Action::on(Verb::PickPerson, 1),
                placeholder: String::new(),
            },
        ])]));
        check_card(&rendered);
        let select = of_type(&rendered, "Input.ChoiceSet")[0];
        let choices = select["choices"].as_array().unwrap();
        assert_eq!(choices.len(), PICKER_OPTIONS);
        assert_eq!(choices[0]["value"], "cap-0");
        assert_eq!(choices[1]["title"], "cap-empty-label");
        assert!(str_of(&choices[0], "title").ends_with('…'));
        assert_eq!(width(str_of(select, "label")), INPUT_LABEL);
        let button = buttons(&rendered)[0];
        assert_eq!(width(str_of(button, "title")), BUTTON_TITLE);
        assert_eq!(button["style"], "destructive");
        assert_eq!(of_type(&rendered, "Input.Text")[0]["label"], "Who");
    }

    #[test]
    fn a_choice_without_options_is_not_rendered() {
        let rendered = card(&sample(vec![Part::Controls(vec![Control::Choice {
            action: Action::on(Verb::PickCapability, 1),
            placeholder: "p".into(),
            options: vec![Choice::new("empty value", "")],
        }])]));
        check_card(&rendered);
        assert_eq!(rendered["body"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn repeated_pickers_get_unique_ids_that_still_route() {
        let row = vec![
            Control::PersonPicker {
                action: Action::on(Verb::PickPerson, 7).with_subject("29:1a"),
                placeholder: "Who".into(),
            },
            Control::PersonPicker {
                action: Action::on(Verb::PickPerson, 7).with_subject("29:1a"),
                placeholder: "Who".into(),
            },
        ];
        let rendered = card(&sample(vec![
            Part::Controls(row.clone()),
            Part::Controls(row),
        ]));
        check_card(&rendered);
        let ids: Vec<&str> = of_type(&rendered, "Input.Text")
            .into_iter()
            .map(|input| str_of(input, "id"))
            .collect();
        assert_eq!(
            ids,
            [
                "person:7:29:1a",
                "person:7:29:1a#2",
                "person:7:29:1a#3",
                "person:7:29:1a#4"
            ]
        );
        let base = |id: &str| id.split_once('#').map_or(id, |(base, _)| base).to_owned();
        for id in ids {
            assert_eq!(
                Action::decode(&base(id)),
                Some(Action::on(Verb::PickPerson, 7).with_subject("29:1a"))
            );
        }
    }

    #[test]
    fn user_text_cannot_link_mention_or_format_anywhere_in_the_card() {
        let hostile = "[click](https://evil.example) <at>Boss</at> **loud** _x_ `c` \
                       {{DATE(2017-02-14T06:00:00Z, SHORT)}} &amp; ~~s~~";
        let names = Names::from([("29:1x".to_owned(), hostile.to_owned())]);
        let rendered = card_with_names(
            &Card {
                summary: hostile.into(),
                parts: vec![
                    Part::Heading(hostile.into()),
                    Part::Body(Text::new().plain(hostile).strong(hostile).code(hostile)),
                    Part::Facts(vec![Fact {
                        label: hostile.into(),
                        value: Text::new().plain(hostile),
                    }]),
                    Part::Note(vec![Text::new().plain(hostile)]),
                    Part::Body(Text::new().mention("29:1x").channel("[c](d)")),
                ],
            },
            &names,
        );
        // check_card reads every TextBlock, fact and the fallback as CommonMark and finds no
        // link, HTML, code or emphasis in them.
        check_card(&rendered);
        let json = serde_json::to_string(&rendered).unwrap();
        for raw in ["[click]", "<at>", "{{DATE", "](", "`c`", "~~", " &amp;"] {
            assert!(!json.contains(raw), "{raw} leaked into {json}");
        }
        // An entity stays the characters typed, not the character it names.
        assert!(json.contains(r"\\&amp;"), "{json}");
    }

    #[test]
    fn an_empty_card_still_has_fallback_text_and_no_empty_elements() {
        let rendered = card(&Card {
            summary: "  ".into(),
            parts: vec![
                Part::Heading(" ".into()),
                Part::Body(Text::new()),
                Part::Note(vec![Text::new().line()]),
                Part::Facts(vec![]),
                Part::Controls(vec![]),
                Part::Separator,
            ],
        });
        check_card(&rendered);
        assert_eq!(rendered["fallbackText"], "Cadence");
        assert_eq!(rendered["body"].as_array().unwrap().len(), 0);
        let headed = card(&Card {
            summary: " ".into(),
            parts: vec![Part::Heading("- Sprint *42*".into())],
        });
        assert_eq!(headed["fallbackText"], "\\- Sprint \\*42\\*");
    }

    #[test]
    fn an_oversized_card_is_squeezed_then_trimmed_and_says_so() {
        let rendered = card(&oversized_card());
        check_card(&rendered);
        let body = rendered["body"].as_array().unwrap();
        assert_eq!(body[0]["text"], "Too much", "the heading stays");
        let last = str_of(body.last().unwrap(), "text");
        assert!(last.contains("left out"), "{last}");
        // Small print goes first, from the end; bodies and controls stay.
        let dropped: usize = last.split(' ').next().unwrap().parse().unwrap();
        assert!(dropped > 0);
        let notes = of_type(&rendered, "Container")
            .into_iter()
            .filter(|container| container["items"][0]["isSubtle"] == true)
            .count();
        assert_eq!(notes, 40 - dropped);
        assert_eq!(of_type(&rendered, "Input.ChoiceSet").len(), 40);
        assert_eq!(body.len(), 1 + 40 * 3 - dropped + 1);

        // Only squeezing: long texts get shorter, nothing is dropped.
        let long = card(&sample(vec![
            Part::Heading("Long".into()),
            Part::Body(Text::new().plain("🎉".repeat(3000))),
            Part::Body(Text::new().plain("🎉".repeat(3000))),
            Part::Body(Text::new().plain("🎉".repeat(3000))),
        ]));
        check_card(&long);
        let body = long["body"].as_array().unwrap();
        assert_eq!(body.len(), 5);
        assert_eq!(body[4]["text"], "Shortened to fit Teams' card size limit.");
        assert!(width(str_of(&body[1], "text")) < 3000);
    }

    #[test]
    fn form_rules_hold_for_oversized_forms() {
        let rendered = form(&oversized_form());
        check_card(&rendered);
        let inputs: Vec<&Value> = elements(&rendered)
            .into_iter()
            .filter(|element| element.get("id").is_some())
            .collect();
        assert_eq!(inputs[0]["id"], "dup");
        assert_eq!(inputs[1]["id"], "dup#2");
        assert_eq!(inputs[3]["id"], "action#2", "never the data key");
        assert_eq!(inputs[4]["id"], "input");
        assert_eq!(inputs[5]["type"], "Input.Text", "no capabilities: a name");
        assert_eq!(inputs[6]["maxLength"], 1);
        assert_eq!(inputs[1]["isRequired"], true);
        assert!(inputs[0].get("isRequired").is_none());
        let actions = rendered["actions"].as_array().unwrap();
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0]["verb"], "intervene3:9");
        assert!(actions[0].get("associatedInputs").is_none());
    }

    #[test]
    fn forms_mark_required_inputs_and_submit_with_their_action() {
        let rendered = form(&intervention_form(42, &capabilities()));
        check_card(&rendered);
        let body = rendered["body"].as_array().unwrap();
        assert_eq!(body[0]["text"], "Plan intervention");
        let kinds: Vec<(&str, &str, bool)> = body[1..]
            .iter()
            .map(|input| {
                (
                    str_of(input, "type"),
                    str_of(input, "id"),
                    input["isRequired"] == true,
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("Input.Text", "person", true),
                ("Input.ChoiceSet", "capability", true),
                ("Input.Text", "means", true),
                ("Input.Date", "due", false),
            ]
        );
        assert_eq!(body[1]["errorMessage"], "Please fill this in.");
        assert_eq!(rendered["actions"][0]["title"], "Plan");
        let note = form(&coaching_form(42, &capabilities()));
        let note = of_type(&note, "Input.Text")
            .into_iter()
            .find(|input| input["id"] == "note")
            .unwrap();
        assert_eq!(note["isMultiline"], true);
        assert_eq!(note["maxLength"], 1000);
    }

    // ---- reading clicks back ----

    /// What Teams sends when `button` is pressed with `inputs` filled in: an
    /// `adaptiveCard/action` invoke's value, inputs merged into the action's data.
    fn invoke(button: &Value, inputs: &[(&str, &str)]) -> Value {
        let mut data = button["data"].clone();
        for (id, value) in inputs {
            data[*id] = Value::from(*value);
        }
        json!({
            "action": { "type": "Action.Execute", "verb": button["verb"], "data": data },
            "trigger": "manual",
        })
    }

    #[test]
    fn a_click_comes_back_as_its_action_and_the_picks() {
        let rendered = card(&prompt_card(&occurrence(
            RitualKind::Retro,
            "ATL Sprint 42",
        )));
        let log_gap = buttons(&rendered)[0];
        let (action, inputs) = action_from_invoke(&invoke(
            log_gap,
            &[("person:42", "Bob Example"), ("capability:42", "cap-7")],
        ))
        .unwrap();
        assert_eq!(action, Action::on(Verb::LogGap, 42));
        assert_eq!(
            inputs,
            BTreeMap::from([
                ("capability:42".to_owned(), "cap-7".to_owned()),
                ("person:42".to_owned(), "Bob Example".to_owned()),
            ])
        );

        // Every button of every sample routes back to its own action.
        for card_json in samples().into_iter().map(|(_, card)| card) {
            for button in buttons(&card_json) {
                let (action, inputs) = action_from_invoke(&invoke(button, &[])).unwrap();
                assert_eq!(action.encode(), str_of(button, "verb"));
                assert!(inputs.is_empty());
            }
        }
    }

    #[test]
    fn an_action_submit_message_value_also_reads_back() {
        let value = json!({
            "action": "approve:77:29:1alice",
            "note": "ok",
            "count": 3,
            "msteams": { "type": "messageBack" },
        });
        let (action, inputs) = action_from_invoke(&value).unwrap();
        assert_eq!(
            action,
            Action::on(Verb::ApproveTrack, 77).with_subject("29:1alice")
        );
        assert_eq!(
            inputs,
            BTreeMap::from([("note".to_owned(), "ok".to_owned())])
        );
        // Only the verb, no data: still the action.
        let bare = json!({ "action": { "type": "Action.Execute", "verb": "no_gaps:3" } });
        assert_eq!(
            action_from_invoke(&bare).unwrap().0,
            Action::on(Verb::NoGaps, 3)
        );
    }

    #[test]
    fn foreign_stale_or_garbage_values_read_as_nothing() {
        for garbage in [
            json!(null),
            json!("gap:1"),
            json!([]),
            json!({}),
            json!({ "action": 1 }),
            json!({ "action": null }),
            json!({ "action": "explode:1" }),
            json!({ "action": "gap:1#2" }),
            json!({ "action": {} }),
            json!({ "action": { "verb": 7 } }),
            json!({ "action": { "type": "Action.Submit", "verb": "gap:1" } }),
            json!({ "action": { "type": "Action.Execute", "verb": "gap:1", "data": { "action": "gap:2" } } }),
            json!({ "action": { "type": "Action.Execute", "data": "gap:1" } }),
            json!({ "action": { "type": "Action.Execute", "verb": "GAP:1" } }),
        ] {
            assert_eq!(action_from_invoke(&garbage), None, "{garbage}");
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "(gap|approve|person|action|verb|data|type|Action.Execute)(:[-0-9a-zA-Z%#: ]{0,12}){0,3}"
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    "(action|verb|data|type|trigger|person:1|x)",
                    inner,
                    0..5
                )
                .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn action_from_invoke_never_panics(value in any_json()) {
            if let Some((action, inputs)) = action_from_invoke(&value) {
                prop_assert!(Action::decode(&action.encode()).is_some());
                prop_assert!(!inputs.contains_key(ACTION_KEY));
            }
        }

        #[test]
        fn markdown_cut_fits_keeps_escapes_whole_and_marks_the_cut(
            words in "[&<>a 🎉é*`\\[\\]\n-]{0,400}",
            strong in "[&<>b 🎉_]{0,40}",
            max in 20usize..300,
        ) {
            let text = Text::new().plain(words.as_str()).mention("u1").strong(strong.as_str());
            let out = markdown_cut(&text, &Names::new(), max);
            prop_assert!(width(&out) <= max);
            check_escapes(&out);
            let full = markdown::render(&text);
            if out != full {
                prop_assert!(out.ends_with('…'));
            }
        }

        #[test]
        fn plain_cut_fits_and_keeps_whole_characters(words in ".{0,200}", max in 2usize..100) {
            let out = plain_cut(&words, max);
            prop_assert!(width(&out) <= max);
            if out != words {
                let kept = out.trim_end_matches('…');
                prop_assert!(words.starts_with(kept));
            }
        }
    }

    // ---- snapshots (reviewed against the Adaptive Cards 1.5 schema) ----

    /// The cards and forms the snapshots and the official validator see, by name.
    fn samples() -> Vec<(&'static str, Value)> {
        vec![
            (
                "retro_prompt",
                card(&prompt_card(&occurrence(
                    RitualKind::Retro,
                    "ATL Sprint 42",
                ))),
            ),
            (
                "qbr_prompt",
                card(&prompt_card(&occurrence(
                    RitualKind::Qbr,
                    "Q4 Business Review",
                ))),
            ),
            (
                "pipeline_prompt",
                card(&prompt_card(&occurrence(
                    RitualKind::PipelineCall,
                    "Weekly Pipeline Review",
                ))),
            ),
            (
                "track_request",
                card_with_names(&track_request(), &people()),
            ),
            (
                "retro_after_outcome",
                card_with_names(&retro_after_outcome(false), &people()),
            ),
            (
                "intervention_form",
                form(&intervention_form(42, &capabilities())),
            ),
            ("qbr_form", form(&qbr_form(42, &capabilities()))),
            ("coaching_form", form(&coaching_form(42, &capabilities()))),
        ]
    }

    /// Cards whose capability picker holds more than a card lists (not snapshotted: 100
    /// choices each).
    fn large_library_samples() -> Vec<(&'static str, Value)> {
        vec![
            (
                "retro_prompt_large_library",
                card(&prompt_card(&OccurrenceView {
                    capabilities: large_library(),
                    ..occurrence(RitualKind::Retro, "ATL Sprint 42")
                })),
            ),
            (
                "intervention_form_large_library",
                form(&intervention_form(42, &large_library())),
            ),
        ]
    }

    /// A library longer than a picker lists.
    fn large_library() -> Vec<Choice> {
        (0..=PICKER_OPTIONS)
            .map(|n| Choice::new(format!("capability {n:03}"), n.to_string()))
            .collect()
    }

    #[test]
    fn a_library_longer_than_a_picker_lists_is_searched_from_the_bot() {
        for (name, rendered) in samples()
            .into_iter()
            .filter(|(n, _)| n.ends_with("large_library"))
        {
            let sets = of_type(&rendered, "Input.ChoiceSet");
            let set = sets
                .iter()
                .find(|s| s.get("choices.data").is_some())
                .unwrap_or_else(|| panic!("{name}: {rendered}"));
            assert_eq!(
                set["choices"].as_array().map(Vec::len),
                Some(PICKER_OPTIONS),
                "{name}"
            );
            assert_eq!(set["choices.data"]["type"], "Data.Query");
            let dataset = set["choices.data"]["dataset"].as_str().unwrap();
            assert!(
                dataset.starts_with("cadence.capabilities:") && dataset.contains(":42"),
                "{name}: {dataset}"
            );
        }
        let short = card(&prompt_card(&occurrence(
            RitualKind::Retro,
            "ATL Sprint 42",
        )));
        assert!(
            of_type(&short, "Input.ChoiceSet")
                .iter()
                .all(|s| s.get("choices.data").is_none())
        );
    }

    /// Everything else worth showing the official validator: every ritual's prompt, a closed
    /// prompt, a team without capabilities, and the hostile and oversized cards and forms.
    /// A week's digest with a scoreboard, a dip, people learning and the week's decisions.
    fn digest_sample() -> Card {
        use crate::domain::command::DateRange;
        use crate::domain::coverage::{CapabilityCoverage, CapabilityReport, Dip};
        use crate::domain::digest::{DecisionTally, DigestInputs, digest_card};
        let day = |s: &str| s.parse().expect("date");
        digest_card(&DigestInputs {
            team: "Atlas".into(),
            week: DateRange {
                from: day("2026-11-23"),
                to: day("2026-11-30"),
            },
            coverage: vec![CapabilityReport {
                today: CapabilityCoverage {
                    capability: crate::domain::ids::CapabilityId(1),
                    name: "run EBR".into(),
                    target: Some(3),
                    available: vec!["Bob".into()],
                    away: vec!["Carol".into()],
                },
                week_ago: 2,
                dips: vec![Dip {
                    from: day("2026-12-01"),
                    to: day("2026-12-04"),
                    lowest: 0,
                    away: vec!["Bob".into()],
                }],
                in_progress: vec![("Dan".into(), crate::domain::Level::Practising)],
            }],
            decisions: vec![DecisionTally {
                ritual: Some("Atlas retro".into()),
                kind: "gap".into(),
                count: 2,
            }],
            interventions: vec![],
            learning_hours_centi: 600,
            missing_artefacts: vec![],
            pending_track_requests: 1,
            participation: Default::default(),
            budget: None,
            track_progress: Vec::new(),
        })
    }

    /// A manager's home view with a waiting request.
    fn home_sample() -> Card {
        use crate::domain::home::{HomeView, ManagedTeam, PendingRequest, home_card};
        home_card(&HomeView {
            name: "Alice".into(),
            managed: vec![ManagedTeam {
                name: "Atlas".into(),
                coverage: Vec::new(),
                requests: vec![PendingRequest {
                    decision: 4,
                    person_id: "U02BOB".into(),
                    track: "Architecture lead".into(),
                    note: Some("led two ADRs".into()),
                }],
                rituals: vec![("Atlas QBR".into(), "next Tue 5 Jan 10:00".into())],
                interventions: Vec::new(),
            }],
            member_of: Vec::new(),
            levels: vec![("run EBR".into(), crate::domain::Level::Mastery)],
            tracks: Vec::new(),
            progress: Vec::new(),
            organisation: None,
        })
    }

    fn stress_samples() -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = RitualKind::ALL
            .into_iter()
            .map(|kind| {
                (
                    format!("prompt_{kind}"),
                    card(&prompt_card(&occurrence(kind, "Sprint 7"))),
                )
            })
            .collect();
        let mut bare = occurrence(RitualKind::Retro, "Sprint 8");
        bare.capabilities.clear();
        out.push((
            "retro_without_capabilities".into(),
            card(&prompt_card(&bare)),
        ));
        out.push((
            "retro_closed".into(),
            card_with_names(&retro_after_outcome(true), &people()),
        ));
        out.push(("digest".into(), card(&digest_sample())));
        out.push((
            "nudge".into(),
            card_with_names(
                &crate::domain::prompt::nudge_card(&crate::domain::prompt::NudgeView {
                    occurrence: 7,
                    title: "ATL Sprint 43".into(),
                    ritual: "Atlas retro".into(),
                    artefact: "gaps".into(),
                    mention: vec!["U01ALICE".into()],
                }),
                &people(),
            ),
        ));
        out.push(("home".into(), card(&home_sample())));
        out.push(("hostile".into(), card(&hostile_card())));
        out.push(("oversized".into(), card(&oversized_card())));
        out.push(("oversized_form".into(), form(&oversized_form())));
        out.push((
            "twelve_buttons".into(),
            card(&sample(vec![Part::Controls((0..12).map(button).collect())])),
        ));
        out.push(("empty_capabilities_form".into(), form(&qbr_form(1, &[]))));
        out
    }

    #[test]
    fn snapshots() {
        for (name, rendered) in samples() {
            check_card(&rendered);
            insta::assert_json_snapshot!(name, rendered);
        }
    }

    #[test]
    fn stress_samples_keep_the_rules() {
        for (name, rendered) in stress_samples() {
            eprintln!("{name}");
            check_card(&rendered);
        }
    }

    // ---- the official parser ----

    /// Runs Microsoft's Adaptive Cards SDK (tests/adaptive-cards/validate.mjs) over every
    /// sample: zero parse, validation and serialisation events, and no property it does not
    /// know. Installs the pinned SDK with `npm ci` first when it is missing. Needs Node.js: a
    /// machine without it fails here rather than skipping the check.
    #[test]
    fn the_official_adaptive_cards_sdk_accepts_every_sample() {
        let validator = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/adaptive-cards");
        if !validator.join("node_modules/adaptivecards").is_dir() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&validator)
                .status()
                .unwrap_or_else(|error| {
                    panic!(
                        "this test needs npm (Node.js 18 or later) to install the Adaptive Cards \
                         SDK into tests/adaptive-cards: running npm failed: {error}"
                    )
                });
            assert!(
                status.success(),
                "`npm ci --prefix tests/adaptive-cards` failed ({status}); the npm registry must \
                 be reachable to install the Adaptive Cards SDK"
            );
        }

        let dir = tempfile::tempdir().unwrap();
        let mut all: Vec<(String, Value)> = samples()
            .into_iter()
            .map(|(name, card)| (name.to_owned(), card))
            .collect();
        all.extend(stress_samples());
        all.extend(
            large_library_samples()
                .into_iter()
                .map(|(name, card)| (name.to_owned(), card)),
        );
        for (name, card) in &all {
            let path = dir.path().join(format!("{name}.json"));
            std::fs::write(path, serde_json::to_vec_pretty(card).unwrap()).unwrap();
        }
        let output = Command::new("node")
            .arg(validator.join("validate.mjs"))
            .arg(dir.path())
            .output()
            .unwrap_or_else(|error| {
                panic!(
                    "this test needs Node.js (18 or later) on PATH to run the Adaptive Cards \
                     SDK: running node failed: {error}"
                )
            });
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!("{report}");
        assert!(output.status.success(), "the SDK found problems:\n{report}");
        assert!(
            report.contains(&format!("{n} of {n} cards clean", n = all.len())),
            "{report}"
        );
    }
}
