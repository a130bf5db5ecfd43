//! `GET /api/v1/admin/health` and `POST /api/v1/admin/rebuild-index` over a real HTTP server
//! on loopback, on SQLite and PostgreSQL: who may call them (administrators; services with an
//! internal key may read health only), and a drift made by hand found, repaired and audited.

mod support;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use skillvet_core::model::Role;
use skillvet_core::{Clock, SystemClock};
use skillvet_server::ServerConfig;
use skillvet_server::auth::InternalKeys;
use skillvet_test_db::{Backend, TestDb, backend_tests};
use sqlx::SqlSafeStr;
use support::Server;

const CURRENT_KEY: &str = "internal-key-current-0123456789abcdef";
const NEXT_KEY: &str = "internal-key-next-0123456789abcdef0123";

struct App {
    server: Server,
    backend: Backend,
    url: String,
}

impl App {
    async fn start(db: TestDb) -> Self {
        let (backend, url) = (db.backend(), db.url().to_owned());
        let config = ServerConfig {
            internal_keys: InternalKeys::new(&[CURRENT_KEY.into(), NEXT_KEY.into()]).unwrap(),
            ..ServerConfig::default()
        };
        let server = Server::start_with(db, config, Arc::new(SystemClock)).await;
        Self {
            server,
            backend,
            url,
        }
    }

    async fn token(&self, login: &str, role: Role, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        skillvet_server::auth::issue_token_with_scopes(
            self.server.store.as_ref(),
            SystemClock.now(),
            login,
            role,
            "health",
            &scopes,
            None,
        )
        .await
        .unwrap()
        .0
    }

    /// Status and JSON body of a call with the given `Authorization` token and internal key.
    async fn call(
        &self,
        post: Option<Value>,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let url = format!("{}/api/v1{path}", self.server.base);
        let http = &self.server.http;
        let mut request = match &post {
            Some(body) => http.post(&url).json(body),
            None => http.get(&url),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("X-Internal-Key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// Corrupts a derived structure by hand: an index document, or a counter, for nothing.
    async fn corrupt(&self) -> Value {
        let (sql, drift) = match self.backend {
            Backend::Sqlite => (
                "INSERT INTO skill_search (rowid, name, description, tags, repo) \
                 VALUES (77, 'ghost', 'not a skill', '', 'no where')",
                json!({ "structure": "skill_search", "key": "77",
                        "expected": "absent", "actual": "indexed" }),
            ),
            Backend::Postgres => (
                "INSERT INTO skill_word_counts (lexeme, skills) VALUES ('ghost', 1)",
                json!({ "structure": "skill_word_counts", "key": "ghost",
                        "expected": 0, "actual": 1 }),
            ),
        };
        let sql = sqlx::AssertSqlSafe(sql).into_sql_str();
        match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
        }
        drift
    }
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn health_is_for_administrators_and_internal_keys(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.token("root", Role::Admin, &["admin"]).await;
    let user = app.token("tess", Role::User, &["submit", "publish"]).await;
    let reviewer = app.token("rita", Role::Reviewer, &["review"]).await;
    let health = "/admin/health";

    let (status, body) = app.call(None, health, None, None).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    for token in [&user, &reviewer] {
        let (status, body) = app.call(None, health, Some(token), None).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app.call(None, health, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["drift_detected"], false);
    assert_eq!(body["backend"], app.server.store.backend());
    assert!(!body["structures"].as_array().unwrap().is_empty());

    // Either key of a rotation is accepted; a wrong key is refused, token or not.
    for key in [CURRENT_KEY, NEXT_KEY] {
        let (status, body) = app.call(None, health, None, Some(key)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for token in [None, Some(admin.as_str())] {
        let (status, body) = app
            .call(
                None,
                health,
                token,
                Some("internal-key-wrong-0123456789abcdef"),
            )
            .await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    }

    // Rebuilding is for administrators only: a service key does not do.
    let rebuild = "/admin/rebuild-index";
    let (status, body) = app
        .call(Some(json!({})), rebuild, None, Some(CURRENT_KEY))
        .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    for token in [&user, &reviewer] {
        let (status, body) = app.call(Some(json!({})), rebuild, Some(token), None).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app
        .call(Some(json!({ "user_id": 1 })), rebuild, Some(&admin), None)
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
}

async fn a_drift_is_reported_repaired_and_audited(db: TestDb) {
    let app = App::start(db).await;
    let admin = app.token("root", Role::Admin, &["admin"]).await;
    let drift = app.corrupt().await;

    let (status, body) = app
        .call(None, "/admin/health", None, Some(CURRENT_KEY))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["drift_detected"], true);
    assert_eq!(body["drifts"], json!([drift]));
    let recommendations = body["recommendations"].as_array().unwrap();
    assert!(
        recommendations[0]
            .as_str()
            .unwrap()
            .contains("rebuild-index"),
        "{body}"
    );
    let structure = drift["structure"].as_str().unwrap();

    let (status, body) = app
        .call(
            Some(json!({ "reason": "a ghost in the index" })),
            "/admin/rebuild-index",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["rebuilt"], json!([structure]));
    assert_eq!(body["errors"], json!([]));
    assert_eq!(body["changed"], 1);

    let (_, body) = app.call(None, "/admin/health", Some(&admin), None).await;
    assert_eq!(body["drift_detected"], false, "{body}");
    assert_eq!(body["drifts"], json!([]));
    let (status, body) = app
        .call(Some(json!({})), "/admin/rebuild-index", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["changed"].clone(), body["rebuilt"].clone()),
        (json!(0), json!([]))
    );

    let (status, body) = app
        .call(
            None,
            "/admin/audit?action=index.rebuild",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{body}");
    let repair = &items[1];
    assert_eq!(repair["actor"]["id"], "root");
    assert_eq!(repair["actor_role"], "admin");
    assert_eq!(repair["reason"], "a ghost in the index");
    assert_eq!(repair["before"]["drifts"][structure], 1);
    assert_eq!(repair["after"]["changed"], 1);
    assert_eq!(items[0]["after"]["changed"], 0);
    assert_eq!(items[0]["reason"], Value::Null);
}

backend_tests!(
    health_is_for_administrators_and_internal_keys,
    a_drift_is_reported_repaired_and_audited,
);
