//! Hours per week: per series, per manager and per kind, for the organisation.

use std::collections::{BTreeSet, HashMap};

use super::activity::CadenceData;
use super::kind::MeetingKind;
use super::owner::IdentifiedBy;
use super::rank;
use super::report::{KindReport, ManagerReport, SeriesReport, ShareOf, Totals};
use super::rules::{Facts, RuleSet};
use super::series::{Cadence, Gathered, SeriesDraft};

/// A manager, after files of the same person were merged.
#[derive(Debug, Clone)]
pub struct ManagerInfo {
    /// Address or name.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Feed name.
    pub feed: String,
    /// How recognised.
    pub identified_by: IdentifiedBy,
    /// Files.
    pub files: Vec<String>,
}

/// Everything aggregation produces.
#[derive(Debug, Clone)]
pub struct Aggregates {
    /// Totals (files and instances are filled in by the caller).
    pub totals: Totals,
    /// Kinds, largest first.
    pub kinds: Vec<KindReport>,
    /// Managers in input order.
    pub managers: Vec<ManagerReport>,
    /// Series, largest first.
    pub series: Vec<SeriesReport>,
}

/// Aggregates gathered meetings over a window of `weeks` weeks.
pub fn aggregate(
    gathered: &Gathered,
    managers: &[ManagerInfo],
    weeks: f64,
    rules: &RuleSet,
    activity: Option<&CadenceData>,
) -> Aggregates {
    let per_week = |minutes: u64| minutes as f64 / 60.0 / weeks.max(1.0 / 7.0);
    let series_count = gathered.series.len();
    let mut minutes: Vec<Vec<u32>> = vec![Vec::new(); series_count];
    let mut starts: Vec<Vec<i64>> = vec![Vec::new(); series_count];
    let mut manager_minutes = vec![0u64; series_count];
    let mut meeting_minutes = vec![0u64; series_count];
    let mut holders: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); series_count];
    let mut by_manager_series: HashMap<(u32, usize), u64> = HashMap::new();
    for meeting in &gathered.meetings {
        let s = meeting.series;
        let (Some(m), Some(st)) = (minutes.get_mut(s), starts.get_mut(s)) else {
            continue;
        };
        m.push(meeting.minutes);
        st.push(meeting.start);
        let count = meeting.managers.len() as u64;
        manager_minutes[s] += u64::from(meeting.minutes) * count;
        meeting_minutes[s] += u64::from(meeting.minutes);
        for &manager in &meeting.managers {
            holders[s].insert(manager);
            *by_manager_series.entry((manager, s)).or_default() += u64::from(meeting.minutes);
        }
    }
    let total_manager_minutes: u64 = manager_minutes.iter().sum();
    let total_meeting_minutes: u64 = meeting_minutes.iter().sum();
    let share = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    };
    let mut series: Vec<SeriesReport> = Vec::with_capacity(series_count);
    for (index, draft) in gathered.series.iter().enumerate() {
        let typical_minutes = median(&mut minutes[index]);
        let attendees = median(&mut draft.people.clone());
        let cadence = draft
            .rule_cadence
            .unwrap_or_else(|| cadence_of(&mut starts[index]));
        let title = title_of(draft);
        let classification = rules.classify(&Facts {
            title: &title,
            description: &draft.description,
            attendees,
            minutes: typical_minutes,
            cadence,
            recurring: draft.recurring,
        });
        let found = activity
            .and_then(|a| a.find(draft.uid.as_deref(), &title))
            .cloned();
        let mut report = SeriesReport {
            key: draft.key.clone(),
            title,
            classification,
            cadence,
            recurring: draft.recurring,
            occurrences: minutes[index].len(),
            minutes: typical_minutes,
            attendees,
            organizer: draft.organizer.clone(),
            managers: holders[index]
                .iter()
                .filter_map(|&m| managers.get(m as usize).map(|info| info.id.clone()))
                .collect(),
            hours_per_week: per_week(manager_minutes[index]),
            meeting_hours_per_week: per_week(meeting_minutes[index]),
            share: share(manager_minutes[index], total_manager_minutes),
            activity: found,
            score: 0.0,
        };
        report.score = rank::score(&report);
        series.push(report);
    }
    let manager_reports = managers_of(managers, &series, &by_manager_series, &per_week);
    let kinds = kinds_of(&series, &manager_reports, total_manager_minutes, weeks);
    let mut order: Vec<usize> = (0..series.len()).collect();
    order.sort_by(|&a, &b| {
        series[b]
            .hours_per_week
            .total_cmp(&series[a].hours_per_week)
            .then_with(|| series[a].title.cmp(&series[b].title))
    });
    let sorted: Vec<SeriesReport> = order.into_iter().map(|i| series[i].clone()).collect();
    Aggregates {
        totals: Totals {
            managers: managers.len(),
            meetings: gathered.meetings.len(),
            series: sorted.len(),
            recurring_series: sorted.iter().filter(|s| s.recurring).count(),
            manager_hours_per_week: per_week(total_manager_minutes),
            meeting_hours_per_week: per_week(total_meeting_minutes),
            ..Totals::default()
        },
        kinds,
        managers: manager_reports,
        series: sorted,
    }
}

