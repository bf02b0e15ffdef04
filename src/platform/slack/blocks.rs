//! Renders neutral [`Card`]s as Block Kit messages and [`Form`]s as modal views.
//!
//! Slack refuses a whole message (`invalid_blocks`, `msg_too_long`) when one field breaks one of
//! its limits, and a refused prompt is a ritual without its question. So this renderer obeys
//! every limit in platforms.md "Block Kit limits" by construction rather than hoping the domain
//! stays small: long text is cut, long lists are split or capped, ids are made unique.
//! <https://docs.slack.dev/reference/block-kit/blocks>
//!
//! Two rules keep it safe and readable:
//! - Every word that reaches mrkdwn (bodies, facts, notes, and the `text` fallback, which Slack
//!   also parses) goes through [`mrkdwn`], so user text cannot ping `@channel` or forge a
//!   mention. Headings, button labels, placeholders and option labels are `plain_text`, which
//!   Slack shows literally.
//! - Text is cut by characters *before* it is escaped, then closed with "…", so a cut never
//!   splits a UTF-8 character or an `&amp;` entity. Lengths are counted in UTF-16 units, never
//!   fewer than characters, so the result fits however Slack counts.
//!
//! Each control's `action_id` is its [`Action::encode`] string, suffixed `#2`, `#3`… when the
//! same action appears twice (encodings never contain `#`); [`action_from_id`] reads it back.
//! Buttons also carry the exact encoding as their `value`.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::mrkdwn;
use crate::domain::card::{
    Action, Card, Choice, Control, Emphasis, Fact, Form, Input, InputKind, Part,
};
use crate::domain::text::{Span, Text};

/// Blocks per message. Views allow 100 (modals below).
const MESSAGE_BLOCKS: usize = 50;
/// Blocks per modal view.
const MODAL_BLOCKS: usize = 100;
/// `section.text`.
const SECTION_TEXT: usize = 3000;
/// Items in `section.fields`.
const SECTION_FIELDS: usize = 10;
/// Characters per `section.fields` item.
const FIELD_TEXT: usize = 2000;
/// `header` text (plain_text only).
const HEADER_TEXT: usize = 150;
/// Elements in a `context` block.
const CONTEXT_ELEMENTS: usize = 10;
/// Characters per context element. Slack's only figure is a text object's 3000; small print
/// longer than a field is not small print, so we hold it to the field limit.
const CONTEXT_TEXT: usize = 2000;
/// Elements in an `actions` block.
const ACTIONS_ELEMENTS: usize = 25;
/// Button `text`.
const BUTTON_TEXT: usize = 75;
/// Button `value`.
const BUTTON_VALUE: usize = 2000;
/// A select's or date picker's `placeholder`.
const PLACEHOLDER_TEXT: usize = 150;
/// Options in a `static_select`.
const SELECT_OPTIONS: usize = 100;
/// An option's `text`.
const OPTION_TEXT: usize = 75;
/// An option's `value`.
const OPTION_VALUE: usize = 150;
/// `action_id`, `block_id` and `callback_id`.
const ID_MAX: usize = 255;
/// A modal's `title`, `submit` and `close`.
const VIEW_BUTTON_TEXT: usize = 24;
/// A view's `private_metadata`.
const PRIVATE_METADATA: usize = 3000;
/// An input block's `label`.
const INPUT_LABEL: usize = 2000;
/// The largest `max_length` a `plain_text_input` accepts.
const TEXT_INPUT_MAX: u32 = 3000;
/// The top-level `text` notification fallback.
const FALLBACK_TEXT: usize = 4000;

/// What closes every cut text.
const ELLIPSIS: char = '…';

/// A `chat.postMessage` / `chat.update` body without the channel: `{"text": …, "blocks": […]}`.
///
/// More than 50 blocks keep the first 49 and end with a context block "…and N more".
pub fn message(card: &Card) -> Value {
    let mut ids = Ids::default();
    let mut blocks = Vec::new();
    for part in &card.parts {
        part_blocks(part, &mut ids, &mut blocks);
    }
    if blocks.len() > MESSAGE_BLOCKS {
        let hidden = blocks.len() - (MESSAGE_BLOCKS - 1);
        blocks.truncate(MESSAGE_BLOCKS - 1);
        blocks.push(json!({
            "type": "context",
            "elements": [mrkdwn_object(format!("{ELLIPSIS}and {hidden} more"))],
        }));
    }
    json!({ "text": fallback(card), "blocks": blocks })
}

/// A `views.publish` home view: the card's blocks, at most 100 (the last counting the rest).
pub fn home(card: &Card) -> Value {
    let mut ids = Ids::default();
    let mut blocks = Vec::new();
    for part in &card.parts {
        part_blocks(part, &mut ids, &mut blocks);
    }
    if blocks.len() > MODAL_BLOCKS {
        let hidden = blocks.len() - (MODAL_BLOCKS - 1);
        blocks.truncate(MODAL_BLOCKS - 1);
        blocks.push(json!({
            "type": "context",
            "elements": [mrkdwn_object(format!("{ELLIPSIS}and {hidden} more"))],
        }));
    }
    json!({ "type": "home", "blocks": blocks })
}

