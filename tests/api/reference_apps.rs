//! The reference resource server and client app from `examples/`, run in this process
//! against a real Latchkey, over HTTP. They read time from Latchkey's test clock, so a
//! test steps past an access token's 15 minutes without waiting for them.

#[path = "../../examples/client_app/app/mod.rs"]
mod client_app;
#[path = "../../examples/resource_server/server/mod.rs"]
mod resource_server;

use std::net::TcpListener;
use std::sync::Arc;

use chrono::TimeDelta;
use latchkey::clock::Clock;

use crate::browser::{Browser, hidden_field, location};
use crate::fixtures::{ClientSpec, TestClient};
use crate::helpers::{Backend, ServerGuard, TestApp, http_client};
use crate::oauth::tokens;
use crate::on_both_backends;

/// Latchkey, the notes API and the notes app, wired together as in the README.
pub struct Deployment {
    pub latchkey: TestApp,
    pub api: String,
    pub client_app: String,
    _servers: [ServerGuard; 2],
}

fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

impl Deployment {
    pub async fn start(backend: Backend) -> Deployment {
        let latchkey = TestApp::spawn(backend).await;
        latchkey.user("alice").await;
        let (api_listener, api) = listener();
        let (app_listener, client_app) = listener();
        let callback = format!("{client_app}/callback");
        let notes_app = latchkey
            .client(ClientSpec {
                redirect_uris: &[&callback],
                resources: &[&api],
                ..ClientSpec::default()
            })
            .await;
        let introspector = latchkey.client(ClientSpec::client_credentials()).await;
        let clock = Arc::clone(&latchkey.clock);
        let now = Arc::new(move || clock.now().timestamp());

        let api_server = resource_server::start(
            resource_server::Config {
                issuer: latchkey.address.clone(),
                audience: api.clone(),
                introspection: Some(resource_server::ClientCredentials {
                    id: introspector.id,
                    secret: introspector.secret.unwrap(),
                }),
                leeway_seconds: 5,
            },
            api_listener,
            now.clone(),
        )
        .await
        .unwrap();
        let app_server = client_app::start(
            client_app::Config {
                issuer: latchkey.address.clone(),
                client_id: notes_app.id,
                client_secret: notes_app.secret.unwrap(),
                redirect_uri: callback,
                scope: "read".into(),
                api: api.clone(),
            },
            app_listener,
            now,
        )
        .await
        .unwrap();
        let servers = [
            ServerGuard(api_server.handle()),
            ServerGuard(app_server.handle()),
        ];
        tokio::spawn(api_server);
        tokio::spawn(app_server);
        Deployment {
            latchkey,
            api,
            client_app,
            _servers: servers,
        }
    }

    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.client_app)
    }

    /// The generation of the only refresh-token family: 1 after sign-in, +1 per refresh.
    pub fn generation(&self) -> String {
        self.latchkey
            .db
            .text("SELECT CAST(generation AS TEXT) AS value FROM refresh_token_families WHERE revoked_at IS NULL")
            .unwrap_or_else(|| "no live family".into())
    }

    pub fn reuse_detections(&self) -> i64 {
        self.latchkey
            .db
            .count("FROM security_events WHERE kind = 'refresh_token_reuse_detected'")
    }
}

async fn the_client_app_refreshes_once_for_parallel_requests_and_sends_a_revoked_user_to_log_in(
    backend: Backend,
) {
    let deployment = Deployment::start(backend).await;
    let user = deployment.latchkey.browser();

    let home = user.get(&deployment.page("/")).await.text().await.unwrap();
    assert!(home.contains("href=\"/login\""), "{home}");
    let to_latchkey = user.get(&deployment.page("/login")).await;
    let cookie = to_latchkey.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let authorize = location(&to_latchkey);
    assert!(authorize.starts_with(&format!("{}/authorize?", deployment.latchkey.address)));
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    let back = user.authorize(&authorize, "alice").await;
    assert!(
        back.starts_with(&deployment.page("/callback?code=")),
        "{back}"
    );
    let signed_in = user.get(&back).await;
    assert_eq!(location(&signed_in), "/");
    // The callback is single use.
    assert_eq!(user.get(&back).await.status(), 400);

    let page = user.get(&deployment.page("/")).await.text().await.unwrap();
    assert!(page.contains("Buy milk"), "{page}");
    assert!(
        page.contains("Account checked with introspection"),
        "{page}"
    );
    assert_eq!(deployment.generation(), "1");

    // Past the access token's life, eight page loads at once, each with two API calls:
    // one refresh serves all sixteen, and Latchkey sees no reuse.
    deployment.latchkey.clock.advance(TimeDelta::minutes(16));
    let home = deployment.page("/");
    let loads = (0..8).map(|_| user.get(&home));
    for response in futures_util::future::join_all(loads).await {
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().contains("Buy milk"));
    }
    assert_eq!(deployment.generation(), "2", "exactly one refresh");
    assert_eq!(deployment.reuse_detections(), 0);

    // The user revokes the app on Latchkey's account page. The offline route would keep
    // working until the access token expires; the introspected one sees it at once, the
    // app's refresh then gets invalid_grant, and the app asks the user to sign in.
    let account = user.get("/account").await.text().await.unwrap();
    let family = deployment
        .latchkey
        .db
        .text("SELECT id AS value FROM refresh_token_families")
        .unwrap();
    let revoked = user
        .post(
            &format!("/account/apps/{family}/revoke"),
            &[("csrf_token", &hidden_field(&account, "csrf_token"))],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    let page = user.get(&deployment.page("/")).await.text().await.unwrap();
    assert!(page.contains("Latchkey ended this app"), "{page}");
    assert!(page.contains("href=\"/login\""), "{page}");
    let after = user.get(&deployment.page("/")).await.text().await.unwrap();
    assert!(
        !after.contains("Buy milk") && !after.contains("ended"),
        "{after}"
    );

    // Signing in again starts a new family.
    let authorize = location(&user.get(&deployment.page("/login")).await);
    let back = user.authorize(&authorize, "alice").await;
    user.get(&back).await;
    let page = user.get(&deployment.page("/")).await.text().await.unwrap();
    assert!(page.contains("Buy milk"), "{page}");
    assert_eq!(deployment.generation(), "1");
}

