//! The client verbs: `search`, `info`, `submit`, `install`, `audit` against a skillvet server.
//!
//! Exit codes: 0 success; 1 the answer is bad news (a submission not published, an audited
//! skill that needs attention); 2 the verb could not do its job (usage, network, server
//! refusal, I/O), with the reason on stderr.

use std::io::Write;
use std::process::ExitCode;

use skillvet_client::{audit, http_client, info, install, login, moderate, search, submit};

fn error(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("skillvet: {e}");
    ExitCode::from(2)
}

/// Prints a JSON answer as JSON or through `render`.
fn show<E: std::fmt::Display>(
    answer: Result<serde_json::Value, E>,
    json: bool,
    render: fn(&serde_json::Value) -> String,
) -> ExitCode {
    match answer {
        Ok(value) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).expect("JSON prints")
            );
            ExitCode::SUCCESS
        }
        Ok(value) => {
            print!("{}", render(&value));
            ExitCode::SUCCESS
        }
        Err(e) => error(e),
    }
}

pub async fn search(args: search::SearchArgs) -> ExitCode {
    show(
        search::search(&http_client(), &args).await,
        args.json,
        search::render,
    )
}

pub async fn info(args: info::InfoArgs) -> ExitCode {
    show(
        info::info(&http_client(), &args).await,
        args.json,
        info::render,
    )
}

pub async fn submit(args: submit::SubmitArgs) -> ExitCode {
    let mut out = std::io::stdout();
    match submit::submit(&http_client(), &args, &mut out).await {
        Ok(items) => {
            let _ = out.flush();
            if items.iter().all(|i| i.ok(args.wait)) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => error(e),
    }
}

pub async fn install(args: install::InstallArgs) -> ExitCode {
    match install::install(&http_client(), &args).await {
        Ok(installed) => {
            println!(
                "installed {} version {} ({} files, verdict {}, sha256 {}) in {}",
                installed.package,
                installed.version,
                installed.files,
                installed.verdict,
                installed.sha256,
                installed.path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => error(e),
    }
}

pub async fn audit(args: audit::AuditArgs) -> ExitCode {
    match audit::audit(&http_client(), &args).await {
        Ok(skills) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&skills).expect("JSON prints")
                );
            } else {
                print!("{}", audit::render(&skills));
            }
            if skills.iter().any(audit::failing) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => error(e),
    }
}

pub async fn login(args: login::LoginArgs) -> ExitCode {
    let mut input = std::io::stdin().lock();
    match login::login(&http_client(), &args, &mut input, &mut std::io::stderr()).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(e) => error(e),
    }
}

pub async fn logout(args: login::LogoutArgs) -> ExitCode {
    match login::logout(&http_client(), &args).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(e) => error(e),
    }
}

pub async fn moderate(args: moderate::ModerateArgs) -> ExitCode {
    show(
        moderate::moderate(&http_client(), &args).await,
        args.json,
        moderate::render,
    )
}
