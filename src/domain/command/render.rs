//! Writes a [`CommandLine`] back as `/cadence` command text, in the escaped form Slack sends.
//!
//! The output is canonical: lower-case keywords, every name and free text in double quotes with
//! `"`, `“`, `”` and `\` backslash-escaped and `&`, `<`, `>` written as `&amp;`, `&lt;`, `&gt;`,
//! mentions as `<@ID|label>`, channels as `<#ID|label>`, dates in ISO form, hours as the shortest
//! decimal (`6`, `6.5`, `0.25`), ritual kinds and triggers in their canonical form (a trigger's
//! conditions before its event, `&` and `<` as entities), and `team:"name"` last. Because quoted text never contains a raw
//! `<`, the parser reads it back verbatim, so `parse(&line.to_string()) == Ok(line)` for every
//! line the parser can produce. The text is also what a reply shows to echo what was recorded.

use std::fmt::{self, Display, Formatter, Write as _};

use super::{
    ChannelRef, Command, CommandLine, DateRange, Hours, MembershipChange, Nudge, Period, UserRef,
};

impl Display for CommandLine {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.command)?;
        if let Some(team) = &self.team {
            write!(f, " team:{}", Quoted(team))?;
        }
        Ok(())
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        (self.subcommand().spec().render)(self, f)
    }
}

/// Writes `help`.
pub(super) fn help(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Help { topic } = command else {
        return Ok(());
    };
    f.write_str("help")?;
    optional(f, topic)
}

/// Writes `gap`.
pub(super) fn gap(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Gap { person, capability } = command else {
        return Ok(());
    };
    write!(f, "gap {} {}", Mention(person), Quoted(capability))
}

/// Writes `coach`.
pub(super) fn coach(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Coach {
        person,
        capability,
        note,
    } = command
    else {
        return Ok(());
    };
    write!(f, "coach {} {}", Mention(person), Quoted(capability))?;
    optional(f, note)
}

/// Writes `intervene`.
pub(super) fn intervene(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Intervene {
        person,
        capability,
        means,
        due,
    } = command
    else {
        return Ok(());
    };
    write!(
        f,
        "intervene {} {} via {}",
        Mention(person),
        Quoted(capability),
        Quoted(means)
    )?;
    match due {
        Some(due) => write!(f, " by {due}"),
        None => Ok(()),
    }
}

/// Writes `level`.
pub(super) fn level(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Level {
        person,
        capability,
        level,
        evidence,
    } = command
    else {
        return Ok(());
    };
    write!(
        f,
        "level {} {} {level}",
        Mention(person),
        Quoted(capability)
    )?;
    optional(f, evidence)
}

/// Writes `certify`.
pub(super) fn certify(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Certify {
        person,
        capability,
        evidence,
    } = command
    else {
        return Ok(());
    };
    write!(f, "certify {} {}", Mention(person), Quoted(capability))?;
    optional(f, evidence)
}

/// Writes `approve`.
pub(super) fn approve(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Approve { person, track } = command else {
        return Ok(());
    };
    write!(f, "approve {} track {}", Mention(person), Quoted(track))
}

/// Writes `decline`.
pub(super) fn decline(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Decline {
        person,
        track,
        reason,
    } = command
    else {
        return Ok(());
    };
    write!(f, "decline {} track {}", Mention(person), Quoted(track))?;
    optional(f, reason)
}

/// Writes `request`.
pub(super) fn request(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Request { track, note } = command else {
        return Ok(());
    };
    write!(f, "request track {}", Quoted(track))?;
    optional(f, note)
}

/// Writes `sequence`.
pub(super) fn sequence(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Sequence {
        family,
        capabilities,
    } = command
    else {
        return Ok(());
    };
    write!(f, "sequence {}:", Quoted(family))?;
    for (i, capability) in capabilities.iter().enumerate() {
        // `>` as Slack sends a typed one.
        let separator = if i == 0 { " " } else { " &gt; " };
        write!(f, "{separator}{}", Quoted(capability))?;
    }
    Ok(())
}

/// Writes `hours`.
pub(super) fn hours(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Hours {
        person,
        hours,
        period,
    } = command
    else {
        return Ok(());
    };
    write!(f, "hours {} {}", Mention(person), Decimal(*hours))?;
    match period {
        Some(Period::Sprint(name)) => write!(f, " sprint {}", Quoted(name)),
        Some(Period::Week(monday)) => write!(f, " week {monday}"),
        None => Ok(()),
    }
}

