//! The account page: apps, consents, password, events.

use crate::browser::{hidden_field, location};
use crate::fixtures::{ClientSpec, PASSWORD};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{authorize_path, oauth_error, pkce, tokens};
use crate::on_both_backends;

async fn the_account_page_revokes_an_app_that_a_refresh_then_finds_dead(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    app.user("bob").await;
    let client = app.client(ClientSpec::default()).await;
    let browser = app.browser();
    let issued = browser.tokens(&client, "alice").await;

    // Not signed in: the login page, then back here.
    let anonymous = app.browser().get("/account").await;
    assert_eq!(location(&anonymous), "/login?return_to=%2Faccount");

    let page = browser.get("/account").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("Test App"), "{html}");
    let family = app
        .db
        .text("SELECT id AS value FROM refresh_token_families")
        .unwrap();
    let action = format!("/account/apps/{family}/revoke");
    assert!(html.contains(&action));
    let csrf = hidden_field(&html, "csrf_token");

    // Without the CSRF token, or from another user's session: refused.
    assert_eq!(browser.post(&action, &[]).await.status(), 403);
    let bob = app.browser();
    bob.log_in("bob").await;
    let bob_csrf = hidden_field(
        &bob.get("/account").await.text().await.unwrap(),
        "csrf_token",
    );
    assert_eq!(
        bob.post(&action, &[("csrf_token", &bob_csrf)])
            .await
            .status(),
        404
    );

    let response = browser.post(&action, &[("csrf_token", &csrf)]).await;
    assert_eq!(location(&response), "/account?done=revoked");
    let refresh = client
        .refresh(&app, issued.refresh.as_deref().unwrap())
        .await;
    assert_eq!(oauth_error(refresh).await.1, "invalid_grant");
    let html = browser
        .get("/account?done=revoked")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("No app can act for you right now."), "{html}");
    assert!(
        html.contains("An app&#39;s access was revoked")
            || html.contains("An app's access was revoked"),
        "{html}"
    );
}

async fn consents_can_be_forgotten(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let browser = app.browser();
    browser.tokens(&client, "alice").await;
    let html = browser.get("/account").await.text().await.unwrap();
    let csrf = hidden_field(&html, "csrf_token");
    let response = browser
        .post(
            &format!("/account/consents/{}/forget", client.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(location(&response), "/account?done=forgotten");
    let (_, challenge) = pkce();
    let again = browser
        .get(&authorize_path(&client.id, &challenge, &[]))
        .await;
    assert_eq!(again.status(), 200, "the consent page again");
}

async fn changing_the_password_revokes_every_app_and_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    let issued = browser.tokens(&client, "alice").await;
    let elsewhere = app.browser();
    elsewhere.log_in("alice").await;

    let html = browser.get("/account").await.text().await.unwrap();
    let csrf = hidden_field(&html, "csrf_token");
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let csrf = csrf.clone();
        let browser = &browser;
        async move {
            browser
                .post(
                    "/account/password",
                    &[
                        ("csrf_token", &csrf),
                        ("current_password", current),
                        ("new_password", new),
                        ("confirm_password", confirm),
                    ],
                )
                .await
        }
    };
    let wrong = change("not it", "a fresh password", "a fresh password").await;
    assert_eq!(wrong.status(), 400);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("current password is not right")
    );
    let mismatch = change(PASSWORD, "a fresh password", "another one").await;
    assert_eq!(mismatch.status(), 400);
    let short = change(PASSWORD, "short", "short").await;
    assert_eq!(short.status(), 400);
    tokens(
        client
            .refresh(&app, issued.refresh.as_deref().unwrap())
            .await,
    )
    .await;

    let done = change(PASSWORD, "a fresh password", "a fresh password").await;
    assert_eq!(location(&done), "/account?done=password");
    assert_eq!(
        browser.get("/account").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        location(&elsewhere.get("/account").await),
        "/login?return_to=%2Faccount",
        "others end"
    );
    let app_count = app
        .db
        .count("FROM refresh_token_families WHERE revoked_reason = 'password_changed'");
    assert_eq!(app_count, 1);
    let html = browser.get("/account").await.text().await.unwrap();
    assert!(html.contains("Your password was changed"), "{html}");
}

async fn the_account_page_shows_a_detected_reuse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    let old = browser.tokens(&client, "alice").await.refresh.unwrap();
    tokens(client.refresh(&app, &old).await).await;
    client.refresh(&app, &old).await;
    let html = browser.get("/account").await.text().await.unwrap();
    assert!(
        html.contains("A replayed refresh token ended an app"),
        "{html}"
    );
}

async fn the_account_page_shows_the_profile(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.profiled_users().await;
    let page = |name: &'static str| {
        let browser = app.browser();
        async move {
            browser.log_in(name).await;
            browser.get("/account").await.text().await.unwrap()
        }
    };
    let alice = page("alice").await;
    for shown in ["Alice Liddell", "alice@example.com", "(verified)"] {
        assert!(alice.contains(shown), "missing {shown:?} in\n{alice}");
    }
    let bob = page("bob").await;
    assert!(bob.contains("(not verified)"), "{bob}");
    let carol = page("carol").await;
    assert!(
        !carol.contains("verified"),
        "no address, nothing to verify: {carol}"
    );

    // A change is one of the user's security events.
    app.services
        .set_email(
            &latchkey::domain::Username::parse("bob").unwrap(),
            None,
            false,
        )
        .await
        .unwrap();
    let bob = page("bob").await;
    assert!(
        bob.contains("Your name or email address was changed"),
        "{bob}"
    );
}

/// The consent page says in plain words what the OpenID Connect scopes let an app see.
async fn the_consent_page_names_what_openid_scopes_reveal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app
        .client(ClientSpec {
            scope: "openid profile email",
            ..ClientSpec::default()
        })
        .await;
    let browser = app.browser();
    browser.log_in("alice").await;
    let (_, challenge) = pkce();
    let consent = browser
        .get(&authorize_path(
            &client.id,
            &challenge,
            &[("scope", "openid profile email")],
        ))
        .await;
    assert_eq!(consent.status(), 200);
    let html = consent.text().await.unwrap();
    for words in [
        "Sign you in with your Latchkey account",
        "your name and user name",
        "your email address",
    ] {
        assert!(html.contains(words), "missing {words:?} in\n{html}");
    }
}

on_both_backends!(
    the_account_page_shows_the_profile,
    the_consent_page_names_what_openid_scopes_reveal,
    the_account_page_revokes_an_app_that_a_refresh_then_finds_dead,
    consents_can_be_forgotten,
    changing_the_password_revokes_every_app_and_other_sessions,
    the_account_page_shows_a_detected_reuse,
);