/// A `views.open` / `views.push` modal view for a form.
///
/// `callback_id` and `private_metadata` both hold the form's [`Action::encode`] string; a
/// caller that needs more context back on submission (e.g. which message to update) may replace
/// `private_metadata`, keeping it within Slack's 3000 characters. Each input is one `input`
/// block whose `block_id` and element `action_id` are the input's id, so a submission's value is
/// at `view.state.values[id][id]`.
pub fn modal(form: &Form) -> Value {
    let encoded = form.action.encode();
    let mut ids = Ids::default();
    let blocks: Vec<Value> = form
        .inputs
        .iter()
        .take(MODAL_BLOCKS)
        .map(|input| input_block(input, &mut ids))
        .collect();
    json!({
        "type": "modal",
        "callback_id": cut_id(&encoded, ID_MAX),
        "private_metadata": cut_id(&encoded, PRIVATE_METADATA),
        "title": plain_object(&plain_cut(&form.title, VIEW_BUTTON_TEXT), "Cadence"),
        "submit": plain_object(&plain_cut(&form.submit, VIEW_BUTTON_TEXT), "Submit"),
        "close": plain_object("Cancel", "Cancel"),
        "blocks": blocks,
    })
}

/// The action a Block Kit `action_id` from [`message`] stands for, or `None` for a stale or
/// foreign one. Strips the `#N` suffix that keeps repeated actions' ids unique.
pub fn action_from_id(action_id: &str) -> Option<Action> {
    let encoded = action_id
        .split_once('#')
        .map_or(action_id, |(base, _)| base);
    Action::decode(encoded)
}

fn part_blocks(part: &Part, ids: &mut Ids, blocks: &mut Vec<Value>) {
    match part {
        Part::Heading(words) => {
            let words = plain_cut(words.trim(), HEADER_TEXT);
            if !words.is_empty() {
                blocks.push(json!({ "type": "header", "text": plain_object(&words, "") }));
            }
        }
        Part::Body(text) => {
            let rendered = mrkdwn_cut(text, SECTION_TEXT);
            if !rendered.trim().is_empty() {
                blocks.push(json!({ "type": "section", "text": mrkdwn_object(rendered) }));
            }
        }
        Part::Facts(facts) => {
            let fields: Vec<Value> = facts
                .iter()
                .map(fact_field)
                .filter(|rendered| !rendered.trim().is_empty())
                .map(mrkdwn_object)
                .collect();
            // More than ten facts become more sections rather than lost facts.
            for chunk in fields.chunks(SECTION_FIELDS) {
                blocks.push(json!({ "type": "section", "fields": chunk }));
            }
        }
        Part::Note(lines) => {
            let mut elements: Vec<String> = lines
                .iter()
                .map(|line| mrkdwn_cut(line, CONTEXT_TEXT))
                .filter(|rendered| !rendered.trim().is_empty())
                .collect();
            if elements.len() > CONTEXT_ELEMENTS {
                let hidden = elements.len() - (CONTEXT_ELEMENTS - 1);
                elements.truncate(CONTEXT_ELEMENTS - 1);
                elements.push(format!("{ELLIPSIS}and {hidden} more"));
            }
            if !elements.is_empty() {
                let elements: Vec<Value> = elements.into_iter().map(mrkdwn_object).collect();
                blocks.push(json!({ "type": "context", "elements": elements }));
            }
        }
        Part::Separator => blocks.push(json!({ "type": "divider" })),
        Part::Controls(controls) => {
            let elements: Vec<Value> = controls
                .iter()
                .filter_map(|control| control_element(control, ids))
                .collect();
            // A long row wraps into more actions blocks; every control stays reachable.
            for chunk in elements.chunks(ACTIONS_ELEMENTS) {
                blocks.push(json!({ "type": "actions", "elements": chunk }));
            }
        }
    }
}

/// A fact as one field: the label in bold over the value.
fn fact_field(fact: &Fact) -> String {
    let mut text = Text::new();
    if !fact.label.trim().is_empty() {
        text = text.strong(fact.label.as_str()).line();
    }
    mrkdwn_cut(&text.append(fact.value.clone()), FIELD_TEXT)
}

