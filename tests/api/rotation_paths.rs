//! Every case of the refresh rules through every write path, on both databases: once
//! with each request alone (the writer applies it by itself), once with all of them in
//! one batch (the writer is held back by a lock taken from outside until every request
//! is queued; SQLite then applies them in one transaction, PostgreSQL in one
//! `UPDATE ... FROM unnest`). Both runs must give each case the same answer and leave its
//! family in the same state.

use std::time::Duration;

use chrono::TimeDelta;
use diesel::connection::SimpleConnection;
use futures_util::future::join_all;
use latchkey::clock::{Clock, SystemClock};
use latchkey::domain::{PresentedRefreshToken, Secret};

use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{AnyConnection, Backend, TestApp, TestDatabase};
use crate::oauth::tokens;
use crate::on_both_backends;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// 200, with this scope, and the family one generation on.
    Rotated(&'static str),
    /// 400 with this error; the family unchanged.
    Refused(&'static str),
    /// 400 invalid_grant, the family revoked for reuse.
    Reuse,
}

struct Case {
    name: &'static str,
    client: usize,
    token: String,
    scope: Option<&'static str>,
    family: Option<String>,
    expect: Expect,
}

fn hash(token: &str) -> String {
    PresentedRefreshToken::parse(token)
        .unwrap()
        .hash()
        .as_str()
        .to_owned()
}

fn family_of(app: &TestApp, token: &str) -> String {
    app.db
        .text(&format!(
            "SELECT id AS value FROM refresh_token_families WHERE current_hash = '{}'",
            hash(token)
        ))
        .unwrap()
}

/// A moment as both databases read a `TIMESTAMP` literal.
pub fn db_time(delta: TimeDelta) -> String {
    (SystemClock.now() + delta)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A family three generations old: its tokens, oldest first.
async fn family(app: &TestApp, client: &TestClient, user: &str) -> [String; 3] {
    let t1 = app.browser().tokens(client, user).await.refresh.unwrap();
    let t2 = tokens(client.refresh(app, &t1).await)
        .await
        .refresh
        .unwrap();
    let t3 = tokens(client.refresh(app, &t2).await)
        .await
        .refresh
        .unwrap();
    [t1, t2, t3]
}

/// Builds the state of every case; returns the requests to make and what each must get.
async fn prepare(app: &TestApp, clients: &[TestClient]) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut case = |name, client, token: &str, scope, family: Option<String>, expect| {
        cases.push(Case {
            name,
            client,
            token: token.to_owned(),
            scope,
            family,
            expect,
        });
    };
    let [_, _, t] = family(app, &clients[0], "alice").await;
    case(
        "current",
        0,
        &t,
        None,
        Some(family_of(app, &t)),
        Expect::Rotated("read write"),
    );
    let [_, t2, t3] = family(app, &clients[0], "alice").await;
    let f = family_of(app, &t3);
    case(
        "previous within the grace",
        0,
        &t2,
        None,
        Some(f),
        Expect::Rotated("read write"),
    );
    let [_, t2, t3] = family(app, &clients[0], "alice").await;
    let f = family_of(app, &t3);
    app.db.sql(&format!(
        "UPDATE refresh_token_families SET last_used_at = '{}' WHERE id = '{f}'",
        db_time(-TimeDelta::minutes(5))
    ));
    case(
        "previous after the grace",
        0,
        &t2,
        None,
        Some(f),
        Expect::Reuse,
    );
    let [t1, _, t3] = family(app, &clients[0], "alice").await;
    case(
        "older generation",
        0,
        &t1,
        None,
        Some(family_of(app, &t3)),
        Expect::Reuse,
    );
    let unknown = latchkey::domain::RefreshToken::generate();
    case(
        "unknown",
        0,
        unknown.expose(),
        None,
        None,
        Expect::Refused("invalid_grant"),
    );
    let [_, _, t] = family(app, &clients[0], "alice").await;
    let f = family_of(app, &t);
    case(
        "another client's",
        1,
        &t,
        None,
        Some(f),
        Expect::Refused("invalid_grant"),
    );
    let [_, _, t] = family(app, &clients[0], "alice").await;
    let f = family_of(app, &t);
    app.db.sql(&format!(
        "UPDATE refresh_token_families SET revoked_at = '{}', revoked_reason = 'admin' WHERE id = '{f}'",
        db_time(TimeDelta::zero())
    ));
    case(
        "revoked",
        0,
        &t,
        None,
        Some(f),
        Expect::Refused("invalid_grant"),
    );
    for (name, column) in [
        ("idle expired", "idle_expires_at"),
        ("absolute expired", "absolute_expires_at"),
    ] {
        let [_, _, t] = family(app, &clients[0], "alice").await;
        let f = family_of(app, &t);
        app.db.sql(&format!(
            "UPDATE refresh_token_families SET {column} = '{}' WHERE id = '{f}'",
            db_time(-TimeDelta::minutes(1))
        ));
        case(name, 0, &t, None, Some(f), Expect::Refused("invalid_grant"));
    }
    let [_, _, t] = family(app, &clients[0], "bob").await;
    app.db
        .sql("UPDATE users SET enabled = FALSE WHERE username = 'bob'");
    case(
        "user disabled",
        0,
        &t,
        None,
        Some(family_of(app, &t)),
        Expect::Refused("invalid_grant"),
    );
    let [_, _, t] = family(app, &clients[2], "alice").await;
    app.db.sql(&format!(
        "UPDATE clients SET enabled = FALSE WHERE id = '{}'",
        clients[2].id
    ));
    case(
        "client disabled",
        2,
        &t,
        None,
        Some(family_of(app, &t)),
        Expect::Refused("invalid_grant"),
    );
    let [_, _, t] = family(app, &clients[0], "alice").await;
    let f = Some(family_of(app, &t));
    case(
        "wider scope",
        0,
        &t,
        Some("read admin"),
        f,
        Expect::Refused("invalid_scope"),
    );
    let [_, _, t] = family(app, &clients[0], "alice").await;
    let f = Some(family_of(app, &t));
    case(
        "narrower scope",
        0,
        &t,
        Some("read"),
        f,
        Expect::Rotated("read"),
    );
    let [_, _, old3] = family_before_handles(app, &clients[0]);
    let f = Some(family_of(app, &old3));
    case(
        "current from before handles",
        0,
        &old3,
        None,
        f,
        Expect::Rotated("read write"),
    );
    let [old1b, _, old3b] = family_before_handles(app, &clients[0]);
    let f = Some(family_of(app, &old3b));
    case(
        "older from before handles",
        0,
        &old1b,
        None,
        f,
        Expect::Reuse,
    );
    cases
}

/// A family as the release before handles left it after the upgrade (`upgrade.rs` runs
/// the real migration): current and previous in the row, every old token kept by hash.
fn family_before_handles(app: &TestApp, client: &TestClient) -> [String; 3] {
    let user = app.db.user_id("alice");
    let family = latchkey::domain::FamilyId::generate().to_string();
    let tokens = [(); 3].map(|_| Secret::<()>::generate());
    let [h1, h2, h3] = [0, 1, 2].map(|i| tokens[i].hash().as_str().to_owned());
    let (hour_ago, week) = (db_time(-TimeDelta::hours(1)), db_time(TimeDelta::days(7)));
    let client = &client.id;
    app.db.sql(&format!(
        "INSERT INTO refresh_token_families (id, user_id, client_id, scope, auth_time, \
         created_at, last_used_at, idle_expires_at, absolute_expires_at, generation, \
         current_hash, previous_hash) VALUES ('{family}', '{user}', '{client}', 'read write', \
         '{hour_ago}', '{hour_ago}', '{hour_ago}', '{week}', '{week}', 3, '{h3}', '{h2}')"
    ));
    for (generation, hash) in [(1, &h1), (2, &h2), (3, &h3)] {
        app.db.sql(&format!(
            "INSERT INTO legacy_refresh_tokens (token_hash, family_id, generation, issued_at, \
             idle_expires_at) VALUES ('{hash}', '{family}', {generation}, '{hour_ago}', '{week}')"
        ));
    }
    tokens.map(|t| t.expose().to_owned())
}

/// A write lock taken from outside the server: its rotation writer waits behind it while
/// requests queue up.
struct WriteHold(AnyConnection);

impl WriteHold {
    fn take(db: &TestDatabase) -> WriteHold {
        let mut conn = db.connect();
        let lock = match conn {
            AnyConnection::Sqlite(_) => "BEGIN IMMEDIATE",
            AnyConnection::Postgres(_) => "BEGIN; SELECT id FROM refresh_token_families FOR UPDATE",
        };
        conn.batch_execute(lock).unwrap();
        WriteHold(conn)
    }

    fn release(mut self) {
        self.0.batch_execute("COMMIT").unwrap();
    }
}

async fn send(app: &TestApp, clients: &[TestClient], case: &Case) -> (u16, serde_json::Value) {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", case.token.as_str()),
    ];
    if let Some(scope) = case.scope {
        form.push(("scope", scope));
    }
    let response = clients[case.client].token(app, &form).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn family_state(app: &TestApp, family: &str) -> (String, Option<String>) {
    let generation = app
        .db
        .text(&format!(
            "SELECT CAST(generation AS TEXT) AS value FROM refresh_token_families WHERE id = '{family}'"
        ))
        .unwrap();
    let reason = app.db.text(&format!(
        "SELECT revoked_reason AS value FROM refresh_token_families WHERE id = '{family}'"
    ));
    (generation, reason)
}

async fn every_case(backend: Backend, together: bool) {
    let app = TestApp::spawn_on(
        TestDatabase::create(backend),
        &["--refresh-reuse-grace", "30s"],
    )
    .await;
    app.user("alice").await;
    app.user("bob").await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(app.client(ClientSpec::skip_consent()).await);
    }
    let cases = prepare(&app, &clients).await;
    let before: Vec<_> = cases
        .iter()
        .map(|case| case.family.as_deref().map(|f| family_state(&app, f)))
        .collect();

    let answers = if together {
        let hold = WriteHold::take(&app.db);
        let release = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            hold.release();
        };
        let (answers, ()) = tokio::join!(
            join_all(cases.iter().map(|case| send(&app, &clients, case))),
            release
        );
        answers
    } else {
        let mut answers = Vec::new();
        for case in &cases {
            answers.push(send(&app, &clients, case).await);
        }
        answers
    };

    for ((case, (status, body)), before) in cases.iter().zip(answers).zip(before) {
        let name = case.name;
        let after = case.family.as_deref().map(|f| family_state(&app, f));
        match &case.expect {
            Expect::Rotated(scope) => {
                assert_eq!(status, 200, "{name}: {body}");
                assert_eq!(body["scope"], *scope, "{name}");
                let (generation, reason) = after.unwrap();
                let (was, _) = before.unwrap();
                let next = was.parse::<i64>().unwrap() + 1;
                assert_eq!(generation, next.to_string(), "{name}: one rotation");
                assert_eq!(reason, None, "{name}");
            }
            Expect::Refused(error) => {
                assert_eq!(
                    (status, body["error"].as_str()),
                    (400, Some(*error)),
                    "{name}"
                );
                assert_eq!(after, before, "{name}: nothing changed");
            }
            Expect::Reuse => {
                assert_eq!(
                    (status, body["error"].as_str()),
                    (400, Some("invalid_grant")),
                    "{name}"
                );
                let (generation, reason) = after.unwrap();
                assert_eq!(generation, before.unwrap().0, "{name}: not rotated");
                assert_eq!(reason.as_deref(), Some("refresh_token_reuse"), "{name}");
            }
        }
    }
}

async fn every_case_alone(backend: Backend) {
    every_case(backend, false).await;
}

async fn every_case_in_one_batch(backend: Backend) {
    every_case(backend, true).await;
}

on_both_backends!(every_case_alone, every_case_in_one_batch);
