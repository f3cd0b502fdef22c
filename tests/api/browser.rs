//! A user's browser: it keeps its cookies, reads the pages it is shown, signs in and
//! answers consent pages.

use reqwest::Response;

use crate::fixtures::PASSWORD;
use crate::helpers::{TestApp, http_client};

impl TestApp {
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

/// Where a redirect sends the browser.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location header; status {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
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
