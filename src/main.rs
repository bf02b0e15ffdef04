//! The `cadence` binary: parses the command line, loads configuration, and runs. Errors are
//! reported here, at the edge, with `anyhow`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use cadence::app::Server;
use cadence::config::{Config, redact_database_url};
use cadence::domain::clock::{Clock, SystemClock};
use cadence::service::digest;
use cadence::store::{IfMissing, Store};

/// jemalloc instead of the system allocator: under the acknowledgement benchmark glibc's
/// malloc and free took about a seventh of the CPU, and jemalloc's thread caches cut a request's
/// CPU by about a fifth. Its settings (one arena, small thread caches) are in
/// `.cargo/config.toml`.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Capability planning inside the rituals your team already runs.
#[derive(Debug, Parser)]
#[command(name = "cadence", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Upsert teams, people, capabilities, targets, rituals and triggers from a TOML file
    /// (configuration as code; applying it again changes nothing).
    Apply {
        /// The file, e.g. cadence.toml.
        file: PathBuf,
    },
    /// Show a team's weekly capability digest as it would be posted now; `--post` queues it in
    /// the team's home channel (once per team and week, like the scheduled one).
    Digest {
        /// The team's name.
        #[arg(long)]
        team: String,
        /// The workspace (Slack team id or Teams tenant id), when several have a team of that name.
        #[arg(long)]
        workspace: Option<String>,
        /// Queue it for posting instead of only showing it.
        #[arg(long)]
        post: bool,
    },
    /// Exit 0 if the service answers `/healthz`, 1 if not (for container health checks).
    Healthcheck {
        /// The address to ask; defaults to `/healthz` on `CADENCE_LISTEN`.
        #[arg(long)]
        url: Option<String>,
    },
    /// Attention audit: where managers' meeting hours go, from their calendar exports, and the
    /// three rituals to attach capability planning to first.
    Audit(AuditArgs),
    /// The organisation's reports: `org` (the scoreboard) or `scorecard` (manager scorecards).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Everything Cadence keeps about a workspace (or one of its teams) as JSON lines: teams,
    /// people, memberships, capabilities, the decision log, rituals and the state they explain.
    Export {
        /// The workspace (Slack team id or Teams tenant id), when Cadence serves several.
        #[arg(long)]
        workspace: Option<String>,
        /// Only this team.
        #[arg(long)]
        team: Option<String>,
    },
    /// Bring records from other systems: `modules` (a module catalogue, as an LMS exports it).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Seal the stored secrets again with the newest key of CADENCE_ENCRYPTION_KEYS, after a new
    /// key is put first (older keys stay in the list until this has run); secrets stored before
    /// encryption was turned on are sealed for the first time.
    RotateKey,
    /// Play one sprint against the real server on loopback, with a throw-away database and a
    /// loopback stand-in for Slack (or Teams), and print the channel as people would read it.
    /// Needs no configuration and no network.
    Demo {
        /// Play it on Microsoft Teams (Bot Framework activities and Adaptive Cards).
        #[arg(long)]
        teams: bool,
    },
    /// Erase a person's personal data from a workspace: their id and name, free text they wrote
    /// or that names them, and messages about them. Decisions stay, with an anonymised actor and
    /// subject. Restart running servers afterwards so none remembers the id.
    Forget {
        /// The person's platform user id (Slack `U…`, Teams AAD object id).
        #[arg(long)]
        user: String,
        /// The workspace (Slack team id or Teams tenant id), when Cadence serves several.
        #[arg(long)]
        workspace: Option<String>,
    },
}

/// `cadence import modules FILE.csv [--workspace ID]`.
#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Load a module catalogue into the library: a CSV file with a header row naming the title,
    /// capability and optionally duration, URL and level columns (common LMS names are
    /// understood). Every bad row is reported with its line and nothing is written; otherwise
    /// new modules are added (approved) and changed ones updated, all in one transaction.
    Modules {
        /// The CSV file.
        file: PathBuf,
        /// The workspace (Slack team id or Teams tenant id), when Cadence serves several.
        #[arg(long)]
        workspace: Option<String>,
    },
}

