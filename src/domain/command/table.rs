//! Every `/cadence` subcommand, one row each: its words, usage line, summary, example, the
//! words `help` finds it by, how it is read and how it is written back.
//!
//! This is the one place a subcommand is declared. The parser reads a command by finding the
//! row its first words name and calling the row's `parse`; `Display` writes a command with the
//! row's `render`; `/cadence help` lists the rows; a reply to a command that did not parse shows
//! the row's usage line. Adding a subcommand is adding a row here, a [`Command`] variant, and
//! its handler in the service.

use std::fmt::{self, Formatter, Write as _};

use super::parser::Parser;
use super::render::{self, Writer};
use super::{Command, ParseError};

/// One `/cadence` subcommand, as named in usage lines and error replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subcommand {
    /// `help [topic]`.
    Help,
    /// `gap @person "capability"`.
    Gap,
    /// `coach @person "capability" ["note"]`.
    Coach,
    /// `intervene @person "capability" via "means" [by YYYY-MM-DD]`.
    Intervene,
    /// `level @person "capability" LEVEL ["evidence"]`.
    Level,
    /// `certify @person "capability" ["evidence"]`.
    Certify,
    /// `approve @person track "name"`.
    Approve,
    /// `decline @person track "name" ["reason"]`.
    Decline,
    /// `request track "name" ["note"]`.
    Request,
    /// `sequence FAMILY: a > b > "c d"`.
    Sequence,
    /// `hours @person N [sprint "name" | week YYYY-MM-DD]`.
    Hours,
    /// `mastery "capability" "criteria"`.
    Mastery,
    /// `target "capability" N`.
    Target,
    /// `away @person YYYY-MM-DD[..YYYY-MM-DD]`.
    Away,
    /// `commission "title" [budget N] [for "capability"]`.
    Commission,
    /// `coverage ["capability"]`.
    Coverage,
    /// `me`.
    Me,
    /// `digest`.
    Digest,
    /// `team create NAME [managers @a…] [members @b…] [tz ZONE] [channel #c]`.
    TeamCreate,
    /// `team add|remove|managers @a [@b…]`.
    TeamMembers,
    /// `capability add "name" ["description"] [family:"role family"]`.
    CapabilityAdd,
    /// `ritual add KIND #channel on SELECTOR… [name "name"] [nudge N|off]`.
    RitualAdd,
    /// `ritual list`.
    RitualList,
    /// `ritual pause ID`.
    RitualPause,
    /// `ritual resume ID`.
    RitualResume,
    /// `undo`.
    Undo,
    /// `audit`.
    Audit,
    /// `org [family:"…"] [quarter 2026Q4]`.
    Org,
    /// `track "name" modules "A" > "B" [pace 2/week|1/sprint]`.
    TrackCompose,
    /// `track order "name" "B" > "A"`.
    TrackOrder,
    /// `pace [@person] "track" N/week|N/sprint`.
    Pace,
    /// `done [@person] "module"`.
    Done,
    /// `scorecard [@manager] [quarter 2026Q4]`.
    Scorecard,
    /// `settings [learning-channel #c] [currency XXX] [over-budget refuse|request]`.
    Settings,
    /// `module add "title" for "capability" [hours N] [link URL] [level LEVEL]`.
    ModuleAdd,
    /// `module list [for "capability"]`.
    ModuleList,
    /// `module retire "title"`.
    ModuleRetire,
    /// `module approve "title"`.
    ModuleApprove,
    /// `budget [hours N] [spend N] [quarter 2026Q4]`.
    Budget,
    /// `source add KIND`.
    SourceAdd,
    /// `source list`.
    SourceList,
    /// `source rotate ID`.
    SourceRotate,
    /// `source remove ID`.
    SourceRemove,
}

