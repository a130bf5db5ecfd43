//! `serve`, `migrate` and `admin`: the service side of the binary.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Subcommand};
use ipnet::IpNet;
use skillvet_core::health::HealthReport;
use skillvet_core::model::Role;
use skillvet_core::{Clock, SystemClock};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::accounts::github::GithubSettings;
use skillvet_server::rate_limit::{MemoryLimiter, Quota, RateLimiter};
use skillvet_server::redis_limiter::RedisLimiter;
use skillvet_server::{AccountSettings, AgentSettings, AppState, RateLimits, ServerConfig};

use crate::work::Stop;

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// `sqlite:PATH` (embedded, the default) or `postgres://user@host/db`.
    #[arg(long, env = "SKILLVET_DATABASE_URL", default_value = crate::DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "SKILLVET_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Proxies whose X-Forwarded-For is trusted (IP or CIDR; repeatable).
    #[arg(
        long = "trusted-proxy",
        env = "SKILLVET_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Let submitters name local paths and file:// URLs (tests and private deployments only).
    #[arg(long, env = "SKILLVET_ALLOW_LOCAL_REPOS")]
    pub allow_local_repos: bool,
    /// Submissions per hour per anonymous client IP.
    #[arg(long, env = "SKILLVET_SUBMIT_LIMIT_ANONYMOUS", default_value_t = 10)]
    pub submit_limit_anonymous: u32,
    /// Submissions per hour per authenticated user.
    #[arg(
        long,
        env = "SKILLVET_SUBMIT_LIMIT_AUTHENTICATED",
        default_value_t = 30
    )]
    pub submit_limit_authenticated: u32,
    /// Discoveries per hour per client.
    #[arg(long, env = "SKILLVET_DISCOVER_LIMIT", default_value_t = 20)]
    pub discover_limit: u32,
    /// GitHub sign-ins started per hour per client IP.
    #[arg(long, env = "SKILLVET_SIGN_IN_LIMIT", default_value_t = 60)]
    pub sign_in_limit: u32,
    /// Redis for rate limits shared by several `serve` processes (`redis://host:port`);
    /// without it, limits are per process.
    #[arg(long, env = "SKILLVET_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so deployments (and tests) can share one Redis.
    #[arg(long, env = "SKILLVET_REDIS_PREFIX", default_value = "skillvet:")]
    pub redis_prefix: String,
    #[command(flatten)]
    pub work: crate::work::WorkerOptions,
    /// Serve the API only; run `skillvet worker` processes for verification instead.
    #[arg(long, env = "SKILLVET_NO_WORKERS", conflicts_with = "workers")]
    pub no_workers: bool,
    /// Shared secret external scan agents sign their results with (HMAC-SHA256). Without it
    /// the /api/v1/agents routes are off.
    #[arg(long, env = "SKILLVET_AGENT_WEBHOOK_SECRET", hide_env_values = true)]
    pub agent_webhook_secret: Option<String>,
    /// Seconds an agent may hold a claimed external scan before it goes to another agent.
    #[arg(long, env = "SKILLVET_AGENT_LEASE_SECS", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub agent_lease_secs: u64,
    #[command(flatten)]
    pub accounts: AccountArgs,
    /// Take submissions from callers who are not signed in (private deployments; rate
    /// limited per IP). Without it, submitting needs sign-in or a `submit` token.
    #[arg(long, env = "SKILLVET_ALLOW_ANONYMOUS_SUBMIT")]
    pub allow_anonymous_submit: bool,
    /// A key services (monitoring) send in `X-Internal-Key` to read /api/v1/admin/health;
    /// at most two, so one can be rotated (at least 32 characters each).
    #[arg(
        long = "internal-key",
        env = "SKILLVET_INTERNAL_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub internal_keys: Vec<String>,
}

/// Sign-in with GitHub and sessions.
#[derive(Args)]
pub struct AccountArgs {
    /// The address browsers use to reach this server (default `http://` + the listen
    /// address). The OAuth callback is `<public-url>/auth/github/callback`; cookies are
    /// `Secure` when it is https.
    #[arg(long, env = "SKILLVET_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Client id of the GitHub OAuth app; with the secret, turns on "Sign in with GitHub".
    #[arg(
        long,
        env = "SKILLVET_GITHUB_CLIENT_ID",
        requires = "github_client_secret"
    )]
    pub github_client_id: Option<String>,
    /// Client secret of the GitHub OAuth app.
    #[arg(
        long,
        env = "SKILLVET_GITHUB_CLIENT_SECRET",
        hide_env_values = true,
        requires = "github_client_id"
    )]
    pub github_client_secret: Option<String>,
    /// GitHub's authorization page (GitHub Enterprise: `https://HOST/login/oauth/authorize`).
    #[arg(long, env = "SKILLVET_GITHUB_AUTHORIZE_URL", default_value = skillvet_server::accounts::github::DEFAULT_AUTHORIZE_URL)]
    pub github_authorize_url: url::Url,
    /// GitHub's token endpoint.
    #[arg(long, env = "SKILLVET_GITHUB_TOKEN_URL", default_value = skillvet_server::accounts::github::DEFAULT_TOKEN_URL)]
    pub github_token_url: url::Url,
    /// GitHub's REST API (GitHub Enterprise: `https://HOST/api/v3`).
    #[arg(long, env = "SKILLVET_GITHUB_API_URL", default_value = skillvet_server::accounts::github::DEFAULT_API_URL)]
    pub github_api_url: url::Url,
    /// A session unused this many hours ends.
    #[arg(long, env = "SKILLVET_SESSION_IDLE_HOURS", default_value_t = 168,
          value_parser = clap::value_parser!(u32).range(1..=8_760))]
    pub session_idle_hours: u32,
    /// A session ends this many days after sign-in, however active.
    #[arg(long, env = "SKILLVET_SESSION_MAX_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_max_days: u32,
}

