//! SPEC "The refresh_token grant, exactly", step by step, with the injected clock.

use chrono::TimeDelta;

use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::{Tokens, oauth_error, refused, tokens};
use crate::on_both_backends;

async fn setup(backend: Backend, settings: &[&str]) -> (TestApp, TestClient) {
    let app = TestApp::spawn_on(TestDatabase::create(backend), settings).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    (app, client)
}

async fn refresh_ok(app: &TestApp, client: &TestClient, token: &str) -> Tokens {
    tokens(client.refresh(app, token).await).await
}

/// Steps 4 and 6: every refresh rotates; presenting a retired token (grace off) revokes
/// the whole family, the newest token included, and records the event.
async fn rotation_and_reuse_detection(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let first = app.browser().tokens(&client, "alice").await;
    let t1 = first.refresh.unwrap();
    let second = refresh_ok(&app, &client, &t1).await;
    let t2 = second.refresh.unwrap();
    assert_ne!(t1, t2);
    assert_ne!(first.access, second.access);
    let t3 = refresh_ok(&app, &client, &t2).await.refresh.unwrap();

    assert_eq!(
        refused(&app, &client, &t1).await,
        "invalid_grant",
        "a replay of t1"
    );
    assert_eq!(
        refused(&app, &client, &t3).await,
        "invalid_grant",
        "the family is dead"
    );
    assert_eq!(
        app.db
            .text("SELECT revoked_reason AS value FROM refresh_token_families")
            .as_deref(),
        Some("refresh_token_reuse")
    );
    let event = app.db.count(
        "FROM security_events WHERE kind = 'refresh_token_reuse_detected' AND user_id IS NOT NULL \
         AND client_id IS NOT NULL AND family_id IS NOT NULL",
    );
    assert_eq!(event, 1);
    // One row per family however often it rotates: the hashes of its current and previous
    // token. t1, two generations back, was recognised through the family handle it carries.
    assert_eq!(
        app.db.count(
            "FROM refresh_token_families WHERE generation = 3 AND current_hash IS NOT NULL \
             AND previous_hash IS NOT NULL AND handle_hash IS NOT NULL"
        ),
        1
    );
    // A replay against a revoked family is refused without a second event.
    assert_eq!(refused(&app, &client, &t2).await, "invalid_grant");
    assert_eq!(
        app.db
            .count("FROM security_events WHERE kind = 'refresh_token_reuse_detected'"),
        1
    );
}

/// Step 4 with a grace: only the immediately previous token, only within the grace.
async fn the_grace_covers_only_the_previous_token_and_only_briefly(backend: Backend) {
    let (app, client) = setup(backend, &["--refresh-reuse-grace", "2s"]).await;
    let browser = app.browser();

    // A retry of the previous token within the grace: a fresh pair of the same family,
    // and the token it replaced is retired.
    let t1 = browser.tokens(&client, "alice").await.refresh.unwrap();
    let t2 = refresh_ok(&app, &client, &t1).await.refresh.unwrap();
    let retry = refresh_ok(&app, &client, &t1).await;
    let t3 = retry.refresh.unwrap();
    assert_eq!(
        app.db.count("FROM refresh_token_families"),
        1,
        "same family"
    );
    assert_eq!(
        app.db
            .count("FROM refresh_token_families WHERE revoked_at IS NULL"),
        1
    );
    let t4 = refresh_ok(&app, &client, &t3).await.refresh.unwrap();
    // t2 was retired by the retry and is now two generations back: theft.
    assert_eq!(refused(&app, &client, &t2).await, "invalid_grant");
    assert_eq!(
        refused(&app, &client, &t4).await,
        "invalid_grant",
        "family revoked"
    );

    // The previous token after the grace: theft.
    let t1 = browser.tokens(&client, "alice").await.refresh.unwrap();
    let t2 = refresh_ok(&app, &client, &t1).await.refresh.unwrap();
    app.clock.advance(TimeDelta::seconds(3));
    assert_eq!(refused(&app, &client, &t1).await, "invalid_grant");
    assert_eq!(
        refused(&app, &client, &t2).await,
        "invalid_grant",
        "family revoked"
    );

    // An older generation within the grace: theft too.
    let t1 = browser.tokens(&client, "alice").await.refresh.unwrap();
    let t2 = refresh_ok(&app, &client, &t1).await.refresh.unwrap();
    let t3 = refresh_ok(&app, &client, &t2).await.refresh.unwrap();
    assert_eq!(refused(&app, &client, &t1).await, "invalid_grant");
    assert_eq!(
        refused(&app, &client, &t3).await,
        "invalid_grant",
        "family revoked"
    );
    assert_eq!(
        app.db
            .count("FROM security_events WHERE kind = 'refresh_token_reuse_detected'"),
        3
    );
}

