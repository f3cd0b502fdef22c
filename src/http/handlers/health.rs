use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
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

pub async fn not_found() -> HttpResponse {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").error_response()
}
