//! Malformed and hostile input to the OpenID Connect endpoints and parameters: a
//! standard refusal every time, never a 5xx, and never a redirect off to anywhere that
//! was not registered.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Response;

use crate::browser::{Browser, location};
use crate::fixtures::REDIRECT;
use crate::helpers::{Backend, TestApp};
use crate::oidc::{SIGNED_OUT, oidc_authorize, oidc_client};
use crate::on_both_backends;

/// Not a 5xx, and a redirect only to the client's registered URIs or within Latchkey.
#[track_caller]
fn assert_contained(what: &str, browser: &Browser, response: &Response) {
    let status = response.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    if status.is_redirection() {
        let to = location(response);
        assert!(
            browser.is_local(&to) || to.starts_with(REDIRECT) || to.starts_with(SIGNED_OUT),
            "{what}: redirected to {to}"
        );
    }
}

/// A JWT-shaped string with this header and these claims, and a junk signature.
fn unsigned(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode("signature")
    )
}

async fn oidc_endpoints_survive_hostile_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let issued = app.browser().oidc_tokens(&client, "alice", &[]).await;
    let kid = jsonwebtoken::decode_header(issued.body["id_token"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap();

    let long = "n".repeat(4000);
    let sql = "'; DROP TABLE users; --";
    let none_jwt = unsigned(r#"{"alg":"none","typ":"JWT"}"#, r#"{"sub":"x"}"#);
    let forged = unsigned(
        &format!(r#"{{"alg":"ES256","typ":"JWT","kid":"{kid}"}}"#),
        &format!(
            r#"{{"iss":"{}","sub":"x","aud":"{}"}}"#,
            app.address, client.id
        ),
    );
    let wrong_kid = unsigned(r#"{"alg":"RS256","kid":"../../etc/passwd"}"#, "{}");
    let not_json = unsigned("{{{{", "[[[[");
    let authorize_params: Vec<Vec<(&str, &str)>> = vec![
        vec![("prompt", "bogus")],
        vec![("prompt", "")],
        vec![("prompt", "none none")],
        vec![("max_age", "-1")],
        vec![("max_age", "soon")],
        vec![("max_age", "99999999999999999999999")],
        vec![("max_age", "0")],
        vec![("nonce", &long)],
        vec![("nonce", "\u{0}\u{202e}<nonce>")],
        vec![("nonce", "a"), ("nonce", "b")],
        vec![("prompt", "none"), ("prompt", "login")],
        vec![("login_hint", &long)],
        vec![("login_hint", sql)],
        vec![("id_token_hint", "a.b.c")],
        vec![("id_token_hint", &none_jwt)],
        vec![("claims", "{not json")],
        vec![("request", "eyJ.eyJ.")],
        vec![
            ("acr_values", sql),
            ("display", "popup"),
            ("ui_locales", "xx"),
        ],
        vec![("scope", "openid openid")],
        vec![("scope", "OPENID")],
        vec![("response_mode", "fragment")],
    ];
    let anonymous = app.browser();
    let signed_in = app.browser();
    signed_in.log_in("alice").await;
    for browser in [&anonymous, &signed_in] {
        for params in &authorize_params {
            let (path, _) = oidc_authorize(&client, params);
            let response = browser.get(&path).await;
            assert_contained(&format!("/authorize {params:?}"), browser, &response);
        }
    }

    let hints = [
        "", "x", "a.b.c", &none_jwt, &forged, &wrong_kid, &not_json, &long, sql,
    ];
    let uris = [
        SIGNED_OUT,
        "javascript:alert(1)",
        "//evil.example.com",
        &long,
    ];
    for browser in [&anonymous, &signed_in] {
        for hint in hints {
            for uri in uris {
                let params = [
                    ("id_token_hint", hint),
                    ("post_logout_redirect_uri", uri),
                    ("state", sql),
                    ("client_id", &client.id),
                ];
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&params)
                    .finish();
                let what = format!("/logout hint {:.20} uri {uri:.20}", hint);
                let response = browser.get(&format!("/logout?{query}")).await;
                assert_contained(&what, browser, &response);
                assert!(signed_in_still(browser, &signed_in).await, "{what}");
            }
        }
        for query in [
            "client_id=unknown",
            "client_id=a&client_id=b",
            "state=%FF%FE",
        ] {
            let response = browser.get(&format!("/logout?{query}")).await;
            assert_contained(&format!("/logout?{query}"), browser, &response);
        }
    }

    let bearer = format!("Bearer {}", issued.access);
    let authorizations = [
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer  two words".to_owned(),
        format!("{bearer}, {bearer}"),
        format!("Bearer {none_jwt}"),
        format!("Bearer {forged}"),
        format!("Bearer {}", "A".repeat(16 * 1024)),
        "DPoP abc".to_owned(),
        format!("Bearer {sql}"),
    ];
    for authorization in &authorizations {
        for method in ["GET", "POST"] {
            let response = app.userinfo(method, Some(authorization)).await;
            let status = response.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "/userinfo {method} {authorization:.40}: {status}"
            );
        }
    }
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", "access_token=%FF%00"),
        (
            "application/x-www-form-urlencoded",
            "access_token=a&access_token=b",
        ),
        ("application/json", "{\"access_token\": 1}"),
        ("text/plain", "\u{0}"),
    ] {
        let response = app
            .http
            .post(app.url("/userinfo"))
            .header("content-type", content_type)
            .header("authorization", &bearer)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            !response.status().is_server_error(),
            "/userinfo {content_type} {body}"
        );
    }
    for method in ["PUT", "DELETE"] {
        let response = app.userinfo(method, Some(&bearer)).await;
        assert!(!response.status().is_server_error(), "{method} /userinfo");
        assert!(response.status().is_client_error(), "{method} /userinfo");
    }
}

/// Whether the signed-in browser still is, after a request with no valid hint (only
/// asked for the browser that had a session).
async fn signed_in_still(browser: &Browser, signed_in: &Browser) -> bool {
    !std::ptr::eq(browser, signed_in) || browser.signed_in().await
}

on_both_backends!(oidc_endpoints_survive_hostile_input);
