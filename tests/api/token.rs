//! The token endpoint: code exchange, client authentication, client_credentials, errors.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::Value;

use crate::fixtures::{ClientSpec, REDIRECT, TestClient};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;

/// Verifies an access token the way a resource server does: with the JWKS, offline.
async fn verify(app: &TestApp, token: &str, audience: &str) -> Value {
    let header = decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"), "RFC 9068 typ");
    let jwks: JwkSet = app
        .http
        .get(app.url("/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = header.kid.clone().expect("a kid");
    let jwk = jwks.find(&kid).expect("the kid is published");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&app.address]);
    validation.set_audience(&[audience]);
    validation.leeway = 0;
    decode::<Value>(token, &key, &validation).unwrap().claims
}

async fn code_exchange_returns_a_verifiable_jwt_and_a_refresh_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let browser = app.browser();
    let (code, verifier) = browser.code(&client, "alice", &[("scope", "read")]).await;
    let response = client.exchange(&app, &code, &verifier).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    let issued = tokens(response).await;
    assert_eq!(issued.body["token_type"], "Bearer");
    assert_eq!(issued.body["expires_in"], 900);
    assert_eq!(issued.body["scope"], "read");
    let refresh = issued.refresh.clone().expect("a refresh token");
    // A 256-bit family handle and a 256-bit secret, base64url.
    assert_eq!(refresh.len(), 86);
    assert!(
        refresh
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );

    let claims = verify(&app, &issued.access, &app.address).await;
    assert_eq!(claims["sub"], app.db.user_id("alice"));
    assert_eq!(claims["client_id"], client.id);
    assert_eq!(claims["scope"], "read");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    assert!(claims["jti"].is_string());
    assert!(claims["auth_time"].is_i64());
    let family = app
        .db
        .text("SELECT id AS value FROM refresh_token_families")
        .unwrap();
    assert_eq!(claims["sid"], family, "sid names the refresh-token family");

    // Only SHA-256 hashes of the refresh token and of the family handle it carries are
    // stored: neither is any part of the token.
    for column in ["current_hash", "handle_hash"] {
        let stored = app
            .db
            .text(&format!(
                "SELECT {column} AS value FROM refresh_token_families"
            ))
            .unwrap();
        assert!(!refresh.contains(&stored), "{column}");
        assert_eq!(stored.len(), 64, "{column}");
    }
}

async fn every_signing_algorithm_verifies_against_the_jwks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let TestApp { db, server, .. } = app;
    drop(server);
    let mut db: TestDatabase = db;
    for alg in ["EdDSA", "RS256", "ES256"] {
        let app = TestApp::spawn_on(db, &["--signing-alg", alg]).await;
        let client = app.client(ClientSpec::skip_consent()).await;
        let issued = app.browser().tokens(&client, "alice").await;
        assert_eq!(
            decode_header(&issued.access).unwrap().alg,
            alg.parse::<jsonwebtoken::Algorithm>().unwrap()
        );
        verify(&app, &issued.access, &app.address).await;
        let TestApp {
            db: back, server, ..
        } = app;
        drop(server);
        db = back;
    }
    // The retired keys are still published: tokens they signed may still be live.
    let app = TestApp::spawn_on(db, &[]).await;
    let jwks: JwkSet = app
        .http
        .get(app.url("/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        jwks.keys.len(),
        4,
        "the first ES256 key, EdDSA, RS256 and ES256 again"
    );
}

async fn a_code_is_single_use_and_a_replay_revokes_its_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let (code, verifier) = app.browser().code(&client, "alice", &[]).await;
    let first = tokens(client.exchange(&app, &code, &verifier).await).await;
    let replay = client.exchange(&app, &code, &verifier).await;
    assert_eq!(oauth_error(replay).await, (400, "invalid_grant".into()));
    let refresh = client
        .refresh(&app, first.refresh.as_deref().unwrap())
        .await;
    assert_eq!(
        oauth_error(refresh).await,
        (400, "invalid_grant".into()),
        "the family is revoked"
    );
    assert_eq!(
        app.db
            .text("SELECT revoked_reason AS value FROM refresh_token_families")
            .as_deref(),
        Some("authorization_code_replayed")
    );
}

