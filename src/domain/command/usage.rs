//! What each `/cadence` subcommand is called, how it is written and what it is for.
//!
//! This is the one place the usage lines live: the parser names a [`Subcommand`] in every
//! [`ParseError`](super::ParseError) it can, and the reply to a bad command shows that
//! subcommand's [`usage`](Subcommand::usage) line; `/cadence help` lists [`overview`], and
//! `/cadence help <topic>` finds its subcommands with [`help_topics`]. Keeping the words here next
//! to each other makes it hard for the help text to drift from the grammar, and the tests below
//! check that every example actually parses.

use super::Command;

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
}

impl Subcommand {
    /// Every subcommand, in the order `/cadence help` lists them.
    pub const ALL: [Subcommand; 25] = [
        Subcommand::Help,
        Subcommand::Gap,
        Subcommand::Coach,
        Subcommand::Intervene,
        Subcommand::Level,
        Subcommand::Certify,
        Subcommand::Approve,
        Subcommand::Decline,
        Subcommand::Request,
        Subcommand::Sequence,
        Subcommand::Hours,
        Subcommand::Mastery,
        Subcommand::Target,
        Subcommand::Away,
        Subcommand::Commission,
        Subcommand::Coverage,
        Subcommand::Me,
        Subcommand::Digest,
        Subcommand::TeamCreate,
        Subcommand::TeamMembers,
        Subcommand::CapabilityAdd,
        Subcommand::RitualAdd,
        Subcommand::RitualList,
        Subcommand::RitualPause,
        Subcommand::RitualResume,
    ];

