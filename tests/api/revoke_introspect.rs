//! RFC 7009 revocation and RFC 7662 introspection.

use serde_json::Value;

use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;

async fn post(
    app: &TestApp,
    client: &TestClient,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = form.to_vec();
    let mut request = app.http.post(app.url(path));
    match &client.secret {
        Some(secret) => request = request.basic_auth(&client.id, Some(secret)),
        None => form.push(("client_id", &client.id)),
    }
    request.form(&form).send().await.unwrap()
}

async fn introspect(app: &TestApp, caller: &TestClient, token: &str) -> Value {
    let response = post(app, caller, "/introspect", &[("token", token)]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

async fn revoke(app: &TestApp, caller: &TestClient, token: &str, hint: Option<&str>) {
    let mut form = vec![("token", token)];
    if let Some(hint) = hint {
        form.push(("token_type_hint", hint));
    }
    let response = post(app, caller, "/revoke", &form).await;
    assert_eq!(response.status(), 200, "RFC 7009 answers 200");
}

async fn setup(backend: Backend) -> (TestApp, TestClient, TestClient) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let api = app.client(ClientSpec::client_credentials()).await;
    (app, client, api)
}

async fn introspection_answers_for_access_and_refresh_tokens(backend: Backend) {
    let (app, client, api) = setup(backend).await;
    let issued = app.browser().tokens(&client, "alice").await;
    let refresh = issued.refresh.clone().unwrap();

    let active = introspect(&app, &api, &issued.access).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["token_type"], "Bearer");
    assert_eq!(active["client_id"], client.id);
    assert_eq!(active["scope"], "read write");
    assert_eq!(active["iss"], app.address);
    assert_eq!(active["aud"], app.address);
    for claim in ["sub", "exp", "iat", "jti"] {
        assert!(!active[claim].is_null(), "{claim}");
    }

    // A refresh token is visible to its own client only, and reading it is not a use.
    let mine = introspect(&app, &client, &refresh).await;
    assert_eq!(mine["active"], true);
    assert_eq!(mine["token_type"], "refresh_token");
    assert_eq!(
        introspect(&app, &api, &refresh).await,
        serde_json::json!({"active": false})
    );
    let rotated = tokens(client.refresh(&app, &refresh).await).await;
    assert_eq!(
        introspect(&app, &client, &refresh).await["active"],
        false,
        "rotated"
    );
    assert_eq!(
        introspect(&app, &client, rotated.refresh.as_deref().unwrap()).await["active"],
        true
    );

    // Garbage, a tampered signature, and an expired token are all simply inactive.
    let mut tampered = issued.access.clone();
    tampered.pop();
    tampered.push(if issued.access.ends_with('A') {
        'B'
    } else {
        'A'
    });
    for token in ["garbage", "a.b.c", &"x".repeat(5000), tampered.as_str()] {
        assert_eq!(
            introspect(&app, &api, token).await,
            serde_json::json!({"active": false})
        );
    }
    app.clock.advance(chrono::TimeDelta::minutes(15));
    assert_eq!(
        introspect(&app, &api, &issued.access).await["active"],
        false,
        "exp has passed, no leeway"
    );

    // client_credentials tokens have no family and are active until they expire.
    let machine = tokens(
        api.token(&app, &[("grant_type", "client_credentials")])
            .await,
    )
    .await;
    assert_eq!(introspect(&app, &api, &machine.access).await["sub"], api.id);
}

async fn introspection_needs_an_authenticated_confidential_client(backend: Backend) {
    let (app, client, _) = setup(backend).await;
    let public = app.client(ClientSpec::default().public()).await;
    let issued = app.browser().tokens(&client, "alice").await;
    let response = post(&app, &public, "/introspect", &[("token", &issued.access)]).await;
    assert_eq!(oauth_error(response).await, (401, "invalid_client".into()));
    let anonymous = app
        .http
        .post(app.url("/introspect"))
        .form(&[("token", &issued.access)])
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(anonymous).await, (401, "invalid_client".into()));
    let missing = post(&app, &client, "/introspect", &[]).await;
    assert_eq!(oauth_error(missing).await, (400, "invalid_request".into()));
    let get = app.http.get(app.url("/introspect")).send().await.unwrap();
    assert_eq!(oauth_error(get).await, (405, "invalid_request".into()));
}

