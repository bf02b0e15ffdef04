//! Block Kit as a terminal shows it: the blocks Cadence sent to Slack, read back into lines of
//! text the way a person sees them in the channel. Headers are upper case; sections, fields and
//! context are their text; buttons are `[Label]`, pickers `[Placeholder ▾]`, a form's inputs
//! `Label: ____`. Mentions and channel links are shown by name.

use std::collections::HashMap;

use serde_json::Value;

/// Display names by Slack id: `U…` → `@maya`, `C…` → `#team-atlas`.
pub type Names = HashMap<String, String>;

/// A message's blocks as lines, or its fallback text when it has none.
pub fn message(message: &Value, names: &Names) -> Vec<String> {
    match message["blocks"].as_array() {
        Some(blocks) if !blocks.is_empty() => blocks_lines(blocks, names),
        _ => mrkdwn_lines(message["text"].as_str().unwrap_or_default(), names),
    }
}

/// A modal or Home tab: its title, its blocks, and its submit and close buttons.
pub fn view(view: &Value, names: &Names) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(title) = view["title"]["text"].as_str() {
        lines.push(title.to_uppercase());
    }
    if let Some(blocks) = view["blocks"].as_array() {
        lines.extend(blocks_lines(blocks, names));
    }
    let buttons: Vec<String> = ["submit", "close"]
        .iter()
        .filter_map(|key| view[*key]["text"].as_str())
        .map(|label| format!("[{label}]"))
        .collect();
    if !buttons.is_empty() {
        lines.push(buttons.join(" "));
    }
    lines
}

fn blocks_lines(blocks: &[Value], names: &Names) -> Vec<String> {
    blocks.iter().flat_map(|b| block(b, names)).collect()
}

fn block(block: &Value, names: &Names) -> Vec<String> {
    match block["type"].as_str().unwrap_or_default() {
        "header" => vec![text_object(&block["text"], names).to_uppercase()],
        "section" => section(block, names),
        "context" => {
            let parts: Vec<String> = elements(block)
                .iter()
                .map(|e| match e["type"].as_str() {
                    Some("image") => format!("[image: {}]", e["alt_text"].as_str().unwrap_or("")),
                    _ => text_object(e, names),
                })
                .collect();
            vec![parts.join(" · ")]
        }
        "actions" => {
            let shown: Vec<String> = elements(block).iter().map(element).collect();
            vec![shown.join(" ")]
        }
        "divider" => vec!["─".repeat(24)],
        "input" => vec![input(block, names)],
        "image" => vec![format!(
            "[image: {}]",
            block["alt_text"].as_str().unwrap_or_default()
        )],
        "rich_text" => mrkdwn_lines(&rich_text(block), names),
        other => vec![format!("[{other}]")],
    }
}

fn elements(block: &Value) -> &[Value] {
    block["elements"].as_array().map_or(&[], Vec::as_slice)
}

fn section(block: &Value, names: &Names) -> Vec<String> {
    let mut lines = Vec::new();
    if block["text"].is_object() {
        lines.extend(text_lines(&block["text"], names));
    }
    if let Some(fields) = block["fields"].as_array() {
        for field in fields {
            lines.extend(text_lines(field, names));
        }
    }
    if block["accessory"].is_object() {
        lines.push(element(&block["accessory"]));
    }
    lines
}

