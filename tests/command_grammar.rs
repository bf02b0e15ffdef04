//! The `/cadence` grammar read through Slack's markup: every subcommand's valid forms and the
//! errors for invalid ones (what, where, and the usage line), and each command written back in
//! canonical form and read again. Text is written as Slack sends it and turned into pieces by
//! Slack's adapter, as the service does.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use cadence::domain::Level;
use cadence::domain::command::{
    BUDGET_MAX, ChannelRef, Command, CommandLine, DateRange, Hours, MembershipChange,
    NAME_MAX_CHARS, NUDGE_MAX_MINUTES, Nudge, ParseError, Period, RITUAL_ID_MAX, Subcommand,
    TEXT_MAX_CHARS, UserRef,
};
use cadence::domain::event::Selector;
use cadence::domain::ritual::RitualKind;
use cadence::platform::slack::command_text::{command_text, slack_text};
use chrono::NaiveDate;

/// Reads `text` as the service reads a slash command's text.
fn parse(text: &str) -> Result<CommandLine, ParseError> {
    cadence::domain::command::parse(&command_text(text))
}

fn selector(text: &str) -> Selector {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn line(command: Command) -> CommandLine {
    CommandLine {
        team: None,
        command,
    }
}

fn alice() -> UserRef {
    UserRef {
        id: "U1".into(),
        label: Some("alice".into()),
    }
}

fn bob() -> UserRef {
    UserRef {
        id: "U2".into(),
        label: Some("bob".into()),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Parses text that must parse, for the command alone.
fn ok(text: &str) -> Command {
    match parse(text) {
        Ok(line) => {
            assert_eq!(line.team, None, "{text}");
            line.command
        }
        Err(e) => panic!("{text:?} failed: {e:?}"),
    }
}

/// Parses text that must not parse.
fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(line) => panic!("{text:?} parsed as {line:?}"),
        Err(e) => e,
    }
}

/// Asserts an error's message contains `part` and names `sub`.
fn fails(text: &str, sub: Option<Subcommand>, part: &str) -> ParseError {
    let e = err(text);
    assert!(
        e.message.contains(part),
        "{text:?}: message {:?} lacks {part:?}",
        e.message
    );
    assert_eq!(e.subcommand, sub, "{text:?}: {e:?}");
    e
}

// ---- help, empty, team: ----

#[test]
fn empty_text_is_help() {
    assert_eq!(ok(""), Command::Help { topic: None });
    assert_eq!(ok("  \n "), Command::Help { topic: None });
    assert_eq!(ok("HELP"), Command::Help { topic: None });
}

#[test]
fn help_takes_a_topic_of_words() {
    assert_eq!(
        ok("help intervene"),
        Command::Help {
            topic: Some("intervene".into())
        }
    );
    assert_eq!(
        ok("help team  create"),
        Command::Help {
            topic: Some("team create".into())
        }
    );
    assert_eq!(
        ok("help \"team add\""),
        Command::Help {
            topic: Some("team add".into())
        }
    );
    fails(
        "help <@U1|alice>",
        Some(Subcommand::Help),
        "expected a topic",
    );
}

#[test]
fn team_option_may_stand_anywhere_once() {
    let expected = CommandLine {
        team: Some("Team Atlas".into()),
        command: Command::Gap {
            person: alice(),
            capability: "run EBR".into(),
        },
    };
    for text in [
        "team:\"Team Atlas\" gap <@U1|alice> \"run EBR\"",
        "gap team:“Team Atlas” <@U1|alice> \"run EBR\"",
        "gap <@U1|alice> \"run EBR\" TEAM:\"Team Atlas\"",
    ] {
        assert_eq!(parse(text), Ok(expected.clone()), "{text}");
    }
    assert_eq!(
        parse("team:Atlas me").map(|l| l.team),
        Ok(Some("Atlas".into()))
    );
    assert_eq!(
        parse("team:Atlas"),
        Ok(CommandLine {
            team: Some("Atlas".into()),
            command: Command::Help { topic: None }
        })
    );
    let e = fails(
        "team:Atlas gap <@U1|alice> x team:Zeus",
        Some(Subcommand::Gap),
        "`team:` is given twice",
    );
    assert_eq!(e.found.as_deref(), Some("team:Zeus"));
    assert_eq!(e.at, Some(24));
    fails(
        "me team:\"  \"",
        Some(Subcommand::Me),
        "team's name after `team:` is empty",
    );
    fails("me team: Atlas", Some(Subcommand::Me), "with no space");
}

// ---- each subcommand's valid forms ----

#[test]
fn gap() {
    let expected = Command::Gap {
        person: alice(),
        capability: "architecture trade-offs".into(),
    };
    assert_eq!(ok("gap <@U1|alice> \"architecture trade-offs\""), expected);
    assert_eq!(ok("GAP <@U1|alice> “architecture trade-offs”"), expected);
    assert_eq!(
        ok("gap <@U1> testing"),
        Command::Gap {
            person: UserRef {
                id: "U1".into(),
                label: None
            },
            capability: "testing".into(),
        }
    );
    assert_eq!(
        ok("gap <@U1|alice> R&amp;D"),
        Command::Gap {
            person: alice(),
            capability: "R&D".into()
        }
    );
}

#[test]
fn coach() {
    assert_eq!(
        ok("coach <@U2|bob> \"objection handling\" \"lost the pricing thread on Acme call\""),
        Command::Coach {
            person: bob(),
            capability: "objection handling".into(),
            note: Some("lost the pricing thread on Acme call".into()),
        }
    );
    assert_eq!(
        ok("coach <@U2|bob> pricing"),
        Command::Coach {
            person: bob(),
            capability: "pricing".into(),
            note: None,
        }
    );
    assert_eq!(
        ok("coach <@U2|bob> pricing <https://x.io/call|the call>"),
        Command::Coach {
            person: bob(),
            capability: "pricing".into(),
            note: Some("https://x.io/call".into()),
        }
    );
}

#[test]
fn intervene() {
    let expected = Command::Intervene {
        person: alice(),
        capability: "architecture trade-offs".into(),
        means: "ADR pairing with @carol".into(),
        due: Some(day(2026, 12, 15)),
    };
    assert_eq!(
        ok(
            "intervene <@U1|alice> \"architecture trade-offs\" via \"ADR pairing with <@U3|carol>\" by 2026-12-15"
        ),
        expected
    );
    assert_eq!(
        ok(
            "intervene <@U1|alice> \"architecture trade-offs\" BY 2026-12-15 VIA \"ADR pairing with @carol\""
        ),
        expected
    );
    assert_eq!(
        ok("intervene <@U1|alice> testing via <@U3|carol>"),
        Command::Intervene {
            person: alice(),
            capability: "testing".into(),
            means: "@carol".into(),
            due: None,
        }
    );
    assert_eq!(
        ok("intervene <@U1|alice> testing via shadowing"),
        Command::Intervene {
            person: alice(),
            capability: "testing".into(),
            means: "shadowing".into(),
            due: None,
        }
    );
}

#[test]
fn level() {
    for (word, level) in [
        ("none", Level::None),
        ("Learning", Level::Learning),
        ("practising", Level::Practising),
        ("practicing", Level::Practising),
        ("MASTERY", Level::Mastery),
    ] {
        assert_eq!(
            ok(&format!("level <@U1|alice> \"run EBR\" {word}")),
            Command::Level {
                person: alice(),
                capability: "run EBR".into(),
                level,
                evidence: None,
            }
        );
    }
    assert_eq!(
        ok("level <@U1|alice> \"run EBR\" mastery \"ran Globex EBR solo\""),
        Command::Level {
            person: alice(),
            capability: "run EBR".into(),
            level: Level::Mastery,
            evidence: Some("ran Globex EBR solo".into()),
        }
    );
}

#[test]
fn certify() {
    assert_eq!(
        ok("certify <@U1|alice> \"run EBR\""),
        Command::Certify {
            person: alice(),
            capability: "run EBR".into(),
            evidence: None
        }
    );
    assert_eq!(
        ok("certify <@U1|alice> \"run EBR\" <https://docs.x/ebr>"),
        Command::Certify {
            person: alice(),
            capability: "run EBR".into(),
            evidence: Some("https://docs.x/ebr".into())
        }
    );
}

#[test]
fn tracks() {
    assert_eq!(
        ok("approve <@U1|alice> track \"Architecture lead\""),
        Command::Approve {
            person: alice(),
            track: "Architecture lead".into()
        }
    );
    assert_eq!(
        ok("decline <@U2|bob> TRACK \"Architecture lead\" \"revisit after Q1\""),
        Command::Decline {
            person: bob(),
            track: "Architecture lead".into(),
            reason: Some("revisit after Q1".into()),
        }
    );
    assert_eq!(
        ok("decline <@U2|bob> track lead"),
        Command::Decline {
            person: bob(),
            track: "lead".into(),
            reason: None,
        }
    );
    assert_eq!(
        ok("request track \"Architecture lead\" \"I led two ADRs\""),
        Command::Request {
            track: "Architecture lead".into(),
            note: Some("I led two ADRs".into()),
        }
    );
    assert_eq!(
        ok("request track lead"),
        Command::Request {
            track: "lead".into(),
            note: None,
        }
    );
}

#[test]
fn sequence() {
    let expected = Command::Sequence {
        family: "backend".into(),
        capabilities: vec![
            "testing".into(),
            "observability".into(),
            "architecture trade-offs".into(),
        ],
    };
    assert_eq!(
        ok("sequence backend: testing &gt; observability &gt; \"architecture trade-offs\""),
        expected
    );
    assert_eq!(
        ok("sequence backend: testing&gt;observability&gt;\"architecture trade-offs\""),
        expected
    );
    assert_eq!(
        ok("sequence family:backend testing > observability > “architecture trade-offs”"),
        expected
    );
    assert_eq!(
        ok("sequence \"account exec\": \"run EBR\""),
        Command::Sequence {
            family: "account exec".into(),
            capabilities: vec!["run EBR".into()],
        }
    );
}

#[test]
fn hours() {
    let hours = |text: &str| match ok(text) {
        Command::Hours { hours, period, .. } => (hours.centi, period),
        other => panic!("{other:?}"),
    };
    assert_eq!(hours("hours <@U1|alice> 6"), (600, None));
    assert_eq!(hours("hours <@U1|alice> 1.5"), (150, None));
    assert_eq!(hours("hours <@U1|alice> 0.25"), (25, None));
    assert_eq!(hours("hours <@U1|alice> .5"), (50, None));
    assert_eq!(hours("hours <@U1|alice> 0"), (0, None));
    assert_eq!(hours("hours <@U1|alice> 1000"), (100_000, None));
    assert_eq!(
        hours("hours <@U1|alice> 6 sprint \"Sprint 42\""),
        (600, Some(Period::Sprint("Sprint 42".into())))
    );
    assert_eq!(
        hours("hours <@U1|alice> 6 Sprint 42"),
        (600, Some(Period::Sprint("42".into())))
    );
    assert_eq!(
        hours("hours <@U1|alice> 2.75 week 2026-11-30"),
        (275, Some(Period::Week(day(2026, 11, 30))))
    );
}

#[test]
fn mastery_and_target() {
    assert_eq!(
        ok("mastery \"run EBR\" \"two EBRs end to end, no escalation\""),
        Command::Mastery {
            capability: "run EBR".into(),
            criteria: "two EBRs end to end, no escalation".into(),
        }
    );
    for (n, count) in [("4", 4), ("0", 0), ("10000", 10_000), ("007", 7)] {
        assert_eq!(
            ok(&format!("target \"run EBR\" {n}")),
            Command::Target {
                capability: "run EBR".into(),
                count
            }
        );
    }
}

#[test]
fn away() {
    assert_eq!(
        ok("away <@U2|bob> 2026-12-01..2026-12-14"),
        Command::Away {
            person: bob(),
            dates: DateRange {
                from: day(2026, 12, 1),
                to: day(2026, 12, 14)
            },
        }
    );
    assert_eq!(
        ok("away <@U2|bob> 2026-12-01"),
        Command::Away {
            person: bob(),
            dates: DateRange {
                from: day(2026, 12, 1),
                to: day(2026, 12, 1)
            },
        }
    );
    assert_eq!(
        ok("away <@U2|bob> 2028-02-29..2028-02-29"),
        Command::Away {
            person: bob(),
            dates: DateRange {
                from: day(2028, 2, 29),
                to: day(2028, 2, 29)
            },
        }
    );
}

#[test]
fn commission() {
    let full = Command::Commission {
        title: "competitive positioning vs Initech".into(),
        budget: Some(2000),
        capability: Some("positioning".into()),
    };
    assert_eq!(
        ok("commission \"competitive positioning vs Initech\" budget 2000 for positioning"),
        full
    );
    assert_eq!(
        ok("commission \"competitive positioning vs Initech\" FOR \"positioning\" budget 2,000"),
        full
    );
    assert_eq!(
        ok("commission positioning"),
        Command::Commission {
            title: "positioning".into(),
            budget: None,
            capability: None,
        }
    );
    assert_eq!(
        ok("commission x budget 1,000,000,000,000"),
        Command::Commission {
            title: "x".into(),
            budget: Some(BUDGET_MAX),
            capability: None,
        }
    );
}

#[test]
fn coverage_and_me() {
    assert_eq!(ok("coverage"), Command::Coverage { capability: None });
    assert_eq!(
        ok("Coverage \"run EBR\""),
        Command::Coverage {
            capability: Some("run EBR".into())
        }
    );
    assert_eq!(ok("me"), Command::Me);
    assert_eq!(ok("ME"), Command::Me);
}

#[test]
fn team_create() {
    let carol = UserRef {
        id: "U3".into(),
        label: Some("carol".into()),
    };
    let full = Command::TeamCreate {
        name: "Atlas".into(),
        managers: vec![alice()],
        members: vec![bob(), carol.clone()],
        tz: Some(chrono_tz::Europe::London),
        channel: Some(ChannelRef {
            id: "C9".into(),
            label: Some("team-atlas".into()),
        }),
    };
    assert_eq!(
        ok(
            "team create Atlas managers <@U1|alice> members <@U2|bob> <@U3|carol> tz Europe/London channel <#C9|team-atlas>"
        ),
        full
    );
    assert_eq!(
        ok(
            "team create \"Atlas\" channel <#C9|team-atlas> TZ europe/london members <@U2|bob>, <@U3|carol> MANAGERS <@U1|alice>"
        ),
        full
    );
    assert_eq!(
        ok("team create \"Team Atlas\""),
        Command::TeamCreate {
            name: "Team Atlas".into(),
            managers: vec![],
            members: vec![],
            tz: None,
            channel: None,
        }
    );
}

#[test]
fn team_members() {
    for (word, change) in [
        ("add", MembershipChange::Add),
        ("REMOVE", MembershipChange::Remove),
        ("managers", MembershipChange::Managers),
    ] {
        assert_eq!(
            ok(&format!("team {word} <@U1|alice> and <@U2|bob>")),
            Command::TeamMembers {
                change,
                people: vec![alice(), bob()]
            }
        );
    }
    assert_eq!(
        ok("team add <@U2|bob>"),
        Command::TeamMembers {
            change: MembershipChange::Add,
            people: vec![bob()]
        }
    );
}

#[test]
fn capability_add() {
    let full = Command::CapabilityAdd {
        name: "run EBR".into(),
        description: Some("runs an executive business review end to end".into()),
        family: Some("account exec".into()),
    };
    assert_eq!(
        ok(
            "capability add \"run EBR\" \"runs an executive business review end to end\" family:\"account exec\""
        ),
        full
    );
    assert_eq!(
        ok(
            "capability add family:“account exec” \"run EBR\" \"runs an executive business review end to end\""
        ),
        full
    );
    assert_eq!(
        ok("Capability ADD testing Family:backend"),
        Command::CapabilityAdd {
            name: "testing".into(),
            description: None,
            family: Some("backend".into()),
        }
    );
    assert_eq!(
        ok("capability add testing"),
        Command::CapabilityAdd {
            name: "testing".into(),
            description: None,
            family: None,
        }
    );
}

fn atlas() -> ChannelRef {
    ChannelRef {
        id: "C1".into(),
        label: Some("team-atlas".into()),
    }
}

#[test]
fn ritual_add_with_a_schedule() {
    let qbr = ok(
        "ritual add qbr <#C1|team-atlas> every \"0 10 1-7 1,4,7,10 TUE\" before 15 name \"QBR\"",
    );
    let Command::RitualAdd {
        triggers,
        schedule,
        before,
        name,
        ..
    } = qbr
    else {
        panic!("not a ritual add: {qbr:?}");
    };
    assert!(triggers.is_empty());
    assert_eq!(schedule.as_deref(), Some("0 10 1-7 1,4,7,10 TUE"));
    assert_eq!((before, name.as_deref()), (Some(15), Some("QBR")));
    let here = ok("ritual add retro on teams:meeting_ended");
    assert!(
        matches!(here, Command::RitualAdd { channel: None, ref triggers, .. } if triggers.len() == 1),
        "no channel means this one: {here:?}"
    );
    let both = ok("ritual add qbr <#C1|x> on generic:qbr_ended every \"0 10 * * TUE\"");
    assert!(
        matches!(both, Command::RitualAdd { ref triggers, schedule: Some(_), .. } if triggers.len() == 1)
    );
    fails(
        "ritual add qbr <#C1|x> every \"0 10 * * 2\"",
        Some(Subcommand::RitualAdd),
        "write days of the week as names",
    );
    fails(
        "ritual add qbr <#C1|x> every 0 10 * * TUE",
        Some(Subcommand::RitualAdd),
        "a schedule in quotes",
    );
    fails(
        "ritual add qbr <#C1|x> on generic:qbr_ended before 15",
        Some(Subcommand::RitualAdd),
        "`before` counts back from a schedule",
    );
    fails(
        "ritual add qbr <#C1|x> every \"0 10 * * TUE\" before 0",
        Some(Subcommand::RitualAdd),
        "leave `before` out",
    );
}

#[test]
fn ritual_add() {
    // A calendar feed's meeting, prompted 15 minutes before it starts.
    assert_eq!(
        ok(
            "ritual add planning <#C1|team-atlas> on ics:feed=atlas:title~Planning:started before 15"
        ),
        Command::RitualAdd {
            kind: RitualKind::Planning,
            channel: Some(atlas()),
            triggers: vec![selector("ics:feed=atlas:title~Planning:started")],
            schedule: None,
            before: Some(15),
            name: None,
            nudge: None,
        }
    );
    fails(
        "ritual add retro <#C1|x> on ics:title~Retro:ended",
        Some(Subcommand::RitualAdd),
        "feed=NAME",
    );
    assert_eq!(
        ok("ritual add retro <#C1|team-atlas> on jira:board=12:sprint_closed"),
        Command::RitualAdd {
            kind: RitualKind::Retro,
            channel: Some(atlas()),
            triggers: vec![selector("jira:board=12:sprint_closed")],
            schedule: None,
            before: None,
            name: None,
            nudge: None,
        }
    );
    let full = Command::RitualAdd {
        kind: RitualKind::PipelineCall,
        channel: Some(atlas()),
        triggers: vec![
            selector("zoom:topic~Pipeline:meeting_ended"),
            selector("teams:meeting_ended"),
        ],
        schedule: None,
        before: None,
        name: Some("Atlas pipeline".into()),
        nudge: Some(Nudge::AfterMinutes(120)),
    };
    assert_eq!(
        ok(
            "ritual add pipeline <#C1|team-atlas> on zoom:meeting_ended:topic~Pipeline teams:meeting_ended name \"Atlas pipeline\" nudge 120"
        ),
        full
    );
    assert_eq!(
        ok(
            "RITUALS ADD Pipeline-Call <#C1|team-atlas> ON ZOOM:topic~Pipeline:Meeting_Ended teams:MEETING_ENDED NUDGE 0120 Name “Atlas pipeline”"
        ),
        full
    );
    assert_eq!(
        ok("ritual add 1:1 <#C1|team-atlas> on generic:one_on_one name Weekly nudge off"),
        Command::RitualAdd {
            kind: RitualKind::OneOnOne,
            channel: Some(atlas()),
            triggers: vec![selector("generic:one_on_one")],
            schedule: None,
            before: None,
            name: Some("Weekly".into()),
            nudge: Some(Nudge::Off),
        }
    );
    assert_eq!(
        ok(&format!(
            "ritual add \"qbr\" <#C2> on linear:team=ENG:cycle_completed nudge {NUDGE_MAX_MINUTES}"
        )),
        Command::RitualAdd {
            kind: RitualKind::Qbr,
            channel: Some(ChannelRef {
                id: "C2".into(),
                label: None,
            }),
            triggers: vec![selector("linear:team=ENG:cycle_completed")],
            schedule: None,
            before: None,
            name: None,
            nudge: Some(Nudge::AfterMinutes(NUDGE_MAX_MINUTES)),
        }
    );
    // `&` arrives as an entity and stays part of the value.
    assert_eq!(
        ok("ritual add custom <#C1|team-atlas> on generic:topic~R&amp;D:review"),
        Command::RitualAdd {
            kind: RitualKind::Custom,
            channel: Some(atlas()),
            triggers: vec![selector("generic:topic~R&D:review")],
            schedule: None,
            before: None,
            name: None,
            nudge: None,
        }
    );
    assert_eq!(
        parse("team:Atlas ritual add retro <#C1|team-atlas> on jira:sprint_closed")
            .map(|line| line.team),
        Ok(Some("Atlas".into()))
    );
}

#[test]
fn ritual_list_pause_resume() {
    assert_eq!(ok("ritual list"), Command::RitualList);
    assert_eq!(ok("Rituals LIST"), Command::RitualList);
    assert_eq!(ok("ritual pause 3"), Command::RitualPause { id: 3 });
    assert_eq!(ok("ritual pause #3"), Command::RitualPause { id: 3 });
    assert_eq!(ok("ritual resume 007"), Command::RitualResume { id: 7 });
    assert_eq!(
        ok(&format!("ritual resume {RITUAL_ID_MAX}")),
        Command::RitualResume { id: RITUAL_ID_MAX }
    );
    assert_eq!(
        parse("ritual list team:\"Team Atlas\""),
        Ok(CommandLine {
            team: Some("Team Atlas".into()),
            command: Command::RitualList,
        })
    );
}

#[test]
fn ritual_actions_and_ids_are_checked() {
    fails(
        "ritual",
        None,
        "expected `add`, `list`, `pause` or `resume` after `ritual`, found nothing",
    );
    fails("ritual lst", None, "did you mean `list`?");
    fails("ritual delete 3", None, "found `delete`");
    fails(
        "ritual list all",
        Some(Subcommand::RitualList),
        "didn't expect `all`",
    );
    fails(
        "ritual pause",
        Some(Subcommand::RitualPause),
        "expected the ritual's id, a number like 3",
    );
    let e = fails(
        "ritual pause 0",
        Some(Subcommand::RitualPause),
        "ritual ids start at 1",
    );
    assert_eq!((e.found.as_deref(), e.at), (Some("0"), Some(13)));
    fails(
        "ritual resume #0",
        Some(Subcommand::RitualResume),
        "start at 1",
    );
    fails("ritual pause -3", Some(Subcommand::RitualPause), "negative");
    fails(
        "ritual pause 2.5",
        Some(Subcommand::RitualPause),
        "not a whole number",
    );
    fails(
        "ritual pause three",
        Some(Subcommand::RitualPause),
        "found `three`",
    );
    fails("ritual pause #", Some(Subcommand::RitualPause), "found `#`");
    fails(
        "ritual resume 9223372036854775808",
        Some(Subcommand::RitualResume),
        "too large",
    );
    fails(
        "ritual resume 99999999999999999999999999999",
        Some(Subcommand::RitualResume),
        "too large",
    );
    fails(
        "ritual pause 3 4",
        Some(Subcommand::RitualPause),
        "didn't expect `4`",
    );
    fails(
        "digest now",
        Some(Subcommand::Digest),
        "didn't expect `now`",
    );
    fails("ritaul list", None, "did you mean `ritual`?");
}

#[test]
fn ritual_add_kind_and_channel_are_checked() {
    fails(
        "ritual add",
        Some(Subcommand::RitualAdd),
        "expected a kind of ritual (like retro, planning or qbr) after `add`, found nothing",
    );
    let e = fails(
        "ritual add standup <#C1|team-atlas> on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "`standup` is not a kind of ritual — use `retro`, `planning`, `release_retro`, `qbr`, \
         `pipeline`, `forecast`, `deal_review`, `store_review`, `incident_review`, \
         `one_on_one` or `custom`.",
    );
    assert_eq!((e.found.as_deref(), e.at), (Some("standup"), Some(11)));
    fails(
        "ritual add retor <#C1|team-atlas> on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "Did you mean `retro`?",
    );
    fails(
        "ritual add <#C1|team-atlas> on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "expected a kind of ritual",
    );
    fails(
        "ritual add retro team-atlas on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "expected a #channel after `retro`, found `team-atlas`",
    );
    let e = fails(
        "ritual add retro #team-atlas on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "`#team-atlas` is not a channel link — pick it from the # suggestions",
    );
    assert_eq!((e.found.as_deref(), e.at), (Some("#team-atlas"), Some(17)));
    fails(
        "ritual add retro <@U1|alice> on jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "a #channel",
    );
    fails(
        "ritual add retro <#C1|team-atlas> jira:sprint_closed",
        Some(Subcommand::RitualAdd),
        "expected the word `on`",
    );
    fails(
        "ritual add retro <#C1|team-atlas>",
        Some(Subcommand::RitualAdd),
        "expected the word `on`, then what starts the ritual (like `on jira:board=12:sprint_closed`), or `every` and a schedule (like `every \"0 10 * * TUE\"`) after `#team-atlas`, found nothing",
    );
}

#[test]
fn ritual_add_triggers_are_checked() {
    const ADD: &str = "ritual add retro <#C1|team-atlas> on";
    let at = |text: &str| format!("{ADD} {text}");
    fails(
        ADD,
        Some(Subcommand::RitualAdd),
        "expected a trigger like `jira:board=12:sprint_closed` after `on`, found nothing",
    );
    fails(
        &at("name x"),
        Some(Subcommand::RitualAdd),
        "expected a trigger like `jira:board=12:sprint_closed` after `on`, found `name`",
    );
    fails(
        &at("\"jira:sprint_closed\""),
        Some(Subcommand::RitualAdd),
        "expected a trigger",
    );
    let e = fails(
        &at("trello:board=1:card_moved"),
        Some(Subcommand::RitualAdd),
        "`trello:board=1:card_moved` is not a trigger I can read — `trello` is not a source; \
         use one of jira, github, linear, zoom, teams, generic",
    );
    assert_eq!(e.found.as_deref(), Some("trello:board=1:card_moved"));
    fails(
        &at("jira:board=12"),
        Some(Subcommand::RitualAdd),
        "names no event; add one, e.g. jira:sprint_closed",
    );
    fails(
        &at("jira:sprint_closed:sprint_started"),
        Some(Subcommand::RitualAdd),
        "a selector names one event",
    );
    fails(
        &at("jira:board=:x"),
        Some(Subcommand::RitualAdd),
        "needs a key and a value",
    );
    fails(
        &at("jira:"),
        Some(Subcommand::RitualAdd),
        "`jira:` is not a trigger",
    );
    fails(
        &at("retro"),
        Some(Subcommand::RitualAdd),
        "`retro` is not a source",
    );
    let e = fails(
        &at("jira:board=12:sprint_closed github:milestone_closed JIRA:board=12:SPRINT_CLOSED"),
        Some(Subcommand::RitualAdd),
        "`JIRA:board=12:SPRINT_CLOSED` is listed twice — give each trigger once",
    );
    assert_eq!(e.at, Some(84));
    fails(
        &at("zoom:a=1:topic~X:meeting_ended zoom:meeting_ended:topic~x:a=1"),
        Some(Subcommand::RitualAdd),
        "`zoom:meeting_ended:topic~x:a=1` picks the same events as `zoom:a=1:topic~X:meeting_ended`",
    );
    // Different conditions are different triggers.
    assert!(matches!(
        ok(&at("zoom:topic=x:meeting_ended zoom:topic~x:meeting_ended")),
        Command::RitualAdd { triggers, .. } if triggers.len() == 2
    ));
    fails(
        &at("jira:sprint_closed nam x"),
        Some(Subcommand::RitualAdd),
        "expected another trigger, `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `nam` — did you mean `name`?",
    );
    fails(
        &at("jira:sprint_closed <@U1|alice>"),
        Some(Subcommand::RitualAdd),
        "expected `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `@alice`",
    );
    fails(
        &at("jira:sprint_closed family:x"),
        Some(Subcommand::RitualAdd),
        "expected `every`, `before`, `name` or `nudge`",
    );
}

#[test]
fn ritual_add_clauses_are_checked() {
    const ADD: &str = "ritual add retro <#C1|team-atlas> on jira:sprint_closed";
    let at = |text: &str| format!("{ADD} {text}");
    fails(
        &at("\"Atlas retro\""),
        Some(Subcommand::RitualAdd),
        "expected `every`, `before`, `name` or `nudge` after `jira:sprint_closed`, found `\"Atlas retro\"` — write `name` before the ritual's name",
    );
    fails(
        &at("name x github:milestone_closed"),
        Some(Subcommand::RitualAdd),
        "list every trigger right after `on`",
    );
    fails(
        &at("name"),
        Some(Subcommand::RitualAdd),
        "the ritual's name (in quotes if it has spaces) after `name`, found nothing",
    );
    fails(
        &at("name nudge 5"),
        Some(Subcommand::RitualAdd),
        "the ritual's name",
    );
    fails(
        &at("name \"\""),
        Some(Subcommand::RitualAdd),
        "the ritual's name is empty",
    );
    fails(
        &at(&format!("name \"{}\"", "x".repeat(NAME_MAX_CHARS + 1))),
        Some(Subcommand::RitualAdd),
        "keep it to 120",
    );
    fails(
        &at("name Atlas retro"),
        Some(Subcommand::RitualAdd),
        "found `retro`",
    );
    fails(
        &at("name a name b"),
        Some(Subcommand::RitualAdd),
        "`name` is given twice",
    );
    fails(
        &at("nudge 5 nudge off"),
        Some(Subcommand::RitualAdd),
        "`nudge` is given twice",
    );
    fails(
        &at("nudge"),
        Some(Subcommand::RitualAdd),
        "expected a number of minutes (like 120) or `off` after `nudge`, found nothing",
    );
    fails(
        &at("nudge never"),
        Some(Subcommand::RitualAdd),
        "found `never`",
    );
    let e = fails(
        &at("nudge 0"),
        Some(Subcommand::RitualAdd),
        "give at least 1 minute",
    );
    assert_eq!(e.found.as_deref(), Some("0"));
    fails(&at("nudge -5"), Some(Subcommand::RitualAdd), "negative");
    fails(
        &at("nudge 1.5"),
        Some(Subcommand::RitualAdd),
        "not a whole number",
    );
    fails(
        &at("nudge 10081"),
        Some(Subcommand::RitualAdd),
        "`10081` is too large — at most 10080 minutes (a week)",
    );
    fails(
        &at("nudge 5 later"),
        Some(Subcommand::RitualAdd),
        "found `later`",
    );
}

// ---- invalid forms ----

#[test]
fn unknown_subcommands_suggest_close_ones() {
    let e = fails("gapp <@U1|alice> x", None, "did you mean `gap`?");
    assert_eq!(e.found.as_deref(), Some("gapp"));
    assert_eq!(e.at, Some(0));
    fails("covrage", None, "did you mean `coverage`?");
    fails("interv", None, "did you mean `intervene`?");
    fails("sertify", None, "did you mean `certify`?");
    let e = fails("frobnicate", None, "is not a Cadence command");
    assert!(e.message.contains("`help` lists them all"), "{}", e.message);
    fails("<@U1|alice> gap x", None, "expected a command like `gap`");
    fails("\"gap\"", None, "expected a command like `gap`");
    assert_eq!(ok("digest"), Command::Digest);
    fails(
        "team create x channel #atlas &gt;",
        Some(Subcommand::TeamCreate),
        "`#atlas` is not a channel link",
    );
    fails(
        "team",
        None,
        "expected `create`, `add`, `remove` or `managers`",
    );
    fails("team crate x", None, "did you mean `create`?");
    fails(
        "capability remove x",
        Some(Subcommand::CapabilityAdd),
        "expected `add`",
    );
}

#[test]
fn missing_arguments() {
    let e = fails(
        "gap",
        Some(Subcommand::Gap),
        "expected an @mention of the person after `gap`, found nothing",
    );
    assert_eq!((e.at, e.found), (Some(3), None));
    let e = fails(
        "gap <@U1|alice>",
        Some(Subcommand::Gap),
        "expected the capability's name (in quotes if it has spaces) after `@alice`, found nothing",
    );
    assert_eq!(e.at, Some(10));
    fails(
        "intervene <@U1|alice> x",
        Some(Subcommand::Intervene),
        "expected `via`",
    );
    fails(
        "intervene <@U1|alice> x via",
        Some(Subcommand::Intervene),
        "how it will happen",
    );
    fails(
        "intervene <@U1|alice> x via y by",
        Some(Subcommand::Intervene),
        "expected a date like 2026-12-15 after `by`, found nothing",
    );
    fails(
        "level <@U1|alice> x",
        Some(Subcommand::Level),
        "expected a level",
    );
    fails(
        "approve <@U1|alice> \"lead\"",
        Some(Subcommand::Approve),
        "expected the word `track`",
    );
    fails(
        "approve <@U1|alice> track",
        Some(Subcommand::Approve),
        "the track's name",
    );
    fails("request", Some(Subcommand::Request), "`track`");
    fails(
        "mastery \"run EBR\"",
        Some(Subcommand::Mastery),
        "mastery criteria",
    );
    fails(
        "target \"run EBR\"",
        Some(Subcommand::Target),
        "whole number of people",
    );
    fails("away <@U2|bob>", Some(Subcommand::Away), "a range like");
    fails(
        "commission",
        Some(Subcommand::Commission),
        "the module's title",
    );
    fails(
        "commission x budget",
        Some(Subcommand::Commission),
        "a budget in whole currency units",
    );
    fails(
        "commission x for",
        Some(Subcommand::Commission),
        "capability's name",
    );
    fails(
        "hours <@U1|alice>",
        Some(Subcommand::Hours),
        "a number of hours",
    );
    fails(
        "hours <@U1|alice> 2 sprint",
        Some(Subcommand::Hours),
        "sprint's name",
    );
    fails(
        "team create",
        Some(Subcommand::TeamCreate),
        "the team's name",
    );
    fails(
        "team create x managers",
        Some(Subcommand::TeamCreate),
        "@mention",
    );
    fails(
        "team create x tz",
        Some(Subcommand::TeamCreate),
        "a time zone like Europe/London",
    );
    fails(
        "team create x channel",
        Some(Subcommand::TeamCreate),
        "a #channel",
    );
    fails("team add", Some(Subcommand::TeamMembers), "@mention");
    fails(
        "capability add",
        Some(Subcommand::CapabilityAdd),
        "capability's name",
    );
    fails(
        "sequence",
        Some(Subcommand::Sequence),
        "role family with a colon",
    );
    fails(
        "sequence backend:",
        Some(Subcommand::Sequence),
        "capability's name",
    );
}

#[test]
fn wrong_types() {
    fails(
        "gap \"run EBR\" <@U1|alice>",
        Some(Subcommand::Gap),
        "expected an @mention",
    );
    fails(
        "gap <@U1|alice> <@U2|bob>",
        Some(Subcommand::Gap),
        "capability's name",
    );
    fails(
        "gap <@U1|alice> <#C1|chan>",
        Some(Subcommand::Gap),
        "capability's name",
    );
    fails(
        "target \"run EBR\" four",
        Some(Subcommand::Target),
        "found `four`",
    );
    fails(
        "target \"run EBR\" -1",
        Some(Subcommand::Target),
        "negative",
    );
    fails(
        "target \"run EBR\" 2.5",
        Some(Subcommand::Target),
        "not a whole number",
    );
    fails(
        "target \"run EBR\" 10001",
        Some(Subcommand::Target),
        "too large",
    );
    fails(
        "target \"run EBR\" 99999999999999999999999999999",
        Some(Subcommand::Target),
        "too large",
    );
    fails(
        "hours <@U1|alice> six",
        Some(Subcommand::Hours),
        "found `six`",
    );
    fails("hours <@U1|alice> -2", Some(Subcommand::Hours), "negative");
    fails(
        "hours <@U1|alice> 1.255",
        Some(Subcommand::Hours),
        "too many decimals",
    );
    fails(
        "hours <@U1|alice> 1,5",
        Some(Subcommand::Hours),
        "with a dot",
    );
    fails(
        "hours <@U1|alice> 1000.01",
        Some(Subcommand::Hours),
        "at most 1000 hours",
    );
    fails(
        "hours <@U1|alice> 99999999999",
        Some(Subcommand::Hours),
        "too large",
    );
    fails(
        "hours <@U1|alice> 6.",
        Some(Subcommand::Hours),
        "a number of hours",
    );
    fails(
        "commission x budget 2,00",
        Some(Subcommand::Commission),
        "found `2,00`",
    );
    fails(
        "commission x budget $2000",
        Some(Subcommand::Commission),
        "whole currency units",
    );
    fails(
        "commission x budget 20.50",
        Some(Subcommand::Commission),
        "not a whole number",
    );
    fails(
        "commission x budget 1,000,000,000,001",
        Some(Subcommand::Commission),
        "too large",
    );
    fails(
        "commission x budget 1 budget 2",
        Some(Subcommand::Commission),
        "`budget` is given twice",
    );
    fails(
        "level <@U1|alice> x expert",
        Some(Subcommand::Level),
        "expected a level (none, learning, practising or mastery) after `x`, found `expert`",
    );
    fails(
        "level <@U1|alice> mastery",
        Some(Subcommand::Level),
        "capability's name",
    );
    fails(
        "coach <@U2|bob> x lost the thread",
        Some(Subcommand::Coach),
        "put the whole text in quotes",
    );
    fails(
        "team create x channel team-atlas",
        Some(Subcommand::TeamCreate),
        "a #channel",
    );
    fails(
        "team create x tz Europe/Londn",
        Some(Subcommand::TeamCreate),
        "did you mean `Europe/London`?",
    );
    fails(
        "team create x tz Mars/Olympus",
        Some(Subcommand::TeamCreate),
        "not a time zone I know",
    );
    fails(
        "team add <@U1|alice> x",
        Some(Subcommand::TeamMembers),
        "didn't expect `x`",
    );
}

#[test]
fn bad_dates() {
    let e = fails(
        "intervene <@U1|alice> x via y by tomorrow",
        Some(Subcommand::Intervene),
        "expected a date like 2026-12-15 after `by`, found `tomorrow`",
    );
    assert_eq!(e.found.as_deref(), Some("tomorrow"));
    assert_eq!(e.at, Some(28));
    fails(
        "intervene <@U1|alice> x via y by 2026-02-30",
        Some(Subcommand::Intervene),
        "`2026-02-30` is not a real date",
    );
    fails(
        "intervene <@U1|alice> x via y by 2026-2-3",
        Some(Subcommand::Intervene),
        "a date like",
    );
    fails(
        "intervene <@U1|alice> x via y by 15/12/2026",
        Some(Subcommand::Intervene),
        "a date like",
    );
    fails(
        "away <@U2|bob> 2026-12-14..2026-12-01",
        Some(Subcommand::Away),
        "ends before it starts",
    );
    fails(
        "away <@U2|bob> 2026-12-01..2026-13-01",
        Some(Subcommand::Away),
        "not a real date",
    );
    fails(
        "away <@U2|bob> 2026-12-01..",
        Some(Subcommand::Away),
        "a range like",
    );
    fails(
        "away <@U2|bob> 2026-12-01 2026-12-14",
        Some(Subcommand::Away),
        "`2026-12-01..2026-12-14`",
    );
    fails(
        "hours <@U1|alice> 6 week 2026-12-02",
        Some(Subcommand::Hours),
        "`2026-12-02` is a Wednesday — weeks start on Monday, so write `week 2026-11-30`",
    );
    fails(
        "hours <@U1|alice> 6 week 2026-11-30 sprint x",
        Some(Subcommand::Hours),
        "either a sprint or a week",
    );
}

#[test]
fn extra_trailing_words() {
    let e = fails(
        "gap <@U1|alice> \"run EBR\" today",
        Some(Subcommand::Gap),
        "didn't expect `today` after `\"run EBR\"`",
    );
    assert_eq!(e.at, Some(21));
    fails(
        "gap <@U1|alice> run EBR",
        Some(Subcommand::Gap),
        "names with spaces go in double quotes",
    );
    fails("me now", Some(Subcommand::Me), "didn't expect `now`");
    fails(
        "coverage a b",
        Some(Subcommand::Coverage),
        "didn't expect `b`",
    );
    fails(
        "approve <@U1|alice> track lead \"why\"",
        Some(Subcommand::Approve),
        "didn't expect",
    );
    fails(
        "mastery x \"y\" \"z\"",
        Some(Subcommand::Mastery),
        "didn't expect",
    );
    fails(
        "gap <@U1|alice> x family:y",
        Some(Subcommand::Gap),
        "only goes with `capability add`",
    );
    fails(
        "gap <@U1|alice> x &gt; y",
        Some(Subcommand::Gap),
        "only separates",
    );
}

#[test]
fn unterminated_quotes_name_the_subcommand() {
    let e = fails(
        "coach <@U2|bob> \"pricing",
        Some(Subcommand::Coach),
        "never closed",
    );
    assert_eq!(e.at, Some(11));
    fails(
        "team create \"Atlas",
        Some(Subcommand::TeamCreate),
        "never closed",
    );
    fails("\"", None, "never closed");
    fails(
        "gap <@U1|alice> \"ends in backslash\\\"",
        Some(Subcommand::Gap),
        "never closed",
    );
}

#[test]
fn bare_at_names_are_not_mentions() {
    let e = fails(
        "gap @nobody \"run EBR\"",
        Some(Subcommand::Gap),
        "`@nobody` is not a mention — pick the person from the @ suggestions",
    );
    assert_eq!((e.found.as_deref(), e.at), (Some("@nobody"), Some(4)));
    fails(
        "team add <@U1|alice> @bob",
        Some(Subcommand::TeamMembers),
        "`@bob` is not a mention",
    );
    fails(
        "team create x members @bob",
        Some(Subcommand::TeamCreate),
        "`@bob` is not a mention",
    );
    fails(
        "team create x channel #atlas",
        Some(Subcommand::TeamCreate),
        "`#atlas` is not a channel link",
    );
    fails("gap <!here> x", Some(Subcommand::Gap), "group mentions");
    fails(
        "team add <!channel>",
        Some(Subcommand::TeamMembers),
        "group mentions",
    );
    fails(
        "team add <!subteam^S1|@devs>",
        Some(Subcommand::TeamMembers),
        "group mentions",
    );
}

#[test]
fn names_are_checked() {
    fails(
        "gap <@U1|alice> \"\"",
        Some(Subcommand::Gap),
        "the capability's name is empty",
    );
    fails("gap <@U1|alice> \"   \"", Some(Subcommand::Gap), "is empty");
    fails(
        "gap <@U1|alice> \"a\nb\"",
        Some(Subcommand::Gap),
        "line breaks",
    );
    let long = "x".repeat(NAME_MAX_CHARS + 1);
    fails(
        &format!("gap <@U1|alice> \"{long}\""),
        Some(Subcommand::Gap),
        "121 characters long — keep it to 120",
    );
    let fits = "é".repeat(NAME_MAX_CHARS);
    assert_eq!(
        ok(&format!("gap <@U1|alice> \"{fits}\"")),
        Command::Gap {
            person: alice(),
            capability: fits.clone()
        }
    );
    let text = "y".repeat(TEXT_MAX_CHARS + 1);
    fails(
        &format!("coach <@U1|alice> x \"{text}\""),
        Some(Subcommand::Coach),
        "keep it to 2000",
    );
    fails(
        "coach <@U1|alice> x \"\"",
        Some(Subcommand::Coach),
        "the note is empty",
    );
    fails(
        "capability add x family:\"\"",
        Some(Subcommand::CapabilityAdd),
        "role family after `family:` is empty",
    );
    fails(
        "capability add x family:a family:b",
        Some(Subcommand::CapabilityAdd),
        "`family:` is given twice",
    );
    fails(
        "capability add x \"d\" \"e\"",
        Some(Subcommand::CapabilityAdd),
        "didn't expect",
    );
    fails(
        "intervene <@U1|alice> via via x",
        Some(Subcommand::Intervene),
        "capability's name",
    );
    fails(
        "intervene <@U1|alice> x via y via z",
        Some(Subcommand::Intervene),
        "`via` is given twice",
    );
}

#[test]
fn sequences_are_checked() {
    fails(
        "sequence backend: a &gt; b &gt; A",
        Some(Subcommand::Sequence),
        "`A` appears twice",
    );
    fails(
        "sequence backend: \"run  EBR\" > \"Run EBR\"",
        Some(Subcommand::Sequence),
        "appears twice",
    );
    fails(
        "sequence backend: a &gt;",
        Some(Subcommand::Sequence),
        "capability's name (in quotes if it has spaces) after `>`, found nothing",
    );
    fails(
        "sequence backend: a &gt; &gt; b",
        Some(Subcommand::Sequence),
        "after `>`, found `>`",
    );
    fails(
        "sequence backend: &gt; a",
        Some(Subcommand::Sequence),
        "capability's name",
    );
    fails(
        "sequence backend a &gt; b",
        Some(Subcommand::Sequence),
        "role family with a colon",
    );
    fails(
        "sequence backend: architecture trade-offs",
        Some(Subcommand::Sequence),
        "expected `>` between capabilities",
    );
    fails(
        "sequence \"\": a",
        Some(Subcommand::Sequence),
        "the role family is empty",
    );
}

#[test]
fn team_create_clauses_once_each() {
    fails(
        "team create x tz UTC tz UTC",
        Some(Subcommand::TeamCreate),
        "`tz` is given twice",
    );
    fails(
        "team create x members <@U1|a> members <@U2|b>",
        Some(Subcommand::TeamCreate),
        "`members` is given twice",
    );
    fails(
        "team create x members <@U1|a> <@U1|a>",
        Some(Subcommand::TeamCreate),
        "listed twice",
    );
    fails(
        "team create Team Atlas",
        Some(Subcommand::TeamCreate),
        "a team name with spaces goes in double quotes",
    );
    fails(
        "team create managers <@U1|a>",
        Some(Subcommand::TeamCreate),
        "the team's name",
    );
}

#[test]
fn error_offsets_count_characters_of_the_display_text() {
    // "gap @Zoë “x” &" — the entity and the mention are shown decoded.
    let e = err("gap <@U1|Zoë> “x” &amp;");
    assert_eq!(
        cadence::domain::command::display_text(&command_text("gap <@U1|Zoë> “x” &amp;")),
        "gap @Zoë “x” &"
    );
    assert_eq!((e.at, e.found.as_deref()), (Some(13), Some("&")));
}

#[test]
fn canonical_forms() {
    let cases = [
        (line(Command::Help { topic: None }), "help"),
        (
            CommandLine {
                team: Some("Team Atlas".into()),
                command: Command::Gap {
                    person: alice(),
                    capability: "run EBR".into(),
                },
            },
            r#"gap <@U1|alice> "run EBR" team:"Team Atlas""#,
        ),
        (
            line(Command::Intervene {
                person: alice(),
                capability: "a".into(),
                means: "pairing".into(),
                due: Some(day(2026, 12, 15)),
            }),
            r#"intervene <@U1|alice> "a" via "pairing" by 2026-12-15"#,
        ),
        (
            line(Command::Level {
                person: alice(),
                capability: "a".into(),
                level: Level::Practising,
                evidence: None,
            }),
            r#"level <@U1|alice> "a" practising"#,
        ),
        (
            line(Command::Sequence {
                family: "account exec".into(),
                capabilities: vec!["a".into(), "b c".into()],
            }),
            r#"sequence "account exec": "a" &gt; "b c""#,
        ),
        (
            line(Command::Away {
                person: alice(),
                dates: DateRange {
                    from: day(2026, 12, 1),
                    to: day(2026, 12, 1),
                },
            }),
            "away <@U1|alice> 2026-12-01",
        ),
        (
            line(Command::TeamCreate {
                name: "Atlas".into(),
                managers: vec![alice()],
                members: vec![],
                tz: Some(chrono_tz::Europe::London),
                channel: Some(ChannelRef {
                    id: "C1".into(),
                    label: Some("team-atlas".into()),
                }),
            }),
            r#"team create "Atlas" managers <@U1|alice> tz Europe/London channel <#C1|team-atlas>"#,
        ),
        (
            line(Command::CapabilityAdd {
                name: "run EBR".into(),
                description: None,
                family: Some("account exec".into()),
            }),
            r#"capability add "run EBR" family:"account exec""#,
        ),
        (
            line(Command::Hours {
                person: alice(),
                hours: Hours { centi: 650 },
                period: Some(Period::Week(day(2026, 11, 30))),
            }),
            "hours <@U1|alice> 6.5 week 2026-11-30",
        ),
        (
            line(Command::RitualAdd {
                kind: RitualKind::Retro,
                channel: Some(ChannelRef {
                    id: "C1".into(),
                    label: Some("team-atlas".into()),
                }),
                triggers: vec![selector("jira:board=12:sprint_closed")],
                schedule: None,
                before: None,
                name: Some("Atlas retro".into()),
                nudge: Some(Nudge::AfterMinutes(120)),
            }),
            r#"ritual add retro <#C1|team-atlas> on jira:board=12:sprint_closed name "Atlas retro" nudge 120"#,
        ),
        (
            line(Command::RitualAdd {
                kind: RitualKind::OneOnOne,
                channel: Some(ChannelRef {
                    id: "C2".into(),
                    label: None,
                }),
                triggers: vec![
                    selector("zoom:meeting_ended:topic~1on1"),
                    selector("generic:Team=a<b&c:checkin"),
                ],
                schedule: None,
                before: None,
                name: None,
                nudge: Some(Nudge::Off),
            }),
            "ritual add one_on_one <#C2> on zoom:topic~1on1:meeting_ended generic:team=a&lt;b&amp;c:checkin nudge off",
        ),
        (line(Command::RitualList), "ritual list"),
        (
            CommandLine {
                team: Some("Atlas".into()),
                command: Command::RitualPause { id: 3 },
            },
            r#"ritual pause 3 team:"Atlas""#,
        ),
        (line(Command::RitualResume { id: 42 }), "ritual resume 42"),
    ];
    for (value, text) in cases {
        assert_eq!(slack_text(&value.to_command_text()), text);
        assert_eq!(parse(text), Ok(value), "{text}");
    }
}

#[test]
fn tricky_text_round_trips() {
    let value = line(Command::Coach {
        person: UserRef {
            id: "U2".into(),
            label: Some("Bob | \"B\" <b>".into()),
        },
        capability: r#"C:\ & "quotes" “curly” <@U1|x> &amp;"#.into(),
        note: Some("line one\nline two → 🚀 a > b".into()),
    });
    assert_eq!(parse(&slack_text(&value.to_command_text())), Ok(value));
}

#[test]
fn org_and_scorecard() {
    let q4: cadence::domain::outcomes::Quarter = "2026Q4".parse().unwrap();
    assert_eq!(
        ok("org"),
        Command::Org {
            family: None,
            quarter: None
        }
    );
    assert_eq!(
        ok("org quarter 2026q4 family:\"account exec\""),
        Command::Org {
            family: Some("account exec".into()),
            quarter: Some(q4)
        }
    );
    assert_eq!(
        ok("scorecard"),
        Command::Scorecard {
            manager: None,
            quarter: None
        }
    );
    assert_eq!(
        ok("scorecard <@U2|bob> quarter 2026-Q4"),
        Command::Scorecard {
            manager: Some(bob()),
            quarter: Some(q4)
        }
    );
    fails(
        "org quarter 2026Q5",
        Some(Subcommand::Org),
        "a quarter after `quarter`, like 2026Q4",
    );
    fails(
        "org quarter 2026Q4 quarter 2026Q3",
        Some(Subcommand::Org),
        "given twice",
    );
    fails(
        "scorecard <@U1|alice> <@U2|bob>",
        Some(Subcommand::Scorecard),
        "name one manager",
    );
    fails(
        "scorecard bob",
        Some(Subcommand::Scorecard),
        "didn't expect",
    );
}

#[test]
fn settings_reads_each_part_once_in_any_order() {
    use cadence::domain::settings::OverBudget;
    assert_eq!(
        ok("settings"),
        Command::Settings {
            ld_channel: None,
            currency: None,
            over_budget: None
        }
    );
    let parsed = ok("settings currency gbp over-budget Request learning-channel <#CLD|l-and-d>");
    let Command::Settings {
        ld_channel,
        currency,
        over_budget,
    } = parsed
    else {
        panic!("{parsed:?}");
    };
    assert_eq!(ld_channel.map(|c| c.id), Some("CLD".to_owned()));
    assert_eq!(currency.as_deref(), Some("GBP"));
    assert_eq!(over_budget, Some(OverBudget::Request));
    fails(
        "settings currency euros",
        Some(Subcommand::Settings),
        "a three-letter currency code",
    );
    fails(
        "settings over-budget allow",
        Some(Subcommand::Settings),
        "`refuse` or `request`",
    );
    fails(
        "settings currency EUR currency USD",
        Some(Subcommand::Settings),
        "given twice",
    );
}

#[test]
fn tracks_of_modules_pace_and_done() {
    use cadence::domain::pace::{Pace, PacePeriod};
    assert_eq!(
        ok(r#"track "EBR lead" modules "EBR basics" > "Discovery calls" > Runbook pace 1/sprint"#),
        Command::TrackCompose {
            track: "EBR lead".into(),
            modules: vec![
                "EBR basics".into(),
                "Discovery calls".into(),
                "Runbook".into()
            ],
            pace: Some(Pace {
                modules: 1,
                per: PacePeriod::Sprint
            }),
        }
    );
    assert_eq!(
        ok(r#"track order "EBR lead" Runbook > "EBR basics""#),
        Command::TrackOrder {
            track: "EBR lead".into(),
            modules: vec!["Runbook".into(), "EBR basics".into()],
        }
    );
    assert_eq!(
        ok(r#"pace <@U2|bob> "EBR lead" 2/week"#),
        Command::Pace {
            person: Some(bob()),
            track: "EBR lead".into(),
            pace: Pace {
                modules: 2,
                per: PacePeriod::Week
            },
        }
    );
    assert_eq!(
        ok(r#"done "EBR basics""#),
        Command::Done {
            person: None,
            module: "EBR basics".into()
        }
    );
    fails(
        r#"track "EBR lead" modules A > B > A"#,
        Some(Subcommand::TrackCompose),
        "appears twice",
    );
    fails(
        r#"track "EBR lead" A > B"#,
        Some(Subcommand::TrackCompose),
        "`modules`",
    );
    fails(
        r#"pace "EBR lead" 2/month"#,
        Some(Subcommand::Pace),
        "a pace like 2/week or 1/sprint",
    );
    fails(
        r#"track "EBR lead" modules A pace 0/week"#,
        Some(Subcommand::TrackCompose),
        "a pace like",
    );
}

#[test]
fn module_add_reads_its_clauses_once_each_in_any_order() {
    assert_eq!(
        ok(r#"module add "EBR storyline" for "run EBR""#),
        Command::ModuleAdd {
            title: "EBR storyline".into(),
            capability: "run EBR".into(),
            hours: None,
            link: None,
            level: None,
        }
    );
    // As Slack sends a typed address: a link piece; in Teams it is a bare word.
    let full = Command::ModuleAdd {
        title: "EBR storyline".into(),
        capability: "run EBR".into(),
        hours: Some(Hours { centi: 150 }),
        link: Some("https://lms.example.com/c/42?a=1&b=2".into()),
        level: Some(Level::Practising),
    };
    assert_eq!(
        ok(
            r#"module add "EBR storyline" level practicing link <https://lms.example.com/c/42?a=1&amp;b=2> for "run EBR" hours 1.5"#
        ),
        full
    );
    assert_eq!(
        ok(
            r#"Modules ADD "EBR storyline" for "run EBR" hours 1.5 link https://lms.example.com/c/42?a=1&amp;b=2 level Practising"#
        ),
        full
    );
    assert_eq!(
        ok(&slack_text(&full.to_command_text())),
        full,
        "written back and read again"
    );
    assert_eq!(
        full.to_string(),
        r#"module add "EBR storyline" for "run EBR" hours 1.5 link "https://lms.example.com/c/42?a=1&b=2" level practising"#
    );
    let in_atlas = parse("module add storyline for ebr team:Atlas").expect("parses");
    assert_eq!(in_atlas.team.as_deref(), Some("Atlas"));
    assert_eq!(
        in_atlas.command,
        Command::ModuleAdd {
            title: "storyline".into(),
            capability: "ebr".into(),
            hours: None,
            link: None,
            level: None,
        }
    );
}

#[test]
fn module_add_refuses_what_a_module_cannot_be() {
    let add = Some(Subcommand::ModuleAdd);
    fails(
        r#"module add "EBR storyline""#,
        add,
        "`for` and the capability",
    );
    fails("module add for x", add, "the module's title");
    fails(
        r#"module add "x" for "y" hours 0"#,
        add,
        "more than 0 hours",
    );
    fails(
        r#"module add "x" for "y" hours 1001"#,
        add,
        "at most 1000 hours",
    );
    fails(r#"module add "x" for "y" hours -2"#, add, "negative");
    fails(r#"module add "x" for "y" link ftp://x.io"#, add, "https://");
    fails(
        r#"module add "x" for "y" link "https://x.io/a b""#,
        add,
        "a space",
    );
    fails(
        r#"module add "x" for "y" link <mailto:a@b.c>"#,
        add,
        "not a web address",
    );
    fails(r#"module add "x" for "y" link"#, add, "a link like");
    fails(r#"module add "x" for "y" level none"#, add, "not none");
    fails(
        r#"module add "x" for "y" level expert"#,
        add,
        "a level (learning",
    );
    fails(
        r#"module add "x" for "y" for "z""#,
        add,
        "`for` is given twice",
    );
    fails(
        r#"module add "x" for "y" hours 2 hours 3"#,
        add,
        "`hours` is given twice",
    );
    fails(
        r#"module add "x" for "y" soon"#,
        add,
        "didn't expect `soon`",
    );
    fails(
        r#"module add "x" for "y" hours 1.5h"#,
        add,
        "a number of hours",
    );
}

#[test]
fn module_list_retire_and_approve() {
    assert_eq!(ok("module list"), Command::ModuleList { capability: None });
    assert_eq!(
        ok(r#"module list for "run EBR""#),
        Command::ModuleList {
            capability: Some("run EBR".into())
        }
    );
    assert_eq!(
        ok(r#"module retire "EBR storyline""#),
        Command::ModuleRetire {
            title: "EBR storyline".into()
        }
    );
    assert_eq!(
        ok("module approve storyline"),
        Command::ModuleApprove {
            title: "storyline".into()
        }
    );
    fails(
        "module list run",
        Some(Subcommand::ModuleList),
        "didn't expect",
    );
    fails(
        "module retire",
        Some(Subcommand::ModuleRetire),
        "the module's title",
    );
    fails(
        r#"module approve "a" "b""#,
        Some(Subcommand::ModuleApprove),
        "didn't expect",
    );
    fails(
        "module remove x",
        None,
        "`add`, `list`, `retire` or `approve`",
    );
}

#[test]
fn budget_reads_hours_spend_and_quarter_once_each_in_any_order() {
    use cadence::domain::command::BUDGET_HOURS_MAX;
    let q4: cadence::domain::outcomes::Quarter = "2026Q4".parse().unwrap();
    let shown = Command::Budget {
        hours: None,
        spend: None,
        quarter: None,
    };
    assert_eq!(ok("budget"), shown);
    assert_eq!(
        ok("Budget quarter 2026q4"),
        Command::Budget {
            hours: None,
            spend: None,
            quarter: Some(q4)
        }
    );
    let set = parse("budget team:Atlas hours 60 spend 5,000 quarter 2026Q4").unwrap();
    assert_eq!(set.team.as_deref(), Some("Atlas"));
    assert_eq!(
        set.command,
        Command::Budget {
            hours: Some(Hours { centi: 6000 }),
            spend: Some(5000),
            quarter: Some(q4)
        }
    );
    assert_eq!(
        ok("budget quarter 2026-Q4 spend 0 hours 37.5"),
        Command::Budget {
            hours: Some(Hours { centi: 3750 }),
            spend: Some(0),
            quarter: Some(q4)
        }
    );
    assert_eq!(
        ok(&format!("budget hours {BUDGET_HOURS_MAX}")),
        Command::Budget {
            hours: Some(Hours {
                centi: BUDGET_HOURS_MAX * 100
            }),
            spend: None,
            quarter: None
        }
    );
    assert_eq!(
        line(set.command.clone()).to_command_text().shown(),
        "budget hours 60 spend 5000 quarter 2026Q4"
    );
    let budget = Some(Subcommand::Budget);
    fails(
        &format!("budget hours {}", BUDGET_HOURS_MAX + 1),
        budget,
        "too large",
    );
    fails("budget hours -4", budget, "is negative");
    fails("budget hours 1.234", budget, "too many decimals");
    fails("budget hours sixty", budget, "a number of hours");
    fails("budget spend 12.50", budget, "not a whole number");
    fails("budget spend 10000000000000", budget, "too large");
    fails("budget spend", budget, "an amount in whole currency units");
    fails("budget hours 6 hours 7", budget, "`hours` is given twice");
    fails("budget spend 6 spend 7", budget, "`spend` is given twice");
    fails(
        "budget quarter 2026Q4 quarter 2026Q3",
        budget,
        "given twice",
    );
    fails(
        "budget quarter Q4",
        budget,
        "a quarter after `quarter`, like 2026Q4",
    );
    fails("budget hours 6 for Atlas", budget, "didn't expect");
    fails(
        "budget team:Atlas team:Zephyr hours 6",
        budget,
        "`team:` is given twice",
    );
}

#[test]
fn a_workspace_s_own_event_sources() {
    use cadence::domain::event::Source;
    assert_eq!(
        ok("source add jira"),
        Command::SourceAdd { kind: Source::Jira }
    );
    assert_eq!(
        ok("source add GitHub"),
        Command::SourceAdd {
            kind: Source::Github
        }
    );
    assert_eq!(ok("source list"), Command::SourceList);
    assert_eq!(
        ok("source rotate s4k2m9q7x1c3v8b6"),
        Command::SourceRotate {
            id: "s4k2m9q7x1c3v8b6".into()
        }
    );
    assert_eq!(
        ok("source remove s4k2m9q7x1c3v8b6"),
        Command::SourceRemove {
            id: "s4k2m9q7x1c3v8b6".into()
        }
    );
    fails(
        "source add",
        Some(Subcommand::SourceAdd),
        "the kind of source",
    );
    fails(
        "source add teams",
        Some(Subcommand::SourceAdd),
        "jira, github, linear, zoom or generic",
    );
    fails(
        "source add jira now",
        Some(Subcommand::SourceAdd),
        "didn't expect",
    );
    fails(
        "source rotate",
        Some(Subcommand::SourceRotate),
        "the source's id",
    );
    fails(
        "source rotate S4K2",
        Some(Subcommand::SourceRotate),
        "the source's id",
    );
    fails(
        "source remove a-b",
        Some(Subcommand::SourceRemove),
        "the source's id",
    );
}
