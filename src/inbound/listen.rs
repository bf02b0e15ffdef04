//! Serving HTTP on a listener, with the limits a public endpoint needs against idle and slow
//! clients.
//!
//! A client must send its request's headers within [`HEADER_READ_TIMEOUT`] or its connection
//! is closed, so sockets that open and then say nothing (or a byte at a time) cannot pile up;
//! bodies are bounded by the router's timeout. The number of connections is capped below the
//! process's file-descriptor limit ([`connection_limit`]): running out of descriptors would stop
//! the service accepting anything, `/healthz` and signed commands included. At the cap, a new
//! connection takes the place of the oldest one that has not yet sent a whole request, so a
//! flood of idle sockets cannot keep a real request out; only when every connection is busy
//! with a request is the newcomer turned away. Shutdown stops accepting, lets the requests in
//! flight finish, then returns.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// How long a client has to send its request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long to wait before accepting again after `accept` failed.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Descriptors kept back from connections: the database pools, outbound HTTP clients, logs.
const RESERVED_DESCRIPTORS: u64 = 256;

/// The most connections served at once: three quarters of the soft file-descriptor limit,
/// less a reserve, and at least 64.
pub fn connection_limit() -> usize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(65_536);
    let usable = (limit / 4 * 3).saturating_sub(RESERVED_DESCRIPTORS).max(64);
    usize::try_from(usable).unwrap_or(usize::MAX)
}

/// The connections being served: how many, and which are still waiting for their first whole
/// request (oldest first), each with what closes it.
#[derive(Default)]
struct Connections {
    open: usize,
    next: u64,
    waiting: BTreeMap<u64, CancellationToken>,
}

type Shared = Arc<Mutex<Connections>>;

/// Makes room for a new connection; `None` turns it away.
fn admit(connections: &Shared, limit: usize) -> Option<(u64, CancellationToken)> {
    let mut c = connections.lock().ok()?;
    if c.open >= limit {
        // The oldest connection that has not sent a whole request gives way.
        let (_, oldest) = c.waiting.pop_first()?;
        oldest.cancel();
        c.open -= 1;
    }
    c.open += 1;
    c.next += 1;
    let id = c.next;
    let close = CancellationToken::new();
    c.waiting.insert(id, close.clone());
    Some((id, close))
}

/// A connection has sent a whole request: it is no longer first to give way.
fn busy(connections: &Shared, id: u64) {
    if let Ok(mut c) = connections.lock() {
        c.waiting.remove(&id);
    }
}

/// A connection has closed (unless it was already counted out when it gave way).
fn closed(connections: &Shared, id: u64, gave_way: bool) {
    if let Ok(mut c) = connections.lock() {
        c.waiting.remove(&id);
        if !gave_way {
            c.open = c.open.saturating_sub(1);
        }
    }
}

/// Serves `router` on `listener` until `shutdown`, then waits for the requests in flight.
pub async fn serve(listener: TcpListener, router: Router, shutdown: CancellationToken) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let limit = connection_limit();
    let connections: Shared = Arc::default();
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                tracing::warn!(%error, "accept failed; backing off");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let Some((id, close)) = admit(&connections, limit) else {
            tracing::warn!(limit, "every connection is busy; turning a new one away");
            drop(stream);
            continue;
        };
        let marks = connections.clone();
        let service = router
            .clone()
            .map_request(move |request: Request<Incoming>| {
                busy(&marks, id);
                request.map(axum::body::Body::new)
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        let mine = connections.clone();
        tokio::spawn(async move {
            let gave_way = tokio::select! {
                ended = connection => {
                    if let Err(error) = ended {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                    false
                }
                () = close.cancelled() => true,
            };
            closed(&mine, id, gave_way);
        });
    }
    // Stop reading new requests on every connection; those in flight finish.
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_gives_way_at_the_limit() {
        let connections: Shared = Arc::default();
        let (first, first_close) = admit(&connections, 2).expect("room");
        let (second, _) = admit(&connections, 2).expect("room");
        busy(&connections, second);
        // Full: the first (still idle) makes way for the third.
        let (_third, _) = admit(&connections, 2).expect("room made");
        assert!(first_close.is_cancelled());
        closed(&connections, first, true);
        // Full again, and the only idle one is the third: it gives way too.
        assert!(admit(&connections, 2).is_some());
        // Now both are... one busy (second), one idle (fourth): busy ones never give way.
        busy(&connections, 4);
        assert!(admit(&connections, 2).is_none(), "every connection is busy");
    }

    #[test]
    fn the_limit_stays_under_the_descriptor_limit() {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .unwrap_or(u64::MAX);
        let cap = u64::try_from(connection_limit()).unwrap_or(u64::MAX);
        assert!(cap >= 64);
        assert!(cap < limit || limit < 64 + RESERVED_DESCRIPTORS);
    }
}
