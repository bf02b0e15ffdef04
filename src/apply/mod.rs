//! Configuration as code: `cadence apply cadence.toml` (design.md §4) upserts a workspace's
//! teams, people, capabilities, modules, targets, absences, rituals and triggers from one TOML
//! file.
//!
//! Chat commands edit the same records, so everything here goes through the store's domain
//! operations, and targets, absences and library modules are recorded as decisions (source
//! `api`, actor the person `cadence-apply`), exactly as `/cadence target`, `/cadence away` and
//! `/cadence module add` record them.
//!
//! # The file
//!
//! ```toml
//! [workspace]
//! platform = "slack"            # or "teams"
//! id = "T0123ABCD"              # Slack team_id (enterprise_id for org-wide installs) or Teams tenant id
//!
//! [[people]]                    # optional: display names; anyone listed in a team is created anyway
//! id = "U01ALICE"
//! name = "Alice"
//!
//! [[capabilities]]
//! name = "run EBR"
//! description = "runs an executive business review end to end"   # optional
//! family = "account exec"                                         # optional
//!
//! [[modules]]                   # the module library (admins' in chat); optional
//! title = "EBR storyline"
//! capability = "run EBR"        # must be listed under [[capabilities]]
//! hours = 3                     # optional: hours (1.5) or a duration ("90 min")
//! link = "https://lms.example.com/ebr"                            # optional: http(s)
//! level = "practising"          # optional: learning, practising or mastery
//!
//! [[teams]]
//! name = "Atlas"
//! tz = "Europe/London"          # IANA time zone
//! channel = "C0123ATLAS"        # optional: the home channel's id
//! digest = "0 9 * * MON"        # optional: the weekly digest's schedule (the default), or "off"
//! managers = ["U01ALICE"]       # at least one
//! members = ["U02BOB", "U03CAROL"]
//!   [[teams.targets]]
//!   capability = "run EBR"      # must be listed under [[capabilities]]
//!   count = 4
//!   [[teams.absences]]
//!   person = "U02BOB"           # must be in this team
//!   from = "2026-12-01"         # a TOML date (2026-12-01) or a string
//!   to = "2026-12-14"           # optional: one day when left out
//!   [[teams.rituals]]
//!   kind = "retro"              # retro, planning, release_retro, qbr, pipeline, forecast, ...
//!   name = "Atlas sprint retro" # optional: "<team> <kind>" when left out
//!   channel = "C0123RETRO"      # optional: the team's channel when left out
//!   on = ["jira:board=12:sprint_closed"]   # trigger selectors; may be empty with a schedule
//!   schedule = "0 10 1-7 1,4,7,10 TUE"    # optional: five-field cron in the team's tz
//!   prompt_before_minutes = 15  # optional, with a schedule or an ics: trigger: prompt this long before
//!   prompt_on = "end"           # optional: "start" or "end" (the default)
//!   nudge_after_minutes = 120   # optional: the kind's default when left out, 0 for none
//! ```
//!
//! Unknown keys are errors, so a typo never passes silently. Every problem in the file is
//! reported at once, each with its line and the team, capability or ritual it concerns, and
//! nothing is written until the whole file is valid.
//!
//! # Rules
//!
//! - People are matched by user id; capabilities and teams by name within the workspace, and
//!   rituals by name within their team, ignoring case and spacing (the stored spelling of a team
//!   or capability name stays; a ritual takes the file's).
//! - Applying the same file twice changes nothing the second time, and records no decision.
//! - Two teams may swap home channels in one apply; a channel that is home to a team the file
//!   does not move elsewhere is a problem, reported before anything is written.
//! - A value the file gives replaces the stored one; an optional value it leaves out keeps the
//!   stored one (a person's name, a capability's description or family, a team's home channel).
//!   `description = ""` clears a description.
//! - The file is the source of truth for the membership of the teams it lists: the managers are
//!   exactly those listed (former managers still listed under `members` stay as members), the
//!   members are added, and anyone else who belongs to the team now leaves it (their history is
//!   kept, as with `/cadence team remove`).
//! - A target is recorded as a `target` decision only when its count differs from the stored
//!   one; an absence as an `absence` decision only when the same person, first and last day are
//!   not stored yet. Targets and absences the file does not mention are left as they are (they
//!   are decisions; set `count = 0` to drop a target).
//! - A module is matched by title. One new to the library is added approved (a `module_add`
//!   decision); one whose capability, hours, link or level differ from the file's is changed (a
//!   `module_update` decision); an optional value the file leaves out keeps the stored one.
//!   Whether a module is proposed, approved or retired is left to chat. All of them are recorded
//!   in one transaction. Titles are checked as chat checks them, look-alikes of stored titles
//!   included.
//! - A ritual in the file is described whole: its kind, channel, prompt moment, nudge and exactly
//!   the listed triggers. Whether it is paused is left to chat. Rituals the file does not
//!   mention, and teams and capabilities it does not mention, are left alone.
//! - `apply` acts with an administrator's rights; who may run it is whoever may run the binary
//!   against the database.
//! - The writes are many small transactions, not one: if the database fails part-way, fix it and
//!   apply the same file again.
//!
//! # Where things are
//!
//! `file` is the file's shape as serde reads it ([`ApplyFile`]); `report` says what went wrong
//! ([`ApplyError`]) or what was done ([`ApplySummary`]); `plan` checks the file into typed
//! values, collecting every problem; `write` checks those against the database and upserts them.

mod file;
mod plan;
mod report;
mod write;

use chrono::{DateTime, Utc};

use crate::store::Store;

pub use file::{
    AbsenceEntry, ApplyFile, CapabilityEntry, DateText, HoursValue, ModuleEntry, PersonEntry,
    RitualEntry, TargetEntry, TeamEntry, Workspace,
};
pub use report::{ApplyError, ApplySummary, Counts, Problem};

use plan::plan;
use report::locate;
use write::{check_against_store, write};

/// The user id of the person `apply` records its decisions as.
pub const APPLY_ACTOR: &str = "cadence-apply";
/// That person's display name.
pub const APPLY_ACTOR_NAME: &str = "cadence apply";

/// Reads and checks a configuration file: a TOML or shape error stops at the first one (with its
/// line and column); otherwise every problem in what the file says is reported at once.
pub fn parse(text: &str) -> Result<ApplyFile, ApplyError> {
    let mut file: ApplyFile = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (line, column) = locate(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        };
        ApplyError::Syntax(Problem {
            line,
            column,
            what: String::new(),
            message: e.message().trim().to_owned(),
        })
    })?;
    file.source = text.to_owned();
    plan(&file)?;
    Ok(file)
}

/// Applies a file: checks it again, with what the database holds (a home channel that belongs
/// to a team the file does not describe), then upserts everything, recording decisions at `at`.
/// Nothing is written unless every check passes.
pub async fn apply(
    store: &Store,
    file: &ApplyFile,
    at: DateTime<Utc>,
) -> Result<ApplySummary, ApplyError> {
    let plan = plan(file)?;
    check_against_store(store, file, &plan).await?;
    let summary = write(store, &plan, at).await?;
    tracing::info!(
        workspace = %plan.workspace_id,
        decisions = summary.decisions,
        changed = summary.changed(),
        "configuration applied"
    );
    Ok(summary)
}

#[cfg(test)]
mod tests;
