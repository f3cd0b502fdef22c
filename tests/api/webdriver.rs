//! Headless Chromium driven over WebDriver by chromedriver, for the browser tests. They
//! run when `LATCHKEY_TEST_CHROMIUM` names the browser (`.ci/run` installs Debian's
//! chromium and chromium-driver and sets it); set but broken, they fail; unset, they say
//! that they did not run.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

/// The browser to drive, or `None` after saying on stderr that the test did not run.
pub fn chromium(test: &str) -> Option<String> {
    let browser = std::env::var("LATCHKEY_TEST_CHROMIUM").ok();
    if browser.is_none() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: LATCHKEY_TEST_CHROMIUM is not set: the headless browser test {test} DID NOT RUN"
        );
    }
    browser
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct WebDriver {
    http: reqwest::Client,
    session: String,
    _driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

impl WebDriver {
    pub async fn start(browser: &str) -> WebDriver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver_path =
            std::env::var("LATCHKEY_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("LATCHKEY_TEST_CHROMIUM is set but {driver_path} cannot start: {e}")
            });
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromedriver refused the session: {created}"))
            .to_owned();
        WebDriver {
            http,
            session: format!("{base}/session/{session}"),
            _driver: driver,
            _profile: profile,
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> Value {
        let request = self.http.request(method, format!("{}{path}", self.session));
        let request = if body.is_null() {
            request
        } else {
            request.json(body)
        };
        request.send().await.unwrap().json().await.unwrap()
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let answer = self.send(method, path, &body).await;
        assert!(
            answer["value"]["error"].is_null(),
            "WebDriver {path}: {answer}"
        );
        answer["value"].clone()
    }

    /// Waits up to 10 s for the URL to satisfy `done`: a click that submits a form
    /// returns before the next page has loaded.
    pub async fn wait_for_url(&self, done: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            let url = self.url().await;
            if done(&url) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser stayed at {}", self.url().await);
    }

    pub async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", Value::Null)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits up to 10 s for the element to appear.
    pub async fn find(&self, css: &str) -> String {
        let query = json!({"using": "css selector", "value": css});
        for _ in 0..100 {
            let found = self.send(reqwest::Method::POST, "/element", &query).await;
            if let Some(id) = found["value"][ELEMENT].as_str() {
                return id.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css} at {}", self.url().await);
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            json!({}),
        )
        .await;
    }

    /// The visible text of the element.
    pub async fn text_of(&self, css: &str) -> String {
        self.read(css, "text").await
    }

    pub async fn value_of(&self, css: &str) -> String {
        self.read(css, "property/value").await
    }

    async fn read(&self, css: &str, what: &str) -> String {
        let element = self.find(css).await;
        self.call(
            reqwest::Method::GET,
            &format!("/element/{element}/{what}"),
            Value::Null,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let encoded = self
            .call(reqwest::Method::GET, "/screenshot", Value::Null)
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        path
    }

    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await;
    }
}
