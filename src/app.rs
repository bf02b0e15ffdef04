//! Builds the application: the store, the router and the server, the same way for `main`, the
//! tests and the benchmark, so tests exercise exactly what runs in production.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{Request, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::Config;
use crate::domain::Platform;
use crate::domain::clock::Clock;
use crate::inbound::teams::auth::{BotAuthConfig, BotAuthenticator};
use crate::inbound::{self, AppState, MAX_BODY_BYTES};
use crate::platform::Senders;
use crate::platform::slack::api::SlackApi;
use crate::platform::slack::oauth::SlackOAuth;
use crate::platform::slack::sender::SlackSender;
use crate::platform::slack::tokens::SlackTokens;
use crate::platform::slack::users::SlackDirectory;
use crate::platform::teams::connector::{ConnectorConfig, TeamsConnector};
use crate::platform::teams::sender::TeamsSender;
use crate::scheduler::runner::JobsHandle;
use crate::scheduler::{self, Wakes};
use crate::service::Commands;
use crate::store::{IfMissing, Store, StoreError};

/// How long in-flight requests get to finish at shutdown.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// The HTTP client for platform APIs could not be built.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    store: Store,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
    workers: TaskTracker,
    jobs: JobsHandle,
}

impl Server {
    /// Opens the database, applies migrations, binds the listener and starts serving.
    pub async fn start(config: Config, clock: Arc<dyn Clock>) -> Result<Server, StartError> {
        let if_missing = if config.create_database {
            IfMissing::Create
        } else {
            IfMissing::Refuse
        };
        let store = Store::open(&config.database_url, if_missing).await?;
        if store.created() {
            tracing::warn!(
                database = %crate::config::redact_database_url(&config.database_url),
                "there was no database: created a new, empty one (a first run; if Cadence ran \
                 here before, its database has gone)"
            );
        }
        store.migrate().await?;
        if !config.sealer.encrypts() {
            tracing::warn!(
                "{} is not set: secrets Cadence stores (event-source secrets, Slack installation tokens) are kept \
                 unencrypted; set it to encrypt them at rest",
                crate::crypto::KEYS_VARIABLE
            );
        }
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let state = state(&config, store.clone(), clock)?;
        let shutdown = CancellationToken::new();
        let workers = TaskTracker::new();
        let jobs = spawn_workers(&config, &state, &workers, &shutdown)?;
        workers.spawn(metrics_upkeep(state.recorded, shutdown.clone()));
        workers.close();
        let app = router(state);
        let task = tokio::spawn(inbound::listen::serve(listener, app, shutdown.clone()));
        Ok(Server {
            addr,
            workers,
            store,
            shutdown,
            task,
            jobs,
        })
    }

    /// Runs every background job until nothing due is left (by the server's clock): what tests
    /// and tools call instead of waiting for the loops. Returns how many items were handled.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        self.jobs.drain().await
    }

    /// [`drain`](Self::drain), running only the background jobs `names` lists (`events`,
    /// `outbox`, `planning`, `scheduled jobs`, `calendar feeds`).
    pub async fn drain_jobs(&self, names: &[&str]) -> Result<usize, StoreError> {
        self.jobs.drain_where(|name| names.contains(&name)).await
    }

    /// The bound address (useful when the configured port was 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets in-flight requests finish (bounded by [`DRAIN_TIMEOUT`]), and
    /// closes the database.
    pub async fn stop(self) {
        self.shutdown.cancel();
        match tokio::time::timeout(DRAIN_TIMEOUT, self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "server task failed"),
            Err(_) => tracing::warn!("in-flight requests did not finish in time"),
        }
        // Workers finish the message or event in hand; leases cover anything cut short.
        if tokio::time::timeout(DRAIN_TIMEOUT, self.workers.wait())
            .await
            .is_err()
        {
            tracing::warn!("background workers did not stop in time");
        }
        self.store.close().await;
    }
}

