//! `org` and `scorecard`: the organisation's scoreboard and a manager's scorecard in chat.
//!
//! Admins (Cadence's or the workspace's) see the organisation and anyone's scorecard; a manager
//! sees their own; members see nothing of others and are told so. Both read the same figures
//! as `cadence report org|scorecard`, from [`super::report`], and point there for the full page.

use super::scope::{Scope, Stop};
use super::{Outcome, Reply};
use crate::domain::command::UserRef;
use crate::domain::outcomes::scoreboard::{OrgReport, TeamRow};
use crate::domain::outcomes::{Quarter, ReportDetail, Window};
use crate::domain::text::Text;
use crate::report::{hours, participation_cell};

/// How many teams the chat view lists before pointing at the full report.
const TEAMS_SHOWN: usize = 8;

/// The window for `quarter`, or the current quarter; refuses a quarter that has not begun.
fn window(scope: &Scope<'_>, quarter: Option<Quarter>) -> Result<Window, Stop> {
    let now = scope.now();
    let quarter = quarter.unwrap_or_else(|| Quarter::containing(now.date_naive()));
    let window = Window::new(quarter, now);
    if !window.has_begun() {
        let text = Text::new()
            .strong(quarter.to_string())
            .plain(" has not begun yet; ask for this quarter or an earlier one.");
        return Err(Reply::invalid(text).into());
    }
    Ok(window)
}

/// `org [family:"…"] [quarter Q]`.
pub(super) async fn org(
    scope: &Scope<'_>,
    family: Option<&str>,
    quarter: Option<Quarter>,
) -> Result<Reply, Stop> {
    if !scope.may_set_up() {
        let text = Text::new()
            .plain("Only admins see the organisation's scoreboard. Managers can see their own outcomes with ")
            .command("scorecard")
            .plain(".");
        return Err(Reply::refused(text).into());
    }
    let window = window(scope, quarter)?;
    let report = super::report::org(scope.store(), scope.tenant, window, family).await?;
    Ok(Reply {
        text: org_text(&report),
        outcome: Outcome::Shown,
    })
}

/// The scoreboard in a few lines: the roll-up, then the riskiest teams.
fn org_text(report: &OrgReport) -> Text {
    let t = &report.total;
    let family = report
        .family
        .as_ref()
        .map(|f| format!(", role family \"{f}\""))
        .unwrap_or_default();
    let mut text = Text::new()
        .strong(format!("Capability scoreboard, {}", report.quarter))
        .plain(format!(" (as of {}{family})", report.as_of))
        .line()
        .plain(format!(
            "Capabilities at target: {} of {} (quarter start: {} of {}). Reached mastery: {}. \
             Single points of failure: {} open, {} opened, {} closed. Dips ahead: {}.",
            t.at_target,
            t.targeted,
            t.at_target_start,
            t.targeted_start,
            people(t.reached_mastery),
            t.spofs_open,
            t.spofs_opened,
            t.spofs_closed,
            t.dips_ahead
        ))
        .line()
        .plain(format!(
            "Interventions: {} done, {} due, {} overdue. Learning hours: {}. Rituals answered: {}.",
            t.interventions.done,
            t.interventions.due,
            t.interventions.overdue,
            hours(t.hours_centi),
            participation_cell(&t.participation)
        ));
    if let Some(used) = t.budget.used_words(&report.currency) {
        text = text.plain(format!(" Budget used: {used}."));
    }
    let trend: Vec<String> = report
        .trend
        .iter()
        .map(|p| match p.percent() {
            Some(percent) => format!("{} {percent} %", p.quarter),
            None => format!("{} —", p.quarter),
        })
        .collect();
    text = text
        .line()
        .plain(format!("At target by quarter: {}.", trend.join(" → ")));
    let with_data: Vec<&TeamRow> = report.teams.iter().filter(|t| t.has_data).collect();
    if with_data.is_empty() {
        text = text.line().line().plain(
            "No team has targets, rituals or decisions yet: set targets with `target` and bind rituals with `ritual add`.",
        );
    } else {
        text = text.line().line().strong("Teams, riskiest first");
    }
    for team in with_data.iter().take(TEAMS_SHOWN) {
        text = text
            .line()
            .plain("• ")
            .strong(team.team.clone())
            .plain(format!(
                " — {} of {} at target",
                team.at_target, team.targeted
            ));
        if !team.spofs_open.is_empty() {
            text = text.plain(format!(
                "; single point of failure: {}",
                team.spofs_open.join(", ")
            ));
        }
        if !team.dips_ahead.is_empty() {
            text = text.plain(format!("; dips ahead: {}", team.dips_ahead.join(", ")));
        }
        if team.interventions.overdue > 0 {
            text = text.plain(format!(
                "; {} interventions overdue",
                team.interventions.overdue
            ));
        }
        text = text.plain(format!(
            "; rituals answered {}",
            participation_cell(&team.participation)
        ));
        if let Some(used) = team.budget.used_words(&report.currency) {
            text = text.plain(format!("; budget used {used}"));
        }
    }
    if with_data.len() > TEAMS_SHOWN {
        text = text
            .line()
            .plain(format!("and {} more teams.", with_data.len() - TEAMS_SHOWN));
    }
    let without = report.teams.len() - with_data.len();
    if without > 0 {
        text = text.line().plain(format!(
            "{without} {} no data yet (no targets, rituals or decisions).",
            if without == 1 {
                "team has"
            } else {
                "teams have"
            }
        ));
    }
    text.line()
        .plain("The full scoreboard, with charts: ")
        .code(format!(
            "cadence report org --quarter {} --format html",
            report.quarter
        ))
        .plain(" where Cadence runs.")
}

