//! Seeds refresh tokens for a load test by running the real authorization-code flow
//! with PKCE against a running Latchkey, one family per token, and prints one refresh
//! token per line (the format `refresh-load --seed-file` reads).
//!
//! ```sh
//! cargo run --release --example seed_refresh_tokens -- \
//!     http://127.0.0.1:8080 USER PASSWORD CLIENT_ID CLIENT_SECRET REDIRECT_URI COUNT > tokens.txt
//! ```
//!
//! The client must be registered with `--skip-consent` and the redirect URI given.
//! Talks only to the address it is given.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, user, password, client_id, secret, redirect, count] = args.as_slice() else {
        return Err("usage: BASE USER PASSWORD CLIENT_ID CLIENT_SECRET REDIRECT_URI COUNT".into());
    };
    let count: usize = count.parse()?;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    let page = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = field(&page, "csrf_token").ok_or("no CSRF token on the login page")?;
    let login = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", user.as_str()),
            ("password", password),
            ("csrf_token", &csrf),
            ("return_to", "/"),
        ])
        .send()
        .await?;
    if login.status() != 303 {
        return Err(format!("login failed: {}", login.status()).into());
    }

    for _ in 0..count {
        let verifier = URL_SAFE_NO_PAD.encode(latchkey::domain::random_bytes::<32>());
        let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()).as_ref());
        let authorize = http
            .get(format!("{base}/authorize"))
            .query(&[
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", redirect),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await?;
        let location = authorize
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or("no redirect from /authorize (is the client registered with --skip-consent?)")?;
        let code = url::Url::parse(location)?
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .ok_or("no code in the redirect")?;
        let tokens: serde_json::Value = http
            .post(format!("{base}/token"))
            .basic_auth(client_id, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect),
                ("code_verifier", &verifier),
            ])
            .send()
            .await?
            .json()
            .await?;
        let refresh = tokens["refresh_token"].as_str().ok_or("no refresh token")?;
        println!("{refresh}");
    }
    Ok(())
}

/// The value of a hidden form field.
fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}
