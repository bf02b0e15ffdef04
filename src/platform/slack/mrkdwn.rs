//! Renders neutral [`Text`] as Slack mrkdwn.
//!
//! Every word that came from a person is escaped (`&`, `<`, `>` as Slack documents), so nobody
//! can make the bot ping `@channel` or forge a mention by typing `<!channel>` or `<@U…>`.
//! Only [`Span::Mention`], [`Span::Channel`] and [`Span::Link`] produce Slack's angle-bracket
//! syntax, and only for ids that look like Slack ids and for http(s) addresses.
//! <https://api.slack.com/reference/surfaces/formatting#escaping>

use crate::domain::library::link_problem;
use crate::domain::text::{Span, Text};

/// Escapes user text for mrkdwn: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, nothing else.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `text` as mrkdwn.
pub fn render(text: &Text) -> String {
    let mut out = String::new();
    for span in text.spans() {
        match span {
            Span::Plain(s) => out.push_str(&escape(s)),
            Span::Strong(s) => wrap(&mut out, '*', s),
            Span::Code(s) => wrap(&mut out, '`', s),
            Span::Command(s) => wrap(&mut out, '`', &format!("/cadence {s}")),
            Span::Mention(id) if is_slack_id(id) => {
                out.push_str("<@");
                out.push_str(id);
                out.push('>');
            }
            Span::Channel(id) if is_slack_id(id) => {
                out.push_str("<#");
                out.push_str(id);
                out.push('>');
            }
            Span::Mention(id) => {
                out.push('@');
                out.push_str(&escape(id));
            }
            Span::Channel(id) => {
                out.push('#');
                out.push_str(&escape(id));
            }
            // A link Slack would read wrongly (or a script: URL) is shown as its words.
            Span::Link { url, label } if link_problem(url).is_none() => {
                out.push('<');
                out.push_str(&escape(url));
                out.push('|');
                out.push_str(&escape(label));
                out.push('>');
            }
            Span::Link { label, .. } => out.push_str(&escape(label)),
            Span::Break => out.push('\n'),
        }
    }
    // A list built line by line ends with a break; Slack would show it as an empty line.
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    out
}

/// Bold or code: the marker must hug the words, so surrounding spaces go outside it.
fn wrap(out: &mut String, marker: char, words: &str) {
    let trimmed = words.trim();
    if trimmed.is_empty() {
        out.push_str(&escape(words));
        return;
    }
    let lead = &words[..words.len() - words.trim_start().len()];
    let trail = &words[words.trim_end().len()..];
    out.push_str(lead);
    out.push(marker);
    out.push_str(&escape(trimmed));
    out.push(marker);
    out.push_str(trail);
}

/// Slack user, channel and team ids: an upper-case letter then upper-case letters and digits.
fn is_slack_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && id.len() <= 32
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_exactly_the_three_control_characters() {
        assert_eq!(
            escape("a & b < c > d \"e\" 'f' *g*"),
            "a &amp; b &lt; c &gt; d \"e\" 'f' *g*"
        );
    }

    #[test]
    fn user_text_cannot_ping_or_forge_mentions() {
        let text = Text::new()
            .plain("<!channel> <!here> <!everyone> <!subteam^S1> <@U999>")
            .strong("<@U1|boss>")
            .code("<!here>");
        let out = render(&text);
        for forbidden in [
            "<!channel>",
            "<!here>",
            "<!everyone>",
            "<!subteam",
            "<@U999>",
            "<@U1",
        ] {
            assert!(!out.contains(forbidden), "{forbidden} leaked into {out}");
        }
        assert!(out.contains("&lt;!channel&gt;"));
    }

    #[test]
    fn mentions_render_only_for_real_ids() {
        assert_eq!(render(&Text::new().mention("U123ABC")), "<@U123ABC>");
        assert_eq!(render(&Text::new().channel("C42")), "<#C42>");
        assert_eq!(
            render(&Text::new().mention("U1> <!channel")),
            "@U1&gt; &lt;!channel"
        );
    }

    #[test]
    fn links_render_only_for_web_addresses() {
        assert_eq!(
            render(&Text::new().link("https://x.io/a?b=1&c=2", "x.io")),
            "<https://x.io/a?b=1&amp;c=2|x.io>"
        );
        assert_eq!(
            render(&Text::new().link("javascript:alert(1)", "<!here>")),
            "&lt;!here&gt;"
        );
    }

    #[test]
    fn bold_and_code_hug_their_words() {
        assert_eq!(
            render(&Text::new().plain("a").strong(" run EBR ").plain("b")),
            "a *run EBR* b"
        );
        assert_eq!(render(&Text::new().command("help")), "`/cadence help`");
        assert_eq!(render(&Text::new().plain("x").line().plain("y")), "x\ny");
    }
}
