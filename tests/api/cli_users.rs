use crate::binary::latchkey;
use crate::helpers::{Backend, TestDatabase};
use crate::on_both_backends;

async fn users_round_trip_through_the_cli(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();

    latchkey(
        url,
        &["user", "create", "Alice", "--password-stdin"],
        Some("correct horse battery\n"),
    )
    .await
    .assert_ok();
    latchkey(
        url,
        &["user", "create", "root", "--admin", "--password-stdin"],
        Some("another long one\n"),
    )
    .await
    .assert_ok();

    let users = latchkey(url, &["user", "list", "--json"], None).await;
    let users = users.assert_ok().json();
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "root"], "names are case-folded and sorted");
    assert_eq!(users[0]["is_admin"], false);
    assert_eq!(users[1]["is_admin"], true);

    let stored = db
        .text("SELECT password_hash AS value FROM users WHERE username = 'alice'")
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");

    latchkey(
        url,
        &["user", "set-password", "alice", "--password-stdin"],
        Some("a brand new secret\n"),
    )
    .await
    .assert_ok();
    let changed = db
        .text("SELECT password_hash AS value FROM users WHERE username = 'alice'")
        .unwrap();
    assert_ne!(changed, stored);

    latchkey(url, &["user", "disable", "alice"], None)
        .await
        .assert_ok();
    let users = latchkey(url, &["user", "list", "--json"], None).await;
    assert_eq!(users.assert_ok().json()[0]["enabled"], false);
    latchkey(url, &["user", "enable", "ALICE"], None)
        .await
        .assert_ok();
    let users = latchkey(url, &["user", "list", "--json"], None).await;
    assert_eq!(users.assert_ok().json()[0]["enabled"], true);

    let text = latchkey(url, &["user", "list"], None).await;
    assert!(text.assert_ok().stdout.contains("alice"));
}

async fn bad_user_input_is_a_one_line_error(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    latchkey(
        url,
        &["user", "create", "bob", "--password-stdin"],
        Some("long enough pw\n"),
    )
    .await
    .assert_ok();

    let duplicate = latchkey(
        url,
        &["user", "create", "BOB", "--password-stdin"],
        Some("long enough pw\n"),
    )
    .await;
    duplicate.assert_one_line_error();
    assert!(
        duplicate.stderr.contains("already exists"),
        "{}",
        duplicate.stderr
    );

    for args in [
        &["user", "disable", "nobody"][..],
        &["user", "enable", "nobody"][..],
        &["user", "set-password", "nobody", "--password-stdin"][..],
        &["user", "create", "has space", "--password-stdin"][..],
        &[
            "user",
            "create",
            "'; DROP TABLE users; --",
            "--password-stdin",
        ][..],
    ] {
        latchkey(url, args, Some("long enough pw\n"))
            .await
            .assert_one_line_error();
    }

    let short = latchkey(
        url,
        &["user", "create", "carol", "--password-stdin"],
        Some("short\n"),
    )
    .await;
    short.assert_one_line_error();
    assert!(short.stderr.contains("too short"), "{}", short.stderr);

    // Without a terminal and without --password-stdin there is nothing to prompt on.
    latchkey(url, &["user", "create", "dave"], None)
        .await
        .assert_one_line_error();

    let users = latchkey(url, &["user", "list", "--json"], None).await;
    assert_eq!(users.assert_ok().json().as_array().unwrap().len(), 1);
}

/// Changing a password and disabling a user revoke the user's refresh-token families,
/// in the same transaction as the change.
async fn password_change_and_disable_revoke_families(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    latchkey(
        url,
        &["user", "create", "erin", "--password-stdin"],
        Some("long enough pw\n"),
    )
    .await
    .assert_ok();
    let client = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "App",
            "--redirect-uri",
            "https://app.example/cb",
            "--json",
        ],
        None,
    )
    .await;
    let client_id = client.assert_ok().json()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_id = db
        .text("SELECT id AS value FROM users WHERE username = 'erin'")
        .unwrap();
    let family = |id: &str| {
        format!(
            "INSERT INTO refresh_token_families (id, user_id, client_id, scope, auth_time, created_at, \
             last_used_at, idle_expires_at, absolute_expires_at, generation) VALUES ('{id}', '{user_id}', \
             '{client_id}', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', \
             '2099-01-01 00:00:00', '2099-01-01 00:00:00', 1)"
        )
    };
    db.sql(&family("f1"));
    let changed = latchkey(
        url,
        &["user", "set-password", "erin", "--password-stdin"],
        Some("a new password!\n"),
    )
    .await;
    assert!(
        changed
            .assert_ok()
            .stdout
            .contains("1 refresh-token families revoked")
    );
    assert_eq!(
        db.text("SELECT revoked_reason AS value FROM refresh_token_families WHERE id = 'f1'")
            .as_deref(),
        Some("password_changed")
    );

    db.sql(&family("f2"));
    let disabled = latchkey(url, &["user", "disable", "erin"], None).await;
    assert!(
        disabled
            .assert_ok()
            .stdout
            .contains("1 refresh-token families revoked")
    );
    assert_eq!(
        db.text("SELECT revoked_reason AS value FROM refresh_token_families WHERE id = 'f2'")
            .as_deref(),
        Some("user_disabled")
    );
    assert_eq!(
        db.text("SELECT revoked_reason AS value FROM refresh_token_families WHERE id = 'f1'")
            .as_deref(),
        Some("password_changed"),
        "an already revoked family keeps its first reason"
    );
    let events =
        db.count("FROM security_events WHERE kind IN ('password_changed', 'user_disabled')");
    assert_eq!(events, 2);
}

on_both_backends!(
    users_round_trip_through_the_cli,
    bad_user_input_is_a_one_line_error,
    password_change_and_disable_revoke_families,
);
