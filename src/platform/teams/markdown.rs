//! Renders neutral [`Text`] as the Markdown that Teams shows in an Adaptive Card `TextBlock`
//! (and in `FactSet` titles and values).
//!
//! Teams supports a subset of CommonMark there: `**bold**`, `_italic_`, `- ` and `1. ` lists and
//! `[title](url)` links; HTML is not supported.
//! <https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features>
//! Every word that came from a person is escaped with CommonMark backslash escapes, so nobody can
//! turn a capability name or a note into a link, an image, emphasis, a list or a heading, or
//! smuggle in `<at>…</at>` mention markup or the `{{DATE(…)}}` functions Adaptive Cards expand:
//! - always: `\` `*` `_` `` ` `` `~` `[` `]` `<` `>` `&` `{`;
//! - `(` straight after a `]`: some Adaptive Card renderers (the shared C++ object model's older
//!   parser) start a link at any `[` and only need `](`, so the pair must be broken too;
//! - at the start of a line: `#` `-` `+` `=` and the `.` or `)` after leading digits (headings,
//!   list items, setext underlines), and leading spaces are dropped (indented code).
//!
//! Line breaks: a TextBlock is Markdown, where one newline is only a soft break, so a break is
//! written as a blank line (`\n\n`; microsoft/AdaptiveCards#5538 calls this by design).
//!
//! Mentions: a [`Span::Mention`] renders as the person's display name in bold, never as Teams'
//! `<at>Name</at>`. A real mention needs a matching `msteams.entities` entry naming the user's
//! Teams id and exact display name, and it notifies the person each time the card is sent —
//! Cadence re-renders a prompt on every decision logged from it, so people would be pinged again
//! and again, and a stale name in the entity breaks the card. The bold name reads the same without
//! those costs. Names come from a [`Names`] map (platform id → display name); an id without a name
//! shows as `@id`. Code spans have no Markdown in Teams cards, so they render between quotation
//! marks.

use std::collections::BTreeMap;

use crate::domain::library::link_problem;
use crate::domain::text::{Span, Text};

/// Display names by platform id (users and channels), used for mentions and channel references.
pub type Names = BTreeMap<String, String>;

/// How a break between lines is written: a blank line, which every Teams client shows as a new
/// line (a single `\n` is a soft break that joins the lines).
const PARAGRAPH: &str = "\n\n";

/// Escapes plain words for a TextBlock, treating the words as the start of a line.
pub fn escape(words: &str) -> String {
    let mut out = String::with_capacity(words.len());
    push_words(&mut out, words, None);
    out
}

/// Renders `text` as TextBlock Markdown; mentions and channels show their ids (see
/// [`render_with_names`]).
#[cfg(test)]
pub(crate) fn render(text: &Text) -> String {
    render_with_names(text, &Names::new())
}

/// Renders `text` as TextBlock Markdown, showing mentions and channel references by the display
/// names in `names`.
pub fn render_with_names(text: &Text, names: &Names) -> String {
    let mut out = String::new();
    for span in text.spans() {
        match span {
            Span::Plain(words) => push_words(&mut out, words, None),
            Span::Strong(words) => push_words(&mut out, words, Some(("**", "**"))),
            Span::Code(words) => push_words(&mut out, words, Some(("“", "”"))),
            Span::Command(words) => {
                push_words(&mut out, &format!("@Cadence {words}"), Some(("“", "”")));
            }
            Span::Mention(id) => {
                let name = display_name(names, id).map_or_else(|| format!("@{id}"), str::to_owned);
                push_words(&mut out, &name, Some(("**", "**")));
            }
            // A Teams conversation id (`19:…@thread.tacv2`) means nothing to a reader.
            Span::Channel(id) => match channel_shown(names, id) {
                Some(shown) => push_words(&mut out, &shown, None),
                None => push_words(&mut out, &format!("#{id}"), None),
            },
            // The label is escaped like any words; the address was checked (no spaces, no
            // brackets), and its parentheses are encoded so none ends the link early.
            Span::Link { url, label } if link_problem(url).is_none() => {
                out.push('[');
                push_escaped(&mut out, label);
                out.push_str("](");
                out.push_str(&url.replace('(', "%28").replace(')', "%29"));
                out.push(')');
            }
            Span::Link { label, .. } => push_words(&mut out, label, None),
            Span::Break => push_break(&mut out),
        }
    }
    // A list built line by line ends with a break; it would only add space under the text.
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    out
}

/// How a channel is shown: by its name, or — for a Teams conversation id nobody could read —
/// as "the team's channel"; `None` to show an id that reads as it is.
fn channel_shown(names: &Names, id: &str) -> Option<String> {
    match display_name(names, id) {
        Some(name) => Some(format!("#{name}")),
        None if id.starts_with("19:") || id.contains('@') => Some("the team's channel".to_owned()),
        None => None,
    }
}