/// Steps 2 and 7: a 7-day sliding idle window, capped by the 30-day absolute lifetime.
async fn idle_and_absolute_expiry(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let browser = app.browser();

    // Idle: 7 days without use kill the family.
    let idle = browser.tokens(&client, "alice").await.refresh.unwrap();
    // Sliding: used every 6 days, a family lives until its absolute expiry.
    let mut sliding = browser.tokens(&client, "alice").await.refresh.unwrap();
    for day in [6, 12, 18, 24] {
        app.clock.advance(TimeDelta::days(6));
        sliding = refresh_ok(&app, &client, &sliding).await.refresh.unwrap();
        if day == 12 {
            assert_eq!(
                refused(&app, &client, &idle).await,
                "invalid_grant",
                "idle for 12 days"
            );
        }
    }
    // The token issued on day 24 expires at the absolute limit (day 30), not day 31.
    let idle_expiry = app
        .db
        .text("SELECT CAST(idle_expires_at AS TEXT) AS value FROM refresh_token_families WHERE generation = 5")
        .unwrap();
    let absolute = app
        .db
        .text("SELECT CAST(absolute_expires_at AS TEXT) AS value FROM refresh_token_families WHERE generation = 5")
        .unwrap();
    assert_eq!(
        idle_expiry, absolute,
        "step 7: capped by the absolute expiry"
    );
    app.clock.advance(TimeDelta::days(6));
    assert_eq!(
        refused(&app, &client, &sliding).await,
        "invalid_grant",
        "past 30 days"
    );
}

async fn an_idle_family_dies_after_seven_days(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let token = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    app.clock
        .advance(TimeDelta::days(7) - TimeDelta::seconds(5));
    let token = refresh_ok(&app, &client, &token).await.refresh.unwrap();
    app.clock
        .advance(TimeDelta::days(7) + TimeDelta::seconds(1));
    assert_eq!(refused(&app, &client, &token).await, "invalid_grant");
}

/// Step 5: narrowing is allowed for the access token, widening is refused and costs
/// nothing.
async fn scope_may_narrow_but_never_widen(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let token = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    let wide = client
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &token),
                ("scope", "read write admin"),
            ],
        )
        .await;
    assert_eq!(oauth_error(wide).await, (400, "invalid_scope".into()));
    let narrow = tokens(
        client
            .token(
                &app,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("scope", "read"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(narrow.body["scope"], "read");
    // The family keeps its scope: the next refresh without `scope` gets all of it.
    let next = refresh_ok(&app, &client, narrow.refresh.as_deref().unwrap()).await;
    assert_eq!(next.body["scope"], "read write");
}

/// A rejected request does not consume the token (SPEC "Errors and bad input").
async fn rejected_requests_do_not_consume_the_token(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let other = app.client(ClientSpec::default()).await;
    let token = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    let wrong_secret = TestClient {
        id: client.id.clone(),
        secret: Some("x".repeat(43)),
    };
    assert_eq!(
        oauth_error(wrong_secret.refresh(&app, &token).await)
            .await
            .0,
        401
    );
    assert_eq!(
        refused(&app, &other, &token).await,
        "invalid_grant",
        "step 1: another client's"
    );
    let repeated = client
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &token),
                ("refresh_token", &token),
            ],
        )
        .await;
    assert_eq!(oauth_error(repeated).await.1, "invalid_request");
    let bad_scope = client
        .token(
            &app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &token),
                ("scope", "nope"),
            ],
        )
        .await;
    assert_eq!(oauth_error(bad_scope).await.1, "invalid_scope");
    refresh_ok(&app, &client, &token).await;
    assert_eq!(
        app.db
            .count("FROM refresh_token_families WHERE revoked_at IS NULL"),
        1,
        "still alive"
    );
}

/// Step 3: the user and the client must still be enabled; a password change revokes.
async fn disabled_users_and_clients_and_password_changes_end_refresh(backend: Backend) {
    let (app, client) = setup(backend, &[]).await;
    let browser = app.browser();
    let alice = latchkey::domain::Username::parse("alice").unwrap();

    let token = browser.tokens(&client, "alice").await.refresh.unwrap();
    app.services.set_user_enabled(&alice, false).await.unwrap();
    assert_eq!(refused(&app, &client, &token).await, "invalid_grant");
    app.services.set_user_enabled(&alice, true).await.unwrap();
    assert_eq!(
        refused(&app, &client, &token).await,
        "invalid_grant",
        "revoked, not suspended"
    );

    let token = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    let password = latchkey::domain::Password::new_choice("a whole new password".into()).unwrap();
    app.services.set_password(&alice, &password).await.unwrap();
    assert_eq!(refused(&app, &client, &token).await, "invalid_grant");

    let second = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    let response = browser
        .submit_login("/login", "alice", "a whole new password")
        .await;
    assert_eq!(response.status(), 303);
    let (code, verifier) = browser.code(&second, "alice", &[]).await;
    let token = tokens(second.exchange(&app, &code, &verifier).await)
        .await
        .refresh
        .unwrap();
    let id = latchkey::domain::ClientId::parse(&second.id).unwrap();
    app.services.disable_client(id).await.unwrap();
    assert_eq!(refused(&app, &second, &token).await, "invalid_grant");
    assert_eq!(
        app.db
            .count("FROM security_events WHERE kind = 'refresh_token_reuse_detected'"),
        0,
        "refusing a revoked family is not a reuse"
    );
}

on_both_backends!(
    rotation_and_reuse_detection,
    the_grace_covers_only_the_previous_token_and_only_briefly,
    idle_and_absolute_expiry,
    an_idle_family_dies_after_seven_days,
    scope_may_narrow_but_never_widen,
    rejected_requests_do_not_consume_the_token,
    disabled_users_and_clients_and_password_changes_end_refresh,
);