/// `cadence report org|scorecard …`.
#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// The organisation's scoreboard: every team's quarter, riskiest first, rolled up.
    Org {
        #[command(flatten)]
        on: ReportOn,
        /// Count only capabilities of this role family.
        #[arg(long)]
        family: Option<String>,
        /// How to print it.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Manager scorecards for calibration: outcome lines, each traceable to its decisions.
    Scorecard {
        #[command(flatten)]
        on: ReportOn,
        /// Only this manager's (their Slack or Teams user id).
        #[arg(long)]
        manager: Option<String>,
        /// List the decisions behind each line.
        #[arg(long)]
        evidence: bool,
        /// How to print it.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
}

/// Which workspace and quarter a report reads.
#[derive(Debug, clap::Args)]
struct ReportOn {
    /// The quarter, like 2026Q4; the current one by default.
    #[arg(long)]
    quarter: Option<String>,
    /// The workspace (Slack team id or Teams tenant id), when Cadence serves several.
    #[arg(long)]
    workspace: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Csv,
    Html,
}

/// `cadence audit PATH… [--from DATE --to DATE] [--format text|json|csv|html] [--rules FILE]`.
#[derive(Debug, clap::Args)]
struct AuditArgs {
    /// Managers' calendar exports: .ics files, or folders of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// First day counted (YYYY-MM-DD, UTC); default: twelve weeks before --to.
    #[arg(long)]
    from: Option<chrono::NaiveDate>,
    /// Last day counted, included (YYYY-MM-DD, UTC); default: yesterday.
    #[arg(long)]
    to: Option<chrono::NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    format: AuditFormat,
    /// Classification rules to add or override: a TOML file with an [audit] section.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// What Cadence recorded per ritual, as JSON (see docs/audit.md).
    #[arg(long)]
    cadence_data: Option<PathBuf>,
    /// Include every instance in the JSON output (for cross-checks).
    #[arg(long)]
    instances: bool,
    /// Also keep the top three in the database (DATABASE_URL), for `/cadence audit` in chat.
    #[arg(long, requires = "workspace")]
    save: bool,
    /// With --save: the Slack workspace id (T…) or Teams tenant id whose chat shows it.
    #[arg(long)]
    workspace: Option<String>,
    /// With --save: which platform the workspace is on.
    #[arg(long, value_enum, default_value_t = AuditPlatform::Slack)]
    platform: AuditPlatform,
}

/// The platform of `cadence audit --save --workspace`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AuditPlatform {
    Slack,
    Teams,
}

/// How `cadence audit` prints its report.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AuditFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Healthcheck { url }) = &cli.command {
        return healthcheck(url.as_deref()).await;
    }
    if let Some(Command::Demo { teams }) = &cli.command {
        // Self-contained: no configuration, its own database and stand-ins.
        return demo(*teams).await;
    }
    if let Some(Command::Audit(args)) = &cli.command {
        // Reads files and prints: needs neither configuration nor a database, unless saved.
        return audit(args).await;
    }
    let config = Config::from_env().context("invalid configuration")?;
    cadence::telemetry::init(config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            // Asked for: the one command that creates a configured database that is missing.
            let store = Store::open(&config.database_url, IfMissing::Create)
                .await
                .context("opening the database")?;
            if store.created() {
                tracing::info!(database = %redact_database_url(&config.database_url), "created a new database");
            }
            store.migrate().await.context("applying migrations")?;
            tracing::info!(database = %redact_database_url(&config.database_url), "migrations applied");
            Ok(())
        }
        Command::Apply { file } => apply(config, &file).await,
        Command::Digest {
            team,
            workspace,
            post,
        } => digest(config, &team, workspace.as_deref(), post).await,
        // Answered above, before the configuration is read.
        Command::Healthcheck { .. } | Command::Demo { .. } => Ok(()),
        Command::Audit(args) => audit(&args).await,
        Command::Report(command) => report(config, command).await,
        Command::Export { workspace, team } => export(config, workspace, team).await,
        Command::Forget { user, workspace } => forget(config, user, workspace).await,
        Command::RotateKey => rotate_key(config).await,
        Command::Import(ImportCommand::Modules { file, workspace }) => {
            import_modules(config, &file, workspace.as_deref()).await
        }
    }
}

