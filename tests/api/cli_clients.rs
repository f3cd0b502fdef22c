use crate::binary::latchkey;
use crate::helpers::{Backend, TestDatabase};
use crate::on_both_backends;

async fn clients_round_trip_through_the_cli(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();

    let created = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "Web App",
            "--redirect-uri",
            "https://app.example.com/cb",
            "http://127.0.0.1:9000/cb",
            "--scope",
            "read write",
            "--json",
        ],
        None,
    )
    .await;
    let created = created.assert_ok().json();
    let id = created["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 43, "256 bits, base64url");

    // Only the SHA-256 of the secret is stored.
    let stored = db
        .text(&format!(
            "SELECT secret_hash AS value FROM clients WHERE id = '{id}'"
        ))
        .unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&secret));

    let public = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "Mobile",
            "--public",
            "--redirect-uri",
            "com.example.app:/cb",
            "--skip-consent",
            "--json",
        ],
        None,
    )
    .await;
    let public = public.assert_ok().json();
    assert!(public["client_secret"].is_null());

    let machine = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "Batch",
            "--grant-type",
            "client_credentials",
            "--scope",
            "reports",
            "--json",
        ],
        None,
    )
    .await;
    machine.assert_ok();

    let shown = latchkey(url, &["client", "show", &id, "--json"], None).await;
    let shown = shown.assert_ok().json();
    assert_eq!(shown["name"], "Web App");
    assert_eq!(shown["public"], false);
    assert_eq!(shown["scope"], "read write");
    assert_eq!(
        shown["grant_types"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        shown["redirect_uris"],
        serde_json::json!(["https://app.example.com/cb", "http://127.0.0.1:9000/cb"]),
        "kept as registered and in order"
    );

    let listed = latchkey(url, &["client", "list", "--json"], None).await;
    assert_eq!(listed.assert_ok().json().as_array().unwrap().len(), 3);

    let rotated = latchkey(url, &["client", "rotate-secret", &id, "--json"], None).await;
    let new_secret = rotated.assert_ok().json()["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_secret, secret);
    let restored = db
        .text(&format!(
            "SELECT secret_hash AS value FROM clients WHERE id = '{id}'"
        ))
        .unwrap();
    assert_ne!(restored, stored, "the old secret's hash is gone");

    latchkey(url, &["client", "disable", &id], None)
        .await
        .assert_ok();
    let shown = latchkey(url, &["client", "show", &id, "--json"], None).await;
    assert_eq!(shown.assert_ok().json()["enabled"], false);

    let text = latchkey(url, &["client", "show", &id], None).await;
    assert!(
        text.assert_ok()
            .stdout
            .contains("https://app.example.com/cb")
    );
}

async fn bad_client_input_is_a_one_line_error(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    for args in [
        // Malformed or unsafe redirect URIs.
        &[
            "client",
            "create",
            "--name",
            "x",
            "--redirect-uri",
            "not a uri",
        ][..],
        &[
            "client",
            "create",
            "--name",
            "x",
            "--redirect-uri",
            "http://evil.example/cb",
        ][..],
        &[
            "client",
            "create",
            "--name",
            "x",
            "--redirect-uri",
            "https://a.example/cb#frag",
        ][..],
        &[
            "client",
            "create",
            "--name",
            "x",
            "--redirect-uri",
            "javascript:alert(1)",
        ][..],
        // Combinations RFC 6749 rules out.
        &[
            "client",
            "create",
            "--name",
            "x",
            "--public",
            "--grant-type",
            "client_credentials",
        ][..],
        &["client", "create", "--name", "x"][..],
        &[
            "client",
            "create",
            "--name",
            "x",
            "--grant-type",
            "implicit",
            "--redirect-uri",
            "https://a.example/cb",
        ][..],
        &[
            "client",
            "create",
            "--name",
            "x",
            "--redirect-uri",
            "https://a.example/cb",
            "--scope",
            "bad\"scope",
        ][..],
        // Unknown or malformed ids.
        &["client", "show", "00000000-0000-0000-0000-000000000000"][..],
        &["client", "show", "not-an-id"][..],
        &["client", "disable", "00000000-0000-0000-0000-000000000000"][..],
        &[
            "client",
            "rotate-secret",
            "00000000-0000-0000-0000-000000000000",
        ][..],
    ] {
        latchkey(url, args, None).await.assert_one_line_error();
    }

    let public = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "Mobile",
            "--public",
            "--redirect-uri",
            "com.example.app:/cb",
            "--json",
        ],
        None,
    )
    .await;
    let id = public.assert_ok().json()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotate = latchkey(url, &["client", "rotate-secret", &id], None).await;
    rotate.assert_one_line_error();
    assert!(rotate.stderr.contains("public"), "{}", rotate.stderr);

    let listed = latchkey(url, &["client", "list", "--json"], None).await;
    assert_eq!(listed.assert_ok().json().as_array().unwrap().len(), 1);
}

/// A relying party's registration: its ID-token algorithm gets a key of its own at once,
/// and its post-logout redirect URIs are kept as given.
async fn openid_client_flags_are_kept_and_checked(backend: Backend) {
    let db = TestDatabase::create(backend);
    let url = db.url_text.as_str();
    let created = latchkey(
        url,
        &[
            "client",
            "create",
            "--name",
            "Wiki",
            "--redirect-uri",
            "https://wiki.example.com/callback",
            "--scope",
            "openid profile email",
            "--id-token-alg",
            "RS256",
            "--post-logout-redirect-uri",
            "https://wiki.example.com/signed-out",
            "https://wiki.example.com/bye",
            "--json",
        ],
        None,
    )
    .await;
    let id = created.assert_ok().json()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = latchkey(url, &["client", "show", &id, "--json"], None).await;
    let shown = shown.assert_ok().json();
    assert_eq!(shown["id_token_alg"], "RS256");
    assert_eq!(
        shown["post_logout_redirect_uris"],
        serde_json::json!([
            "https://wiki.example.com/signed-out",
            "https://wiki.example.com/bye"
        ])
    );
    let text = latchkey(url, &["client", "show", &id], None).await;
    assert!(text.assert_ok().stdout.contains("id token alg:  RS256"));
    assert_eq!(
        db.count("FROM signing_keys WHERE alg = 'RS256' AND retired_at IS NULL"),
        1,
        "the client's algorithm has its active key"
    );

    for (flag, value, named) in [
        ("--id-token-alg", "HS256", "HS256"),
        ("--id-token-alg", "none", "none"),
        (
            "--post-logout-redirect-uri",
            "http://evil.example/out",
            "evil.example",
        ),
    ] {
        latchkey(
            url,
            &[
                "client",
                "create",
                "--name",
                "x",
                "--redirect-uri",
                "https://x.example/cb",
                flag,
                value,
            ],
            None,
        )
        .await
        .assert_error_mentions(named);
    }
}

on_both_backends!(
    clients_round_trip_through_the_cli,
    bad_client_input_is_a_one_line_error,
    openid_client_flags_are_kept_and_checked,
);
