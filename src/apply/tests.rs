//! The file's checks, as a person writing one meets them: the example parses, defaults follow
//! chat, and every problem is reported at once with its line, column and record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use super::*;
use crate::domain::command::DateRange;
use crate::domain::ritual::RitualKind;

const EXAMPLE: &str = include_str!("../../cadence.toml");

fn problems(text: &str) -> Vec<Problem> {
    match parse(text) {
        Err(ApplyError::Invalid(problems)) => problems,
        Err(other) => panic!("expected problems, got {other}"),
        Ok(_) => panic!("expected problems, the file was accepted"),
    }
}

const MINIMAL: &str = r#"
[workspace]
platform = "slack"
id = "T1"

[[capabilities]]
name = "run EBR"

[[teams]]
name = "Atlas"
tz = "Europe/London"
channel = "CATLAS"
managers = ["UALICE"]
members = ["UBOB"]
"#;

#[test]
fn the_example_file_parses_and_plans() {
    let file = parse(EXAMPLE).expect("cadence.toml is valid");
    let plan = plan(&file).expect("plan");
    assert_eq!(plan.teams.len(), 2);
    let kinds: Vec<RitualKind> = plan
        .teams
        .iter()
        .flat_map(|t| t.rituals.iter().map(|r| r.kind))
        .collect();
    for kind in [RitualKind::Retro, RitualKind::Qbr, RitualKind::PipelineCall] {
        assert!(kinds.contains(&kind), "{kind} is in the example");
    }
}

#[test]
fn the_audit_section_lives_in_the_same_file_and_is_checked_there_too() {
    let file = parse(EXAMPLE).expect("cadence.toml with [audit] is valid");
    assert!(file.audit.is_some());
    let rules = crate::audit::RuleSet::from_toml(EXAMPLE).expect("the audit reads it");
    assert!(rules.rules().any(|r| r.name == "ops sync"));
    let bad = format!(
        "{MINIMAL}\n[audit]\n[[audit.rules]]\nname = \"x\"\nkind = \"sprint\"\ntitle = [\"x\"]\n"
    );
    let refused = parse(&bad).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        refused.contains("line 19") && refused.contains("`sprint`"),
        "{refused}"
    );
}

#[test]
fn defaults_follow_chat() {
    let text = format!(
        "{MINIMAL}\n[[teams.rituals]]\nkind = \"sprint-retro\"\non = [\"jira:board=12:sprint_closed\"]\n\
         [[teams.rituals]]\nkind = \"qbr\"\nchannel = \"CQBR\"\non = [\"generic:qbr_ended\"]\n\
         [[teams.rituals]]\nkind = \"incident_review\"\nnudge_after_minutes = 0\nprompt_on = \"start\"\non = [\"generic:incident_closed\"]\n"
    );
    let file = parse(&text).expect("valid");
    let plan = plan(&file).expect("plan");
    let atlas = &plan.teams[0];
    assert_eq!(atlas.tz, chrono_tz::Europe::London);
    let retro = &atlas.rituals[0];
    assert_eq!(retro.name, "Atlas retro");
    assert_eq!(retro.channel, "CATLAS", "the team's channel by default");
    assert_eq!(retro.prompt_on, crate::domain::ritual::PromptOn::End);
    assert_eq!(
        retro.nudge_after_minutes,
        Some(120),
        "retros nudge by default"
    );
    let qbr = &atlas.rituals[1];
    assert_eq!((qbr.channel, qbr.nudge_after_minutes), ("CQBR", None));
    let incident = &atlas.rituals[2];
    assert_eq!(incident.nudge_after_minutes, None, "0 means no nudge");
    assert_eq!(incident.prompt_on, crate::domain::ritual::PromptOn::Start);
}

#[test]
fn schedules_for_rituals_and_digests_are_read_and_checked() {
    let text = MINIMAL.replace(
        "members = [\"UBOB\"]",
        "members = [\"UBOB\"]\ndigest = \"0  8 * * FRI\"",
    ) + "\n[[teams.rituals]]\nkind = \"qbr\"\nschedule = \"0 10 1-7 1,4,7,10 TUE\"\nprompt_before_minutes = 15\n";
    let file = parse(&text).expect("valid");
    let plan = plan(&file).expect("plan");
    let atlas = &plan.teams[0];
    assert_eq!(atlas.digest, Some(Some("0 8 * * FRI".to_owned())));
    let qbr = &atlas.rituals[0];
    assert_eq!(qbr.schedule.as_deref(), Some("0 10 1-7 1,4,7,10 TUE"));
    assert_eq!(qbr.prompt_before_minutes, 15);
    assert!(qbr.triggers.is_empty());

    let off = MINIMAL.replace(
        "members = [\"UBOB\"]",
        "members = [\"UBOB\"]\ndigest = \"off\"",
    );
    assert_eq!(digest_of(&off), Some(Some("off".to_owned())));
    let default = MINIMAL.replace(
        "members = [\"UBOB\"]",
        "members = [\"UBOB\"]\ndigest = \"0 9 * * MON\"",
    );
    assert_eq!(digest_of(&default), Some(None));

    let bad = MINIMAL.replace(
        "members = [\"UBOB\"]",
        "members = [\"UBOB\"]\ndigest = \"mondays\"",
    ) + "\n[[teams.rituals]]\nkind = \"qbr\"\nschedule = \"0 10 * * 2\"\n\
           [[teams.rituals]]\nkind = \"retro\"\nname = \"r2\"\nprompt_before_minutes = 5\non = [\"generic:x\"]\n\
           [[teams.rituals]]\nkind = \"retro\"\nname = \"r3\"\n";
    let found: Vec<String> = problems(&bad).into_iter().map(|p| p.message).collect();
    let all = found.join("\n");
    assert!(
        all.contains("`digest`: a schedule has five fields"),
        "{all}"
    );
    assert!(
        all.contains("`schedule`: write days of the week as names"),
        "{all}"
    );
    assert!(
        all.contains("`prompt_before_minutes` needs a `schedule`"),
        "{all}"
    );
    assert!(all.contains("or a `schedule`"), "{all}");
}