/// How one subcommand is named, written, explained and read.
pub struct Spec {
    /// Which subcommand.
    pub sub: Subcommand,
    /// The words that start it: `gap`, `team create`, `team add|remove|managers`.
    pub name: &'static str,
    /// The usage line, `[]` around optional parts, without the words that invoke Cadence.
    pub usage: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
    /// A complete example as a person would type it after invoking Cadence.
    pub example: &'static str,
    /// Other words (or two-word phrases) `help` finds it by.
    pub topics: &'static [&'static str],
    /// Whether a command is of this subcommand.
    pub(super) is: fn(&Command) -> bool,
    /// Reads the arguments, the words that name it already taken.
    pub(super) parse: fn(&mut Parser) -> Result<Command, ParseError>,
    /// Writes a command of this subcommand back as it is typed.
    pub(super) render: fn(&Command, &mut Writer) -> fmt::Result,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spec").field("name", &self.name).finish()
    }
}

/// Every subcommand, in the order `/cadence help` lists them.
pub static SPECS: [Spec; 43] = [
    Spec {
        sub: Subcommand::Help,
        name: "help",
        usage: "help [topic]",
        summary: "Lists the commands, or explains one.",
        example: "help intervene",
        topics: &[],
        is: |c| matches!(c, Command::Help { .. }),
        parse: Parser::help,
        render: render::help,
    },
    Spec {
        sub: Subcommand::Gap,
        name: "gap",
        usage: "gap @person \"capability\"",
        summary: "Names a skill gap someone has, usually in a retro.",
        example: "gap @alice \"architecture trade-offs\"",
        topics: &["gaps"],
        is: |c| matches!(c, Command::Gap { .. }),
        parse: Parser::gap,
        render: render::gap,
    },
    Spec {
        sub: Subcommand::Coach,
        name: "coach",
        usage: "coach @person \"capability\" [\"note\"]",
        summary: "Captures a coaching moment, with an optional note.",
        example: "coach @bob \"objection handling\" \"lost the pricing thread on Acme call\"",
        topics: &["coaching"],
        is: |c| matches!(c, Command::Coach { .. }),
        parse: Parser::coach,
        render: render::coach,
    },
    Spec {
        sub: Subcommand::Intervene,
        name: "intervene",
        usage: "intervene @person \"capability\" via \"means\" [by YYYY-MM-DD]",
        summary: "Plans how someone will build a capability, and by when.",
        example: "intervene @alice \"architecture trade-offs\" via \"ADR pairing with @carol\" by 2026-12-15",
        topics: &["intervention", "interventions"],
        is: |c| matches!(c, Command::Intervene { .. }),
        parse: Parser::intervene,
        render: render::intervene,
    },
    Spec {
        sub: Subcommand::Level,
        name: "level",
        usage: "level @person \"capability\" none|learning|practising|mastery [\"evidence\"]",
        summary: "Sets how far someone has come with a capability.",
        example: "level @alice \"run EBR\" mastery \"ran Globex EBR solo\"",
        topics: &["levels", "practising", "practicing", "learning"],
        is: |c| matches!(c, Command::Level { .. }),
        parse: Parser::level,
        render: render::level,
    },
    Spec {
        sub: Subcommand::Certify,
        name: "certify",
        usage: "certify @person \"capability\" [\"evidence\"]",
        summary: "Certifies someone at mastery of a capability.",
        example: "certify @alice \"run EBR\" \"ran Globex EBR solo\"",
        topics: &["certification", "certificate"],
        is: |c| matches!(c, Command::Certify { .. }),
        parse: Parser::certify,
        render: render::certify,
    },
    Spec {
        sub: Subcommand::Approve,
        name: "approve",
        usage: "approve @person track \"name\"",
        summary: "Approves someone's request to enter a development track.",
        example: "approve @alice track \"Architecture lead\"",
        topics: &["track", "tracks"],
        is: |c| matches!(c, Command::Approve { .. }),
        parse: Parser::approve,
        render: render::approve,
    },
    Spec {
        sub: Subcommand::Decline,
        name: "decline",
        usage: "decline @person track \"name\" [\"reason\"]",
        summary: "Declines someone's request to enter a track, saying why.",
        example: "decline @dan track \"Architecture lead\" \"revisit after Q1\"",
        topics: &["track", "tracks"],
        is: |c| matches!(c, Command::Decline { .. }),
        parse: Parser::decline,
        render: render::decline,
    },
    Spec {
        sub: Subcommand::Request,
        name: "request",
        usage: "request track \"name\" [\"note\"]",
        summary: "Asks your managers to let you enter a development track.",
        example: "request track \"Architecture lead\" \"I led the last two ADRs\"",
        topics: &["track", "tracks"],
        is: |c| matches!(c, Command::Request { .. }),
        parse: Parser::request,
        render: render::request,
    },
    Spec {
        sub: Subcommand::Sequence,
        name: "sequence",
        usage: "sequence family: capability > capability > …",
        summary: "Sets the order a role family learns its capabilities in.",
        example: "sequence backend: testing > observability > \"architecture trade-offs\"",
        topics: &["order", "sequencing"],
        is: |c| matches!(c, Command::Sequence { .. }),
        parse: Parser::sequence,
        render: render::sequence,
    },
    Spec {
        sub: Subcommand::Hours,
        name: "hours",
        usage: "hours @person N [sprint \"name\" | week YYYY-MM-DD]",
        summary: "Allocates learning hours to someone for a sprint or week.",
        example: "hours @alice 6 sprint \"Sprint 42\"",
        topics: &[],
        is: |c| matches!(c, Command::Hours { .. }),
        parse: Parser::hours,
        render: render::hours,
    },
    Spec {
        sub: Subcommand::Mastery,
        name: "mastery",
        usage: "mastery \"capability\" \"criteria\"",
        summary: "Says what mastery of a capability means in this team.",
        example: "mastery \"run EBR\" \"two EBRs end to end, no escalation\"",
        topics: &[],
        is: |c| matches!(c, Command::Mastery { .. }),
        parse: Parser::mastery,
        render: render::mastery,
    },
    Spec {
        sub: Subcommand::Target,
        name: "target",
        usage: "target \"capability\" N",
        summary: "Sets how many people the team needs at mastery.",
        example: "target \"run EBR\" 4",
        topics: &["targets"],
        is: |c| matches!(c, Command::Target { .. }),
        parse: Parser::target,
        render: render::target,
    },
    Spec {
        sub: Subcommand::Away,
        name: "away",
        usage: "away @person YYYY-MM-DD[..YYYY-MM-DD]",
        summary: "Records a planned absence, so coverage dips show ahead.",
        example: "away @bob 2026-12-01..2026-12-14",
        topics: &["absence", "absent", "leave", "holiday", "vacation"],
        is: |c| matches!(c, Command::Away { .. }),
        parse: Parser::away,
        render: render::away,
    },
    Spec {
        sub: Subcommand::Commission,
        name: "commission",
        usage: "commission \"title\" [budget N] [for \"capability\"]",
        summary: "Requests a custom learning module, with a budget.",
        example: "commission \"competitive positioning vs Initech\" budget 2000",
        topics: &["budget", "module"],
        is: |c| matches!(c, Command::Commission { .. }),
        parse: Parser::commission,
        render: render::commission,
    },
    Spec {
        sub: Subcommand::Coverage,
        name: "coverage",
        usage: "coverage [\"capability\"]",
        summary: "Shows coverage against target now, for one or every capability.",
        example: "coverage \"run EBR\"",
        topics: &[],
        is: |c| matches!(c, Command::Coverage { .. }),
        parse: Parser::coverage,
        render: render::coverage,
    },
    Spec {
        sub: Subcommand::Me,
        name: "me",
        usage: "me",
        summary: "Shows your capabilities, tracks and requests.",
        example: "me",
        topics: &[],
        is: |c| matches!(c, Command::Me),
        parse: |p| p.end().map(|()| Command::Me),
        render: |_, f| f.write_str("me"),
    },
    Spec {
        sub: Subcommand::Digest,
        name: "digest",
        usage: "digest",
        summary: "Previews this week's capability digest, only to you (it is posted on its schedule).",
        example: "digest team:Atlas",
        topics: &[],
        is: |c| matches!(c, Command::Digest),
        parse: |p| p.end().map(|()| Command::Digest),
        render: |_, f| f.write_str("digest"),
    },
    Spec {
        sub: Subcommand::TeamCreate,
        name: "team create",
        usage: "team create \"name\" [managers @person…] [members @person…] [tz Area/City] [channel #channel]",
        summary: "Creates a team with its managers, members, time zone and channel.",
        example: "team create Atlas managers @alice members @bob @carol tz Europe/London channel #team-atlas",
        topics: &["teams", "team new"],
        is: |c| matches!(c, Command::TeamCreate { .. }),
        parse: Parser::team_create,
        render: render::team_create,
    },
    Spec {
        sub: Subcommand::TeamMembers,
        name: "team add|remove|managers",
        usage: "team add|remove|managers @person [@person…]",
        summary: "Adds or removes members, or sets the team's managers.",
        example: "team add @dan @erin",
        topics: &[
            "teams",
            "team members",
            "add",
            "remove",
            "managers",
            "members",
        ],
        is: |c| matches!(c, Command::TeamMembers { .. }),
        parse: Parser::team_members,
        render: render::team_members,
    },
    Spec {
        sub: Subcommand::CapabilityAdd,
        name: "capability add",
        usage: "capability add \"name\" [\"description\"] [family:\"role family\"]",
        summary: "Adds a capability the team tracks.",
        example: "capability add \"run EBR\" \"runs an executive business review end to end\" family:\"account exec\"",
        topics: &["capabilities", "family"],
        is: |c| matches!(c, Command::CapabilityAdd { .. }),
        parse: Parser::capability_add,
        render: render::capability_add,
    },
    Spec {
        sub: Subcommand::RitualAdd,
        name: "ritual add",
        usage: "ritual add KIND [#channel] on source:event [source:event…] [every \"M H DAY MONTH WEEKDAY\" [before MINUTES]] [name \"name\"] [nudge MINUTES|off]",
        summary: "Attaches a prompt to a meeting or event the team already runs, like a sprint retro.",
        example: "ritual add retro #team-atlas on jira:board=12:sprint_closed name \"Atlas retro\" nudge 120",
        topics: &[
            "rituals",
            "ritual new",
            "ritual create",
            "trigger",
            "triggers",
            "selector",
            "selectors",
            "nudge",
            "nudges",
        ],
        is: |c| matches!(c, Command::RitualAdd { .. }),
        parse: Parser::ritual_add,
        render: render::ritual_add,
    },
    Spec {
        sub: Subcommand::RitualList,
        name: "ritual list",
        usage: "ritual list",
        summary: "Lists the team's rituals with their ids and triggers.",
        example: "ritual list",
        topics: &["rituals"],
        is: |c| matches!(c, Command::RitualList),
        parse: |p| p.end().map(|()| Command::RitualList),
        render: |_, f| f.write_str("ritual list"),
    },
    Spec {
        sub: Subcommand::RitualPause,
        name: "ritual pause",
        usage: "ritual pause ID",
        summary: "Pauses a ritual: its events prompt no one until resumed.",
        example: "ritual pause 3",
        topics: &["rituals", "pause"],
        is: |c| matches!(c, Command::RitualPause { .. }),
        parse: Parser::ritual_pause,
        render: render::ritual_pause,
    },
    Spec {
        sub: Subcommand::RitualResume,
        name: "ritual resume",
        usage: "ritual resume ID",
        summary: "Resumes a paused ritual.",
        example: "ritual resume 3",
        topics: &["rituals", "resume"],
        is: |c| matches!(c, Command::RitualResume { .. }),
        parse: Parser::ritual_resume,
        render: render::ritual_resume,
    },
    Spec {
        sub: Subcommand::Undo,
        name: "undo",
        usage: "undo",
        summary: "Reverts your own last decision in this team, within 24 hours.",
        example: "undo",
        topics: &["revert", "mistake", "correction"],
        is: |c| matches!(c, Command::Undo),
        parse: |p| p.end().map(|()| Command::Undo),
        render: |_, f| f.write_str("undo"),
    },
    Spec {
        sub: Subcommand::Audit,
        name: "audit",
        usage: "audit",
        summary: "Shows the latest attention audit's top three rituals and the lines that bind them (admins and managers).",
        example: "audit",
        topics: &["attention", "calendar", "calendars", "meetings"],
        is: |c| matches!(c, Command::Audit),
        parse: |p| p.end().map(|()| Command::Audit),
        render: |_, f| f.write_str("audit"),
    },
    Spec {
        sub: Subcommand::Org,
        name: "org",
        usage: "org [family:\"role family\"] [quarter 2026Q4]",
        summary: "Shows the organisation's capability scoreboard, riskiest teams first (admins).",
        example: "org family:\"account exec\" quarter 2026Q4",
        topics: &[
            "organisation",
            "organization",
            "scoreboard",
            "participation",
            "risk",
        ],
        is: |c| matches!(c, Command::Org { .. }),
        parse: Parser::org,
        render: render::org,
    },
    Spec {
        sub: Subcommand::Scorecard,
        name: "scorecard",
        usage: "scorecard [@manager] [quarter 2026Q4]",
        summary: "Shows a manager's capability outcomes for the quarter, for calibration (your own; admins see anyone's).",
        example: "scorecard @dana quarter 2026Q3",
        topics: &["scorecards", "calibration", "outcomes", "performance"],
        is: |c| matches!(c, Command::Scorecard { .. }),
        parse: Parser::scorecard,
        render: render::scorecard,
    },
    Spec {
        sub: Subcommand::TrackOrder,
        name: "track order",
        usage: "track order \"track\" \"module\" > \"module\"…",
        summary: "Puts a team track's modules in a new order (every module, once).",
        example: "track order \"EBR lead\" \"Discovery calls\" > \"EBR basics\" > \"Running the EBR\"",
        topics: &["reorder", "order"],
        is: |c| matches!(c, Command::TrackOrder { .. }),
        parse: Parser::track_order,
        render: render::track_order,
    },
    Spec {
        sub: Subcommand::TrackCompose,
        name: "track",
        usage: "track \"name\" modules \"module\" > \"module\"… [pace 2/week|1/sprint]",
        summary: "Makes a team track from approved modules of the library, in order, with a pace.",
        example: "track \"EBR lead\" modules \"EBR basics\" > \"Discovery calls\" > \"Running the EBR\" pace 1/sprint",
        topics: &["tracks", "modules", "compose", "learning path"],
        is: |c| matches!(c, Command::TrackCompose { .. }),
        parse: Parser::track_compose,
        render: render::track_compose,
    },
    Spec {
        sub: Subcommand::Pace,
        name: "pace",
        usage: "pace [@person] \"track\" N/week|N/sprint",
        summary: "Sets how often a track's modules are due, for the track or for one person on it.",
        example: "pace @bob \"EBR lead\" 1/sprint",
        topics: &["pacing", "reminders", "rhythm"],
        is: |c| matches!(c, Command::Pace { .. }),
        parse: Parser::pace,
        render: render::pace,
    },
    Spec {
        sub: Subcommand::Done,
        name: "done",
        usage: "done [@person] \"module\"",
        summary: "Records a module finished: your own, or (for managers) a team member's.",
        example: "done \"EBR basics\"",
        topics: &["complete", "completed", "finished", "progress"],
        is: |c| matches!(c, Command::Done { .. }),
        parse: Parser::done,
        render: render::done,
    },
    Spec {
        sub: Subcommand::Settings,
        name: "settings",
        usage: "settings [learning-channel #channel] [currency XXX] [over-budget refuse|request]",
        summary: "Shows or changes the workspace's settings: where L&D is reached, the budgets' currency, and what an allocation over budget does (admins).",
        example: "settings learning-channel #l-and-d currency GBP over-budget request",
        topics: &[
            "setting",
            "currency",
            "l&d",
            "learning channel",
            "over-budget",
        ],
        is: |c| matches!(c, Command::Settings { .. }),
        parse: Parser::settings,
        render: render::settings,
    },
    Spec {
        sub: Subcommand::SourceAdd,
        name: "source add",
        usage: "source add jira|github|linear|zoom|generic",
        summary: "Adds an event source of this workspace's own and tells you, privately, its URL and secret: its events start only this workspace's rituals (admins).",
        example: "source add jira",
        topics: &["sources", "webhook", "hooks", "events"],
        is: |c| matches!(c, Command::SourceAdd { .. }),
        parse: Parser::source_add,
        render: render::source_add,
    },
    Spec {
        sub: Subcommand::SourceList,
        name: "source list",
        usage: "source list",
        summary: "Lists this workspace's own event sources (admins).",
        example: "source list",
        topics: &["sources", "webhook"],
        is: |c| matches!(c, Command::SourceList),
        parse: Parser::source_list,
        render: render::source_list,
    },
    Spec {
        sub: Subcommand::SourceRotate,
        name: "source rotate",
        usage: "source rotate ID",
        summary: "Gives a source a new secret, told privately; the old one is accepted for a day more, while the sender is updated (admins).",
        example: "source rotate s4k2m9q7x1c3v8b6",
        topics: &["sources", "secret", "rotate"],
        is: |c| matches!(c, Command::SourceRotate { .. }),
        parse: Parser::source_rotate,
        render: render::source_rotate,
    },
    Spec {
        sub: Subcommand::SourceRemove,
        name: "source remove",
        usage: "source remove ID",
        summary: "Removes a source: its deliveries are refused from then on (admins).",
        example: "source remove s4k2m9q7x1c3v8b6",
        topics: &["sources", "remove"],
        is: |c| matches!(c, Command::SourceRemove { .. }),
        parse: Parser::source_remove,
        render: render::source_remove,
    },
    Spec {
        sub: Subcommand::ModuleAdd,
        name: "module add",
        usage: "module add \"title\" for \"capability\" [hours N] [link URL] [level learning|practising|mastery]",
        summary: "Adds a learning module to the workspace's library, approved for tracks (admins).",
        example: "module add \"EBR storyline\" for \"run EBR\" hours 3 link https://lms.example.com/courses/ebr level practising",
        topics: &[
            "modules",
            "library",
            "catalogue",
            "catalog",
            "course",
            "courses",
            "module new",
        ],
        is: |c| matches!(c, Command::ModuleAdd { .. }),
        parse: Parser::module_add,
        render: render::module_add,
    },
    Spec {
        sub: Subcommand::ModuleList,
        name: "module list",
        usage: "module list [for \"capability\"]",
        summary: "Lists the library's approved modules, or those for one capability; admins also see the ones not approved yet.",
        example: "module list for \"run EBR\"",
        topics: &["modules", "library", "catalogue", "catalog", "courses"],
        is: |c| matches!(c, Command::ModuleList { .. }),
        parse: Parser::module_list,
        render: render::module_list,
    },
    Spec {
        sub: Subcommand::ModuleRetire,
        name: "module retire",
        usage: "module retire \"title\"",
        summary: "Takes a module out of use; what used it still reads (admins).",
        example: "module retire \"EBR storyline\"",
        topics: &["modules", "retire"],
        is: |c| matches!(c, Command::ModuleRetire { .. }),
        parse: Parser::module_retire,
        render: render::module_state,
    },
    Spec {
        sub: Subcommand::ModuleApprove,
        name: "module approve",
        usage: "module approve \"title\"",
        summary: "Approves a proposed module, so tracks may use it (admins).",
        example: "module approve \"EBR storyline\"",
        topics: &["modules", "quality"],
        is: |c| matches!(c, Command::ModuleApprove { .. }),
        parse: Parser::module_approve,
        render: render::module_state,
    },
    Spec {
        sub: Subcommand::Budget,
        name: "budget",
        usage: "budget [hours N] [spend N] [quarter 2026Q4]",
        summary: "Shows a team's budget for a quarter with what is used and left; admins set its learning hours and spend, which `hours` and `commission` draw down.",
        example: "budget team:Atlas hours 60 spend 5000 quarter 2026Q4",
        topics: &["budgets", "spend", "over budget", "learning hours budget"],
        is: |c| matches!(c, Command::Budget { .. }),
        parse: Parser::budget,
        render: render::budget,
    },
];

