//! A certified relying party (panva's openid-client, run by node from tests/oidc-client)
//! signs a user in and out knowing only the issuer URL and its own registration.

use serde_json::Value;

use crate::browser::{Shown, location};
use crate::fixtures::{ClientSpec, REDIRECT, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::libraries::{node_clients_installed, node_json};
use crate::oauth::query_of;
use crate::oidc::{SIGNED_OUT, oidc_client};
use crate::on_both_backends;

/// One step of `rp.mjs`; its JSON answer. Fails with the library's error.
async fn rp(app: &TestApp, client: &TestClient, step: &str, extra: &[&str]) -> Value {
    let secret = client.secret.as_deref().unwrap();
    let mut args = vec![step, &app.address, &client.id, secret, REDIRECT, "EdDSA"];
    args.extend_from_slice(extra);
    node_json("oidc-client", "rp.mjs", &args).await
}

/// Runs when `LATCHKEY_TEST_NODE_CLIENT` is set, which says the node clients' packages
/// are installed (`.ci/run` runs `npm ci` in tests/oidc-client too).
async fn a_certified_relying_party_signs_a_user_in_and_out(backend: Backend) {
    if !node_clients_installed("the OpenID Connect test with a certified relying party") {
        return;
    }
    let app = TestApp::spawn(backend).await;
    app.alice_with_profile().await;
    // Ed25519, whose at_hash takes SHA-512, and a real consent page.
    let client = app
        .client(ClientSpec {
            skip_consent: false,
            id_token_alg: Some("EdDSA"),
            ..oidc_client()
        })
        .await;

    let started = rp(&app, &client, "start", &[]).await;
    let url = started["url"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/authorize?")), "{url}");
    let sent = query_of(url);
    assert_eq!(sent["code_challenge_method"], "S256");
    assert_eq!(sent["nonce"], started["nonce"]);

    let browser = app.browser();
    let (callback, shown) = browser.authorize_showing(url, "alice").await;
    assert_eq!(shown, [Shown::Login, Shown::Consent]);

    let finished = rp(
        &app,
        &client,
        "finish",
        &[&started.to_string(), &callback, SIGNED_OUT],
    )
    .await;
    let sub = app.db.user_id("alice");
    let claims = &finished["claims"];
    assert_eq!(claims["iss"], app.address);
    assert_eq!(claims["sub"], sub);
    assert_eq!(claims["nonce"], started["nonce"]);
    assert_eq!(claims["email"], "alice@example.com");
    let userinfo = &finished["userinfo"];
    assert_eq!(userinfo["sub"], sub);
    assert_eq!(userinfo["name"], "Alice Liddell");
    assert_eq!(userinfo["email_verified"], true);
    assert_eq!(finished["refreshed_claims"]["sub"], sub);

    let end_session = finished["end_session_url"].as_str().unwrap();
    assert!(
        end_session.starts_with(&app.url("/logout?")),
        "{end_session}"
    );
    let response = browser.get(end_session).await;
    let to = location(&response);
    assert!(to.starts_with(SIGNED_OUT), "{to}");
    assert_eq!(query_of(&to)["state"], started["state"]);
    assert!(!browser.signed_in().await, "signed out at Latchkey");
}

on_both_backends!(a_certified_relying_party_signs_a_user_in_and_out);
