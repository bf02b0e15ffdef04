//! Fault test: the release binary is killed with SIGKILL twenty times while signed Jira events
//! and slash-command decisions flow, and restarted each time. Afterwards: every acknowledged
//! event has exactly one occurrence and one prompt, every prompt reached Slack exactly once,
//! and every acknowledged decision is in the log exactly once.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cadence::domain::Platform;
use cadence::domain::event::Selector;
use cadence::inbound::slack::signature::sign;
use cadence::inbound::verify::hmac_sha256_hex;
use cadence::store::{NewRitual, NewTeam, Store};

use crate::helpers::{JIRA_SECRET, SECRET, command_body, count};
use crate::process::Process;
use crate::slack_standin::SlackStandIn;

const CYCLES: usize = 20;
const CHANNELS: usize = 30;
const EVENTS_PER_CYCLE: usize = 10;
const COMMANDS_PER_CYCLE: usize = 10;

async fn start(db_url: &str, slack: &str) -> Process {
    Process::start(&[
        ("DATABASE_URL", db_url),
        ("SLACK_SIGNING_SECRET", SECRET),
        ("SLACK_BOT_TOKEN", "xoxb-fault-test"),
        ("SLACK_API_BASE_URL", slack),
        ("JIRA_WEBHOOK_SECRET", JIRA_SECRET),
    ])
    .await
}

fn sprint_closed(sprint: usize, board: usize) -> String {
    format!(
        r#"{{"timestamp":1763974633000,"webhookEvent":"sprint_closed","sprint":{{"id":{sprint},"state":"closed","name":"Sprint {sprint}","completeDate":"2026-11-24T08:57:13.542Z","originBoardId":{board}}}}}"#
    )
}

async fn send_event(client: &reqwest::Client, base: &str, sprint: usize) -> bool {
    let body = sprint_closed(sprint, sprint % CHANNELS);
    let signature = hmac_sha256_hex(JIRA_SECRET.as_bytes(), &[body.as_bytes()]);
    let sent = client
        .post(format!("{base}/hooks/jira"))
        .header("content-type", "application/json")
        .header("x-hub-signature", format!("sha256={signature}"))
        .header(
            "x-atlassian-webhook-identifier",
            format!("delivery-{sprint}"),
        )
        .body(body)
        .send()
        .await;
    sent.is_ok_and(|r| r.status() == 200)
}

