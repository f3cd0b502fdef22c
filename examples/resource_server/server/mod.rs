//! The resource server's parts: discovery of Latchkey's endpoints at start, the key set
//! cache, offline verification of access tokens, optional introspection, and the routes.
//! Time comes from an injected `Now` so that a test can move it past a token's life.

mod introspection;
mod keys;
mod routes;
mod token;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use serde::Deserialize;

use introspection::Introspector;
use keys::KeySet;
use routes::Api;
use token::Verifier;

/// Seconds since the Unix epoch.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct Config {
    /// Latchkey's issuer identifier, exactly as its metadata document states it.
    pub issuer: String,
    /// This API's resource identifier: the `aud` its tokens must carry.
    pub audience: String,
    /// A confidential client of Latchkey's, for routes that ask `/introspect`.
    pub introspection: Option<ClientCredentials>,
    /// Clock skew forgiven on `exp` and `iat`.
    pub leeway_seconds: i64,
}

pub struct ClientCredentials {
    pub id: String,
    pub secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot read {url}: {reason}")]
    Discovery { url: String, reason: String },
    #[error("the metadata document names issuer {found}, not {expected} (RFC 8414 section 3.3)")]
    IssuerMismatch { expected: String, found: String },
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
}

/// The parts of the authorization server's metadata (RFC 8414) this API needs.
#[derive(Deserialize)]
struct Metadata {
    issuer: String,
    jwks_uri: String,
    introspection_endpoint: Option<String>,
}

/// The JSON body of a successful answer to `request`.
async fn fetch_json<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<T, String> {
    request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())
}

/// Reads Latchkey's metadata and key set, then serves the API on `listener`.
pub async fn start(config: Config, listener: TcpListener, now: Now) -> Result<Server, StartError> {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| StartError::Discovery {
            url: config.issuer.clone(),
            reason: e.to_string(),
        })?;
    // An issuer without a path: the document sits right under it (RFC 8414 section 3).
    let url = format!(
        "{}/.well-known/oauth-authorization-server",
        config.issuer.trim_end_matches('/')
    );
    let discovery_failed = |reason: String| StartError::Discovery {
        url: url.clone(),
        reason,
    };
    let metadata: Metadata = fetch_json(http.get(&url)).await.map_err(discovery_failed)?;
    // A document that names another issuer could hand us someone else's keys.
    if metadata.issuer != config.issuer {
        return Err(StartError::IssuerMismatch {
            expected: config.issuer,
            found: metadata.issuer,
        });
    }
    let keys = KeySet::load(http.clone(), metadata.jwks_uri.clone())
        .await
        .map_err(|reason| StartError::Discovery {
            url: metadata.jwks_uri.clone(),
            reason,
        })?;
    let introspector = match (config.introspection, metadata.introspection_endpoint) {
        (Some(credentials), Some(endpoint)) => Some(Introspector::new(http, endpoint, credentials)),
        _ => None,
    };
    let api = web::Data::new(Api {
        verifier: Verifier::new(
            keys,
            config.issuer,
            config.audience,
            config.leeway_seconds,
            now,
        ),
        introspector,
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(api.clone())
            .configure(routes::configure)
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}
