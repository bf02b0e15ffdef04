//! What an apply reports: the [`Problem`]s that stop it ([`ApplyError`]), or what it did
//! ([`ApplySummary`], per kind of record), each written for the person who ran it.

use std::fmt;

use crate::domain::ids::TenantId;
use crate::store::StoreError;

/// One thing wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line, from 1, when known.
    pub line: Option<usize>,
    /// The column, from 1, when known.
    pub column: Option<usize>,
    /// The record it concerns, e.g. `team "Atlas", ritual "Atlas sprint retro"`; empty when the
    /// file as a whole is at fault.
    pub what: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: ")?,
            (Some(line), None) => write!(f, "line {line}: ")?,
            _ => {}
        }
        if !self.what.is_empty() {
            write!(f, "{}: ", self.what)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a file was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The file is not TOML, or not of the expected shape (a missing key, an unknown one, a
    /// string where a number belongs). TOML readers stop at the first such problem.
    #[error("{0}")]
    Syntax(Problem),
    /// The file reads, but says things that cannot be applied: every problem found. Nothing was
    /// written.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    /// The database failed. Writes before the failure stay; applying again finishes the job.
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

impl ApplyError {
    /// The problems with the file, if that is what went wrong.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ApplyError::Syntax(problem) => std::slice::from_ref(problem),
            ApplyError::Invalid(problems) => problems,
            ApplyError::Store(_) => &[],
        }
    }

    /// A report for a person, each problem prefixed `FILE:LINE:COLUMN:` as compilers do, so
    /// editors can jump to it.
    pub fn report(&self, file: &str) -> String {
        let problems = self.problems();
        if problems.is_empty() {
            return format!("{file}: {self}");
        }
        let mut out = format!(
            "{file}: {} found; nothing was changed",
            plural(problems.len(), "problem")
        );
        for p in problems {
            out.push_str("\n  ");
            out.push_str(file);
            if let Some(line) = p.line {
                out.push_str(&format!(":{line}"));
                if let Some(column) = p.column {
                    out.push_str(&format!(":{column}"));
                }
            }
            out.push_str(": ");
            if !p.what.is_empty() {
                out.push_str(&p.what);
                out.push_str(": ");
            }
            out.push_str(&p.message);
        }
        out
    }
}

fn list(problems: &[Problem]) -> String {
    let mut out = format!(
        "{} found; nothing was changed",
        plural(problems.len(), "problem")
    );
    for p in problems {
        out.push_str(&format!("\n  {p}"));
    }
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How many records of one kind were created, changed, left as they were or removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// New records (for memberships: people who joined).
    pub created: usize,
    /// Changed records (for memberships: role changes).
    pub updated: usize,
    /// Records already as the file says.
    pub unchanged: usize,
    /// Records removed (memberships only: people who left).
    pub removed: usize,
}

impl Counts {
    /// Whether anything of this kind was written.
    pub(super) fn changed(&self) -> bool {
        self.created + self.updated + self.removed > 0
    }
}

/// What an apply did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplySummary {
    /// The tenant written to.
    pub tenant: Option<TenantId>,
    /// People by user id.
    pub people: Counts,
    /// Capabilities in the library.
    pub capabilities: Counts,
    /// Modules in the library (each created or updated one is a decision).
    pub modules: Counts,
    /// Teams' own settings (time zone, home channel) and their existence; a team counts as
    /// updated when its membership changed too.
    pub teams: Counts,
    /// One per person and team.
    pub memberships: Counts,
    /// Targets (each created or updated one is a decision).
    pub targets: Counts,
    /// Absences (each created one is a decision).
    pub absences: Counts,
    /// Rituals with their triggers.
    pub rituals: Counts,
    /// Decisions recorded.
    pub decisions: usize,
}

impl ApplySummary {
    /// Whether anything was written.
    pub fn changed(&self) -> bool {
        [
            self.people,
            self.capabilities,
            self.modules,
            self.teams,
            self.memberships,
            self.targets,
            self.absences,
            self.rituals,
        ]
        .iter()
        .any(Counts::changed)
    }
}

impl fmt::Display for ApplySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = [
            ("people", &self.people),
            ("capabilities", &self.capabilities),
            ("modules", &self.modules),
            ("teams", &self.teams),
            ("targets", &self.targets),
            ("absences", &self.absences),
            ("rituals", &self.rituals),
        ];
        for (kind, c) in rows {
            writeln!(
                f,
                "{kind:<13} {} created, {} updated, {} unchanged",
                c.created, c.updated, c.unchanged
            )?;
        }
        let m = &self.memberships;
        writeln!(
            f,
            "{:<13} {} joined, {} changed role, {} left, {} unchanged",
            "memberships", m.created, m.updated, m.removed, m.unchanged
        )?;
        if self.changed() {
            write!(f, "{} recorded", plural(self.decisions, "decision"))
        } else {
            write!(f, "nothing to change")
        }
    }
}

/// Line and column (both from 1, the column in characters) of a byte offset in `text`.
pub(super) fn locate(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}
