//! Property tests for the `/cadence` command grammar (`cadence::domain::command`).
//!
//! Three properties: `parse` never panics on any text (arbitrary unicode, and text stitched from
//! the grammar's own pieces so the deep paths are reached); every `CommandLine` the parser can
//! produce survives `parse(&line.to_command_text())` unchanged (and through Slack's markup); and the canonical text of anything that
//! parses is a fixed point. The generators below only build values the parser can produce: names
//! non-empty, trimmed, on one line and within the length limits; free text trimmed and within its
//! limit; mention and channel ids of `[A-Z0-9]`; no duplicate people in a list or capabilities in
//! a sequence; `week` dates on Mondays; hours, targets and budgets within their limits; ritual
//! triggers that `Selector` reads back (lower-case keys and events, values free of the selector's
//! and the grammar's punctuation), none picking the same events as another; nudges of 1 to
//! `NUDGE_MAX_MINUTES` minutes and ritual ids of 1 to `RITUAL_ID_MAX`.

use cadence::domain::command::{
    BUDGET_HOURS_MAX, BUDGET_MAX, ChannelRef, Command, CommandLine, DateRange, HOURS_MAX, Hours,
    MembershipChange, NAME_MAX_CHARS, NUDGE_MAX_MINUTES, Nudge, Period, RITUAL_ID_MAX, TARGET_MAX,
    TEXT_MAX_CHARS, UserRef, display_text,
};
use cadence::domain::event::{Condition, Selector, Source, Test as ConditionTest};
use cadence::domain::outcomes::Quarter;
use cadence::domain::pace::Pace;
use cadence::domain::ritual::RitualKind;
use cadence::domain::settings::OverBudget;
use cadence::domain::{Level, name_key};
use cadence::platform::slack::command_text::{command_text, slack_text};
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;

/// Reads `text` as the service reads a Slack slash command.
fn parse(text: &str) -> Result<CommandLine, cadence::domain::command::ParseError> {
    cadence::domain::command::parse(&command_text(text))
}

/// Characters that stress the escaping: entities' and quotes' characters, `\`, `|`, `:`, `@`,
/// `#`, non-ASCII letters, emoji and unusual spaces, among ordinary letters.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        2 => proptest::char::range('0', '9'),
        3 => Just(' '),
        5 => prop::sample::select(vec![
            '&', '<', '>', '"', '\\', '“', '”', '\'', '’', '|', ':', '@', '#', '-', '_', '.', ',',
            '!', '?', '/', '(', ')', '^', '*', '`', '~', '$', '%', '=', '+', '[', ']', '{', '}',
            ';', 'é', 'ß', 'ø', 'Ж', '日', '本', '🚀', '😀', '→', '\u{a0}', '\u{3000}',
        ]),
    ]
}

/// Pieces of text that look like markup, entities or grammar, to be taken literally inside a name.
fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => text_char().prop_map(String::from),
        1 => prop::sample::select(vec![
            "&amp;", "&lt;", "&gt;", "<@U1|x>", "<#C1>", "<https://a.b|c>", "<!here>", "\\\"",
            "\\\\", "\\", "team:", "family:", "a:", " > ", "..", "2026-12-01", "via", "by",
        ])
        .prop_map(String::from),
    ]
}

/// A name as the parser produces one: trimmed, non-empty, one line, at most the name limit.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(text_piece(), 1..30)
        .prop_map(|pieces| {
            let name: String = pieces
                .concat()
                .trim()
                .chars()
                .take(NAME_MAX_CHARS)
                .collect();
            name.trim().to_owned()
        })
        .prop_filter("names are not empty", |name| !name.is_empty())
}

/// Free text as the parser produces it: trimmed, non-empty, may span lines.
fn free_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        10 => text_piece(),
        1 => prop::sample::select(vec!["\n", "\t", "\r\n"]).prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..60)
        .prop_map(|pieces| {
            let text: String = pieces
                .concat()
                .trim()
                .chars()
                .take(TEXT_MAX_CHARS)
                .collect();
            text.trim().to_owned()
        })
        .prop_filter("text is not empty", |text| !text.is_empty())
}

