//! Test helpers: a real Cadence server on a random loopback port over a database of its own
//! (an SQLite file in a temporary directory, or a fresh PostgreSQL database), and a client that
//! signs requests exactly as Slack does.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use cadence::app::Server;
use cadence::config::{Config, SlackConfig};
use cadence::domain::clock::{Clock, SystemClock};
use cadence::inbound::slack::signature::sign;
use secrecy::SecretString;
use sqlx::Connection;

/// The signing secret every test app uses.
pub const SECRET: &str = "test-signing-secret-0123456789abcdef";
/// The Jira webhook secret every test app uses.
pub const JIRA_SECRET: &str = "test-jira-webhook-secret";
/// The Slack app's OAuth client id and secret, for multi-workspace installs.
pub const CLIENT_ID: &str = "1111.2222";
/// The Slack app's client secret.
pub const CLIENT_SECRET: &str = "test-client-secret";
/// `CADENCE_PUBLIC_URL` in multi-workspace tests.
pub const PUBLIC_URL: &str = "https://cadence.example.com";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// An SQLite file of the test's own.
    Sqlite,
    /// A PostgreSQL database of the test's own, on `CADENCE_TEST_DATABASE_URL`.
    Postgres,
}

/// A database made for one test.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database, or `None` when PostgreSQL is asked for but not configured.
    pub async fn new(db: Db) -> Option<TestDb> {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("cadence.db").display());
                Some(TestDb {
                    url,
                    _dir: Some(dir),
                })
            }
            Db::Postgres => {
                let Ok(admin_url) = std::env::var("CADENCE_TEST_DATABASE_URL") else {
                    eprintln!(
                        "CADENCE_TEST_DATABASE_URL is not set: skipping the PostgreSQL run of this test"
                    );
                    return None;
                };
                let name = format!("cadence_t_{}_{}", unix_now(), rand_suffix());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                drop_stale_databases(&mut admin).await;
                let url = match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("CADENCE_TEST_DATABASE_URL needs a database path"),
                };
                Some(TestDb { url, _dir: None })
            }
        }
    }
}

/// Test databases are named with their creation time; ones older than two hours are left over
/// from earlier runs and are dropped so the server does not fill up.
async fn drop_stale_databases(admin: &mut sqlx::PgConnection) {
    let cutoff = unix_now() - 7200;
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'cadence_t_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(i64::MAX);
        if created < cutoff {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut *admin)
                .await;
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn rand_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("{:x}", h.finish())
}

/// A running Cadence with a signing client.
pub struct TestApp {
    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// The database.
    pub db: TestDb,
    /// Extra configuration applied on (re)start.
    pub admins: Vec<String>,
    /// Where the Slack Web API is, when a bot token is configured.
    pub slack_api: Option<String>,
    /// The Bot Framework stand-in's metadata and token URLs, when Teams is configured.
    pub teams: Option<(String, String)>,
    /// Calendar feeds, by name and address.
    pub feeds: Vec<(String, String)>,
    /// Whether workspaces install Cadence through OAuth (`/slack/install`), with no
    /// deployment-wide bot token.
    pub slack_install: bool,
    /// What seals stored secrets.
    pub sealer: cadence::crypto::Sealer,
    server: Option<Server>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

/// What Slack would show the person after a slash command.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `response_type`.
    pub response_type: String,
    /// The mrkdwn text.
    pub text: String,
}

impl TestApp {
    /// Starts Cadence on `db` with admin `UADMIN`, or `None` when the database is unavailable.
    pub async fn spawn(db: Db) -> Option<TestApp> {
        Self::launch(db, None).await
    }

    /// Starts Cadence with a bot token and the Slack Web API at `base_url`.
    pub async fn spawn_with_slack_api(db: Db, base_url: &str) -> Option<TestApp> {
        Self::launch(db, Some(base_url.to_owned())).await
    }

    /// Starts Cadence with the Slack Web API at `base_url` and time from `clock`.
    pub async fn spawn_with_clock(
        db: Db,
        base_url: &str,
        clock: Arc<dyn Clock>,
    ) -> Option<TestApp> {
        let mut app = Self::launch_stopped(db, Some(base_url.to_owned())).await?;
        app.clock = clock;
        app.start().await;
        Some(app)
    }