    /// The words that start the subcommand: `gap`, `team create`, `team add|remove|managers`,
    /// `capability add`, `ritual add`.
    pub fn name(self) -> &'static str {
        match self {
            Subcommand::Help => "help",
            Subcommand::Gap => "gap",
            Subcommand::Coach => "coach",
            Subcommand::Intervene => "intervene",
            Subcommand::Level => "level",
            Subcommand::Certify => "certify",
            Subcommand::Approve => "approve",
            Subcommand::Decline => "decline",
            Subcommand::Request => "request",
            Subcommand::Sequence => "sequence",
            Subcommand::Hours => "hours",
            Subcommand::Mastery => "mastery",
            Subcommand::Target => "target",
            Subcommand::Away => "away",
            Subcommand::Commission => "commission",
            Subcommand::Coverage => "coverage",
            Subcommand::Me => "me",
            Subcommand::Digest => "digest",
            Subcommand::TeamCreate => "team create",
            Subcommand::TeamMembers => "team add|remove|managers",
            Subcommand::CapabilityAdd => "capability add",
            Subcommand::RitualAdd => "ritual add",
            Subcommand::RitualList => "ritual list",
            Subcommand::RitualPause => "ritual pause",
            Subcommand::RitualResume => "ritual resume",
        }
    }

    /// The usage line, one line, `[]` around optional parts.
    pub fn usage(self) -> &'static str {
        match self {
            Subcommand::Help => "/cadence help [topic]",
            Subcommand::Gap => "/cadence gap @person \"capability\"",
            Subcommand::Coach => "/cadence coach @person \"capability\" [\"note\"]",
            Subcommand::Intervene => {
                "/cadence intervene @person \"capability\" via \"means\" [by YYYY-MM-DD]"
            }
            Subcommand::Level => {
                "/cadence level @person \"capability\" none|learning|practising|mastery [\"evidence\"]"
            }
            Subcommand::Certify => "/cadence certify @person \"capability\" [\"evidence\"]",
            Subcommand::Approve => "/cadence approve @person track \"name\"",
            Subcommand::Decline => "/cadence decline @person track \"name\" [\"reason\"]",
            Subcommand::Request => "/cadence request track \"name\" [\"note\"]",
            Subcommand::Sequence => "/cadence sequence family: capability > capability > …",
            Subcommand::Hours => "/cadence hours @person N [sprint \"name\" | week YYYY-MM-DD]",
            Subcommand::Mastery => "/cadence mastery \"capability\" \"criteria\"",
            Subcommand::Target => "/cadence target \"capability\" N",
            Subcommand::Away => "/cadence away @person YYYY-MM-DD[..YYYY-MM-DD]",
            Subcommand::Commission => {
                "/cadence commission \"title\" [budget N] [for \"capability\"]"
            }
            Subcommand::Coverage => "/cadence coverage [\"capability\"]",
            Subcommand::Me => "/cadence me",
            Subcommand::Digest => "/cadence digest",
            Subcommand::TeamCreate => {
                "/cadence team create \"name\" [managers @person…] [members @person…] [tz Area/City] [channel #channel]"
            }
            Subcommand::TeamMembers => "/cadence team add|remove|managers @person [@person…]",
            Subcommand::CapabilityAdd => {
                "/cadence capability add \"name\" [\"description\"] [family:\"role family\"]"
            }
            Subcommand::RitualAdd => {
                "/cadence ritual add KIND [#channel] on source:event [source:event…] [every \"M H DAY MONTH WEEKDAY\" [before MINUTES]] [name \"name\"] [nudge MINUTES|off]"
            }
            Subcommand::RitualList => "/cadence ritual list",
            Subcommand::RitualPause => "/cadence ritual pause ID",
            Subcommand::RitualResume => "/cadence ritual resume ID",
        }
    }

    /// What the subcommand does, in one sentence.
    pub fn summary(self) -> &'static str {
        match self {
            Subcommand::Help => "Lists the commands, or explains one.",
            Subcommand::Gap => "Names a skill gap someone has, usually in a retro.",
            Subcommand::Coach => "Captures a coaching moment, with an optional note.",
            Subcommand::Intervene => "Plans how someone will build a capability, and by when.",
            Subcommand::Level => "Sets how far someone has come with a capability.",
            Subcommand::Certify => "Certifies someone at mastery of a capability.",
            Subcommand::Approve => "Approves someone's request to enter a development track.",
            Subcommand::Decline => "Declines someone's request to enter a track, saying why.",
            Subcommand::Request => "Asks your managers to let you enter a development track.",
            Subcommand::Sequence => "Sets the order a role family learns its capabilities in.",
            Subcommand::Hours => "Allocates learning hours to someone for a sprint or week.",
            Subcommand::Mastery => "Says what mastery of a capability means in this team.",
            Subcommand::Target => "Sets how many people the team needs at mastery.",
            Subcommand::Away => "Records a planned absence, so coverage dips show ahead.",
            Subcommand::Commission => "Requests a custom learning module, with a budget.",
            Subcommand::Coverage => {
                "Shows coverage against target now, for one or every capability."
            }
            Subcommand::Me => "Shows your capabilities, tracks and requests.",
            Subcommand::Digest => {
                "Previews this week's capability digest, only to you (it is posted on its schedule)."
            }
            Subcommand::TeamCreate => {
                "Creates a team with its managers, members, time zone and channel."
            }
            Subcommand::TeamMembers => "Adds or removes members, or sets the team's managers.",
            Subcommand::CapabilityAdd => "Adds a capability the team tracks.",
            Subcommand::RitualAdd => {
                "Attaches a prompt to a meeting or event the team already runs, like a sprint retro."
            }
            Subcommand::RitualList => "Lists the team's rituals with their ids and triggers.",
            Subcommand::RitualPause => "Pauses a ritual: its events prompt no one until resumed.",
            Subcommand::RitualResume => "Resumes a paused ritual.",
        }
    }

    /// A complete example as a person would type it.
    pub fn example(self) -> &'static str {
        match self {
            Subcommand::Help => "/cadence help intervene",
            Subcommand::Gap => "/cadence gap @alice \"architecture trade-offs\"",
            Subcommand::Coach => {
                "/cadence coach @bob \"objection handling\" \"lost the pricing thread on Acme call\""
            }
            Subcommand::Intervene => {
                "/cadence intervene @alice \"architecture trade-offs\" via \"ADR pairing with @carol\" by 2026-12-15"
            }
            Subcommand::Level => {
                "/cadence level @alice \"run EBR\" mastery \"ran Globex EBR solo\""
            }
            Subcommand::Certify => "/cadence certify @alice \"run EBR\" \"ran Globex EBR solo\"",
            Subcommand::Approve => "/cadence approve @alice track \"Architecture lead\"",
            Subcommand::Decline => {
                "/cadence decline @dan track \"Architecture lead\" \"revisit after Q1\""
            }
            Subcommand::Request => {
                "/cadence request track \"Architecture lead\" \"I led the last two ADRs\""
            }
            Subcommand::Sequence => {
                "/cadence sequence backend: testing > observability > \"architecture trade-offs\""
            }
            Subcommand::Hours => "/cadence hours @alice 6 sprint \"Sprint 42\"",
            Subcommand::Mastery => {
                "/cadence mastery \"run EBR\" \"two EBRs end to end, no escalation\""
            }
            Subcommand::Target => "/cadence target \"run EBR\" 4",
            Subcommand::Away => "/cadence away @bob 2026-12-01..2026-12-14",
            Subcommand::Commission => {
                "/cadence commission \"competitive positioning vs Initech\" budget 2000"
            }
            Subcommand::Coverage => "/cadence coverage \"run EBR\"",
            Subcommand::Me => "/cadence me",
            Subcommand::Digest => "/cadence digest team:Atlas",
            Subcommand::TeamCreate => {
                "/cadence team create Atlas managers @alice members @bob @carol tz Europe/London channel #team-atlas"
            }
            Subcommand::TeamMembers => "/cadence team add @dan @erin",
            Subcommand::CapabilityAdd => {
                "/cadence capability add \"run EBR\" \"runs an executive business review end to end\" family:\"account exec\""
            }
            Subcommand::RitualAdd => {
                "/cadence ritual add retro #team-atlas on jira:board=12:sprint_closed name \"Atlas retro\" nudge 120"
            }
            Subcommand::RitualList => "/cadence ritual list",
            Subcommand::RitualPause => "/cadence ritual pause 3",
            Subcommand::RitualResume => "/cadence ritual resume 3",
        }
    }

    /// The subcommand that the first one or two words of a command select, ignoring case.
    pub(crate) fn from_words(first: &str, second: Option<&str>) -> Option<Subcommand> {
        let second = second.map(str::to_lowercase);
        Some(match first.to_lowercase().as_str() {
            "team" => match second.as_deref() {
                Some("create") => Subcommand::TeamCreate,
                Some("add" | "remove" | "managers") => Subcommand::TeamMembers,
                _ => return None,
            },
            "capability" => Subcommand::CapabilityAdd,
            "ritual" | "rituals" => match second.as_deref() {
                Some("add") => Subcommand::RitualAdd,
                Some("list") => Subcommand::RitualList,
                Some("pause") => Subcommand::RitualPause,
                Some("resume") => Subcommand::RitualResume,
                _ => return None,
            },
            word => *Subcommand::ALL
                .iter()
                .find(|sub| sub.name() == word && !sub.name().contains(' '))?,
        })
    }
}

