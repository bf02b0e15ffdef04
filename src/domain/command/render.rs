//! Writes a [`CommandLine`] back as command text, in pieces.
//!
//! The output is canonical: lower-case keywords, every name and free text in double quotes with
//! `"`, `“`, `”` and `\` backslash-escaped, people and channels as resolved pieces, dates in ISO
//! form, hours as the shortest decimal (`6`, `6.5`, `0.25`), ritual kinds and triggers in their
//! canonical form (a trigger's conditions before its event), and `team:"name"` last, so
//! `parse(&line.to_command_text()) == Ok(line)` for every line the parser can produce. Shown as
//! text (`Display`), it is what a reply echoes of what was recorded.

use std::fmt::{self, Display, Formatter, Write as _};

use super::text::{CommandText, Piece};
use super::{
    ChannelRef, Command, CommandLine, DateRange, Hours, MembershipChange, Nudge, Period, UserRef,
};

impl CommandLine {
    /// The command as it is typed, in pieces, for the parser to read back.
    pub fn to_command_text(&self) -> CommandText {
        let mut w = Writer::default();
        // Writing to a `Writer` cannot fail.
        let _ = (self.command.subcommand().spec().render)(&self.command, &mut w);
        if let Some(team) = &self.team {
            let _ = write!(w, " team:{}", Quoted(team));
        }
        w.text
    }
}

impl Command {
    /// The command as it is typed, in pieces.
    pub fn to_command_text(&self) -> CommandText {
        let mut w = Writer::default();
        let _ = (self.subcommand().spec().render)(self, &mut w);
        w.text
    }
}

impl Display for CommandLine {
    /// The command as the person would see it: `@alice` for a mention.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_command_text().shown())
    }
}

impl Display for Command {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_command_text().shown())
    }
}

/// Collects a command's pieces: typed text through `write!`, people and channels as pieces.
#[derive(Debug, Default)]
pub(super) struct Writer {
    text: CommandText,
}

impl Writer {
    /// Appends a person as a resolved mention.
    fn mention(&mut self, user: &UserRef) {
        self.text.push(Piece::Mention(user.clone()));
    }

    /// Appends a resolved channel.
    fn channel(&mut self, channel: &ChannelRef) {
        self.text.push(Piece::Channel(channel.clone()));
    }
}

impl fmt::Write for Writer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

/// Writes `help`.
pub(super) fn help(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Help { topic } = command else {
        return Ok(());
    };
    w.write_str("help")?;
    optional(w, topic)
}

/// Writes `gap`.
pub(super) fn gap(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Gap { person, capability } = command else {
        return Ok(());
    };
    write!(w, "gap ")?;
    w.mention(person);
    write!(w, " {}", Quoted(capability))
}

/// Writes `coach`.
pub(super) fn coach(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Coach {
        person,
        capability,
        note,
    } = command
    else {
        return Ok(());
    };
    write!(w, "coach ")?;
    w.mention(person);
    write!(w, " {}", Quoted(capability))?;
    optional(w, note)
}

/// Writes `intervene`.
pub(super) fn intervene(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Intervene {
        person,
        capability,
        means,
        due,
    } = command
    else {
        return Ok(());
    };
    write!(w, "intervene ")?;
    w.mention(person);
    write!(w, " {} via {}", Quoted(capability), Quoted(means))?;
    match due {
        Some(due) => write!(w, " by {due}"),
        None => Ok(()),
    }
}

/// Writes `level`.
pub(super) fn level(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Level {
        person,
        capability,
        level,
        evidence,
    } = command
    else {
        return Ok(());
    };
    write!(w, "level ")?;
    w.mention(person);
    write!(w, " {} {level}", Quoted(capability))?;
    optional(w, evidence)
}

/// Writes `certify`.
pub(super) fn certify(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Certify {
        person,
        capability,
        evidence,
    } = command
    else {
        return Ok(());
    };
    write!(w, "certify ")?;
    w.mention(person);
    write!(w, " {}", Quoted(capability))?;
    optional(w, evidence)
}

