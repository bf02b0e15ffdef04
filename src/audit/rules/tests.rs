//! Classification: each built-in rule on the titles it is meant for, the shape rules, reasons,
//! and rules files that add, replace and drop rules.

use super::*;

fn facts(title: &str) -> Facts<'_> {
    Facts {
        title,
        description: "",
        attendees: 6,
        minutes: 60,
        cadence: Cadence::Weekly,
        recurring: true,
    }
}

fn kind_of(title: &str) -> MeetingKind {
    RuleSet::defaults().classify(&facts(title)).kind
}

#[test]
fn titles_name_their_kinds() {
    use MeetingKind as K;
    let cases = [
        ("Sprint 42 Retro", K::Retro),
        ("Atlas retrospective", K::Retro),
        ("Sprint planning", K::Planning),
        ("PI Planning (Q3)", K::Planning),
        ("QBR – EMEA Enterprise", K::Qbr),
        ("Quarterly Business Review", K::Qbr),
        ("Weekly Business Review", K::StoreReview),
        ("Store review: Leeds", K::StoreReview),
        ("Ops review", K::StoreReview),
        ("Pipeline call", K::Pipeline),
        ("Forecast / commit call", K::Forecast),
        ("Deal review: Globex", K::DealReview),
        ("Post-mortem: checkout outage", K::IncidentReview),
        ("Interview – Backend engineer", K::Hiring),
        ("Daily stand-up", K::Standup),
        ("Retrofit sync", K::Other),
        ("Inspiring talks", K::Other),
    ];
    for (title, kind) in cases {
        assert_eq!(kind_of(title), kind, "{title}");
    }
    // A "1:1" title needs at most three people: a team meeting named "1:1 prep" is not one.
    let pair = Facts {
        attendees: 2,
        ..facts("Ana / Ben 1:1")
    };
    assert_eq!(RuleSet::defaults().classify(&pair).kind, K::OneOnOne);
    assert_eq!(kind_of("Ana / Ben 1:1"), K::Other);
}

#[test]
fn shape_rules_catch_untitled_standups_and_one_on_ones() {
    let set = RuleSet::defaults();
    let daily = Facts {
        title: "Atlas sync",
        minutes: 15,
        cadence: Cadence::Daily,
        ..facts("")
    };
    let standup = set.classify(&daily);
    assert_eq!(standup.kind, MeetingKind::Standup);
    assert_eq!(
        standup.reason,
        "rule `short daily meeting` (built-in): 6 people; 15 min; daily"
    );
    let pair = Facts {
        title: "Ana <> Ben",
        attendees: 2,
        minutes: 30,
        ..facts("")
    };
    assert_eq!(set.classify(&pair).kind, MeetingKind::OneOnOne);
    let one_off_pair = Facts {
        recurring: false,
        ..pair
    };
    assert_eq!(set.classify(&one_off_pair).kind, MeetingKind::Other);
}

#[test]
fn reasons_say_what_matched() {
    let c = RuleSet::defaults().classify(&facts("EMEA QBR"));
    assert_eq!(c.rule, "business review");
    assert_eq!(
        c.reason,
        "rule `business review` (built-in): title has \"qbr\""
    );
    let described = Facts {
        description: "Agenda: RCA of the 12 May outage",
        ..facts("Tuesday review")
    };
    let c = RuleSet::defaults().classify(&described);
    assert_eq!(c.kind, MeetingKind::IncidentReview);
    assert!(c.reason.contains("description has \"rca\""), "{}", c.reason);
    let none = RuleSet::defaults().classify(&facts("Lunch"));
    assert_eq!(
        (none.kind, none.reason.as_str()),
        (MeetingKind::Other, "no rule matched")
    );
}

#[test]
fn a_rules_file_adds_rules_first_and_replaces_by_name() {
    let set = RuleSet::from_toml(
        r#"
[audit]
[[audit.rules]]
name = "ops sync"
kind = "store_review"
title = ["ops sync"]
attendees_min = 3

[[audit.rules]]
name = "pipeline"
kind = "forecast"
title = ["pipeline"]
"#,
    )
    .unwrap();
    let c = set.classify(&facts("Weekly ops sync"));
    assert_eq!(c.kind, MeetingKind::StoreReview);
    assert_eq!(
        c.reason,
        "rule `ops sync` (from the rules file): title has \"ops sync\"; 6 people"
    );
    // The file's `pipeline` replaced the built-in one of that name.
    assert_eq!(
        set.classify(&facts("Pipeline call")).kind,
        MeetingKind::Forecast
    );
    assert_eq!(set.rules().filter(|r| r.name == "pipeline").count(), 1);
    assert_eq!(
        set.rules().next().map(|r| r.name.as_str()),
        Some("ops sync")
    );
}

#[test]
fn replacing_the_defaults_and_refusing_bad_files() {
    let only = RuleSet::from_toml(
        "[audit]\nreplace_default_rules = true\n[[audit.rules]]\nname = \"x\"\nkind = \"retro\"\ntitle = [\"x\"]\n",
    )
    .unwrap();
    assert_eq!(only.rules().count(), 1);
    assert_eq!(
        only.classify(&facts("Sprint retro")).kind,
        MeetingKind::Other
    );
    let unknown_kind =
        RuleSet::from_toml("[[audit.rules]]\nname = \"x\"\nkind = \"party\"\ntitle = [\"x\"]\n");
    assert!(unknown_kind.is_err());
    let unknown_key =
        RuleSet::from_toml("[[audit.rules]]\nname = \"x\"\nkind = \"retro\"\ntitel = [\"x\"]\n");
    assert!(unknown_key.unwrap_err().0.contains("titel"));
    let no_condition = RuleSet::from_toml("[[audit.rules]]\nname = \"x\"\nkind = \"retro\"\n");
    assert!(no_condition.unwrap_err().0.contains("no condition"));
}

#[test]
fn phrases_match_whole_words_only() {
    assert!(contains_phrase("Sprint Retro #42", "retro"));
    assert!(!contains_phrase("Retrofit sync", "retro"));
    assert!(contains_phrase("Ana / Ben 1:1", "1:1"));
    assert!(!contains_phrase("Ana / Ben 11:15", "1:1"));
    assert!(contains_phrase("S&OP monthly", "s&op"));
    assert!(!contains_phrase("anything", ""));
}