/// The element for a control, or `None` when it cannot be shown (a choice with no options).
fn control_element(control: &Control, ids: &mut Ids) -> Option<Value> {
    let encoded = control.action().encode();
    match control {
        Control::Button {
            label, emphasis, ..
        } => {
            let mut button = json!({
                "type": "button",
                "text": plain_object(&plain_cut(label, BUTTON_TEXT), "…"),
                "action_id": ids.unique(&encoded),
                "value": cut_id(&encoded, BUTTON_VALUE),
            });
            let style = match emphasis {
                Emphasis::Normal => None,
                Emphasis::Primary => Some("primary"),
                Emphasis::Danger => Some("danger"),
            };
            if let Some(style) = style {
                button["style"] = Value::from(style);
            }
            Some(button)
        }
        Control::PersonPicker { placeholder, .. } => Some(json!({
            "type": "users_select",
            "action_id": ids.unique(&encoded),
            "placeholder": plain_object(&plain_cut(placeholder, PLACEHOLDER_TEXT), "Choose a person"),
        })),
        Control::Choice {
            placeholder,
            options,
            ..
        } => {
            if options.len() > SELECT_OPTIONS {
                return Some(searchable_select(
                    &ids.unique(&encoded),
                    &plain_cut(placeholder, PLACEHOLDER_TEXT),
                ));
            }
            let options = option_objects(options);
            if options.is_empty() {
                return None;
            }
            Some(json!({
                "type": "static_select",
                "action_id": ids.unique(&encoded),
                "placeholder": plain_object(&plain_cut(placeholder, PLACEHOLDER_TEXT), "Choose"),
                "options": options,
            }))
        }
    }
}

/// A select that loads its options from Cadence as the person types (the app's options load
/// URL, `/slack/interactions`), for a list longer than a `static_select` holds: Slack asks
/// with the text typed so far, empty at first, so the team's own capabilities show straight away.
fn searchable_select(action_id: &str, placeholder: &str) -> Value {
    json!({
        "type": "external_select",
        "action_id": action_id,
        "placeholder": plain_object(placeholder, "Choose"),
        "min_query_length": 0,
    })
}

/// Option objects for a static select or an options load: at most 100, values unique. A value
/// longer than Slack allows is left out rather than cut, because a cut value would come back
/// naming something else.
pub(crate) fn option_objects(choices: &[Choice]) -> Vec<Value> {
    let mut seen = HashSet::new();
    choices
        .iter()
        .filter(|choice| {
            !choice.value.is_empty()
                && width(&choice.value) <= OPTION_VALUE
                && seen.insert(choice.value.as_str())
        })
        .take(SELECT_OPTIONS)
        .map(|choice| {
            json!({
                "text": plain_object(&plain_cut(&choice.label, OPTION_TEXT), &plain_cut(&choice.value, OPTION_TEXT)),
                "value": choice.value,
            })
        })
        .collect()
}

fn input_block(input: &Input, ids: &mut Ids) -> Value {
    let id = ids.unique(&input.id);
    let element = match &input.kind {
        InputKind::Person => json!({
            "type": "users_select",
            "action_id": id,
            "placeholder": plain_object("Choose a person", ""),
        }),
        InputKind::Capability(choices) if choices.len() > SELECT_OPTIONS => {
            searchable_select(&id, "Choose a capability")
        }
        InputKind::Capability(choices) => {
            let options = option_objects(choices);
            if options.is_empty() {
                // No list to pick from yet: ask for the name, which the handler matches.
                json!({
                    "type": "plain_text_input",
                    "action_id": id,
                    "max_length": OPTION_VALUE,
                    "placeholder": plain_object("Capability name", ""),
                })
            } else {
                json!({
                    "type": "static_select",
                    "action_id": id,
                    "placeholder": plain_object("Choose a capability", ""),
                    "options": options,
                })
            }
        }
        InputKind::Text {
            multiline,
            max_chars,
        } => json!({
            "type": "plain_text_input",
            "action_id": id,
            "multiline": multiline,
            "max_length": (*max_chars).clamp(1, TEXT_INPUT_MAX),
        }),
        InputKind::Date => json!({
            "type": "datepicker",
            "action_id": id,
            "placeholder": plain_object("Pick a date", ""),
        }),
    };
    json!({
        "type": "input",
        "block_id": id,
        "label": plain_object(&plain_cut(&input.label, INPUT_LABEL), &id),
        "optional": input.optional,
        "element": element,
    })
}

/// The notification fallback: the summary, escaped (Slack parses `text` as mrkdwn), or the
/// first heading when the summary is blank, because Slack wants some text for notifications.
fn fallback(card: &Card) -> String {
    let summary = if card.summary.trim().is_empty() {
        card.parts
            .iter()
            .find_map(|part| match part {
                Part::Heading(words) if !words.trim().is_empty() => Some(words.as_str()),
                _ => None,
            })
            .unwrap_or("Cadence")
    } else {
        card.summary.as_str()
    };
    mrkdwn_cut(&Text::new().plain(summary), FALLBACK_TEXT)
}

