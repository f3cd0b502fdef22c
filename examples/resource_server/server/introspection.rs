//! Asking Latchkey whether a token is still active (RFC 7662), for the routes that must
//! stop the moment a user revokes the app: an access token stays valid offline until it
//! expires, but introspection sees its family revoked at once. It costs a round trip per
//! request, so only routes that need it use it.

use serde::Deserialize;

use super::ClientCredentials;

pub struct Introspector {
    http: reqwest::Client,
    endpoint: String,
    credentials: ClientCredentials,
}

#[derive(Deserialize)]
struct Answer {
    active: bool,
}

impl Introspector {
    pub fn new(
        http: reqwest::Client,
        endpoint: String,
        credentials: ClientCredentials,
    ) -> Introspector {
        Introspector {
            http,
            endpoint,
            credentials,
        }
    }

    /// `Err` when Latchkey cannot answer: the caller fails closed.
    pub async fn is_active(&self, token: &str) -> Result<bool, String> {
        // RFC 6749 section 2.3.1: id and secret are form-encoded before Basic encoding.
        let encode =
            |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        let request = self
            .http
            .post(&self.endpoint)
            .basic_auth(
                encode(&self.credentials.id),
                Some(encode(&self.credentials.secret)),
            )
            .form(&[("token", token), ("token_type_hint", "access_token")]);
        let answer: Answer = super::fetch_json(request).await?;
        Ok(answer.active)
    }
}