impl AccountArgs {
    fn settings(&self, listen: SocketAddr) -> anyhow::Result<AccountSettings> {
        let public_url = match &self.public_url {
            Some(url) if !matches!(url.scheme(), "http" | "https") => {
                anyhow::bail!("--public-url must be an http(s) URL, not {url}")
            }
            Some(url) => url.clone(),
            None => url::Url::parse(&format!("http://{listen}/"))?,
        };
        let github = match (&self.github_client_id, &self.github_client_secret) {
            (Some(id), Some(secret)) => Some(GithubSettings::new(
                id.clone(),
                secret.clone(),
                self.github_authorize_url.clone(),
                self.github_token_url.clone(),
                self.github_api_url.clone(),
            )),
            _ => None,
        };
        Ok(AccountSettings {
            github,
            public_url,
            session_idle: chrono::Duration::hours(i64::from(self.session_idle_hours)),
            session_lifetime: chrono::Duration::days(i64::from(self.session_max_days)),
        })
    }
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an API token (printed once; only its hash is stored).
    CreateToken {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The user the token belongs to (created if new).
        #[arg(long)]
        login: String,
        /// Make a new user an administrator.
        #[arg(long)]
        admin: bool,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Expire the token after this many days.
        #[arg(long)]
        expires_days: Option<i64>,
        /// Grant a scope (repeatable): `submit`, `publish`, `review` (moderation, for
        /// reviewers), `scan-agent` (claim and report external scans), `admin`
        /// (administrators only). Without any: `submit` and
        /// `publish`, plus `admin` for an administrator.
        #[arg(long = "scope", value_parser = skillvet_core::accounts::SCOPES)]
        scopes: Vec<String>,
    },
    /// Give a user a role. A GitHub user must have signed in once (logins follow GitHub,
    /// lower-cased).
    Grant {
        #[command(flatten)]
        db: DatabaseArgs,
        #[arg(long)]
        login: String,
        /// `super-admin` (everything, including granting roles), `reviewer` (moderation) or
        /// `user`.
        #[arg(long, value_parser = ["super-admin", "reviewer", "user"])]
        role: String,
        /// Why, for the audit log.
        #[arg(long, default_value = "granted from the server's shell")]
        reason: String,
    },
    /// Compare the derived structures (search indexes, counters) with their source tables
    /// (exit 1 when any differs or cannot be checked).
    Health {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Print the report as JSON (as `GET /api/v1/admin/health` answers).
        #[arg(long)]
        json: bool,
    },
    /// Rebuild from their source tables the derived structures that differ, in one
    /// transaction, recorded in the audit log (exit 1 when one could not be rebuilt).
    RebuildIndex {
        #[command(flatten)]
        db: DatabaseArgs,
        /// Why, for the audit log.
        #[arg(long, default_value = "rebuilt from the server's shell")]
        reason: String,
        /// Print the outcome as JSON (as `POST /api/v1/admin/rebuild-index` answers).
        #[arg(long)]
        json: bool,
    },
}

/// Who acts from the server's shell, for the audit log: the operating-system user.
fn shell_operator(reason: &str) -> skillvet_core::moderation::Moderator {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    skillvet_core::moderation::Moderator {
        actor: skillvet_core::model::Actor::system(format!("shell:{user}")),
        role: "operator".into(),
        reason: reason.trim().to_owned(),
    }
}

/// The CLI's names for roles (`admin` is SUPER_ADMIN).
fn parse_role(name: &str) -> Role {
    match name {
        "super-admin" => Role::Admin,
        "reviewer" => Role::Reviewer,
        _ => Role::User,
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "super-admin",
        Role::Reviewer => "reviewer",
        Role::User => "user",
    }
}

pub async fn migrate(args: DatabaseArgs) -> anyhow::Result<ExitCode> {
    let store = skillvet_store::connect(&args.database_url)
        .await
        .context("opening the database")?;
    eprintln!("skillvet: {} database is up to date", store.backend());
    Ok(ExitCode::SUCCESS)
}

