//! Reading a module catalogue: a CSV file as an LMS exports it, one module a row.
//!
//! The header row names the columns, matched ignoring case, spacing, `_` and `-`, with the
//! names LMS exports commonly use: the title (`Title`, `Course Title`, `Course Name`, `Name`,
//! …), the capability (`Capability`, `Skill`, `Competency`, …), and optionally the duration
//! (`Duration`, `Hours`, `Length`, …; a header that says minutes, like `Duration (min)`, makes
//! bare numbers minutes), the link (`URL`, `Link`, `Course URL`, …) and the level (`Level`,
//! `Proficiency`, `Difficulty`, …). Other columns are ignored. Each row is checked with the
//! rules every path to the library follows ([`super::describe`]); every problem is collected
//! with its line, and a catalogue with any problem yields no module at all.
//!
//! The `csv` crate does the reading: quoted fields holding commas, quotes and line breaks, and
//! the records' real line numbers, are exactly what a hand-written splitter gets wrong.

use std::collections::HashMap;

use super::{Described, Problem, Unit, describe, level_word, parse_duration};
use crate::domain::library::MODULE_LEVELS;
use crate::domain::name_key;

/// The columns a catalogue may have that Cadence reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Title,
    Capability,
    Duration(Unit),
    Link,
    Level,
}

impl Column {
    /// What the column holds, for problems.
    fn called(self) -> &'static str {
        match self {
            Column::Title => "the title",
            Column::Capability => "the capability",
            Column::Duration(_) => "the duration",
            Column::Link => "the link",
            Column::Level => "the level",
        }
    }

    /// The column a header names, if Cadence reads it.
    fn named(header: &str) -> Option<Column> {
        let words = header
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .replace(['_', '-'], " ");
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let minutes = words.contains("minute") || words.contains("(min") || words == "mins";
        let bare = words
            .split(" (")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let column = match bare.as_str() {
            "title" | "name" | "course" | "module" | "course title" | "course name"
            | "module title" | "module name" | "learning item" | "item title" | "item name"
            | "activity name" | "content title" => Column::Title,
            "capability" | "capabilities" | "skill" | "skills" | "competency" | "competence"
            | "skill name" | "competency name" | "capability name" => Column::Capability,
            "duration" | "hours" | "length" | "time" | "estimated duration" | "duration hours"
            | "duration minutes" | "minutes" | "mins" | "estimated time" | "time to complete" => {
                Column::Duration(if minutes { Unit::Minutes } else { Unit::Hours })
            }
            "url" | "link" | "course url" | "course link" | "launch url" | "launch link"
            | "web address" | "href" | "module url" => Column::Link,
            "level" | "proficiency" | "proficiency level" | "target level" | "difficulty"
            | "skill level" => Column::Level,
            _ => return None,
        };
        Some(column)
    }
}

/// A catalogue as read: the rows that describe a module properly, and a problem for each that
/// does not (or for the file). Importing it writes nothing while there is any problem; the good
/// rows are kept so that what only the library can tell about them (an unknown capability) is
/// reported in the same go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    /// The modules of the rows that read.
    pub modules: Vec<Described>,
    /// Every problem, with its line.
    pub problems: Vec<Problem>,
}

/// Reads a catalogue: every module in it, and every problem with it. A row whose cells are all
/// empty is skipped.
pub fn read_catalogue(text: &str) -> Catalogue {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let columns = match reader.headers() {
        Ok(headers) => columns(headers, &mut problems),
        Err(error) => {
            problems.push(file_problem(
                Some(1),
                format!("the header row does not read: {error}"),
            ));
            return Catalogue {
                modules: Vec::new(),
                problems,
            };
        }
    };
    if !problems.is_empty() {
        return Catalogue {
            modules: Vec::new(),
            problems,
        };
    }
    let mut modules: Vec<Described> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error
                    .position()
                    .map(|p| usize::try_from(p.line()).unwrap_or(0));
                problems.push(file_problem(
                    line,
                    format!("the row does not read: {error}"),
                ));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok());
        let cell = |column: Column| -> &str {
            columns
                .get(&column)
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
        };
        match row(&cell, &columns, line) {
            Ok(module) => {
                let key = name_key(&module.title);
                if let Some(first) = seen.get(&key) {
                    problems.push(module_problem(
                        line,
                        &module.title,
                        format!("the same title as line {first}; list each module once"),
                    ));
                    continue;
                }
                seen.insert(key, line.unwrap_or(0));
                modules.push(module);
            }
            Err(messages) => {
                let title = cell(Column::Title);
                for message in messages {
                    problems.push(module_problem(line, title, message));
                }
            }
        }
    }
    if problems.is_empty() && modules.is_empty() {
        problems.push(file_problem(
            None,
            "the catalogue has no modules: only a header row".to_owned(),
        ));
    }
    Catalogue { modules, problems }
}

