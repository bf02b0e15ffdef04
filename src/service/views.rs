//! Commands that show rather than change: help, the author's profile, and coverage.

use super::scope::{Scope, Stop, finish};
use super::{Outcome, Reply, StoreError, say};
use crate::domain::card::{Card, Part};
use crate::domain::command::{Subcommand, help_topics};
use crate::domain::coverage::coverage_report;
use crate::domain::decision::TrackStatus;
use crate::domain::text::Text;
use crate::store::Role;

/// `help [topic]`: every subcommand, or one in detail.
pub fn help(topic: Option<&str>) -> Reply {
    if let Some(topic) = topic {
        let subs = help_topics(topic);
        if !subs.is_empty() {
            let mut text = Text::new();
            for (i, sub) in subs.iter().enumerate() {
                if i > 0 {
                    text = text.line().line();
                }
                text = text
                    .command(sub.usage())
                    .line()
                    .plain(sub.summary())
                    .line()
                    .plain("Example: ")
                    .command(sub.example());
            }
            return say(text, Outcome::Shown);
        }
        let text = Text::new()
            .plain("There's no help topic ")
            .strong(topic.to_owned())
            .plain(". Here is everything:")
            .line()
            .append(overview());
        return say(text, Outcome::Shown);
    }
    say(
        Text::new()
            .strong("Cadence commands")
            .line()
            .append(overview()),
        Outcome::Shown,
    )
}

fn overview() -> Text {
    let mut text = Text::new();
    for sub in Subcommand::all() {
        text = text
            .plain("• ")
            .command(sub.usage())
            .plain(" — ")
            .plain(sub.summary())
            .line();
    }
    text.plain("Add ")
        .code("team:NAME")
        .plain(" to any command to act on a team other than this channel's.")
}

/// `me`: the author's teams, levels, tracks and absences.
pub async fn me(scope: &Scope<'_>) -> Result<Reply, StoreError> {
    finish(me_inner(scope).await)
}

async fn me_inner(scope: &Scope<'_>) -> Result<Reply, Stop> {
    let store = scope.store();
    let teams = store.teams_of(scope.tenant, scope.actor.id).await?;
    let today = scope.now().date_naive();
    let profile = store.profile(scope.tenant, scope.actor.id, today).await?;
    let mut text = Text::new().strong("Your capabilities").line();
    if teams.is_empty() {
        text = text.plain("Teams: none yet.").line();
    } else {
        let list: Vec<String> = teams
            .iter()
            .map(|(t, role)| match role {
                Role::Manager => format!("{} (manager)", t.name),
                Role::Member => t.name.clone(),
            })
            .collect();
        text = text.plain(format!("Teams: {}", list.join(", "))).line();
    }
    if profile.levels.is_empty() {
        text = text.plain("No levels recorded yet.").line();
    }
    for level in &profile.levels {
        text = text
            .plain("• ")
            .strong(level.capability.clone())
            .plain(format!(": {}", level.level));
        if let Some(evidence) = &level.evidence {
            text = text.plain(" — ").plain(evidence.clone());
        }
        text = text.line();
    }
    for track in &profile.tracks {
        let status = match track.status {
            TrackStatus::Requested => "requested, waiting for a manager",
            TrackStatus::Approved => "approved",
            TrackStatus::Declined => "declined",
        };
        text = text
            .plain("Track ")
            .strong(track.track.clone())
            .plain(format!(": {status}"));
        if let Some(note) = &track.note {
            text = text.plain(" — ").plain(note.clone());
        }
        text = text.line();
    }
    for progress in store.track_progress(scope.tenant, scope.actor.id).await? {
        text = text.plain("• ").append(progress.line()).line();
    }
    for away in &profile.absences {
        text = text
            .plain(format!("Away {} to {}", away.from, away.to))
            .line();
    }
    Ok(say(text, Outcome::Shown))
}

/// `coverage ["capability"]`: people at mastery available today against the team's targets.
pub async fn coverage(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    capability: Option<&str>,
) -> Result<Reply, StoreError> {
    finish(coverage_inner(scope, named_team, capability).await)
}