/// A label Slack may show with a mention or channel: anything, kept verbatim.
fn label() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::collection::vec(text_piece(), 1..12).prop_map(|pieces| pieces.concat()))
}

fn user() -> impl Strategy<Value = UserRef> {
    ("[UW][A-Z0-9]{1,10}", label()).prop_map(|(id, label)| UserRef { id, label })
}

fn channel() -> impl Strategy<Value = ChannelRef> {
    ("[CG][A-Z0-9]{1,10}", label()).prop_map(|(id, label)| ChannelRef { id, label })
}

/// People with distinct ids, as the parser requires within one list.
fn people(min: usize) -> impl Strategy<Value = Vec<UserRef>> {
    prop::collection::vec(user(), min..5).prop_map(|mut people| {
        let mut seen = Vec::new();
        people.retain(|p| {
            let fresh = !seen.contains(&p.id);
            seen.push(p.id.clone());
            fresh
        });
        people
    })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
    (0u64..365 * 150).prop_map(move |d| base.checked_add_days(Days::new(d)).unwrap_or(base))
}

fn monday() -> impl Strategy<Value = NaiveDate> {
    date().prop_map(|d| {
        let back = u64::from(d.weekday().num_days_from_monday());
        d.checked_sub_days(Days::new(back)).unwrap_or(d)
    })
}

fn range() -> impl Strategy<Value = DateRange> {
    (date(), 0u64..60).prop_map(|(from, len)| DateRange {
        from,
        to: from.checked_add_days(Days::new(len)).unwrap_or(from),
    })
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

fn tz() -> impl Strategy<Value = chrono_tz::Tz> {
    prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec())
}

/// Capabilities for a sequence: at least one, none twice by the parser's name key.
fn sequence_steps() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 1..6).prop_map(|mut steps| {
        let mut seen = Vec::new();
        steps.retain(|s| {
            let key = name_key(s);
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        });
        steps
    })
}

/// A trigger built from its parts, so every one is a selector the parser accepts: a source, an
/// event name (for a calendar feed, `started` or `ended` and its `feed=`), and up to two
/// conditions whose values hold no `:`, `=`, `~`, space, `&`, `<`, `>`
/// or quote. `Display` writes the conditions before the event.
fn selector() -> impl Strategy<Value = Selector> {
    let condition =
        ("[a-z]{1,8}", any::<bool>(), "[A-Za-z0-9_.-]{1,12}").prop_map(|(key, equals, value)| {
            Condition {
                key,
                test: if equals {
                    ConditionTest::Equals
                } else {
                    ConditionTest::Contains
                },
                value,
            }
        });
    (
        prop::sample::select(Source::ALL.to_vec()),
        "[a-z][a-z_]{0,15}",
        prop::collection::vec(condition, 0..=2),
    )
        .prop_map(|(source, event, mut conditions)| {
            if source != Source::Ics {
                return Selector {
                    source,
                    event,
                    conditions,
                };
            }
            // A calendar feed's selector names its feed and picks `started` or `ended`.
            let event = ["started", "ended"][event.len() % 2].to_owned();
            conditions.insert(
                0,
                Condition {
                    key: "feed".to_owned(),
                    test: ConditionTest::Equals,
                    value: "team".to_owned(),
                },
            );
            Selector {
                source,
                event,
                conditions,
            }
        })
}

/// What the parser compares triggers by: source, event and the set of conditions, values
/// ignoring case. Two triggers with the same key pick the same events and are refused.
fn trigger_key(selector: &Selector) -> (Source, String, Vec<(String, bool, String)>) {
    let mut conditions: Vec<(String, bool, String)> = selector
        .conditions
        .iter()
        .map(|c| {
            (
                c.key.clone(),
                c.test == ConditionTest::Equals,
                c.value.to_lowercase(),
            )
        })
        .collect();
    conditions.sort();
    conditions.dedup();
    (selector.source, selector.event.clone(), conditions)
}

