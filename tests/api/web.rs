//! Web-facing defences in one place: CSRF on every form, clickjacking headers and cookie
//! flags on every page, throttling shared by instances.

use crate::browser::hidden_field;
use crate::fixtures::{ClientSpec, PASSWORD};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;

/// Every form POST, as an admin with a live session but without the CSRF token, is 403
/// and changes nothing.
async fn every_form_refuses_a_post_without_its_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let admin = app.browser();
    let password = app.admin_password.clone().unwrap();
    assert_eq!(
        admin
            .submit_login("/login", "admin", &password)
            .await
            .status(),
        303
    );
    let family = "00000000-0000-0000-0000-000000000000";
    let id = client.id.as_str();
    let forms = [
        "/login".to_owned(),
        "/logout".to_owned(),
        "/authorize".to_owned(),
        "/account/password".to_owned(),
        format!("/account/apps/{family}/revoke"),
        format!("/account/consents/{id}/forget"),
        "/admin/clients".to_owned(),
        format!("/admin/clients/{id}"),
        format!("/admin/clients/{id}/rotate-secret"),
        format!("/admin/clients/{id}/disable"),
        "/admin/users".to_owned(),
        "/admin/users/alice/disable".to_owned(),
        "/admin/users/alice/reset-password".to_owned(),
        "/admin/users/alice/grant-admin".to_owned(),
    ];
    for path in &forms {
        for token in [None, Some("forged")] {
            let mut form = vec![("username", "alice"), ("password", PASSWORD), ("name", "x")];
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            let response = admin.post(path, &form).await;
            assert_eq!(response.status(), 403, "POST {path} with {token:?}");
        }
    }
    let alice = app
        .services
        .find_user(&latchkey::domain::Username::parse("alice").unwrap())
        .await
        .unwrap();
    assert!(alice.enabled && !alice.is_admin, "nothing changed");
    assert!(
        app.services
            .find_client(latchkey::domain::ClientId::parse(id).unwrap())
            .await
            .unwrap()
            .enabled
    );
}

async fn every_page_blocks_framing_and_cookies_are_locked_down(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let browser = app.browser();
    browser.log_in("alice").await;
    for path in [
        "/",
        "/login",
        "/account",
        "/authorize",
        "/admin",
        "/healthz",
        "/jwks.json",
        "/nope",
    ] {
        let response = browser.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let login = app.browser().get("/login").await;
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

/// With an https issuer every cookie is `Secure`.
async fn cookies_are_secure_behind_an_https_issuer(backend: Backend) {
    let app = TestApp::spawn_on(
        TestDatabase::create(backend),
        &["--issuer", "https://auth.example.com"],
    )
    .await;
    app.user("alice").await;
    let browser = app.browser();
    let page = browser.get("/login").await;
    let csrf_cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
    let html = page.text().await.unwrap();
    let csrf = hidden_field(&html, "csrf_token");
    let response = browser
        .post(
            "/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
                ("return_to", "/"),
            ],
        )
        .await;
    let session = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("latchkey_session="))
        .unwrap();
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
}

/// Five failures split across two instances block the name on both.
async fn login_throttling_holds_across_two_instances(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let second = app.another_instance().await;
    let mut other = app.browser();
    other.base = second.address.clone();
    for attempt in 0..5 {
        let browser = if attempt % 2 == 0 {
            app.browser()
        } else {
            app.browser_at(&second.address)
        };
        assert_eq!(
            browser
                .submit_login("/login", "alice", "guess")
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        app.browser()
            .submit_login("/login", "alice", PASSWORD)
            .await
            .status(),
        429
    );
    assert_eq!(
        other
            .submit_login("/login", "alice", PASSWORD)
            .await
            .status(),
        429
    );
}

on_both_backends!(
    every_form_refuses_a_post_without_its_csrf_token,
    every_page_blocks_framing_and_cookies_are_locked_down,
    cookies_are_secure_behind_an_https_issuer,
    login_throttling_holds_across_two_instances,
);
