//! `/cadence help`: the overview of every subcommand and the subcommands a topic is about, read
//! from the one table of subcommands ([`super::table`]). The tests below check that every example
//! in the table actually parses as its own subcommand.

use super::table::{SPECS, Subcommand, first_word};

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

/// Every subcommand with its usage line, summary and example, in table order, for the
/// `/cadence help` reply.
pub fn overview() -> Vec<HelpEntry> {
    SPECS
        .iter()
        .map(|spec| HelpEntry {
            subcommand: spec.sub,
            usage: spec.usage,
            summary: spec.summary,
            example: spec.example,
        })
        .collect()
}

/// The subcommands a help topic is about, in table order: `help team` is about both `team
/// create` and `team add|remove|managers`; `help track` about `approve`, `decline` and
/// `request`; `help ritual add` only about `ritual add`. A two-word topic that names a
/// subcommand (or one of its two-word topics) is about that one; otherwise the first word counts:
/// the subcommands it starts, or whose topics list it. Ignores case, extra spaces and a leading
/// `/cadence`. Empty when the topic names nothing.
pub fn help_topics(topic: &str) -> Vec<Subcommand> {
    let words: Vec<String> = topic
        .split_whitespace()
        .map(str::to_lowercase)
        .skip_while(|w| w == "/cadence" || w == "cadence")
        .collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let first = first_word(first);
    if let Some(second) = words.get(1) {
        let phrase = format!("{first} {second}");
        let named: Vec<Subcommand> = SPECS
            .iter()
            .filter(|spec| {
                (spec.first_word() == first && spec.second_words().contains(&second.as_str()))
                    || spec.topics.contains(&phrase.as_str())
            })
            .map(|spec| spec.sub)
            .collect();
        if !named.is_empty() {
            return named;
        }
    }
    SPECS
        .iter()
        .filter(|spec| spec.first_word() == first || spec.topics.contains(&first.as_str()))
        .map(|spec| spec.sub)
        .collect()
}

/// The subcommand a help topic is most about (`"team"` → `team create`, `"approve"` →
/// `approve`), or `None` when it names none. See [`help_topics`] for every match.
pub fn help_topic(topic: &str) -> Option<Subcommand> {
    help_topics(topic).into_iter().next()
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
    use crate::domain::command::{CommandText, Piece, parse, top_level_words};

    #[test]
    fn all_lists_every_subcommand_once() {
        let mut all = Subcommand::all().collect::<Vec<_>>();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), SPECS.len());
    }

    #[test]
    fn usage_lines_are_one_line_and_start_with_the_name() {
        for sub in Subcommand::all() {
            let usage = sub.usage();
            assert!(!usage.contains('\n'), "{usage}");
            assert!(!usage.starts_with("/cadence"), "{usage}");
            assert_eq!(usage_for(sub), usage);
            assert!(sub.summary().ends_with('.'), "{}", sub.summary());
            assert!(!sub.example().starts_with("/cadence"), "{}", sub.example());
        }
        assert_eq!(
            usage_for(Subcommand::Intervene),
            "intervene @person \"capability\" via \"means\" [by YYYY-MM-DD]"
        );
        for sub in Subcommand::all() {
            let name = sub.name();
            if !name.contains('|') {
                assert!(sub.usage().starts_with(name), "{sub:?}");
            }
        }
    }

    /// An example as a platform would hand it over: `@name` and `#name` outside quotes picked
    /// from the suggestions, so resolved.
    fn as_picked(example: &str) -> CommandText {
        let text = example.trim_start_matches("/cadence ");
        let mut out = CommandText::default();
        let mut in_quotes = false;
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                out.push_str(" ");
            }
            let quotes = word.matches('"').count();
            if in_quotes {
                out.push_str(word);
            } else if let Some(name) = word.strip_prefix('@') {
                out.push(Piece::Mention(crate::domain::command::UserRef {
                    id: format!("U{}", name.len()),
                    label: Some(name.to_owned()),
                }));
            } else if let Some(name) = word.strip_prefix('#') {
                out.push(Piece::Channel(crate::domain::command::ChannelRef {
                    id: format!("C{}", name.len()),
                    label: Some(name.to_owned()),
                }));
            } else {
                out.push_str(word);
            }
            if quotes % 2 == 1 {
                in_quotes = !in_quotes;
            }
        }
        out
    }

    #[test]
    fn every_example_parses_as_its_own_subcommand() {
        for sub in Subcommand::all() {
            let text = as_picked(sub.example());
            match parse(&text) {
                Ok(line) => assert_eq!(line.command.subcommand(), sub, "{text}"),
                Err(e) => panic!("example {text:?} does not parse: {e:?}"),
            }
        }
    }

    #[test]
    fn overview_follows_all() {
        let entries = overview();
        assert_eq!(entries.len(), SPECS.len());
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
        assert_eq!(help_topics("track").len(), 5);
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
        for two_words in ["team", "capability", "ritual", "module"] {
            assert!(words.contains(&two_words), "{two_words} missing");
        }
        assert!(
            !words
                .iter()
                .any(|word| word.contains(' ') || word.contains('|'))
        );
        for word in words {
            // Alone, a word may lack its arguments, but it is never an unknown command.
            if let Err(error) = parse(&CommandText::plain(word)) {
                assert!(
                    !error.message.contains("is not a Cadence command")
                        && !error.message.contains("isn't available"),
                    "{word}: {}",
                    error.message
                );
            }
            assert!(
                super::super::table::identify(word, None).is_some()
                    || ["team", "ritual", "module", "source"].contains(&word),
                "{word}"
            );
        }
    }

    #[test]
    fn from_words_selects_by_first_words() {
        assert_eq!(
            super::super::table::identify("GAP", None),
            Some(Subcommand::Gap)
        );
        assert_eq!(
            super::super::table::identify("team", Some("Managers")),
            Some(Subcommand::TeamMembers)
        );
        assert_eq!(super::super::table::identify("team", None), None);
        assert_eq!(
            super::super::table::identify("Rituals", Some("PAUSE")),
            Some(Subcommand::RitualPause)
        );
        assert_eq!(
            super::super::table::identify("ritual", Some("add")),
            Some(Subcommand::RitualAdd)
        );
        assert_eq!(
            super::super::table::identify("ritual", Some("delete")),
            None
        );
        assert_eq!(super::super::table::identify("ritual", None), None);
        assert_eq!(super::super::table::identify("nope", None), None);
    }

    #[test]
    fn parse_errors_carry_the_usage_line() {
        match parse(&CommandText::plain("gap")) {
            Err(e) => assert_eq!(e.usage(), Some(Subcommand::Gap.usage())),
            Ok(line) => panic!("parsed: {line:?}"),
        }
    }
}
