//! `POST /revoke` (RFC 7009) and `POST /introspect` (RFC 7662).

use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use super::token::{no_store, not_a_form};
use crate::http::client_auth::presented_client;
use crate::http::edge::Edge;
use crate::http::error::ApiError;
use crate::http::params::Params;
use crate::service::{ErrorCode, OAuthError, PresentedClient, Services};

/// The form and the client's credentials, or the standard error.
fn read(req: &HttpRequest, body: &[u8]) -> Result<(Params, PresentedClient), ApiError> {
    let form = Params::form(req, body);
    let presented = presented_client(req, form.as_ref().unwrap_or(&Params::default()))?;
    let form = form.ok_or_else(|| ApiError::oauth(&not_a_form()))?;
    if let Some(name) = &form.repeated {
        let repeated = OAuthError::new(
            ErrorCode::InvalidRequest,
            format!("the {name} parameter is repeated"),
        );
        return Err(ApiError::oauth(&repeated));
    }
    Ok((form, presented))
}

pub async fn revoke(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let (form, presented) = read(&req, &body)?;
    services
        .revoke(&edge.issuer, presented, form.get("token"))
        .await?;
    // Section 2.2: 200 whether or not the token was known.
    Ok(no_store(HttpResponse::Ok()).finish())
}

pub async fn introspect(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
) -> Result<HttpResponse, ApiError> {
    let (form, presented) = read(&req, &body)?;
    let answer = match services
        .introspect(&edge.issuer, presented, form.get("token"))
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
