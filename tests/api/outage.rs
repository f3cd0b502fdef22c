//! PostgreSQL going away under load and coming back. A small TCP proxy stands between
//! Latchkey and the database, so the test can cut the line without stopping the server
//! every other test uses.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::fixtures::ClientSpec;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::oauth::{oauth_error, tokens};

/// Forwards connections to PostgreSQL while up; when cut, drops every open connection
/// and refuses new ones until restored.
struct Proxy {
    address: SocketAddr,
    up: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(Notify::new());
        let (accept_up, accept_cut) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    continue; // dropped: connection refused, as a dead server would
                }
                let cut = accept_cut.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Proxy { address, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_outage_is_503_and_latchkey_recovers_by_itself() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let mut db = TestDatabase::create(Backend::Postgres);
    let mut url = url::Url::parse(&db.url_text).unwrap();
    let target: SocketAddr = format!(
        "{}:{}",
        url.host_str().unwrap().replace("localhost", "127.0.0.1"),
        url.port().unwrap_or(5432)
    )
    .parse()
    .unwrap();
    let proxy = Proxy::start(target).await;
    url.set_port(Some(proxy.address.port())).unwrap();
    // The server reaches the database through the proxy; the test's own clean-up does not.
    db.url = latchkey::store::DatabaseUrl::parse(url.as_str()).unwrap();
    db.url_text = url.to_string();
    let app = TestApp::spawn_on(db, &[]).await;
    app.user("alice").await;
    let client = app.client(ClientSpec::skip_consent()).await;
    let mut refresh = app
        .browser()
        .tokens(&client, "alice")
        .await
        .refresh
        .unwrap();

    proxy.cut();
    // Under load while the database is gone: 503 with a JSON error, never a crash.
    let load = (0..16).map(|_| client.refresh(&app, &refresh));
    for response in futures_util::future::join_all(load).await {
        assert_eq!(response.status(), 503);
        assert_eq!(oauth_error(response).await.1, "temporarily_unavailable");
    }
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let page = app
        .http
        .get(app.url(&format!("/authorize?client_id={}", client.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503, "pages too: a 503 page, not a 500");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Temporarily unavailable")
    );

    proxy.restore();
    // Back by itself: no restart, and the token was not consumed by the failed requests.
    let mut healthy = false;
    for _ in 0..50 {
        if app
            .http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            == 200
        {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(healthy, "healthz never came back");
    refresh = tokens(client.refresh(&app, &refresh).await)
        .await
        .refresh
        .unwrap();
    tokens(client.refresh(&app, &refresh).await).await;
}