impl std::fmt::Display for Subcommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The words a `/cadence` command can start with, each once, in [`Subcommand::ALL`] order:
/// `help`, `gap`, … `me`, then `team`, `capability` and `ritual` for the subcommands whose names
/// take two words. For lists of commands kept outside the grammar, such as the Teams app
/// manifest's command menu, so they can be checked against it.
pub fn top_level_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = Vec::new();
    for sub in Subcommand::ALL {
        let first = sub.name().split([' ', '|']).next().unwrap_or_default();
        if !words.contains(&first) {
            words.push(first);
        }
    }
    words
}

/// The usage line of a subcommand, for the reply to a command that did not parse.
pub fn usage_for(sub: Subcommand) -> &'static str {
    sub.usage()
}

/// One line of the `/cadence help` overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpEntry {
    /// Which subcommand.
    pub subcommand: Subcommand,
    /// Its usage line.
    pub usage: &'static str,
    /// What it does, one sentence.
    pub summary: &'static str,
    /// A complete example.
    pub example: &'static str,
}

/// Every subcommand with its usage line, summary and example, in [`Subcommand::ALL`] order, for
/// the `/cadence help` reply.
pub fn overview() -> Vec<HelpEntry> {
    Subcommand::ALL
        .iter()
        .map(|&subcommand| HelpEntry {
            subcommand,
            usage: subcommand.usage(),
            summary: subcommand.summary(),
            example: subcommand.example(),
        })
        .collect()
}

