//! Hostile and malformed input against every endpoint: standard errors, never a 5xx, and
//! JSON (not HTML) from the protocol endpoints.

use reqwest::Method;

use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

const JSON_ENDPOINTS: [&str; 3] = ["/token", "/revoke", "/introspect"];

async fn hostile_requests_get_standard_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let secret = client.secret.clone().unwrap();
    let megabyte = "A".repeat(1 << 20);
    let sql = "'; DROP TABLE users; --";
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", b"".to_vec()),
        ("application/x-www-form-urlencoded", b"grant_type=refresh_token&grant_type=client_credentials".to_vec()),
        ("application/x-www-form-urlencoded", format!("grant_type=refresh_token&refresh_token={sql}").into_bytes()),
        ("application/x-www-form-urlencoded", b"grant_type=%FF%FE&token=%00%01".to_vec()),
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, b'=', 0xc3, 0x28]),
        ("application/x-www-form-urlencoded", format!("grant_type=client_credentials&scope={megabyte}").into_bytes()),
        ("application/json", br#"{"grant_type":"client_credentials","token":"x"}"#.to_vec()),
        ("text/plain", b"grant_type=client_credentials".to_vec()),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--".to_vec()),
    ];
    let headers: Vec<(&str, String)> = vec![
        (
            "authorization",
            format!("Basic {}", base64_of(&format!("{}:{secret}", client.id))),
        ),
        ("authorization", "Basic".into()),
        ("authorization", "Basic %%%%".into()),
        (
            "authorization",
            format!("Basic {}", base64_of(&format!("{sql}:{sql}"))),
        ),
        ("authorization", "Bearer eyJhbGciOiJub25lIn0.e30.".into()),
        ("x-forwarded-for", "1.2.3.4, <script>".into()),
    ];
    for path in JSON_ENDPOINTS {
        for (content_type, body) in &bodies {
            for (name, value) in &headers {
                let response = app
                    .http
                    .post(app.url(path))
                    .header("content-type", *content_type)
                    .header(*name, value)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                assert!(
                    !status.is_server_error(),
                    "{path} {content_type} {name}: {status}"
                );
                // Errors (413 for the oversized body included) are JSON; a revocation's
                // 200 has no body at all.
                if !status.is_success() {
                    let kind = response
                        .headers()
                        .get("content-type")
                        .map(|v| v.to_str().unwrap().to_owned());
                    assert_eq!(
                        kind.as_deref(),
                        Some("application/json"),
                        "{path}: {status}"
                    );
                }
            }
        }
        for method in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ] {
            let response = app
                .http
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405, "{method} {path}");
        }
    }

    // Pages and the authorization endpoint, with odd query strings and bodies.
    let queries = [
        "",
        "?client_id=%00",
        "?client_id=%FF%FE&redirect_uri=javascript:alert(1)",
        &format!(
            "?client_id={}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%0d%0aSet-Cookie:%20x%3Dy&response_type=code",
            client.id
        ),
        &format!("?client_id={}&state={}", client.id, "s".repeat(100_000)),
        "?return_to=%0d%0aLocation:%20https://evil.example",
        &format!("?{}", "a=b&".repeat(5000)),
    ];
    for path in [
        "/authorize",
        "/login",
        "/account",
        "/admin",
        "/",
        "/healthz",
        "/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/metrics",
    ] {
        for query in &queries {
            let response = app
                .http
                .get(app.url(&format!("{path}{query}")))
                .send()
                .await;
            let Ok(response) = response else {
                continue; // the server may refuse an oversized request line outright
            };
            assert!(
                !response.status().is_server_error(),
                "GET {path}{query}: {}",
                response.status()
            );
            for value in response.headers().get_all("location") {
                let location = value.to_str().unwrap();
                assert!(
                    !location.contains('\r') && !location.contains('\n'),
                    "header injection: {location:?}"
                );
                assert!(
                    !location.starts_with("https://evil"),
                    "open redirect: {location}"
                );
            }
            assert!(
                response
                    .headers()
                    .get("set-cookie")
                    .is_none_or(|c| !c.to_str().unwrap_or("").starts_with("x="))
            );
        }
        for (content_type, body) in &bodies {
            let response = app
                .http
                .post(app.url(path))
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                !response.status().is_server_error(),
                "POST {path}: {}",
                response.status()
            );
        }
    }
}

pub fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

on_both_backends!(hostile_requests_get_standard_errors);
