//! A second, independent relying party: authlib (PyPI) signs a user in knowing only the
//! issuer URL, with RS256 ID tokens and `client_secret_post`, and validates the ID token
//! with its own OpenID Connect claims rules (at_hash included), before and after a
//! refresh.

use serde_json::Value;

use crate::browser::Shown;
use crate::fixtures::{ClientSpec, REDIRECT, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::libraries::library_json;
use crate::oauth::query_of;
use crate::oidc::oidc_client;
use crate::on_both_backends;

/// Names the Python with authlib installed (`.ci/run` makes a virtual environment in
/// tests/authlib-client from its requirements.txt).
const PYTHON: &str = "LATCHKEY_TEST_AUTHLIB_PYTHON";

/// One step of `rp.py`; its JSON answer. Fails with authlib's error.
async fn rp(python: &str, app: &TestApp, client: &TestClient, step: &str, extra: &[&str]) -> Value {
    let secret = client.secret.as_deref().unwrap();
    let mut args = vec![step, &app.address, &client.id, secret, REDIRECT];
    args.extend_from_slice(extra);
    library_json(python, "authlib-client", "rp.py", &args).await
}

async fn authlib_signs_a_user_in_and_refreshes(backend: Backend) {
    let Ok(python) = std::env::var(PYTHON) else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: {PYTHON} is not set: the OpenID Connect test with authlib DID NOT RUN"
        );
        return;
    };
    let app = TestApp::spawn(backend).await;
    app.alice_with_profile().await;
    let client = app
        .client(ClientSpec {
            id_token_alg: Some("RS256"),
            ..oidc_client()
        })
        .await;

    let started = rp(&python, &app, &client, "start", &[]).await;
    let url = started["url"].as_str().unwrap();
    let sent = query_of(url);
    assert_eq!(sent["code_challenge_method"], "S256");
    assert_eq!(sent["nonce"], started["nonce"]);
    let (callback, shown) = app.browser().authorize_showing(url, "alice").await;
    assert_eq!(shown, [Shown::Login], "a client that skips consent");

    let finished = rp(
        &python,
        &app,
        &client,
        "finish",
        &[&started.to_string(), &callback],
    )
    .await;
    let sub = app.db.user_id("alice");
    assert_eq!(finished["header"]["alg"], "RS256");
    let claims = &finished["claims"];
    assert_eq!(claims["sub"], sub);
    assert_eq!(claims["aud"], client.id);
    assert_eq!(claims["nonce"], started["nonce"]);
    assert_eq!(claims["preferred_username"], "alice");
    assert!(
        claims["at_hash"].is_string(),
        "checked by authlib: {claims}"
    );
    assert_eq!(finished["userinfo"]["sub"], sub);
    assert_eq!(finished["userinfo"]["email"], "alice@example.com");
    assert_eq!(finished["refreshed"]["sub"], sub);
}

on_both_backends!(authlib_signs_a_user_in_and_refreshes);
