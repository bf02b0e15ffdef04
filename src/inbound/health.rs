//! `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: the database
//! answers and every migration is applied), for orchestrators.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use super::AppState;

/// The operational routes: health, readiness and metrics.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics::handle))
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ready().await {
        Ok(true) => (StatusCode::OK, "ready\n"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
