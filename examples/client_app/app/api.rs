//! Calling the resource server with the session's access token. A 401 with
//! `error="invalid_token"` means the token expired or was revoked: refresh once and retry
//! once. If the refresh says `invalid_grant`, the user must log in again.

use serde_json::Value;

use super::oauth::{GrantError, OAuth};
use super::session::Session;

pub async fn get(
    http: &reqwest::Client,
    oauth: &OAuth,
    session: &Session,
    path: &str,
) -> Result<Value, GrantError> {
    let url = format!("{}{path}", oauth.api());
    let token = session.access_token(oauth).await?;
    let mut response = send(http, &url, &token).await?;
    if token_rejected(&response) {
        let fresh = session.access_token_after_rejection(oauth, &token).await?;
        response = send(http, &url, &fresh).await?;
    }
    let status = response.status();
    if !status.is_success() {
        return Err(GrantError::Refused(format!(
            "the API answered {status} for {path}"
        )));
    }
    response
        .json()
        .await
        .map_err(|e| GrantError::Unavailable(e.to_string()))
}

async fn send(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> Result<reqwest::Response, GrantError> {
    http.get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| GrantError::Unavailable(e.to_string()))
}

fn token_rejected(response: &reqwest::Response) -> bool {
    response.status() == reqwest::StatusCode::UNAUTHORIZED
        && response
            .headers()
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.contains("error=\"invalid_token\""))
}
