//! Content lines (RFC 5545 §3.1): unfolding and splitting `NAME;PARAM=VALUE:value`.
//!
//! Written by hand rather than taken from a parser crate because a calendar export is read
//! line by line and must survive bad lines: each logical line keeps the physical line number it
//! started on, and a line that cannot be read is reported and skipped while the rest of the file
//! is still read. Values are kept raw here; typed readers in `value.rs` interpret them.

/// One logical (unfolded) content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLine {
    /// The property name, upper case (`DTSTART`, `X-WR-CALNAME`).
    pub name: String,
    /// The parameters in the order written.
    pub params: Vec<Param>,
    /// The raw value after the first unquoted colon, not unescaped.
    pub value: String,
    /// The 1-based physical line the logical line starts on.
    pub line: usize,
}

/// One property parameter, e.g. `TZID=Europe/London` or `MEMBER="a","b"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter name, upper case.
    pub name: String,
    /// The values, without surrounding quotes.
    pub values: Vec<String>,
}

impl ContentLine {
    /// The first value of the parameter `name` (upper case), if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }
}

/// A logical line that is not a content line, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The 1-based physical line.
    pub line: usize,
    /// What is wrong, for a person.
    pub message: String,
}

/// Unfolds `text` into logical lines, each with the physical line number it starts on.
///
/// A line that begins with a space or a tab continues the previous one (RFC 5545 §3.1). Both
/// CRLF and bare LF endings are accepted, since hand-edited and some exported files use LF.
pub fn unfold(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let physical = raw.strip_suffix('\r').unwrap_or(raw);
        if let (Some(rest), Some((_, last))) =
            (physical.strip_prefix([' ', '\t']), lines.last_mut())
        {
            last.push_str(rest);
            continue;
        }
        if physical.trim().is_empty() {
            continue;
        }
        lines.push((index + 1, physical.to_owned()));
    }
    lines
}

/// Splits one logical line into name, parameters and value.
pub fn parse_line(line: usize, text: &str) -> Result<ContentLine, LineError> {
    let fail = |message: String| LineError { line, message };
    let name_end = text.find([';', ':']).ok_or_else(|| {
        fail(format!(
            "`{}` is not a content line: no `:` before a value",
            shorten(text)
        ))
    })?;
    let name = &text[..name_end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(fail(format!(
            "`{}` is not a property name (letters, digits and `-` only)",
            shorten(name)
        )));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let (param, remaining) = parse_param(after).map_err(|m| fail(format!("{name}: {m}")))?;
        params.push(param);
        rest = remaining;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| fail(format!("{name}: no `:` before the value")))?;
    Ok(ContentLine {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
        line,
    })
}

/// Reads `NAME=value[,value…]` up to the next unquoted `;` or `:`; returns the rest.
fn parse_param(text: &str) -> Result<(Param, &str), String> {
    let eq = text
        .find(['=', ';', ':'])
        .filter(|&i| text.as_bytes().get(i) == Some(&b'='))
        .ok_or_else(|| "a parameter without `=`".to_owned())?;
    let name = &text[..eq];
    if name.is_empty() {
        return Err("a parameter without a name".to_owned());
    }
    let mut values = Vec::new();
    let mut rest = &text[eq + 1..];
    loop {
        let (value, remaining) = if let Some(quoted) = rest.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| format!("parameter {name}: a quote that is never closed"))?;
            (&quoted[..close], &quoted[close + 1..])
        } else {
            let end = rest.find([',', ';', ':']).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        values.push(value.to_owned());
        match remaining.strip_prefix(',') {
            Some(more) => rest = more,
            None => {
                rest = remaining;
                break;
            }
        }
    }
    if !(rest.starts_with(';') || rest.starts_with(':')) {
        return Err(format!("parameter {name}: unexpected text after the value"));
    }
    Ok((
        Param {
            name: name.to_ascii_uppercase(),
            values,
        },
        rest,
    ))
}

/// The first 60 characters of `text`, for messages.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_join_and_keep_the_first_line_number() {
        let text = "BEGIN:VEVENT\r\nDESCRIPTION:Agenda: review the\r\n  pipeline and\r\n\tforecast\r\nEND:VEVENT\r\n";
        let lines = unfold(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            (
                2,
                "DESCRIPTION:Agenda: review the pipeline andforecast".to_owned()
            )
        );
        assert_eq!(lines[2].0, 5);
    }

    #[test]
    fn a_folded_multibyte_character_is_rejoined() {
        // Folding happens at octets, so a UTF-8 sequence may be split across lines in bytes;
        // reading as text first keeps characters whole when the exporter folded on characters.
        let lines = unfold("SUMMARY:Caf\u{e9}\n  cr\u{e8}me\n");
        assert_eq!(lines[0].1, "SUMMARY:Caf\u{e9} cr\u{e8}me");
    }

    #[test]
    fn params_with_quotes_commas_and_colons() {
        let line = parse_line(
            7,
            "ATTENDEE;CN=\"Doe, Jane: VP\";PARTSTAT=ACCEPTED;MEMBER=\"a@x\",\"b@x\":mailto:jane@x.com",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(line.name, "ATTENDEE");
        assert_eq!(line.param("CN"), Some("Doe, Jane: VP"));
        assert_eq!(line.param("PARTSTAT"), Some("ACCEPTED"));
        assert_eq!(line.params[2].values, vec!["a@x", "b@x"]);
        assert_eq!(line.value, "mailto:jane@x.com");
        assert_eq!(line.line, 7);
    }

    #[test]
    fn tzid_with_spaces_and_lower_case_names() {
        let line = parse_line(1, "dtstart;tzid=W. Europe Standard Time:20261124T100000")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(line.name, "DTSTART");
        assert_eq!(line.param("TZID"), Some("W. Europe Standard Time"));
        assert_eq!(line.value, "20261124T100000");
    }

    #[test]
    fn bad_lines_say_where_and_why() {
        let no_colon = parse_line(12, "this is not a property").unwrap_err();
        assert_eq!(no_colon.line, 12);
        assert!(no_colon.message.contains("no `:`"), "{}", no_colon.message);
        let open_quote = parse_line(3, "ATTENDEE;CN=\"Jane:mailto:j@x").unwrap_err();
        assert!(
            open_quote.message.contains("never closed"),
            "{}",
            open_quote.message
        );
        let bad_name = parse_line(4, "DT START:1").unwrap_err();
        assert!(
            bad_name.message.contains("property name"),
            "{}",
            bad_name.message
        );
        let no_eq = parse_line(5, "DTSTART;VALUE:20260101").unwrap_err();
        assert!(no_eq.message.contains("without `=`"), "{}", no_eq.message);
    }
}
