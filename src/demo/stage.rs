//! Where the demo plays: the real server (the same [`Server`] `cadence serve` runs) on a
//! loopback port, over an SQLite database in a scratch directory that is deleted afterwards,
//! with time from a [`ManualClock`] the story moves forward. Both platforms' drivers stand on
//! it: it sends the signed Jira webhook that closes the sprint, and it waits for what Cadence
//! does in the background by draining the server's jobs, never by sleeping for a fixed time.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::DemoError;
use super::transcript::{Expect, Seen, unmet};
use crate::app::Server;
use crate::config::Config;
use crate::domain::clock::{Clock, ManualClock};
use crate::inbound::hooks::jira;
use crate::inbound::verify::hmac_sha256_hex;

/// How long a step may wait, in real time, for what it expects.
const PATIENCE: Duration = Duration::from_secs(20);

/// The running server, its clock and a client that signs what it sends.
pub struct Stage {
    server: Server,
    clock: Arc<ManualClock>,
    http: reqwest::Client,
    /// Cadence's address, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    jira_secret: String,
    /// Numbers the Jira deliveries.
    deliveries: u64,
}

impl Stage {
    /// Starts the server with `config`, reading time from `clock`.
    pub async fn start(
        config: Config,
        clock: Arc<ManualClock>,
        jira_secret: String,
    ) -> Result<Stage, DemoError> {
        let server = Server::start(config, clock.clone()).await?;
        Ok(Stage {
            base: format!("http://{}", server.addr()),
            server,
            clock,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(15))
                .build()?,
            jira_secret,
            deliveries: 0,
        })
    }

    /// The story's time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Moves the story's time on.
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    /// Sets the story's time.
    pub fn set(&self, to: DateTime<Utc>) {
        self.clock.set(to);
    }

    /// POSTs `body` to Cadence's `path` with `headers`; the answer's text. Anything but a 2xx
    /// is an error: the story only sends what Cadence should accept.
    pub async fn post(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<String, DemoError> {
        let mut request = self.http.post(format!("{}{path}", self.base)).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        if !(200..300).contains(&status) {
            return Err(DemoError::Refused {
                path: path.to_owned(),
                status,
                answer: text,
            });
        }
        Ok(text)
    }

    /// Jira Cloud closes sprint `name` on `board`: the webhook as Jira sends it, signed with
    /// the run's secret (`X-Hub-Signature: sha256=…`) and carrying a delivery id.
    pub async fn sprint_closed(&mut self, name: &str, board: u32) -> Result<Seen, DemoError> {
        self.deliveries += 1;
        let now = self.now();
        let started = now - chrono::Duration::days(14);
        let at = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let payload = serde_json::json!({
            "timestamp": now.timestamp_millis(),
            "webhookEvent": "sprint_closed",
            "sprint": {
                "id": 4200 + self.deliveries, "state": "closed", "name": name,
                "self": format!("https://acme.atlassian.net/rest/agile/1.0/sprint/{}", 4200 + self.deliveries),
                "startDate": at(started), "endDate": at(now), "completeDate": at(now),
                "createdDate": at(started - chrono::Duration::days(7)),
                "originBoardId": board, "goal": "Checkout v2"
            }
        })
        .to_string();
        let signature = hmac_sha256_hex(self.jira_secret.as_bytes(), &[payload.as_bytes()]);
        let headers = [
            (jira::SIGNATURE_HEADER, format!("sha256={signature}")),
            (
                jira::DELIVERY_HEADER,
                format!("demo-delivery-{}", self.deliveries),
            ),
            ("content-type", "application/json".to_owned()),
        ];
        self.post("/hooks/jira", &headers, payload).await?;
        Ok(Seen::note(format!(
            "Jira: sprint \"{name}\" on board {board} is closed; its webhook reaches Cadence, signed"
        )))
    }

    /// Runs Cadence's background jobs and gathers what the platform's stand-in received
    /// (`collect`, woken by `called`) into `seen` until `expect` holds; the first unmet
    /// expectation, described, if it never does. While it waits the story's clock moves a
    /// second at a time, as real time would: the outbox paces posts to a channel a second apart.
    pub async fn settle(
        &self,
        expect: &[Expect],
        called: &Notify,
        collect: &mut (dyn FnMut() -> Vec<Seen> + Send),
        seen: &mut Vec<Seen>,
    ) -> Result<Option<String>, DemoError> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let rung = called.notified();
            tokio::pin!(rung);
            rung.as_mut().enable();
            self.server.drain().await?;
            seen.extend(collect());
            let missing = unmet(expect, seen);
            if missing.is_none() || tokio::time::Instant::now() >= deadline {
                return Ok(missing);
            }
            self.clock.advance(chrono::Duration::seconds(1));
            // A post still on its way lands in a moment: look again when it does, or soon.
            let _ = tokio::time::timeout(Duration::from_millis(200), rung).await;
        }
    }

    /// Stops the server, letting what is in flight finish.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

/// A scratch directory for the throw-away database, deleted when dropped.
pub struct Scratch {
    /// Its path.
    pub path: PathBuf,
}

impl Scratch {
    /// Makes a new, empty directory under the system's temporary directory.
    pub fn new() -> Result<Scratch, DemoError> {
        let path = std::env::temp_dir().join(format!(
            "cadence-demo-{}-{}",
            std::process::id(),
            super::random_hex(4)?
        ));
        std::fs::create_dir(&path).map_err(DemoError::Scratch)?;
        Ok(Scratch { path })
    }

    /// The SQLite URL of a database file in it.
    pub fn database_url(&self) -> String {
        format!("sqlite://{}", self.path.join("cadence-demo.db").display())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.path) {
            tracing::warn!(%error, path = %self.path.display(), "could not delete the demo's scratch directory");
        }
    }
}
