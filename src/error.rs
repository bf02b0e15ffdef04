//! The one application error that every HTTP handler returns, mapped to a status and a clear
//! message in one place.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// What can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is not signed by the platform it claims to come from: 401, nothing recorded.
    #[error("unauthorised: {0}")]
    Unauthorised(String),
    /// The request is signed but malformed: 400 with what was wrong.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The address names nothing Cadence knows (an event source removed, or never added): 404.
    #[error("not found: {0}")]
    NotFound(String),
    /// The database is unreachable or failing: 503, so the platform retries.
    #[error("unavailable: {0}")]
    Unavailable(#[from] StoreError),
    /// A service Cadence needs to check the request (a platform's signing keys) is
    /// unreachable: 503, so the platform retries.
    #[error("upstream unavailable: {0}")]
    Upstream(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Unauthorised(reason) => {
                tracing::warn!(%reason, "refused unsigned or badly signed request");
                (
                    StatusCode::UNAUTHORIZED,
                    "invalid or missing request signature\n",
                )
                    .into_response()
            }
            AppError::NotFound(reason) => {
                tracing::info!(%reason, "not found");
                (StatusCode::NOT_FOUND, format!("{reason}\n")).into_response()
            }
            AppError::BadRequest(reason) => {
                tracing::info!(%reason, "bad request");
                (StatusCode::BAD_REQUEST, format!("{reason}\n")).into_response()
            }
            AppError::Unavailable(reason @ StoreError::Corrupt(_)) => {
                tracing::error!(%reason, "stored data is not valid");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "stored data is not valid; an operator must look\n",
                )
                    .into_response()
            }
            AppError::Upstream(reason) => {
                tracing::error!(%reason, "cannot verify the request now");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "cannot verify the request right now; try again shortly\n",
                )
                    .into_response()
            }
            AppError::Unavailable(reason) => {
                tracing::error!(%reason, "store failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is unavailable; try again shortly\n",
                )
                    .into_response()
            }
        }
    }
}
