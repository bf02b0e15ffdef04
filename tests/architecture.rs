//! The crate's top-level modules depend on each other in one direction only: no import cycles,
//! and none of the dependencies the architecture rules out (design.md §5, "The shape to grow
//! into"). Read from the source text: every `crate::MODULE` a file under `src/MODULE/` names.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Dependencies that must never exist, with why.
const NEVER: &[(&str, &str, &str)] = &[
    ("domain", "store", "the domain knows no SQL"),
    ("domain", "inbound", "no HTTP in the domain"),
    ("domain", "outbound", "no platform in the domain"),
    ("domain", "platform", "no platform in the domain"),
    ("domain", "service", "the domain knows no use case"),
    ("domain", "scheduler", "the domain knows no job"),
    ("store", "service", "the store serves"),
    ("store", "inbound", "the store serves"),
    ("store", "outbound", "the store serves"),
    ("store", "platform", "the store serves"),
    ("store", "scheduler", "the store serves"),
    ("inbound", "app", "handlers do not reach up for state"),
    (
        "inbound",
        "outbound",
        "an adapter's encode and decode live together, in platform/",
    ),
    ("service", "scheduler", "use cases live in service"),
    ("service", "inbound", "use cases know no HTTP"),
    ("service", "platform", "use cases know no platform"),
    ("error", "inbound", "the error type knows no adapter"),
    ("app", "outbound", "wiring builds no messages"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/store/teams.rs` → `store`, `src/app.rs` → `app`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// The top-level modules a source file names as `crate::X`, outside comments and tests.
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or_default();
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
        // `use crate::{a::…, b::…}` names several.
        if let Some(group) = line.split("crate::{").nth(1) {
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        let entry = edges.entry(from.clone()).or_default();
        for to in imports(&text) {
            if to != from && modules.contains(&to) {
                entry.insert(to);
            }
        }
    }
    edges
}

/// A cycle through `start`, if the graph has one, as the path of modules.
fn cycle_from(
    edges: &BTreeMap<String, BTreeSet<String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    for next in edges.get(at).into_iter().flatten() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_owned());
            return Some(cycle);
        }
        if path.contains(next) {
            continue;
        }
        path.push(next.clone());
        if let Some(cycle) = cycle_from(edges, start, next, path) {
            return Some(cycle);
        }
        path.pop();
    }
    None
}

#[test]
fn top_level_modules_have_no_import_cycles() {
    let edges = graph();
    assert!(
        edges.contains_key("domain") && edges.contains_key("store"),
        "{edges:?}"
    );
    for start in edges.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = cycle_from(&edges, start, start, &mut path) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn no_module_depends_on_what_the_architecture_rules_out() {
    let edges = graph();
    let mut broken = Vec::new();
    for (from, to, why) in NEVER {
        if edges.get(*from).is_some_and(|deps| deps.contains(*to)) {
            broken.push(format!("{from} → {to}: {why}"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn nothing_depends_on_the_demo() {
    // `cadence demo` is an edge like main.rs and app.rs: it wires the application and drives
    // it; no layer may reach for its stand-ins or renderers.
    let edges = graph();
    assert!(
        edges.get("demo").is_some_and(|deps| deps.contains("app")),
        "the demo is found and runs the app: {edges:?}"
    );
    let users: Vec<&String> = edges
        .iter()
        .filter(|(from, deps)| from.as_str() != "demo" && deps.contains("demo"))
        .map(|(from, _)| from)
        .collect();
    assert!(users.is_empty(), "these depend on the demo: {users:?}");
}

#[test]
fn the_outbox_names_no_platform() {
    let outbound = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/outbound");
    let mut files = Vec::new();
    rust_files(&outbound, &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for word in ["slack::", "teams::", "Platform::Slack", "Platform::Teams"] {
            assert!(
                !code.contains(word),
                "{} names a platform: {word}",
                file.display()
            );
        }
    }
}