/// Ids unique within one message or view, all within Slack's 255 characters.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// `base` itself the first time, then `base#2`, `base#3`… (cut so the suffix fits).
    fn unique(&mut self, base: &str) -> String {
        let first = cut_id(base, ID_MAX);
        if self.used.insert(first.clone()) {
            return first;
        }
        let mut n = 2usize;
        loop {
            let suffix = format!("#{n}");
            let candidate = cut_id(base, ID_MAX - suffix.len()) + &suffix;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// `{"type":"plain_text","text":…,"emoji":true}`; Slack refuses empty text, so `fallback`
/// stands in for it.
fn plain_object(words: &str, fallback: &str) -> Value {
    let words = if words.trim().is_empty() {
        fallback
    } else {
        words
    };
    let words = if words.trim().is_empty() {
        "…"
    } else {
        words
    };
    json!({ "type": "plain_text", "text": words, "emoji": true })
}

fn mrkdwn_object(rendered: String) -> Value {
    json!({ "type": "mrkdwn", "text": rendered })
}

/// Length as Slack may count it: UTF-16 units, which are never fewer than characters.
fn width(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The longest prefix of `s` that is at most `max` wide, cut between characters.
fn prefix_within(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (at, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &s[..at];
        }
    }
    s
}

/// An id or encoded value cut to `max` without an ellipsis: ids are compared, not read.
fn cut_id(s: &str, max: usize) -> String {
    prefix_within(s, max).to_owned()
}

/// Plain words cut to `max`, ending with "…" when anything was cut.
fn plain_cut(words: &str, max: usize) -> String {
    if width(words) <= max {
        return words.to_owned();
    }
    let mut out = prefix_within(words, max - ELLIPSIS.len_utf16())
        .trim_end()
        .to_owned();
    out.push(ELLIPSIS);
    out
}

/// Renders `text` as mrkdwn of at most `max` width. When it is too long, whole spans are kept
/// while they fit, then the next span's *words* are cut (so escaping and bold or code markers
/// are applied to the shortened words, never cut through), and "…" ends it. Mentions and
/// channel references are never cut: one that does not fit is left out.
fn mrkdwn_cut(text: &Text, max: usize) -> String {
    let full = mrkdwn::render(text);
    if width(&full) <= max {
        return full;
    }
    let budget = max - ELLIPSIS.len_utf16();
    let mut kept = Text::new();
    let mut used = 0;
    for span in text.spans() {
        let span_width = span_width(span);
        if used + span_width <= budget {
            kept.push(span.clone());
            used += span_width;
            continue;
        }
        if let Some(shorter) = shorten(span, budget - used) {
            kept.push(shorter);
        }
        break;
    }
    let mut out = mrkdwn::render(&kept).trim_end().to_owned();
    out.push(ELLIPSIS);
    out
}

/// How wide a span renders in the middle of a text. [`mrkdwn::render`] renders each span on its
/// own and then trims trailing newlines, so a span is measured with a one-character sentinel
/// after it (minus that character): a break, or plain words ending in a newline, count in full.
fn span_width(span: &Span) -> usize {
    let mut text = Text::new();
    text.push(span.clone());
    text.push(Span::Plain("x".into()));
    width(&mrkdwn::render(&text)) - 1
}

/// The span with the most of its words whose rendering is at most `room` wide, if any fit.
fn shorten(span: &Span, room: usize) -> Option<Span> {
    let (words, rebuild): (&str, fn(String) -> Span) = match span {
        Span::Plain(words) => (words, Span::Plain),
        Span::Strong(words) => (words, Span::Strong),
        Span::Code(words) => (words, Span::Code),
        Span::Command(words) => (words, Span::Command),
        Span::Mention(_) | Span::Channel(_) | Span::Link { .. } | Span::Break => return None,
    };
    // First guess: as many characters as fit once escaped; markers may need a few fewer.
    let mut used = 0;
    let mut count = 0;
    for c in words.chars() {
        let escaped = match c {
            '&' => "&amp;".len(),
            '<' | '>' => "&lt;".len(),
            c => c.len_utf16(),
        };
        if used + escaped > room {
            break;
        }
        used += escaped;
        count += 1;
    }
    loop {
        if count == 0 {
            return None;
        }
        let candidate = rebuild(words.chars().take(count).collect());
        if span_width(&candidate) <= room {
            return Some(candidate);
        }
        count -= 1;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::card::Verb;
    use crate::domain::prompt::{
        TrackRequestView, coaching_form, intervention_form, prompt_card, qbr_form,
        track_request_card, with_outcome,
    };
    use crate::domain::ritual::RitualKind;

    // ---- a checker for every limit in platforms.md "Block Kit limits" ----

    fn text_of(object: &Value) -> &str {
        object["text"].as_str().unwrap_or_default()
    }

    fn check_plain(object: &Value, max: usize, what: &str) {
        assert_eq!(object["type"], "plain_text", "{what}: {object}");
        let text = text_of(object);
        assert!(!text.is_empty(), "{what} is empty");
        assert!(width(text) <= max, "{what} is {} > {max}", width(text));
    }

    fn check_mrkdwn(object: &Value, max: usize, what: &str) {
        assert_eq!(object["type"], "mrkdwn", "{what}: {object}");
        let text = text_of(object);
        assert!(!text.trim().is_empty(), "{what} is empty");
        assert!(width(text) <= max, "{what} is {} > {max}", width(text));
        check_entities(text);
    }

    /// Every `&` starts one of the three entities Slack documents: nothing cut in half.
    fn check_entities(text: &str) {
        for (at, _) in text.match_indices('&') {
            let rest = &text[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;"]
                    .iter()
                    .any(|e| rest.starts_with(e)),
                "broken entity at {at}: {:?}",
                rest.chars().take(8).collect::<String>()
            );
        }
    }

    fn check_id(id: &Value, seen: &mut HashSet<String>, what: &str) {
        let id = id.as_str().unwrap_or_else(|| panic!("{what} missing"));
        assert!(!id.is_empty() && width(id) <= ID_MAX, "{what} {id:?}");
        assert!(seen.insert(id.to_owned()), "duplicate {what} {id:?}");
    }

    fn check_options(element: &Value) {
        let options = element["options"].as_array().unwrap();
        assert!(!options.is_empty() && options.len() <= SELECT_OPTIONS);
        let mut values = HashSet::new();
        for option in options {
            check_plain(&option["text"], OPTION_TEXT, "option text");
            let value = option["value"].as_str().unwrap();
            assert!(!value.is_empty() && width(value) <= OPTION_VALUE);
            assert!(values.insert(value), "duplicate option value {value}");
        }
    }

    fn check_element(element: &Value, action_ids: &mut HashSet<String>) {
        check_id(&element["action_id"], action_ids, "action_id");
        match element["type"].as_str().unwrap() {
            "button" => {
                check_plain(&element["text"], BUTTON_TEXT, "button text");
                let value = element["value"].as_str().unwrap();
                assert!(width(value) <= BUTTON_VALUE);
                assert!(Action::decode(value).is_some(), "button value {value}");
                if let Some(style) = element.get("style") {
                    assert!(style == "primary" || style == "danger");
                }
            }
            "users_select" | "datepicker" => {
                check_plain(&element["placeholder"], PLACEHOLDER_TEXT, "placeholder")
            }
            "static_select" => {
                check_plain(&element["placeholder"], PLACEHOLDER_TEXT, "placeholder");
                check_options(element);
            }
            "external_select" => {
                check_plain(&element["placeholder"], PLACEHOLDER_TEXT, "placeholder");
                assert_eq!(element["min_query_length"], 0);
                assert!(element.get("options").is_none(), "its options are loaded");
            }
            "plain_text_input" => {
                let max = element["max_length"].as_u64().unwrap();
                assert!((1..=u64::from(TEXT_INPUT_MAX)).contains(&max));
            }
            other => panic!("unexpected element {other}"),
        }
    }

    /// Asserts that a rendered message respects every limit and stays well-formed.
    fn check_message(message: &Value) {
        let fallback = message["text"].as_str().unwrap();
        assert!(!fallback.trim().is_empty() && width(fallback) <= FALLBACK_TEXT);
        check_entities(fallback);
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= MESSAGE_BLOCKS, "{} blocks", blocks.len());
        let mut action_ids = HashSet::new();
        let mut block_ids = HashSet::new();
        for block in blocks {
            if let Some(id) = block.get("block_id") {
                check_id(id, &mut block_ids, "block_id");
            }
            match block["type"].as_str().unwrap() {
                "header" => check_plain(&block["text"], HEADER_TEXT, "header"),
                "section" => {
                    if let Some(fields) = block.get("fields") {
                        let fields = fields.as_array().unwrap();
                        assert!(!fields.is_empty() && fields.len() <= SECTION_FIELDS);
                        for field in fields {
                            check_mrkdwn(field, FIELD_TEXT, "field");
                        }
                    } else {
                        check_mrkdwn(&block["text"], SECTION_TEXT, "section text");
                    }
                }
                "context" => {
                    let elements = block["elements"].as_array().unwrap();
                    assert!(!elements.is_empty() && elements.len() <= CONTEXT_ELEMENTS);
                    for element in elements {
                        check_mrkdwn(element, CONTEXT_TEXT, "context element");
                    }
                }
                "actions" => {
                    let elements = block["elements"].as_array().unwrap();
                    assert!(!elements.is_empty() && elements.len() <= ACTIONS_ELEMENTS);
                    for element in elements {
                        check_element(element, &mut action_ids);
                    }
                }
                "divider" => {}
                other => panic!("unexpected block {other}"),
            }
        }
    }

    /// Asserts that a rendered modal respects every limit and stays well-formed.
    fn check_modal(view: &Value) {
        assert_eq!(view["type"], "modal");
        check_plain(&view["title"], VIEW_BUTTON_TEXT, "title");
        check_plain(&view["submit"], VIEW_BUTTON_TEXT, "submit");
        check_plain(&view["close"], VIEW_BUTTON_TEXT, "close");
        let callback = view["callback_id"].as_str().unwrap();
        assert!(width(callback) <= ID_MAX && Action::decode(callback).is_some());
        let metadata = view["private_metadata"].as_str().unwrap();
        assert!(width(metadata) <= PRIVATE_METADATA);
        let blocks = view["blocks"].as_array().unwrap();
        assert!(blocks.len() <= MODAL_BLOCKS);
        let mut block_ids = HashSet::new();
        let mut action_ids = HashSet::new();
        for block in blocks {
            assert_eq!(block["type"], "input");
            check_id(&block["block_id"], &mut block_ids, "block_id");
            check_plain(&block["label"], INPUT_LABEL, "label");
            assert!(block["optional"].is_boolean());
            check_element(&block["element"], &mut action_ids);
        }
    }

    // ---- fixtures ----

    use crate::platform::card_fixtures::{button, capabilities, occurrence};

    /// 10,000 characters of the three escaped characters and emoji (astral and BMP).
    fn hostile_words() -> String {
        "&<>🎉é✓ ".chars().cycle().take(10_000).collect()
    }

    fn card(parts: Vec<Part>) -> Card {
        Card {
            summary: "summary".into(),
            parts,
        }
    }

    // ---- limits ----

    #[test]
    fn sixty_parts_keep_forty_nine_blocks_and_say_how_many_more() {
        let parts = (0..60)
            .map(|n| Part::Body(Text::new().plain(format!("part {n}"))))
            .collect();
        let rendered = message(&card(parts));
        check_message(&rendered);
        let blocks = rendered["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), 50);
        assert_eq!(text_of(&blocks[48]["text"]), "part 48");
        assert_eq!(blocks[49]["type"], "context");
        assert_eq!(text_of(&blocks[49]["elements"][0]), "…and 11 more");
    }

    #[test]
    fn huge_text_is_cut_before_escaping_everywhere() {
        let words = hostile_words();
        let rendered = message(&Card {
            summary: words.clone(),
            parts: vec![
                Part::Heading(words.clone()),
                Part::Body(Text::new().strong("Lead: ").plain(words.as_str())),
                Part::Body(Text::new().code(words.as_str())),
                Part::Facts(vec![Fact {
                    label: words.clone(),
                    value: Text::new().plain(words.as_str()),
                }]),
                Part::Note(vec![Text::new().plain(words.as_str())]),
            ],
        });
        check_message(&rendered);
        let blocks = rendered["blocks"].as_array().unwrap();
        let body = text_of(&blocks[1]["text"]);
        assert!(body.starts_with("*Lead:* &amp;&lt;&gt;🎉"), "{body}");
        assert!(body.ends_with('…'));
        assert!(
            width(body) > SECTION_TEXT - 10,
            "cut far too short: {}",
            width(body)
        );
        let code = text_of(&blocks[2]["text"]);
        assert!(
            code.starts_with('`') && code.ends_with("`…"),
            "code markers kept"
        );
        assert!(text_of(&blocks[0]["text"]).ends_with('…'));
        assert!(rendered["text"].as_str().unwrap().ends_with('…'));
    }

    #[test]
    fn a_cut_never_leaves_half_an_entity() {
        // Every possible cut point lands inside or after an entity somewhere in this sweep.
        for lead in 0..8 {
            let text = Text::new().plain("a".repeat(SECTION_TEXT - 10 + lead) + &"&".repeat(50));
            let out = mrkdwn_cut(&text, SECTION_TEXT);
            assert!(width(&out) <= SECTION_TEXT);
            check_entities(&out);
            assert!(!out.contains("&am…") && !out.contains("&a…") && !out.contains("&…"));
        }
    }

    #[test]
    fn a_newline_ending_a_span_is_counted_when_more_follows() {
        // Found by the property test below: rendered alone, "a\n" trims to "a".
        let text = Text::new().plain("a\n").plain("b".repeat(20));
        let out = mrkdwn_cut(&text, 10);
        assert_eq!(out, format!("a\n{}…", "b".repeat(7)));
        assert_eq!(width(&out), 10);
    }

    #[test]
    fn a_mention_that_does_not_fit_is_left_out_whole() {
        let text = Text::new().plain("x".repeat(40)).mention("U123ABC");
        assert_eq!(mrkdwn_cut(&text, 45), format!("{}…", "x".repeat(40)));
    }

    #[test]
    fn thirty_buttons_wrap_into_two_rows() {
        let rendered = message(&card(vec![Part::Controls((0..30).map(button).collect())]));
        check_message(&rendered);
        let blocks = rendered["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0]["elements"].as_array().unwrap().len(), 25);
        assert_eq!(blocks[1]["elements"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn eleven_facts_and_twelve_notes_stay_within_their_blocks() {
        let facts = (0..11)
            .map(|n| Fact {
                label: format!("fact {n}"),
                value: Text::new().plain("v"),
            })
            .collect();
        let notes = (0..12)
            .map(|n| Text::new().plain(format!("note {n}")))
            .collect();
        let rendered = message(&card(vec![Part::Facts(facts), Part::Note(notes)]));
        check_message(&rendered);
        let blocks = rendered["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["fields"].as_array().unwrap().len(), 10);
        assert_eq!(blocks[1]["fields"].as_array().unwrap().len(), 1);
        let notes = blocks[2]["elements"].as_array().unwrap();
        assert_eq!(notes.len(), 10);
        assert_eq!(text_of(&notes[9]), "…and 3 more");
    }

    #[test]
    fn a_hundred_and_fifty_options_are_capped_and_long_words_cut() {
        let long = "L".repeat(80);
        let mut options: Vec<Choice> = (0..150)
            .map(|n| Choice::new(format!("{long} {n}"), format!("cap-{n}")))
            .collect();
        // A value Slack cannot carry is dropped, not cut into another capability's key.
        options.insert(0, Choice::new("too long", "v".repeat(151)));
        // A repeated value is shown once, as first listed.
        options.insert(2, Choice::new("again", "cap-0"));
        // A blank label shows the value rather than an empty (refused) text.
        options.insert(3, Choice::new("", "cap-empty-label"));
        let choices = options.clone();
        let rendered = message(&card(vec![Part::Controls(vec![
            Control::Choice {
                action: Action::on(Verb::PickCapability, 1),
                placeholder: "P".repeat(200),
                options,
            },
            Control::Button {
                action: Action::on(Verb::LogGap, 1),
                label: "B".repeat(80),
                emphasis: Emphasis::Danger,
            },
            Control::PersonPicker {
                action: Action::on(Verb::PickPerson, 1),
                placeholder: "Q".repeat(200),
            },
        ])]));
        check_message(&rendered);
        let elements = rendered["blocks"][0]["elements"].as_array().unwrap();
        let select = &elements[0];
        // More than a static select holds: it searches instead, and the options load answers
        // with at most 100, capped and cut as below.
        assert_eq!(select["type"], "external_select");
        let loaded = option_objects(&choices);
        let options = loaded.as_slice();
        assert_eq!(options.len(), 100);
        assert_eq!(options[0]["value"], "cap-0");
        assert_eq!(text_of(&options[1]["text"]), "cap-empty-label");
        assert!(text_of(&options[0]["text"]).ends_with('…'));
        assert_eq!(width(text_of(&select["placeholder"])), PLACEHOLDER_TEXT);
        assert_eq!(width(text_of(&elements[1]["text"])), BUTTON_TEXT);
        assert_eq!(elements[1]["style"], "danger");
    }

    #[test]
    fn a_choice_without_options_is_not_rendered() {
        let rendered = message(&card(vec![Part::Controls(vec![Control::Choice {
            action: Action::on(Verb::PickCapability, 1),
            placeholder: "p".into(),
            options: vec![],
        }])]));
        check_message(&rendered);
        assert_eq!(rendered["blocks"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn repeated_actions_get_unique_ids_that_still_route() {
        let row: Vec<Control> = (0..3)
            .map(|_| Control::Button {
                action: Action::on(Verb::ApproveTrack, 7).with_subject("U42"),
                label: "Approve".into(),
                emphasis: Emphasis::Primary,
            })
            .collect();
        let rendered = message(&card(vec![
            Part::Controls(row.clone()),
            Part::Controls(row),
        ]));
        check_message(&rendered);
        let ids: Vec<&str> = rendered["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|block| block["elements"].as_array().unwrap())
            .map(|element| element["action_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "approve:7:U42",
                "approve:7:U42#2",
                "approve:7:U42#3",
                "approve:7:U42#4",
                "approve:7:U42#5",
                "approve:7:U42#6"
            ]
        );
        let expected = Action::on(Verb::ApproveTrack, 7).with_subject("U42");
        for id in ids {
            assert_eq!(action_from_id(id), Some(expected.clone()));
        }
        assert_eq!(action_from_id("approve:7:U42#x#y"), Some(expected));
        assert_eq!(action_from_id("someone-else's-button"), None);
    }

    #[test]
    fn long_ids_are_cut_and_still_unique() {
        let mut ids = Ids::default();
        let base = "x".repeat(400);
        let first = ids.unique(&base);
        let second = ids.unique(&base);
        assert_eq!(width(&first), ID_MAX);
        assert_eq!(width(&second), ID_MAX);
        assert!(second.ends_with("#2") && first != second);
    }

    #[test]
    fn user_text_cannot_ping_or_forge_a_mention_anywhere_in_the_message() {
        let hostile = "<!channel> <!here> <!everyone> <!subteam^S1> <@U123> <#C1> &";
        let rendered = message(&Card {
            summary: hostile.into(),
            parts: vec![
                Part::Body(Text::new().plain(hostile).strong(hostile).code(hostile)),
                Part::Facts(vec![Fact {
                    label: hostile.into(),
                    value: Text::new().plain(hostile),
                }]),
                Part::Note(vec![Text::new().plain(hostile)]),
                // Ids that are not Slack ids must not become mentions either.
                Part::Body(Text::new().mention("U1> <!channel").channel("C1> <!here")),
            ],
        });
        check_message(&rendered);
        let json = serde_json::to_string(&rendered).unwrap();
        for raw in [
            "<!channel>",
            "<!here>",
            "<!everyone>",
            "<!subteam",
            "<@U123>",
            "<#C1>",
            "<!",
            "<@",
        ] {
            assert!(!json.contains(raw), "{raw} leaked into {json}");
        }
        assert!(json.contains("&lt;!channel&gt;"));
    }

    #[test]
    fn an_empty_card_still_has_fallback_text_and_no_empty_blocks() {
        let rendered = message(&Card {
            summary: "  ".into(),
            parts: vec![
                Part::Heading(" ".into()),
                Part::Body(Text::new()),
                Part::Note(vec![Text::new().line()]),
                Part::Facts(vec![]),
                Part::Controls(vec![]),
            ],
        });
        check_message(&rendered);
        assert_eq!(rendered["text"], "Cadence");
        assert_eq!(rendered["blocks"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn modal_limits_hold_for_oversized_forms() {
        let choices: Vec<Choice> = (0..150)
            .map(|n| Choice::new("C".repeat(80), format!("cap-{n}")))
            .collect();
        let mut inputs: Vec<Input> = (0..120)
            .map(|n| Input {
                id: if n < 3 {
                    "dup".into()
                } else {
                    format!("in-{n}")
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
        inputs[4].kind = InputKind::Capability(vec![]);
        inputs[5].kind = InputKind::Text {
            multiline: false,
            max_chars: 0,
        };
        let view = modal(&Form {
            action: Action::on(Verb::PlanInterventions, 9),
            title: "A title far longer than twenty-four".into(),
            submit: "A submit label that is far too long".into(),
            inputs,
        });
        check_modal(&view);
        let blocks = view["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), MODAL_BLOCKS);
        assert_eq!(blocks[1]["block_id"], "dup#2");
        // More capabilities than a static select holds: the picker loads them as typed.
        assert_eq!(blocks[1]["element"]["type"], "external_select");
        assert_eq!(blocks[1]["element"]["min_query_length"], 0);
        assert_eq!(blocks[2]["element"]["max_length"], 3000);
        assert_eq!(blocks[4]["element"]["type"], "plain_text_input");
        assert_eq!(blocks[5]["element"]["max_length"], 1);
        assert_eq!(view["callback_id"], "intervene3:9");
        assert_eq!(width(text_of(&view["title"])), VIEW_BUTTON_TEXT);
    }

    proptest! {
        #[test]
        fn mrkdwn_cut_fits_keeps_entities_whole_and_marks_the_cut(
            words in "[&<>a 🎉é*`\n]{0,400}",
            strong in "[&<>b 🎉]{0,40}",
            max in 20usize..300,
        ) {
            let text = Text::new().plain(words.as_str()).mention("U1").strong(strong.as_str());
            let out = mrkdwn_cut(&text, max);
            prop_assert!(width(&out) <= max);
            check_entities(&out);
            let full = mrkdwn::render(&text);
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

    // ---- snapshots (reviewed against Block Kit's reference) ----

    #[test]
    fn snapshot_retro_prompt() {
        let rendered = message(&prompt_card(&occurrence(
            RitualKind::Retro,
            "ATL Sprint 42",
        )));
        check_message(&rendered);
        insta::assert_json_snapshot!("retro_prompt", rendered);
    }

    #[test]
    fn snapshot_qbr_prompt() {
        let rendered = message(&prompt_card(&occurrence(
            RitualKind::Qbr,
            "Q4 Business Review",
        )));
        check_message(&rendered);
        insta::assert_json_snapshot!("qbr_prompt", rendered);
    }

    #[test]
    fn snapshot_pipeline_prompt() {
        let rendered = message(&prompt_card(&occurrence(
            RitualKind::PipelineCall,
            "Weekly Pipeline Review",
        )));
        check_message(&rendered);
        insta::assert_json_snapshot!("pipeline_prompt", rendered);
    }

    #[test]
    fn snapshot_track_request() {
        let rendered = message(&track_request_card(&TrackRequestView {
            person_id: "U0ALICE".into(),
            person_name: "Alice".into(),
            track: "Architecture lead".into(),
            note: Some("Led the <checkout> ADRs & want to grow into it".into()),
            decision: 77,
        }));
        check_message(&rendered);
        insta::assert_json_snapshot!("track_request", rendered);
    }

    #[test]
    fn snapshot_retro_after_outcome() {
        let prompt = prompt_card(&occurrence(RitualKind::Retro, "ATL Sprint 42"));
        let lines = [
            Text::new()
                .mention("U0ERIN")
                .plain(" logged a gap: ")
                .mention("U0BOB")
                .plain(" — ")
                .strong("architecture trade-offs"),
            Text::new()
                .mention("U0ERIN")
                .plain(" planned an intervention: ")
                .mention("U0BOB")
                .plain(" — ")
                .strong("architecture trade-offs")
                .plain(" via ADR pairing by 2026-12-15"),
        ];
        let rendered = message(&with_outcome(&prompt, &lines, false));
        check_message(&rendered);
        insta::assert_json_snapshot!("retro_after_outcome", rendered);
    }

    #[test]
    fn snapshot_intervention_modal() {
        let view = modal(&intervention_form(42, &capabilities()));
        check_modal(&view);
        insta::assert_json_snapshot!("intervention_modal", view);
    }

    #[test]
    fn snapshot_qbr_modal() {
        let view = modal(&qbr_form(42, &capabilities()));
        check_modal(&view);
        insta::assert_json_snapshot!("qbr_modal", view);
    }

    #[test]
    fn snapshot_coaching_modal() {
        let view = modal(&coaching_form(42, &capabilities()));
        check_modal(&view);
        insta::assert_json_snapshot!("coaching_modal", view);
    }
}