/// The card's plain summary (notifications, `fallbackText`) with the people and channels it
/// names shown by name, as its body shows them, rather than by raw id.
pub fn summary_with_names(card: &crate::domain::card::Card, names: &Names) -> String {
    let mut summary = card.summary.clone();
    for id in card.mentions() {
        if let Some(shown) = channel_shown(names, &id) {
            summary = summary.replace(&format!("#{id}"), &shown);
        }
        if let Some(name) = display_name(names, &id) {
            summary = summary.replace(&format!("@{id}"), name);
        }
    }
    summary
}

fn display_name<'a>(names: &'a Names, id: &str) -> Option<&'a str> {
    names
        .get(id)
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
}

/// Appends words line by line: each line escaped, and wrapped in `marks` (bold, quotes) when
/// given. The marks hug the words, because `** word**` is not bold: surrounding spaces go
/// outside them. Newlines in the words become breaks, and a mark never spans one, because
/// emphasis cannot cross a blank line.
fn push_words(out: &mut String, words: &str, marks: Option<(&str, &str)>) {
    let words = words.replace("\r\n", "\n").replace('\r', "\n");
    for (n, line) in words.split('\n').enumerate() {
        if n > 0 {
            push_break(out);
        }
        let trimmed = line.trim();
        match marks {
            Some((open, close)) if !trimmed.is_empty() => {
                let lead = &line[..line.len() - line.trim_start().len()];
                let trail = &line[line.trim_end().len()..];
                push_escaped(out, lead);
                out.push_str(open);
                push_escaped(out, trimmed);
                out.push_str(close);
                push_escaped(out, trail);
            }
            _ => push_escaped(out, line),
        }
    }
}

/// Ends the current line with a blank line, once; nothing at the very start.
fn push_break(out: &mut String) {
    if out.is_empty() {
        return;
    }
    while !out.ends_with(PARAGRAPH) {
        out.push('\n');
    }
}

