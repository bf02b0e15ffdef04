//! Typed configuration, read once from the environment at start-up and validated there, so a bad
//! value stops the service with a message naming the variable instead of failing on first use.
//!
//! Secrets are wrapped in [`SecretString`] so they cannot reach a log by accident. Every variable
//! is documented in the README's configuration table and in `.env.example`.

use std::fmt;
use std::net::SocketAddr;

use secrecy::SecretString;

use crate::inbound::hooks::HookSecrets;

mod clock;
mod feeds;
mod slack_oauth;

pub use clock::{CLOCK_FILE_VARIABLE, FileClock, serve_clock};
pub use feeds::{DEFAULT_POLL, IcsFeeds, expose as expose_feed_url};
pub use slack_oauth::SlackOAuthConfig;

/// The default database: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://cadence.db";
/// The default listen address: loopback only, so a fresh start exposes nothing.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// Slack's Web API, the default for `SLACK_API_BASE_URL`.
pub const DEFAULT_SLACK_API_BASE_URL: &str = "https://slack.com/api/";

/// Everything the service needs to start.
#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Whether `serve` may create the SQLite file when it is missing: only for the first-run
    /// default (`DATABASE_URL` unset), and then it says so in the log. A configured database
    /// that has gone is not silently replaced by an empty one; `cadence migrate` creates it.
    pub create_database: bool,
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
    /// Microsoft Teams settings; `None` unless `TEAMS_APP_ID` and `TEAMS_APP_PASSWORD` are set,
    /// and then `/teams/messages` refuses all.
    pub teams: Option<TeamsConfig>,
    /// One secret per event source; a source without one refuses every request.
    pub hook_secrets: HookSecrets,
    /// `CADENCE_INBOX_RETENTION_DAYS`: how long events that started nothing are kept.
    pub inbox_retention_days: u32,
    /// `CADENCE_ICS_FEEDS` and `CADENCE_ICS_POLL_SECONDS`: calendar feeds polled as triggers.
    pub ics_feeds: IcsFeeds,
    /// What seals stored secrets: the keys of `CADENCE_ENCRYPTION_KEYS`, or none (plain text,
    /// with a warning at start-up).
    pub sealer: crate::crypto::Sealer,
    /// `CADENCE_PUBLIC_URL`: the address Slack, Teams and event sources reach Cadence at, used
    /// to tell admins a new event source's URL and to build the install's redirect address.
    pub public_url: Option<String>,
    /// `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`: the multi-workspace install, when set.
    pub slack_oauth: Option<SlackOAuthConfig>,
}

/// The Bot Framework identity and endpoints.
#[derive(Clone)]
pub struct TeamsConfig {
    /// `TEAMS_APP_ID`: the bot's Microsoft App ID, the audience of inbound tokens.
    pub app_id: String,
    /// `TEAMS_APP_PASSWORD`: the bot's client secret, for outbound tokens.
    pub app_password: SecretString,
    /// `TEAMS_TENANT_ID`: for a single-tenant bot, the tenant whose Entra ID also issues tokens.
    pub tenant_id: Option<String>,
    /// `TEAMS_OPENID_METADATA_URL`: where the Bot Framework's token signing keys are found.
    pub openid_metadata_url: String,
    /// `TEAMS_ENTRA_OPENID_METADATA_URL`: where the tenant's Entra ID signing keys are found;
    /// by default the tenant's own metadata. `None` without `TEAMS_TENANT_ID`.
    pub entra_openid_metadata_url: Option<String>,
    /// `TEAMS_TOKEN_URL`: where outbound tokens come from.
    pub token_url: String,
}

impl fmt::Debug for TeamsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamsConfig")
            .field("app_id", &self.app_id)
            .field("app_password", &"***")
            .field("tenant_id", &self.tenant_id)
            .field("openid_metadata_url", &self.openid_metadata_url)
            .field("entra_openid_metadata_url", &self.entra_openid_metadata_url)
            .field("token_url", &self.token_url)
            .finish()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_database_url(&self.database_url))
            .field("listen", &self.listen)
            .field("admins", &self.admins)
            .field("log_format", &self.log_format)
            .field("slack", &self.slack)
            .field("slack_api_base_url", &self.slack_api_base_url)
            .field("teams", &self.teams)
            .field("hook_secrets", &self.hook_secrets)
            .field("inbox_retention_days", &self.inbox_retention_days)
            .field("ics_feeds", &self.ics_feeds)
            .field("encrypts_secrets", &self.sealer.encrypts())
            .field("public_url", &self.public_url)
            .field("slack_oauth", &self.slack_oauth)
            .finish()
    }
}