pub async fn admin(command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::CreateToken {
            db,
            login,
            admin,
            name,
            expires_days,
            scopes,
        } => {
            let store = skillvet_store::connect(&db.database_url)
                .await
                .context("opening the database")?;
            let now = SystemClock.now();
            let role = if admin { Role::Admin } else { Role::User };
            let expires = expires_days.map(|d| now + chrono::Duration::days(d));
            let (token, _) = skillvet_server::auth::issue_token_with_scopes(
                store.as_ref(),
                now,
                &login,
                role,
                &name,
                &scopes,
                expires,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Grant {
            db,
            login,
            role,
            reason,
        } => {
            let store = skillvet_store::connect(&db.database_url)
                .await
                .context("opening the database")?;
            let login = login.trim().to_ascii_lowercase();
            let Some(user) = store.user_by_login(&login).await? else {
                anyhow::bail!(
                    "no user {login:?}: a GitHub user must sign in once first \
                     (`skillvet admin create-token --login {login}` makes a local account)"
                );
            };
            let role = parse_role(&role);
            if user.role == role {
                println!("{login}: already {}", role_name(role));
                return Ok(ExitCode::SUCCESS);
            }
            store
                .grant_role(user.id, role, &shell_operator(&reason), SystemClock.now())
                .await?;
            println!("{login}: {} -> {}", role_name(user.role), role_name(role));
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Health { db, json } => {
            let store = skillvet_store::connect(&db.database_url)
                .await
                .context("opening the database")?;
            let checks = store.check_derived().await?;
            let report = HealthReport::new(store.backend(), checks, SystemClock.now());
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", crate::health::health_text(&report));
            }
            Ok(if report.drift_detected {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        AdminCommand::RebuildIndex { db, reason, json } => {
            let store = skillvet_store::connect(&db.database_url)
                .await
                .context("opening the database")?;
            let report = store
                .rebuild_derived(&shell_operator(&reason), SystemClock.now())
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", crate::health::rebuild_text(&report));
            }
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // Configuration errors first, before anything is opened or bound.
    let scanners = if args.no_workers {
        None
    } else {
        Some(crate::work::scanners(&args.work)?)
    };
    let accounts = args.accounts.settings(args.listen)?;
    let internal_keys = skillvet_server::auth::InternalKeys::new(&args.internal_keys)
        .map_err(|e| anyhow::anyhow!("--internal-key: {e}"))?;
    let store = skillvet_store::connect(&args.db.database_url)
        .await
        .context("opening the database")?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut registry_config = RegistryConfig::default();
    registry_config.fetch.allow_local = args.allow_local_repos;
    let registry = Registry::new(store.clone(), clock.clone(), registry_config);
    let webhook_secret = match args.agent_webhook_secret.as_deref() {
        Some(secret) if secret.len() < 32 => anyhow::bail!(
            "the agent webhook secret must be at least 32 characters (e.g. `openssl rand -hex 32`)"
        ),
        Some(secret) => Some(Arc::from(secret.as_bytes())),
        None => None,
    };
    let config = ServerConfig {
        trusted_proxies: args.trusted_proxies,
        rate_limits: RateLimits {
            submit_anonymous: Quota::per_hour(args.submit_limit_anonymous),
            submit_authenticated: Quota::per_hour(args.submit_limit_authenticated),
            discover: Quota::per_hour(args.discover_limit),
            sign_in: Quota::per_hour(args.sign_in_limit),
        },
        agents: AgentSettings {
            webhook_secret,
            lease: std::time::Duration::from_secs(args.agent_lease_secs),
        },
        accounts,
        anonymous_submit: args.allow_anonymous_submit,
        internal_keys,
    };
    if args.work.external_scans && config.agents.webhook_secret.is_none() {
        tracing::warn!(
            "--external-scans without --agent-webhook-secret: scans are queued for agents, but \
             this server accepts none (another server on the same database must)"
        );
    }
    let limiter: Arc<dyn RateLimiter> = match &args.redis_url {
        Some(url) => Arc::new(
            RedisLimiter::connect(url, &format!("{}ratelimit:", args.redis_prefix))
                .await
                .context("connecting to Redis for rate limits")?,
        ),
        None => Arc::new(MemoryLimiter::default()),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr()?;
    let mut config = config;
    if args.accounts.public_url.is_none() {
        // The address really bound (`--listen 127.0.0.1:0` picks a port).
        config.accounts.public_url = url::Url::parse(&format!("http://{local}/"))?;
    }
    let state = AppState::new(registry, limiter, config);
    let app = skillvet_server::router(state);
    let stop = Stop::new();
    stop.on_signals();
    let workers = scanners.map(|scanners| {
        tokio::spawn(crate::work::run_workers(
            store.clone(),
            clock,
            args.work.clone(),
            args.allow_local_repos,
            scanners,
            stop.clone(),
        ))
    });
    tracing::info!(
        backend = store.backend(),
        workers = if args.no_workers {
            0
        } else {
            args.work.workers
        },
        "skillvet listening on http://{local}"
    );
    // Tests and scripts read this line to find the port when started with port 0.
    println!("listening on http://{local}");
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop.wait())
    .await
    .context("serving HTTP");
    // However the server ended, the workers stop too (and hand back unfinished jobs).
    stop.trigger();
    if let Some(workers) = workers {
        let report = workers.await.context("the worker task failed")?;
        tracing::info!(?report, "workers stopped");
    }
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