/// Appends one line's words (no newlines in them), escaped for where they land in `out`.
fn push_escaped(out: &mut String, words: &str) {
    for c in words.chars() {
        let at_line_start = out.is_empty() || out.ends_with('\n');
        if at_line_start && (c == ' ' || c == '\t') {
            // Four leading spaces make an indented code block; leading spaces show nothing.
            continue;
        }
        let escape = match c {
            '\\' | '*' | '_' | '`' | '~' | '[' | ']' | '<' | '>' | '&' | '{' => true,
            '(' => out.ends_with(']'),
            '#' | '-' | '+' | '=' => at_line_start,
            '.' | ')' => after_leading_digits(out),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether the current line so far is only digits, so a `.` or `)` would make it a list item.
fn after_leading_digits(out: &str) -> bool {
    let line = out.rsplit('\n').next().unwrap_or_default();
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    use super::*;

    /// What a CommonMark reader makes of `markdown`: the text it shows (paragraphs joined by
    /// `\n`), how much of it is bold, and every other construct it found.
    fn read(markdown: &str) -> (String, String, Vec<String>) {
        let mut shown = String::new();
        let mut bold = String::new();
        let mut others = Vec::new();
        let mut depth = 0usize;
        for event in Parser::new(markdown) {
            match event {
                Event::Text(words) => {
                    shown.push_str(&words);
                    if depth > 0 {
                        bold.push_str(&words);
                    }
                }
                Event::Start(Tag::Paragraph) => {
                    if !shown.is_empty() {
                        shown.push('\n');
                    }
                }
                Event::End(TagEnd::Paragraph) => {}
                Event::Start(Tag::Strong) => depth += 1,
                Event::End(TagEnd::Strong) => depth -= 1,
                Event::SoftBreak => shown.push(' '),
                other => others.push(format!("{other:?}")),
            }
        }
        (shown, bold, others)
    }

    #[test]
    fn escapes_what_markdown_would_read() {
        assert_eq!(
            escape("a & b < c > d *e* _f_ [g](h) `i` ~j~ {{k}} \\"),
            "a \\& b \\< c \\> d \\*e\\* \\_f\\_ \\[g\\]\\(h) \\`i\\` \\~j\\~ \\{\\{k}} \\\\"
        );
        // Only where they would start something.
        assert_eq!(escape("- a - b"), "\\- a - b");
        assert_eq!(escape("# a #1"), "\\# a #1");
        assert_eq!(escape("12. a 1. b"), "12\\. a 1. b");
        assert_eq!(escape("3) a"), "3\\) a");
        assert_eq!(escape("(a) [b] (c)"), "(a) \\[b\\] (c)");
        assert_eq!(escape("    code"), "code");
    }

    #[test]
    fn user_text_cannot_link_mention_or_format() {
        let hostile = "[click](https://evil.example) ![img](https://evil.example/x.png) \
                       <at>Boss</at> <https://evil.example> **loud** _lean_ `code` ~~gone~~ \
                       {{DATE(2017-02-14T06:00:00Z, SHORT)}} &lt;b&gt; \\*";
        let lines = [
            "# Heading",
            "- item",
            "+ item",
            "1. item",
            "2) item",
            "> quote",
            "    indented",
            "===",
            "---",
            "| a | b |",
        ];
        let mut text = Text::new().plain(hostile).strong(hostile).code(hostile);
        for line in lines {
            text = text.line().plain(line);
        }
        let out = render(&text);
        let (shown, _, others) = read(&out);
        assert!(others.is_empty(), "markdown constructs {others:?} in {out}");
        assert!(shown.contains(hostile), "{shown}");
        for line in lines {
            assert!(
                shown.contains(line.trim_start()),
                "{line:?} not shown as is: {shown}"
            );
        }
        assert!(!out.contains("{{DATE"));
        assert!(!out.contains("<at>"));
    }

    #[test]
    fn links_are_markdown_links_with_escaped_labels() {
        let out = render(&Text::new().link("https://x.io/a_(b)", "x [io]"));
        assert_eq!(out, "[x \\[io\\]](https://x.io/a_%28b%29)");
        let (shown, _, others) = read(&out);
        assert_eq!(shown, "x [io]");
        assert_eq!(others.len(), 2, "one link: {others:?}");
        assert_eq!(
            render(&Text::new().link("javascript:x()", "[y](z)")),
            "\\[y\\]\\(z)"
        );
    }

    #[test]
    fn mentions_are_bold_names_never_at_tags() {
        let names = Names::from([
            ("29:1alice".to_owned(), "Alice Smith".to_owned()),
            ("19:general".to_owned(), "General".to_owned()),
        ]);
        let text = Text::new()
            .mention("29:1alice")
            .plain(" and ")
            .mention("29:1bob")
            .plain(" in ")
            .channel("19:general");
        assert_eq!(
            render_with_names(&text, &names),
            "**Alice Smith** and **@29:1bob** in #General"
        );
        // A name is user data too.
        let names = Names::from([("u".to_owned(), "[x](y) <at>z</at>".to_owned())]);
        let out = render_with_names(&Text::new().mention("u"), &names);
        assert_eq!(out, "**\\[x\\]\\(y) \\<at\\>z\\</at\\>**");
        let (shown, bold, others) = read(&out);
        assert!(others.is_empty(), "{others:?}");
        assert_eq!(shown, "[x](y) <at>z</at>");
        assert_eq!(bold, shown);
    }

    #[test]
    fn bold_hugs_its_words_and_breaks_are_blank_lines() {
        assert_eq!(
            render(&Text::new().plain("a").strong(" run EBR ").plain("b")),
            "a **run EBR** b"
        );
        assert_eq!(render(&Text::new().command("help")), "“@Cadence help”");
        assert_eq!(
            render(&Text::new().plain("x").line().plain("y").line()),
            "x\n\ny"
        );
        assert_eq!(render(&Text::new().plain("x\r\ny\n\n\nz")), "x\n\ny\n\nz");
        assert_eq!(
            render(&Text::new().strong("two\nlines")),
            "**two**\n\n**lines**"
        );
        assert_eq!(render(&Text::new().line().plain("x")), "x");
    }

    proptest! {
        #[test]
        fn any_words_show_exactly_as_typed(words in "[ -~é🎉]{0,60}( ?\n[ -~]{0,20}){0,3}") {
            // A space before the bold: `x**\\*y**` is not bold in CommonMark (an opening `**`
            // after a letter must not be followed by punctuation), and the domain always puts
            // words and bold apart.
            let out = render(&Text::new().plain(words.as_str()).plain(" ").strong(words.as_str()));
            let (shown, bold, others) = read(&out);
            prop_assert!(others.is_empty(), "{:?} in {:?}", others, out);
            // What a reader shows is the words, line by line, without their leading spaces.
            let lines = |s: &str| -> Vec<String> {
                s.split('\n').map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect()
            };
            let shown_words: String = lines(&shown).concat();
            let typed: String = lines(&words).concat();
            prop_assert_eq!(shown_words.replace(' ', ""), typed.repeat(2).replace(' ', ""));
            prop_assert_eq!(bold.replace(' ', ""), typed.replace(' ', ""));
        }
    }
}
