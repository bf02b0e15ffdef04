//! Several `cadence serve` processes on one database as one service: a clock they share through
//! a file (`CADENCE_CLOCK_FILE`), and a client that sends each request to the replicas in turn,
//! sending what got no answer to the next one, as a load balancer in front of them would.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cadence::config::FileClock;
use cadence::domain::clock::Clock;
use chrono::{DateTime, Utc};

use crate::process::Process;

/// The clock every replica reads: an instant in a file, running on from when it was written.
pub struct SharedClock {
    path: PathBuf,
    clock: FileClock,
    /// Each move: when the file was written, and the instant it set.
    moves: Mutex<Vec<(SystemTime, DateTime<Utc>)>>,
    _dir: tempfile::TempDir,
}

impl SharedClock {
    /// A clock set to `at`, in a file of its own.
    pub fn start(at: DateTime<Utc>) -> SharedClock {
        let dir = tempfile::tempdir().expect("clock dir");
        let path = dir.path().join("clock");
        let moves = Mutex::new(vec![(write(&path, at), at)]);
        let clock = FileClock::open(&path).expect("the clock file reads");
        SharedClock {
            path,
            clock,
            moves,
            _dir: dir,
        }
    }

    /// The file, for `CADENCE_CLOCK_FILE`.
    pub fn file(&self) -> String {
        self.path.display().to_string()
    }

    /// Sets the time for every replica at once.
    pub fn set(&self, at: DateTime<Utc>) {
        let written = write(&self.path, at);
        self.moves.lock().expect("moves").push((written, at));
    }

    /// Now, as the replicas read it.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// What the replicas' clock read at `moment` (a system-clock time, such as when the Slack
    /// stand-in received a call).
    pub fn at(&self, moment: SystemTime) -> DateTime<Utc> {
        let moves = self.moves.lock().expect("moves");
        let (written, instant) = moves
            .iter()
            .rev()
            .find(|(written, _)| *written <= moment)
            .or(moves.first())
            .copied()
            .expect("the clock was set");
        let since = moment.duration_since(written).unwrap_or_default();
        instant + chrono::Duration::from_std(since).expect("duration")
    }
}

/// Writes `at` to `path` whole (a new file renamed over the old one); when it was written.
fn write(path: &std::path::Path, at: DateTime<Utc>) -> SystemTime {
    let next = path.with_extension("next");
    std::fs::write(&next, at.to_rfc3339()).expect("write the clock");
    std::fs::rename(&next, path).expect("move the clock");
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("clock file time")
}

/// Running replicas, each on its own loopback port.
pub struct ReplicaSet {
    processes: Vec<Option<Process>>,
    envs: Vec<Vec<(String, String)>>,
    bases: Arc<Mutex<Vec<String>>>,
}

impl ReplicaSet {
    /// Starts one replica per environment, one after the other.
    pub async fn start(envs: Vec<Vec<(String, String)>>) -> ReplicaSet {
        let mut set = ReplicaSet {
            processes: Vec::new(),
            bases: Arc::new(Mutex::new(Vec::new())),
            envs,
        };
        for i in 0..set.envs.len() {
            let process = launch(&set.envs[i]).await;
            set.bases.lock().expect("bases").push(process.base.clone());
            set.processes.push(Some(process));
        }
        set
    }

    /// SIGKILLs replica `i`: no graceful shutdown. Its address stays in the rotation, refusing
    /// connections, as a dead backend does until a health check notices.
    pub fn kill(&mut self, i: usize) {
        if let Some(process) = self.processes[i].take() {
            process.kill();
        }
    }

    /// Starts replica `i` again (on a new port) with its environment.
    pub async fn restart(&mut self, i: usize) {
        let process = launch(&self.envs[i]).await;
        self.bases.lock().expect("bases")[i] = process.base.clone();
        self.processes[i] = Some(process);
    }

    /// A client that sends requests to the replicas in turn.
    pub fn client(&self) -> RoundRobin {
        RoundRobin {
            bases: self.bases.clone(),
            // A request caught by a kill may never be answered: after the timeout it counts as
            // not acknowledged and goes to the next replica.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("client"),
            resent: Arc::new(AtomicUsize::new(0)),
        }
    }
}

async fn launch(env: &[(String, String)]) -> Process {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Process::start(&env).await
}

/// How many replicas one request is offered to before it counts as not acknowledged.
const TRIES: usize = 6;

/// Sends each request to a replica, and what got no answer (or a 5xx) to the next one.
#[derive(Clone)]
pub struct RoundRobin {
    bases: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
    resent: Arc<AtomicUsize>,
}

impl RoundRobin {
    /// Sends the request `build` makes for a replica's base URL, first to replica `first`;
    /// whether a replica acknowledged it: answered 200 with a body `accepted` agrees with.
    pub async fn send(
        &self,
        first: usize,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
        accepted: impl Fn(&str) -> bool,
    ) -> bool {
        for attempt in 0..TRIES {
            let base = {
                let bases = self.bases.lock().expect("bases");
                bases[(first + attempt) % bases.len()].clone()
            };
            if attempt > 0 {
                self.resent.fetch_add(1, Ordering::SeqCst);
            }
            let Ok(response) = build(&self.client, &base).send().await else {
                continue;
            };
            let status = response.status();
            if status.is_server_error() {
                continue;
            }
            let Ok(body) = response.text().await else {
                continue;
            };
            return status == 200 && accepted(&body);
        }
        false
    }

    /// How many times a request was sent again to another replica.
    pub fn resent(&self) -> usize {
        self.resent.load(Ordering::SeqCst)
    }
}
