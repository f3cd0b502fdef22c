//! The admin console's users: accounts, admin flags, and the profile apps receive.

use crate::admin::{admin, shown};
use crate::browser::hidden_field;
use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;
use latchkey::domain::{User, Username};

async fn users_are_managed_from_the_console(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, csrf) = admin(&app).await;
    let response = admin
        .post(
            "/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "carol"),
                ("password", "carol's password"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let list = admin.get("/admin/users?q=car").await.text().await.unwrap();
    assert!(
        list.contains("<td>carol</td>") && !list.contains("<td>admin</td>"),
        "search filters: {list}"
    );

    // Carol signs in to an app, then is disabled: her refresh token dies.
    let client = app.client(ClientSpec::skip_consent()).await;
    let carol = app.browser();
    assert_eq!(
        carol
            .submit_login("/login", "carol", "carol's password")
            .await
            .status(),
        303
    );
    let (code, verifier) = carol.code(&client, "carol", &[]).await;
    let issued = tokens(client.exchange(&app, &code, &verifier).await).await;
    assert_eq!(
        admin
            .post("/admin/users/carol/disable", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    assert_eq!(
        oauth_error(
            client
                .refresh(&app, issued.refresh.as_deref().unwrap())
                .await
        )
        .await
        .1,
        "invalid_grant"
    );
    assert_eq!(
        admin
            .post("/admin/users/carol/enable", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );

    // A reset shows a one-time password; the old one stops working.
    let page = admin
        .post(
            "/admin/users/carol/reset-password",
            &[("csrf_token", &csrf)],
        )
        .await;
    let password = shown(&page.text().await.unwrap(), "password");
    assert_eq!(
        app.browser()
            .submit_login("/login", "carol", "carol's password")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.browser()
            .submit_login("/login", "carol", &password)
            .await
            .status(),
        303
    );

    // Admin flag: granted and removed; the last admin keeps theirs.
    assert_eq!(
        admin
            .post("/admin/users/carol/grant-admin", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .post("/admin/users/carol/remove-admin", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    let refused = admin
        .post("/admin/users/admin/remove-admin", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("the last admin"));
    let refused = admin
        .post("/admin/users/admin/disable", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        admin
            .post("/admin/users/nobody/disable", &[("csrf_token", &csrf)])
            .await
            .status(),
        404
    );
    assert_eq!(
        admin.post("/admin/users/carol/disable", &[]).await.status(),
        403,
        "CSRF"
    );
}

async fn find(app: &TestApp, name: &str) -> User {
    app.services
        .find_user(&Username::parse(name).unwrap())
        .await
        .unwrap()
}

/// Display name, email and whether it is verified, as stored.
fn profile(user: &User) -> (Option<&str>, Option<&str>, bool) {
    (
        user.display_name.as_ref().map(|n| n.as_str()),
        user.email.as_ref().map(|e| e.as_str()),
        user.email_verified,
    )
}

/// The create form takes the profile too; a bad one creates nobody and keeps what was
/// typed.
async fn a_user_is_created_with_a_profile_from_the_console(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, csrf) = admin(&app).await;
    let create = |email: &'static str| {
        let (admin, csrf) = (&admin, csrf.clone());
        async move {
            let form = [
                ("csrf_token", csrf.as_str()),
                ("username", "erin"),
                ("password", "erin's password"),
                ("display_name", "Erin Hale"),
                ("email", email),
                ("email_verified", "on"),
            ];
            admin.post("/admin/users", &form).await
        }
    };
    let refused = create("erin@").await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("is not a valid email address"), "{html}");
    assert!(
        html.contains("value=\"Erin Hale\""),
        "kept as typed: {html}"
    );
    assert_eq!(app.db.count("FROM users WHERE username = 'erin'"), 0);

    assert_eq!(create("erin@example.com").await.status(), 303);
    assert_eq!(
        profile(&find(&app, "erin").await),
        (Some("Erin Hale"), Some("erin@example.com"), true)
    );
}

async fn profiles_are_edited_from_the_console(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("dora").await;
    let (admin, csrf) = admin(&app).await;
    let form = admin.get("/admin/users/dora").await;
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert_eq!(hidden_field(&html, "csrf_token"), csrf);
    let save = |fields: &[(&'static str, &'static str)]| {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        let admin = &admin;
        async move { admin.post("/admin/users/dora", &form).await }
    };

    let saved = save(&[
        ("display_name", " Dora Márquez "),
        ("email", "Dora@Example.COM"),
        ("email_verified", "on"),
    ])
    .await;
    assert_eq!(saved.status(), 303);
    let stored = find(&app, "dora").await;
    assert_eq!(
        profile(&stored),
        (Some("Dora Márquez"), Some("Dora@example.com"), true)
    );
    let list = admin.get("/admin/users").await.text().await.unwrap();
    for shown in ["Dora Márquez", "Dora@example.com", ">verified<"] {
        assert!(list.contains(shown), "missing {shown:?} in\n{list}");
    }
    let html = admin.get("/admin/users/dora").await.text().await.unwrap();
    assert!(
        html.contains("value=\"Dora@example.com\"") && html.contains("value=\"on\" checked"),
        "the form shows what is stored: {html}"
    );

    // A bad address: the form again, as typed, with the reason; nothing changes.
    let refused = save(&[
        ("display_name", "Someone Else"),
        ("email", "dora at example.com"),
        ("email_verified", "on"),
    ])
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("is not a valid email address"), "{html}");
    assert!(
        html.contains("value=\"Someone Else\""),
        "kept as typed: {html}"
    );
    let refused = save(&[("display_name", "Dora"), ("email_verified", "on")]).await;
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("only an email address can be marked verified")
    );
    let forged = admin
        .post("/admin/users/dora", &[("display_name", "Mallory")])
        .await;
    assert_eq!(forged.status(), 403, "CSRF");
    assert_eq!(find(&app, "dora").await, stored, "nothing changed");

    // Empty fields clear; a change without the checkbox leaves the address unverified.
    assert_eq!(save(&[("email", "dora@example.org")]).await.status(), 303);
    assert_eq!(
        profile(&find(&app, "dora").await),
        (None, Some("dora@example.org"), false)
    );
    assert_eq!(save(&[]).await.status(), 303);
    assert_eq!(profile(&find(&app, "dora").await), (None, None, false));
    let events = admin
        .get("/admin/events?kind=profile_changed")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        events.contains("display name, email, email verified"),
        "{events}"
    );

    assert_eq!(admin.get("/admin/users/nobody").await.status(), 404);
    let missing = admin
        .post("/admin/users/nobody", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(missing.status(), 404);
}

on_both_backends!(
    users_are_managed_from_the_console,
    profiles_are_edited_from_the_console,
    a_user_is_created_with_a_profile_from_the_console,
);