/// The subcommands a help topic is about, best first: `help team` is about both `team create` and
/// `team add|remove|managers`; `help track` about `request`, `approve` and `decline`; `help ritual`
/// about `ritual add`, `list`, `pause` and `resume`. Ignores case,
/// extra spaces and a leading `/cadence`. Empty when the topic names nothing.
pub fn help_topics(topic: &str) -> Vec<Subcommand> {
    let words: Vec<String> = topic
        .split_whitespace()
        .map(str::to_lowercase)
        .skip_while(|w| w == "/cadence" || w == "cadence")
        .collect();
    let first = words.first().map(String::as_str).unwrap_or_default();
    let second = words.get(1).map(String::as_str);
    use Subcommand as S;
    match (first, second) {
        ("team" | "teams", Some("create" | "new")) => vec![S::TeamCreate],
        ("team" | "teams", Some("add" | "remove" | "managers" | "members")) => {
            vec![S::TeamMembers]
        }
        ("team" | "teams", _) => vec![S::TeamCreate, S::TeamMembers],
        ("add" | "remove" | "managers" | "members", _) => vec![S::TeamMembers],
        ("capability" | "capabilities" | "family", _) => vec![S::CapabilityAdd],
        ("ritual" | "rituals", Some("add" | "new" | "create")) => vec![S::RitualAdd],
        ("ritual" | "rituals", Some("list")) => vec![S::RitualList],
        ("ritual" | "rituals", Some("pause")) => vec![S::RitualPause],
        ("ritual" | "rituals", Some("resume")) => vec![S::RitualResume],
        ("ritual" | "rituals", _) => {
            vec![S::RitualAdd, S::RitualList, S::RitualPause, S::RitualResume]
        }
        ("trigger" | "triggers" | "selector" | "selectors" | "nudge" | "nudges", _) => {
            vec![S::RitualAdd]
        }
        ("pause", _) => vec![S::RitualPause],
        ("resume", _) => vec![S::RitualResume],
        ("track" | "tracks", _) => vec![S::Request, S::Approve, S::Decline],
        ("intervention" | "interventions", _) => vec![S::Intervene],
        ("levels" | "practising" | "practicing" | "learning", _) => vec![S::Level],
        ("certification" | "certificate", _) => vec![S::Certify],
        ("absence" | "absent" | "leave" | "holiday" | "vacation", _) => vec![S::Away],
        ("budget" | "module", _) => vec![S::Commission],
        ("gaps", _) => vec![S::Gap],
        ("coaching", _) => vec![S::Coach],
        ("targets", _) => vec![S::Target],
        ("order" | "sequencing", _) => vec![S::Sequence],
        (word, _) => S::ALL
            .iter()
            .copied()
            .filter(|sub| sub.name() == word && !sub.name().contains(' '))
            .collect(),
    }
}

/// The subcommand a help topic is most about (`"team"` → `team create`, `"approve"` →
/// `approve`), or `None` when it names none. See [`help_topics`] for every match.
pub fn help_topic(topic: &str) -> Option<Subcommand> {
    help_topics(topic).into_iter().next()
}