/// First words written differently from the row that owns them.
const FIRST_WORD_ALIASES: [(&str, &str); 2] = [("rituals", "ritual"), ("modules", "module")];

/// A command's first word as the table spells it: lower case, aliases resolved.
pub(super) fn first_word(word: &str) -> String {
    let word = word.to_lowercase();
    match FIRST_WORD_ALIASES.iter().find(|(alias, _)| *alias == word) {
        Some((_, word)) => (*word).to_owned(),
        None => word,
    }
}

impl Spec {
    /// The word that starts it.
    pub(super) fn first_word(&self) -> &'static str {
        self.name.split(' ').next().unwrap_or_default()
    }

    /// The second words that select it (`create`, or `add`, `remove`, `managers`); empty when
    /// its name is one word.
    pub(super) fn second_words(&self) -> Vec<&'static str> {
        self.name
            .split_once(' ')
            .map(|(_, rest)| rest.split('|').collect())
            .unwrap_or_default()
    }
}

impl Subcommand {
    /// Every subcommand, in the order `/cadence help` lists them.
    pub fn all() -> impl Iterator<Item = Subcommand> {
        SPECS.iter().map(|spec| spec.sub)
    }

    /// The subcommand's row.
    pub fn spec(self) -> &'static Spec {
        // Every subcommand has a row (a test checks it); the first row answers otherwise.
        SPECS
            .iter()
            .find(|spec| spec.sub == self)
            .unwrap_or(&SPECS[0])
    }

    /// The words that start the subcommand.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The usage line, one line, `[]` around optional parts.
    pub fn usage(self) -> &'static str {
        self.spec().usage
    }

    /// What the subcommand does, in one sentence.
    pub fn summary(self) -> &'static str {
        self.spec().summary
    }

    /// A complete example as a person would type it.
    pub fn example(self) -> &'static str {
        self.spec().example
    }
}

