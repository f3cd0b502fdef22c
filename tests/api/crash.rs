//! `kill -9` under refresh load: what a client saw acknowledged survives, what was
//! retired stays retired, and the database is intact.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use crate::binary::ServeProcess;
use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{Backend, TestApp};
use crate::oauth::{oauth_error, tokens};
use crate::on_both_backends;

const FAMILIES: usize = 4;

/// What one client holds: its newest acknowledged refresh token and the ones before it.
#[derive(Default, Clone)]
struct Held {
    acknowledged: Vec<String>,
}

async fn rotations_acknowledged_before_a_kill_survive_it(backend: Backend) {
    // Seed users, a client and families with the in-process server, then hand the
    // database to the real binary.
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let browser = app.browser();
    let mut held = Vec::new();
    for _ in 0..FAMILIES {
        let first = browser.tokens(&client, "alice").await.refresh.unwrap();
        held.push(Arc::new(Mutex::new(Held {
            acknowledged: vec![first],
        })));
    }
    drop(browser);
    let TestApp { db, server, .. } = app;
    drop(server);

    // A response lost to the crash leaves the client holding the previous token; the
    // grace lets exactly that token retry (SPEC step 4), as it would on a flaky network.
    let grace = ["--refresh-reuse-grace", "10m"];
    let mut serve = ServeProcess::start(&db.url_text, &grace).await;
    let address = serve.address.clone();
    let workers: Vec<_> = held
        .iter()
        .map(|held| {
            let (held, client, address) = (held.clone(), client.clone(), address.clone());
            tokio::spawn(async move { refresh_until_refused(&client, &address, &held).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(700)).await;
    serve.child.start_kill().unwrap(); // SIGKILL: no clean shutdown
    serve.child.wait().await.unwrap();
    for worker in workers {
        worker.await.unwrap();
    }

    let serve = ServeProcess::start(&db.url_text, &grace).await;
    let mut rotations = 0;
    for held in &held {
        let held = held.lock().await;
        rotations += held.acknowledged.len() - 1;
        let newest = held.acknowledged.last().unwrap();
        let response = client
            .token_at(
                &serve.address,
                &[("grant_type", "refresh_token"), ("refresh_token", newest)],
            )
            .await;
        let renewed = tokens(response).await;
        assert!(
            renewed.refresh.is_some(),
            "the newest acknowledged token works after the crash"
        );
        if held.acknowledged.len() >= 3 {
            // Two generations back is outside any grace: refused.
            let old = &held.acknowledged[held.acknowledged.len() - 3];
            let response = client
                .token_at(
                    &serve.address,
                    &[("grant_type", "refresh_token"), ("refresh_token", old)],
                )
                .await;
            assert_eq!(oauth_error(response).await.1, "invalid_grant");
        }
    }
    assert!(
        rotations >= FAMILIES,
        "the load did rotate before the kill ({rotations})"
    );

    // Integrity: the engine's own check, and the rotation invariant.
    if backend == Backend::Sqlite {
        let check = db.text("SELECT integrity_check AS value FROM pragma_integrity_check()");
        assert_eq!(check.as_deref(), Some("ok"));
    }
    // A family row holds one current token by construction; what a torn write could
    // leave is a live family without one, or a rotation without its previous token.
    let broken = db.count(
        "FROM refresh_token_families WHERE revoked_at IS NULL AND (current_hash IS NULL \
         OR (generation > 1 AND previous_hash IS NULL))",
    );
    assert_eq!(broken, 0, "every live family has its current token");
}

/// Refreshes in a loop, remembering each acknowledged token, until the server is gone.
async fn refresh_until_refused(client: &TestClient, address: &str, held: &Mutex<Held>) {
    let http = crate::helpers::http_client();
    loop {
        let current = held.lock().await.acknowledged.last().unwrap().clone();
        let response = http
            .post(format!("{address}/token"))
            .basic_auth(&client.id, client.secret.as_deref())
            .form(&[("grant_type", "refresh_token"), ("refresh_token", &current)])
            .send()
            .await;
        let Ok(response) = response else { return };
        let Ok(body) = response.json::<serde_json::Value>().await else {
            return;
        };
        let Some(next) = body["refresh_token"].as_str() else {
            return;
        };
        held.lock().await.acknowledged.push(next.to_owned());
    }
}

on_both_backends!(rotations_acknowledged_before_a_kill_survive_it);