/// `cadence import modules FILE.csv [--workspace ID]`: reads the whole catalogue, reports every
/// problem (nothing written), or records every new or changed module in one transaction.
async fn import_modules(
    config: Config,
    path: &std::path::Path,
    workspace: Option<&str>,
) -> anyhow::Result<()> {
    use cadence::catalogue::{self, Actor, IMPORT_ACTOR, IMPORT_ACTOR_NAME, WriteError};
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("reading {shown}"))?;
    let Ok(text) = String::from_utf8(bytes) else {
        anyhow::bail!("{shown} is not UTF-8 text; export or save the catalogue as \"CSV UTF-8\"");
    };
    let report = |problems: &[catalogue::Problem]| {
        let mut out = format!(
            "{shown}: {} problem{} found; nothing was imported",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        for problem in problems {
            out.push_str("\n  ");
            out.push_str(&problem.located(&shown));
        }
        anyhow::anyhow!(out)
    };
    let read = catalogue::read_catalogue(&text);
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let tenant = report_workspace(&store, workspace).await?;
    let now = SystemClock.now();
    let actor = Actor {
        user_id: IMPORT_ACTOR,
        name: IMPORT_ACTOR_NAME,
    };
    let written = match catalogue::import(&store, tenant, actor, &read, now).await {
        Ok(written) => written,
        Err(WriteError::Invalid(problems)) => return Err(report(&problems)),
        Err(WriteError::Store(e)) => {
            return Err(anyhow::anyhow!("{shown}: {e}; nothing was imported"));
        }
    };
    store.close().await;
    println!(
        "Imported {shown}: {} added, {} updated, {} unchanged; {} decision{} recorded as {IMPORT_ACTOR}.",
        written.added,
        written.updated,
        written.unchanged,
        written.decisions(),
        if written.decisions() == 1 { "" } else { "s" }
    );
    Ok(())
}