fn managers_of(
    managers: &[ManagerInfo],
    series: &[SeriesReport],
    by_manager_series: &HashMap<(u32, usize), u64>,
    per_week: &dyn Fn(u64) -> f64,
) -> Vec<ManagerReport> {
    let mut own: Vec<Vec<(usize, u64)>> = vec![Vec::new(); managers.len()];
    for (&(manager, s), &minutes) in by_manager_series {
        if let Some(list) = own.get_mut(manager as usize) {
            list.push((s, minutes));
        }
    }
    managers
        .iter()
        .zip(own)
        .map(|(info, mut list)| {
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let total: u64 = list.iter().map(|(_, m)| m).sum();
            let share = |m: u64| {
                if total == 0 {
                    0.0
                } else {
                    m as f64 / total as f64
                }
            };
            let mut kinds: HashMap<MeetingKind, u64> = HashMap::new();
            for &(s, m) in &list {
                *kinds.entry(series[s].classification.kind).or_default() += m;
            }
            let mut kinds: Vec<(MeetingKind, u64)> = kinds.into_iter().collect();
            kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            ManagerReport {
                id: info.id.clone(),
                name: info.name.clone(),
                feed: info.feed.clone(),
                identified_by: info.identified_by,
                files: info.files.clone(),
                hours_per_week: per_week(total),
                kinds: kinds
                    .into_iter()
                    .map(|(kind, m)| ShareOf {
                        of: kind,
                        hours_per_week: per_week(m),
                        share: share(m),
                    })
                    .collect(),
                series: list
                    .into_iter()
                    .map(|(s, m)| ShareOf {
                        of: series[s].key.clone(),
                        hours_per_week: per_week(m),
                        share: share(m),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn kinds_of(
    series: &[SeriesReport],
    managers: &[ManagerReport],
    total_manager_minutes: u64,
    weeks: f64,
) -> Vec<KindReport> {
    let total_hours = total_manager_minutes as f64 / 60.0 / weeks.max(1.0 / 7.0);
    let mut kinds: Vec<KindReport> = MeetingKind::ALL
        .into_iter()
        .map(|kind| {
            let of_kind = series.iter().filter(|s| s.classification.kind == kind);
            let hours: f64 = of_kind.clone().map(|s| s.hours_per_week).sum();
            KindReport {
                kind,
                label: kind.label(),
                hours_per_week: hours,
                meeting_hours_per_week: of_kind.clone().map(|s| s.meeting_hours_per_week).sum(),
                share: if total_hours > 0.0 {
                    hours / total_hours
                } else {
                    0.0
                },
                series: of_kind.count(),
                managers: managers
                    .iter()
                    .filter(|m| m.kinds.iter().any(|k| k.of == kind))
                    .count(),
            }
        })
        .filter(|k| k.series > 0)
        .collect();
    kinds.sort_by(|a, b| {
        b.hours_per_week
            .total_cmp(&a.hours_per_week)
            .then_with(|| a.kind.cmp(&b.kind))
    });
    kinds
}

/// The most common title, the first seen on a tie.
fn title_of(draft: &SeriesDraft) -> String {
    let mut best: Option<&(String, usize)> = None;
    for entry in &draft.titles {
        if best.is_none_or(|b| entry.1 > b.1) {
            best = Some(entry);
        }
    }
    best.map(|(t, _)| t.clone()).unwrap_or_default()
}

/// The median of `values` (the lower middle of an even count); 0 when empty.
fn median(values: &mut [u32]) -> u32 {
    values.sort_unstable();
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0)
}

/// The cadence of starts without a rule: the median gap between distinct days.
fn cadence_of(starts: &mut Vec<i64>) -> Cadence {
    starts.sort_unstable();
    starts.dedup();
    if starts.len() < 2 {
        return Cadence::Once;
    }
    let mut gaps: Vec<u32> = starts
        .windows(2)
        .map(|w| u32::try_from((w[1] - w[0]) / 3600).unwrap_or(u32::MAX))
        .collect();
    Cadence::of_days(f64::from(median(&mut gaps)) / 24.0)
}
