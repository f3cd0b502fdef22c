use crate::binary::latchkey;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn keys_rotate_and_the_old_key_stays_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.db.url_text.as_str();

    let listed = latchkey(url, &["keys", "list"], None).await;
    let listed = listed.assert_ok().stdout.clone();
    assert_eq!(
        listed.lines().filter(|l| l.contains("active")).count(),
        1,
        "{listed}"
    );
    assert!(listed.contains("ES256"), "ES256 is the default: {listed}");

    latchkey(url, &["keys", "rotate", "--signing-alg", "EdDSA"], None)
        .await
        .assert_ok();
    let listed = latchkey(url, &["keys", "list"], None).await;
    let listed = listed.assert_ok().stdout.clone();
    let active: Vec<&str> = listed.lines().filter(|l| l.ends_with("active")).collect();
    assert_eq!(active.len(), 1, "{listed}");
    assert!(active[0].contains("EdDSA"), "{listed}");
    assert!(listed.contains("published until"), "{listed}");

    // The private key is stored; its public JWK names its own kid and algorithm.
    let jwk = app
        .db
        .text("SELECT public_jwk AS value FROM signing_keys WHERE retired_at IS NULL")
        .unwrap();
    let jwk: serde_json::Value = serde_json::from_str(&jwk).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["alg"], "EdDSA");

    // Nothing has expired yet, so a purge keeps both keys.
    let purged = latchkey(url, &["purge"], None).await;
    assert!(
        purged.assert_ok().stdout.contains("0 signing keys"),
        "{}",
        purged.stdout
    );

    // Once every token the old key could have signed is past its expiry (1 h ID tokens,
    // longer than 15 min access tokens, plus the 5 s in which instances pick up a new
    // key), purge drops it.
    app.clock.advance(chrono::TimeDelta::hours(1));
    assert_eq!(app.services.purge().await.unwrap().signing_keys, 0);
    app.clock.advance(chrono::TimeDelta::seconds(6));
    assert_eq!(app.services.purge().await.unwrap().signing_keys, 1);
    let listed = latchkey(url, &["keys", "list"], None).await;
    assert_eq!(
        listed.assert_ok().stdout.lines().count(),
        2,
        "a header and the active key"
    );
}

/// A server configured for another algorithm rotates to it at start.
async fn serve_rotates_to_the_configured_algorithm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let crate::helpers::TestApp { db, server, .. } = app;
    drop(server);
    let app = TestApp::spawn_on(db, &["--signing-alg", "RS256"]).await;
    let alg = app
        .db
        .text("SELECT alg AS value FROM signing_keys WHERE retired_at IS NULL")
        .unwrap();
    assert_eq!(alg, "RS256");
}

on_both_backends!(
    keys_rotate_and_the_old_key_stays_published,
    serve_rotates_to_the_configured_algorithm,
);
