//! `GET /metrics`: Prometheus text exposition of the figures operators watch.
//!
//! Gauges are read from the database at scrape time, so every replica reports the same truth:
//! outbox messages by state and the age of the oldest one waiting, events waiting to be processed
//! and the age of the oldest, events that started nothing or were set aside, and how far the
//! scheduler is behind. Counters and histograms are this replica's own, since it started:
//! requests by route and status and their latency, refused signatures by source, deduplicated
//! deliveries and replays by source, command latency by platform, and outbox sends by outcome
//! (see `docs/operations.md`). Bind it privately or protect it in production (design.md §4).

use std::fmt::Write;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::inbound::AppState;

/// Renders the metrics.
pub async fn handle(State(state): State<AppState>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let figures = state.store.operational_figures(now).await?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP cadence_outbox_messages Messages in the outbox, by state."
    );
    let _ = writeln!(out, "# TYPE cadence_outbox_messages gauge");
    for (name, count) in [
        ("pending", figures.outbox.pending),
        ("sending", figures.outbox.sending),
        ("sent", figures.outbox.sent),
        ("dead", figures.outbox.dead),
    ] {
        let _ = writeln!(out, "cadence_outbox_messages{{state=\"{name}\"}} {count}");
    }
    gauge(
        &mut out,
        "cadence_outbox_oldest_pending_seconds",
        "Age of the oldest message waiting to be sent.",
        figures.oldest_pending_seconds,
    );
    let _ = writeln!(
        out,
        "# HELP cadence_inbox_events Received events, by processing outcome."
    );
    let _ = writeln!(out, "# TYPE cadence_inbox_events gauge");
    for (name, count) in [
        ("waiting", figures.events_waiting),
        ("matched", figures.events_matched),
        ("unmatched", figures.events_unmatched),
        ("set_aside", figures.events_set_aside),
    ] {
        let _ = writeln!(out, "cadence_inbox_events{{outcome=\"{name}\"}} {count}");
    }
    gauge(
        &mut out,
        "cadence_inbox_lag_seconds",
        "Age of the oldest received event not yet processed.",
        figures.oldest_waiting_event_seconds,
    );
    let lag = state.store.job_lag(now).await?;
    gauge(
        &mut out,
        "cadence_scheduler_lag_seconds",
        "How long the oldest due job has waited to run (0 when none is due).",
        lag.map_or(0, |l| l.num_seconds().max(0)),
    );
    state.recorded.run_upkeep();
    out.push_str(&state.recorded.render());
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        out,
    )
        .into_response())
}

/// Writes one unlabelled gauge with its help and type lines.
fn gauge(out: &mut String, name: &str, help: &str, value: i64) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    let _ = writeln!(out, "{name} {value}");
}
