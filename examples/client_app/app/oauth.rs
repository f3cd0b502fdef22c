//! The app's side of OAuth: the authorization URL with PKCE, and the token endpoint for
//! the code exchange, refreshes and revocation. Each failure is sorted into what the app
//! should do about it (`GrantError`).

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::{Config, Now};

/// Tokens as the app keeps them: on the server, never in the browser.
#[derive(Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    /// When the access token expires, by our clock (`expires_in` from when we asked).
    pub expires_at: i64,
}

#[derive(Debug)]
pub enum GrantError {
    /// `invalid_grant`: the refresh token (or code) is dead: expired, revoked, or already
    /// used. Only a new login helps.
    LoginAgain,
    /// Latchkey refused the app itself (`invalid_client`, `unauthorized_client`, ...): a
    /// configuration problem for the operator, not the user.
    Refused(String),
    /// No answer, or a 5xx: keep the tokens and try again later.
    Unavailable(String),
}

#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    revocation_endpoint: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: i64,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
}

pub struct OAuth {
    http: reqwest::Client,
    config: Config,
    metadata: Metadata,
    now: Now,
}

/// A fresh value of 256 random bits, base64url: for `state`, PKCE verifiers, session ids.
pub fn random_token() -> Result<String, aws_lc_rs::error::Unspecified> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl OAuth {
    /// Reads Latchkey's metadata document (RFC 8414): no endpoint is configured by hand.
    pub async fn discover(
        http: reqwest::Client,
        config: Config,
        now: Now,
    ) -> Result<OAuth, String> {
        let url = format!(
            "{}/.well-known/oauth-authorization-server",
            config.issuer.trim_end_matches('/')
        );
        let metadata: Metadata = http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("{url}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if metadata.issuer != config.issuer {
            return Err(format!(
                "{url} names issuer {}, not {}",
                metadata.issuer, config.issuer
            ));
        }
        Ok(OAuth {
            http,
            config,
            metadata,
            now,
        })
    }

    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    pub fn api(&self) -> &str {
        &self.config.api
    }

    pub fn secure_cookies(&self) -> bool {
        self.config.redirect_uri.starts_with("https://")
    }

    pub fn now(&self) -> i64 {
        (self.now)()
    }

    /// Where to send the browser: a code request with PKCE (S256) for our API.
    pub fn authorization_url(&self, state: &str, verifier: &str) -> String {
        let challenge = URL_SAFE_NO_PAD.encode(digest(&SHA256, verifier.as_bytes()).as_ref());
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("scope", &self.config.scope)
            .append_pair("state", state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("resource", &self.config.api)
            .finish();
        format!("{}?{query}", self.metadata.authorization_endpoint)
    }

    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<Tokens, GrantError> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.config.redirect_uri),
            ("code_verifier", verifier),
        ])
        .await
    }

    /// One refresh. The answer carries a new refresh token: the one sent is now spent,
    /// and sending it again would look like theft to Latchkey.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, GrantError> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    /// Ends the refresh-token family at Latchkey (RFC 7009). Best effort: the user is
    /// signed out of this app whatever Latchkey answers.
    pub async fn revoke(&self, refresh_token: &str) {
        let Some(endpoint) = &self.metadata.revocation_endpoint else {
            return;
        };
        let request = self.authenticated(endpoint).form(&[
            ("token", refresh_token),
            ("token_type_hint", "refresh_token"),
        ]);
        if let Err(e) = request.send().await {
            eprintln!("revocation failed: {e}");
        }
    }

    /// `client_secret_basic`, with id and secret form-encoded first (RFC 6749 2.3.1).
    fn authenticated(&self, endpoint: &str) -> reqwest::RequestBuilder {
        let encode =
            |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        self.http.post(endpoint).basic_auth(
            encode(&self.config.client_id),
            Some(encode(&self.config.client_secret)),
        )
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Tokens, GrantError> {
        let asked_at = self.now();
        let response = self
            .authenticated(&self.metadata.token_endpoint)
            .form(form)
            .send()
            .await
            .map_err(|e| GrantError::Unavailable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            let body: TokenResponse = response
                .json()
                .await
                .map_err(|e| GrantError::Unavailable(e.to_string()))?;
            return Ok(Tokens {
                access: body.access_token,
                refresh: body.refresh_token,
                expires_at: asked_at + body.expires_in,
            });
        }
        if status.is_server_error() {
            return Err(GrantError::Unavailable(format!(
                "Latchkey answered {status}"
            )));
        }
        let error = response
            .json::<ErrorResponse>()
            .await
            .map(|body| body.error)
            .unwrap_or_else(|_| status.to_string());
        Err(match error.as_str() {
            "invalid_grant" => GrantError::LoginAgain,
            "temporarily_unavailable" => GrantError::Unavailable(error),
            _ => GrantError::Refused(error),
        })
    }
}