/// Writes `approve`.
pub(super) fn approve(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Approve { person, track } = command else {
        return Ok(());
    };
    write!(w, "approve ")?;
    w.mention(person);
    write!(w, " track {}", Quoted(track))
}

/// Writes `decline`.
pub(super) fn decline(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Decline {
        person,
        track,
        reason,
    } = command
    else {
        return Ok(());
    };
    write!(w, "decline ")?;
    w.mention(person);
    write!(w, " track {}", Quoted(track))?;
    optional(w, reason)
}

/// Writes `request`.
pub(super) fn request(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Request { track, note } = command else {
        return Ok(());
    };
    write!(w, "request track {}", Quoted(track))?;
    optional(w, note)
}

/// Writes `sequence`.
pub(super) fn sequence(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Sequence {
        family,
        capabilities,
    } = command
    else {
        return Ok(());
    };
    write!(w, "sequence {}:", Quoted(family))?;
    for (i, capability) in capabilities.iter().enumerate() {
        let separator = if i == 0 { " " } else { " > " };
        write!(w, "{separator}{}", Quoted(capability))?;
    }
    Ok(())
}

/// Writes `hours`.
pub(super) fn hours(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Hours {
        person,
        hours,
        period,
    } = command
    else {
        return Ok(());
    };
    write!(w, "hours ")?;
    w.mention(person);
    write!(w, " {}", Decimal(*hours))?;
    match period {
        Some(Period::Sprint(name)) => write!(w, " sprint {}", Quoted(name)),
        Some(Period::Week(monday)) => write!(w, " week {monday}"),
        None => Ok(()),
    }
}

/// Writes `mastery`.
pub(super) fn mastery(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Mastery {
        capability,
        criteria,
    } = command
    else {
        return Ok(());
    };
    write!(w, "mastery {} {}", Quoted(capability), Quoted(criteria))
}

/// Writes `target`.
pub(super) fn target(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Target { capability, count } = command else {
        return Ok(());
    };
    write!(w, "target {} {count}", Quoted(capability))
}

/// Writes `away`.
pub(super) fn away(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Away { person, dates } = command else {
        return Ok(());
    };
    write!(w, "away ")?;
    w.mention(person);
    write!(w, " {}", Range(*dates))
}

/// Writes `commission`.
pub(super) fn commission(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Commission {
        title,
        budget,
        capability,
    } = command
    else {
        return Ok(());
    };
    write!(w, "commission {}", Quoted(title))?;
    if let Some(budget) = budget {
        write!(w, " budget {budget}")?;
    }
    if let Some(capability) = capability {
        write!(w, " for {}", Quoted(capability))?;
    }
    Ok(())
}

/// Writes `coverage`.
pub(super) fn coverage(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Coverage { capability } = command else {
        return Ok(());
    };
    w.write_str("coverage")?;
    optional(w, capability)
}

/// Writes `team create`.
pub(super) fn team_create(command: &Command, w: &mut Writer) -> fmt::Result {
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
    write!(w, "team create {}", Quoted(name))?;
    people(w, "managers", managers)?;
    people(w, "members", members)?;
    if let Some(tz) = tz {
        write!(w, " tz {}", tz.name())?;
    }
    if let Some(channel) = channel {
        write!(w, " channel ")?;
        w.channel(channel);
    }
    Ok(())
}

/// Writes `team members`.
pub(super) fn team_members(command: &Command, w: &mut Writer) -> fmt::Result {
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
    write!(w, "team {word}")?;
    for person in who {
        w.write_char(' ')?;
        w.mention(person);
    }
    Ok(())
}

