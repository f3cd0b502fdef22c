//! `GET /.well-known/oauth-authorization-server` (RFC 8414) and `GET /metrics`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::routes;
use crate::metrics::Metrics;
use crate::service::Services;

pub async fn metadata(
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let issuer = &edge.issuer;
    let scopes = services.supported_scopes().await?;
    let algorithms = services.signing_algorithms().await?;
    let client_auth = ["client_secret_basic", "client_secret_post", "none"];
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(json!({
            "issuer": issuer.as_str(),
            "authorization_endpoint": issuer.endpoint(routes::AUTHORIZE),
            "token_endpoint": issuer.endpoint(routes::TOKEN),
            "jwks_uri": issuer.endpoint(routes::JWKS),
            "revocation_endpoint": issuer.endpoint(routes::REVOKE),
            "introspection_endpoint": issuer.endpoint(routes::INTROSPECT),
            "scopes_supported": scopes,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": client_auth,
            "revocation_endpoint_auth_methods_supported": client_auth,
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "authorization_response_iss_parameter_supported": true,
            // Not in RFC 8414's registry: the algorithms access tokens are signed with.
            "access_token_signing_alg_values_supported": algorithms,
        })))
}

/// Prometheus text exposition.
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
