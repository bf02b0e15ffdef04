//! Typed configuration, read once from the environment at start-up and validated there, so a bad
//! value stops the service with a message naming the variable instead of failing on first use.
//!
//! Secrets are wrapped in [`SecretString`] so they cannot reach a log by accident. Every variable
//! is documented in the README's configuration table and in `.env.example`.

use std::net::SocketAddr;

use secrecy::SecretString;

/// The default database: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://cadence.db";
/// The default listen address: loopback only, so a fresh start exposes nothing.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// Slack's Web API, the default for `SLACK_API_BASE_URL`.
pub const DEFAULT_SLACK_API_BASE_URL: &str = "https://slack.com/api/";

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// `CADENCE_LISTEN`: the address the HTTP server binds.
    pub listen: SocketAddr,
    /// `CADENCE_ADMINS`: chat user ids allowed to set up teams and capabilities.
    pub admins: Vec<String>,
    /// `CADENCE_LOG_FORMAT`: human text or JSON lines.
    pub log_format: LogFormat,
    /// Slack settings; `None` when `SLACK_SIGNING_SECRET` is unset, and then Slack routes refuse all.
    pub slack: Option<SlackConfig>,
    /// `SLACK_API_BASE_URL`, kept even when Slack is not configured so tests can point it anywhere.
    pub slack_api_base_url: String,
    /// Whether `TEAMS_APP_ID` and `TEAMS_APP_PASSWORD` are set (Teams arrives in a later release).
    pub teams_configured: bool,
}

/// Slack credentials.
#[derive(Debug, Clone)]
pub struct SlackConfig {
    /// `SLACK_SIGNING_SECRET`: verifies everything Slack sends.
    pub signing_secret: SecretString,
    /// `SLACK_BOT_TOKEN`: single-workspace mode.
    pub bot_token: Option<SecretString>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// A configuration value that cannot be used; names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it and what would be right.
    pub problem: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, treating empty values as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        validate_database_url(&database_url)?;

        let listen_text = get("CADENCE_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text.parse().map_err(|_| ConfigError {
            variable: "CADENCE_LISTEN",
            problem: format!("`{listen_text}` is not an address like 127.0.0.1:3000 or [::]:8080"),
        })?;

        let admins = get("CADENCE_ADMINS")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();

        let log_format = match get("CADENCE_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    variable: "CADENCE_LOG_FORMAT",
                    problem: format!("`{other}` is neither `text` nor `json`"),
                });
            }
        };

        let slack_api_base_url = normalise_base_url(
            "SLACK_API_BASE_URL",
            get("SLACK_API_BASE_URL").unwrap_or_else(|| DEFAULT_SLACK_API_BASE_URL.to_owned()),
        )?;
        let bot_token = get("SLACK_BOT_TOKEN");
        if let Some(token) = &bot_token {
            if !token.starts_with("xoxb-") {
                return Err(ConfigError {
                    variable: "SLACK_BOT_TOKEN",
                    problem: "a bot token starts with `xoxb-`".to_owned(),
                });
            }
        }
        let slack = get("SLACK_SIGNING_SECRET").map(|secret| SlackConfig {
            signing_secret: SecretString::from(secret),
            bot_token: bot_token.map(SecretString::from),
        });

        let teams_configured = get("TEAMS_APP_ID").is_some() && get("TEAMS_APP_PASSWORD").is_some();

        Ok(Config {
            database_url,
            listen,
            admins,
            log_format,
            slack,
            slack_api_base_url,
            teams_configured,
        })
    }

    /// A configuration for tests and tools: the given database, an ephemeral loopback port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            admins: Vec::new(),
            log_format: LogFormat::Text,
            slack: None,
            slack_api_base_url: DEFAULT_SLACK_API_BASE_URL.to_owned(),
            teams_configured: false,
        }
    }
}

fn validate_database_url(url: &str) -> Result<(), ConfigError> {
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|prefix| url.starts_with(prefix)) {
        Ok(())
    } else {
        Err(ConfigError {
            variable: "DATABASE_URL",
            problem: "use sqlite://PATH or postgres://USER@HOST/DB".to_owned(),
        })
    }
}

fn normalise_base_url(variable: &'static str, url: String) -> Result<String, ConfigError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ConfigError {
            variable,
            problem: format!("`{url}` is not an http(s) URL"),
        });
    }
    // Method names are appended to the base, so it must end with a slash.
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_start_on_a_fresh_machine() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert!(c.slack.is_none());
        assert!(!c.teams_configured);
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn errors_name_the_variable() {
        let cases = [
            ("CADENCE_LISTEN", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("CADENCE_LOG_FORMAT", "yaml"),
            ("SLACK_API_BASE_URL", "ftp://x"),
            ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ];
        for (variable, value) in cases {
            let err = config(&[(variable, value)]).expect_err(variable);
            assert_eq!(err.variable, variable);
            assert!(err.to_string().starts_with(variable));
        }
    }

    #[test]
    fn lists_and_urls_are_normalised() {
        let c = config(&[
            ("CADENCE_ADMINS", " U1, U2 ,,"),
            ("SLACK_API_BASE_URL", "http://127.0.0.1:9/api"),
            ("SLACK_SIGNING_SECRET", "s"),
            ("CADENCE_LOG_FORMAT", "json"),
        ])
        .expect("valid");
        assert_eq!(c.admins, vec!["U1", "U2"]);
        assert_eq!(c.slack_api_base_url, "http://127.0.0.1:9/api/");
        assert!(c.slack.is_some());
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn secrets_do_not_print() {
        let c = config(&[("SLACK_SIGNING_SECRET", "very-secret-value")]).expect("valid");
        assert!(!format!("{c:?}").contains("very-secret-value"));
    }
}