/// Writes `capability add`.
pub(super) fn capability_add(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::CapabilityAdd {
        name,
        description,
        family,
    } = command
    else {
        return Ok(());
    };
    write!(w, "capability add {}", Quoted(name))?;
    optional(w, description)?;
    if let Some(family) = family {
        write!(w, " family:{}", Quoted(family))?;
    }
    Ok(())
}

/// Writes `ritual add`.
pub(super) fn ritual_add(command: &Command, w: &mut Writer) -> fmt::Result {
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
    write!(w, "ritual add {kind}")?;
    if let Some(channel) = channel {
        w.write_char(' ')?;
        w.channel(channel);
    }
    if !triggers.is_empty() {
        w.write_str(" on")?;
    }
    for trigger in triggers {
        // A trigger is a bare word; the parser has made sure it holds no space or quote.
        write!(w, " {trigger}")?;
    }
    if let Some(schedule) = schedule {
        write!(w, " every {}", Quoted(schedule))?;
    }
    if let Some(before) = before {
        write!(w, " before {before}")?;
    }
    if let Some(name) = name {
        write!(w, " name {}", Quoted(name))?;
    }
    match nudge {
        Some(Nudge::Off) => w.write_str(" nudge off"),
        Some(Nudge::AfterMinutes(minutes)) => write!(w, " nudge {minutes}"),
        None => Ok(()),
    }
}

/// Writes `ritual pause`.
pub(super) fn ritual_pause(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::RitualPause { id } = command else {
        return Ok(());
    };
    write!(w, "ritual pause {id}")
}

/// Writes `ritual resume`.
pub(super) fn ritual_resume(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::RitualResume { id } = command else {
        return Ok(());
    };
    write!(w, "ritual resume {id}")
}

/// Writes ` "text"` when there is text.
fn optional(w: &mut Writer, text: &Option<String>) -> fmt::Result {
    match text {
        Some(text) => write!(w, " {}", Quoted(text)),
        None => Ok(()),
    }
}