/// Writes `mastery`.
pub(super) fn mastery(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Mastery {
        capability,
        criteria,
    } = command
    else {
        return Ok(());
    };
    write!(f, "mastery {} {}", Quoted(capability), Quoted(criteria))
}

/// Writes `target`.
pub(super) fn target(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Target { capability, count } = command else {
        return Ok(());
    };
    write!(f, "target {} {count}", Quoted(capability))
}

/// Writes `away`.
pub(super) fn away(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Away { person, dates } = command else {
        return Ok(());
    };
    write!(f, "away {} {}", Mention(person), Range(*dates))
}

/// Writes `commission`.
pub(super) fn commission(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Commission {
        title,
        budget,
        capability,
    } = command
    else {
        return Ok(());
    };
    write!(f, "commission {}", Quoted(title))?;
    if let Some(budget) = budget {
        write!(f, " budget {budget}")?;
    }
    if let Some(capability) = capability {
        write!(f, " for {}", Quoted(capability))?;
    }
    Ok(())
}

/// Writes `coverage`.
pub(super) fn coverage(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::Coverage { capability } = command else {
        return Ok(());
    };
    f.write_str("coverage")?;
    optional(f, capability)
}

/// Writes `team create`.
pub(super) fn team_create(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::TeamCreate {
        name,
        managers,
        members,
        tz,
        channel,
    } = command
    else {
        return Ok(());
    };
    write!(f, "team create {}", Quoted(name))?;
    people(f, "managers", managers)?;
    people(f, "members", members)?;
    if let Some(tz) = tz {
        write!(f, " tz {}", tz.name())?;
    }
    if let Some(channel) = channel {
        write!(f, " channel {}", Channel(channel))?;
    }
    Ok(())
}

/// Writes `team members`.
pub(super) fn team_members(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::TeamMembers {
        change,
        people: who,
    } = command
    else {
        return Ok(());
    };
    let word = match change {
        MembershipChange::Add => "add",
        MembershipChange::Remove => "remove",
        MembershipChange::Managers => "managers",
    };
    write!(f, "team {word}")?;
    for person in who {
        write!(f, " {}", Mention(person))?;
    }
    Ok(())
}

/// Writes `capability add`.
pub(super) fn capability_add(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::CapabilityAdd {
        name,
        description,
        family,
    } = command
    else {
        return Ok(());
    };
    write!(f, "capability add {}", Quoted(name))?;
    optional(f, description)?;
    if let Some(family) = family {
        write!(f, " family:{}", Quoted(family))?;
    }
    Ok(())
}

/// Writes `ritual add`.
pub(super) fn ritual_add(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::RitualAdd {
        kind,
        channel,
        triggers,
        schedule,
        before,
        name,
        nudge,
    } = command
    else {
        return Ok(());
    };
    write!(f, "ritual add {kind}")?;
    if let Some(channel) = channel {
        write!(f, " {}", Channel(channel))?;
    }
    if !triggers.is_empty() {
        f.write_str(" on")?;
    }
    for trigger in triggers {
        // A trigger is a bare word; the parser has made sure it holds no space or
        // quote, and the entities keep a `<` in a value from reading as markup.
        f.write_char(' ')?;
        escape_entities(f, &trigger.to_string())?;
    }
    if let Some(schedule) = schedule {
        write!(f, " every {}", Quoted(schedule))?;
    }
    if let Some(before) = before {
        write!(f, " before {before}")?;
    }
    if let Some(name) = name {
        write!(f, " name {}", Quoted(name))?;
    }
    match nudge {
        Some(Nudge::Off) => f.write_str(" nudge off"),
        Some(Nudge::AfterMinutes(minutes)) => write!(f, " nudge {minutes}"),
        None => Ok(()),
    }
}

/// Writes `ritual pause`.
pub(super) fn ritual_pause(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::RitualPause { id } = command else {
        return Ok(());
    };
    write!(f, "ritual pause {id}")
}

/// Writes `ritual resume`.
pub(super) fn ritual_resume(command: &Command, f: &mut Formatter<'_>) -> fmt::Result {
    let Command::RitualResume { id } = command else {
        return Ok(());
    };
    write!(f, "ritual resume {id}")
}

/// Writes ` "text"` when there is text.
fn optional(f: &mut Formatter<'_>, text: &Option<String>) -> fmt::Result {
    match text {
        Some(text) => write!(f, " {}", Quoted(text)),
        None => Ok(()),
    }
}

