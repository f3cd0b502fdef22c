//! The admin console, driven through its forms as an admin's browser would.

use crate::browser::{Browser, hidden_field, location};
use crate::fixtures::{ClientSpec, REDIRECT, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;

/// The value of the read-only field with this id (credentials pages).
pub fn shown(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" type=\"text\" readonly value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {id} in\n{html}"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The first admin's browser, signed in, and its CSRF token.
pub async fn admin(app: &TestApp) -> (Browser, String) {
    let browser = app.browser();
    let password = app.admin_password.clone().unwrap();
    let response = browser.submit_login("/login", "admin", &password).await;
    assert_eq!(response.status(), 303);
    let html = browser.get("/admin/clients").await.text().await.unwrap();
    let csrf = hidden_field(&html, "csrf_token");
    (browser, csrf)
}

async fn register(browser: &Browser, csrf: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("csrf_token", csrf)];
    form.extend_from_slice(fields);
    browser.post("/admin/clients", &form).await
}

async fn clients_registered_through_the_console_complete_a_code_flow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let (admin, csrf) = admin(&app).await;
    let redirect = REDIRECT;

    let page = register(
        &admin,
        &csrf,
        &[
            ("name", "Console Web App"),
            ("type", "confidential"),
            ("grant_authorization_code", "on"),
            ("grant_refresh_token", "on"),
            (
                "redirect_uris",
                &format!("{redirect}\r\nhttps://app.example.com/second"),
            ),
            ("scope", "read write"),
        ],
    )
    .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("shown only this once"), "{html}");
    let web = TestClient {
        id: shown(&html, "client_id"),
        secret: Some(shown(&html, "client_secret")),
    };
    let issued = app.browser().tokens(&web, "alice").await;

    let page = register(
        &admin,
        &csrf,
        &[
            ("name", "Console Mobile"),
            ("type", "public"),
            ("grant_authorization_code", "on"),
            ("grant_refresh_token", "on"),
            ("redirect_uris", redirect),
            ("skip_consent", "on"),
        ],
    )
    .await;
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("client_secret\" type"),
        "a public client has no secret"
    );
    let mobile = TestClient {
        id: shown(&html, "client_id"),
        secret: None,
    };
    app.browser().tokens(&mobile, "alice").await;

    // The list shows both, with their live sessions.
    let list = admin.get("/admin/clients").await.text().await.unwrap();
    assert!(
        list.contains("Console Web App") && list.contains("Console Mobile"),
        "{list}"
    );

    // Rotating the secret: the old one fails with 401 at once, the new one works.
    let page = admin
        .post(
            &format!("/admin/clients/{}/rotate-secret", web.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    let new_secret = shown(&page.text().await.unwrap(), "client_secret");
    let old = web
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", issued.refresh.as_deref().unwrap()),
            ],
        )
        .await;
    assert_eq!(oauth_error(old).await.0, 401);
    let rotated = TestClient {
        id: web.id.clone(),
        secret: Some(new_secret),
    };
    let refreshed = tokens(
        rotated
            .refresh(&app, issued.refresh.as_deref().unwrap())
            .await,
    )
    .await;

    // Disabling the client revokes its families: the refresh token fails.
    let response = admin
        .post(
            &format!("/admin/clients/{}/disable", web.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let refused = rotated
        .refresh(&app, refreshed.refresh.as_deref().unwrap())
        .await;
    assert_eq!(oauth_error(refused).await.1, "invalid_grant");
    let page = admin
        .get(&format!("/admin/clients/{}", web.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<strong>disabled</strong>"), "{page}");
    let response = admin
        .post(
            &format!("/admin/clients/{}/enable", web.id),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), 303);

    // Editing keeps the type and secret, and changes what it may do.
    let response = admin
        .post(
            &format!("/admin/clients/{}", web.id),
            &[
                ("csrf_token", &csrf),
                ("name", "Renamed App"),
                ("type", "confidential"),
                ("grant_authorization_code", "on"),
                ("redirect_uris", redirect),
                ("scope", "read"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let shown_client = app
        .services
        .find_client(latchkey::domain::ClientId::parse(&web.id).unwrap())
        .await
        .unwrap();
    assert_eq!(shown_client.name.as_str(), "Renamed App");
    assert_eq!(shown_client.scopes.to_string(), "read");
    assert_eq!(shown_client.redirect_uris.len(), 1);
}

async fn the_register_form_explains_each_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, csrf) = admin(&app).await;
    let page = register(
        &admin,
        &csrf,
        &[
            ("name", ""),
            (
                "redirect_uris",
                "http://evil.example/cb\njavascript:alert(1)",
            ),
            ("scope", "bad\"scope"),
            ("grant_authorization_code", "on"),
        ],
    )
    .await;
    assert_eq!(page.status(), 400);
    let html = page.text().await.unwrap();
    for expected in [
        "client name must not be empty",
        "plain http is allowed only for loopback",
        "this scheme cannot be",
        "invalid scope token",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    let page = register(
        &admin,
        &csrf,
        &[
            ("name", "Machine"),
            ("type", "public"),
            ("grant_client_credentials", "on"),
        ],
    )
    .await;
    assert_eq!(page.status(), 400);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("public client cannot use client_credentials"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Machine\""),
        "the form keeps what was typed"
    );
    assert_eq!(app.services.list_clients().await.unwrap().len(), 0);
}

/// The OpenID Connect fields: the ID-token algorithm and where logout may return to,
/// registered, shown again on the edit form, refilled after a refusal, and changed.
async fn the_client_form_carries_the_openid_connect_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, csrf) = admin(&app).await;
    let blank = admin.get("/admin/clients/new").await.text().await.unwrap();
    assert!(blank.contains("<option value=\"\" selected>"), "{blank}");
    let bye = "https://app.example.com/bye";
    let fields = |name: &'static str, alg: &'static str| {
        vec![
            ("name", name),
            ("type", "confidential"),
            ("grant_authorization_code", "on"),
            ("redirect_uris", REDIRECT),
            ("scope", "openid profile email"),
            ("id_token_alg", alg),
            ("post_logout_redirect_uris", bye),
        ]
    };

    let refused = register(&admin, &csrf, &fields("", "RS256")).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("<option value=\"RS256\" selected>") && html.contains(bye),
        "refilled as typed: {html}"
    );

    let page = register(&admin, &csrf, &fields("OIDC App", "EdDSA")).await;
    assert_eq!(page.status(), 200);
    let id = shown(&page.text().await.unwrap(), "client_id");
    let client_id = latchkey::domain::ClientId::parse(&id).unwrap();
    let stored = app.services.find_client(client_id).await.unwrap();
    assert_eq!(stored.id_token_alg.map(|a| a.as_str()), Some("EdDSA"));
    assert_eq!(stored.post_logout_redirect_uris[0].to_string(), bye);
    let edit = admin
        .get(&format!("/admin/clients/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        edit.contains("<option value=\"EdDSA\" selected>")
            && edit.contains(&format!(">{bye}</textarea>")),
        "pre-filled: {edit}"
    );

    let path = format!("/admin/clients/{id}");
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend(fields("OIDC App", "HS256"));
    let refused = admin.post(&path, &form).await;
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("unknown signing algorithm")
    );
    let mut form = vec![("csrf_token", csrf.as_str())];
    form.extend(fields("OIDC App", ""));
    form.retain(|(name, _)| *name != "post_logout_redirect_uris");
    assert_eq!(admin.post(&path, &form).await.status(), 303);
    let stored = app.services.find_client(client_id).await.unwrap();
    assert_eq!(stored.id_token_alg, None, "back to the server's algorithm");
    assert!(stored.post_logout_redirect_uris.is_empty());
}

