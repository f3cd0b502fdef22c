//! The UserInfo endpoint (OIDC Core §5.3) as a protected resource (RFC 6750).

use chrono::TimeDelta;
use serde_json::Value;

use crate::fixtures::{ClientSpec, PASSWORD};
use crate::helpers::{Backend, TestApp};
use crate::hostile::base64_of;
use crate::oidc::{challenge, oidc_client};
use crate::on_both_backends;

async fn userinfo_answers_the_granted_claims_by_get_and_post(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.alice_with_profile().await;
    let client = app.client(oidc_client()).await;
    let issued = app.browser().oidc_tokens(&client, "alice", &[]).await;
    let bearer = format!("Bearer {}", issued.access);
    let expected = serde_json::json!({
        "sub": app.db.user_id("alice"),
        "preferred_username": "alice",
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "email_verified": true,
    });
    for method in ["GET", "POST"] {
        let response = app.userinfo(method, Some(&bearer)).await;
        assert_eq!(response.status(), 200, "{method}");
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let body: Value = response.json().await.unwrap();
        for (claim, value) in expected.as_object().unwrap() {
            assert_eq!(&body[claim], value, "{method} {claim}: {body}");
        }
    }

    // RFC 6750 §2.2 lets a client send the token in a form body instead; Latchkey may
    // support it or refuse it, but never by failing itself.
    let response = app
        .http
        .post(app.url("/userinfo"))
        .form(&[("access_token", issued.access.as_str())])
        .send()
        .await
        .unwrap();
    match response.status().as_u16() {
        200 => {
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["sub"], expected["sub"]);
        }
        400 | 401 => {}
        other => panic!("form-body token: {other}"),
    }

    // `openid` alone: the subject and nothing about them.
    let bare = app
        .browser()
        .oidc_tokens(&client, "alice", &[("scope", "openid")])
        .await;
    let response = app
        .userinfo("GET", Some(&format!("Bearer {}", bare.access)))
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["sub"], expected["sub"]);
    for absent in ["preferred_username", "name", "email", "email_verified"] {
        assert!(body.get(absent).is_none(), "{absent} in {body}");
    }
}

/// RFC 6750 §3 and §3.1: who gets which refusal.
async fn userinfo_refuses_what_is_not_a_live_openid_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let machine = app.client(ClientSpec::client_credentials()).await;

    // No credentials at all: a bare challenge, with no error code (RFC 6750 §3.1).
    let response = app.userinfo("GET", None).await;
    assert_eq!(response.status(), 401);
    let bare = challenge(&response);
    assert!(bare.starts_with("Bearer"), "{bare}");
    assert!(!bare.contains("error="), "{bare}");

    // Another scheme: not a Bearer token, refused without a 5xx.
    let basic = format!("Basic {}", base64_of(&format!("alice:{PASSWORD}")));
    let status = app.userinfo("GET", Some(&basic)).await.status().as_u16();
    assert!(status == 401 || status == 400, "Basic: {status}");

    let garbage = "Bearer not-a-token".to_owned();
    let forged = {
        let issued = app.browser().oidc_tokens(&client, "alice", &[]).await;
        let mut parts: Vec<String> = issued.access.split('.').map(str::to_owned).collect();
        parts[2] = parts[2].chars().rev().collect();
        format!("Bearer {}", parts.join("."))
    };
    for (what, authorization) in [("garbage", garbage), ("a bad signature", forged)] {
        assert_invalid_token(&app, what, &authorization).await;
    }

    // Revoking the refresh token kills its family's access tokens too.
    let issued = app.browser().oidc_tokens(&client, "alice", &[]).await;
    let live = format!("Bearer {}", issued.access);
    assert_eq!(app.userinfo("GET", Some(&live)).await.status(), 200);
    let revoked = app
        .http
        .post(app.url("/revoke"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("token", issued.refresh.as_deref().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_invalid_token(&app, "a revoked family's", &live).await;

    // Expired: 15 minutes and not a second of leeway.
    let issued = app.browser().oidc_tokens(&client, "alice", &[]).await;
    let live = format!("Bearer {}", issued.access);
    app.clock
        .advance(TimeDelta::minutes(15) + TimeDelta::seconds(1));
    assert_invalid_token(&app, "an expired", &live).await;

    // Live tokens that were not issued for `openid`: 403 insufficient_scope.
    let plain = app
        .browser()
        .oidc_tokens(&client, "alice", &[("scope", "read")])
        .await;
    let service = app
        .http
        .post(app.url("/token"))
        .basic_auth(&machine.id, machine.secret.as_deref())
        .form(&[("grant_type", "client_credentials"), ("scope", "read")])
        .send()
        .await
        .unwrap();
    let service: Value = service.json().await.unwrap();
    for (what, token) in [
        ("a user's", plain.access.as_str()),
        ("a machine's", service["access_token"].as_str().unwrap()),
    ] {
        for method in ["GET", "POST"] {
            let response = app.userinfo(method, Some(&format!("Bearer {token}"))).await;
            assert_eq!(response.status(), 403, "{what} {method}");
            let refusal = challenge(&response);
            assert!(
                refusal.starts_with("Bearer") && refusal.contains("error=\"insufficient_scope\""),
                "{what} {method}: {refusal}"
            );
        }
    }
}

async fn assert_invalid_token(app: &TestApp, what: &str, authorization: &str) {
    for method in ["GET", "POST"] {
        let response = app.userinfo(method, Some(authorization)).await;
        assert_eq!(response.status(), 401, "{what} token, {method}");
        let refusal = challenge(&response);
        assert!(
            refusal.starts_with("Bearer") && refusal.contains("error=\"invalid_token\""),
            "{what} token, {method}: {refusal}"
        );
    }
}

on_both_backends!(
    userinfo_answers_the_granted_claims_by_get_and_post,
    userinfo_refuses_what_is_not_a_live_openid_token,
);
