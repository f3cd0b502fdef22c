//! The browser side of the authorization-code flow (RFC 6749 section 4.1, RFC 7636,
//! RFC 9207), as a user's browser drives it.

use crate::browser::{hidden_field, location};
use crate::fixtures::{ClientSpec, PASSWORD, REDIRECT};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{authorize_path, pkce, query_of};
use crate::on_both_backends;

async fn code_flow_through_login_and_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();

    // Not logged in: the login page, with the way back.
    let start = authorize_path(&client.id, &challenge, &[("scope", "read")]);
    let response = browser.get(&start).await;
    assert_eq!(response.status(), 303);
    let login = location(&response);
    assert!(login.starts_with("/login?return_to="), "{login}");

    let response = browser.submit_login(&login, "alice", PASSWORD).await;
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("latchkey_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-http issuer: {cookie}");
    let back = location(&response);
    assert_eq!(back, start, "login returns to the authorization request");

    // The consent page names the client and the scope, and cannot be framed.
    let response = browser.get(&back).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("Test App"), "{html}");
    assert!(html.contains("Read your data"), "{html}");
    assert!(
        !html.contains("Create and change"),
        "only the requested scope: {html}"
    );

    let response = browser.decide(&html, "approve").await;
    assert_eq!(response.status(), 303);
    let redirect = location(&response);
    assert!(redirect.starts_with(REDIRECT), "{redirect}");
    let params = query_of(&redirect);
    assert_eq!(params["state"], "xyz-state");
    assert_eq!(params["iss"], app.address, "RFC 9207 iss");
    let code = &params["code"];
    assert_eq!(code.len(), 43);

    // Only a hash of the code is stored, with its PKCE challenge and a 60 s lifetime.
    let stored = app
        .db
        .text("SELECT code_hash AS value FROM authorization_codes")
        .unwrap();
    assert_ne!(&stored, code);
    assert_eq!(
        app.db
            .text("SELECT code_challenge AS value FROM authorization_codes")
            .unwrap(),
        challenge
    );
}

async fn consent_is_remembered_per_scope_set(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bob").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    browser
        .authorize(
            &authorize_path(&client.id, &challenge, &[("scope", "read")]),
            "bob",
        )
        .await;

    // The same scope again: straight back to the client with a code.
    let response = browser
        .get(&authorize_path(
            &client.id,
            &challenge,
            &[("scope", "read")],
        ))
        .await;
    assert_eq!(response.status(), 303);
    assert!(query_of(&location(&response)).contains_key("code"));

    // A wider scope asks again; afterwards both are remembered.
    let response = browser
        .get(&authorize_path(
            &client.id,
            &challenge,
            &[("scope", "read write")],
        ))
        .await;
    assert_eq!(response.status(), 200, "consent is asked for the new scope");
    let html = response.text().await.unwrap();
    browser.decide(&html, "approve").await;
    let response = browser
        .get(&authorize_path(&client.id, &challenge, &[]))
        .await;
    assert_eq!(
        response.status(),
        303,
        "no scope means all of the client's, now granted"
    );
}

async fn skip_consent_clients_get_a_code_right_after_login(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("carol").await;
    let client = app.client(ClientSpec::skip_consent().public()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    let start = authorize_path(&client.id, &challenge, &[]);
    let login = location(&browser.get(&start).await);
    let response = browser.submit_login(&login, "carol", PASSWORD).await;
    let response = browser.get(&location(&response)).await;
    assert_eq!(response.status(), 303);
    assert!(query_of(&location(&response)).contains_key("code"));
}

async fn denying_consent_redirects_with_access_denied(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("dave").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    browser.log_in("dave").await;
    let html = browser
        .get(&authorize_path(&client.id, &challenge, &[]))
        .await
        .text()
        .await
        .unwrap();
    let response = browser.decide(&html, "deny").await;
    let params = query_of(&location(&response));
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "xyz-state");
    assert_eq!(params["iss"], app.address);
    assert!(!params.contains_key("code"));
}

