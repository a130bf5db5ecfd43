//! The search API and the web pages over a real server on loopback, on both backends.

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::Value;
use skillvet_core::{Clock, SystemClock};
use skillvet_registry::{Registry, RegistryConfig};
use skillvet_server::ServerConfig;
use skillvet_server::rate_limit::MemoryLimiter;
use skillvet_server::state::AppState;
use skillvet_test_db::{TestDb, backend_tests};

async fn start(db: &TestDb) -> String {
    let store = db.store().await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let registry = Registry::new(store, clock, RegistryConfig::default());
    let state = AppState::new(
        registry,
        Arc::new(MemoryLimiter::default()),
        ServerConfig::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = skillvet_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn search_api_and_pages(db: TestDb) {
    let base = start(&db).await;
    let http = skillvet_client::http_client();
    let get = |path: &str| http.get(format!("{base}{path}")).send();

    let response = get("/api/v1/skills?q=pdf&sort=installs").await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["total"], 0);
    assert_eq!(body["items"], serde_json::json!([]));

    for bad in [
        "tier=gold",
        "sort=random",
        "page=0",
        "per_page=1000",
        "repo=nope",
        "x=1",
    ] {
        let response = get(&format!("/api/v1/skills?{bad}")).await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_query", "{bad}");
    }

    for page in ["/", "/skills?q=pdf", "/submit", "/queue", "/trust"] {
        let response = get(page).await.unwrap();
        assert_eq!(response.status(), 200, "{page}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe"),
            "{csp}"
        );
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>"), "no inline script on {page}");
    }
    let missing = get("/skills/a/b/c").await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("<h1"));
    assert_eq!(get("/no/such/page").await.unwrap().status(), 404);
    let bad = get("/skills?tier=gold").await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("unknown tier"));
}

backend_tests!(search_api_and_pages);
