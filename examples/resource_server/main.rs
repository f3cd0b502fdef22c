//! A reference resource server: an API that accepts Latchkey's access tokens and checks
//! them offline, with the keys from `/jwks.json`. The README's chapter "Refresh tokens,
//! exactly" walks through it.
//!
//! ```sh
//! LATCHKEY_ISSUER=http://127.0.0.1:8080 API_AUDIENCE=http://127.0.0.1:8081 \
//! API_INTROSPECTION_CLIENT_ID=... API_INTROSPECTION_CLIENT_SECRET=... \
//!     cargo run --example resource_server
//! ```
//!
//! `API_AUDIENCE` is this API's resource identifier: clients ask for it with the
//! `resource` parameter (RFC 8707) and Latchkey puts it in the token's `aud`. Without the
//! introspection credentials, `/api/account` (the route that must see a revocation at
//! once) answers 503.

mod server;

use std::net::TcpListener;
use std::sync::Arc;

use server::{ClientCredentials, Config};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = env_or("API_BIND", "127.0.0.1:8081");
    let config = Config {
        issuer: env_or("LATCHKEY_ISSUER", "http://127.0.0.1:8080"),
        audience: env_or("API_AUDIENCE", &format!("http://{bind}")),
        introspection: match (
            std::env::var("API_INTROSPECTION_CLIENT_ID"),
            std::env::var("API_INTROSPECTION_CLIENT_SECRET"),
        ) {
            (Ok(id), Ok(secret)) => Some(ClientCredentials { id, secret }),
            _ => None,
        },
        leeway_seconds: 30,
    };
    let listener = TcpListener::bind(&bind)?;
    // This program's own clock: it is a separate app and reads the time once, here.
    #[expect(clippy::disallowed_methods, reason = "the app's one wall-clock read")]
    let now: server::Now = Arc::new(|| chrono::Utc::now().timestamp());
    let server = server::start(config, listener, now)
        .await
        .map_err(std::io::Error::other)?;
    println!("resource server on http://{bind}");
    server.await
}
