//! RFC 8414 metadata, /metrics and the request id.

use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp};
use crate::libraries::{node_clients_installed, node_json};
use crate::oauth::tokens;
use crate::on_both_backends;

async fn metadata_names_every_endpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client(ClientSpec {
        scope: "read write",
        ..ClientSpec::default()
    })
    .await;
    let response = app
        .http
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let metadata: serde_json::Value = response.json().await.unwrap();
    assert_eq!(metadata["issuer"], app.address);
    assert_eq!(
        metadata["authorization_response_iss_parameter_supported"],
        true
    );
    assert_eq!(
        metadata["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        metadata["response_types_supported"],
        serde_json::json!(["code"])
    );
    // What clients may ask for, and the OpenID scopes, which every server offers.
    assert_eq!(
        metadata["scopes_supported"],
        serde_json::json!(["read", "write", "openid", "profile", "email"])
    );
    assert_eq!(
        metadata["access_token_signing_alg_values_supported"],
        serde_json::json!(["ES256"])
    );
    // Each endpoint is where the document says, on this issuer.
    for (field, method, expected) in [
        ("authorization_endpoint", "GET", 400),
        ("token_endpoint", "GET", 405),
        ("revocation_endpoint", "GET", 405),
        ("introspection_endpoint", "GET", 405),
        ("jwks_uri", "GET", 200),
    ] {
        let url = metadata[field].as_str().unwrap();
        assert!(url.starts_with(&app.address), "{field}: {url}");
        let response = app
            .http
            .request(method.parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{field}");
    }
}

async fn metrics_count_requests_grants_and_reuse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let issued = app.browser().tokens(&client, "alice").await;
    let old = issued.refresh.unwrap();
    tokens(client.refresh(&app, &old).await).await;
    client.refresh(&app, &old).await;
    let response = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert!(response.headers()["x-request-id"].to_str().unwrap().len() >= 16);
    let text = response.text().await.unwrap();
    for line in [
        "latchkey_token_grants_total{grant_type=\"authorization_code\",outcome=\"success\"} 1",
        "latchkey_token_grants_total{grant_type=\"refresh_token\",outcome=\"success\"} 1",
        "latchkey_token_grants_total{grant_type=\"refresh_token\",outcome=\"invalid_grant\"} 1",
        "latchkey_refresh_token_reuse_detected_total 1",
        "latchkey_http_requests_total{route=\"/token\",method=\"POST\",status=\"200\"} 2",
        "latchkey_http_request_duration_seconds_count{route=\"/token\"} 3",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
}

on_both_backends!(
    metadata_names_every_endpoint,
    metrics_count_requests_grants_and_reuse
);

/// A standard client library (panva's oauth4webapi, run by node) given only the issuer:
/// it reads the metadata, checks it as RFC 8414 requires, and uses the endpoints it names.
/// Runs when the node clients are installed (see `libraries.rs`).
async fn a_standard_client_library_finds_every_endpoint_from_the_metadata(backend: Backend) {
    if !node_clients_installed("the metadata discovery test with a standard client library") {
        return;
    }
    let app = TestApp::spawn(backend).await;
    let machine = app.client(ClientSpec::client_credentials()).await;
    let secret = machine.secret.as_deref().unwrap();
    let found = node_json(
        "discovery-client",
        "client.mjs",
        &[&app.address, &machine.id, secret],
    )
    .await;
    assert_eq!(found["issuer"], app.address);
    assert_eq!(found["token_endpoint"], app.url("/token"));
    assert_eq!(found["introspection_endpoint"], app.url("/introspect"));
    assert_eq!(found["revocation_endpoint"], app.url("/revoke"));
    assert_eq!(found["jwks_uri"], app.url("/jwks.json"));
    assert_eq!(found["token_type"], "bearer");
    assert_eq!(found["active"], true);
    assert_eq!(found["sub"], machine.id);
}

on_both_backends!(a_standard_client_library_finds_every_endpoint_from_the_metadata);
