use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::ApiError;
use crate::service::Services;

/// `GET /jwks.json`: the public keys that verify access tokens (RFC 7517). Cached
/// briefly: a resource server that meets an unknown `kid` refetches.
pub async fn keys(services: web::Data<Services>) -> Result<HttpResponse, ApiError> {
    let keys = services.published_keys().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(json!({ "keys": keys })))
}