/// `scorecard [@manager] [quarter Q]`.
pub(super) async fn scorecard(
    scope: &Scope<'_>,
    manager: Option<&UserRef>,
    quarter: Option<Quarter>,
) -> Result<Reply, Stop> {
    let asks_for_self = manager.is_none_or(|m| m.id == scope.actor.user_id);
    if !asks_for_self && !scope.may_set_up() {
        let text = Text::new()
            .plain("Only admins see another manager's scorecard; ")
            .command("scorecard")
            .plain(" on its own shows yours.");
        return Err(Reply::refused(text).into());
    }
    let window = window(scope, quarter)?;
    let person = match manager.filter(|_| !asks_for_self) {
        None => Some(scope.actor.clone()),
        Some(user) => scope.store().find_person(scope.tenant, &user.id).await?,
    };
    let cards = match &person {
        Some(person) => {
            super::report::manager_scorecards(
                scope.store(),
                scope.tenant,
                window,
                Some(person.id),
                ReportDetail::Evidence,
            )
            .await?
        }
        None => Vec::new(),
    };
    let Some(card) = cards.into_iter().next() else {
        let who = match manager.filter(|_| !asks_for_self) {
            Some(user) => Text::new().mention(user.id.clone()).plain(" did not"),
            None => Text::new().plain("You did not"),
        };
        let text = who.plain(format!(
            " manage a team in {}, so there is no scorecard. Scorecards are for the managers of teams.",
            window.quarter
        ));
        return Ok(Reply {
            text,
            outcome: Outcome::Shown,
        });
    };
    let mut text = Text::new()
        .strong(format!("Scorecard: {}, {}", card.manager, card.quarter))
        .plain(format!(" (as of {})", card.as_of));
    let mut team: Option<&str> = None;
    for line in &card.lines {
        if team != Some(line.team.as_str()) {
            text = text.line().strong(line.team.clone());
            team = Some(&line.team);
        }
        text = text.line().plain(format!("• {}", line.text));
        if let Some(last) = line.evidence.last() {
            text = text.plain(format!(
                " — {} decision{}, latest {} by {}",
                line.evidence.len(),
                if line.evidence.len() == 1 { "" } else { "s" },
                last.at.format("%-d %b"),
                last.by
            ));
        }
    }
    if card.lines.is_empty() {
        text = text.line().plain("Nothing recorded yet this quarter.");
    }
    Ok(Reply {
        text: text
            .line()
            .plain("Each line's decisions: ")
            .code(format!(
                "cadence report scorecard --quarter {} --manager {} --evidence",
                card.quarter, card.manager_id
            ))
            .plain(" where Cadence runs."),
        outcome: Outcome::Shown,
    })
}

/// "1 person", "3 people".
fn people(n: u32) -> String {
    if n == 1 {
        "1 person".to_owned()
    } else {
        format!("{n} people")
    }
}
