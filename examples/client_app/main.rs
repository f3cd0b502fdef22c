//! A reference client web app, a backend-for-frontend: it logs the user in through
//! Latchkey with the code flow and PKCE, keeps the tokens on the server (the browser holds
//! only an HttpOnly session cookie), calls the resource server, and refreshes the access
//! token once for all concurrent requests of a session. The README's chapter "Refresh
//! tokens, exactly" walks through it.
//!
//! ```sh
//! latchkey client create --name "Notes" --redirect-uri http://127.0.0.1:8082/callback \
//!     --scope read --resource http://127.0.0.1:8081
//! LATCHKEY_ISSUER=http://127.0.0.1:8080 APP_CLIENT_ID=... APP_CLIENT_SECRET=... \
//!     cargo run --example client_app
//! ```

mod app;

use std::net::TcpListener;
use std::sync::Arc;

use app::Config;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn required(name: &str) -> std::io::Result<String> {
    std::env::var(name).map_err(|_| std::io::Error::other(format!("{name} must be set")))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = env_or("APP_BIND", "127.0.0.1:8082");
    let config = Config {
        issuer: env_or("LATCHKEY_ISSUER", "http://127.0.0.1:8080"),
        client_id: required("APP_CLIENT_ID")?,
        client_secret: required("APP_CLIENT_SECRET")?,
        redirect_uri: env_or("APP_REDIRECT_URI", &format!("http://{bind}/callback")),
        scope: env_or("APP_SCOPE", "read"),
        api: env_or("APP_API", "http://127.0.0.1:8081"),
    };
    let listener = TcpListener::bind(&bind)?;
    // This program's own clock: it is a separate app and reads the time once, here.
    #[expect(clippy::disallowed_methods, reason = "the app's one wall-clock read")]
    let now: app::Now = Arc::new(|| chrono::Utc::now().timestamp());
    let server = app::start(config, listener, now)
        .await
        .map_err(std::io::Error::other)?;
    println!("client app on http://{bind}");
    server.await
}
