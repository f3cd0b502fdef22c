//! An upgrade from the layout that kept one row per issued refresh token: families live at
//! the upgrade keep working with the tokens their clients hold, and every token issued
//! before it is still told apart as the current one or a reuse.

use chrono::TimeDelta;
use latchkey::domain::Secret;

use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::{refused, tokens};
use crate::on_both_backends;
use crate::rotation_paths::db_time;

const HANDLES_MIGRATION: &str = "20261202000001";

/// Takes the schema back to before refresh-token handles, with the migration's own down.sql.
fn downgrade(db: &TestDatabase, backend: Backend) {
    let down = match backend {
        Backend::Sqlite => {
            include_str!("../../migrations/sqlite/2026-12-02-000001_refresh_token_handles/down.sql")
        }
        Backend::Postgres => include_str!(
            "../../migrations/postgres/2026-12-02-000001_refresh_token_handles/down.sql"
        ),
    };
    for statement in down.split(';') {
        let code: Vec<&str> = statement
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect();
        if !code.join("").trim().is_empty() {
            db.sql(&code.join("\n"));
        }
    }
    db.sql(&format!(
        "DELETE FROM __diesel_schema_migrations WHERE version = '{HANDLES_MIGRATION}'"
    ));
}

/// A family at generation 3 as the previous release stored it: three token rows, the
/// first two rotated. Returns the tokens, oldest first.
fn family_before_handles(db: &TestDatabase, user: &str, client: &str) -> [String; 3] {
    let (day_ago, now, week) = (
        db_time(-TimeDelta::days(1)),
        db_time(TimeDelta::zero()),
        db_time(TimeDelta::days(7)),
    );
    let family = latchkey::domain::FamilyId::generate().to_string();
    db.sql(&format!(
        "INSERT INTO refresh_token_families (id, user_id, client_id, scope, auth_time, \
         created_at, last_used_at, idle_expires_at, absolute_expires_at, generation) VALUES \
         ('{family}', '{user}', '{client}', 'read write', '{day_ago}', '{day_ago}', '{now}', \
         '{week}', '{}', 3)",
        db_time(TimeDelta::days(29))
    ));
    let tokens = [(); 3].map(|_| Secret::<()>::generate());
    for (generation, token) in (1..).zip(&tokens) {
        let used = if generation < 3 {
            format!("'{now}'")
        } else {
            "NULL".into()
        };
        db.sql(&format!(
            "INSERT INTO refresh_tokens (token_hash, family_id, generation, issued_at, \
             idle_expires_at, used_at) VALUES ('{}', '{family}', {generation}, '{day_ago}', \
             '{week}', {used})",
            token.hash().as_str()
        ));
    }
    tokens.map(|t| t.expose().to_owned())
}

async fn families_from_before_handles_keep_rotating_and_still_detect_reuse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let TestApp { db, server, .. } = app;
    drop(server);
    downgrade(&db, backend);
    let user = db.user_id("alice");
    let [a1, _a2, a3] = family_before_handles(&db, &user, &client.id);
    let [b1, b2, b3] = family_before_handles(&db, &user, &client.id);

    // The new release migrates on start.
    let app = TestApp::spawn_on(db, &[]).await;
    assert_eq!(
        app.db.count(
            "FROM refresh_token_families WHERE current_hash IS NOT NULL \
             AND previous_hash IS NOT NULL AND handle_hash IS NULL"
        ),
        2,
        "current and previous tokens moved into the family rows"
    );

    // The token a client holds keeps working, and the family moves to the new format.
    let a4 = tokens(client.refresh(&app, &a3).await)
        .await
        .refresh
        .unwrap();
    assert_eq!(a4.len(), 86);
    let a5 = tokens(client.refresh(&app, &a4).await)
        .await
        .refresh
        .unwrap();
    assert_eq!(
        app.db
            .count("FROM refresh_token_families WHERE generation = 5 AND handle_hash IS NOT NULL"),
        1
    );
    // A token from before the upgrade, rotated before it: theft, as it was.
    assert_eq!(refused(&app, &client, &a1).await, "invalid_grant");
    assert_eq!(
        refused(&app, &client, &a5).await,
        "invalid_grant",
        "the family is revoked"
    );

    // Its previous token, with no grace, is a reuse too; then the current one is dead.
    assert_eq!(refused(&app, &client, &b2).await, "invalid_grant");
    assert_eq!(refused(&app, &client, &b3).await, "invalid_grant");
    assert_eq!(refused(&app, &client, &b1).await, "invalid_grant");
    assert_eq!(
        app.db
            .count("FROM security_events WHERE kind = 'refresh_token_reuse_detected'"),
        2,
        "one detection per family; replays into a revoked family are refused quietly"
    );
    assert_eq!(
        app.db
            .count("FROM refresh_token_families WHERE revoked_reason = 'refresh_token_reuse'"),
        2
    );

    // purge takes the kept tokens with their families once those expire.
    app.clock.advance(TimeDelta::days(31));
    app.services.purge().await.unwrap();
    assert_eq!(app.db.count("FROM legacy_refresh_tokens"), 0);
}

on_both_backends!(families_from_before_handles_keep_rotating_and_still_detect_reuse);
