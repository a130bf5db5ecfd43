//! `skillvet search`: the marketplace search (`GET /api/v1/skills`) from a terminal.

use serde_json::Value;

use crate::api::{ApiError, Server, printable};

#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// Words to look for (name, description, tags), or `owner/repo` for a repository.
    pub query: Vec<String>,
    #[arg(long)]
    pub category: Option<String>,
    /// scanned, verified or certified.
    #[arg(long)]
    pub tier: Option<String>,
    #[arg(long)]
    pub author: Option<String>,
    /// Only skills of this repository, `owner/name`.
    #[arg(long)]
    pub repo: Option<String>,
    /// relevance, trending, installs or newest.
    #[arg(long)]
    pub sort: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub page: u32,
    #[arg(long, default_value_t = 20)]
    pub per_page: u32,
    /// Print the server's JSON answer instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Base URL of the skillvet server.
    #[arg(long, env = "SKILLVET_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
}

impl SearchArgs {
    /// The query string of `GET /api/v1/skills`.
    fn query_string(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        let text = self.query.join(" ");
        if !text.trim().is_empty() {
            pairs.append_pair("q", &text);
        }
        for (key, value) in [
            ("category", &self.category),
            ("tier", &self.tier),
            ("author", &self.author),
            ("repo", &self.repo),
            ("sort", &self.sort),
        ] {
            if let Some(v) = value {
                pairs.append_pair(key, v);
            }
        }
        pairs.append_pair("page", &self.page.to_string());
        pairs.append_pair("per_page", &self.per_page.to_string());
        pairs.finish()
    }
}

/// Runs the search and returns the server's answer.
pub async fn search(http: &reqwest::Client, args: &SearchArgs) -> Result<Value, ApiError> {
    let server = Server::new(http.clone(), &args.server, None)?;
    server
        .get_json(&format!("/api/v1/skills?{}", args.query_string()))
        .await
}

/// The answer as a table: slug, tier and score, installs, description; then the counts.
pub fn render(found: &Value) -> String {
    let items = found["items"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let mut out = String::new();
    let width = items
        .iter()
        .map(|i| i["slug"].as_str().unwrap_or("").chars().count().min(60))
        .max()
        .unwrap_or(0);
    for item in items {
        let slug = printable(item["slug"].as_str().unwrap_or("?"), 60);
        let tier = printable(item["cert_tier"].as_str().unwrap_or("?"), 12);
        let description = printable(item["description"].as_str().unwrap_or(""), 70);
        out.push_str(&format!(
            "{slug:<width$}  {tier:<9} {score:>3}  {installs:>7} installs  {description}\n",
            score = item["cert_score"].as_i64().unwrap_or(0),
            installs = item["install_count"].as_i64().unwrap_or(0),
        ));
    }
    let total = found["total"].as_u64().unwrap_or(0);
    if total == 0 {
        out.push_str("no verified skill matches\n");
    } else {
        out.push_str(&format!(
            "{shown} of {total} skill{s} (page {page} of {pages})\n",
            shown = items.len(),
            s = if total == 1 { "" } else { "s" },
            page = found["page"].as_u64().unwrap_or(1),
            pages = found["pages"].as_u64().unwrap_or(1),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SearchArgs,
    }

    #[test]
    fn every_filter_reaches_the_query_string_encoded() {
        let cli = Cli::parse_from([
            "x",
            "pdf",
            "&",
            "forms",
            "--tier",
            "verified",
            "--repo",
            "acme/tools",
            "--page",
            "2",
        ]);
        assert_eq!(
            cli.args.query_string(),
            "q=pdf+%26+forms&tier=verified&repo=acme%2Ftools&page=2&per_page=20"
        );
    }

    #[test]
    fn tables_say_how_many_matched() {
        let found = serde_json::json!({
            "items": [{"slug": "acme/tools/pdf", "cert_tier": "VERIFIED", "cert_score": 91,
                       "install_count": 12, "description": "Fills \u{1b}[31mPDF forms"}],
            "total": 41, "page": 1, "pages": 3,
        });
        let text = render(&found);
        assert!(
            text.contains("acme/tools/pdf  VERIFIED   91       12 installs  Fills ?[31mPDF forms"),
            "{text}"
        );
        assert!(text.ends_with("1 of 41 skills (page 1 of 3)\n"), "{text}");
        assert_eq!(
            render(&serde_json::json!({"items": [], "total": 0})),
            "no verified skill matches\n"
        );
    }
}
