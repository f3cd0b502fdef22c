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
    duplicate.assert_error_mentions("already exists");

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

/// The one user `user list --json` shows by this name.
async fn listed(url: &str, name: &str) -> serde_json::Value {
    let users = latchkey(url, &["user", "list", "--json"], None).await;
    let users = users.assert_ok().json();
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["username"] == name)
        .unwrap_or_else(|| panic!("no {name} in {users}"))
        .clone()
}

async fn profiles_are_set_from_the_cli(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    latchkey(
        url,
        &[
            "user",
            "create",
            "alice",
            "--password-stdin",
            "--email",
            "Alice@Example.COM",
            "--email-verified",
            "--display-name",
            "Alice Liddell",
        ],
        Some("long enough pw\n"),
    )
    .await
    .assert_ok();
    let alice = listed(url, "alice").await;
    assert_eq!(alice["email"], "Alice@example.com", "the domain is folded");
    assert_eq!(alice["email_verified"], true);
    assert_eq!(alice["display_name"], "Alice Liddell");

    latchkey(
        url,
        &["user", "create", "bob", "--password-stdin"],
        Some("long enough pw\n"),
    )
    .await
    .assert_ok();
    let bob = listed(url, "bob").await;
    assert!(
        bob["email"].is_null() && bob["display_name"].is_null(),
        "{bob}"
    );
    assert_eq!(bob["email_verified"], false);

    let set_email = |args: &'static [&'static str]| async move {
        let mut all = vec!["user", "set-email"];
        all.extend_from_slice(args);
        latchkey(url, &all, None).await
    };
    // The address she already has keeps its verification; a new one loses it unless
    // the admin says it is checked.
    set_email(&["alice", "Alice@example.com"]).await.assert_ok();
    assert_eq!(listed(url, "alice").await["email_verified"], true);
    let changed = set_email(&["alice", "alice@example.org"]).await;
    assert!(
        changed.assert_ok().stdout.contains("(not verified)"),
        "{}",
        changed.stdout
    );
    let alice = listed(url, "alice").await;
    assert_eq!(alice["email"], "alice@example.org");
    assert_eq!(alice["email_verified"], false);
    set_email(&["alice", "alice@example.org", "--email-verified"])
        .await
        .assert_ok();
    assert_eq!(listed(url, "alice").await["email_verified"], true);
    set_email(&["alice", "--clear"]).await.assert_ok();
    let alice = listed(url, "alice").await;
    assert!(alice["email"].is_null(), "{alice}");
    assert_eq!(alice["email_verified"], false);
    assert_eq!(alice["display_name"], "Alice Liddell", "the name stays");

    latchkey(
        url,
        &["user", "set-display-name", "bob", "Bob Builder"],
        None,
    )
    .await
    .assert_ok();
    assert_eq!(listed(url, "bob").await["display_name"], "Bob Builder");
    latchkey(url, &["user", "set-display-name", "bob", "--clear"], None)
        .await
        .assert_ok();
    assert!(listed(url, "bob").await["display_name"].is_null());

    let text = latchkey(url, &["user", "list"], None).await;
    assert!(text.assert_ok().stdout.contains("EMAIL"), "{}", text.stdout);
    // Three changes to alice, two to bob: setting the address she had changed nothing.
    assert_eq!(
        db.count("FROM security_events WHERE kind = 'profile_changed'"),
        5
    );
}

async fn bad_profile_input_is_a_one_line_error(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    latchkey(
        url,
        &[
            "user",
            "create",
            "bob",
            "--password-stdin",
            "--email",
            "bob@example.com",
        ],
        Some("long enough pw\n"),
    )
    .await
    .assert_ok();

    let bad = latchkey(
        url,
        &[
            "user",
            "create",
            "carol",
            "--password-stdin",
            "--email",
            "carol",
        ],
        Some("long enough pw\n"),
    )
    .await;
    bad.assert_error_mentions("not a valid email address");

    let unverifiable = latchkey(
        url,
        &[
            "user",
            "create",
            "carol",
            "--password-stdin",
            "--email-verified",
        ],
        Some("long enough pw\n"),
    )
    .await;
    unverifiable.assert_error_mentions("--email");

    for args in [
        &["user", "set-email", "bob", "bob@localhost"][..],
        &["user", "set-email", "bob", "<bob@example.com>"][..],
        &["user", "set-email", "bob"][..],
        &["user", "set-email", "bob", "--clear", "--email-verified"][..],
        &["user", "set-email", "nobody", "nobody@example.com"][..],
        &["user", "set-display-name", "bob", "tab\there"][..],
        &["user", "set-display-name", "bob"][..],
        &["user", "set-display-name", "nobody", "Nobody"][..],
    ] {
        latchkey(url, args, None).await.assert_one_line_error();
    }

    let users = latchkey(url, &["user", "list", "--json"], None).await;
    let users = users.assert_ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1, "no carol: {users}");
    assert_eq!(users[0]["email"], "bob@example.com", "unchanged");
    assert!(users[0]["display_name"].is_null());
}

on_both_backends!(
    users_round_trip_through_the_cli,
    bad_user_input_is_a_one_line_error,
    password_change_and_disable_revoke_families,
    profiles_are_set_from_the_cli,
    bad_profile_input_is_a_one_line_error,
);