    /// Starts Cadence with Teams configured against a Bot Framework stand-in (its metadata and
    /// token URLs), the Slack Web API at `slack_api`, and time from `clock`.
    pub async fn spawn_with_teams(
        db: Db,
        slack_api: &str,
        teams: (String, String),
        clock: Arc<dyn Clock>,
    ) -> Option<TestApp> {
        let mut app = Self::launch_stopped(db, Some(slack_api.to_owned())).await?;
        app.clock = clock;
        app.teams = Some(teams);
        app.start().await;
        Some(app)
    }

    /// Starts Cadence with the Slack Web API at `slack_api`, the calendar `feeds` (name and
    /// address) and time from `clock`.
    pub async fn spawn_with_feeds(
        db: Db,
        slack_api: &str,
        feeds: &[(&str, &str)],
        clock: Arc<dyn Clock>,
    ) -> Option<TestApp> {
        let mut app = Self::launch_stopped(db, Some(slack_api.to_owned())).await?;
        app.clock = clock;
        app.feeds = feeds
            .iter()
            .map(|(name, url)| ((*name).to_owned(), (*url).to_owned()))
            .collect();
        app.start().await;
        Some(app)
    }

    /// Starts Cadence as a multi-workspace install (OAuth, no deployment bot token) with the
    /// Slack Web API at `slack_api`, secrets sealed by `sealer`, and time from `clock`.
    pub async fn spawn_installable(
        db: Db,
        slack_api: &str,
        sealer: cadence::crypto::Sealer,
        clock: Arc<dyn Clock>,
    ) -> Option<TestApp> {
        let mut app = Self::launch_stopped(db, Some(slack_api.to_owned())).await?;
        app.clock = clock;
        app.slack_install = true;
        app.sealer = sealer;
        app.start().await;
        Some(app)
    }

    /// A second Cadence on the same database and clock, as another replica would run.
    pub async fn another_instance(&self) -> Server {
        Server::start(self.config(), self.clock.clone())
            .await
            .expect("second server starts")
    }

    async fn launch(db: Db, slack_api: Option<String>) -> Option<TestApp> {
        let mut app = Self::launch_stopped(db, slack_api).await?;
        app.start().await;
        Some(app)
    }

    async fn launch_stopped(db: Db, slack_api: Option<String>) -> Option<TestApp> {
        // CADENCE_TEST_LOG=debug shows the service's logs with a failing test's output.
        if let Ok(filter) = std::env::var("CADENCE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let db = TestDb::new(db).await?;
        let app = TestApp {
            base: String::new(),
            db,
            admins: vec!["UADMIN".to_owned()],
            slack_api,
            teams: None,
            feeds: Vec::new(),
            slack_install: false,
            sealer: cadence::crypto::Sealer::default(),
            server: None,
            client: reqwest::Client::new(),
            clock: Arc::new(SystemClock),
        };
        Some(app)
    }

    fn config(&self) -> Config {
        let mut config = Config::for_database(&self.db.url);
        config.admins = self.admins.clone();
        config.slack = Some(SlackConfig {
            signing_secret: SecretString::from(SECRET),
            bot_token: self
                .slack_api
                .as_ref()
                .map(|_| SecretString::from("xoxb-test-token")),
        });
        if let Some(base) = &self.slack_api {
            config.slack_api_base_url = base.clone();
        }
        config
            .hook_secrets
            .set(cadence::domain::event::Source::Jira, JIRA_SECRET);
        config.sealer = self.sealer.clone();
        if self.slack_install {
            if let Some(slack) = &mut config.slack {
                slack.bot_token = None;
            }
            config.public_url = Some(PUBLIC_URL.to_owned());
            config.slack_oauth = Some(cadence::config::SlackOAuthConfig {
                client_id: CLIENT_ID.to_owned(),
                client_secret: SecretString::from(CLIENT_SECRET),
                redirect_uri: format!("{PUBLIC_URL}/slack/oauth/callback"),
            });
        }
        for (name, url) in &self.feeds {
            config.ics_feeds.set(name, url);
        }
        if let Some((metadata, token)) = &self.teams {
            config.teams = Some(cadence::config::TeamsConfig {
                app_id: crate::teams_standin::APP_ID.to_owned(),
                app_password: SecretString::from(crate::teams_standin::APP_PASSWORD),
                tenant_id: None,
                openid_metadata_url: metadata.clone(),
                entra_openid_metadata_url: None,
                token_url: token.clone(),
            });
        }
        config
    }

    /// Time as the service sees it.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    async fn start(&mut self) {
        let server = Server::start(self.config(), self.clock.clone())
            .await
            .expect("server starts");
        self.base = format!("http://{}", server.addr());
        self.server = Some(server);
    }

