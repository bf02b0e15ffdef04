//! `GET /slack/install` and `GET /slack/oauth/callback`: a workspace installs Cadence through
//! Slack's OAuth v2. The install page sets a cookie and links to Slack with a signed, expiring,
//! single-use `state`; the callback checks that state against the cookie and the store, trades
//! the `code` for the workspace's bot token and records it. These are pages people read in a
//! browser, so every outcome, failures included, is a short plain page saying what to do: the
//! handlers answer a page of their own rather than an `AppError`, whose plain-text answers are
//! written for the platforms' servers.
//! <https://api.slack.com/authentication/oauth-v2>

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::install_state::{self, COOKIE, StateProblem};
use crate::audit::html::{STYLE, esc};
use crate::inbound::AppState;
use crate::platform::slack::oauth::OAuthError;
use crate::platform::slack::tokens::Installed;

/// What Slack's redirect carries.
#[derive(Debug, Default, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The Add to Slack page.
pub async fn install(State(state): State<AppState>) -> Response {
    let Some(oauth) = &state.slack_oauth else {
        return not_configured();
    };
    let issued = match install_state::issue(oauth.client_secret(), state.clock.now()) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(%error, "no randomness for an install state");
            return unavailable();
        }
    };
    let secure = if oauth.redirect_uri().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/slack/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        issued.nonce,
        install_state::LIFETIME.num_seconds()
    );
    let link = oauth.authorize_url(&issued.state);
    let body = format!(
        "<p>Cadence posts a capability-planning prompt in the channel of each ritual your teams \
         already run, and records the decisions managers make there.</p>\
         <p><a class=\"button\" href=\"{}\">Add to Slack</a></p>\
         <p class=\"why\">Slack asks you to approve what Cadence may do. The link works for ten \
         minutes, in this browser.</p>",
        esc(&link)
    );
    let mut response = page(StatusCode::OK, "Install Cadence", &body);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Where Slack sends the installer back.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(oauth) = &state.slack_oauth else {
        return not_configured();
    };
    let now = state.clock.now();
    let Ok(callback) = serde_urlencoded::from_str::<Callback>(query.as_deref().unwrap_or(""))
    else {
        return failed(
            StatusCode::BAD_REQUEST,
            "This address is not one Slack sent.",
        );
    };
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(install_state::cookie_nonce);
    let checked = install_state::check(
        oauth.client_secret(),
        callback.state.as_deref().unwrap_or_default(),
        cookie,
        now,
    );
    let checked = match checked {
        Ok(checked) => checked,
        Err(problem) => return refused_state(problem),
    };
    match state
        .store
        .use_oauth_state(&checked.nonce, checked.expires_at, now)
        .await
    {
        Ok(true) => {}
        Ok(false) => return refused_state(StateProblem::Used),
        Err(error) => {
            tracing::warn!(%error, "could not check an install state");
            return unavailable();
        }
    }
    if let Some(error) = &callback.error {
        let status = if error == "access_denied" {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        return finished(failed(
            status,
            &format!(
                "Cadence was not installed: Slack said <code>{}</code>. \
                 <a href=\"/slack/install\">Start again</a> when you are ready.",
                esc(error)
            ),
        ));
    }
    let Some(code) = callback.code.as_deref().filter(|c| !c.is_empty()) else {
        return finished(failed(StatusCode::BAD_REQUEST, "Slack sent no code."));
    };
    let grant = match oauth.exchange(code).await {
        Ok(grant) if grant.token_type.as_deref().is_none_or(|t| t == "bot") => grant,
        Ok(grant) => {
            tracing::warn!(token_type = ?grant.token_type, "the install granted no bot token");
            return finished(failed(
                StatusCode::BAD_REQUEST,
                "Slack granted no bot token: the app must have a bot user. \
                 <a href=\"/slack/install\">Start again</a>.",
            ));
        }
        Err(error) => return finished(exchange_failed(error)),
    };
    match state.slack_tokens.install(&grant, now).await {
        Ok(installed) => {
            tracing::info!(
                tenant = installed.tenant.0,
                slack_id = %installed.slack_id,
                org_wide = grant.is_enterprise_install,
                "Cadence installed"
            );
            finished(installed_page(&installed))
        }
        Err(error) => {
            tracing::error!(%error, "could not record an install");
            finished(unavailable())
        }
    }
}

/// The page after an install: where Cadence now is, and how to begin.
fn installed_page(installed: &Installed) -> Response {
    let name = installed.name.as_deref().unwrap_or(&installed.slack_id);
    let open = format!(
        "https://slack.com/app_redirect?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("app", &installed.app_id)
            .append_pair("team", &installed.slack_id)
            .finish()
    );
    page(
        StatusCode::OK,
        "Cadence is installed",
        &format!(
            "<p>Cadence is installed in <b>{}</b>.</p>\
             <p><a class=\"button\" href=\"{}\">Open Cadence in Slack</a></p>\
             <p class=\"why\">In a team's channel, type <code>/cadence help</code> to \
             set the team up.</p>",
            esc(name),
            esc(&open)
        ),
    )
}

/// Slack could not be reached to trade the code, or refused it.
fn exchange_failed(error: OAuthError) -> Response {
    match error {
        OAuthError::Unreachable(reason) => {
            tracing::warn!(%reason, "oauth.v2.access failed");
            failed(
                StatusCode::BAD_GATEWAY,
                "Slack could not be reached to finish the install. \
                 <a href=\"/slack/install\">Start again</a> in a minute.",
            )
        }
        OAuthError::Refused(reason) => {
            tracing::info!(%reason, "Slack refused the install code");
            failed(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Slack refused to finish the install (<code>{}</code>). \
                     <a href=\"/slack/install\">Start again</a>.",
                    esc(&reason)
                ),
            )
        }
    }
}

/// A refused state: what happened and how to start again.
fn refused_state(problem: StateProblem) -> Response {
    tracing::info!(%problem, "install callback refused");
    failed(
        StatusCode::BAD_REQUEST,
        &format!(
            "{}. <a href=\"/slack/install\">Start the install again</a> from this browser.",
            capitalised(&problem.to_string())
        ),
    )
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The cookie cleared: the install it was for is over.
fn finished(mut response: Response) -> Response {
    let cleared = format!("{COOKIE}=; Path=/slack/; Max-Age=0; HttpOnly; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cleared) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

fn not_configured() -> Response {
    failed(
        StatusCode::NOT_FOUND,
        "This Cadence is not set up for installing into workspaces. Its operator sets \
         <code>SLACK_CLIENT_ID</code>, <code>SLACK_CLIENT_SECRET</code> and \
         <code>CADENCE_PUBLIC_URL</code> to allow it.",
    )
}

fn unavailable() -> Response {
    failed(
        StatusCode::SERVICE_UNAVAILABLE,
        "Cadence cannot finish this right now. <a href=\"/slack/install\">Try again</a> in a \
         minute.",
    )
}

fn failed(status: StatusCode, sentence: &str) -> Response {
    page(
        status,
        "Cadence was not installed",
        &format!("<p>{sentence}</p>"),
    )
}

/// A small self-contained page; never cached, and the callback's code never leaks through a
/// `Referer`.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}\
         main{{max-width:36em;margin:3em auto;padding:0 1em}}\
         a.button{{display:inline-block;background:#1d3557;color:#fff;padding:.6em 1.2em;\
         border-radius:6px;text-decoration:none;font-weight:600}}</style></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
