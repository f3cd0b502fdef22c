//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): `GET /logout` with an
//! `id_token_hint` ends the session at once; anything less asks first; only registered
//! URIs are ever redirected to.

use crate::browser::{Form, location};
use crate::fixtures::REDIRECT;
use crate::helpers::{Backend, TestApp};
use crate::oauth::{query_of, tokens};
use crate::oidc::{SIGNED_OUT, logout_path, oidc_client, signed_in};
use crate::on_both_backends;

async fn a_valid_hint_signs_out_at_once_and_returns_to_the_app(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let alice = signed_in(&app, &client, "alice").await;
    let cookies = alice.cookies();
    let browser = &alice.browser;

    let request = logout_path(&[
        ("id_token_hint", &alice.id_token),
        ("post_logout_redirect_uri", SIGNED_OUT),
        ("state", "bye-state"),
        ("client_id", &client.id),
    ]);
    // Once to sign out, and again (a second click, a second app) with no session left:
    // both times back to the app with its state.
    for attempt in ["signing out", "signed out already"] {
        let response = browser.get(&request).await;
        assert!(
            matches!(response.status().as_u16(), 302 | 303),
            "{attempt}: {}",
            response.status()
        );
        let to = location(&response);
        assert!(to.starts_with(SIGNED_OUT), "{attempt}: {to}");
        assert_eq!(query_of(&to)["state"], "bye-state", "{attempt}");
        assert!(!browser.signed_in().await, "{attempt}: the session ended");
    }
    // The session cookie, replayed from elsewhere, is dead too: it ended at Latchkey,
    // not only in this browser.
    let replayed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/account"))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status(),
        303,
        "the old session cookie no longer works"
    );
    assert!(location(&replayed).starts_with("/login"));

    // Apps keep their refresh-token families: signing out of Latchkey is not revoking.
    tokens(client.refresh(&app, &alice.refresh).await).await;

    // `client_id` is optional when the hint names the client.
    let again = signed_in(&app, &client, "alice").await;
    let browser = &again.browser;
    let response = browser
        .get(&logout_path(&[
            ("id_token_hint", &again.id_token),
            ("post_logout_redirect_uri", SIGNED_OUT),
        ]))
        .await;
    assert!(location(&response).starts_with(SIGNED_OUT));
    assert!(!browser.signed_in().await);
}

/// OIDC RP-Initiated Logout §3: a URI that is not exactly a registered post-logout URI
/// is never redirected to, not even the client's own redirect URI.
async fn only_registered_post_logout_uris_are_redirected_to(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    for uri in [
        "https://evil.example.com/",
        REDIRECT,
        "https://app.example.com/signed-out/extra",
        "https://app.example.com/signed-out?next=https://evil.example.com",
        "https://APP.example.com/signed-out",
    ] {
        let alice = signed_in(&app, &client, "alice").await;
        let browser = &alice.browser;
        let response = browser
            .get(&logout_path(&[
                ("id_token_hint", &alice.id_token),
                ("post_logout_redirect_uri", uri),
                ("state", "bye-state"),
                ("client_id", &client.id),
            ]))
            .await;
        let last = browser.follow(response).await;
        assert_eq!(last.status(), 200, "{uri}: Latchkey's own page");
        assert_unframeable(&last);
        assert!(
            !browser.signed_in().await,
            "{uri}: the hint was valid, so the session ended"
        );
    }
}

/// Without a hint that proves the request comes from an app of this user, Latchkey asks
/// on a CSRF-protected page before it signs anyone out.
async fn without_a_valid_hint_a_confirmation_page_asks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    app.user("bob").await;
    let client = app.client(oidc_client()).await;
    let other = app.client(oidc_client()).await;
    let bobs = signed_in(&app, &client, "bob").await.id_token;
    let for_other = signed_in(&app, &other, "alice").await.id_token;

    let malformed = ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."];
    let mut cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("no hint", vec![("client_id", &client.id)]),
        ("no parameters", vec![]),
        ("another user's hint", vec![("id_token_hint", &bobs)]),
    ];
    for hint in malformed {
        cases.push(("a malformed hint", vec![("id_token_hint", hint)]));
    }
    // §2: "When both client_id and id_token_hint are present, the OP MUST verify that
    // the Client Identifier matches the one used when issuing the ID Token."
    cases.push((
        "a hint for another client",
        vec![("id_token_hint", &for_other), ("client_id", &client.id)],
    ));
    for (what, mut params) in cases {
        params.push(("post_logout_redirect_uri", SIGNED_OUT));
        params.push(("state", "bye-state"));
        let alice = signed_in(&app, &client, "alice").await;
        let browser = &alice.browser;
        let response = browser.get(&logout_path(&params)).await;
        let status = response.status().as_u16();
        assert_unframeable(&response);
        let html = response.text().await.unwrap();
        if what == "a malformed hint" && status == 400 {
            assert!(
                browser.signed_in().await,
                "{what}: refused, still signed in"
            );
            continue;
        }
        assert_eq!(status, 200, "{what}: a confirmation page\n{html}");
        assert!(
            browser.signed_in().await,
            "{what}: nobody is signed out unasked"
        );
        let form = Form::all(&html)
            .into_iter()
            .find(|f| f.method == "post")
            .unwrap_or_else(|| panic!("{what}: no form to confirm with:\n{html}"));
        assert!(
            form.hidden.iter().any(|(name, _)| name == "csrf_token"),
            "{what}: {form:?}"
        );

        // The same form without its CSRF token is refused, and the session lives.
        let forged = Form {
            hidden: form
                .hidden
                .iter()
                .filter(|(name, _)| name != "csrf_token")
                .cloned()
                .collect(),
            ..form.clone()
        };
        assert_eq!(browser.submit(&forged, &[]).await.status(), 403, "{what}");
        assert!(browser.signed_in().await, "{what}");

        let confirmed = browser.follow(browser.submit(&form, &[]).await).await;
        let status = confirmed.status().as_u16();
        if matches!(status, 302 | 303) {
            let to = location(&confirmed);
            assert!(to.starts_with(SIGNED_OUT), "{what}: redirected to {to}");
            assert_eq!(query_of(&to)["state"], "bye-state");
        } else {
            assert_eq!(status, 200, "{what}: the signed-out page");
        }
        assert!(!browser.signed_in().await, "{what}: confirmed, signed out");
        tokens(client.refresh(&app, &alice.refresh).await).await;
    }
}

/// SPEC: every page sends `X-Frame-Options: DENY` or a CSP `frame-ancestors 'none'`, so
/// that no site can frame a sign-out button (clickjacking).
#[track_caller]
fn assert_unframeable(page: &reqwest::Response) {
    let header = |name: &str| {
        page.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(
        header("x-frame-options").eq_ignore_ascii_case("deny")
            || header("content-security-policy").contains("frame-ancestors 'none'"),
        "{} can be framed",
        page.url()
    );
}

on_both_backends!(
    a_valid_hint_signs_out_at_once_and_returns_to_the_app,
    only_registered_post_logout_uris_are_redirected_to,
    without_a_valid_hint_a_confirmation_page_asks,
);
