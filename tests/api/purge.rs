//! `purge` (and the server's periodic clean-up, which calls the same service): expired
//! families go with all their refresh tokens, in chunks; live ones stay and keep working.

use chrono::TimeDelta;
use latchkey::clock::Clock;
use latchkey::domain::{ClientId, FamilyId, RefreshToken, Scope, Username};
use latchkey::store::{NewFamily, PoolOptions, Store};

use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;

/// More than one purge chunk (1,000 families), so that the loop over chunks is covered.
const STOCKED: usize = 2_500;

async fn purge_removes_expired_families_and_keeps_live_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let old = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();

    // Families stocked straight into the store, all past their idle expiry.
    let store = Store::open(&app.db.url, PoolOptions::default())
        .await
        .unwrap();
    let alice = app
        .services
        .find_user(&Username::parse("alice").unwrap())
        .await
        .unwrap();
    let now = app.clock.now();
    let stocked = (0..STOCKED)
        .map(|_| NewFamily {
            id: FamilyId::generate(),
            user_id: alice.id,
            client_id: ClientId::parse(&client.id).unwrap(),
            scope: Scope::parse("read").unwrap(),
            resource: None,
            auth_time: now - TimeDelta::days(2),
            created_at: now - TimeDelta::days(2),
            idle_expires_at: now - TimeDelta::hours(1),
            absolute_expires_at: now + TimeDelta::days(20),
            first_token: Some(RefreshToken::generate().hashes()),
            dpop_jkt: None,
        })
        .collect();
    store.insert_families(stocked).await.unwrap();

    // Past the first family's 7-day idle window; then a fresh family that is live.
    app.clock.advance(TimeDelta::days(8));
    let live = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();

    let report = app.services.purge().await.unwrap();
    assert_eq!(report.refresh_token_families, STOCKED + 1);
    assert_eq!(
        app.db.count("FROM refresh_token_families"),
        1,
        "only the live family is left"
    );
    let (status, error) = oauth_error(client.refresh(&app, &old).await).await;
    assert_eq!((status, error.as_str()), (400, "invalid_grant"));
    assert!(
        tokens(client.refresh(&app, &live).await)
            .await
            .refresh
            .is_some()
    );

    // Nothing left to purge: a second run removes nothing.
    assert_eq!(
        app.services.purge().await.unwrap().refresh_token_families,
        0
    );
}

on_both_backends!(purge_removes_expired_families_and_keeps_live_ones);
