//! `cadence demo` and `cadence demo --teams` as a newcomer runs them: the built binary with no
//! configuration at all. Each must end well and print the sprint's story in order, with what
//! the service really sent at each step, talk to nothing but loopback, and leave no database.

use std::process::Command;

/// Runs `cadence demo ARGS` with an empty environment; its transcript.
fn demo(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cadence"))
        .arg("demo")
        .args(args)
        .env_clear()
        .output()
        .expect("cadence demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "cadence demo {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Asserts that `transcript` holds each of `steps` (in any case: headers are upper case), in
/// this order.
fn in_order(transcript: &str, steps: &[&str]) {
    let lower = transcript.to_lowercase();
    let mut from = 0;
    for step in steps {
        let wanted = step.to_lowercase();
        match lower[from..].find(&wanted) {
            Some(at) => from += at + wanted.len(),
            None => panic!("`{step}` is missing, or out of order, in:\n{transcript}"),
        }
    }
}

/// Every address the transcript names is on loopback, and the scratch database is gone.
fn stayed_home(transcript: &str) {
    for (at, _) in transcript.match_indices("http") {
        assert!(
            transcript[at..].starts_with("http://127.0.0.1:"),
            "an address off this machine: {}",
            &transcript[at..transcript.len().min(at + 60)]
        );
    }
    let scratch = transcript
        .split("database in ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the transcript names its scratch directory");
    assert!(
        !std::path::Path::new(scratch).exists(),
        "{scratch} was left behind"
    );
}

#[test]
fn the_slack_demo_tells_the_sprint_from_what_cadence_posted() {
    let transcript = demo(&[]);
    in_order(
        &transcript,
        &[
            "POST /slack/commands",
            "/cadence team create Atlas",
            "Created team *Atlas*",
            "POST /hooks/jira",
            "Cadence in #team-atlas",
            "ATL Sprint 42 closed — what capability gaps did it surface?",
            "[Log gap]",
            "POST /slack/interactions",
            "clicks [Log gap]",
            "Cadence updates its message in #team-atlas",
            "Gap: @lee — *architecture trade-offs*",
            "A form opens for @maya",
            "How (a module, pairing, shadowing, a stretch assignment): ____",
            "Intervention: @lee — *architecture trade-offs* via pairing with Sam on the next two ADRs",
            "@lee asks to enter the *Architecture lead* track",
            "clicks [Approve]",
            "Approved by @maya",
            "Atlas — capability digest",
            "1/2 at mastery",
            "Every step saw what it expected",
        ],
    );
    stayed_home(&transcript);
}

#[test]
fn the_teams_demo_tells_the_same_sprint_with_adaptive_cards() {
    let transcript = demo(&["--teams"]);
    in_order(
        &transcript,
        &[
            "POST /teams/messages",
            "@Cadence team create Atlas",
            "Created team *Atlas*",
            "POST /hooks/jira",
            "Cadence in Atlas › General",
            "ATL Sprint 42 closed — what capability gaps did it surface?",
            "Which capability: [Choose ▾]",
            "clicks [Log gap]",
            "Maya now sees, in place of the card",
            "Cadence updates its message in Atlas › General",
            "Gap: *Lee* — *architecture trade-offs*",
            "A form opens for Maya",
            "Capability: [Choose a capability ▾]",
            "Intervention: *Lee* — *architecture trade-offs* via pairing with Sam on the next two ADRs",
            "*Lee* asks to enter the *Architecture lead* track",
            "clicks [Approve]",
            "Approved by *Maya*",
            "Atlas — capability digest",
            "1/2 at mastery",
            "Every step saw what it expected",
        ],
    );
    stayed_home(&transcript);
}
