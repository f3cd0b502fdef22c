use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::http::client_auth::presented_client;
use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::metrics::Metrics;
use crate::service::{ErrorCode, OAuthError, Services, TokenRequest};

#[derive(Serialize)]
struct TokenBody<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
}

/// `POST /token` (RFC 6749 section 3.2).
pub async fn issue(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let form = Params::form(&req, &body);
    let grant = form
        .as_ref()
        .and_then(|f| f.get("grant_type"))
        .filter(|g| ["authorization_code", "refresh_token", "client_credentials"].contains(g))
        .unwrap_or("other")
        .to_owned();
    let outcome = issue_tokens(&req, form, &services, &edge).await;
    metrics.grant(
        &grant,
        outcome.as_ref().map_or_else(ApiError::code, |_| "success"),
    );
    outcome
}

async fn issue_tokens(
    req: &HttpRequest,
    form: Option<Params>,
    services: &Services,
    edge: &Edge,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_client(req, form.as_ref().unwrap_or(&Params::default()))?;
    let request = match &form {
        Some(form) => TokenRequest::parse(|name| form.get(name), form.repeated.as_deref()),
        None => Err(not_a_form()),
    };
    let issued = services.token(&edge.issuer, presented, request).await?;
    let scope = issued.scope.to_string();
    // RFC 6749 section 5.1: tokens must not be cached.
    Ok(no_store(HttpResponse::Ok()).json(TokenBody {
        access_token: &issued.access_token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        refresh_token: issued.refresh_token.as_ref().map(|t| t.expose()),
        scope: &scope,
    }))
}

pub fn not_a_form() -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidRequest,
        "the body must be application/x-www-form-urlencoded",
    )
}

pub fn no_store(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Pragma", "no-cache"));
    response
}

/// Any other method on a JSON endpoint: 405 with a JSON body, never HTML.
pub async fn method_not_allowed() -> HttpResponse {
    use actix_web::ResponseError;
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_request",
        "this endpoint accepts only POST",
    )
    .error_response();
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static("POST"),
    );
    response
}