async fn the_resource_server_checks_tokens_offline_and_answers_per_rfc_6750(backend: Backend) {
    let deployment = Deployment::start(backend).await;
    let latchkey = &deployment.latchkey;
    let http = http_client();
    let call = |path: &str, authorization: Option<String>| {
        let mut request = http.get(format!("{}{path}", deployment.api));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    let status = async |path: &str, authorization: String| {
        call(path, Some(authorization)).await.unwrap().status()
    };
    let challenge = |response: &reqwest::Response| {
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned()
    };

    let anonymous = call("/api/notes", None).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(challenge(&anonymous), "Bearer realm=\"notes\"");
    let basic = call("/api/notes", Some("Basic YWxpY2U6eA==".into()))
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    let twice = http
        .get(format!("{}/api/notes", deployment.api))
        .header("authorization", "Bearer a")
        .header("authorization", "Bearer b")
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 400);
    let garbage = call("/api/notes", Some("Bearer not.a.jwt".into()))
        .await
        .unwrap();
    assert_eq!(garbage.status(), 401);
    assert!(challenge(&garbage).contains("error=\"invalid_token\""));

    // A token of the notes API, for a client that asked for it with `resource`.
    let client = latchkey
        .client(ClientSpec {
            resources: &[&deployment.api],
            ..ClientSpec::default()
        })
        .await;
    let browser = latchkey.browser();
    let for_the_api = [("scope", "read"), ("resource", deployment.api.as_str())];
    let bearer = bearer_of(latchkey, &browser, &client, &for_the_api).await;
    assert_eq!(status("/api/notes", bearer.clone()).await, 200);
    let lowercase = bearer.replacen("Bearer", "bearer", 1);
    assert_eq!(status("/api/notes", lowercase).await, 200);

    let no_scope = call("/api/reports", Some(bearer.clone())).await.unwrap();
    assert_eq!(no_scope.status(), 403);
    assert!(challenge(&no_scope).contains("error=\"insufficient_scope\", scope=\"reports\""));

    let mut forged = bearer.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(status("/api/notes", forged).await, 401);

    // A token without our audience: the client did not ask for this API.
    let elsewhere = bearer_of(latchkey, &browser, &client, &[("scope", "read")]).await;
    let elsewhere = call("/api/notes", Some(elsewhere)).await.unwrap();
    assert_eq!(elsewhere.status(), 401);
    assert!(challenge(&elsewhere).contains("not meant for this API"));

    // Latchkey rotates its key: the next token names a kid the API has not seen, and the
    // API fetches the key set again.
    latchkey.services.rotate_signing_key().await.unwrap();
    let rotated_bearer = bearer_of(latchkey, &browser, &client, &for_the_api).await;
    assert_eq!(status("/api/notes", rotated_bearer).await, 200);
    assert_eq!(status("/api/notes", bearer.clone()).await, 200);

    // Past its life plus the leeway, a token is refused as invalid: the client refreshes.
    latchkey
        .clock
        .advance(TimeDelta::minutes(15) + TimeDelta::seconds(6));
    let expired = call("/api/notes", Some(bearer)).await.unwrap();
    assert_eq!(expired.status(), 401);
    assert!(challenge(&expired).contains("the access token expired"));
}

/// An `Authorization` header with a fresh access token of `client` for alice.
async fn bearer_of(
    latchkey: &TestApp,
    browser: &Browser,
    client: &TestClient,
    extra: &[(&str, &str)],
) -> String {
    let (code, verifier) = browser.code(client, "alice", extra).await;
    let issued = tokens(client.exchange(latchkey, &code, &verifier).await).await;
    format!("Bearer {}", issued.access)
}

on_both_backends!(
    the_client_app_refreshes_once_for_parallel_requests_and_sends_a_revoked_user_to_log_in,
    the_resource_server_checks_tokens_offline_and_answers_per_rfc_6750,
);