impl std::fmt::Display for Subcommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Command {
    /// The subcommand this command was written with.
    pub fn subcommand(&self) -> Subcommand {
        SPECS
            .iter()
            .find(|spec| (spec.is)(self))
            .map_or(Subcommand::Help, |spec| spec.sub)
    }
}

/// The subcommand that the first one or two words of a command select, ignoring case.
pub(super) fn identify(first: &str, second: Option<&str>) -> Option<Subcommand> {
    let first = first_word(first);
    let second = second.map(str::to_lowercase);
    let candidates: Vec<&Spec> = SPECS
        .iter()
        .filter(|spec| spec.first_word() == first)
        .collect();
    if let [only] = candidates.as_slice() {
        // One subcommand starts with this word (`capability`): it is meant, whatever follows.
        return Some(only.sub);
    }
    // A second word that selects a row wins (`track order`); otherwise a one-word row of the
    // same first word (`track "name"`) is meant.
    let chosen = candidates.iter().find(|spec| {
        second
            .as_deref()
            .is_some_and(|s| spec.second_words().contains(&s))
    });
    chosen
        .or_else(|| {
            candidates
                .iter()
                .find(|spec| spec.second_words().is_empty())
        })
        .map(|spec| spec.sub)
}

/// The words a `/cadence` command can start with, each once, in table order: `help`, `gap`, …
/// `me`, then `team`, `capability` and `ritual` for the subcommands whose names take two words.
/// For lists of commands kept outside the grammar, such as the Teams app manifest's command menu,
/// so they can be checked against it.
pub fn top_level_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for spec in &SPECS {
        let first = spec.first_word();
        if !words.contains(&first) {
            words.push(first);
        }
    }
    words
}
