//! The authentication request's own parameters (OIDC Core §3.1.2.1, §3.1.2.6): `prompt`,
//! `max_age`, `login_hint`, and single sign-on across clients.

use chrono::TimeDelta;

use crate::browser::{Form, Shown, attributes, location};
use crate::fixtures::{ClientSpec, REDIRECT};
use crate::helpers::{Backend, TestApp};
use crate::oauth::query_of;
use crate::oidc::{oidc_authorize, oidc_client};
use crate::on_both_backends;

/// The redirect an authentication error ends in: to the client, with `state` and `iss`.
#[track_caller]
fn assert_redirected_error(app: &TestApp, response: &reqwest::Response, error: &str) {
    assert!(
        matches!(response.status().as_u16(), 302 | 303),
        "expected a redirect with {error}, got {}",
        response.status()
    );
    let to = location(response);
    assert!(to.starts_with(REDIRECT), "{to}");
    let params = query_of(&to);
    assert_eq!(params.get("error").map(String::as_str), Some(error), "{to}");
    assert_eq!(params["state"], "xyz-state", "{to}");
    assert_eq!(params["iss"], app.address, "RFC 9207: {to}");
    assert!(!params.contains_key("code"), "{to}");
}

async fn prompt_none_and_prompt_consent_follow_the_session_and_the_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app
        .client(ClientSpec {
            skip_consent: false,
            ..oidc_client()
        })
        .await;
    let browser = app.browser();
    let silent = || oidc_authorize(&client, &[("prompt", "none")]).0;

    // No session: no login page, an error for the client.
    assert_redirected_error(&app, &browser.get(&silent()).await, "login_required");

    // A session, but this client was never allowed: no consent page either.
    browser.log_in("alice").await;
    assert_redirected_error(&app, &browser.get(&silent()).await, "consent_required");

    // `none` with any other value is a contradiction (OIDC Core §3.1.2.1).
    for prompt in ["none login", "consent none"] {
        let (path, _) = oidc_authorize(&client, &[("prompt", prompt)]);
        assert_redirected_error(&app, &browser.get(&path).await, "invalid_request");
    }

    let (path, _) = oidc_authorize(&client, &[]);
    let (_, shown) = browser.authorize_showing(&path, "alice").await;
    assert_eq!(shown, [Shown::Consent]);

    // Signed in and allowed: a code, no page.
    let (path, verifier) = oidc_authorize(&client, &[("prompt", "none")]);
    let response = browser.get(&path).await;
    let to = location(&response);
    assert!(to.starts_with(REDIRECT), "{to}");
    let params = query_of(&to);
    assert_eq!(params["state"], "xyz-state");
    assert_eq!(params["iss"], app.address);
    let issued = browser.redeem(&client, &to, &verifier).await;
    app.id_token(&issued, &client).await;

    // Consent covers the scopes it was given for; one more is asked for anew.
    let wider = oidc_authorize(
        &client,
        &[("prompt", "none"), ("scope", "openid profile email read")],
    )
    .0;
    assert_redirected_error(&app, &browser.get(&wider).await, "consent_required");

    // prompt=consent asks again although the consent is remembered.
    let (path, verifier) = oidc_authorize(&client, &[("prompt", "consent")]);
    let (to, shown) = browser.authorize_showing(&path, "alice").await;
    assert_eq!(shown, [Shown::Consent]);
    browser.redeem(&client, &to, &verifier).await;
}

