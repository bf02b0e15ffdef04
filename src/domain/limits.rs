//! The limits every piece of user text is held to, whichever way it arrives (a typed command, a
//! form on a card, `cadence.toml`): one set of rules, so no path stores what another refuses.

/// Longest name (capability, track, team, family, ritual, sprint, title), in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Longest free text (note, evidence, reason, criteria, description, means), in characters.
pub const TEXT_MAX_CHARS: usize = 2000;
/// Most learning hours one allocation may give; more is surely a typo.
pub const HOURS_MAX: u32 = 1000;
/// Most learning hours one person may be allocated in one ISO week, summed over every
/// allocation for that week: a working week, and more is surely a mistake.
pub const WEEK_HOURS_MAX: u32 = 40;
/// Largest target head count.
pub const TARGET_MAX: u32 = 10_000;
/// Largest commission budget, in whole currency units. Generous enough for any currency (a
/// trillion rupiah is still only tens of millions of dollars) and well inside what the store's
/// signed 64-bit integers hold.
pub const BUDGET_MAX: u64 = 1_000_000_000_000;
/// Largest learning-hours budget a team may be given for one quarter: a thousand people at a
/// hundred hours each. More is surely a typo.
pub const BUDGET_HOURS_MAX: u32 = 100_000;
/// Longest wait before a ritual's nudge, in minutes: a week. Longer and the moment has passed.
pub const NUDGE_MAX_MINUTES: u32 = 10_080;

/// What is wrong with a name (capability, track, team, …), if anything: empty, too long, or
/// spread over lines. `called` is what the name is, like "the capability's name".
pub fn name_problem(value: &str, called: &str) -> Option<String> {
    let n = value.chars().count();
    if value.trim().is_empty() {
        Some(format!("{called} is empty — write it between the quotes"))
    } else if n > NAME_MAX_CHARS {
        Some(format!(
            "{called} is {n} characters long — keep it to {NAME_MAX_CHARS}"
        ))
    } else if value.chars().any(char::is_control) {
        Some(format!(
            "{called} can't contain line breaks, tabs or other control characters"
        ))
    } else {
        None
    }
}

/// What is wrong with free text (a note, evidence, the means of an intervention), if anything:
/// empty, too long, or holding control characters other than line breaks and tabs (a NUL byte
/// would be stored for good in the append-only log).
pub fn text_problem(value: &str, called: &str) -> Option<String> {
    let n = value.chars().count();
    if value.trim().is_empty() {
        Some(format!(
            "{called} is empty — write something between the quotes, or leave it out"
        ))
    } else if n > TEXT_MAX_CHARS {
        Some(format!(
            "{called} is {n} characters long — keep it to {TEXT_MAX_CHARS}"
        ))
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(format!("{called} can't contain control characters"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_line_and_bounded() {
        assert_eq!(name_problem("run EBR", "the name"), None);
        assert!(name_problem("  ", "the name").is_some());
        assert!(name_problem("a\nb", "the name").is_some());
        assert!(name_problem(&"x".repeat(NAME_MAX_CHARS + 1), "the name").is_some());
    }

    #[test]
    fn text_may_span_lines_but_holds_no_nul() {
        assert_eq!(text_problem("line one\nline two", "the note"), None);
        assert!(text_problem("a\u{0}b", "the note").is_some());
        assert!(text_problem(&"x".repeat(TEXT_MAX_CHARS + 1), "the note").is_some());
        assert!(text_problem("", "the note").is_some());
    }
}
