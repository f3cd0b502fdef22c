//! The login and logout pages: CSRF, failures that reveal nothing, throttling, sessions.

use crate::browser::{hidden_field, location};
use crate::fixtures::{ClientSpec, PASSWORD};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{authorize_path, pkce};
use crate::on_both_backends;

async fn login_needs_the_csrf_cookie_and_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let browser = app.browser();
    let html = browser.get("/login").await.text().await.unwrap();
    let csrf = hidden_field(&html, "csrf_token");
    for form in [
        vec![("username", "alice"), ("password", PASSWORD)],
        vec![
            ("username", "alice"),
            ("password", PASSWORD),
            ("csrf_token", "wrong"),
        ],
    ] {
        let response = browser.post("/login", &form).await;
        assert_eq!(response.status(), 403);
    }
    // The right field from another browser (no cookie) fails too.
    let response = app
        .browser()
        .post(
            "/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = browser
        .post(
            "/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
}

async fn failures_say_nothing_about_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let browser = app.browser();
    let wrong_password = browser
        .submit_login("/login", "alice", "not the password")
        .await;
    let unknown_user = browser.submit_login("/login", "mallory", PASSWORD).await;
    let hostile = browser
        .submit_login("/login", "' OR 1=1 --<script>", PASSWORD)
        .await;
    for response in [wrong_password, unknown_user, hostile] {
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("Wrong user name or password."), "{html}");
        assert!(!html.contains("<script>"), "the name is escaped");
    }
    // A disabled account gets the same answer, even with the right password.
    app.services
        .set_user_enabled(&latchkey::domain::Username::parse("alice").unwrap(), false)
        .await
        .unwrap();
    let response = browser.submit_login("/login", "alice", PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Wrong user name or password.")
    );
}

async fn repeated_failures_are_throttled_per_user_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let browser = app.browser();
    for _ in 0..5 {
        let response = browser.submit_login("/login", "alice", "guess").await;
        assert_eq!(response.status(), 200);
    }
    // Blocked now, even with the right password, and from another browser.
    let response = app
        .browser()
        .submit_login("/login", "ALICE", PASSWORD)
        .await;
    assert_eq!(response.status(), 429);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Too many failed attempts")
    );
    // Unknown names are throttled the same way, so throttling reveals nothing either.
    for _ in 0..5 {
        browser.submit_login("/login", "nobody", "guess").await;
    }
    assert_eq!(
        browser.submit_login("/login", "nobody", "x").await.status(),
        429
    );
    // After the block, the right password works again.
    app.clock.advance(chrono::TimeDelta::minutes(16));
    let response = app
        .browser()
        .submit_login("/login", "alice", PASSWORD)
        .await;
    assert_eq!(response.status(), 303);
    let events = app
        .db
        .count("FROM security_events WHERE kind = 'login_failed'");
    assert_eq!(events, 5, "failures against a real account are recorded");
}

async fn repeated_failures_are_throttled_per_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let browser = app.browser();
    // Twenty different names from one address.
    for i in 0..20 {
        browser
            .submit_login("/login", &format!("user{i}"), "guess")
            .await;
    }
    let response = browser.submit_login("/login", "alice", PASSWORD).await;
    assert_eq!(response.status(), 429);
}

async fn login_never_redirects_off_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    for hostile in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let browser = app.browser();
        let login = format!(
            "/login?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("return_to", hostile)
                .finish()
        );
        let response = browser.submit_login(&login, "alice", PASSWORD).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/", "{hostile}");
    }
}

async fn logout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    browser.log_in("alice").await;
    let home = browser.get("/").await.text().await.unwrap();
    assert!(
        home.contains("signed in as <strong>alice</strong>"),
        "{home}"
    );
    let csrf = hidden_field(&home, "csrf_token");

    // Without the token, logout is refused.
    assert_eq!(browser.post("/logout", &[]).await.status(), 403);
    let response = browser.post("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(response.status(), 303);
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cleared.starts_with("latchkey_session=;"), "{cleared}");
    let response = browser
        .get(&authorize_path(&client.id, &challenge, &[]))
        .await;
    assert!(location(&response).starts_with("/login"), "logged out");
    assert_eq!(app.db.count("FROM browser_sessions"), 0);
}

async fn sessions_end_with_their_lifetime_and_with_the_account(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    app.user("bob").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let authorize = authorize_path(&client.id, &challenge, &[]);

    let alice = app.browser();
    alice.log_in("alice").await;
    assert_eq!(alice.get(&authorize).await.status(), 200, "consent page");
    app.clock
        .advance(chrono::TimeDelta::hours(12) + chrono::TimeDelta::seconds(1));
    assert!(location(&alice.get(&authorize).await).starts_with("/login"));

    let bob = app.browser();
    bob.log_in("bob").await;
    assert_eq!(bob.get(&authorize).await.status(), 200);
    app.services
        .set_user_enabled(&latchkey::domain::Username::parse("bob").unwrap(), false)
        .await
        .unwrap();
    assert!(location(&bob.get(&authorize).await).starts_with("/login"));
}

on_both_backends!(
    login_needs_the_csrf_cookie_and_field,
    failures_say_nothing_about_the_account,
    repeated_failures_are_throttled_per_user_name,
    repeated_failures_are_throttled_per_address,
    login_never_redirects_off_site,
    logout_ends_the_session,
    sessions_end_with_their_lifetime_and_with_the_account,
);
