//! ID tokens (OIDC Core §2, §3.1.3.3, §3.1.3.6, §5.4, §12.2): who gets one, what it
//! says, how it is signed, and what a refresh brings.

use chrono::TimeDelta;
use jsonwebtoken::{Algorithm, decode_header};

use crate::binary::latchkey;
use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::tokens;
use crate::oidc::{NONCE, now, oidc_client};
use crate::on_both_backends;

async fn an_openid_code_brings_an_id_token_with_the_granted_claims(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.profiled_users().await;
    let client = app.client(oidc_client()).await;

    let before = now(&app);
    let issued = app
        .browser()
        .oidc_tokens(&client, "alice", &[("nonce", NONCE)])
        .await;
    let after = now(&app);
    let scope = issued.body["scope"].as_str().unwrap();
    assert!(scope.split(' ').any(|s| s == "openid"), "{scope}");
    let id = app.id_token(&issued, &client).await;
    assert_eq!(id.claims["iss"], app.address);
    assert_eq!(id.claims["sub"], app.db.user_id("alice"));
    let aud = &id.claims["aud"];
    assert!(
        *aud == client.id.as_str() || *aud == serde_json::json!([client.id]),
        "aud is the client: {aud}"
    );
    assert_eq!(id.claims["nonce"], NONCE, "the nonce exactly as sent");
    let iat = id.int("iat");
    assert!((before..=after).contains(&iat), "iat {iat}");
    assert_eq!(id.int("exp") - iat, 3600, "LATCHKEY_ID_TOKEN_TTL is 1h");
    let auth_time = id.int("auth_time");
    assert!((before..=iat).contains(&auth_time), "auth_time {auth_time}");
    assert_eq!(id.claims["preferred_username"], "alice");
    assert_eq!(id.claims["name"], "Alice Liddell");
    assert_eq!(id.claims["email"], "alice@example.com");
    assert_eq!(id.claims["email_verified"], true);

    // No display name: no `name`; an address no admin verified is not `email_verified`.
    // No nonce sent: none in the token.
    let bob = app.browser().oidc_tokens(&client, "bob", &[]).await;
    let id = app.id_token(&bob, &client).await;
    assert_eq!(id.claims["sub"], app.db.user_id("bob"));
    assert_eq!(id.claims["preferred_username"], "bob");
    assert_eq!(id.claims["email"], "bob@example.com");
    assert_eq!(id.claims["email_verified"], false);
    for absent in ["name", "nonce"] {
        assert!(!id.has(absent), "{absent} in {}", id.claims);
    }

    // No address at all: neither `email` nor `email_verified`.
    let carol = app.browser().oidc_tokens(&client, "carol", &[]).await;
    let id = app.id_token(&carol, &client).await;
    assert_eq!(id.claims["preferred_username"], "carol");
    for absent in ["name", "email", "email_verified"] {
        assert!(!id.has(absent), "{absent} in {}", id.claims);
    }

    // `openid` alone: who, not what about them.
    let bare = app
        .browser()
        .oidc_tokens(&client, "alice", &[("scope", "openid")])
        .await;
    let id = app.id_token(&bare, &client).await;
    for absent in ["preferred_username", "name", "email", "email_verified"] {
        assert!(!id.has(absent), "{absent} in {}", id.claims);
    }

    // Without `openid` it is plain OAuth: no ID token.
    let plain = app
        .browser()
        .oidc_tokens(&client, "alice", &[("scope", "read profile email")])
        .await;
    assert!(plain.body.get("id_token").is_none(), "{}", plain.body);
}

/// OIDC Core §12.2: a refresh of an openid family brings an ID token for the same login;
/// `--id-token-ttl` sets its lifetime.
async fn a_refresh_brings_a_new_id_token_for_the_same_login(backend: Backend) {
    let app = TestApp::spawn_on(TestDatabase::create(backend), &["--id-token-ttl", "5m"]).await;
    app.user("alice").await;
    let client = app.client(oidc_client()).await;
    let browser = app.browser();
    let first = browser
        .oidc_tokens(&client, "alice", &[("nonce", NONCE)])
        .await;
    let old = app.id_token(&first, &client).await;
    assert_eq!(old.int("exp") - old.int("iat"), 300, "--id-token-ttl 5m");

    app.clock.advance(TimeDelta::minutes(2));
    let refreshed = tokens(
        client
            .refresh(&app, first.refresh.as_deref().unwrap())
            .await,
    )
    .await;
    let new = app.id_token(&refreshed, &client).await;
    for same in ["iss", "sub", "aud", "azp", "auth_time"] {
        assert_eq!(new.claims[same], old.claims[same], "{same}");
    }
    assert!(new.int("iat") >= old.int("iat") + 120, "a new iat");
    assert_eq!(new.int("exp") - new.int("iat"), 300);
    assert!(!new.has("nonce"), "no nonce on refresh: {}", new.claims);

    // A family that never had `openid` gets none on refresh either.
    let plain = browser
        .oidc_tokens(&client, "alice", &[("scope", "read")])
        .await;
    let again = tokens(
        client
            .refresh(&app, plain.refresh.as_deref().unwrap())
            .await,
    )
    .await;
    assert!(again.body.get("id_token").is_none(), "{}", again.body);
}

/// ID tokens are signed with each client's algorithm, every key is published, and `keys
/// rotate` replaces them all while the old ones stay in the JWKS.
async fn each_client_gets_its_algorithm_and_keys_rotate_together(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let mut clients = Vec::new();
    for alg in ["ES256", "EdDSA", "RS256"] {
        let client = app
            .client(ClientSpec {
                id_token_alg: Some(alg),
                ..oidc_client()
            })
            .await;
        clients.push((alg.parse::<Algorithm>().unwrap(), client));
    }

    let mut old_kids = Vec::new();
    for (alg, client) in &clients {
        let issued = app.browser().oidc_tokens(client, "alice", &[]).await;
        let id = app.id_token(&issued, client).await;
        assert_eq!(id.header.alg, *alg);
        assert_eq!(
            decode_header(&issued.access).unwrap().alg,
            Algorithm::ES256,
            "access tokens keep LATCHKEY_SIGNING_ALG"
        );
        old_kids.push(id.kid().to_owned());
    }

    latchkey(&app.db.url_text, &["keys", "rotate"], None)
        .await
        .assert_ok();
    // Every running instance reloads its keys every 5 seconds (a real-time tick, not the
    // test clock); this is that tick, without the wait.
    app.services.reload_signing_key().await.unwrap();
    let jwks = app.jwks().await;
    for ((alg, client), old_kid) in clients.iter().zip(&old_kids) {
        let issued = app.browser().oidc_tokens(client, "alice", &[]).await;
        let id = app.id_token(&issued, client).await;
        assert_eq!(id.header.alg, *alg);
        assert_ne!(id.kid(), old_kid, "{alg:?} rotated");
        assert!(
            jwks.find(old_kid).is_some(),
            "the retired {alg:?} key stays published"
        );
    }
}

on_both_backends!(
    an_openid_code_brings_an_id_token_with_the_granted_claims,
    a_refresh_brings_a_new_id_token_for_the_same_login,
    each_client_gets_its_algorithm_and_keys_rotate_together,
);
