//! The seam every chat platform's inbound side fits. A request is verified on its raw bytes,
//! normalised into the service's neutral terms (a command, a card click or form, an event),
//! run, and answered the platform's way. [`handle`] is that path, written once; a platform
//! supplies its three platform-shaped steps as a [`ChatAdapter`] (Slack in `slack/adapter.rs`,
//! Teams in `teams/messages.rs`). A third platform is one more implementation and a route.

use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use tokio::time::Instant;

use crate::domain::card::Choice;
use crate::error::AppError;
use crate::inbound::AppState;
use crate::service::{CardInput, CardOutcome, Invocation, Outcome, Reply, Suggestion};
use crate::store::NewInboxEntry;

/// What a verified request asks for, in the service's terms.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A command a person typed.
    Command(Invocation),
    /// A click on a card, or a submitted form.
    Card(Invocation, CardInput),
    /// A ritual event (a meeting started or ended), kept in the inbox like any other source's.
    Event(NewInboxEntry),
    /// A picker asking which capabilities match what was typed.
    Suggest(Invocation, Suggestion),
    /// Nothing to run (an install, a closed form): acknowledged.
    Nothing,
}

/// What running an [`Inbound`] gave, for the adapter to answer with.
#[derive(Debug)]
pub(crate) enum Ran {
    /// The reply to a command.
    Command(Reply),
    /// The command did not finish inside the adapter's budget; it may still be recorded.
    Overran,
    /// The outcome of a click or form.
    Card(CardOutcome),
    /// The choices a picker offers.
    Suggestions(Vec<Choice>),
    /// An event kept, or nothing to do.
    Nothing,
}

/// One chat platform's inbound side.
#[async_trait]
pub(crate) trait ChatAdapter: Send + Sync + 'static {
    /// What verification proved, kept for the checks that need the parsed request too (Teams:
    /// the token's claims against the activity's channel and service URL).
    type Verified: Send;
    /// What normalising keeps for the answer (where a reply goes, whether a form must open).
    type Context: Send;

    /// Checks that the request comes from the platform, before anything of it is parsed.
    async fn verify(
        state: &AppState,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<Self::Verified, AppError>;

    /// Translates a verified request into what the service runs. `received` is when the
    /// request arrived, for lookups that must fit the platform's deadline.
    async fn normalise(
        state: &AppState,
        verified: Self::Verified,
        headers: &HeaderMap,
        body: &Bytes,
        received: Instant,
    ) -> Result<(Inbound, Self::Context), AppError>;

    /// How long after its arrival a command is answered at the latest, if the platform waits
    /// for the answer (Slack: 3 s).
    fn command_deadline(_received: Instant) -> Option<Instant> {
        None
    }

    /// The platform's answer to what the service said.
    async fn answer(
        state: &AppState,
        context: Self::Context,
        ran: Ran,
        received: Instant,
    ) -> Result<Response, AppError>;
}

/// The one inbound path of every chat platform: verify, normalise, run, answer.
pub(crate) async fn handle<A: ChatAdapter>(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let received = Instant::now();
    let verified = A::verify(&state, &headers, &body).await?;
    let (inbound, context) = A::normalise(&state, verified, &headers, &body, received).await?;
    let ran = match inbound {
        Inbound::Command(invocation) => {
            let run = state.commands.run(&invocation);
            let ran = match A::command_deadline(received) {
                Some(deadline) => match tokio::time::timeout_at(deadline, run).await {
                    Ok(reply) => Ran::Command(reply?),
                    Err(_) => {
                        tracing::warn!("command overran its budget; answered before it finished");
                        Ran::Overran
                    }
                },
                None => Ran::Command(run.await?),
            };
            let platform = invocation.platform.as_str();
            metrics::histogram!("cadence_command_seconds", "platform" => platform)
                .record(received.elapsed().as_secs_f64());
            if matches!(&ran, Ran::Command(reply) if reply.outcome == Outcome::Replayed) {
                metrics::counter!("cadence_deliveries_deduplicated_total", "source" => platform)
                    .increment(1);
            }
            ran
        }
        Inbound::Card(invocation, input) => {
            Ran::Card(state.commands.card(&invocation, &input).await?)
        }
        Inbound::Suggest(invocation, suggestion) => {
            Ran::Suggestions(state.commands.suggest(&invocation, &suggestion).await?)
        }
        Inbound::Event(entry) => {
            let source = entry.source.as_str();
            if state.store.receive(entry).await? {
                state.wake_events.notify_one();
            } else {
                metrics::counter!("cadence_deliveries_deduplicated_total", "source" => source)
                    .increment(1);
            }
            Ran::Nothing
        }
        Inbound::Nothing => Ran::Nothing,
    };
    A::answer(&state, context, ran, received).await
}
