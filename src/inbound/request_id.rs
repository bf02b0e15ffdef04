//! Request ids for `x-request-id`: this process's random prefix and a scrambled counter.
//!
//! An id only has to tell one request's log lines from another's, across replicas too; it is
//! not a secret. A UUID per request asked the kernel for random bytes on every request, a
//! measurable share of the acknowledgement path; one random prefix per process and a counter
//! are as unique for this purpose and cost an increment. The counter goes out through a keyed
//! hash (SipHash, keyed at start), because the id is sent back to every caller and a plain
//! count would tell anyone how many requests the process has served. Two of the first hundred
//! million ids of one process share a hash with odds of about 1 in 3,700; a rare shared id
//! only merges two requests' log lines.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes `{prefix}-{hash}` ids: a random 64-bit prefix chosen at start and the keyed hash of a
/// counter from 1.
#[derive(Debug, Clone)]
pub(crate) struct ProcessRequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
    scramble: RandomState,
}

impl ProcessRequestIds {
    /// A new prefix. Without the system's random source, the prefix falls back to the start
    /// time in nanoseconds mixed with the process id: replicas started together still differ.
    pub(crate) fn new() -> Self {
        let mut bytes = [0u8; 8];
        let random = getrandom::fill(&mut bytes).map(|()| u64::from_le_bytes(bytes));
        let prefix = random.unwrap_or_else(|_| {
            let started = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            // Only the low 64 bits of the nanoseconds matter here; they are the ones that vary.
            #[allow(clippy::cast_possible_truncation)]
            let started = started as u64;
            started ^ u64::from(std::process::id()).rotate_left(40)
        });
        ProcessRequestIds {
            prefix: format!("{prefix:016x}").into(),
            next: Arc::new(AtomicU64::new(1)),
            scramble: RandomState::new(),
        }
    }
}

impl MakeRequestId for ProcessRequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let shown = self.scramble.hash_one(n);
        HeaderValue::try_from(format!("{}-{shown:016x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_share_the_process_prefix() {
        let mut ids = ProcessRequestIds::new();
        let request = Request::new(());
        let first = ids
            .make_request_id(&request)
            .map(|id| id.into_header_value());
        let second = ids
            .make_request_id(&request)
            .map(|id| id.into_header_value());
        let (Some(first), Some(second)) = (first, second) else {
            panic!("no request id made");
        };
        assert_ne!(first, second);
        let first = first.to_str().unwrap_or_default().to_owned();
        let second = second.to_str().unwrap_or_default().to_owned();
        assert_eq!(first.split_once('-').map(|p| p.0.len()), Some(16));
        assert_eq!(
            first.split_once('-').map(|p| p.0),
            second.split_once('-').map(|p| p.0)
        );
        // The count of requests served does not show.
        assert!(
            !first.ends_with("-1") && !second.ends_with("-2"),
            "{first} {second}"
        );
        assert_eq!(first.split_once('-').map(|p| p.1.len()), Some(16));
    }

    #[test]
    fn many_ids_of_one_process_are_all_distinct() {
        let mut ids = ProcessRequestIds::new();
        let request = Request::new(());
        let made: std::collections::HashSet<String> = (0..20_000)
            .filter_map(|_| ids.make_request_id(&request))
            .filter_map(|id| id.into_header_value().to_str().ok().map(str::to_owned))
            .collect();
        assert_eq!(made.len(), 20_000);
    }

    #[test]
    fn each_maker_draws_its_own_prefix() {
        let a = ProcessRequestIds::new();
        let b = ProcessRequestIds::new();
        assert_ne!(a.prefix, b.prefix);
    }
}