async fn a_code_is_checked_against_its_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::default()).await;
    let other = app.client(ClientSpec::default()).await;
    let browser = app.browser();
    let (code, verifier) = browser.code(&client, "alice", &[]).await;
    let wrong_verifier = "x".repeat(43);
    type Case<'a> = (&'a TestClient, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            &client,
            vec![("code_verifier", &wrong_verifier)],
            "invalid_grant",
        ),
        (
            &client,
            vec![("redirect_uri", "https://app.example.com/other")],
            "invalid_grant",
        ),
        (&other, vec![], "invalid_grant"),
        (
            &client,
            vec![("code_verifier", "too-short")],
            "invalid_request",
        ),
    ];
    for (who, overrides, expected) in cases {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ];
        for (name, value) in overrides {
            form.retain(|(n, _)| *n != name);
            form.push((name, value));
        }
        let (status, error) = oauth_error(who.token(&app, &form).await).await;
        assert_eq!((status, error.as_str()), (400, expected), "{form:?}");
    }
    let missing = client
        .token(
            &app,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    assert_eq!(oauth_error(missing).await, (400, "invalid_request".into()));
    // None of those spent the code: the real client with the real verifier still can.
    tokens(client.exchange(&app, &code, &verifier).await).await;

    // A code expires after 60 s.
    let (code, verifier) = browser.code(&client, "alice", &[]).await;
    app.clock.advance(chrono::TimeDelta::seconds(61));
    let late = client.exchange(&app, &code, &verifier).await;
    assert_eq!(oauth_error(late).await, (400, "invalid_grant".into()));
}

async fn clients_authenticate_by_basic_post_or_none(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let confidential = app.client(ClientSpec::skip_consent()).await;
    let public = app.client(ClientSpec::skip_consent().public()).await;
    let browser = app.browser();
    let secret = confidential.secret.clone().unwrap();

    // client_secret_basic
    browser.tokens(&confidential, "alice").await;
    // none (public)
    browser.tokens(&public, "alice").await;
    // client_secret_post
    let (code, verifier) = browser.code(&confidential, "alice", &[]).await;
    let post = app
        .http
        .post(app.url("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", &confidential.id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    tokens(post).await;

    let form = [("grant_type", "client_credentials")];
    let post_form = |id: &str, secret: &str| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", id.to_owned()),
            ("client_secret", secret.to_owned()),
        ]
    };
    let send = |request: reqwest::RequestBuilder| async move {
        oauth_error(request.send().await.unwrap()).await
    };
    let token_url = app.url("/token");
    // Both methods at once.
    let both = app
        .http
        .post(&token_url)
        .basic_auth(&confidential.id, Some(&secret))
        .form(&post_form(&confidential.id, &secret));
    assert_eq!(send(both).await, (400, "invalid_request".into()));
    // Failures are 401 invalid_client with a challenge.
    let wrong = app
        .http
        .post(&token_url)
        .basic_auth(&confidential.id, Some("x".repeat(43)))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    for request in [
        app.http
            .post(&token_url)
            .basic_auth("00000000-0000-0000-0000-000000000000", Some(&secret))
            .form(&form),
        app.http
            .post(&token_url)
            .form(&post_form(&confidential.id, "wrong")),
        app.http.post(&token_url).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &confidential.id),
        ]),
        app.http
            .post(&token_url)
            .form(&post_form(&public.id, &secret)),
        app.http.post(&token_url).form(&form),
        app.http
            .post(&token_url)
            .header("Authorization", "Basic !!!")
            .form(&form),
        app.http
            .post(&token_url)
            .header("Authorization", "Bearer abc")
            .form(&form),
    ] {
        assert_eq!(send(request).await, (401, "invalid_client".into()));
    }
}