async fn send_command(client: &reqwest::Client, base: &str, n: usize) -> bool {
    let text = format!(r#"level <@UM{}|m> "run EBR" mastery "fault-{n}""#, n % 5);
    let body = command_body("T1", "CATLAS", "UBOSS", &text);
    let ts = chrono::Utc::now().timestamp();
    let sent = client
        .post(format!("{base}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SECRET, ts, body.as_bytes()))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status() == 200 => r.text().await.is_ok_and(|t| t.contains("Set <@UM")),
        _ => false,
    }
}

async fn set_up(db_url: &str) {
    let store = Store::connect(db_url).await.expect("store");
    store.migrate().await.expect("migrate");
    let now = chrono::Utc::now();
    let tenant = store
        .tenant(Platform::Slack, "T1", now)
        .await
        .expect("tenant");
    let boss = store
        .person(tenant, "UBOSS", Some("boss"), now)
        .await
        .expect("boss");
    let mut members = Vec::new();
    for i in 0..5 {
        members.push(
            store
                .person(tenant, &format!("UM{i}"), Some("m"), now)
                .await
                .expect("member")
                .id,
        );
    }
    let team = store
        .create_team(
            tenant,
            NewTeam {
                name: "Atlas",
                tz: chrono_tz::Tz::UTC,
                home_channel: Some("CATLAS"),
                managers: &[boss.id],
                members: &members,
            },
            now,
        )
        .await
        .expect("team");
    store
        .add_capability(tenant, "run EBR", None, None, now)
        .await
        .expect("capability");
    for board in 0..CHANNELS {
        let selector: Selector = format!("jira:board={board}:sprint_closed")
            .parse()
            .expect("selector");
        let channel = format!("CRETRO{board}");
        let name = format!("retro {board}");
        let ritual = NewRitual {
            team: &team,
            kind: cadence::domain::ritual::RitualKind::Retro,
            name: &name,
            channel_id: &channel,
            prompt_on: cadence::domain::ritual::PromptOn::End,
            artefact: "gaps",
            nudge_after_minutes: None,
            triggers: &[selector],
            schedule: None,
            prompt_before_minutes: 0,
        };
        store.add_ritual(ritual, now).await.expect("ritual");
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_acknowledged_is_lost_or_posted_twice_across_twenty_kills() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}", dir.path().join("cadence.db").display());
    set_up(&db_url).await;
    let slack = SlackStandIn::start().await;
    // A request caught by the kill may never be answered: after the timeout it counts as not
    // acknowledged, which is what it is, instead of holding the test up.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut acked_events = Vec::new();
    let mut acked_commands = Vec::new();
    for cycle in 0..CYCLES {
        let cadence = start(&db_url, &slack.base_url).await;
        let events_answered = Arc::new(AtomicUsize::new(0));
        let commands_answered = Arc::new(AtomicUsize::new(0));
        let mut events = Vec::new();
        let mut commands = Vec::new();
        for i in 0..EVENTS_PER_CYCLE.max(COMMANDS_PER_CYCLE) {
            let n = cycle * 100 + i;
            let (client, base) = (client.clone(), cadence.base.clone());
            if i < EVENTS_PER_CYCLE {
                events.push(tokio::spawn({
                    let (client, base, answered) =
                        (client.clone(), base.clone(), events_answered.clone());
                    async move {
                        let ok = send_event(&client, &base, n).await;
                        if ok {
                            answered.fetch_add(1, Ordering::SeqCst);
                        }
                        ok.then_some(n)
                    }
                }));
            }
            if i < COMMANDS_PER_CYCLE {
                let answered = commands_answered.clone();
                commands.push(tokio::spawn(async move {
                    let ok = send_command(&client, &base, n).await;
                    if ok {
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    ok.then_some(n)
                }));
            }
        }
        // Kill at a different point each cycle: after 0 to 5 answers of each kind.
        let wanted = cycle % 6;
        for _ in 0..3000 {
            if events_answered.load(Ordering::SeqCst) >= wanted
                && commands_answered.load(Ordering::SeqCst) >= wanted
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(cadence);
        for task in events {
            acked_events.extend(task.await.expect("task"));
        }
        for task in commands {
            acked_commands.extend(task.await.expect("task"));
        }
    }

    // A last run delivers everything still queued.
    let _cadence = start(&db_url, &slack.base_url).await;
    for _ in 0..600 {
        let unsent = count(&db_url, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'").await;
        let unprocessed = count(
            &db_url,
            "SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL",
        )
        .await;
        if unsent == 0 && unprocessed == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        count(&db_url, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'").await,
        0,
        "all prompts delivered"
    );

    for n in &acked_events {
        let subject = format!("sprint:{n}");
        let occurrences = count(
            &db_url,
            &format!("SELECT COUNT(*) FROM occurrences WHERE subject = '{subject}'"),
        )
        .await;
        assert_eq!(occurrences, 1, "acknowledged event {n} has one occurrence");
        let prompts = count(
            &db_url,
            &format!("SELECT COUNT(*) FROM outbox o JOIN occurrences c ON c.id = o.occurrence_id WHERE c.subject = '{subject}'"),
        )
        .await;
        assert_eq!(prompts, 1, "acknowledged event {n} has one prompt");
    }
    for n in &acked_commands {
        let stored = count(
            &db_url,
            &format!("SELECT COUNT(*) FROM decisions WHERE payload LIKE '%\"fault-{n}\"%'"),
        )
        .await;
        assert_eq!(stored, 1, "acknowledged decision {n} stored once");
    }
    // What reached Slack: each prompt exactly once, however often the sender died mid-post.
    let mut posted: HashMap<String, usize> = HashMap::new();
    for call in slack.calls_to("chat.postMessage") {
        if let Some(key) = call.body["metadata"]["event_payload"]["idempotency_key"].as_str() {
            *posted.entry(key.to_owned()).or_default() += 1;
        }
    }
    let occurrences = count(&db_url, "SELECT COUNT(*) FROM occurrences").await;
    let delivered = slack.posted_keys();
    assert_eq!(
        delivered.len() as i64,
        occurrences,
        "one delivered prompt per occurrence"
    );
    let mut unique = delivered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), delivered.len(), "no prompt delivered twice");
    eprintln!(
        "fault test: {CYCLES} SIGKILLs; {} events and {} decisions acknowledged; {occurrences} prompts delivered once each \
         ({} post attempts reached the stand-in)",
        acked_events.len(),
        acked_commands.len(),
        posted.values().sum::<usize>()
    );
    assert!(
        acked_events.len() >= 20 && acked_commands.len() >= 20,
        "enough traffic was acknowledged to mean something"
    );
}