/// Starts every background job (the inbox, the outbox, the scheduler) in the one worker loop,
/// stopped by `shutdown`.
fn spawn_workers(
    config: &Config,
    state: &AppState,
    workers: &TaskTracker,
    shutdown: &CancellationToken,
) -> Result<JobsHandle, StartError> {
    let wakes = Wakes {
        events: state.wake_events.clone(),
        outbox: state.wake_outbox.clone(),
    };
    let registry = scheduler::registry(
        &state.store,
        state.senders.clone(),
        &state.clock,
        &wakes,
        config.inbox_retention_days,
        scheduler::FeedSources {
            feeds: config.ics_feeds.clone(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        },
    );
    Ok(registry.spawn(workers, shutdown))
}

/// One sender per configured platform, for the outbox and for forms opened inline. Slack's is
/// always there: to a workspace without a token it parks what it is given, saying so.
fn senders(
    config: &Config,
    store: &Store,
    clock: &Arc<dyn Clock>,
    slack_tokens: &SlackTokens,
) -> Result<Senders, StartError> {
    let slack = SlackSender::new(
        SlackApi::new(&config.slack_api_base_url)?,
        slack_tokens.clone(),
    );
    let mut senders = Senders::new().with(Platform::Slack, Arc::new(slack));
    if let Some(teams) = &config.teams {
        let connector = TeamsConnector::new(
            ConnectorConfig {
                app_id: teams.app_id.clone(),
                app_password: teams.app_password.clone(),
                token_url: teams.token_url.clone(),
            },
            reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
            clock.clone(),
        );
        senders = senders.with(
            Platform::Teams,
            Arc::new(TeamsSender::new(connector, store.clone())),
        );
    }
    Ok(senders)
}

/// The application state for a configuration and an opened store.
pub fn state(config: &Config, store: Store, clock: Arc<dyn Clock>) -> Result<AppState, StartError> {
    let slack_oauth = match &config.slack_oauth {
        Some(oauth) => Some(SlackOAuth::new(
            &config.slack_api_base_url,
            &oauth.client_id,
            oauth.client_secret.clone(),
            &oauth.redirect_uri,
        )?),
        None => None,
    };
    let slack_tokens = SlackTokens::new(
        store.clone(),
        config.sealer.clone(),
        slack_oauth.clone(),
        config.slack.as_ref().and_then(|s| s.bot_token.clone()),
        clock.clone(),
    );
    let directory = if slack_tokens.configured() {
        Some(SlackDirectory::new(
            &config.slack_api_base_url,
            slack_tokens.clone(),
        )?)
    } else {
        None
    };
    let teams_auth = match &config.teams {
        Some(teams) => Some(BotAuthenticator::new(
            BotAuthConfig {
                app_id: teams.app_id.clone(),
                tenant_id: teams.tenant_id.clone(),
                openid_metadata_url: teams.openid_metadata_url.clone(),
                entra_openid_metadata_url: teams.entra_openid_metadata_url.clone(),
            },
            reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?,
        )),
        None => None,
    };
    let wake_outbox = Arc::new(Notify::new());
    let commands = Commands::new(
        store.clone(),
        config.admins.clone(),
        clock.clone(),
        wake_outbox.clone(),
    )
    .with_sources(config.sealer.clone(), config.public_url.as_deref());
    let senders = senders(config, &store, &clock, &slack_tokens)?;
    Ok(AppState::new(inbound::Shared {
        senders,
        slack_signing_secret: config.slack.as_ref().map(|s| s.signing_secret.clone()),
        slack_tokens,
        slack_oauth,
        hook_secrets: Arc::new(config.hook_secrets.clone()),
        sealer: config.sealer.clone(),
        store,
        commands,
        clock,
        directory,
        teams_auth,
        wake_events: Arc::new(Notify::new()),
        wake_outbox,
        recorded: crate::telemetry::prometheus(),
    }))
}

/// Folds recorded histogram samples into their buckets every few seconds, so memory stays flat
/// between scrapes (the recorder keeps raw samples until then).
async fn metrics_upkeep(
    recorded: &'static metrics_exporter_prometheus::PrometheusHandle,
    shutdown: CancellationToken,
) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => recorded.run_upkeep(),
        }
    }
}

/// Counts every request by route and status, times it, and counts refused signatures and
/// tokens (401) by the source they claimed to come from.
async fn count_request(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let source = request_source(request.uri().path());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    metrics::histogram!("cadence_http_request_seconds", "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "cadence_http_requests_total",
        "route" => route,
        "status" => status.as_str().to_owned()
    )
    .increment(1);
    if status == StatusCode::UNAUTHORIZED {
        metrics::counter!("cadence_signature_failures_total", "source" => source).increment(1);
    }
    response
}

/// The source a request claims by its path: `slack`, `teams`, or the hook's source (`jira`,
/// `github`, …, `generic`).
fn request_source(path: &str) -> String {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("hooks"), Some(source)) if !source.is_empty() => source.to_owned(),
        (Some(first), _) if !first.is_empty() => first.to_owned(),
        _ => "unknown".to_owned(),
    }
}

/// Every adapter's routes, merged, with tracing, request ids, a timeout and the body limit.
pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(MatchedPath::as_str)
                .unwrap_or("unmatched");
            let request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            // tenant, user, command and the decision recorded are filled in by the handlers once
            // they know them.
            tracing::info_span!(
                "request",
                method = %request.method(),
                route,
                request_id,
                platform = tracing::field::Empty,
                tenant = tracing::field::Empty,
                user = tracing::field::Empty,
                command = tracing::field::Empty,
                decision = tracing::field::Empty,
            )
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    Router::new()
        .merge(inbound::slack::router())
        .merge(inbound::teams::router())
        .merge(inbound::hooks::router())
        .merge(inbound::health::router())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn(count_request))
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(
            inbound::ProcessRequestIds::new(),
        ))
        .with_state(state)
}
