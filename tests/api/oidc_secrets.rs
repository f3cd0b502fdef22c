//! What OpenID Connect adds to the secrets a server handles (ID tokens, the access tokens
//! sent to /userinfo, an `id_token_hint` in a query string, the session cookie that
//! logout ends) never reaches the log, even at debug level.

use crate::binary::ServeProcess;
use crate::helpers::{Backend, TestApp};
use crate::oauth::tokens;
use crate::oidc::{NONCE, SIGNED_OUT, logout_path, oidc_client, signed_in_at};
use crate::on_both_backends;

async fn no_oidc_secret_reaches_the_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let serve = ServeProcess::start(&app.db.url_text, &[]).await;
    let base = serve.address.clone();

    let alice = signed_in_at(&base, &client, "alice").await;
    let session = alice.cookies();
    let first = {
        let (path, verifier) = crate::oidc::oidc_authorize(&client, &[("nonce", NONCE)]);
        let redirect = alice.browser.authorize(&path, "alice").await;
        alice.browser.redeem(&client, &redirect, &verifier).await
    };
    let refreshed = tokens(
        client
            .token_at(
                &base,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", first.refresh.as_deref().unwrap()),
                ],
            )
            .await,
    )
    .await;
    let http = crate::helpers::http_client();
    for (method, token) in [("GET", &first.access), ("POST", &refreshed.access)] {
        let response = http
            .request(method.parse().unwrap(), format!("{base}/userinfo"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "userinfo {method}");
    }
    let hint = refreshed.body["id_token"].as_str().unwrap();
    let response = alice
        .browser
        .get(&logout_path(&[
            ("id_token_hint", hint),
            ("post_logout_redirect_uri", SIGNED_OUT),
        ]))
        .await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(!alice.browser.signed_in().await);

    let log = serve.output();
    assert!(log.contains("served"), "debug log captured:\n{log}");
    // Signed JWTs: the signature part is what must not leak.
    let signature = |jwt: &str| jwt.rsplit('.').next().unwrap().to_owned();
    let mut secrets = vec![
        session
            .split("; ")
            .find_map(|c| c.strip_prefix("latchkey_session="))
            .expect("a session cookie")
            .to_owned(),
        signature(&alice.id_token),
    ];
    for issued in [&first, &refreshed] {
        secrets.push(signature(&issued.access));
        secrets.push(signature(issued.body["id_token"].as_str().unwrap()));
        secrets.push(issued.refresh.clone().unwrap());
    }
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "reached the log: {secret}");
    }
}

on_both_backends!(no_oidc_secret_reaches_the_log);