impl Command {
    /// The subcommand this command was written with.
    pub fn subcommand(&self) -> Subcommand {
        match self {
            Command::Help { .. } => Subcommand::Help,
            Command::Gap { .. } => Subcommand::Gap,
            Command::Coach { .. } => Subcommand::Coach,
            Command::Intervene { .. } => Subcommand::Intervene,
            Command::Level { .. } => Subcommand::Level,
            Command::Certify { .. } => Subcommand::Certify,
            Command::Approve { .. } => Subcommand::Approve,
            Command::Decline { .. } => Subcommand::Decline,
            Command::Request { .. } => Subcommand::Request,
            Command::Sequence { .. } => Subcommand::Sequence,
            Command::Hours { .. } => Subcommand::Hours,
            Command::Mastery { .. } => Subcommand::Mastery,
            Command::Target { .. } => Subcommand::Target,
            Command::Away { .. } => Subcommand::Away,
            Command::Commission { .. } => Subcommand::Commission,
            Command::Coverage { .. } => Subcommand::Coverage,
            Command::Me => Subcommand::Me,
            Command::Digest => Subcommand::Digest,
            Command::TeamCreate { .. } => Subcommand::TeamCreate,
            Command::TeamMembers { .. } => Subcommand::TeamMembers,
            Command::CapabilityAdd { .. } => Subcommand::CapabilityAdd,
            Command::RitualAdd { .. } => Subcommand::RitualAdd,
            Command::RitualList => Subcommand::RitualList,
            Command::RitualPause { .. } => Subcommand::RitualPause,
            Command::RitualResume { .. } => Subcommand::RitualResume,
        }
    }
}

