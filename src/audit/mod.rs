//! The attention audit (design.md, "Attention audit"): where managers' meeting hours go, which
//! recurring meetings are operating rituals, and the three to attach capability planning to
//! first. Pure: files in, a [`Report`] out; no store, no HTTP, no clock (the caller gives the
//! window).
//!
//! The steps, one module each: `load` reads and expands each manager's file (with
//! [`crate::calendar`]) and `owner` recognises whose it is; `series` de-duplicates meetings
//! shared by several managers and groups them into series; `rules` classifies each series with a
//! reason; `aggregate` counts hours per week; `rank` picks the top three and writes their
//! `ritual add` lines; `render` prints text, CSV and HTML (JSON is the report itself).

mod activity;
mod aggregate;
mod default_rules;
mod kind;
mod load;
mod owner;
mod rank;
mod render;
mod report;
mod rules;
mod series;

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{Duration, NaiveDate, NaiveTime};

pub use activity::{CadenceData, RitualActivity};
pub use kind::{MeetingKind, UnknownKind};
pub use owner::IdentifiedBy;
pub use render::{csv, html, text};
pub use report::{
    FileReport, InstanceRow, KindReport, ManagerReport, Recommendation, Report, SeriesReport,
    ShareOf, Totals,
};
pub use rules::{AuditSection, Classification, Facts, Rule, RuleSet, RulesError};
pub use series::{Cadence, Skipped};

use crate::calendar::Window;
use aggregate::ManagerInfo;
use load::LoadedFile;
use series::ManagerInstances;

/// Days in the default window: the last twelve weeks.
pub const DEFAULT_DAYS: i64 = 84;

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A path could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A folder held no `.ics` file.
    #[error("{0} holds no .ics file")]
    NoCalendars(String),
    /// The dates make no window.
    #[error("the window is empty: --from {from} is after --to {to}")]
    EmptyWindow {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// A reading thread stopped.
    #[error("a worker reading the files stopped unexpectedly")]
    Worker,
}

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Meetings starting in this window count.
    pub window: Window,
    /// The classification rules.
    pub rules: RuleSet,
    /// What Cadence knows of each ritual, when given.
    pub activity: Option<CadenceData>,
    /// Whether the report lists every instance (for cross-checks).
    pub include_instances: bool,
}