/// The column index of each column Cadence reads; the title and capability are required, and no
/// column may be named twice.
fn columns(headers: &csv::StringRecord, problems: &mut Vec<Problem>) -> HashMap<Column, usize> {
    let mut found: HashMap<Column, usize> = HashMap::new();
    let mut by_kind: HashMap<&'static str, usize> = HashMap::new();
    for (i, header) in headers.iter().enumerate() {
        let Some(column) = Column::named(header) else {
            continue;
        };
        if let Some(first) = by_kind.get(column.called()) {
            let first = headers.get(*first).unwrap_or_default();
            problems.push(file_problem(
                Some(1),
                format!(
                    "the columns `{first}` and `{header}` both read as {}; rename or remove one",
                    column.called()
                ),
            ));
            continue;
        }
        by_kind.insert(column.called(), i);
        found.insert(column, i);
    }
    for (required, names) in [
        (Column::Title, "`Title` (or `Course Title`, `Name`)"),
        (
            Column::Capability,
            "`Capability` (or `Skill`, `Competency`)",
        ),
    ] {
        if !found.contains_key(&required) {
            problems.push(file_problem(
                Some(1),
                format!("no column holds {}: name one {names}", required.called()),
            ));
        }
    }
    found
}

/// One row, checked.
fn row<'r>(
    cell: &dyn Fn(Column) -> &'r str,
    columns: &HashMap<Column, usize>,
    line: Option<usize>,
) -> Result<Described, Vec<String>> {
    let mut problems = Vec::new();
    let duration = columns.keys().find_map(|c| match c {
        Column::Duration(unit) => Some((*c, *unit)),
        _ => None,
    });
    let hours = match duration {
        Some((column, unit)) => parse_duration(cell(column), unit).unwrap_or_else(|problem| {
            problems.push(problem);
            None
        }),
        None => None,
    };
    let level = match cell(Column::Level) {
        "" => None,
        word => level_word(word).or_else(|| {
            problems.push(format!("`{word}` is not a level — {MODULE_LEVELS}"));
            None
        }),
    };
    let link = Some(cell(Column::Link)).filter(|l| !l.is_empty());
    match describe(
        cell(Column::Title),
        cell(Column::Capability),
        hours,
        link,
        level,
        line,
    ) {
        Ok(module) if problems.is_empty() => Ok(module),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}

fn file_problem(line: Option<usize>, message: String) -> Problem {
    Problem {
        line,
        what: String::new(),
        message,
    }
}

fn module_problem(line: Option<usize>, title: &str, message: String) -> Problem {
    Problem {
        line,
        what: if title.trim().is_empty() {
            String::new()
        } else {
            format!("module {:?}", title.trim())
        },
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_by_their_common_names() {
        assert_eq!(Column::named("Course Title"), Some(Column::Title));
        assert_eq!(Column::named("\u{feff}NAME"), Some(Column::Title));
        assert_eq!(Column::named("skill_name"), Some(Column::Capability));
        assert_eq!(Column::named("Competency"), Some(Column::Capability));
        assert_eq!(
            Column::named("Duration"),
            Some(Column::Duration(Unit::Hours))
        );
        assert_eq!(
            Column::named("Duration (min)"),
            Some(Column::Duration(Unit::Minutes))
        );
        assert_eq!(Column::named("Launch-URL"), Some(Column::Link));
        assert_eq!(Column::named("Difficulty"), Some(Column::Level));
        assert_eq!(Column::named("Provider"), None);
    }
}