/// Triggers for a ritual: at least one, none picking the same events as another.
fn triggers() -> impl Strategy<Value = Vec<Selector>> {
    prop::collection::vec(selector(), 1..5).prop_map(|mut triggers| {
        let mut seen = Vec::new();
        triggers.retain(|t| {
            let key = trigger_key(t);
            let fresh = !seen.contains(&key);
            seen.push(key);
            fresh
        });
        triggers
    })
}

fn nudge() -> impl Strategy<Value = Nudge> {
    prop_oneof![
        Just(Nudge::Off),
        (1..=NUDGE_MAX_MINUTES).prop_map(Nudge::AfterMinutes),
    ]
}

fn ritual_id() -> impl Strategy<Value = u64> {
    prop_oneof![1..=100u64, 1..=RITUAL_ID_MAX]
}

fn command() -> impl Strategy<Value = Command> {
    let opt_text = || prop::option::of(free_text());
    prop_oneof![
        prop::option::of(name()).prop_map(|topic| Command::Help { topic }),
        (user(), name()).prop_map(|(person, capability)| Command::Gap { person, capability }),
        (user(), name(), opt_text()).prop_map(|(person, capability, note)| Command::Coach {
            person,
            capability,
            note
        }),
        (user(), name(), free_text(), prop::option::of(date())).prop_map(
            |(person, capability, means, due)| Command::Intervene {
                person,
                capability,
                means,
                due
            }
        ),
        (user(), name(), level(), opt_text()).prop_map(|(person, capability, level, evidence)| {
            Command::Level {
                person,
                capability,
                level,
                evidence,
            }
        }),
        (user(), name(), opt_text()).prop_map(|(person, capability, evidence)| {
            Command::Certify {
                person,
                capability,
                evidence,
            }
        }),
        (user(), name()).prop_map(|(person, track)| Command::Approve { person, track }),
        (user(), name(), opt_text()).prop_map(|(person, track, reason)| Command::Decline {
            person,
            track,
            reason
        }),
        (name(), opt_text()).prop_map(|(track, note)| Command::Request { track, note }),
        (name(), sequence_steps()).prop_map(|(family, capabilities)| Command::Sequence {
            family,
            capabilities
        }),
        (
            user(),
            0..=HOURS_MAX * 100,
            prop::option::of(prop_oneof![
                name().prop_map(Period::Sprint),
                monday().prop_map(Period::Week),
            ])
        )
            .prop_map(|(person, centi, period)| Command::Hours {
                person,
                hours: Hours { centi },
                period
            }),
        (name(), free_text()).prop_map(|(capability, criteria)| Command::Mastery {
            capability,
            criteria
        }),
        (name(), 0..=TARGET_MAX)
            .prop_map(|(capability, count)| Command::Target { capability, count }),
        (user(), range()).prop_map(|(person, dates)| Command::Away { person, dates }),
        (
            name(),
            prop::option::of(0..=BUDGET_MAX),
            prop::option::of(name())
        )
            .prop_map(|(title, budget, capability)| Command::Commission {
                title,
                budget,
                capability
            }),
        prop::option::of(name()).prop_map(|capability| Command::Coverage { capability }),
        Just(Command::Me),
        (
            name(),
            people(0),
            people(0),
            prop::option::of(tz()),
            prop::option::of(channel())
        )
            .prop_map(
                |(name, managers, members, tz, channel)| Command::TeamCreate {
                    name,
                    managers,
                    members,
                    tz,
                    channel
                }
            ),
        (
            prop::sample::select(vec![
                MembershipChange::Add,
                MembershipChange::Remove,
                MembershipChange::Managers
            ]),
            people(1)
        )
            .prop_map(|(change, people)| Command::TeamMembers { change, people }),
        (name(), opt_text(), prop::option::of(name())).prop_map(|(name, description, family)| {
            Command::CapabilityAdd {
                name,
                description,
                family,
            }
        }),
        (
            prop::sample::select(RitualKind::ALL.to_vec()),
            prop::option::of(channel()),
            triggers(),
            prop::option::of((schedule(), prop::option::of(1u32..=10_080))),
            prop::option::of(name()),
            prop::option::of(nudge())
        )
            .prop_map(|(kind, channel, triggers, timing, name, nudge)| {
                Command::RitualAdd {
                    kind,
                    channel,
                    triggers,
                    schedule: timing.as_ref().map(|(schedule, _)| schedule.clone()),
                    before: timing.and_then(|(_, before)| before),
                    name,
                    nudge,
                }
            }),
        Just(Command::RitualList),
        ritual_id().prop_map(|id| Command::RitualPause { id }),
        ritual_id().prop_map(|id| Command::RitualResume { id }),
        Just(Command::Undo),
        Just(Command::Audit),
        (prop::option::of(name()), prop::option::of(quarter()))
            .prop_map(|(family, quarter)| Command::Org { family, quarter }),
        (prop::option::of(user()), prop::option::of(quarter()))
            .prop_map(|(manager, quarter)| Command::Scorecard { manager, quarter }),
        (
            name(),
            prop::collection::vec(name(), 1..4),
            prop::option::of(pace())
        )
            .prop_filter("modules once each", |(_, modules, _)| distinct(modules))
            .prop_map(|(track, modules, pace)| Command::TrackCompose {
                track,
                modules,
                pace
            }),
        (name(), prop::collection::vec(name(), 1..4))
            .prop_filter("modules once each", |(_, modules)| distinct(modules))
            .prop_map(|(track, modules)| Command::TrackOrder { track, modules }),
        (prop::option::of(user()), name(), pace()).prop_map(|(person, track, pace)| {
            Command::Pace {
                person,
                track,
                pace,
            }
        }),
        (prop::option::of(user()), name())
            .prop_map(|(person, module)| Command::Done { person, module }),
        (
            prop::option::of(channel()),
            prop::option::of(prop::sample::select(vec!["EUR", "USD", "GBP", "JPY"])),
            prop::option::of(prop::sample::select(vec![
                OverBudget::Refuse,
                OverBudget::Request
            ]))
        )
            .prop_map(|(ld_channel, currency, over_budget)| Command::Settings {
                ld_channel,
                currency: currency.map(str::to_owned),
                over_budget,
            }),
        (
            name(),
            name(),
            prop::option::of(1..=HOURS_MAX * 100),
            prop::option::of(link()),
            prop::option::of(prop::sample::select(vec![
                Level::Learning,
                Level::Practising,
                Level::Mastery
            ]))
        )
            .prop_map(
                |(title, capability, hours, link, level)| Command::ModuleAdd {
                    title,
                    capability,
                    hours: hours.map(|centi| Hours { centi }),
                    link,
                    level,
                }
            ),
        prop::option::of(name()).prop_map(|capability| Command::ModuleList { capability }),
        name().prop_map(|title| Command::ModuleRetire { title }),
        name().prop_map(|title| Command::ModuleApprove { title }),
        (
            prop::option::of(0..=BUDGET_HOURS_MAX * 100),
            prop::option::of(0..=BUDGET_MAX),
            prop::option::of(quarter())
        )
            .prop_map(|(hours, spend, quarter)| Command::Budget {
                hours: hours.map(|centi| Hours { centi }),
                spend,
                quarter,
            }),
        prop::sample::select(vec![
            Source::Jira,
            Source::Github,
            Source::Linear,
            Source::Zoom,
            Source::Generic
        ])
        .prop_map(|kind| Command::SourceAdd { kind }),
        Just(Command::SourceList),
        "s[a-z0-9]{15}".prop_map(|id| Command::SourceRotate { id }),
        "[a-z0-9]{1,40}".prop_map(|id| Command::SourceRemove { id }),
    ]
}

