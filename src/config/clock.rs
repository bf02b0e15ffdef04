//! The clock `cadence serve` runs on: the system's, or — a test facility, never for production —
//! one that several processes share through a file, so a test can run replicas through weeks
//! of scheduled jobs in seconds.
//!
//! `CADENCE_CLOCK_FILE=/path` names a file holding one RFC 3339 instant. That instant is "now"
//! at the moment the file was written (its modification time), and time runs on from there at
//! the system clock's pace: between two moves every replica agrees on the time, and the pacing
//! gap, a `Retry-After` and a claim's lease last as long as they would in production. A test
//! moves the clock by writing the file anew (write a temporary file, then rename it over the
//! old one, so no reader sees half a file). The file is read on every call: it is a few bytes,
//! and a move is seen at once by every process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::{DateTime, Utc};

use super::{ConfigError, Lookup};
use crate::domain::clock::{Clock, SystemClock};

/// The variable that names the shared clock's file.
pub const CLOCK_FILE_VARIABLE: &str = "CADENCE_CLOCK_FILE";

/// The clock for `serve`: a [`FileClock`] when `CADENCE_CLOCK_FILE` is set, else the system's.
pub fn serve_clock(lookup: impl Fn(&str) -> Option<String>) -> Result<Arc<dyn Clock>, ConfigError> {
    let get: Lookup<'_> = &|name| {
        lookup(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    match get(CLOCK_FILE_VARIABLE) {
        None => Ok(Arc::new(SystemClock)),
        Some(path) => {
            let clock = FileClock::open(&path)?;
            tracing::warn!(
                path,
                "{CLOCK_FILE_VARIABLE} is set: time comes from a file, a test facility; never set it in production"
            );
            Ok(Arc::new(clock))
        }
    }
}

/// A clock read from a file holding an RFC 3339 instant, running on from the file's
/// modification time at the system clock's pace. For tests only.
#[derive(Debug)]
pub struct FileClock {
    path: PathBuf,
    /// The last reading that made sense, kept for a moment when the file cannot be read.
    last: Mutex<Reading>,
}

/// An instant and the moment it was written.
#[derive(Debug, Clone, Copy)]
struct Reading {
    instant: DateTime<Utc>,
    written: SystemTime,
}

impl Reading {
    /// The time now by this reading.
    fn now(&self) -> DateTime<Utc> {
        let elapsed = SystemTime::now()
            .duration_since(self.written)
            .unwrap_or_default();
        self.instant + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }
}

impl FileClock {
    /// The clock in `path`; an error naming [`CLOCK_FILE_VARIABLE`] when the file cannot be
    /// read or holds no RFC 3339 instant.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, ConfigError> {
        let path = path.into();
        let reading = read(&path).map_err(|problem| ConfigError {
            variable: CLOCK_FILE_VARIABLE,
            problem,
        })?;
        Ok(FileClock {
            path,
            last: Mutex::new(reading),
        })
    }
}

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        let mut last = match self.last.lock() {
            Ok(last) => last,
            Err(poisoned) => poisoned.into_inner(),
        };
        match read(&self.path) {
            Ok(reading) => *last = reading,
            Err(problem) => {
                tracing::warn!(%problem, "shared clock unreadable; using its last reading")
            }
        }
        last.now()
    }
}

/// Reads the instant and the file's modification time from one open file, so both belong to
/// the same version of it.
fn read(path: &Path) -> Result<Reading, String> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    let written = file
        .metadata()
        .and_then(|m| m.modified())
        .map_err(|e| format!("cannot read when {shown} was written: {e}"))?;
    let mut text = String::new();
    file.by_ref()
        .take(256)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    let instant = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        format!(
            "{shown} holds `{}`, not an RFC 3339 instant: {e}",
            text.trim()
        )
    })?;
    Ok(Reading {
        instant: instant.with_timezone(&Utc),
        written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        let next = path.with_extension("next");
        std::fs::write(&next, text).expect("write");
        std::fs::rename(&next, path).expect("rename");
    }

    #[test]
    fn the_file_sets_the_time_and_it_runs_on_from_there() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("clock");
        write(&path, "2026-11-25T10:00:00Z\n");
        let clock = FileClock::open(&path).expect("clock");
        let start: DateTime<Utc> = "2026-11-25T10:00:00Z".parse().expect("instant");
        let now = clock.now();
        assert!(
            now >= start && now < start + chrono::Duration::seconds(5),
            "{now}"
        );
        write(&path, "2026-12-07T09:00:05+00:00");
        let moved: DateTime<Utc> = "2026-12-07T09:00:05Z".parse().expect("instant");
        let now = clock.now();
        assert!(
            now >= moved && now < moved + chrono::Duration::seconds(5),
            "{now}"
        );
        // Half a file (a writer that did not rename) leaves the last reading in force.
        std::fs::write(&path, "2026-").expect("write");
        assert!(clock.now() >= moved);
    }

    #[test]
    fn only_a_set_variable_and_a_readable_instant_make_a_file_clock() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("clock");
        let named =
            |value: String| move |name: &str| (name == CLOCK_FILE_VARIABLE).then(|| value.clone());
        assert!(serve_clock(|_| None).is_ok());
        let missing = serve_clock(named(path.display().to_string())).expect_err("no file");
        assert_eq!(missing.variable, CLOCK_FILE_VARIABLE);
        write(&path, "next Tuesday");
        let bad = serve_clock(named(path.display().to_string())).expect_err("not an instant");
        assert!(bad.problem.contains("RFC 3339"), "{}", bad.problem);
        write(&path, "2026-11-25T10:00:00Z");
        let shared = serve_clock(named(path.display().to_string())).expect("clock");
        assert!(
            shared.now()
                >= "2026-11-25T10:00:00Z"
                    .parse::<DateTime<Utc>>()
                    .expect("instant")
        );
    }
}
