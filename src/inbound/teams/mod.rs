//! Microsoft Teams' inbound side: requests from the Bot Framework connector to `/teams/messages`.
//!
//! Every request carries a Bot Framework JWT in its `Authorization` header. [`auth`] verifies it
//! before the body is parsed, then checks the parsed activity against what the token vouches for
//! (its channel endorsement and its `serviceUrl`).

pub(crate) mod activity;
pub mod auth;
pub(crate) mod messages;

/// Teams' one route: every activity the Bot Framework sends.
pub fn router() -> axum::Router<crate::inbound::AppState> {
    axum::Router::new().route(
        "/teams/messages",
        axum::routing::post(crate::inbound::chat::handle::<messages::Teams>),
    )
}