/// Paces as people write them.
fn pace() -> impl Strategy<Value = Pace> {
    (1u32..=10, prop::bool::ANY).prop_filter_map("a pace that reads", |(n, week)| {
        format!("{n}/{}", if week { "week" } else { "sprint" })
            .parse()
            .ok()
    })
}

/// Whether no two names are the same name.
fn distinct(names: &[String]) -> bool {
    let keys: std::collections::HashSet<String> = names.iter().map(|n| name_key(n)).collect();
    keys.len() == names.len()
}

/// Links as the library keeps them: http(s) addresses with a host, a path and a query, none of
/// the characters a link must percent-encode.
fn link() -> impl Strategy<Value = String> {
    "https?://[a-z0-9]{1,8}(\\.[a-z]{2,6}){1,2}(/[A-Za-z0-9._~()-]{0,12}){0,3}(\\?[a-z]{1,4}=[A-Za-z0-9]{0,4}(&[a-z]{1,4}=[0-9]{1,3}){0,2})?(#[a-z]{0,6})?"
}

/// Quarters as people write them.
fn quarter() -> impl Strategy<Value = Quarter> {
    (1970i32..=9999, 1u32..=4).prop_filter_map("a quarter that reads", |(year, number)| {
        format!("{year}Q{number}").parse().ok()
    })
}

