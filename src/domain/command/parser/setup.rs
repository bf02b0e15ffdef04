//! The set-up subcommands: `team create`, `team add|remove|managers` and `capability add`.

use super::values::{close_matches, or_list, parse_tz};
use super::{Arg, CAPABILITY, DESCRIPTION, FAMILY, Parser, TEAM_NAME};
use crate::domain::command::lexer::{OptionKey, TokenKind, shorten};
use crate::domain::command::{ChannelRef, Command, MembershipChange, ParseError, UserRef};

impl Parser {
    /// `team add|remove|managers @a…`, the words that name it taken: which of the three was
    /// written decides the change.
    pub(in crate::domain::command) fn team_members(&mut self) -> Result<Command, ParseError> {
        let change = match self.previous().map(str::to_lowercase).as_deref() {
            Some("remove") => MembershipChange::Remove,
            Some("managers") => MembershipChange::Managers,
            _ => MembershipChange::Add,
        };
        let people = self.people()?;
        self.end()?;
        Ok(Command::TeamMembers { change, people })
    }

    pub(in crate::domain::command) fn team_create(&mut self) -> Result<Command, ParseError> {
        const CLAUSES: [&str; 4] = ["managers", "members", "tz", "channel"];
        let name = self.name(&TEAM_NAME, &CLAUSES)?;
        let mut managers: Option<Vec<UserRef>> = None;
        let mut members: Option<Vec<UserRef>> = None;
        let mut tz = None;
        let mut channel: Option<ChannelRef> = None;
        let mut any_clause = false;
        while self.peek().is_some() {
            let keyword = self.peek_keyword().unwrap_or_default();
            let seen = match keyword.as_str() {
                "managers" => managers.is_some(),
                "members" => members.is_some(),
                "tz" => tz.is_some(),
                "channel" => channel.is_some(),
                _ => {
                    let hint = if !any_clause {
                        " (a team name with spaces goes in double quotes)"
                    } else {
                        ""
                    };
                    return Err(
                        self.expected_with("`managers`, `members`, `tz` or `channel`", hint)
                    );
                }
            };
            if seen {
                return Err(self.error_here(format!(
                    "`{keyword}` is given twice — list everything after one `{keyword}`"
                )));
            }
            self.bump();
            any_clause = true;
            match keyword.as_str() {
                "managers" => managers = Some(self.people()?),
                "members" => members = Some(self.people()?),
                "tz" => {
                    let zone = self.peek_word_or_quoted();
                    let Some(zone) = zone else {
                        return Err(self.expected("a time zone like Europe/London"));
                    };
                    match parse_tz(&zone) {
                        Some(found) => {
                            tz = Some(found);
                            self.bump();
                        }
                        None => {
                            let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
                            let advice = match close_matches(&zone, names).as_slice() {
                                [] => {
                                    "use a name like Europe/London or America/New_York".to_owned()
                                }
                                m => format!("did you mean {}?", or_list(m)),
                            };
                            return Err(self.error_here(format!(
                                "`{}` is not a time zone I know — {advice}",
                                shorten(&zone, 40)
                            )));
                        }
                    }
                }
                _ => channel = Some(self.channel()?),
            }
        }
        Ok(Command::TeamCreate {
            name,
            managers: managers.unwrap_or_default(),
            members: members.unwrap_or_default(),
            tz,
            channel,
        })
    }

    /// `capability add "name" ["description"] [family:"…"]`, the words that name it taken.
    pub(in crate::domain::command) fn capability_add(&mut self) -> Result<Command, ParseError> {
        let mut family = None;
        self.take_family(&mut family)?;
        let name = self.name(&CAPABILITY, &[])?;
        self.take_family(&mut family)?;
        let description = self.optional_text(&DESCRIPTION, &[])?;
        self.take_family(&mut family)?;
        self.end()?;
        Ok(Command::CapabilityAdd {
            name,
            description,
            family,
        })
    }

    /// Takes `family:…` options at the cursor into `family`, refusing a second one.
    pub(super) fn take_family(&mut self, family: &mut Option<String>) -> Result<(), ParseError> {
        while let Some(TokenKind::Option {
            key: OptionKey::Family,
            value,
        }) = self.peek_kind()
        {
            if family.is_some() {
                return Err(
                    self.error_here("`family:` is given twice — give one role family".to_owned())
                );
            }
            let value = value.clone();
            self.check_name(
                &value,
                &Arg {
                    expected: FAMILY.expected,
                    called: "the role family after `family:`",
                },
            )?;
            *family = Some(value);
            self.bump();
        }
        Ok(())
    }
}