async fn security_events_are_listed_and_filtered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let old = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    tokens(client.refresh(&app, &old).await).await;
    client.refresh(&app, &old).await;
    app.browser()
        .submit_login("/login", "alice", "wrong password")
        .await;
    let (admin, _) = admin(&app).await;
    let all = admin.get("/admin/events").await.text().await.unwrap();
    for kind in [
        "refresh_token_reuse_detected",
        "login_failed",
        "client_created",
        "user_created",
    ] {
        assert!(all.contains(kind), "missing {kind} in\n{all}");
    }
    let reuse = admin
        .get("/admin/events?kind=refresh_token_reuse_detected")
        .await
        .text()
        .await
        .unwrap();
    assert!(reuse.contains("alice"), "{reuse}");
    assert!(
        reuse.contains("mono\">refresh_token_reuse_detected"),
        "{reuse}"
    );
    assert!(!reuse.contains("mono\">login_failed"), "filtered: {reuse}");
    assert_eq!(
        admin
            .get("/admin/events?kind=nonsense&page=-3")
            .await
            .status(),
        200
    );
}

/// Only admins: others get 403 on every admin route, and a stranger is sent to sign in.
async fn only_admins_reach_the_console(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("mallory").await;
    let client = app.client(ClientSpec::default()).await;
    let user = app.browser();
    user.log_in("mallory").await;
    let csrf = hidden_field(&user.get("/").await.text().await.unwrap(), "csrf_token");
    let id = client.id.as_str();
    let gets = [
        "/admin",
        "/admin/clients",
        "/admin/clients/new",
        &format!("/admin/clients/{id}"),
        "/admin/users",
        "/admin/users/admin",
        "/admin/events",
    ];
    let posts = [
        "/admin/clients".to_owned(),
        format!("/admin/clients/{id}"),
        format!("/admin/clients/{id}/rotate-secret"),
        format!("/admin/clients/{id}/disable"),
        format!("/admin/clients/{id}/enable"),
        "/admin/users".to_owned(),
        "/admin/users/admin/remove-admin".to_owned(),
        "/admin/users/mallory/grant-admin".to_owned(),
        "/admin/users/admin/reset-password".to_owned(),
        "/admin/users/mallory".to_owned(),
    ];
    for path in gets {
        assert_eq!(user.get(path).await.status(), 403, "GET {path}");
        let stranger = app.browser().get(path).await;
        assert_eq!(stranger.status(), 303, "GET {path}");
        assert!(location(&stranger).starts_with("/login?return_to="));
    }
    for path in &posts {
        assert_eq!(
            user.post(path, &[("csrf_token", &csrf)]).await.status(),
            403,
            "POST {path}"
        );
    }
    assert!(
        !app.services
            .find_user(&latchkey::domain::Username::parse("mallory").unwrap())
            .await
            .unwrap()
            .is_admin
    );
}

on_both_backends!(
    clients_registered_through_the_console_complete_a_code_flow,
    the_register_form_explains_each_error,
    the_client_form_carries_the_openid_connect_fields,
    security_events_are_listed_and_filtered,
    only_admins_reach_the_console,
);
