use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::ApiError;
use crate::service::Services;

/// `GET /healthz`: 200 when the database answers, 503 otherwise, for load balancers.
pub async fn check(services: web::Data<Services>) -> Result<HttpResponse, ApiError> {
    services.check_health().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(json!({"status": "ok"})))
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::no_such_endpoint())
}
