//! The audit's HTML page in a real browser: headless Chromium (Debian's `chromium`) loads the
//! page from a file, and the test checks the DOM Chromium built (the charts' SVG bars, the top
//! three with their commands) and a screenshot that is not blank.
//!
//! Without Chromium the test says so and passes, unless `CADENCE_REQUIRE_CHROMIUM=1` (what
//! `.ci/run` sets after installing it). `CADENCE_AUDIT_SCREENSHOT=PATH` keeps the screenshot,
//! which is how docs/audit.png is made.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use cadence::audit::{self, AuditOptions, RuleSet};
use chrono::NaiveDate;

#[path = "support/chromium.rs"]
mod chromium;
use chromium::{chromium, run_chromium};

#[test]
fn the_html_report_renders_in_chromium_with_its_charts_and_top_three() {
    let Some(binary) = chromium() else {
        assert!(
            std::env::var("CADENCE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "CADENCE_REQUIRE_CHROMIUM=1 but no chromium at /usr/bin/chromium"
        );
        eprintln!(
            "SKIPPED: chromium is not installed (apt-get install chromium); the HTML report was not rendered"
        );
        return;
    };
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let options = AuditOptions {
        window: audit::window(
            Some(day("2026-01-01")),
            Some(day("2026-12-31")),
            day("2027-01-05"),
        )
        .unwrap(),
        rules: RuleSet::defaults(),
        activity: None,
        include_instances: false,
    };
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ics");
    let report = audit::run(&[fixtures], &options).unwrap();
    let page = audit::html::render(&report);
    // Self-contained: nothing to fetch, no script.
    for outside in ["src=", "<link", "<script", "href=\"http", "url("] {
        assert!(!page.contains(outside), "the page has {outside}");
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("audit.html");
    std::fs::write(&html, &page).unwrap();
    let url = format!("file://{}", html.display());

    let dom = run_chromium(
        &binary,
        &dir.path().join("profile-dom"),
        &["--dump-dom".to_owned(), url.clone()],
    );
    assert!(
        dom.contains("<svg id=\"kinds-chart\""),
        "no chart in the DOM:\n{dom}"
    );
    assert_eq!(
        dom.matches("<rect class=\"bar\"").count(),
        report.kinds.len()
    );
    assert!(dom.matches("<rect class=\"segment\"").count() >= 12);
    let top = &dom[dom
        .find("<section id=\"top-three\"")
        .expect("top-three section")..];
    assert_eq!(top.matches("<article class=\"ritual\"").count(), 3);
    assert!(top.contains("/cadence ritual add pipeline on ics:feed=victor:title~pipeline:ended"));

    let png = dir.path().join("audit.png");
    run_chromium(
        &binary,
        &dir.path().join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1100,1800".to_owned(),
            url,
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((frame.width, frame.height), (1100, 1800));
    let channels = frame.color_type.samples();
    let pixels = &pixels[..frame.buffer_size()];
    let mut colours = std::collections::HashSet::new();
    let mut teal = 0usize;
    for px in pixels.chunks(channels) {
        colours.insert((px[0], px[1], px[2]));
        // The top-three cards' border and the QBR/planning bars are #0f766e.
        if (px[0], px[1], px[2]) == (0x0f, 0x76, 0x6e) {
            teal += 1;
        }
    }
    assert!(
        colours.len() > 50,
        "the screenshot looks blank: {} colours",
        colours.len()
    );
    assert!(
        teal > 1000,
        "the teal of the cards and bars is missing: {teal} pixels"
    );
    if let Some(keep) = std::env::var_os("CADENCE_AUDIT_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}