/// Writes ` keyword <@A> <@B>` when there are people.
fn people(w: &mut Writer, keyword: &str, who: &[UserRef]) -> fmt::Result {
    if who.is_empty() {
        return Ok(());
    }
    w.write_str(" ")?;
    w.write_str(keyword)?;
    for person in who {
        w.write_char(' ')?;
        w.mention(person);
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
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
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

/// Writes `org`.
pub(super) fn org(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Org { family, quarter } = command else {
        return Ok(());
    };
    w.write_str("org")?;
    if let Some(family) = family {
        write!(w, " family:{}", Quoted(family))?;
    }
    if let Some(quarter) = quarter {
        write!(w, " quarter {quarter}")?;
    }
    Ok(())
}

/// Writes `scorecard`.
pub(super) fn scorecard(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Scorecard { manager, quarter } = command else {
        return Ok(());
    };
    w.write_str("scorecard")?;
    if let Some(manager) = manager {
        w.write_str(" ")?;
        w.mention(manager);
    }
    if let Some(quarter) = quarter {
        write!(w, " quarter {quarter}")?;
    }
    Ok(())
}

/// Writes `settings`.
pub(super) fn settings(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Settings {
        ld_channel,
        currency,
        over_budget,
    } = command
    else {
        return Ok(());
    };
    w.write_str("settings")?;
    if let Some(channel) = ld_channel {
        w.write_str(" learning-channel ")?;
        w.channel(channel);
    }
    if let Some(currency) = currency {
        write!(w, " currency {currency}")?;
    }
    if let Some(over_budget) = over_budget {
        write!(w, " over-budget {over_budget}")?;
    }
    Ok(())
}

/// Writes `module add`.
pub(super) fn module_add(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::ModuleAdd {
        title,
        capability,
        hours,
        link,
        level,
    } = command
    else {
        return Ok(());
    };
    write!(w, "module add {} for {}", Quoted(title), Quoted(capability))?;
    if let Some(hours) = hours {
        write!(w, " hours {}", Decimal(*hours))?;
    }
    if let Some(link) = link {
        write!(w, " link {}", Quoted(link))?;
    }
    if let Some(level) = level {
        write!(w, " level {level}")?;
    }
    Ok(())
}

/// Writes `module list`.
pub(super) fn module_list(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::ModuleList { capability } = command else {
        return Ok(());
    };
    w.write_str("module list")?;
    match capability {
        Some(capability) => write!(w, " for {}", Quoted(capability)),
        None => Ok(()),
    }
}

/// Writes `module retire` and `module approve`.
pub(super) fn module_state(command: &Command, w: &mut Writer) -> fmt::Result {
    match command {
        Command::ModuleRetire { title } => write!(w, "module retire {}", Quoted(title)),
        Command::ModuleApprove { title } => write!(w, "module approve {}", Quoted(title)),
        _ => Ok(()),
    }
}

/// Writes ` "A" > "B" > "C"`.
fn module_sequence(w: &mut Writer, modules: &[String]) -> fmt::Result {
    for (i, module) in modules.iter().enumerate() {
        if i > 0 {
            w.write_str(" >")?;
        }
        write!(w, " {}", Quoted(module))?;
    }
    Ok(())
}

/// Writes `track "name" modules …`.
pub(super) fn track_compose(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::TrackCompose {
        track,
        modules,
        pace,
    } = command
    else {
        return Ok(());
    };
    write!(w, "track {} modules", Quoted(track))?;
    module_sequence(w, modules)?;
    if let Some(pace) = pace {
        write!(w, " pace {pace}")?;
    }
    Ok(())
}

/// Writes `track order`.
pub(super) fn track_order(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::TrackOrder { track, modules } = command else {
        return Ok(());
    };
    write!(w, "track order {}", Quoted(track))?;
    module_sequence(w, modules)
}

/// Writes `pace`.
pub(super) fn pace(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Pace {
        person,
        track,
        pace,
    } = command
    else {
        return Ok(());
    };
    w.write_str("pace ")?;
    if let Some(person) = person {
        w.mention(person);
        w.write_str(" ")?;
    }
    write!(w, "{} {pace}", Quoted(track))
}

/// Writes `done`.
pub(super) fn done(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Done { person, module } = command else {
        return Ok(());
    };
    w.write_str("done ")?;
    if let Some(person) = person {
        w.mention(person);
        w.write_str(" ")?;
    }
    write!(w, "{}", Quoted(module))
}

/// Writes `budget`.
pub(super) fn budget(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::Budget {
        hours,
        spend,
        quarter,
    } = command
    else {
        return Ok(());
    };
    w.write_str("budget")?;
    if let Some(hours) = hours {
        write!(w, " hours {}", Decimal(*hours))?;
    }
    if let Some(spend) = spend {
        write!(w, " spend {spend}")?;
    }
    if let Some(quarter) = quarter {
        write!(w, " quarter {quarter}")?;
    }
    Ok(())
}

/// Writes `source add`.
pub(super) fn source_add(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::SourceAdd { kind } = command else {
        return Ok(());
    };
    write!(w, "source add {kind}")
}

/// Writes `source list`.
pub(super) fn source_list(_command: &Command, w: &mut Writer) -> fmt::Result {
    w.write_str("source list")
}

/// Writes `source rotate`.
pub(super) fn source_rotate(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::SourceRotate { id } = command else {
        return Ok(());
    };
    write!(w, "source rotate {id}")
}

/// Writes `source remove`.
pub(super) fn source_remove(command: &Command, w: &mut Writer) -> fmt::Result {
    let Command::SourceRemove { id } = command else {
        return Ok(());
    };
    write!(w, "source remove {id}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn quoted_text_escapes_quotes_and_backslashes() {
        assert_eq!(
            Quoted(r#"a "b" \ “c” & <d>"#).to_string(),
            r#""a \"b\" \\ \“c\” & <d>""#
        );
    }
}