/// Schedules as people write them (the grammar checks them with the cron reader).
fn schedule() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "0 9 * * MON",
        "0 10 1-7 1,4,7,10 TUE",
        "*/30 8-17 * * MON-FRI",
        "15 16 * * FRI",
    ])
    .prop_map(str::to_owned)
}

fn command_line() -> impl Strategy<Value = CommandLine> {
    (prop::option::of(name()), command()).prop_map(|(team, command)| CommandLine { team, command })
}

/// Text stitched from the grammar's own words and markup, valid or not, so the parser's deeper
/// paths see odd combinations rather than only failing on the first word.
fn grammar_soup() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "help",
        "gap",
        "coach",
        "intervene",
        "level",
        "certify",
        "approve",
        "decline",
        "request",
        "sequence",
        "hours",
        "mastery",
        "target",
        "away",
        "commission",
        "coverage",
        "me",
        "team",
        "capability",
        "create",
        "add",
        "remove",
        "managers",
        "members",
        "tz",
        "channel",
        "via",
        "by",
        "track",
        "sprint",
        "week",
        "budget",
        "for",
        "mastery",
        "practicing",
        "none",
        "<@U1|alice>",
        "<@U2>",
        "<@U3|Bob &amp; Co>",
        "@bob",
        "<#C1|team-atlas>",
        "<#C2>",
        "#atlas",
        "<!here>",
        "<!subteam^S1|@devs>",
        "<https://x.io/a?b=1&amp;c=2|doc>",
        "<mailto:a@b.c>",
        "\"run EBR\"",
        "“curly”",
        "\"",
        "“",
        "”",
        "\\\"",
        "\\",
        "\"\"",
        "2026-12-15",
        "2026-02-30",
        "2026-12-01..2026-12-14",
        "2026-12-14..2026-12-01",
        "2026-11-30",
        "6",
        "1.5",
        "0.25",
        "1.255",
        "-3",
        "2,000",
        "10001",
        "4",
        "&gt;",
        ">",
        "<",
        "&amp;",
        "&lt;",
        "&",
        "team:Atlas",
        "team:\"Team Atlas\"",
        "team:",
        "family:x",
        "family:\"account exec\"",
        "backend:",
        "\"two words\":",
        ":",
        "|",
        "Europe/London",
        "europe/london",
        "Mars/Base",
        "日本",
        "🚀",
        "<",
        "<@",
        "<#",
        "<!",
        "<@ U1>",
        "a&gt;b",
        "ritual",
        "rituals",
        "list",
        "pause",
        "resume",
        "on",
        "name",
        "nudge",
        "off",
        "retro",
        "one_on_one",
        "1:1",
        "jira:board=12:sprint_closed",
        "JIRA:BOARD=12:Sprint_Closed",
        "zoom:topic~Pipeline:meeting_ended",
        "zoom:meeting_ended:topic~pipeline",
        "teams:meeting_ended",
        "jira:",
        "jira:board=12",
        "trello:x",
        "jira:a:b",
        "jira::x",
        "generic:x=a&amp;b:y",
        "0",
        "120",
        "10081",
        "#3",
        "9223372036854775808",
        "module",
        "modules",
        "source",
        "add jira",
        "rotate",
        "s4k2m9q7x1c3v8b6",
        "hours",
        "link",
        "level",
        "https://lms.example.com/c/1?a=1&amp;b=2",
        "<https://lms.example.com/c/1>",
        "http://x",
        "ftp://x.io",
        "practicing",
        "0",
    ]);
    // Mostly start with a real subcommand, so the soup gets past the first word.
    let start = prop::sample::select(vec![
        "",
        "help ",
        "gap ",
        "coach ",
        "intervene ",
        "level ",
        "certify ",
        "approve ",
        "decline ",
        "request ",
        "sequence ",
        "hours ",
        "mastery ",
        "target ",
        "away ",
        "commission ",
        "coverage ",
        "me ",
        "team create ",
        "team add ",
        "team remove ",
        "team managers ",
        "capability add ",
        "Team:x gap ",
        "ritual add ",
        "ritual add retro <#C1|team-atlas> on ",
        "ritual add retro <#C1|team-atlas> on jira:sprint_closed ",
        "ritual list ",
        "ritual pause ",
        "ritual resume ",
        "module add ",
        "module add \"x\" for ",
        "module list ",
        "module retire ",
        "module approve ",
    ]);
    let separator = prop::sample::select(vec![" ", " ", " ", "", "  ", "\n", "\t"]);
    (start, prop::collection::vec((fragment, separator), 0..10)).prop_map(|(start, parts)| {
        let mut text = start.to_owned();
        for (fragment, separator) in parts {
            text.push_str(fragment);
            text.push_str(separator);
        }
        text
    })
}

