//! `POST /revoke` (RFC 7009) and `POST /introspect` (RFC 7662).

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::{ClientCredentials, PresentedToken};
use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::extract::{Params, client_credentials, presented_token};
use crate::http::respond::no_store;
use crate::service::Services;

/// The client's credentials and the token it names, or the standard error.
fn read(
    req: &HttpRequest,
    body: &[u8],
) -> Result<(ClientCredentials, Option<PresentedToken>), ApiError> {
    let form = Params::form(req, body);
    let credentials = client_credentials(req, form.as_ref().unwrap_or(&Params::default()))?;
    let token = presented_token(form.as_ref())?;
    Ok((credentials, token))
}

pub async fn revoke(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let (credentials, token) = read(&req, &body)?;
    services.revoke(&edge.issuer, &credentials, token).await?;
    // Section 2.2: 200 whether or not the token was known.
    Ok(no_store(HttpResponse::Ok()).finish())
}

pub async fn introspect(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let (credentials, token) = read(&req, &body)?;
    let answer = match services
        .introspect(&edge.issuer, &credentials, token)
        .await?
    {
        None => json!({ "active": false }),
        Some(token) => {
            let mut answer = json!({
                "active": true,
                "token_type": token.token_type,
                "scope": token.scope,
                "client_id": token.client_id,
                "sub": token.sub,
                "iss": token.iss,
                "iat": token.iat,
                "exp": token.exp,
            });
            if let Some(aud) = token.aud {
                answer["aud"] = json!(aud);
            }
            if let Some(jti) = token.jti {
                answer["jti"] = json!(jti);
            }
            answer
        }
    };
    Ok(no_store(HttpResponse::Ok()).json(answer))
}