/// `cadence export [--workspace ID] [--team NAME]`: one JSON object per line on stdout.
async fn export(
    config: Config,
    workspace: Option<String>,
    team: Option<String>,
) -> anyhow::Result<()> {
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let tenant = report_workspace(&store, workspace.as_deref()).await?;
    let team = match team {
        Some(name) => match store.team_by_name(tenant, &name).await? {
            Some(team) => Some(team.id),
            None => anyhow::bail!("there is no team called \"{name}\" in this workspace"),
        },
        None => None,
    };
    let records = store
        .export(cadence::store::ExportScope { tenant, team })
        .await?;
    store.close().await;
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for record in &records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// `cadence rotate-key`: every stored secret sealed with the newest key.
async fn rotate_key(config: Config) -> anyhow::Result<()> {
    if !config.sealer.encrypts() {
        anyhow::bail!(
            "{} is not set: give the keys, the new one first, and run this again",
            cadence::crypto::KEYS_VARIABLE
        );
    }
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let done = cadence::service::secrets::reseal_stored_secrets(&store, &config.sealer).await;
    store.close().await;
    let done = done?;
    println!(
        "Sealed again with the newest key: {} of {} event sources' secrets and {} of {} Slack installations' tokens; the rest were sealed with it already.",
        done.sources.0, done.sources.1, done.installations.0, done.installations.1
    );
    Ok(())
}

/// `cadence forget --user ID [--workspace ID]`: erases the person and says what changed.
async fn forget(config: Config, user: String, workspace: Option<String>) -> anyhow::Result<()> {
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let tenant = report_workspace(&store, workspace.as_deref()).await?;
    let erased = store.forget(tenant, &user, SystemClock.now()).await?;
    store.close().await;
    let Some(erased) = erased else {
        anyhow::bail!("nobody with the user id {user} is known in this workspace; nothing changed");
    };
    println!(
        "Forgot {user}: their name and id are gone; {} decisions, {} other records and {} messages had their text erased. The decisions stay, with an anonymised actor and subject. Restart running servers so none remembers the id.",
        erased.decisions, erased.texts, erased.messages
    );
    Ok(())
}

/// `cadence report org|scorecard …`: reads the workspace's log and prints the report.
async fn report(config: Config, command: ReportCommand) -> anyhow::Result<()> {
    use cadence::domain::outcomes::{Quarter, ReportDetail, Window};
    use cadence::report::{CardFormat, ScorecardPrinter};
    use cadence::service::report;
    use std::io::Write;
    let on = match &command {
        ReportCommand::Org { on, .. } | ReportCommand::Scorecard { on, .. } => on,
    };
    let now = SystemClock.now();
    let quarter = match &on.quarter {
        Some(text) => text.parse::<Quarter>()?,
        None => Quarter::containing(now.date_naive()),
    };
    let window = Window::new(quarter, now);
    if !window.has_begun() {
        anyhow::bail!("{quarter} has not begun yet; ask for this quarter or an earlier one");
    }
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let tenant = report_workspace(&store, on.workspace.as_deref()).await?;
    let rendered = match command {
        ReportCommand::Org { family, format, .. } => {
            let org = report::org(&store, tenant, window, family.as_deref()).await?;
            match format {
                ReportFormat::Text => cadence::report::text::org(&org),
                ReportFormat::Json => serde_json::to_string_pretty(&org)? + "\n",
                ReportFormat::Csv => cadence::report::csv::org(&org),
                ReportFormat::Html => cadence::report::html::org(&org),
            }
        }
        ReportCommand::Scorecard {
            manager,
            evidence,
            format,
            ..
        } => {
            let manager = match manager {
                Some(user) => match store.find_person(tenant, &user).await? {
                    Some(person) => Some(person.id),
                    None => anyhow::bail!("Cadence has not seen user {user} in this workspace"),
                },
                None => None,
            };
            // JSON always carries the evidence; the other formats only when asked.
            let detail = if evidence || matches!(format, ReportFormat::Json) {
                ReportDetail::Evidence
            } else {
                ReportDetail::Figures
            };
            let data = report::org_data(&store, tenant, window, detail).await?;
            store.close().await;
            let cards = cadence::domain::outcomes::scorecard::each_scorecard(
                &data, window, manager, detail,
            );
            let format = match format {
                ReportFormat::Json => {
                    let cards: Vec<_> = cards.collect();
                    let json = serde_json::to_string_pretty(&cards)? + "\n";
                    std::io::stdout().lock().write_all(json.as_bytes())?;
                    return Ok(());
                }
                ReportFormat::Text => CardFormat::Text,
                ReportFormat::Csv => CardFormat::Csv,
                ReportFormat::Html => CardFormat::Html,
            };
            // Each scorecard is printed as soon as it is worked out, then dropped.
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut printer = ScorecardPrinter::new(format, evidence, out);
            for card in cards {
                printer.print(&card)?;
            }
            printer.finish()?;
            return Ok(());
        }
    };
    store.close().await;
    std::io::stdout().lock().write_all(rendered.as_bytes())?;
    Ok(())
}

/// The workspace a report is about: the one `--workspace` names, or the only one there is.
async fn report_workspace(
    store: &Store,
    workspace: Option<&str>,
) -> anyhow::Result<cadence::domain::ids::TenantId> {
    let all = store.workspaces().await?;
    let chosen: Vec<_> = all
        .iter()
        .filter(|w| workspace.is_none_or(|id| w.external_id == id))
        .collect();
    match (chosen.as_slice(), workspace) {
        ([only], _) => Ok(only.tenant),
        ([], Some(id)) => anyhow::bail!("Cadence has not seen workspace {id}"),
        ([], None) => anyhow::bail!("Cadence has not seen any workspace yet; nothing to report"),
        (several, _) => anyhow::bail!(
            "Cadence serves several workspaces; add --workspace with one of: {}",
            several
                .iter()
                .map(|w| format!("{} ({})", w.external_id, w.platform))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `cadence demo [--teams]`: the transcript on standard output. Logs only when `RUST_LOG` asks
/// for them, so the story is not interleaved with the service's own lines.
async fn demo(teams: bool) -> anyhow::Result<()> {
    use cadence::demo::{self, DemoPlatform};
    if std::env::var_os("RUST_LOG").is_some() {
        cadence::telemetry::init(cadence::config::LogFormat::Text);
    }
    let platform = if teams {
        DemoPlatform::Teams
    } else {
        DemoPlatform::Slack
    };
    let mut out = std::io::stdout();
    match demo::run(platform, &mut out).await {
        // The reader stopped reading (`cadence demo | head`): nothing is wrong with the story.
        Err(demo::DemoError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        done => done.context("the demo stopped"),
    }
}

/// `cadence healthcheck [--url URL]`: reads only `CADENCE_LISTEN`, so a check never fails on
/// configuration the running service already accepted.
async fn healthcheck(url: Option<&str>) -> anyhow::Result<()> {
    let url = match url {
        Some(url) => url.to_owned(),
        None => {
            let listen = std::env::var("CADENCE_LISTEN")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| cadence::config::DEFAULT_LISTEN.to_owned());
            let addr = listen
                .trim()
                .parse()
                .with_context(|| format!("CADENCE_LISTEN: `{listen}` is not an address"))?;
            cadence::healthcheck::url_for(addr)
        }
    };
    cadence::healthcheck::check(&url).await?;
    Ok(())
}

/// `cadence audit …`: reads the files, prints the report in the chosen format, and with
/// `--save` keeps its top three for the workspace's chat.
async fn audit(args: &AuditArgs) -> anyhow::Result<()> {
    use cadence::audit::{self, AuditOptions, CadenceData, RuleSet};
    let today = SystemClock.now().date_naive();
    let window = audit::window(args.from, args.to, today)?;
    let rules = match &args.rules {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            RuleSet::from_toml(&text).with_context(|| format!("{}", path.display()))?
        }
        None => RuleSet::defaults(),
    };
    let activity = match &args.cadence_data {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(
                serde_json::from_str::<CadenceData>(&text)
                    .with_context(|| format!("{}", path.display()))?,
            )
        }
        None => None,
    };
    let options = AuditOptions {
        window,
        rules,
        activity,
        include_instances: args.instances,
    };
    let report = audit::run(&args.paths, &options)?;
    let rendered = match args.format {
        AuditFormat::Text => audit::text::render(&report),
        AuditFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        AuditFormat::Csv => audit::csv::render(&report),
        AuditFormat::Html => audit::html::render(&report),
    };
    use std::io::Write;
    std::io::stdout().lock().write_all(rendered.as_bytes())?;
    if args.save {
        save_audit(args, &report).await?;
    }
    Ok(())
}

/// Keeps the report's top three for the workspace `--workspace` names.
async fn save_audit(args: &AuditArgs, report: &cadence::audit::Report) -> anyhow::Result<()> {
    use cadence::store::{SavedAudit, SavedRitual};
    let workspace = args.workspace.as_deref().unwrap_or_default();
    let platform = match args.platform {
        AuditPlatform::Slack => cadence::domain::Platform::Slack,
        AuditPlatform::Teams => cadence::domain::Platform::Teams,
    };
    let config = Config::from_env().context("invalid configuration")?;
    let store = Store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    store.migrate().await.context("applying migrations")?;
    let Some(tenant) = store.find_tenant(platform, workspace).await? else {
        anyhow::bail!(
            "Cadence has not seen workspace {workspace} yet; install the app there (or check --platform) and save again"
        );
    };
    let last_day = report.window.end - chrono::Duration::days(1);
    let saved = SavedAudit {
        saved_at: SystemClock.now(),
        window: format!(
            "{} to {}",
            report.window.start.format("%Y-%m-%d"),
            last_day.format("%Y-%m-%d")
        ),
        rituals: report
            .top
            .iter()
            .map(|pick| SavedRitual {
                id: 0,
                ordinal: i64::try_from(pick.rank).unwrap_or(i64::MAX),
                title: pick.title.clone(),
                kind: pick.kind.label().to_owned(),
                why: pick.why.clone(),
                command: pick
                    .command
                    .trim()
                    .trim_start_matches("/cadence")
                    .trim()
                    .to_owned(),
            })
            .collect(),
    };
    store.save_audit(tenant, &saved).await?;
    eprintln!(
        "Saved the top {} for workspace {workspace}: /cadence audit shows them there.",
        saved.rituals.len()
    );
    Ok(())
}

/// `cadence digest --team NAME [--workspace ID] [--post]`.
async fn digest(
    config: Config,
    name: &str,
    workspace: Option<&str>,
    post: bool,
) -> anyhow::Result<()> {
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let mut teams = store.teams_named(name).await?;
    if let Some(workspace) = workspace {
        teams.retain(|(_, w)| w == workspace);
    }
    let team = match teams.as_slice() {
        [] => anyhow::bail!(
            "no team named \"{name}\"{}",
            match workspace {
                Some(w) => format!(" in workspace {w}"),
                None => String::new(),
            }
        ),
        [(team, _)] => team.clone(),
        several => anyhow::bail!(
            "several workspaces have a team named \"{name}\"; add --workspace with one of: {}",
            several
                .iter()
                .map(|(_, w)| w.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let now = SystemClock.now();
    let card = digest::team_digest(&store, &team, now).await?;
    print!("{}", cadence::domain::plain::card_text(&card));
    if post {
        match digest::queue_digest(&store, &team, &card, now).await? {
            digest::Queued::Queued(channel) => {
                println!("\nQueued for {channel}; the running service posts it.");
            }
            digest::Queued::AlreadyQueued => println!(
                "\nThis week's digest for {} was already queued; nothing more was queued.",
                team.name
            ),
            digest::Queued::NoChannel => anyhow::bail!(
                "{} has no home channel to post in; set one with `/cadence team` or cadence.toml",
                team.name
            ),
        }
    }
    store.close().await;
    Ok(())
}

/// `cadence apply FILE`: checks the whole file before writing anything, then prints what changed.
async fn apply(config: Config, path: &std::path::Path) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {shown}"))?;
    let file = cadence::apply::parse(&text).map_err(|e| anyhow::anyhow!(e.report(&shown)))?;
    let store = open_existing(&config).await?;
    store.migrate().await.context("applying migrations")?;
    let summary = cadence::apply::apply(&store, &file, SystemClock.now())
        .await
        .map_err(|e| match e {
            cadence::apply::ApplyError::Store(_) => anyhow::anyhow!(
                "{shown}: {e}; what was written before the failure stays, and applying the file again finishes the job"
            ),
            other => anyhow::anyhow!(other.report(&shown)),
        })?;
    store.close().await;
    println!(
        "Applied {shown} to {}:",
        redact_database_url(&config.database_url)
    );
    println!("{summary}");
    Ok(())
}

/// The configured database for a tool (`apply`, `digest`): created only where `serve` would
/// create it (the first-run default); a configured one that is missing is an error.
async fn open_existing(config: &Config) -> anyhow::Result<Store> {
    let if_missing = if config.create_database {
        IfMissing::Create
    } else {
        IfMissing::Refuse
    };
    Store::open(&config.database_url, if_missing)
        .await
        .context("opening the database")
}

async fn serve(config: Config) -> anyhow::Result<()> {
    if config.slack.is_none() {
        tracing::warn!(
            "Slack is not configured: set SLACK_SIGNING_SECRET; Slack routes refuse all requests"
        );
    } else if config.slack_oauth.is_some() {
        tracing::info!(
            "Slack workspaces install Cadence at {}/slack/install",
            config.public_url.as_deref().unwrap_or_default()
        );
    } else if config
        .slack
        .as_ref()
        .and_then(|s| s.bot_token.as_ref())
        .is_none()
    {
        tracing::info!(
            "neither SLACK_BOT_TOKEN nor SLACK_CLIENT_ID is set: nothing can be posted to Slack \
             and workspace admins are not recognised; use CADENCE_ADMINS"
        );
    }
    if config.teams.is_none() {
        tracing::warn!(
            "Microsoft Teams is not configured: set TEAMS_APP_ID and TEAMS_APP_PASSWORD"
        );
    }
    let database = redact_database_url(&config.database_url);
    let clock = cadence::config::serve_clock(|name| std::env::var(name).ok())
        .context("invalid configuration")?;
    let server = Server::start(config, clock)
        .await
        .context("starting the server")?;
    tracing::info!(addr = %server.addr(), %database, "cadence is listening");
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests");
    server.stop().await;
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM (what Kubernetes sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
