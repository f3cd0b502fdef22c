//! No token, code, secret or password the server handled appears in anything it logged
//! (at debug level) or in a dump of its database.

use crate::binary::ServeProcess;
use crate::fixtures::{ClientSpec, PASSWORD, REDIRECT, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::oauth::tokens;
use crate::on_both_backends;

async fn no_secret_reaches_the_log_or_the_database(backend: Backend) {
    // Accounts and clients from the in-process server, then the real binary with its
    // log at debug level.
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let machine = app.client(ClientSpec::client_credentials()).await;
    let serve = ServeProcess::start(&app.db.url_text, &[]).await;
    let base = serve.address.clone();
    let mut browser = app.browser();
    browser.base = base.clone();

    let mut secrets: Vec<String> = vec![
        PASSWORD.to_owned(),
        client.secret.clone().unwrap(),
        machine.secret.clone().unwrap(),
    ];
    // A failed login carries a password too.
    let wrong = "wrong-password-that-must-not-be-logged";
    browser.submit_login("/login", "alice", wrong).await;
    secrets.push(wrong.to_owned());
    let (code, verifier) = browser.code(&client, "alice", &[]).await;
    let session = browser
        .http
        .get(format!("{base}/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
    ];
    let first = tokens(client.token_at(&base, &form).await).await;
    let refresh = first.refresh.clone().unwrap();
    let second = tokens(
        client
            .token_at(
                &base,
                &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            )
            .await,
    )
    .await;
    // A replay (reuse detection), introspection and revocation handle tokens too.
    client
        .token_at(
            &base,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    let issued = tokens(
        machine
            .token_at(&base, &[("grant_type", "client_credentials")])
            .await,
    )
    .await;
    let http = crate::helpers::http_client();
    http.post(format!("{base}/introspect"))
        .basic_auth(&machine.id, machine.secret.as_deref())
        .form(&[("token", first.access.as_str())])
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/revoke"))
        .basic_auth(&client.id, client.secret.as_deref())
        .form(&[("token", second.refresh.as_deref().unwrap())])
        .send()
        .await
        .unwrap();
    let bad_secret = TestClient {
        id: client.id.clone(),
        secret: Some("not-the-secret-and-not-to-be-logged".into()),
    };
    bad_secret
        .token_at(&base, &[("grant_type", "client_credentials")])
        .await;
    secrets.push("not-the-secret-and-not-to-be-logged".into());
    secrets.extend([
        code.clone(),
        verifier,
        refresh,
        second.refresh.unwrap(),
        issued.access.clone(),
    ]);
    // Access tokens are signed JWTs: the signature part alone is what must not leak.
    secrets.extend(
        [&first.access, &second.access]
            .iter()
            .map(|t| t.rsplit('.').next().unwrap().to_owned()),
    );

    let log = serve.output();
    assert!(
        log.contains("served"),
        "the log was captured at debug level:\n{log}"
    );
    for secret in &secrets {
        assert!(
            !log.contains(secret.as_str()),
            "a secret reached the log: {secret}"
        );
    }

    let dump = dump(&app).await;
    assert!(dump.contains("alice"), "the dump holds the data");
    for secret in &secrets {
        assert!(
            !dump.contains(secret.as_str()),
            "a secret is stored in the clear: {secret}"
        );
    }
}

/// Everything the database holds, as text.
async fn dump(app: &TestApp) -> String {
    match &app.db.url {
        latchkey::store::DatabaseUrl::Sqlite(path) => {
            let mut all = Vec::new();
            for suffix in ["", "-wal"] {
                let file = format!("{}{suffix}", path.display());
                all.extend(std::fs::read(&file).unwrap_or_default());
            }
            String::from_utf8_lossy(&all).into_owned()
        }
        latchkey::store::DatabaseUrl::Postgres(url) => {
            let output = tokio::process::Command::new("pg_dump")
                .args(["--data-only", "--no-owner", url])
                .output()
                .await
                .expect("pg_dump is needed to dump the test database");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    }
}

on_both_backends!(no_secret_reaches_the_log_or_the_database);
