//! The release binary against a hostile client: thousands of sockets that send half a request
//! line and wait must not keep a signed command (or `/healthz`) out, even when they outnumber
//! the process's file descriptors.

use std::time::Duration;

use cadence::inbound::slack::signature::sign;
use tokio::io::AsyncWriteExt;

use crate::helpers::{Db, SECRET, TestDb, command_body};
use crate::process::Process;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_cannot_keep_a_signed_command_out() {
    let Some(db) = TestDb::new(Db::Sqlite).await else {
        return;
    };
    // 512 descriptors for the service; 1,200 sockets would exhaust them three times over.
    let process = Process::start_with_descriptor_limit(
        &[("DATABASE_URL", &db.url), ("SLACK_SIGNING_SECRET", SECRET)],
        512,
    )
    .await;
    let addr = process.base.trim_start_matches("http://").to_owned();
    let mut idle = Vec::new();
    for _ in 0..1200 {
        if let Ok(mut socket) = tokio::net::TcpStream::connect(&addr).await {
            let _ = socket
                .write_all(b"POST /slack/commands HTTP/1.1\r\nHost: x")
                .await;
            idle.push(socket);
        }
    }
    assert!(idle.len() >= 1000, "only {} sockets opened", idle.len());

    let client = reqwest::Client::new();
    let health = tokio::time::timeout(
        Duration::from_secs(5),
        client.get(format!("{}/healthz", process.base)).send(),
    )
    .await;
    assert!(
        health.is_ok_and(|r| r.is_ok_and(|r| r.status() == 200)),
        "healthz answers"
    );
    let body = command_body("T1", "CATLAS", "UALICE", "help gap");
    let ts = chrono::Utc::now().timestamp();
    let command = client
        .post(format!("{}/slack/commands", process.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SECRET, ts, body.as_bytes()))
        .body(body)
        .send();
    let answer = tokio::time::timeout(Duration::from_secs(5), command)
        .await
        .expect("answered within Slack's budget")
        .expect("sent");
    assert_eq!(answer.status(), 200);
    let text = answer.text().await.expect("body");
    assert!(text.contains("gap @person"), "{text}");
    drop(idle);
}
