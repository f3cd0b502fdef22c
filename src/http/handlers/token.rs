use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::extract::{Params, client_credentials, token_request};
use crate::http::respond::no_store;
use crate::metrics::Metrics;
use crate::service::Services;

#[derive(Serialize)]
struct TokenBody<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
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
    let outcome = issue_tokens(&req, form.as_ref(), &services, &edge).await;
    metrics.grant(
        &grant,
        outcome
            .as_ref()
            .map_or_else(|e| e.code().as_str(), |_| "success"),
    );
    outcome
}

async fn issue_tokens(
    req: &HttpRequest,
    form: Option<&Params>,
    services: &Services,
    edge: &Edge,
) -> Result<HttpResponse, ApiError> {
    let credentials = client_credentials(req, form.unwrap_or(&Params::default()))?;
    let issued = match token_request(form) {
        Ok(request) => services.token(&edge.issuer, &credentials, request).await?,
        Err(unreadable) => {
            return Err(services
                .refuse_token_request(&credentials, unreadable)
                .await
                .into());
        }
    };
    let scope = issued.scope.to_string();
    Ok(no_store(HttpResponse::Ok()).json(TokenBody {
        access_token: &issued.access_token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        refresh_token: issued.refresh_token.as_ref().map(|t| t.expose()),
        scope: &scope,
        id_token: issued.id_token.as_deref(),
    }))
}

/// Any other method on a JSON endpoint.
pub async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::post_only())
}
