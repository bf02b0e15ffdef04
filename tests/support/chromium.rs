//! Headless Chromium for the tests that render Cadence's HTML pages in a real browser
//! (`audit_html`, `report_html`): where the binary is, and one bounded run of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a Chromium run may take before it is stopped.
pub const CHROMIUM_LIMIT: Duration = Duration::from_secs(90);

/// The Chromium binary: `CADENCE_CHROMIUM`, or Debian's.
pub fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CADENCE_CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// Runs Chromium headless with a fresh profile; returns what it printed.
pub fn run_chromium(binary: &Path, profile: &Path, args: &[String]) -> String {
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromium");
    let started = Instant::now();
    // Poll rather than block, so a hung browser fails the test instead of hanging CI.
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > CHROMIUM_LIMIT {
            child.kill().unwrap();
            panic!("chromium took longer than {CHROMIUM_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}