impl super::ParseError {
    /// The usage line of the subcommand the error is about, if the parser got that far.
    pub fn usage(&self) -> Option<&'static str> {
        self.subcommand.map(Subcommand::usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::command::parse;

    #[test]
    fn all_lists_every_subcommand_once() {
        let mut all = Subcommand::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), Subcommand::ALL.len());
    }

    #[test]
    fn usage_lines_are_one_line_and_start_with_the_name() {
        for sub in Subcommand::ALL {
            let usage = sub.usage();
            assert!(!usage.contains('\n'), "{usage}");
            assert!(usage.starts_with("/cadence "), "{usage}");
            assert_eq!(usage_for(sub), usage);
            assert!(sub.summary().ends_with('.'), "{}", sub.summary());
            assert!(sub.example().starts_with("/cadence "), "{}", sub.example());
        }
        assert_eq!(
            usage_for(Subcommand::Intervene),
            "/cadence intervene @person \"capability\" via \"means\" [by YYYY-MM-DD]"
        );
        for sub in Subcommand::ALL {
            let name = sub.name();
            if !name.contains('|') {
                assert!(
                    sub.usage().starts_with(&format!("/cadence {name}")),
                    "{sub:?}"
                );
            }
        }
    }

    /// Turns `@name` and `#name` in an example into the markup Slack would send for them.
    fn as_slack_sends(example: &str) -> String {
        let text = example.trim_start_matches("/cadence ");
        let mut out = Vec::new();
        let mut in_quotes = false;
        for word in text.split(' ') {
            let quotes = word.matches('"').count();
            let word = if in_quotes {
                word.to_owned()
            } else if let Some(name) = word.strip_prefix('@') {
                format!("<@U{}|{name}>", name.len())
            } else if let Some(name) = word.strip_prefix('#') {
                format!("<#C{}|{name}>", name.len())
            } else {
                word.replace('>', "&gt;")
            };
            if quotes % 2 == 1 {
                in_quotes = !in_quotes;
            }
            out.push(word);
        }
        out.join(" ")
    }

    #[test]
    fn every_example_parses_as_its_own_subcommand() {
        for sub in Subcommand::ALL {
            let text = as_slack_sends(sub.example());
            match parse(&text) {
                Ok(line) => assert_eq!(line.command.subcommand(), sub, "{text}"),
                Err(e) => panic!("example {text:?} does not parse: {e:?}"),
            }
        }
    }

    #[test]
    fn overview_follows_all() {
        let entries = overview();
        assert_eq!(entries.len(), Subcommand::ALL.len());
        assert_eq!(entries[3].subcommand, Subcommand::Intervene);
        assert_eq!(entries[3].usage, Subcommand::Intervene.usage());
    }

    #[test]
    fn help_topics_find_subcommands() {
        assert_eq!(help_topic("approve"), Some(Subcommand::Approve));
        assert_eq!(help_topic("  Intervene "), Some(Subcommand::Intervene));
        assert_eq!(help_topic("team"), Some(Subcommand::TeamCreate));
        assert_eq!(
            help_topics("team"),
            vec![Subcommand::TeamCreate, Subcommand::TeamMembers]
        );
        assert_eq!(help_topic("team add"), Some(Subcommand::TeamMembers));
        assert_eq!(help_topic("remove"), Some(Subcommand::TeamMembers));
        assert_eq!(help_topic("capability"), Some(Subcommand::CapabilityAdd));
        assert_eq!(
            help_topic("capability add"),
            Some(Subcommand::CapabilityAdd)
        );
        assert_eq!(help_topic("/cadence gap"), Some(Subcommand::Gap));
        assert_eq!(help_topics("track").len(), 3);
        assert_eq!(help_topic("ME"), Some(Subcommand::Me));
        assert_eq!(
            help_topics("ritual"),
            vec![
                Subcommand::RitualAdd,
                Subcommand::RitualList,
                Subcommand::RitualPause,
                Subcommand::RitualResume
            ]
        );
        assert_eq!(help_topics("Rituals"), help_topics("ritual"));
        assert_eq!(help_topics("ritual add"), vec![Subcommand::RitualAdd]);
        assert_eq!(help_topics("ritual resume"), vec![Subcommand::RitualResume]);
        assert_eq!(
            help_topic("/cadence ritual list"),
            Some(Subcommand::RitualList)
        );
        assert_eq!(help_topic("pause"), Some(Subcommand::RitualPause));
        assert_eq!(help_topic("triggers"), Some(Subcommand::RitualAdd));
        assert_eq!(help_topic("nudge"), Some(Subcommand::RitualAdd));
        assert_eq!(help_topic("digest"), Some(Subcommand::Digest));
        assert_eq!(help_topic(""), None);
    }

    #[test]
    fn every_top_level_word_starts_a_command() {
        let words = top_level_words();
        assert_eq!(words.first(), Some(&"help"));
        for two_words in ["team", "capability", "ritual"] {
            assert!(words.contains(&two_words), "{two_words} missing");
        }
        assert!(
            !words
                .iter()
                .any(|word| word.contains(' ') || word.contains('|'))
        );
        for word in words {
            // Alone, a word may lack its arguments, but it is never an unknown command.
            if let Err(error) = parse(word) {
                assert!(
                    !error.message.contains("is not a /cadence command")
                        && !error.message.contains("isn't available"),
                    "{word}: {}",
                    error.message
                );
            }
            assert!(
                Subcommand::from_words(word, None).is_some() || ["team", "ritual"].contains(&word),
                "{word}"
            );
        }
    }

    #[test]
    fn from_words_selects_by_first_words() {
        assert_eq!(Subcommand::from_words("GAP", None), Some(Subcommand::Gap));
        assert_eq!(
            Subcommand::from_words("team", Some("Managers")),
            Some(Subcommand::TeamMembers)
        );
        assert_eq!(Subcommand::from_words("team", None), None);
        assert_eq!(
            Subcommand::from_words("Rituals", Some("PAUSE")),
            Some(Subcommand::RitualPause)
        );
        assert_eq!(
            Subcommand::from_words("ritual", Some("add")),
            Some(Subcommand::RitualAdd)
        );
        assert_eq!(Subcommand::from_words("ritual", Some("delete")), None);
        assert_eq!(Subcommand::from_words("ritual", None), None);
        assert_eq!(Subcommand::from_words("nope", None), None);
    }

    #[test]
    fn parse_errors_carry_the_usage_line() {
        match parse("gap") {
            Err(e) => assert_eq!(e.usage(), Some(Subcommand::Gap.usage())),
            Ok(line) => panic!("parsed: {line:?}"),
        }
    }
}
