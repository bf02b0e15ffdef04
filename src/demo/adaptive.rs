//! Adaptive Cards as a terminal shows them: the cards Cadence sent to Teams (and the ones it
//! answered a click with), read back into lines of text the way a person sees them. Headings
//! are upper case; text blocks, containers, columns and facts are their words; buttons are
//! `[Title]`; a form's inputs are `Label: ____` or `Label: [Placeholder ▾]`.
//!
//! Card text is the Markdown subset Teams reads: `**bold**` is shown as `*bold*` (as in Slack's
//! transcript), `[words](url)` as `words (url)`, backslash escapes as the character escaped, and
//! a blank line as a line break.

use serde_json::Value;

/// A card's body and actions as lines.
pub fn card(card: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for element in items(&card["body"]) {
        lines.extend(element_lines(element));
    }
    let actions = buttons(&card["actions"]);
    if !actions.is_empty() {
        lines.push(actions);
    }
    lines
}

fn items(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn element_lines(element: &Value) -> Vec<String> {
    let text = |key: &str| element[key].as_str().unwrap_or_default();
    match text("type") {
        "TextBlock" => {
            let lines = markdown_lines(text("text"));
            let heading = element["style"] == "heading"
                || (element["weight"] == "Bolder"
                    && matches!(text("size"), "Large" | "ExtraLarge"));
            if heading {
                lines.into_iter().map(|l| l.to_uppercase()).collect()
            } else {
                lines
            }
        }
        "RichTextBlock" => {
            let words: String = items(&element["inlines"])
                .iter()
                .map(|inline| match inline {
                    Value::String(words) => words.as_str(),
                    other => other["text"].as_str().unwrap_or_default(),
                })
                .collect();
            words.lines().map(str::to_owned).collect()
        }
        "Container" => items(&element["items"])
            .iter()
            .flat_map(element_lines)
            .collect(),
        "ColumnSet" => columns(element),
        "FactSet" => items(&element["facts"])
            .iter()
            .map(|fact| {
                let part = |key: &str| markdown_lines(fact[key].as_str().unwrap_or("")).join(" ");
                format!("{}: {}", part("title"), part("value"))
            })
            .collect(),
        "ActionSet" => vec![buttons(&element["actions"])],
        "Image" => vec![format!("[image: {}]", text("altText"))],
        kind if kind.starts_with("Input.") => vec![input(element)],
        other => vec![format!("[{other}]")],
    }
}

/// Columns side by side when each is one line, else one after the other.
fn columns(set: &Value) -> Vec<String> {
    let each: Vec<Vec<String>> = items(&set["columns"])
        .iter()
        .map(|column| {
            items(&column["items"])
                .iter()
                .flat_map(element_lines)
                .collect()
        })
        .collect();
    if each.iter().all(|lines| lines.len() <= 1) {
        let row: Vec<String> = each.into_iter().flatten().collect();
        vec![row.join("  ")]
    } else {
        each.into_iter().flatten().collect()
    }
}

fn buttons(actions: &Value) -> String {
    let shown: Vec<String> = items(actions)
        .iter()
        .map(|action| format!("[{}]", action["title"].as_str().unwrap_or_default()))
        .collect();
    shown.join(" ")
}

/// A form input as a person sees it before filling it in.
fn input(element: &Value) -> String {
    let text = |key: &str| element[key].as_str().unwrap_or_default();
    let blank = match text("type") {
        "Input.ChoiceSet" | "Input.Date" | "Input.Time" => {
            let hint = match (text("placeholder"), text("type")) {
                ("", "Input.Date") => "Pick a date",
                ("", _) => "Choose",
                (placeholder, _) => placeholder,
            };
            format!("[{hint} ▾]")
        }
        "Input.Toggle" => format!("[ ] {}", text("title")),
        _ => match text("placeholder") {
            "" => "____".to_owned(),
            hint => format!("____ ({hint})"),
        },
    };
    match text("label") {
        "" => blank,
        label => format!("{label}: {blank}"),
    }
}

/// TextBlock Markdown as it reads, one entry per line (see the module comment).
pub fn markdown_lines(text: &str) -> Vec<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '[' => {
                let rest: String = chars.clone().collect();
                match link(&rest) {
                    Some((words, url, used)) => {
                        out.push_str(&format!("{words} ({url})"));
                        for _ in 0..used {
                            chars.next();
                        }
                    }
                    None => out.push('['),
                }
            }
            _ => out.push(c),
        }
    }
    out.split("\n\n")
        .flat_map(str::lines)
        .map(str::to_owned)
        .collect()
}

/// `words](url)` after a `[`: the words, the address, and how many characters they took.
fn link(rest: &str) -> Option<(String, String, usize)> {
    let close = rest.find("](")?;
    let words = &rest[..close];
    if words.contains(['[', '\n']) {
        return None;
    }
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    let used = words.chars().count() + 2 + url.chars().count() + 1;
    Some((markdown_lines(words).join(" "), url.to_owned(), used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markdown_reads_bold_links_escapes_and_paragraphs() {
        assert_eq!(
            markdown_lines(
                "**Maya** logged a gap: \\*not bold\\* [the ADR](https://x.example/a)\n\nnext"
            ),
            [
                "*Maya* logged a gap: *not bold* the ADR (https://x.example/a)",
                "next"
            ]
        );
    }

    #[test]
    fn a_card_reads_as_its_heading_inputs_and_buttons() {
        let card = json!({
            "type": "AdaptiveCard",
            "body": [
                { "type": "TextBlock", "text": "Plan intervention", "style": "heading", "weight": "Bolder", "size": "Large" },
                { "type": "Input.Text", "id": "means", "label": "How" },
                { "type": "Input.ChoiceSet", "id": "capability", "label": "Capability", "placeholder": "Choose a capability", "choices": [] },
                { "type": "Container", "items": [ { "type": "ActionSet", "actions": [ { "type": "Action.Execute", "title": "Log gap" } ] } ] },
                { "type": "FactSet", "facts": [ { "title": "Due", "value": "**Friday**" } ] }
            ],
            "actions": [ { "type": "Action.Execute", "title": "Plan" } ]
        });
        assert_eq!(
            super::card(&card),
            [
                "PLAN INTERVENTION",
                "How: ____",
                "Capability: [Choose a capability ▾]",
                "[Log gap]",
                "Due: *Friday*",
                "[Plan]"
            ]
        );
    }
}
