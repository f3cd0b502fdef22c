use crate::binary::{ServeProcess, latchkey};
use crate::helpers::{Backend, TestApp, TestDatabase, http_client};
use crate::on_both_backends;

/// The README's first command, as a person runs it: `latchkey serve` on an empty
/// database prints the admin's one-time password, listens, and answers /healthz.
async fn serve_prints_the_first_admin_password_and_answers(backend: Backend) {
    let db = TestDatabase::create(backend);
    let mut serve = ServeProcess::start(&db.url_text, &[]).await;
    let output = serve.output();
    let password = output
        .lines()
        .find_map(|line| line.trim().strip_prefix("password:"))
        .map(|p| p.trim().to_owned())
        .expect("serve printed no one-time password");
    assert!(
        password.len() >= 16,
        "a weak one-time password: {password:?}"
    );

    let health = http_client()
        .get(format!("{}/healthz", serve.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    // The password was shown once, to stderr; the database holds only an argon2id hash.
    let stored = db
        .text("SELECT password_hash AS value FROM users WHERE username = 'admin'")
        .unwrap();
    assert!(stored.starts_with("$argon2id$"));
    assert!(!stored.contains(&password));
    serve.child.kill().await.unwrap();

    let users = latchkey(&db.url_text, &["user", "list", "--json"], None).await;
    let users = users.assert_ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["username"], "admin");
    assert_eq!(users[0]["is_admin"], true);
}

/// Only the first start creates an admin; a restart on the same database does not.
async fn first_admin_is_created_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(app.admin_password.is_some());
    let TestApp { db, server, .. } = app;
    drop(server);
    let again = TestApp::spawn_on(db, &[]).await;
    assert!(again.admin_password.is_none());
    assert_eq!(again.services.list_users().await.unwrap().len(), 1);
}

on_both_backends!(
    serve_prints_the_first_admin_password_and_answers,
    first_admin_is_created_once,
);

#[tokio::test]
async fn a_bad_setting_stops_serve_with_a_message_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    for (var, value) in [
        ("LATCHKEY_ACCESS_TOKEN_TTL", "15 minutes"),
        ("LATCHKEY_SIGNING_ALG", "HS256"),
        ("LATCHKEY_BIND", "localhost"),
        ("LATCHKEY_ISSUER", "auth.example.com"),
    ] {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .arg("serve")
            .env("LATCHKEY_DATABASE_URL", &url)
            .env(var, value)
            .output()
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{var}={value} was accepted");
        assert!(stderr.contains(var), "{var}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn an_unreachable_database_is_a_one_line_error() {
    for url in [
        "postgres://latchkey@127.0.0.1:1/latchkey",
        "mysql://nope",
        "sqlite:///no/such/directory/x.db",
    ] {
        latchkey(url, &["user", "list"], None)
            .await
            .assert_one_line_error();
    }
}
