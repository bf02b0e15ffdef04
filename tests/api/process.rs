//! The release-style binary as a child process, for tests that kill it with SIGKILL.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `cadence serve`; dropping it kills (SIGKILL) and reaps the process.
pub struct Process {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
}

impl Process {
    /// Starts `cadence serve` with `env` on a free loopback port and waits until it is ready.
    // The child is moved into `Process`, whose Drop kills and reaps it on every path.
    #[allow(clippy::zombie_processes)]
    pub async fn start(env: &[(&str, &str)]) -> Process {
        Self::launch(env, None).await
    }

    /// [`start`](Self::start), with the process allowed at most `descriptors` open files.
    #[allow(clippy::zombie_processes)]
    pub async fn start_with_descriptor_limit(env: &[(&str, &str)], descriptors: u32) -> Process {
        Self::launch(env, Some(descriptors)).await
    }

    #[allow(clippy::zombie_processes)]
    async fn launch(env: &[(&str, &str)], descriptors: Option<u32>) -> Process {
        // A configured database is created by `cadence migrate`, never by `serve`.
        let migrated = Command::new(env!("CARGO_BIN_EXE_cadence"))
            .arg("migrate")
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("cadence migrate runs");
        assert!(migrated.success(), "cadence migrate failed");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let mut command = match descriptors {
            None => {
                let mut command = Command::new(env!("CARGO_BIN_EXE_cadence"));
                command.arg("serve");
                command
            }
            Some(limit) => {
                let mut command = Command::new("sh");
                command.args([
                    "-c",
                    &format!("ulimit -n {limit} && exec \"$0\" serve"),
                    env!("CARGO_BIN_EXE_cadence"),
                ]);
                command
            }
        };
        let child = command
            .envs(env.iter().copied())
            .env("CADENCE_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cadence");
        let process = Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..400 {
            let ready = client.get(format!("{}/readyz", process.base)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("cadence did not become ready");
    }

    /// SIGKILL: no graceful shutdown, no chance to flush anything.
    pub fn kill(self) {
        drop(self);
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
