//! `GET` and `POST /userinfo` (OIDC Core section 5.3).

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::extract::{NoBearer, Params, bearer_token};
use crate::http::respond::no_store;
use crate::service::Services;

pub async fn get(
    req: HttpRequest,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    answer(&req, None, &services, &edge).await
}

/// RFC 6750 section 2.2: a POST may carry the token in its form instead.
pub async fn post(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let form = Params::form(&req, &body);
    answer(&req, form.as_ref(), &services, &edge).await
}

async fn answer(
    req: &HttpRequest,
    form: Option<&Params>,
    services: &Services,
    edge: &Edge,
) -> Result<HttpResponse, ApiError> {
    let token = match bearer_token(req, form) {
        Ok(token) => token,
        Err(NoBearer::Missing) => return Err(ApiError::bearer_required()),
        Err(NoBearer::Refused(error)) => return Err(error.into()),
    };
    let info = services.userinfo(&edge.issuer, &token).await?;
    Ok(no_store(HttpResponse::Ok()).json(info))
}
