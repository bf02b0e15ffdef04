//! Reading the managers' files: paths and folders to files, each file read, recognised and
//! expanded. Files are independent, so they are shared out over the machine's cores.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::AuditError;
use super::owner::{self, Owner};
use super::series::Cadence;
use crate::calendar::{self, Diagnostic, ExpandOptions, Instance, Severity, Window};

/// One file, read and expanded.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// The path as given or found.
    pub path: String,
    /// Whose it is.
    pub owner: Owner,
    /// VEVENTs read.
    pub events: usize,
    /// Instances in the window.
    pub instances: Vec<Instance>,
    /// Cancelled instances left out.
    pub cancelled: usize,
    /// Reading and expansion diagnostics, by line.
    pub diagnostics: Vec<Diagnostic>,
    /// Each recurring UID's cadence.
    pub cadences: HashMap<Arc<str>, Cadence>,
}

/// The `.ics` files named by `paths`: files as given, folders searched (with subfolders).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AuditError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| AuditError::Read {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(AuditError::NoCalendars(path.display().to_string()));
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), AuditError> {
    let read_error = |source| AuditError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ics"))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads and expands every file, in parallel; results in the order of `files`.
pub fn load_all(files: &[PathBuf], window: Window) -> Result<Vec<LoadedFile>, AuditError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len())
        .max(1);
    let results: Vec<Vec<(usize, Result<LoadedFile, AuditError>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                scope.spawn(move || {
                    files
                        .iter()
                        .enumerate()
                        .skip(worker)
                        .step_by(workers)
                        .map(|(i, path)| (i, load_file(path, window)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut flat: Vec<(usize, Result<LoadedFile, AuditError>)> =
        results.into_iter().flatten().collect();
    if flat.len() != files.len() {
        return Err(AuditError::Worker);
    }
    flat.sort_by_key(|(i, _)| *i);
    flat.into_iter().map(|(_, r)| r).collect()
}

/// Reads one file from disk and expands it.
fn load_file(path: &Path, window: Window) -> Result<LoadedFile, AuditError> {
    let bytes = std::fs::read(path).map_err(|source| AuditError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(load_text(&path.display().to_string(), &bytes, window))
}

/// Reads and expands one file's bytes; `name` is its path, used to recognise the owner last.
pub fn load_text(name: &str, bytes: &[u8], window: Window) -> LoadedFile {
    let text = String::from_utf8_lossy(bytes);
    let calendar = calendar::read(&text);
    let owner = owner::identify(&calendar, Path::new(name));
    let expansion = calendar::expand(&calendar, window, &ExpandOptions::default());
    let mut diagnostics = calendar.diagnostics.clone();
    if matches!(text, std::borrow::Cow::Owned(_)) {
        diagnostics.insert(
            0,
            Diagnostic {
                line: None,
                severity: Severity::Warning,
                message: "the file is not valid UTF-8; the bad bytes were replaced".to_owned(),
            },
        );
    }
    diagnostics.extend(expansion.diagnostics);
    diagnostics.sort_by_key(|d| d.line);
    let cadences = calendar
        .events
        .iter()
        .filter(|e| e.recurrence_id.is_none())
        .filter_map(|e| {
            e.rule
                .as_ref()
                .map(|r| (Arc::clone(&e.uid), Cadence::of_rule(r)))
        })
        .collect();
    LoadedFile {
        path: name.to_owned(),
        owner,
        events: calendar.events.len(),
        instances: expansion.instances,
        cancelled: expansion.cancelled,
        diagnostics,
        cadences,
    }
}