/// Revoking a refresh token revokes its family: the refresh fails, and the family's
/// access tokens introspect as inactive while an unrelated family stays active.
async fn revoking_a_refresh_token_ends_its_family_only(backend: Backend) {
    let (app, client, api) = setup(backend).await;
    let browser = app.browser();
    let doomed = browser.tokens(&client, "alice").await;
    let unrelated = browser.tokens(&client, "alice").await;

    // A wrong hint does not matter: the token's own form decides.
    revoke(
        &app,
        &client,
        doomed.refresh.as_deref().unwrap(),
        Some("access_token"),
    )
    .await;
    let refresh = client
        .refresh(&app, doomed.refresh.as_deref().unwrap())
        .await;
    assert_eq!(oauth_error(refresh).await.1, "invalid_grant");
    assert_eq!(
        introspect(&app, &api, &doomed.access).await["active"],
        false
    );
    assert_eq!(
        introspect(&app, &api, &unrelated.access).await["active"],
        true
    );
    tokens(
        client
            .refresh(&app, unrelated.refresh.as_deref().unwrap())
            .await,
    )
    .await;

    // Unknown tokens, and tokens of another client, answer 200 and change nothing.
    revoke(&app, &client, "not-a-token", None).await;
    revoke(&app, &client, &"a".repeat(43), Some("refresh_token")).await;
    let theirs = browser.tokens(&client, "alice").await;
    let other = app.client(ClientSpec::default()).await;
    revoke(&app, &other, theirs.refresh.as_deref().unwrap(), None).await;
    revoke(&app, &other, &theirs.access, None).await;
    assert_eq!(introspect(&app, &api, &theirs.access).await["active"], true);

    // Public clients revoke their own tokens with just their client_id.
    let public = app.client(ClientSpec::skip_consent().public()).await;
    let mobile = browser.tokens(&public, "alice").await;
    revoke(&app, &public, mobile.refresh.as_deref().unwrap(), None).await;
    assert_eq!(
        oauth_error(
            public
                .refresh(&app, mobile.refresh.as_deref().unwrap())
                .await
        )
        .await
        .1,
        "invalid_grant"
    );

    // Errors are standard: no token, wrong secret, wrong method.
    assert_eq!(
        oauth_error(post(&app, &client, "/revoke", &[]).await).await,
        (400, "invalid_request".into())
    );
    let wrong = TestClient {
        id: client.id.clone(),
        secret: Some("x".repeat(43)),
    };
    assert_eq!(
        oauth_error(post(&app, &wrong, "/revoke", &[("token", "x")]).await)
            .await
            .0,
        401
    );
    let get = app.http.get(app.url("/revoke")).send().await.unwrap();
    assert_eq!(oauth_error(get).await.0, 405);
}

async fn revoking_an_access_token_ends_its_family(backend: Backend) {
    let (app, client, api) = setup(backend).await;
    let issued = app.browser().tokens(&client, "alice").await;
    revoke(&app, &client, &issued.access, Some("access_token")).await;
    assert_eq!(
        introspect(&app, &api, &issued.access).await["active"],
        false
    );
    let refresh = client
        .refresh(&app, issued.refresh.as_deref().unwrap())
        .await;
    assert_eq!(oauth_error(refresh).await.1, "invalid_grant");
    let reason = app
        .db
        .text("SELECT revoked_reason AS value FROM refresh_token_families")
        .unwrap();
    assert_eq!(reason, "revoked_by_client");
}

on_both_backends!(
    introspection_answers_for_access_and_refresh_tokens,
    introspection_needs_an_authenticated_confidential_client,
    revoking_a_refresh_token_ends_its_family_only,
    revoking_an_access_token_ends_its_family,
);
