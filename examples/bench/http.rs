//! The three token-endpoint workloads over keep-alive HTTP/1.1, each request authenticated
//! with HTTP Basic as a confidential client.

use std::time::Duration;

use crate::drive::Outcome;

#[derive(Clone)]
pub struct Target {
    pub http: reqwest::Client,
    pub base: String,
    pub client_id: String,
    pub client_secret: String,
}

impl Target {
    pub fn new(base: &str, client_id: &str, client_secret: &str, connections: usize) -> Self {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|e| crate::fail(&format!("cannot build the HTTP client: {e}")));
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
        }
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Result<serde_json::Value, Outcome> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .form(form)
            .send()
            .await
            .map_err(|e| Outcome::Failed(transport(&e)))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|e| Outcome::Failed(format!("{}/unreadable body: {e}", status.as_u16())))?;
        if status.is_success() {
            return Ok(body);
        }
        let error = body["error"].as_str().unwrap_or("no error code");
        let kind = format!("{}/{error}", status.as_u16());
        Err(if error == "invalid_grant" {
            Outcome::Retire(kind)
        } else {
            Outcome::Failed(kind)
        })
    }

    /// One refresh; the state is the user's current refresh token, replaced on success.
    pub async fn refresh(&self, token: String) -> (String, Outcome) {
        match self
            .post(
                "/token",
                &[("grant_type", "refresh_token"), ("refresh_token", &token)],
            )
            .await
        {
            Ok(body) => match body["refresh_token"].as_str() {
                Some(next) if next != token => (next.to_owned(), Outcome::Ok { rotated: true }),
                _ => (token, Outcome::Ok { rotated: false }),
            },
            Err(outcome) => (token, outcome),
        }
    }

    pub async fn client_credentials(&self) -> Outcome {
        match self
            .post("/token", &[("grant_type", "client_credentials")])
            .await
        {
            Ok(body) if body["access_token"].is_string() => Outcome::Ok { rotated: true },
            Ok(_) => Outcome::Failed("200/no access_token".into()),
            Err(outcome) => outcome,
        }
    }

    /// Introspects `token` (an access token); a success must say it is active.
    pub async fn introspect(&self, token: String) -> (String, Outcome) {
        let outcome = match self.post("/introspect", &[("token", &token)]).await {
            Ok(body) if body["active"] == true => Outcome::Ok { rotated: true },
            Ok(_) => Outcome::Failed("200/inactive".into()),
            Err(outcome) => outcome,
        };
        (token, outcome)
    }

    /// The access token of one refresh, for the introspection workload; the refresh token
    /// it spends is not needed again.
    pub async fn access_token_from(&self, refresh_token: &str) -> Result<String, String> {
        match self
            .post(
                "/token",
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
            )
            .await
        {
            Ok(body) => body["access_token"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "no access token in the refresh response".into()),
            Err(Outcome::Failed(kind) | Outcome::Retire(kind)) => Err(kind),
            Err(Outcome::Ok { .. }) => Err("unexpected outcome".into()),
        }
    }
}

fn transport(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connect"
    } else if error.is_timeout() {
        "timeout"
    } else {
        "other"
    };
    format!("transport/{kind}")
}
