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
        self.sign_in_on(&html, username, password).await
    }

    /// Submits the login form shown in `html`, with every hidden field it carries.
    pub async fn sign_in_on(&self, html: &str, username: &str, password: &str) -> Response {
        let form = Form::with_field(html, "password")
            .unwrap_or_else(|| panic!("no login form in page:\n{html}"));
        self.submit(&form, &[("username", username), ("password", password)])
            .await
    }

    /// Logs in directly (not from an authorization request).
    pub async fn log_in(&self, username: &str) {
        let response = self.submit_login("/login", username, PASSWORD).await;
        assert_eq!(response.status(), 303, "login failed");
    }

    /// Answers the consent page currently shown in `html`.
    pub async fn decide(&self, html: &str, decision: &str) -> Response {
        let form = Form::with_field(html, "decision")
            .unwrap_or_else(|| panic!("no consent form in page:\n{html}"));
        self.submit(&form, &[("decision", decision)]).await
    }

    /// POSTs `form`'s hidden fields and `extra` to where the form points.
    pub async fn submit(&self, form: &Form, extra: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = form
            .hidden
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        fields.extend_from_slice(extra);
        let url = if form.action.starts_with("http") {
            form.action.clone()
        } else {
            format!("{}{}", self.base, form.action)
        };
        self.http.post(url).form(&fields).send().await.unwrap()
    }

    /// Whether a `Location` keeps the browser at Latchkey: a path (not a scheme-relative
    /// `//host` or a `/\\host`), or a URL on this server.
    pub fn is_local(&self, to: &str) -> bool {
        (to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"))
            || to.starts_with(&format!("{}/", self.base))
    }

    /// Follows redirects within Latchkey; the first answer that is not one: a page, an
    /// error, or a redirect away.
    pub async fn follow(&self, mut response: Response) -> Response {
        for _ in 0..10 {
            if !matches!(response.status().as_u16(), 302 | 303) {
                return response;
            }
            let to = location(&response);
            if !self.is_local(&to) {
                return response;
            }
            response = self.get(&to).await;
        }
        panic!("more than ten redirects within Latchkey")
    }

    /// The whole browser side: authorize → login → consent (approved) → the redirect to
    /// the client. Returns the redirect URL.
    pub async fn authorize(&self, authorize: &str, username: &str) -> String {
        self.authorize_showing(authorize, username).await.0
    }

    /// Like [`Browser::authorize`], and also which pages the user was shown on the way,
    /// in order: every redirect within Latchkey is followed, a login page is signed in
    /// on, a consent page approved.
    pub async fn authorize_showing(&self, authorize: &str, username: &str) -> (String, Vec<Shown>) {
        let mut shown = Vec::new();
        let mut response = self.get(authorize).await;
        for _ in 0..10 {
            response = self.follow(response).await;
            let status = response.status().as_u16();
            match status {
                302 | 303 => return (location(&response), shown),
                200 => {
                    let html = response.text().await.unwrap();
                    if Form::with_field(&html, "password").is_some() {
                        shown.push(Shown::Login);
                        response = self.sign_in_on(&html, username, PASSWORD).await;
                        assert_eq!(response.status(), 303, "login failed");
                    } else {
                        assert!(html.contains("Allow"), "expected the consent page:\n{html}");
                        shown.push(Shown::Consent);
                        response = self.decide(&html, "approve").await;
                    }
                }
                _ => panic!(
                    "{authorize}: unexpected {status}: {}",
                    response.text().await.unwrap()
                ),
            }
        }
        panic!("{authorize}: more than ten steps without reaching the client")
    }
}

/// A page the user had to act on during an authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Login,
    Consent,
}

/// One `<form>` of a page, as a browser submits it.
#[derive(Debug, Clone)]
pub struct Form {
    pub method: String,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    /// Every control's name: inputs of any type, buttons, selects, text areas.
    pub names: Vec<String>,
}

impl Form {
    /// Every form in a page, in order.
    pub fn all(html: &str) -> Vec<Form> {
        html.split("<form")
            .skip(1)
            .map(|part| {
                let (open, body) = part.split_once('>').unwrap_or((part, ""));
                let body = body.split("</form>").next().unwrap_or(body);
                let form = attributes(open);
                let mut hidden = Vec::new();
                let mut names = Vec::new();
                for control in ["<input", "<button", "<select", "<textarea"] {
                    for tag in body.split(control).skip(1) {
                        let attrs = attributes(tag.split('>').next().unwrap_or(tag));
                        let Some(name) = attrs.get("name") else {
                            continue;
                        };
                        names.push(name.clone());
                        if control == "<input" && attrs.get("type").is_some_and(|t| t == "hidden") {
                            let value = attrs.get("value").cloned().unwrap_or_default();
                            hidden.push((name.clone(), value));
                        }
                    }
                }
                Form {
                    method: form
                        .get("method")
                        .cloned()
                        .unwrap_or_else(|| "get".into())
                        .to_ascii_lowercase(),
                    action: form.get("action").cloned().unwrap_or_default(),
                    hidden,
                    names,
                }
            })
            .collect()
    }

    /// The first form with a control named `name`.
    pub fn with_field(html: &str, name: &str) -> Option<Form> {
        Form::all(html)
            .into_iter()
            .find(|f| f.names.iter().any(|n| n == name))
    }
}

/// The attributes of one start tag (the text after its name, up to `>`), values
/// unescaped; an attribute without a value maps to "".
pub fn attributes(tag: &str) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = &rest[end..];
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
            if let Some(q) = quote {
                let inner = &after[1..];
                let close = inner.find(q).unwrap_or(inner.len());
                value = unescape(&inner[..close]);
                rest = inner.get(close + 1..).unwrap_or("");
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                value = unescape(&after[..close]);
                rest = &after[close..];
            }
        }
        if !name.is_empty() {
            out.insert(name, value);
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    out
}
