//! `GET /.well-known/oauth-authorization-server` (RFC 8414), `GET
//! /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 section 3) and `GET
//! /metrics`. Both metadata documents are the same document: RFC 8414 section 2 admits
//! OpenID's fields, and one document cannot disagree with itself.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::domain::{Prompt, SigningAlg};
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
    let mut scopes = services.supported_scopes().await?;
    for openid in ["openid", "profile", "email"] {
        if !scopes.iter().any(|scope| scope == openid) {
            scopes.push(openid.to_owned());
        }
    }
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
            "userinfo_endpoint": issuer.endpoint(routes::USERINFO),
            "end_session_endpoint": issuer.endpoint(routes::LOGOUT),
            // Discovery section 3: RS256 MUST be offered; each client picks its own.
            "id_token_signing_alg_values_supported": SigningAlg::ALL.map(SigningAlg::as_str),
            "subject_types_supported": ["public"],
            "claims_supported": [
                "sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash",
                "preferred_username", "name", "email", "email_verified",
            ],
            "prompt_values_supported": Prompt::SUPPORTED,
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            // Discovery's default for this one is true: say that it is not.
            "request_uri_parameter_supported": false,
        })))
}

/// Prometheus text exposition.
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