/// The window from `from` to `to`, both days included (UTC); by default the twelve weeks
/// before `today`.
pub fn window(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Window, AuditError> {
    let to = to.unwrap_or(today.pred_opt().unwrap_or(today));
    let from = match from {
        Some(from) => from,
        None => to
            .checked_sub_signed(Duration::days(DEFAULT_DAYS - 1))
            .ok_or(AuditError::EmptyWindow { from: to, to })?,
    };
    if from > to {
        return Err(AuditError::EmptyWindow { from, to });
    }
    let day_after = to.succ_opt().ok_or(AuditError::EmptyWindow { from, to })?;
    Ok(Window {
        start: from.and_time(NaiveTime::MIN).and_utc(),
        end: day_after.and_time(NaiveTime::MIN).and_utc(),
    })
}

/// Audits the `.ics` files at `paths` (files, or folders of them).
pub fn run(paths: &[PathBuf], options: &AuditOptions) -> Result<Report, AuditError> {
    let files = load::collect(paths)?;
    let loaded = load::load_all(&files, options.window)?;
    Ok(build(loaded, options))
}

/// Audits calendars given as `(name, text)`, as if read from files of those names.
pub fn run_texts(sources: &[(String, String)], options: &AuditOptions) -> Report {
    let loaded = sources
        .iter()
        .map(|(name, text)| load::load_text(name, text.as_bytes(), options.window))
        .collect();
    build(loaded, options)
}

fn build(loaded: Vec<LoadedFile>, options: &AuditOptions) -> Report {
    let weeks = (options.window.end - options.window.start).num_seconds() as f64 / (7.0 * 86_400.0);
    let instances = options.include_instances.then(|| instance_rows(&loaded));
    let total_instances = loaded.iter().map(|f| f.instances.len()).sum();
    let mut files = Vec::with_capacity(loaded.len());
    let mut owned = Vec::with_capacity(loaded.len());
    for f in loaded {
        files.push(FileReport {
            path: f.path.clone(),
            manager: f.owner.id.clone(),
            events: f.events,
            instances: f.instances.len(),
            cancelled: f.cancelled,
            diagnostics: f.diagnostics,
        });
        owned.push((f.path, f.owner, f.instances, f.cadences));
    }
    let (infos, inputs) = managers(owned);
    let gathered = series::gather(&inputs);
    drop(inputs);
    let aggregates = aggregate::aggregate(
        &gathered,
        &infos,
        weeks,
        &options.rules,
        options.activity.as_ref(),
    );
    let top = rank::top(&aggregates.series, &aggregates.managers);
    let mut totals = aggregates.totals;
    totals.files = files.len();
    totals.instances = total_instances;
    Report {
        window: options.window,
        weeks,
        totals,
        kinds: aggregates.kinds,
        managers: aggregates.managers,
        series: aggregates.series,
        top,
        skipped: gathered.skipped,
        files,
        instances,
    }
}

/// A file's path, owner, instances and rule cadences, moved out of its [`LoadedFile`].
type OwnedFile = (
    String,
    owner::Owner,
    Vec<crate::calendar::Instance>,
    HashMap<std::sync::Arc<str>, Cadence>,
);

/// One entry per manager (files of the same owner merged), with unique feed names.
fn managers(files: Vec<OwnedFile>) -> (Vec<ManagerInfo>, Vec<ManagerInstances>) {
    let mut infos: Vec<ManagerInfo> = Vec::new();
    let mut inputs: Vec<ManagerInstances> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for (path, owner, instances, cadences) in files {
        let key = owner.id.to_lowercase();
        let index = *index_of.entry(key).or_insert_with(|| {
            let base = owner::feed_name(&owner);
            let mut feed = base.clone();
            let mut n = 2;
            while infos.iter().any(|i| i.feed == feed) {
                feed = format!("{base}-{n}");
                n += 1;
            }
            infos.push(ManagerInfo {
                id: owner.id.clone(),
                name: owner.name.clone(),
                feed,
                identified_by: owner.identified_by,
                files: Vec::new(),
            });
            inputs.push(ManagerInstances {
                owner: owner.id.to_lowercase(),
                instances: Vec::new(),
                cadences: HashMap::new(),
            });
            infos.len() - 1
        });
        if let (Some(info), Some(input)) = (infos.get_mut(index), inputs.get_mut(index)) {
            info.files.push(path);
            input.instances.extend(instances);
            input.cadences.extend(cadences);
        }
    }
    (infos, inputs)
}

fn instance_rows(loaded: &[LoadedFile]) -> Vec<InstanceRow> {
    loaded
        .iter()
        .flat_map(|file| {
            file.instances.iter().map(|i| InstanceRow {
                file: file.path.clone(),
                manager: file.owner.id.clone(),
                uid: i.uid.to_string(),
                recurrence_id: i.recurrence_id,
                start: i.start,
                end: i.end,
                all_day: i.all_day,
                status: i.status,
                summary: i.details.summary.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_window_is_the_twelve_weeks_before_today() {
        let w = window(None, None, day("2026-11-29")).unwrap();
        assert_eq!(
            w.start,
            day("2026-09-06").and_time(NaiveTime::MIN).and_utc()
        );
        assert_eq!(w.end, day("2026-11-29").and_time(NaiveTime::MIN).and_utc());
        assert_eq!((w.end - w.start).num_days(), DEFAULT_DAYS);
        let one_day = window(
            Some(day("2026-01-01")),
            Some(day("2026-01-01")),
            day("2026-11-29"),
        );
        let one_day = one_day.unwrap();
        assert_eq!(
            one_day.start,
            day("2026-01-01").and_time(NaiveTime::MIN).and_utc()
        );
        assert_eq!(
            one_day.end,
            day("2026-01-02").and_time(NaiveTime::MIN).and_utc()
        );
        assert!(
            window(
                Some(day("2026-02-01")),
                Some(day("2026-01-01")),
                day("2026-11-29")
            )
            .is_err()
        );
        assert!(window(None, Some(NaiveDate::MAX), day("2026-11-29")).is_err());
        assert!(window(None, Some(NaiveDate::MIN), day("2026-11-29")).is_err());
    }
}
