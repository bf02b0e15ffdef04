//! `cadence healthcheck`: asks a running Cadence whether it is alive, for container runtimes
//! whose health checks run a command inside the image.
//!
//! The runtime image is distroless (no shell, no curl), so the binary checks itself: it GETs
//! `/healthz` on the address the service listens on and exits 0 on a 2xx answer, 1 otherwise.
//! An address bound to every interface (`0.0.0.0`, `[::]`) is asked on loopback, which is where
//! a check inside the same container can reach it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// How long the whole check may take; container runtimes kill slower checks anyway.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// Why the service is not healthy.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// Nothing answered, or the answer did not arrive in time.
    #[error("GET {url}: {reason}")]
    Unreachable {
        /// The address asked.
        url: String,
        /// What went wrong, as the HTTP client reports it.
        reason: String,
    },
    /// The service answered with a status other than 2xx.
    #[error("GET {url}: HTTP {status}")]
    Unhealthy {
        /// The address asked.
        url: String,
        /// The status it answered.
        status: u16,
    },
}

/// The `/healthz` address for a service listening on `listen`.
pub fn url_for(listen: SocketAddr) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/healthz", SocketAddr::new(ip, listen.port()))
}

/// GETs `url` and succeeds on a 2xx answer within [`TIMEOUT`].
pub async fn check(url: &str) -> Result<(), HealthError> {
    let unreachable = |reason: String| HealthError::Unreachable {
        url: url.to_owned(),
        reason,
    };
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| unreachable(e.to_string()))?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(HealthError::Unhealthy {
            url: url.to_owned(),
            status: response.status().as_u16(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_are_checked_on_loopback() {
        let url = |s: &str| url_for(s.parse().unwrap_or_else(|_| panic!("{s}")));
        assert_eq!(url("0.0.0.0:3000"), "http://127.0.0.1:3000/healthz");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/healthz");
        assert_eq!(url("10.1.2.3:3000"), "http://10.1.2.3:3000/healthz");
        assert_eq!(url("127.0.0.1:3000"), "http://127.0.0.1:3000/healthz");
    }

    /// Serves `/healthz` with `status` on a loopback port.
    async fn serve(status: u16) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let code = axum::http::StatusCode::from_u16(status).unwrap_or_else(|e| panic!("{e}"));
        let app =
            axum::Router::new().route("/healthz", axum::routing::get(move || async move { code }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }

    #[tokio::test]
    async fn a_2xx_answer_is_healthy_and_anything_else_is_not() {
        assert!(check(&url_for(serve(200).await)).await.is_ok());
        let error = check(&url_for(serve(503).await)).await.err();
        assert!(
            matches!(error, Some(HealthError::Unhealthy { status: 503, .. })),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_unhealthy() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        drop(listener);
        let error = check(&url_for(addr)).await.err();
        assert!(
            matches!(error, Some(HealthError::Unreachable { .. })),
            "{error:?}"
        );
    }
}
