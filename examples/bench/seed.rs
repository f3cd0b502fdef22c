//! Seeds refresh tokens the way a real app gets them: log in once, then for each family
//! run `/authorize` with PKCE and exchange the code at `/token`. The client must be
//! registered with `--skip-consent`.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::http::Target;

pub struct Login<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub redirect_uri: &'a str,
}

pub async fn refresh_tokens(
    target: &Target,
    login: &Login<'_>,
    count: usize,
) -> Result<Vec<String>, String> {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let base = &target.base;
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let csrf = field(&page, "csrf_token").ok_or("no CSRF token on the login page")?;
    let logged_in = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", login.username),
            ("password", login.password),
            ("csrf_token", &csrf),
            ("return_to", "/"),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if logged_in.status() != 303 {
        return Err(format!("login failed: {}", logged_in.status()));
    }
    let mut tokens = Vec::with_capacity(count);
    for _ in 0..count {
        tokens.push(one_family(&http, target, login.redirect_uri).await?);
    }
    Ok(tokens)
}

async fn one_family(
    http: &reqwest::Client,
    target: &Target,
    redirect_uri: &str,
) -> Result<String, String> {
    let verifier = URL_SAFE_NO_PAD.encode(latchkey::domain::random_bytes::<32>());
    let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()).as_ref());
    let authorize = http
        .get(format!("{}/authorize", target.base))
        .query(&[
            ("response_type", "code"),
            ("client_id", target.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = authorize
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("no redirect from /authorize (is the client registered with --skip-consent?)")?;
    let code = url::Url::parse(location)
        .map_err(|e| e.to_string())?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| format!("no code in the redirect: {location}"))?;
    let tokens: serde_json::Value = http
        .post(format!("{}/token", target.base))
        .basic_auth(&target.client_id, Some(&target.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    tokens["refresh_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no refresh token in {tokens}"))
}

/// The value of a hidden form field.
fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}
