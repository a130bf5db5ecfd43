//! `skillvet`: one binary for the registry service and its tools.

mod client;
mod health;
mod scan_agent;
mod serve;
mod work;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub const DEFAULT_DATABASE_URL: &str = "sqlite:skillvet.db";

#[derive(Parser)]
#[command(
    name = "skillvet",
    version,
    about = "A registry that verifies AI-agent skills before people install them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API (and, by default, the verification workers) on the given database.
    Serve(Box<serve::ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(serve::DatabaseArgs),
    /// Administration on the server's database.
    #[command(subcommand)]
    Admin(serve::AdminCommand),
    /// Scan a skill folder or a repository of skills (exit 0 pass, 1 at/above --fail-on, 2 error).
    Scan(skillvet_scanner::cli::ScanArgs),
    /// List the scanner's rules (`--format markdown` generates docs/rules.md).
    Rules(skillvet_scanner::cli::RulesArgs),
    /// Run verification workers only, against the server's database.
    Worker(work::WorkerArgs),
    /// Run external scanners (Semgrep, njsscan, gitleaks, trufflehog) for a server.
    ScanAgent(scan_agent::ScanAgentArgs),
    /// Search a skillvet server's verified skills.
    Search(skillvet_client::search::SearchArgs),
    /// Show a skill's trust tier, versions and security report with every finding.
    Info(skillvet_client::info::InfoArgs),
    /// Submit a repository's skills for verification (`--wait` follows them to a decision).
    Submit(skillvet_client::submit::SubmitArgs),
    /// Keep an API token for a server (made on its /account page); `submit` then uses it.
    Login(skillvet_client::login::LoginArgs),
    /// Revoke the kept token on the server and forget it.
    Logout(skillvet_client::login::LogoutArgs),
    /// Reviewers' actions on a server: approve, reject, quarantine, yank, block, the audit
    /// log, reports and appeals (a token with the `review` scope).
    Moderate(skillvet_client::moderate::ModerateArgs),
    /// Install a verified skill from a skillvet server into an agent's skills folder.
    Install(skillvet_client::install::InstallArgs),
    /// Check installed skills: changed on disk, blocked, yanked, rescanned, outdated, unmanaged
    /// (exit 1 when one needs attention).
    Audit(skillvet_client::audit::AuditArgs),
}

/// `skillvet scan`, with the LLM judge its flags configure (none unless a URL is given).
fn scan(args: skillvet_scanner::cli::ScanArgs) -> ExitCode {
    match skillvet_client::llm_judge::from_args(&args.judge) {
        Ok(judge) => skillvet_scanner::cli::run_scan(args, judge),
        Err(e) => {
            eprintln!("skillvet scan: LLM judge: {e}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SKILLVET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    // The local scanner is synchronous (its LLM judge blocks on a runtime of its own), so
    // it runs before and outside the service's runtime.
    let command = match cli.command {
        Command::Scan(args) => return scan(args),
        Command::Rules(args) => return skillvet_scanner::cli::run_rules(args),
        other => other,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("skillvet: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    let result = runtime.block_on(async {
        match command {
            Command::Serve(args) => serve::serve(*args).await,
            Command::Migrate(args) => serve::migrate(args).await,
            Command::Admin(command) => serve::admin(command).await,
            Command::Scan(_) | Command::Rules(_) => unreachable!("run before the runtime"),
            Command::Worker(args) => work::worker(args).await,
            Command::ScanAgent(args) => scan_agent::scan_agent(args).await,
            Command::Search(args) => Ok(client::search(args).await),
            Command::Info(args) => Ok(client::info(args).await),
            Command::Submit(args) => Ok(client::submit(args).await),
            Command::Install(args) => Ok(client::install(args).await),
            Command::Login(args) => Ok(client::login(args).await),
            Command::Logout(args) => Ok(client::logout(args).await),
            Command::Audit(args) => Ok(client::audit(args).await),
            Command::Moderate(args) => Ok(client::moderate(args).await),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("skillvet: {e:#}");
            ExitCode::FAILURE
        }
    }
}
