//! The client app's parts: discovery and token requests (`oauth`), sessions with the
//! single-flight refresh (`session`), calls to the resource server (`api`), the pages, and
//! the routes (`handlers`). Time comes from an injected `Now` so that a test can move it
//! past an access token's life.

mod api;
mod handlers;
mod oauth;
mod pages;
mod session;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};

use oauth::OAuth;
use session::Sessions;

/// Seconds since the Unix epoch.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct Config {
    /// Latchkey's issuer identifier, exactly as its metadata document states it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// This app's callback, registered with Latchkey.
    pub redirect_uri: String,
    pub scope: String,
    /// The resource server's base URL, which is also its resource identifier (`aud`).
    pub api: String,
}

pub struct ClientApp {
    oauth: OAuth,
    sessions: Sessions,
    http: reqwest::Client,
}

pub async fn start(config: Config, listener: TcpListener, now: Now) -> Result<Server, String> {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let oauth = OAuth::discover(http.clone(), config, now).await?;
    let app = web::Data::new(ClientApp {
        oauth,
        sessions: Sessions::default(),
        http,
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(app.clone())
            .configure(handlers::configure)
    })
    .workers(1)
    .listen(listener)
    .map_err(|e| e.to_string())?
    .run();
    Ok(server)
}