/// `prompt=login` and an `auth_time` older than `max_age` ask for the password again,
/// and the ID token tells the client when that was.
async fn prompt_login_and_max_age_ask_for_the_password_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let browser = app.browser();

    let sign_in = |extra: &'static [(&'static str, &'static str)]| {
        let browser = &browser;
        let app = &app;
        let client = &client;
        async move {
            let (path, verifier) = oidc_authorize(client, extra);
            let (to, shown) = browser.authorize_showing(&path, "alice").await;
            let issued = browser.redeem(client, &to, &verifier).await;
            (shown, app.id_token(&issued, client).await.int("auth_time"))
        }
    };

    let (shown, first) = sign_in(&[]).await;
    assert_eq!(shown, [Shown::Login]);

    app.clock.advance(TimeDelta::minutes(10));
    let (shown, same) = sign_in(&[]).await;
    assert_eq!(
        (shown.as_slice(), same),
        (&[][..], first),
        "the session is used"
    );

    let (shown, second) = sign_in(&[("prompt", "login")]).await;
    assert_eq!(shown, [Shown::Login], "prompt=login shows the login page");
    assert!(
        second >= first + 600,
        "a new auth_time: {first} then {second}"
    );

    app.clock.advance(TimeDelta::minutes(10));
    let (shown, same) = sign_in(&[("max_age", "3600")]).await;
    assert_eq!((shown.as_slice(), same), (&[][..], second), "recent enough");

    // Too old a login, and no page allowed to fix it (OIDC Core §3.1.2.6).
    let (path, _) = oidc_authorize(&client, &[("max_age", "300"), ("prompt", "none")]);
    assert_redirected_error(&app, &browser.get(&path).await, "login_required");

    let (shown, third) = sign_in(&[("max_age", "300")]).await;
    assert_eq!(shown, [Shown::Login], "a login older than max_age");
    assert!(
        third >= second + 600,
        "a new auth_time: {second} then {third}"
    );

    // OIDC Core §3.1.2.1: max_age=0 is prompt=login.
    app.clock.advance(TimeDelta::seconds(5));
    let (shown, fourth) = sign_in(&[("max_age", "0")]).await;
    assert_eq!(shown, [Shown::Login], "max_age=0");
    assert!(
        fourth >= third + 5,
        "a new auth_time: {third} then {fourth}"
    );
}

async fn login_hint_fills_the_name_and_one_login_serves_every_app(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let first = app.client(oidc_client()).await;
    let second = app.client(oidc_client()).await;
    let browser = app.browser();

    let (path, _) = oidc_authorize(&first, &[("login_hint", "alice")]);
    let html = login_page(&browser, &path).await;
    let form = Form::with_field(&html, "password").unwrap();
    assert!(form.names.iter().any(|n| n == "username"));
    assert_eq!(
        username_value(&html),
        "alice",
        "login_hint pre-fills the name"
    );
    // A hint that is markup is shown as text, or not at all (it is no user name).
    let hint = "\"><script>alert(1)</script>";
    let (path, _) = oidc_authorize(&first, &[("login_hint", hint)]);
    let html = login_page(&browser, &path).await;
    assert!(
        !html.contains("<script>alert"),
        "the hint is escaped:\n{html}"
    );
    let shown = username_value(&html);
    assert!(shown == hint || shown.is_empty(), "{shown}");

    // One login at Latchkey, and the next app signs the same user in without a page.
    let (path, verifier) = oidc_authorize(&first, &[("login_hint", "alice")]);
    let (to, shown) = browser.authorize_showing(&path, "alice").await;
    assert_eq!(shown, [Shown::Login]);
    let one = browser.redeem(&first, &to, &verifier).await;
    let one = app.id_token(&one, &first).await;

    let (path, verifier) = oidc_authorize(&second, &[]);
    let (to, shown) = browser.authorize_showing(&path, "alice").await;
    assert_eq!(shown, [], "single sign-on");
    let two = browser.redeem(&second, &to, &verifier).await;
    let two = app.id_token(&two, &second).await;
    assert_eq!(two.claims["sub"], one.claims["sub"]);
    assert_eq!(two.claims["auth_time"], one.claims["auth_time"]);
}

/// Follows an authorization request to the login page it shows.
async fn login_page(browser: &crate::browser::Browser, path: &str) -> String {
    let response = browser.follow(browser.get(path).await).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The value the login page's user name field starts with.
fn username_value(html: &str) -> String {
    html.split("<input")
        .skip(1)
        .map(|tag| attributes(tag.split('>').next().unwrap()))
        .find(|attrs| attrs.get("name").is_some_and(|n| n == "username"))
        .and_then(|attrs| attrs.get("value").cloned())
        .unwrap_or_default()
}

on_both_backends!(
    prompt_none_and_prompt_consent_follow_the_session_and_the_consent,
    prompt_login_and_max_age_ask_for_the_password_again,
    login_hint_fills_the_name_and_one_login_serves_every_app,
);