async fn client_credentials_issue_an_access_token_for_the_client(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let machine = app
        .client(ClientSpec {
            scope: "reports audit",
            resources: &["https://api.example.com"],
            ..ClientSpec::client_credentials()
        })
        .await;
    let issued = tokens(
        machine
            .token(&app, &[("grant_type", "client_credentials")])
            .await,
    )
    .await;
    assert!(
        issued.refresh.is_none(),
        "no refresh token for client_credentials"
    );
    assert_eq!(issued.body["scope"], "audit reports");
    let claims = verify(&app, &issued.access, &app.address).await;
    assert_eq!(claims["sub"], machine.id);
    assert!(claims.get("sid").is_none());

    let narrowed = tokens(
        machine
            .token(
                &app,
                &[
                    ("grant_type", "client_credentials"),
                    ("scope", "reports"),
                    ("resource", "https://api.example.com"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(narrowed.body["scope"], "reports");
    verify(&app, &narrowed.access, "https://api.example.com").await;

    let wide = machine
        .token(
            &app,
            &[("grant_type", "client_credentials"), ("scope", "admin")],
        )
        .await;
    assert_eq!(oauth_error(wide).await, (400, "invalid_scope".into()));
    let target = machine
        .token(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("resource", "https://other.example.com"),
            ],
        )
        .await;
    assert_eq!(oauth_error(target).await, (400, "invalid_target".into()));

    // A client registered for the code grant only may not use it.
    let web = app.client(ClientSpec::default()).await;
    let refused = web
        .token(&app, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(
        oauth_error(refused).await,
        (400, "unauthorized_client".into())
    );
    let refused = machine
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &"a".repeat(43)),
            ],
        )
        .await;
    assert_eq!(
        oauth_error(refused).await,
        (400, "unauthorized_client".into())
    );
}

async fn malformed_token_requests_get_standard_json_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.client(ClientSpec::default()).await;
    let secret = client.secret.clone().unwrap();
    let url = app.url("/token");
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let response = app.http.request(method.clone(), &url).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(oauth_error(response).await.1, "invalid_request");
    }
    let cases: Vec<(reqwest::RequestBuilder, &str)> = vec![
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .json(&serde_json::json!({"grant_type": "client_credentials"})),
            "invalid_request",
        ),
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .form(&[("scope", "read")]),
            "invalid_request",
        ),
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .form(&[("grant_type", "password")]),
            "unsupported_grant_type",
        ),
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .body("grant_type=refresh_token&grant_type=refresh_token")
                .header("content-type", "application/x-www-form-urlencoded"),
            "invalid_request",
        ),
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", "'; DROP TABLE refresh_tokens; --"),
                ]),
            "invalid_grant",
        ),
        (
            app.http
                .post(&url)
                .basic_auth(&client.id, Some(&secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", "x"),
                    ("code_verifier", &"v".repeat(43)),
                ]),
            "invalid_grant",
        ),
    ];
    for (request, expected) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(oauth_error(response).await, (400, expected.to_owned()));
    }
    // A body over the size limit is refused, not a 500.
    let huge = app
        .http
        .post(&url)
        .basic_auth(&client.id, Some(&secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", &"a".repeat(200_000)),
        ])
        .send()
        .await
        .unwrap();
    assert!(huge.status().is_client_error(), "{}", huge.status());
}

on_both_backends!(
    code_exchange_returns_a_verifiable_jwt_and_a_refresh_token,
    every_signing_algorithm_verifies_against_the_jwks,
    a_code_is_single_use_and_a_replay_revokes_its_family,
    a_code_is_checked_against_its_request,
    clients_authenticate_by_basic_post_or_none,
    client_credentials_issue_an_access_token_for_the_client,
    malformed_token_requests_get_standard_json_errors,
);
