//! The client's side of OAuth 2.0 against a test server: PKCE, the authorization request
//! and the redirect it ends in, token requests and how their answers read, and the whole
//! code flow from a browser to a pair of tokens.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Response;

use crate::browser::Browser;
use crate::fixtures::{REDIRECT, TestClient};
use crate::helpers::{TestApp, http_client};

/// A PKCE pair (RFC 7636): the verifier the client keeps and the S256 challenge it sends.
pub fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(latchkey::domain::random_bytes::<32>());
    let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()).as_ref());
    (verifier, challenge)
}

/// The path and query of an authorization request with PKCE and a state.
pub fn authorize_path(client_id: &str, challenge: &str, extra: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", "xyz-state")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    for (name, value) in extra {
        query.append_pair(name, value);
    }
    format!("/authorize?{}", query.finish())
}

/// The query parameters of a redirect to the client.
pub fn query_of(url: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A token response, as a client reads it.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    pub body: serde_json::Value,
}

impl TestClient {
    /// POSTs a token request with this client's credentials: HTTP Basic for a
    /// confidential client, `client_id` in the body for a public one.
    pub async fn token(&self, app: &TestApp, form: &[(&str, &str)]) -> Response {
        self.token_at(&app.address, form).await
    }

    pub async fn token_at(&self, address: &str, form: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        let http = http_client();
        let mut request = http.post(format!("{address}/token"));
        match &self.secret {
            Some(secret) => request = request.basic_auth(&self.id, Some(secret)),
            None => form.push(("client_id", &self.id)),
        }
        request.form(&form).send().await.unwrap()
    }

    pub async fn refresh(&self, app: &TestApp, refresh_token: &str) -> Response {
        self.token(
            app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// Exchanges a code with its verifier.
    pub async fn exchange(&self, app: &TestApp, code: &str, verifier: &str) -> Response {
        self.exchange_at(&app.address, code, verifier).await
    }

    pub async fn exchange_at(&self, address: &str, code: &str, verifier: &str) -> Response {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ];
        self.token_at(address, &form).await
    }
}

/// Reads a successful token response.
pub async fn tokens(response: Response) -> Tokens {
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    Tokens {
        access: body["access_token"].as_str().unwrap().to_owned(),
        refresh: body["refresh_token"].as_str().map(str::to_owned),
        body,
    }
}

/// Reads an error response: its status and RFC 6749 error code.
pub async fn oauth_error(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "errors are JSON"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

/// Presents a refresh token that must be refused with a 400; returns the error code.
pub async fn refused(app: &TestApp, client: &TestClient, token: &str) -> String {
    let (status, error) = oauth_error(client.refresh(app, token).await).await;
    assert_eq!(status, 400);
    error
}

impl Browser {
    /// A fresh code for `client` (PKCE), with its verifier.
    pub async fn code(
        &self,
        client: &TestClient,
        username: &str,
        extra: &[(&str, &str)],
    ) -> (String, String) {
        let (verifier, challenge) = pkce();
        let redirect = self
            .authorize(&authorize_path(&client.id, &challenge, extra), username)
            .await;
        let code = query_of(&redirect)
            .remove("code")
            .unwrap_or_else(|| panic!("no code in {redirect}"));
        (code, verifier)
    }

    /// A fresh family: code flow and exchange.
    pub async fn tokens(&self, client: &TestClient, username: &str) -> Tokens {
        let (code, verifier) = self.code(client, username, &[]).await;
        tokens(client.exchange_at(&self.base, &code, &verifier).await).await
    }
}