    /// Stops the server gracefully and starts a new one on the same database.
    pub async fn restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        self.start().await;
    }

    /// Stops the server and starts it again as `serve` does with `DATABASE_URL` set: a missing
    /// database is not created. Asserts that it refuses to start, saying how to proceed.
    pub async fn restart_refusing_to_create(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
        let mut config = self.config();
        config.create_database = false;
        match Server::start(config, self.clock.clone()).await {
            Ok(_) => panic!("started on a missing database"),
            Err(error) => assert!(error.to_string().contains("cadence migrate"), "{error}"),
        }
    }

    /// Runs a `SELECT COUNT(*) …` on the test's database.
    pub async fn count(&self, sql: &str) -> i64 {
        count(&self.db.url, sql).await
    }

    /// Runs a statement on the test's database directly, bypassing Cadence.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.db.url).await?;
        Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
    }

    /// GETs `path` (with its query) with the given headers.
    pub async fn get(&self, path: &str, headers: &[(&str, String)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.expect("request is sent")
    }

    /// POSTs a raw body to `path` with the given headers.
    pub async fn post(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> reqwest::Response {
        self.post_to(&self.base, path, headers, body).await
    }

    /// POSTs a raw body to `path` of the server at `base` with the given headers.
    async fn post_to(
        &self,
        base: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{base}{path}"))
            .body(body.to_owned());
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            request = request.header("content-type", "application/x-www-form-urlencoded");
        }
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.expect("request is sent")
    }

    /// Sends `/cadence TEXT` as `user` of workspace `team` in `channel`, signed.
    pub async fn command_in(&self, team: &str, channel: &str, user: &str, text: &str) -> Answer {
        self.command_to(&self.base, team, channel, user, text).await
    }

    /// Sends `/cadence TEXT` as `user` in Atlas's channel to another server on this database.
    pub async fn command_via(&self, server: &Server, user: &str, text: &str) -> Answer {
        let base = format!("http://{}", server.addr());
        self.command_to(&base, "T1", "CATLAS", user, text).await
    }

    async fn command_to(
        &self,
        base: &str,
        team: &str,
        channel: &str,
        user: &str,
        text: &str,
    ) -> Answer {
        let body = command_body(team, channel, user, text);
        let ts = self.clock.now().timestamp();
        let headers = [
            ("x-slack-request-timestamp", ts.to_string()),
            ("x-slack-signature", sign(SECRET, ts, body.as_bytes())),
        ];
        let response = self.post_to(base, "/slack/commands", &headers, &body).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(json) => Answer {
                status,
                response_type: json["response_type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                text: json["text"].as_str().unwrap_or_default().to_owned(),
            },
            Err(_) => Answer {
                status,
                response_type: String::new(),
                text,
            },
        }
    }

    /// Sends a Jira webhook as Jira Cloud does: signed body, delivery id header.
    pub async fn jira(&self, delivery_id: &str, body: &str) -> reqwest::Response {
        let signature =
            cadence::inbound::verify::hmac_sha256_hex(JIRA_SECRET.as_bytes(), &[body.as_bytes()]);
        let headers = [
            ("x-hub-signature", format!("sha256={signature}")),
            ("x-atlassian-webhook-identifier", delivery_id.to_owned()),
            ("content-type", "application/json".to_owned()),
        ];
        self.post("/hooks/jira", &headers, body).await
    }

    /// Runs every background job of the running server until nothing due is left (by the
    /// service's clock): events processed, messages delivered, scheduled jobs run.
    pub async fn drain(&self) {
        self.server
            .as_ref()
            .expect("the server is running")
            .drain()
            .await
            .expect("background jobs run");
    }

    /// Runs only the background jobs `names` lists until they have nothing due.
    pub async fn drain_jobs(&self, names: &[&str]) {
        self.server
            .as_ref()
            .expect("the server is running")
            .drain_jobs(names)
            .await
            .expect("background jobs run");
    }

    /// Drains the background jobs, then checks that `sql` (a `SELECT COUNT(*)`) has reached `n`.
    pub async fn wait_count(&self, sql: &str, n: i64) {
        self.drain().await;
        let now = self.count(sql).await;
        assert!(now >= n, "`{sql}` is {now}, wanted {n}");
    }

    /// Sends `/cadence TEXT` in workspace `T1`, channel `CATLAS`.
    pub async fn command(&self, user: &str, text: &str) -> Answer {
        self.command_in("T1", "CATLAS", user, text).await
    }
}

