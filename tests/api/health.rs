use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::oauth_error;
use crate::on_both_backends;

async fn healthz_answers_200_with_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

async fn unknown_paths_get_a_json_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .http
        .get(app.url("/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}

async fn home_page_and_stylesheet_are_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.http.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("/static/latchkey.css"));
    let css = app
        .http
        .get(app.url("/static/latchkey.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

on_both_backends!(
    healthz_answers_200_with_security_headers,
    unknown_paths_get_a_json_404,
    home_page_and_stylesheet_are_served,
);

/// The database going away is a PostgreSQL event (an embedded SQLite file cannot stop
/// answering its own process), so this one runs only there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_503_when_postgres_is_gone() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let db = TestDatabase::create(Backend::Postgres);
    let app = TestApp::spawn_on(db, &[]).await;
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let client = app.client(ClientSpec::client_credentials()).await;
    app.db.drop_now();
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable");
    // The token endpoint answers 503 with a JSON error too, never a 500 or HTML.
    let response = client
        .token(&app, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(response.status(), 503);
    assert_eq!(oauth_error(response).await.1, "temporarily_unavailable");
}
