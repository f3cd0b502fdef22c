//! A user's browser and a third-party client, driving the code flow over plain HTTP.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use latchkey::domain::{ClientName, GrantTypes, Password, RedirectUri, Resource, Scope, Username};
use latchkey::service::ClientRegistration;
use reqwest::Response;

use crate::helpers::{TestApp, http_client};

pub const REDIRECT: &str = "https://app.example.com/callback";
pub const PASSWORD: &str = "correct horse battery staple";

/// A registered client as its developer knows it.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub id: String,
    pub secret: Option<String>,
}

/// Options for registering a client in a test.
pub struct ClientSpec<'a> {
    pub public: bool,
    pub skip_consent: bool,
    pub scope: &'a str,
    pub grants: &'a str,
    pub redirect_uris: &'a [&'a str],
    pub resources: &'a [&'a str],
}

impl Default for ClientSpec<'_> {
    fn default() -> Self {
        Self {
            public: false,
            skip_consent: false,
            scope: "read write",
            grants: "authorization_code refresh_token",
            redirect_uris: &[REDIRECT],
            resources: &[],
        }
    }
}

impl TestApp {
    pub async fn user(&self, name: &str) {
        self.services
            .create_user(
                Username::parse(name).unwrap(),
                &Password::new_choice(PASSWORD.into()).unwrap(),
                false,
            )
            .await
            .unwrap();
    }

    pub async fn client(&self, spec: ClientSpec<'_>) -> TestClient {
        let registered = self
            .services
            .register_client(ClientRegistration {
                name: ClientName::parse("Test App").unwrap(),
                redirect_uris: spec
                    .redirect_uris
                    .iter()
                    .map(|u| RedirectUri::parse(u).unwrap())
                    .collect(),
                public: spec.public,
                grant_types: GrantTypes::parse(spec.grants).unwrap(),
                scopes: Scope::parse(spec.scope).unwrap(),
                resources: spec
                    .resources
                    .iter()
                    .map(|r| Resource::parse(r).unwrap())
                    .collect(),
                skip_consent: spec.skip_consent,
            })
            .await
            .unwrap();
        TestClient {
            id: registered.client.id.to_string(),
            secret: registered.secret.map(|s| s.expose().to_owned()),
        }
    }

    /// A fresh browser (its own cookie jar).
    pub fn browser(&self) -> Browser {
        self.browser_at(&self.address)
    }

    /// A fresh browser talking to another instance on this app's database.
    pub fn browser_at(&self, address: &str) -> Browser {
        Browser {
            base: address.to_owned(),
            http: http_client(),
        }
    }
}

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

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location header; status {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The query parameters of a redirect to the client.
pub fn query_of(url: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The value of a hidden form field in a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in page:\n{html}"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    unescape(&html[start..end])
}

/// Undoes askama's HTML escaping: named and numeric character references.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

pub struct Browser {
    /// The server this browser talks to: the app's own, or another process's.
    pub base: String,
    pub http: reqwest::Client,
}

impl Browser {
    pub async fn get(&self, path_or_url: &str) -> Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base)
        };
        self.http.get(url).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Fills in the login form reached from `login_path` and submits it.
    pub async fn submit_login(&self, login_path: &str, username: &str, password: &str) -> Response {
        let page = self.get(login_path).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let csrf = hidden_field(&html, "csrf_token");
        let return_to = hidden_field(&html, "return_to");
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf_token", &csrf),
                ("return_to", &return_to),
            ],
        )
        .await
    }

    /// Logs in directly (not from an authorization request).
    pub async fn log_in(&self, username: &str) {
        let response = self.submit_login("/login", username, PASSWORD).await;
        assert_eq!(response.status(), 303, "login failed");
    }

    /// Answers the consent page currently shown in `html`.
    pub async fn decide(&self, html: &str, decision: &str) -> Response {
        let names = [
            "csrf_token",
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
            "resource",
        ];
        let mut form: Vec<(&str, String)> = names
            .iter()
            .filter(|name| html.contains(&format!("name=\"{name}\" value=\"")))
            .map(|name| (*name, hidden_field(html, name)))
            .collect();
        form.push(("decision", decision.to_owned()));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/authorize", &form).await
    }

    /// The whole browser side: authorize → login → consent (approved) → the redirect to
    /// the client. Returns the redirect URL.
    pub async fn authorize(&self, authorize: &str, username: &str) -> String {
        let mut response = self.get(authorize).await;
        if response.status() == 303 && location(&response).starts_with("/login") {
            let login = location(&response);
            response = self.submit_login(&login, username, PASSWORD).await;
            assert_eq!(response.status(), 303, "login failed");
            response = self.get(&location(&response)).await;
        }
        if response.status() == 200 {
            let html = response.text().await.unwrap();
            assert!(html.contains("Allow"), "expected the consent page:\n{html}");
            response = self.decide(&html, "approve").await;
        }
        assert_eq!(response.status(), 303);
        location(&response)
    }
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
        self.token(
            app,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
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
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ];
        tokens(client.token_at(&self.base, &form).await).await
    }
}