/// Writes ` keyword <@A> <@B>` when there are people.
fn people(f: &mut Formatter<'_>, keyword: &str, who: &[UserRef]) -> fmt::Result {
    if who.is_empty() {
        return Ok(());
    }
    f.write_str(" ")?;
    f.write_str(keyword)?;
    for person in who {
        write!(f, " {}", Mention(person))?;
    }
    Ok(())
}

/// Writes text with `&`, `<`, `>` as the entities Slack uses, so no raw `<` or `>` reaches the
/// wire; inside a mention label that also keeps the `>` from closing the mention early.
fn escape_entities(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '&' => f.write_str("&amp;")?,
            '<' => f.write_str("&lt;")?,
            '>' => f.write_str("&gt;")?,
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

/// A name or free text, written as a double-quoted string.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                // Every quote character ends a string (autocorrect's curly ones too), so all three
                // are escaped; the backslash is escaped so a text ending in `\` stays closed.
                '"' | '\u{201C}' | '\u{201D}' | '\\' => {
                    f.write_char('\\')?;
                    f.write_char(c)?;
                }
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// A user mention as Slack sends it: `<@U123|alice>` or `<@U123>`.
pub(crate) struct Mention<'a>(pub(crate) &'a UserRef);

impl Display for Mention<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "<@{}", self.0.id)?;
        if let Some(label) = &self.0.label {
            f.write_char('|')?;
            escape_entities(f, label)?;
        }
        f.write_char('>')
    }
}

/// A channel as Slack sends it: `<#C123|team-atlas>` or `<#C123>`.
pub(crate) struct Channel<'a>(pub(crate) &'a ChannelRef);

impl Display for Channel<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "<#{}", self.0.id)?;
        if let Some(label) = &self.0.label {
            f.write_char('|')?;
            escape_entities(f, label)?;
        }
        f.write_char('>')
    }
}

/// Hours as the shortest decimal: `6`, `6.5`, `0.25`.
pub(crate) struct Decimal(pub(crate) Hours);

impl Display for Decimal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let whole = self.0.centi / 100;
        let cents = self.0.centi % 100;
        match (cents, cents % 10) {
            (0, _) => write!(f, "{whole}"),
            (_, 0) => write!(f, "{whole}.{}", cents / 10),
            _ => write!(f, "{whole}.{cents:02}"),
        }
    }
}

/// A date range: one date when it is one day, else `from..to`.
pub(crate) struct Range(pub(crate) DateRange);

impl Display for Range {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.from == self.0.to {
            write!(f, "{}", self.0.from)
        } else {
            write!(f, "{}..{}", self.0.from, self.0.to)
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::Level;
    use crate::domain::command::parse;
    use crate::domain::event::Selector;
    use crate::domain::ritual::RitualKind;

    fn selector(text: &str) -> Selector {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn alice() -> UserRef {
        UserRef {
            id: "U1".into(),
            label: Some("alice".into()),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn line(command: Command) -> CommandLine {
        CommandLine {
            team: None,
            command,
        }
    }

    #[test]
    fn hours_use_the_shortest_decimal() {
        let shown = |centi| Decimal(Hours { centi }).to_string();
        assert_eq!(shown(600), "6");
        assert_eq!(shown(650), "6.5");
        assert_eq!(shown(25), "0.25");
        assert_eq!(shown(5), "0.05");
        assert_eq!(shown(0), "0");
        assert_eq!(shown(100_000), "1000");
    }

    #[test]
    fn quoted_text_escapes_quotes_backslashes_and_entities() {
        assert_eq!(
            Quoted(r#"a "b" \ “c” & <d>"#).to_string(),
            r#""a \"b\" \\ \“c\” &amp; &lt;d&gt;""#
        );
    }

    #[test]
    fn mentions_escape_their_labels() {
        let user = UserRef {
            id: "U9".into(),
            label: Some("a>b & c".into()),
        };
        assert_eq!(Mention(&user).to_string(), "<@U9|a&gt;b &amp; c>");
        let bare = UserRef {
            id: "U9".into(),
            label: None,
        };
        assert_eq!(Mention(&bare).to_string(), "<@U9>");
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
            assert_eq!(value.to_string(), text);
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
        assert_eq!(parse(&value.to_string()), Ok(value));
    }
}