/// The database URL without its password (in the authority or as a `password=` parameter),
/// for logs and debug output.
pub fn redact_database_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let (Some(scheme_end), Some(at)) = (url.find("://"), url.rfind('@'))
        && at > scheme_end
        && let Some((user, _)) = url[scheme_end + 3..at].split_once(':')
    {
        out = format!("{}://{user}:***{}", &url[..scheme_end], &url[at..]);
    }
    if let Some(start) = out.find("password=") {
        let value_start = start + "password=".len();
        let value_end = out[value_start..]
            .find('&')
            .map_or(out.len(), |i| value_start + i);
        out.replace_range(value_start..value_end, "***");
    }
    out
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

        let configured_database = get("DATABASE_URL");
        let create_database = configured_database.is_none();
        let database_url = configured_database.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        validate_database_url(&database_url)?;
        let listen = listen(&get)?;
        let admins = admins(&get)?;
        let log_format = log_format(&get)?;
        let (slack_api_base_url, slack) = slack(&get)?;
        let teams = teams(&get)?;
        let mut hook_secrets = HookSecrets::default();
        for (source, variable) in HookSecrets::VARIABLES {
            if let Some(secret) = get(variable) {
                hook_secrets.set(source, &secret);
            }
        }
        let inbox_retention_days = inbox_retention_days(&get)?;
        let ics_feeds = feeds::ics_feeds(&get)?;
        let ring = match get(crate::crypto::KEYS_VARIABLE) {
            Some(keys) => Some(
                crate::crypto::KeyRing::parse(&keys).map_err(|e| ConfigError {
                    variable: crate::crypto::KEYS_VARIABLE,
                    problem: e.0,
                })?,
            ),
            None => None,
        };
        let public_url = get("CADENCE_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        let slack_oauth = slack_oauth::slack_oauth(&get, public_url.as_deref(), slack.is_some())?;

        Ok(Config {
            database_url,
            create_database,
            listen,
            admins,
            log_format,
            slack,
            slack_api_base_url,
            teams,
            hook_secrets,
            inbox_retention_days,
            ics_feeds,
            sealer: crate::crypto::Sealer::new(ring),
            public_url,
            slack_oauth,
        })
    }

    /// A configuration for tests and tools: the given database (created when missing), an
    /// ephemeral loopback port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            create_database: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            admins: Vec::new(),
            log_format: LogFormat::Text,
            slack: None,
            slack_api_base_url: DEFAULT_SLACK_API_BASE_URL.to_owned(),
            teams: None,
            hook_secrets: HookSecrets::default(),
            inbox_retention_days: 30,
            ics_feeds: IcsFeeds::default(),
            sealer: crate::crypto::Sealer::default(),
            public_url: None,
            slack_oauth: None,
        }
    }
}

/// Looks a variable up: its value trimmed, `None` when unset or empty.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `CADENCE_LISTEN`: a socket address.
fn listen(get: Lookup<'_>) -> Result<SocketAddr, ConfigError> {
    let listen_text = get("CADENCE_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    listen_text.parse().map_err(|_| ConfigError {
        variable: "CADENCE_LISTEN",
        problem: format!("`{listen_text}` is not an address like 127.0.0.1:3000 or [::]:8080"),
    })
}

/// `CADENCE_ADMINS`: comma-separated user ids, not names.
fn admins(get: Lookup<'_>) -> Result<Vec<String>, ConfigError> {
    let admins: Vec<String> = get("CADENCE_ADMINS")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(name) = admins.iter().find(|id| id.contains(['@', '<', '#', ' '])) {
        return Err(ConfigError {
            variable: "CADENCE_ADMINS",
            problem: format!("`{name}` is a name, not a user id; list ids like U0123ABCD"),
        });
    }
    Ok(admins)
}

/// `CADENCE_LOG_FORMAT`: `text` (the default) or `json`.
fn log_format(get: Lookup<'_>) -> Result<LogFormat, ConfigError> {
    match get("CADENCE_LOG_FORMAT").as_deref() {
        None | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(ConfigError {
            variable: "CADENCE_LOG_FORMAT",
            problem: format!("`{other}` is neither `text` nor `json`"),
        }),
    }
}

