//! OpenID Provider metadata (OIDC Discovery 1.0 §3, §4), beside the RFC 8414 document.

use serde_json::Value;

use crate::helpers::{Backend, TestApp};
use crate::oidc::oidc_client;
use crate::on_both_backends;

async fn document(app: &TestApp, path: &str) -> Value {
    let response = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{path}: {content_type}"
    );
    response.json().await.unwrap()
}

fn strings(document: &Value, field: &str) -> Vec<String> {
    document[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array: {document}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn assert_holds(document: &Value, field: &str, wanted: &[&str]) {
    let listed = strings(document, field);
    for value in wanted {
        assert!(
            listed.iter().any(|v| v == value),
            "{field} lacks {value}: {listed:?}"
        );
    }
}

async fn openid_configuration_describes_the_provider_it_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.client(oidc_client()).await;
    let oidc = document(&app, "/.well-known/openid-configuration").await;
    let oauth = document(&app, "/.well-known/oauth-authorization-server").await;

    // Discovery §4.3: the issuer is exactly the URL the document was found under.
    assert_eq!(oidc["issuer"], app.address);
    // One provider, two documents: every location they both give is the same.
    for (field, value) in oauth.as_object().unwrap() {
        let location = field == "issuer" || field.ends_with("_endpoint") || field.ends_with("_uri");
        if location && let Some(other) = oidc.get(field) {
            assert_eq!(other, value, "{field} differs between the two documents");
        }
    }
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "end_session_endpoint",
    ] {
        assert!(oidc[field].is_string(), "{field} missing: {oidc}");
    }
    assert_eq!(oidc["userinfo_endpoint"], app.url("/userinfo"));
    assert_eq!(oidc["end_session_endpoint"], app.url("/logout"));
    assert_holds(&oidc, "response_types_supported", &["code"]);
    assert_eq!(
        oidc["subject_types_supported"],
        serde_json::json!(["public"])
    );
    assert_holds(
        &oidc,
        "id_token_signing_alg_values_supported",
        &["ES256", "EdDSA", "RS256"],
    );
    assert_holds(&oidc, "scopes_supported", &["openid", "profile", "email"]);
    assert_holds(
        &oidc,
        "claims_supported",
        &[
            "sub",
            "preferred_username",
            "name",
            "email",
            "email_verified",
        ],
    );
    assert_holds(
        &oidc,
        "prompt_values_supported",
        &["none", "login", "consent"],
    );
    assert_holds(&oidc, "code_challenge_methods_supported", &["S256"]);

    // Every endpoint either document names is there and answers a plain GET as it
    // should (RFC 6749 and OIDC errors, never a 404 or a 5xx).
    let mut checked = 0;
    for document in [&oidc, &oauth] {
        for (field, url) in document.as_object().unwrap() {
            let Some(url) = url.as_str() else { continue };
            if !(field.ends_with("_endpoint") || field == "jwks_uri") {
                continue;
            }
            assert!(url.starts_with(&app.address), "{field}: {url}");
            let status = app.http.get(url).send().await.unwrap().status().as_u16();
            let expected: &[u16] = match field.as_str() {
                "authorization_endpoint" => &[400],
                "token_endpoint" | "revocation_endpoint" | "introspection_endpoint" => &[405],
                "jwks_uri" => &[200],
                "userinfo_endpoint" => &[401],
                // No id_token_hint and no session: a page saying so or asking.
                "end_session_endpoint" => &[200, 303, 400],
                _ => &[200, 303, 400, 401, 405],
            };
            assert!(expected.contains(&status), "GET {field} {url}: {status}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} endpoints named");
}

on_both_backends!(openid_configuration_describes_the_provider_it_is);
