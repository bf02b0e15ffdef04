//! One conditional GET of a feed. The address is a secret, so no error message carries it.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};

/// The largest feed read: a busy calendar's year is a few megabytes.
const MAX_FEED_BYTES: usize = 16 * 1024 * 1024;

/// What the feed answered.
#[derive(Debug)]
pub(super) enum Fetched {
    /// 304: nothing changed since the validators sent.
    NotModified(u16),
    /// A calendar, with the validators to send next time.
    Body {
        /// The text.
        text: String,
        /// `ETag`.
        etag: Option<String>,
        /// `Last-Modified`.
        last_modified: Option<String>,
    },
    /// No calendar this time.
    Failed {
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
        /// How long the server asked us to wait (`Retry-After` in seconds).
        retry_after: Option<Duration>,
        /// What went wrong, without the address.
        error: String,
    },
}

/// The validators of the last answer, sent for a conditional GET.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Validators<'a> {
    /// `If-None-Match`.
    pub(super) etag: Option<&'a str>,
    /// `If-Modified-Since`.
    pub(super) last_modified: Option<&'a str>,
}

/// Fetches `url`, conditionally when `validators` has any.
pub(super) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    validators: Validators<'_>,
) -> Fetched {
    let mut request = client
        .get(url)
        .header(reqwest::header::ACCEPT, "text/calendar, */*;q=0.5");
    if let Some(etag) = validators.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(since) = validators.last_modified {
        request = request.header(IF_MODIFIED_SINCE, since);
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => return failed(None, None, error.without_url().to_string()),
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Fetched::NotModified(status.as_u16());
    }
    if !status.is_success() {
        let retry_after = retry_after(response.headers());
        return failed(
            Some(status.as_u16()),
            retry_after,
            format!("the feed answered {status}"),
        );
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_FEED_BYTES {
                    let error = format!("the feed is larger than {MAX_FEED_BYTES} bytes");
                    return failed(Some(status.as_u16()), None, error);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => {
                return failed(Some(status.as_u16()), None, error.without_url().to_string());
            }
        }
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    // A sign-in page or an error page answered with 200 must not empty the calendar.
    if !text.contains("BEGIN:VCALENDAR") {
        let error = "the answer is not an iCalendar file".to_owned();
        return failed(Some(status.as_u16()), None, error);
    }
    Fetched::Body {
        text,
        etag,
        last_modified,
    }
}

fn failed(status: Option<u16>, retry_after: Option<Duration>, error: String) -> Fetched {
    Fetched::Failed {
        status,
        retry_after,
        error,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for feeds and is ignored).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
