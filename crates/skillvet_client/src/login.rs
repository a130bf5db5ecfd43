//! `skillvet login`: checks a token (made on the server's `/account` page) against
//! `GET /api/v1/me` and keeps it for that server; `skillvet logout` revokes it on the server
//! and forgets it. `skillvet submit` uses the kept token when given none.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;

use crate::api::{ApiError, Server};
use crate::credentials;

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Read the token from standard input instead of asking for it (scripts, CI).
    #[arg(long)]
    pub token_stdin: bool,
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("that is not a skillvet token (they start with `svt_`)")]
    NotAToken,
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("storing the token: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads, checks and stores the token; returns the message for the user.
pub async fn login(
    http: &reqwest::Client,
    args: &LoginArgs,
    input: &mut impl BufRead,
    prompt: &mut impl Write,
) -> Result<String, LoginError> {
    let base = args.server.trim_end_matches('/');
    if !args.token_stdin && std::io::stdin().is_terminal() {
        write!(
            prompt,
            "Make a token at {base}/account (Make a token), then paste it here: "
        )?;
        prompt.flush()?;
    }
    let mut line = String::new();
    input.read_line(&mut line)?;
    let token = line.trim();
    if !token.starts_with("svt_") || token.len() > 200 {
        return Err(LoginError::NotAToken);
    }
    let server = Server::new(http.clone(), base, Some(token.to_owned()))?;
    let me = server.get_json("/api/v1/me").await?;
    let path = credentials::save(server.base(), token)?;
    let scopes: Vec<&str> = me["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str())
        .collect();
    Ok(format!(
        "Logged in to {} as {} (scopes: {}); token kept in {}",
        server.base(),
        me["user"]["login"].as_str().unwrap_or("?"),
        scopes.join(", "),
        path.display()
    ))
}

/// Revokes the kept token on the server (if it still works) and forgets it.
pub async fn logout(http: &reqwest::Client, args: &LogoutArgs) -> Result<String, LoginError> {
    let base = args.server.trim_end_matches('/');
    let Some(token) = credentials::forget(base)? else {
        return Ok(format!("Not logged in to {base}"));
    };
    let server = Server::new(http.clone(), base, Some(token))?;
    let revoked = match server.get_json("/api/v1/me").await {
        Ok(me) => match me["token"]["id"].as_i64() {
            Some(id) => server
                .delete(&format!("/api/v1/me/tokens/{id}"))
                .await
                .map(|_| "revoked on the server"),
            None => Ok("kept on the server (it did not say which token this is)"),
        },
        Err(ApiError::Refused { status: 401, .. }) => Ok("already invalid on the server"),
        Err(e) => Err(e),
    };
    match revoked {
        Ok(what) => Ok(format!("Logged out of {base}: token forgotten, {what}")),
        Err(e) => Ok(format!(
            "Logged out of {base}: token forgotten, but not revoked ({e}); revoke it on {base}/account"
        )),
    }
}