/// Runs a `SELECT COUNT(*) …` on the database at `url`.
pub async fn count(url: &str, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&mut conn)
        .await
        .expect("count");
    n
}

/// Holds the database at `url` busy until the returned connection is dropped: SQLite's write
/// lock, or on PostgreSQL an exclusive lock on `tables` (a comma-separated list).
pub async fn hold_the_database(url: &str, tables: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
    let statements = if url.starts_with("sqlite") {
        vec!["BEGIN IMMEDIATE".to_owned()]
    } else {
        vec![
            "BEGIN".to_owned(),
            format!("LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"),
        ]
    };
    for statement in statements {
        sqlx::raw_sql(&statement)
            .execute(&mut conn)
            .await
            .expect("lock");
    }
    conn
}

/// A slash-command form body as Slack sends it: each call has its own `trigger_id`, as each
/// invocation does in Slack, so two identical commands are two requests, not a replay.
pub fn command_body(team: &str, channel: &str, user: &str, text: &str) -> String {
    static TRIGGERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let trigger = format!(
        "{}.738474920.8088930838d88f008e0",
        TRIGGERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let pairs = [
        ("token", "legacy-ignored"),
        ("team_id", team),
        ("team_domain", "acme"),
        ("channel_id", channel),
        ("channel_name", "team-atlas"),
        ("user_id", user),
        ("user_name", &user.to_lowercase()),
        ("command", "/cadence"),
        ("text", text),
        ("api_app_id", "A1"),
        ("is_enterprise_install", "false"),
        ("response_url", "https://hooks.slack.com/commands/T1/1/x"),
        ("trigger_id", &trigger),
    ];
    serde_urlencoded::to_string(pairs).expect("form encodes")
}

/// Mention syntax as Slack sends it.
pub fn at(user: &str) -> String {
    format!("<@{user}|{}>", user.to_lowercase())
}

/// Runs the body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident($app:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    #[allow(unused_mut)]
                    let Some(mut $app) = $crate::helpers::TestApp::spawn($crate::helpers::Db::Sqlite).await else { return };
                    $body
                }
            )+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    #[allow(unused_mut)]
                    let Some(mut $app) = $crate::helpers::TestApp::spawn($crate::helpers::Db::Postgres).await else { return };
                    $body
                }
            )+
        }
    };
}

/// Runs each test once per database, on a two-thread runtime, with `$db` bound to
/// [`Db::Sqlite`] or [`Db::Postgres`]: for tests that start their app themselves (a manual clock,
/// stand-ins of their own).
#[macro_export]
macro_rules! for_each_database {
    ($($name:ident($db:ident) $body:block)+) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let $db = $crate::helpers::Db::Sqlite;
                $body
            })+
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let $db = $crate::helpers::Db::Postgres;
                $body
            })+
        }
    };
}