async fn coverage_inner(
    scope: &Scope<'_>,
    named_team: Option<&str>,
    capability: Option<&str>,
) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    // Coverage names who is away; it is the managers' view (members see their own with `me`).
    scope.require_manager(&team, "see the coverage of").await?;
    let only = match capability {
        Some(name) => Some(scope.capability(name).await?),
        None => None,
    };
    let today = scope.today(&team);
    let inputs = scope.store().coverage_inputs(&team, today).await?;
    let mut reports = coverage_report(&inputs, today);
    if let Some(only) = &only {
        reports.retain(|r| r.today.capability == only.id);
    }
    let rows: Vec<_> = reports.iter().map(|r| r.today.clone()).collect();
    let mut text = Text::new()
        .strong(format!("Coverage in {}", team.name))
        .plain(format!(" — today, {today}"))
        .line();
    if rows.is_empty() {
        let what = match &only {
            Some(cap) => format!(
                "Nobody in the team is at mastery of {} and it has no target.",
                cap.name
            ),
            None => "No targets set and nobody at mastery yet.".to_owned(),
        };
        text = text
            .plain(what)
            .plain(" Set one with ")
            .command("target \"capability\" N")
            .plain(".");
        return Ok(say(text, Outcome::Shown));
    }
    for (row, report) in rows.iter().zip(&reports) {
        let available = row.available.len();
        text = text.plain("• ").strong(row.name.clone()).plain(": ");
        text = match row.target {
            Some(target) => {
                let mut t = text.plain(format!("{available} of {target} at mastery available"));
                if let Some(percent) = row.percent() {
                    t = t.plain(format!(" ({percent}%)"));
                }
                t
            }
            None => text.plain(format!("{available} at mastery available (no target)")),
        };
        match report.change() {
            0 => {}
            n if n > 0 => text = text.plain(format!(", ▲{n} since last week")),
            n => text = text.plain(format!(", ▼{} since last week", -n)),
        }
        if row.is_single_point_of_failure() {
            text = text.plain(" — ").strong("single point of failure");
        }
        if let Some(dip) = report.dips.first() {
            text = text.plain(format!(
                " — dips to {} from {} to {} ({} away)",
                dip.lowest,
                dip.from,
                dip.to,
                dip.away.join(", ")
            ));
        }
        if only.is_some() || row.is_single_point_of_failure() {
            if !row.available.is_empty() {
                text = text.plain(format!(" — {}", row.available.join(", ")));
            }
            if !row.away.is_empty() {
                text = text.plain(format!(" (away today: {})", row.away.join(", ")));
            }
        }
        text = text.line();
    }
    let spofs = rows
        .iter()
        .filter(|r| r.is_single_point_of_failure())
        .count();
    let met = rows
        .iter()
        .filter(|r| r.target.is_some() && r.meets_target())
        .count();
    let targeted = rows.iter().filter(|r| r.target.is_some()).count();
    if targeted > 0 {
        text = text.plain(format!(
            "{met} of {targeted} targets met today; {spofs} single point{} of failure.",
            if spofs == 1 { "" } else { "s" }
        ));
    }
    Ok(say(text, Outcome::Shown))
}

/// `/cadence digest`: this week's digest, shown only to the asker (a manager of the team).
pub async fn digest(scope: &Scope<'_>, named_team: Option<&str>) -> Result<Reply, StoreError> {
    finish(digest_inner(scope, named_team).await)
}

async fn digest_inner(scope: &Scope<'_>, named_team: Option<&str>) -> Result<Reply, Stop> {
    let team = scope.team(named_team).await?;
    scope.require_manager(&team, "see the digest of").await?;
    let card = super::digest::team_digest(scope.store(), &team, scope.now()).await?;
    Ok(say(card_text(&card), Outcome::Shown))
}

/// A card's words as one rich text, for an ephemeral reply.
fn card_text(card: &Card) -> Text {
    let mut text = Text::new();
    for part in &card.parts {
        text = match part {
            Part::Heading(title) => text.strong(title.clone()).line(),
            Part::Body(body) => text.append(body.clone()).line(),
            Part::Facts(facts) => {
                for fact in facts {
                    text = text
                        .plain("• ")
                        .strong(fact.label.clone())
                        .plain(": ")
                        .append(fact.value.clone())
                        .line();
                }
                text
            }
            Part::Note(lines) => {
                for line in lines {
                    text = text.plain("• ").append(line.clone()).line();
                }
                text
            }
            Part::Separator => text.line(),
            Part::Controls(_) => text,
        };
    }
    text
}