/// Checks what must hold of any parse result: no panic (by getting here), an error offset
/// within the display text, and the canonical text of a success parsing back to the same value.
fn check_any(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(line) => {
            let canonical = slack_text(&line.to_command_text());
            prop_assert_eq!(
                parse(&canonical),
                Ok(line),
                "canonical text: {:?}",
                canonical
            );
        }
        Err(error) => {
            let len = display_text(&command_text(text)).chars().count();
            prop_assert!(
                error.at.is_none_or(|at| at <= len),
                "offset {:?} past the display text ({} chars)",
                error.at,
                len
            );
            prop_assert!(!error.message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn parse_never_panics_on_arbitrary_strings(text in any::<String>()) {
        check_any(&text)?;
    }

    #[test]
    fn parse_never_panics_on_markup_heavy_strings(text in "[<>&|\"“”\\\\@#!:;a-z0-9 .^-]{0,80}") {
        check_any(&text)?;
    }

    #[test]
    fn parse_never_panics_on_grammar_soup(text in grammar_soup()) {
        check_any(&text)?;
    }

    #[test]
    fn rendered_command_lines_parse_back_to_themselves(line in command_line()) {
        let pieces = line.to_command_text();
        prop_assert_eq!(cadence::domain::command::parse(&pieces), Ok(line.clone()), "pieces: {:?}", pieces);
        // And through Slack's markup, as a slash command would arrive.
        let text = slack_text(&pieces);
        prop_assert_eq!(parse(&text), Ok(line), "text: {:?}", text);
    }
}