/// Errors before the client and redirect URI are known to be genuine are shown, never
/// redirected (RFC 6749 section 4.1.2.1); none is a 500.
async fn untrusted_requests_get_an_error_page_and_no_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app
        .client(ClientSpec {
            redirect_uris: &[REDIRECT, "https://app.example.com/other"],
            ..ClientSpec::default()
        })
        .await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    let unknown = authorize_path("00000000-0000-0000-0000-000000000000", &challenge, &[]);
    let evil = authorize_path(&client.id, &challenge, &[]).replace(
        &url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
        "https%3A%2F%2Fevil.example%2Fcallback",
    );
    let prefix = authorize_path(&client.id, &challenge, &[]).replace(
        &url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>(),
        "https%3A%2F%2Fapp.example.com%2Fcallback%2Fmore",
    );
    let cases = [
        unknown,
        evil,
        prefix,
        "/authorize?response_type=code".to_owned(),
        format!("/authorize?client_id=not-a-uuid&code_challenge={challenge}"),
        // Two registered URIs and none named: no telling which.
        format!(
            "/authorize?response_type=code&client_id={}&code_challenge={challenge}&code_challenge_method=S256",
            client.id
        ),
        format!(
            "{}&client_id={}",
            authorize_path(&client.id, &challenge, &[]),
            client.id
        ),
    ];
    for case in cases {
        let response = browser.get(&case).await;
        assert_eq!(response.status(), 400, "{case}");
        assert!(response.headers().get("location").is_none(), "{case}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
}

/// Every other error goes back to the client with error, state and iss.
async fn bad_requests_redirect_with_an_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("erin").await;
    let client = app
        .client(ClientSpec {
            resources: &["https://api.example.com"],
            ..ClientSpec::default()
        })
        .await;
    let no_code_grant = app.client(ClientSpec::client_credentials()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    browser.log_in("erin").await;
    let base = authorize_path(&client.id, &challenge, &[]);
    let without = |name: &str| {
        let url = url::Url::parse(&format!("http://x{base}")).unwrap();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish();
        format!("/authorize?{query}")
    };
    let cases = [
        (without("code_challenge"), "invalid_request"),
        (without("code_challenge_method"), "invalid_request"),
        (
            base.replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            base.replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (without("response_type"), "invalid_request"),
        (
            authorize_path(&client.id, &challenge, &[("scope", "admin")]),
            "invalid_scope",
        ),
        (
            authorize_path(&client.id, &challenge, &[("scope", "bad\"scope")]),
            "invalid_scope",
        ),
        (
            authorize_path(
                &client.id,
                &challenge,
                &[("resource", "https://other.example.com")],
            ),
            "invalid_target",
        ),
        (format!("{base}&state=again"), "invalid_request"),
        (
            authorize_path(&client.id, "too-short", &[]),
            "invalid_request",
        ),
    ];
    for (case, expected) in cases {
        let response = browser.get(&case).await;
        assert_eq!(response.status(), 303, "{case}");
        let redirect = location(&response);
        assert!(redirect.starts_with(REDIRECT), "{case} → {redirect}");
        let params = query_of(&redirect);
        assert_eq!(params["error"], expected, "{case}");
        assert!(params.contains_key("error_description"));
        assert_eq!(params["iss"], app.address);
        assert!(!params.contains_key("code"));
    }

    // An allowed resource is accepted.
    let allowed = authorize_path(
        &client.id,
        &challenge,
        &[("resource", "https://api.example.com")],
    );
    assert_eq!(browser.get(&allowed).await.status(), 200);

    // A client without the code grant may not use /authorize (it has no redirect URI
    // either, so the error is a page).
    let response = browser
        .get(&format!(
            "/authorize?response_type=code&client_id={}&code_challenge={challenge}&code_challenge_method=S256",
            no_code_grant.id
        ))
        .await;
    assert_eq!(response.status(), 400);
}

/// The consent form is CSRF-protected and re-checked: a forged or tampered POST fails.
async fn consent_post_needs_the_session_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("frank").await;
    let client = app.client(ClientSpec::default()).await;
    let (_, challenge) = pkce();
    let browser = app.browser();
    browser.log_in("frank").await;
    let html = browser
        .get(&authorize_path(&client.id, &challenge, &[]))
        .await
        .text()
        .await
        .unwrap();
    let forged = html.replace(&hidden_field(&html, "csrf_token"), "forged-token");
    let response = browser.decide(&forged, "approve").await;
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("location").is_none());

    // A redirect URI swapped in the hidden fields is refused like any unregistered one.
    let tampered = html.replace(
        "https://app.example.com/callback",
        "https://evil.example/callback",
    );
    let response = browser.decide(&tampered, "approve").await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());

    // Another browser without a session cannot submit it at all.
    let response = app.browser().decide(&html, "approve").await;
    assert_eq!(response.status(), 403);
}

on_both_backends!(
    code_flow_through_login_and_consent,
    consent_is_remembered_per_scope_set,
    skip_consent_clients_get_a_code_right_after_login,
    denying_consent_redirects_with_access_denied,
    untrusted_requests_get_an_error_page_and_no_redirect,
    bad_requests_redirect_with_an_error,
    consent_post_needs_the_session_csrf_token,
);
