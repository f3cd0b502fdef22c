//! Races: one refresh token (or code) spent by many requests at once must never yield
//! more than one success outside the grace (SPEC step 6), on one instance and on two
//! sharing a database, with no 5xx and a consistent family afterwards.

use futures_util::future::join_all;

use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::oauth::tokens;
use crate::on_both_backends;

const ROUNDS: usize = 8;
const CONCURRENCY: usize = 32;

/// Fires `CONCURRENCY` refreshes of one token at `addresses` (round robin) and returns
/// how many succeeded, checking every failure is a clean `invalid_grant`.
async fn race(client: &TestClient, addresses: &[String], token: &str) -> usize {
    let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
    let requests =
        (0..CONCURRENCY).map(|i| client.token_at(&addresses[i % addresses.len()], &form));
    let mut successes = 0;
    for response in join_all(requests).await {
        let status = response.status();
        assert!(!status.is_server_error(), "a {status} under a race");
        if status == 200 {
            successes += 1;
        } else {
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(
                (status.as_u16(), body["error"].as_str()),
                (400, Some("invalid_grant"))
            );
        }
    }
    successes
}

async fn rounds(app: &TestApp, addresses: &[String]) {
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    for round in 0..ROUNDS {
        let token = browser.tokens(&client, "alice").await.refresh.unwrap();
        let successes = race(&client, addresses, &token).await;
        assert_eq!(successes, 1, "round {round}: exactly one rotation wins");
        // The winner's rotation is the only one: the raced token is its family's previous
        // token, one generation back.
        let raced = latchkey::domain::PresentedRefreshToken::parse(&token)
            .unwrap()
            .hash();
        let generation = app.db.text(&format!(
            "SELECT CAST(generation AS TEXT) AS value FROM refresh_token_families \
             WHERE previous_hash = '{}'",
            raced.as_str()
        ));
        assert_eq!(generation.as_deref(), Some("2"), "round {round}");
    }
    // Each family: the winner rotated it once (generation 2), and the losers' replays
    // then revoked it as theft. No family has two live tokens.
    let families = app
        .db
        .count("FROM refresh_token_families WHERE generation = 2 AND revoked_at IS NOT NULL");
    assert_eq!(families, ROUNDS as i64);
}

async fn concurrent_refreshes_of_one_token_succeed_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    rounds(&app, std::slice::from_ref(&app.address)).await;
}

async fn concurrent_redemptions_of_one_code_succeed_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    for round in 0..ROUNDS {
        let (code, verifier) = browser.code(&client, "alice", &[]).await;
        let attempts = (0..16).map(|_| client.exchange(&app, &code, &verifier));
        let mut winners = Vec::new();
        for response in join_all(attempts).await {
            assert!(!response.status().is_server_error());
            if response.status() == 200 {
                winners.push(tokens(response).await);
            }
        }
        assert_eq!(winners.len(), 1, "round {round}");
        // The replays revoked what the winner got.
        let refresh = client
            .refresh(&app, winners[0].refresh.as_deref().unwrap())
            .await;
        assert_eq!(refresh.status(), 400, "round {round}");
    }
}

/// Within the grace a concurrent retry may succeed, but the family still ends with one
/// live token.
async fn concurrent_refreshes_within_the_grace_keep_one_live_token(backend: Backend) {
    let app = crate::helpers::TestApp::spawn_on(
        crate::helpers::TestDatabase::create(backend),
        &["--refresh-reuse-grace", "30s"],
    )
    .await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let token = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();
    let successes = race(&client, std::slice::from_ref(&app.address), &token).await;
    assert!(successes >= 1);
    // Each success is exactly one rotation of the family's one current token: nothing
    // rotated without an answer, nothing answered without a rotation.
    let generation = app
        .db
        .text("SELECT CAST(generation AS TEXT) AS value FROM refresh_token_families")
        .unwrap();
    assert_eq!(generation, (successes + 1).to_string());
}

/// Refreshes racing a revocation and a password change: whatever interleaving happens,
/// afterwards the family is dead, and no request got a 5xx.
async fn refreshes_racing_revocation_and_a_password_change_leave_nothing_alive(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    let alice = latchkey::domain::Username::parse("alice").unwrap();
    for round in 0..ROUNDS {
        let issued = browser.tokens(&client, "alice").await;
        let token = issued.refresh.unwrap();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", token.as_str()),
        ];
        let refreshes = join_all((0..8).map(|_| client.token_at(&app.address, &form)));
        let revoke = async {
            if round % 2 == 0 {
                let response = app
                    .http
                    .post(app.url("/revoke"))
                    .basic_auth(&client.id, client.secret.as_deref())
                    .form(&[("token", token.as_str())])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            } else {
                let password =
                    latchkey::domain::Password::new_choice(format!("new password {round}"))
                        .unwrap();
                app.services.set_password(&alice, &password).await.unwrap();
            }
        };
        let (responses, ()) = tokio::join!(refreshes, revoke);
        let mut issued_now = Vec::new();
        for response in responses {
            assert!(
                !response.status().is_server_error(),
                "round {round}: {}",
                response.status()
            );
            if response.status() == 200 {
                issued_now.push(tokens(response).await.refresh.unwrap());
            }
        }
        assert!(issued_now.len() <= 1, "round {round}: never two rotations");
        // Whatever was issued in the race is dead once the revocation has committed.
        for token in issued_now {
            assert_eq!(
                client.refresh(&app, &token).await.status(),
                400,
                "round {round}"
            );
        }
        if round % 2 == 1 {
            let response = browser
                .submit_login("/login", "alice", &format!("new password {round}"))
                .await;
            assert_eq!(response.status(), 303);
        }
    }
}

on_both_backends!(
    refreshes_racing_revocation_and_a_password_change_leave_nothing_alive,
    concurrent_refreshes_of_one_token_succeed_once,
    concurrent_redemptions_of_one_code_succeed_once,
    concurrent_refreshes_within_the_grace_keep_one_live_token,
);

/// Two Latchkey instances sharing one PostgreSQL database, as behind a load balancer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_never_both_rotate() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let app = TestApp::spawn(Backend::Postgres).await;
    app.user("alice").await;
    let second = app.another_instance().await;
    rounds(&app, &[app.address.clone(), second.address.clone()]).await;
}