fn digest_of(text: &str) -> Option<Option<String>> {
    let file = parse(text).expect("valid");
    plan(&file).expect("plan").teams[0].digest.clone()
}

#[test]
fn unknown_keys_are_errors_with_line_and_column() {
    let text = MINIMAL.replace("members = [\"UBOB\"]", "membres = [\"UBOB\"]");
    match parse(&text) {
        Err(ApplyError::Syntax(p)) => {
            assert_eq!(p.line, Some(14), "{p}");
            assert_eq!(p.column, Some(1), "{p}");
            assert!(p.message.contains("unknown field `membres`"), "{p}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let broken = MINIMAL.replace("name = \"Atlas\"", "name = \"Atlas");
    assert!(matches!(parse(&broken), Err(ApplyError::Syntax(_))));
    let bad_platform = MINIMAL.replace("\"slack\"", "\"discord\"");
    match parse(&bad_platform) {
        Err(ApplyError::Syntax(p)) => assert_eq!(p.line, Some(3), "{p}"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn every_problem_is_reported_at_once_with_what_it_concerns() {
    let text = r##"
[workspace]
platform = "slack"
id = "T1"

[[capabilities]]
name = "run EBR"

[[capabilities]]
name = "Run  ebr"

[[teams]]
name = "Atlas"
tz = "Europe/Lundon"
channel = "#team-atlas"
managers = []
members = ["@bob"]
  [[teams.targets]]
  capability = "run QBR"
  count = 4
  [[teams.absences]]
  person = "UCAROL"
  from = 2026-12-14
  to = "2026-12-01"
  [[teams.rituals]]
  kind = "standup"
  on = ["jira:board=12"]
  [[teams.rituals]]
  kind = "retro"
  name = "Sprint retro"
  on = []
  nudge_after_minutes = 20000
  prompt_on = "later"

[[teams]]
name = "atlas"
tz = "UTC"
managers = ["UALICE"]
"##;
    let found = problems(text);
    let rendered: Vec<String> = found.iter().map(ToString::to_string).collect();
    let expect = [
        "line 9, column 1: capability \"Run  ebr\": listed twice (also on line 6)",
        "line 14, column 6: team \"Atlas\": `Europe/Lundon` is not a time zone",
        "line 12, column 1: team \"Atlas\": channel `#team-atlas`: write the channel's id",
        "line 12, column 1: team \"Atlas\": `managers` is empty",
        "line 12, column 1: team \"Atlas\": `@bob`: write the platform's user id",
        "team \"Atlas\", target \"run QBR\": `run QBR` is not listed under [[capabilities]]; add it there (listed: \"run EBR\")",
        "team \"Atlas\", absence of \"UCAROL\": `UCAROL` is not among this team's managers or members",
        "team \"Atlas\", absence of \"UCAROL\": `from` (2026-12-14) is after `to` (2026-12-01)",
        "line 26, column 10: team \"Atlas\", ritual \"Atlas standup\": `standup` is not a ritual kind; use one of retro,",
        "line 27, column 9: team \"Atlas\", ritual \"Atlas standup\": trigger `jira:board=12`: `jira:board=12` names no event",
        "team \"Atlas\", ritual \"Sprint retro\": `on` is empty",
        "line 33, column 15: team \"Atlas\", ritual \"Sprint retro\": `prompt_on = \"later\"`: use \"start\" or \"end\"",
        "team \"Atlas\", ritual \"Sprint retro\": `nudge_after_minutes` is at most 10080",
        "line 35, column 1: team \"atlas\": listed twice (also on line 12)",
    ];
    for wanted in expect {
        assert!(
            rendered.iter().any(|r| r.contains(wanted)),
            "missing {wanted:?} in:\n{}",
            rendered.join("\n")
        );
    }
    assert_eq!(found.len(), expect.len(), "{}", rendered.join("\n"));
}

#[test]
fn dates_read_as_toml_dates_or_strings_and_bad_ones_are_named() {
    let ok = format!(
        "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = 2026-12-01\n  to = \"2026-12-14\"\n\
         [[teams.absences]]\n  person = \"UALICE\"\n  from = \"2026-12-24\"\n"
    );
    let file = parse(&ok).expect("valid");
    let plan = plan(&file).expect("plan");
    let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        plan.teams[0].absences,
        vec![
            (
                "UBOB",
                DateRange {
                    from: day("2026-12-01"),
                    to: day("2026-12-14")
                }
            ),
            (
                "UALICE",
                DateRange {
                    from: day("2026-12-24"),
                    to: day("2026-12-24")
                }
            ),
        ]
    );
    let bad = format!(
        "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = \"2026-13-01\"\n  to = \"2028-12-14\"\n"
    );
    let found = problems(&bad);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .contains("`from = 2026-13-01` is not a date")
    );
    let long = format!(
        "{MINIMAL}  [[teams.absences]]\n  person = \"UBOB\"\n  from = 2026-01-01\n  to = 2028-12-14\n"
    );
    assert!(problems(&long)[0].message.contains("check the year"));
}

#[test]
fn a_channel_is_home_to_one_team_in_the_file() {
    let text = format!(
        "{MINIMAL}\n[[teams]]\nname = \"Borealis\"\ntz = \"UTC\"\nchannel = \"CATLAS\"\nmanagers = [\"UERIN\"]\n"
    );
    let found = problems(&text);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .contains("channel `CATLAS` is already the home of team \"Atlas\""),
        "{}",
        found[0]
    );
}

#[test]
fn the_apply_actor_is_reserved_and_people_are_listed_once() {
    let text = MINIMAL.replace("[\"UBOB\"]", "[\"UBOB\", \"cadence-apply\"]")
        + "\n[[people]]\nid = \"UBOB\"\n[[people]]\nid = \"UBOB\"\nname = \"Bob\"\n";
    let found = problems(&text);
    let rendered: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{rendered:?}");
    assert!(rendered[0].contains("person \"UBOB\": listed twice"));
    assert!(rendered[1].contains("`cadence-apply` is reserved"));
}

#[test]
fn reports_name_the_file_like_a_compiler() {
    let text = MINIMAL.replace("Europe/London", "Mars/Olympus");
    let error = parse(&text).expect_err("bad tz");
    let report = error.report("cadence.toml");
    assert!(
        report.starts_with("cadence.toml: 1 problem found; nothing was changed\n  cadence.toml:11:6: team \"Atlas\": `Mars/Olympus` is not a time zone"),
        "{report}"
    );
}

#[test]
fn summaries_read_per_kind() {
    let mut summary = ApplySummary::default();
    assert!(!summary.changed());
    assert!(summary.to_string().ends_with("nothing to change"));
    summary.targets.updated = 1;
    summary.memberships.removed = 1;
    summary.decisions = 1;
    let text = summary.to_string();
    assert!(
        text.contains("targets       0 created, 1 updated, 0 unchanged"),
        "{text}"
    );
    assert!(
        text.contains("memberships   0 joined, 0 changed role, 1 left, 0 unchanged"),
        "{text}"
    );
    assert!(text.ends_with("1 decision recorded"), "{text}");
}

#[test]
fn modules_are_checked_with_their_line_and_every_problem() {
    let text = format!(
        "{MINIMAL}
[[modules]]
title = \"EBR storyline\"
capability = \"run QBR\"
hours = -1
link = \"ftp://files.example.com/ebr\"
level = \"guru\"

[[modules]]
title = \"Storyline\"
capability = \"run EBR\"
hours = 1.255

[[modules]]
title = \"storyline\"
capability = \"Run  EBR\"
hours = \"90 min\"
"
    );
    let rendered: Vec<String> = problems(&text).iter().map(ToString::to_string).collect();
    let expect = [
        "module \"EBR storyline\": capability `run QBR` is not listed under [[capabilities]]; add it there (listed: \"run EBR\")",
        "module \"EBR storyline\": `hours = -1` is negative",
        "module \"EBR storyline\": `level = \"guru\"`: use learning, practising or mastery",
        "module \"EBR storyline\": `ftp://files.example.com/ebr` is not a web address",
        "module \"Storyline\": `hours = 1.255`: give at most two decimals",
    ];
    assert_eq!(rendered.len(), expect.len(), "{rendered:#?}");
    for (found, wanted) in rendered.iter().zip(expect) {
        assert!(found.contains(wanted), "{found}\nwanted {wanted}");
    }
    assert!(
        rendered[0].starts_with("line 16, column 1: "),
        "{}",
        rendered[0]
    );

    // The third entry is sound, and the second's title twice is reported once it is too.
    let fixed = text.replace("hours = 1.255", "hours = 1.25");
    let fixed = fixed.replacen("capability = \"run QBR\"\nhours = -1\nlink = \"ftp://files.example.com/ebr\"\nlevel = \"guru\"", "capability = \"run EBR\"", 1);
    let rendered: Vec<String> = problems(&fixed).iter().map(ToString::to_string).collect();
    assert_eq!(rendered.len(), 1, "{rendered:#?}");
    assert!(
        rendered[0].contains("module \"storyline\": listed twice (also on line 20)"),
        "{}",
        rendered[0]
    );
}