/// An interactive element as a person sees it before touching it.
fn element(element: &Value) -> String {
    let kind = element["type"].as_str().unwrap_or_default();
    let label = |key: &str| element[key]["text"].as_str().unwrap_or_default().to_owned();
    match kind {
        "button" => format!("[{}]", label("text")),
        "plain_text_input" | "number_input" | "email_text_input" | "url_text_input" => {
            "____".to_owned()
        }
        "datepicker" => match element["initial_date"].as_str() {
            Some(date) => format!("[{date} ▾]"),
            None => format!("[{} ▾]", or(&label("placeholder"), "Pick a date")),
        },
        "overflow" => "[⋯]".to_owned(),
        "checkboxes" | "radio_buttons" => {
            let options: Vec<String> = element["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| format!("( ) {}", o["text"]["text"].as_str().unwrap_or_default()))
                .collect();
            options.join("  ")
        }
        // Every select: static, external, users, conversations, channels, and their multi-.
        _ if kind.contains("select") => format!("[{} ▾]", or(&label("placeholder"), "Choose")),
        other => format!("[{other}]"),
    }
}

fn or(text: &str, otherwise: &str) -> String {
    if text.is_empty() {
        otherwise.to_owned()
    } else {
        text.to_owned()
    }
}

/// A form's input: `Label: ____`, marked when it may be left empty.
fn input(block: &Value, names: &Names) -> String {
    let label = text_object(&block["label"], names);
    let optional = if block["optional"].as_bool() == Some(true) {
        " (optional)"
    } else {
        ""
    };
    format!("{label}: {}{optional}", element(&block["element"]))
}

/// A text object's words on one line.
fn text_object(text: &Value, names: &Names) -> String {
    text_lines(text, names).join(" ")
}

/// A text object's lines: mrkdwn is read for mentions and links, plain text as it is.
fn text_lines(text: &Value, names: &Names) -> Vec<String> {
    let words = text["text"].as_str().unwrap_or_default();
    match text["type"].as_str() {
        Some("mrkdwn") => mrkdwn_lines(words, names),
        _ => words.lines().map(str::to_owned).collect(),
    }
}

/// A rich text block's words, as mrkdwn.
fn rich_text(block: &Value) -> String {
    fn walk(value: &Value, out: &mut String) {
        match value["type"].as_str() {
            Some("text") => out.push_str(value["text"].as_str().unwrap_or_default()),
            Some("user") => {
                out.push_str(&format!("<@{}>", value["user_id"].as_str().unwrap_or("")));
            }
            Some("link") => out.push_str(value["url"].as_str().unwrap_or_default()),
            _ => {}
        }
        for child in value["elements"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = String::new();
    walk(block, &mut out);
    out
}

/// Slack mrkdwn as it reads: `<@U…>` as `@name`, `<#C…|name>` as `#name`, `<url|words>` as
/// `words (url)`, and the three escaped characters back as themselves. Emphasis markers stay.
pub fn mrkdwn_lines(text: &str, names: &Names) -> Vec<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&unescape(&rest[..open]));
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&unescape(&rest[open..]));
            rest = "";
            break;
        };
        out.push_str(&reference(&rest[open + 1..open + close], names));
        rest = &rest[open + close + 1..];
    }
    out.push_str(&unescape(rest));
    out.lines().map(str::to_owned).collect()
}

/// One `<…>` reference: a person, a channel, a special mention or a link.
fn reference(inside: &str, names: &Names) -> String {
    let (target, label) = match inside.split_once('|') {
        Some((target, label)) => (target, Some(unescape(label))),
        None => (inside, None),
    };
    let named = |id: &str, sigil: &str| {
        names
            .get(id)
            .cloned()
            .or_else(|| label.clone().map(|l| format!("{sigil}{l}")))
            .unwrap_or_else(|| format!("{sigil}{id}"))
    };
    if let Some(user) = target.strip_prefix('@') {
        named(user, "@")
    } else if let Some(channel) = target.strip_prefix('#') {
        named(channel, "#")
    } else if let Some(special) = target.strip_prefix('!') {
        label.unwrap_or_else(|| format!("@{}", special.split('^').next().unwrap_or(special)))
    } else {
        let url = unescape(target);
        match label {
            Some(words) if words != url => format!("{words} ({url})"),
            _ => url,
        }
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        [("U1", "@maya"), ("C1", "#team-atlas")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn mrkdwn_reads_mentions_channels_links_and_escapes_by_name() {
        let lines = mrkdwn_lines(
            "<@U1> in <#C1> &amp; <#C9|ops>: <https://x.example/a|the ADR> &lt;draft&gt;\n<@U9>",
            &names(),
        );
        assert_eq!(
            lines,
            [
                "@maya in #team-atlas & #ops: the ADR (https://x.example/a) <draft>",
                "@U9"
            ]
        );
    }

    #[test]
    fn a_card_reads_as_its_header_text_buttons_and_pickers() {
        let card = json!({ "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": "Sprint closed" } },
            { "type": "section", "text": { "type": "mrkdwn", "text": "Ask <@U1>" } },
            { "type": "actions", "elements": [
                { "type": "users_select", "placeholder": { "type": "plain_text", "text": "Who" } },
                { "type": "button", "text": { "type": "plain_text", "text": "Log gap" } }
            ] },
            { "type": "context", "elements": [ { "type": "mrkdwn", "text": "Team *Atlas*" } ] }
        ] });
        assert_eq!(
            message(&card, &names()),
            [
                "SPRINT CLOSED",
                "Ask @maya",
                "[Who ▾] [Log gap]",
                "Team *Atlas*"
            ]
        );
    }

    #[test]
    fn a_modal_reads_as_labelled_blanks_and_its_buttons() {
        let modal = json!({
            "title": { "type": "plain_text", "text": "Plan intervention" },
            "submit": { "type": "plain_text", "text": "Plan" },
            "close": { "type": "plain_text", "text": "Cancel" },
            "blocks": [
                { "type": "input", "label": { "type": "plain_text", "text": "How" }, "element": { "type": "plain_text_input" } },
                { "type": "input", "optional": true, "label": { "type": "plain_text", "text": "Due by" }, "element": { "type": "datepicker" } }
            ]
        });
        assert_eq!(
            view(&modal, &names()),
            [
                "PLAN INTERVENTION",
                "How: ____",
                "Due by: [Pick a date ▾] (optional)",
                "[Plan] [Cancel]"
            ]
        );
    }
}