/// `SLACK_API_BASE_URL`, and the Slack credentials when `SLACK_SIGNING_SECRET` is set.
fn slack(get: Lookup<'_>) -> Result<(String, Option<SlackConfig>), ConfigError> {
    let slack_api_base_url = normalise_base_url(
        "SLACK_API_BASE_URL",
        get("SLACK_API_BASE_URL").unwrap_or_else(|| DEFAULT_SLACK_API_BASE_URL.to_owned()),
    )?;
    let bot_token = get("SLACK_BOT_TOKEN");
    if let Some(token) = &bot_token
        && !token.starts_with("xoxb-")
    {
        return Err(ConfigError {
            variable: "SLACK_BOT_TOKEN",
            problem: "a bot token starts with `xoxb-`".to_owned(),
        });
    }
    let slack = get("SLACK_SIGNING_SECRET").map(|secret| SlackConfig {
        signing_secret: SecretString::from(secret),
        bot_token: bot_token.map(SecretString::from),
    });
    Ok((slack_api_base_url, slack))
}

/// The Bot Framework identity when `TEAMS_APP_ID` and `TEAMS_APP_PASSWORD` are both set; one
/// without the other is a mistake.
fn teams(get: Lookup<'_>) -> Result<Option<TeamsConfig>, ConfigError> {
    let tenant_id = get("TEAMS_TENANT_ID");
    let entra_openid_metadata_url =
        entra_metadata_url(tenant_id.as_deref(), get("TEAMS_ENTRA_OPENID_METADATA_URL"))?;
    match (get("TEAMS_APP_ID"), get("TEAMS_APP_PASSWORD")) {
        (Some(app_id), Some(password)) => Ok(Some(TeamsConfig {
            app_id,
            app_password: SecretString::from(password),
            openid_metadata_url: get("TEAMS_OPENID_METADATA_URL").unwrap_or_else(|| {
                crate::inbound::teams::auth::BOT_FRAMEWORK_OPENID_METADATA_URL.to_owned()
            }),
            entra_openid_metadata_url,
            // A single-tenant bot gets its tokens from its own tenant.
            token_url: get("TEAMS_TOKEN_URL").unwrap_or_else(|| match &tenant_id {
                Some(tenant) => {
                    format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
                }
                None => crate::platform::teams::connector::BOT_FRAMEWORK_TOKEN_URL.to_owned(),
            }),
            tenant_id,
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ConfigError {
            variable: "TEAMS_APP_PASSWORD",
            problem: "TEAMS_APP_ID is set, so the bot's client secret is needed too".to_owned(),
        }),
        (None, Some(_)) => Err(ConfigError {
            variable: "TEAMS_APP_ID",
            problem: "TEAMS_APP_PASSWORD is set, so the bot's app id is needed too".to_owned(),
        }),
    }
}

/// `CADENCE_INBOX_RETENTION_DAYS`: a whole number above zero; 30 by default.
fn inbox_retention_days(get: Lookup<'_>) -> Result<u32, ConfigError> {
    match get("CADENCE_INBOX_RETENTION_DAYS") {
        None => Ok(30),
        Some(days) => days
            .parse()
            .ok()
            .filter(|d| *d > 0)
            .ok_or_else(|| ConfigError {
                variable: "CADENCE_INBOX_RETENTION_DAYS",
                problem: format!("`{days}` is not a whole number of days above zero"),
            }),
    }
}

fn validate_database_url(url: &str) -> Result<(), ConfigError> {
    if url.starts_with("sqlite:") && url.contains(":memory:") {
        // Each pooled connection would get its own empty database.
        return Err(ConfigError {
            variable: "DATABASE_URL",
            problem: "an in-memory SQLite database cannot be shared; use sqlite://PATH".to_owned(),
        });
    }
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

/// Where the tenant's Entra ID keys are published: the override, or the tenant's own metadata.
/// An override without a tenant would never be used, which is a mistake worth stopping for.
fn entra_metadata_url(
    tenant: Option<&str>,
    url: Option<String>,
) -> Result<Option<String>, ConfigError> {
    const VARIABLE: &str = "TEAMS_ENTRA_OPENID_METADATA_URL";
    match (tenant, url) {
        (None, None) => Ok(None),
        (Some(tenant), None) => Ok(Some(
            crate::inbound::teams::auth::entra_openid_metadata_url(tenant),
        )),
        (None, Some(_)) => Err(ConfigError {
            variable: VARIABLE,
            problem: "set TEAMS_TENANT_ID too: Entra-issued tokens are accepted only from it"
                .to_owned(),
        }),
        (Some(_), Some(url)) if url.starts_with("https://") || url.starts_with("http://") => {
            Ok(Some(url))
        }
        (Some(_), Some(url)) => Err(ConfigError {
            variable: VARIABLE,
            problem: format!("`{url}` is not an http(s) URL"),
        }),
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
        assert!(
            c.create_database,
            "the first-run default creates its database"
        );
        let configured = config(&[("DATABASE_URL", "sqlite://kept.db")]).expect("valid");
        assert!(
            !configured.create_database,
            "a configured database is not silently re-created"
        );
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert!(c.slack.is_none());
        assert!(c.teams.is_none());
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn errors_name_the_variable() {
        let cases = [
            ("CADENCE_LISTEN", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_URL", "sqlite::memory:"),
            ("CADENCE_ADMINS", "U1,@alice"),
            ("CADENCE_LOG_FORMAT", "yaml"),
            ("SLACK_API_BASE_URL", "ftp://x"),
            ("SLACK_BOT_TOKEN", "xoxp-user-token"),
            ("CADENCE_INBOX_RETENTION_DAYS", "0"),
        ];
        for (variable, value) in cases {
            let err = config(&[(variable, value)]).expect_err(variable);
            assert_eq!(err.variable, variable);
            assert!(err.to_string().starts_with(variable));
        }
    }

    #[test]
    fn the_entra_metadata_defaults_to_the_tenants_own() {
        let teams = |vars: &[(&str, &str)]| {
            let mut all = vec![("TEAMS_APP_ID", "app"), ("TEAMS_APP_PASSWORD", "secret")];
            all.extend_from_slice(vars);
            config(&all).map(|c| c.teams.expect("teams configured"))
        };
        assert_eq!(teams(&[]).expect("valid").entra_openid_metadata_url, None);
        assert_eq!(
            teams(&[("TEAMS_TENANT_ID", "t1")])
                .expect("valid")
                .entra_openid_metadata_url
                .as_deref(),
            Some("https://login.microsoftonline.com/t1/v2.0/.well-known/openid-configuration")
        );
        let custom = teams(&[
            ("TEAMS_TENANT_ID", "t1"),
            (
                "TEAMS_ENTRA_OPENID_METADATA_URL",
                "http://127.0.0.1:9/t1/meta",
            ),
        ])
        .expect("valid");
        assert_eq!(
            custom.entra_openid_metadata_url.as_deref(),
            Some("http://127.0.0.1:9/t1/meta")
        );
        for vars in [
            &[("TEAMS_ENTRA_OPENID_METADATA_URL", "https://x.example/meta")][..],
            &[
                ("TEAMS_TENANT_ID", "t1"),
                ("TEAMS_ENTRA_OPENID_METADATA_URL", "x"),
            ][..],
        ] {
            let error = teams(vars).expect_err("refused");
            assert_eq!(error.variable, "TEAMS_ENTRA_OPENID_METADATA_URL");
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
        let c = config(&[
            ("SLACK_SIGNING_SECRET", "very-secret-value"),
            ("SLACK_BOT_TOKEN", "xoxb-secret-token"),
            ("DATABASE_URL", "postgres://cadence:hunter2@db/cadence"),
        ])
        .expect("valid");
        let c = Config {
            hook_secrets: {
                let mut h = HookSecrets::default();
                h.set(crate::domain::event::Source::Jira, "jira-hook-secret");
                h
            },
            ..c
        };
        let printed = format!("{c:?}");
        for secret in [
            "very-secret-value",
            "xoxb-secret-token",
            "hunter2",
            "jira-hook-secret",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            redact_database_url("postgres://u:p@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            redact_database_url("postgres://h/db?password=p&x=1"),
            "postgres://h/db?password=***&x=1"
        );
        assert_eq!(
            redact_database_url("sqlite://cadence.db"),
            "sqlite://cadence.db"
        );
    }
}
