//! Nothing acknowledged is lost when the process dies: the real binary is killed with SIGKILL
//! while signed commands are in flight, restarted on the same SQLite file, and every command
//! that was answered "Set …" must have its decision in the log.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cadence::inbound::slack::signature::sign;

use crate::helpers::{SECRET, at, command_body, count};
use crate::process::Process;

/// The binary as these tests run it.
async fn start(db_url: &str) -> Process {
    Process::start(&[
        ("DATABASE_URL", db_url),
        ("SLACK_SIGNING_SECRET", SECRET),
        ("CADENCE_ADMINS", "UADMIN"),
    ])
    .await
}

async fn send(client: &reqwest::Client, base: &str, user: &str, text: &str) -> Option<String> {
    let body = command_body("T1", "CATLAS", user, text);
    let ts = chrono::Utc::now().timestamp();
    let response = client
        .post(format!("{base}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SECRET, ts, body.as_bytes()))
        .body(body)
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    let json: serde_json::Value = response.json().await.ok()?;
    json["text"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_decisions_survive_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}", dir.path().join("cadence.db").display());
    let client = reqwest::Client::new();

    let cadence = start(&db_url).await;
    let members: Vec<String> = (0..6).map(|i| at(&format!("UM{i}"))).collect();
    let setup = [
        (
            "UADMIN",
            format!(
                "team create Atlas managers {} members {} channel <#CATLAS|atlas>",
                at("UBOSS"),
                members.join(" ")
            ),
        ),
        ("UADMIN", r#"capability add "run EBR""#.to_owned()),
    ];
    for (user, text) in setup {
        send(&client, &cadence.base, user, &text)
            .await
            .expect("setup");
    }

    let mut acknowledged_total = 0;
    let mut cadence = Some(cadence);
    for cycle in 0..5u64 {
        let running = cadence.take().expect("running");
        let base = running.base.clone();
        let answered = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for n in 0..300u64 {
            let client = client.clone();
            let base = base.clone();
            let member = members[(n % 6) as usize].clone();
            let answered = answered.clone();
            tasks.push(tokio::spawn(async move {
                let evidence = format!("cycle{cycle}-n{n}");
                let text = format!(r#"level {member} "run EBR" mastery "{evidence}""#);
                let answer = send(&client, &base, "UBOSS", &text).await;
                let set = answer.filter(|a| a.starts_with("Set ")).map(|_| evidence);
                if set.is_some() {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
                set
            }));
        }
        // Kill the process mid-flight: once some commands are answered, with others still
        // queued, however fast or slow the machine is today.
        let wanted = 20 + 20 * cycle as usize;
        for _ in 0..2000 {
            if answered.load(Ordering::SeqCst) >= wanted {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        running.kill();
        let mut acknowledged = Vec::new();
        for task in tasks {
            if let Some(evidence) = task.await.expect("task") {
                acknowledged.push(evidence);
            }
        }
        let restarted = start(&db_url).await;
        for evidence in &acknowledged {
            let stored = count(
                &db_url,
                &format!("SELECT COUNT(*) FROM decisions WHERE payload LIKE '%\"{evidence}\"%'"),
            )
            .await;
            assert_eq!(
                stored, 1,
                "acknowledged decision {evidence} must be stored exactly once"
            );
        }
        acknowledged_total += acknowledged.len();
        cadence = Some(restarted);
    }
    assert!(
        acknowledged_total >= 20,
        "commands must be acknowledged before the kills"
    );
    eprintln!(
        "SIGKILL test: {acknowledged_total} acknowledged decisions across 5 kills, none lost"
    );
    if let Some(running) = cadence {
        running.kill();
    }
}
