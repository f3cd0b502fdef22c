//! The API's routes, each with the scope it needs, and the RFC 6750 answers when a token
//! does not do: 401 with `error="invalid_token"` tells the client to refresh, 403 with
//! `error="insufficient_scope"` that refreshing will not help.

use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::introspection::Introspector;
use super::token::{Claims, Rejection, Verifier};

const REALM: &str = "notes";

pub struct Api {
    pub verifier: Verifier,
    pub introspector: Option<Introspector>,
}

/// How sure a route must be that the token was not revoked.
#[derive(Clone, Copy, PartialEq)]
enum Check {
    /// The signature and expiry: a revoked family's token works until it expires.
    Offline,
    /// Also ask Latchkey: a revocation shows at once.
    Introspect,
}

enum Denied {
    NoToken,
    Malformed(&'static str),
    InvalidToken(&'static str),
    InsufficientScope(&'static str),
    Unavailable,
}

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/api/notes", web::get().to(notes))
        .route("/api/account", web::get().to(account))
        .route("/api/reports", web::get().to(reports));
}

async fn notes(api: web::Data<Api>, request: HttpRequest) -> HttpResponse {
    match api.authorize(&request, "read", Check::Offline).await {
        Ok(claims) => HttpResponse::Ok().json(json!({
            "user": claims.sub,
            "notes": ["Buy milk", "Rotate the signing key", "Call the bank"],
        })),
        Err(denied) => denied.response(),
    }
}

/// Stands for anything that must stop the moment the user revokes the app.
async fn account(api: web::Data<Api>, request: HttpRequest) -> HttpResponse {
    match api.authorize(&request, "read", Check::Introspect).await {
        Ok(claims) => HttpResponse::Ok().json(json!({
            "user": claims.sub,
            "client_id": claims.client_id,
            "checked_with": "introspection",
        })),
        Err(denied) => denied.response(),
    }
}

async fn reports(api: web::Data<Api>, request: HttpRequest) -> HttpResponse {
    match api.authorize(&request, "reports", Check::Offline).await {
        Ok(claims) => HttpResponse::Ok().json(json!({ "user": claims.sub, "reports": [] })),
        Err(denied) => denied.response(),
    }
}

impl Api {
    async fn authorize(
        &self,
        request: &HttpRequest,
        scope: &'static str,
        check: Check,
    ) -> Result<Claims, Denied> {
        let token = bearer_token(request)?;
        let claims = self
            .verifier
            .verify(token)
            .await
            .map_err(|rejection| match rejection {
                Rejection::Invalid(why) => Denied::InvalidToken(why),
                Rejection::Unavailable(reason) => {
                    eprintln!("cannot fetch Latchkey's keys: {reason}");
                    Denied::Unavailable
                }
            })?;
        if !claims.has_scope(scope) {
            return Err(Denied::InsufficientScope(scope));
        }
        if check == Check::Introspect {
            let introspector = self.introspector.as_ref().ok_or(Denied::Unavailable)?;
            match introspector.is_active(token).await {
                Ok(true) => {}
                Ok(false) => return Err(Denied::InvalidToken("the access token was revoked")),
                Err(reason) => {
                    eprintln!("cannot introspect: {reason}");
                    return Err(Denied::Unavailable);
                }
            }
        }
        Ok(claims)
    }
}

/// The token of `Authorization: Bearer <token>` (RFC 6750 section 2.1). This API takes
/// tokens from the header only, never from a query string, where they would be logged.
fn bearer_token(request: &HttpRequest) -> Result<&str, Denied> {
    let mut headers = request.headers().get_all(AUTHORIZATION);
    let Some(header) = headers.next() else {
        return Err(Denied::NoToken);
    };
    if headers.next().is_some() {
        return Err(Denied::Malformed("more than one Authorization header"));
    }
    let value = header
        .to_str()
        .map_err(|_| Denied::Malformed("the Authorization header is not ASCII"))?;
    let Some((scheme, token)) = value.split_once(' ') else {
        return Err(Denied::NoToken);
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Denied::NoToken);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(Denied::Malformed("the bearer token is empty"));
    }
    Ok(token)
}

impl Denied {
    fn response(self) -> HttpResponse {
        // Without a token there is no error to report, only the scheme (section 3.1).
        let (mut builder, challenge, body) = match self {
            Denied::NoToken => (
                HttpResponse::Unauthorized(),
                format!("Bearer realm=\"{REALM}\""),
                json!({"error_description": "a bearer token is required"}),
            ),
            Denied::Malformed(why) => (
                HttpResponse::BadRequest(),
                format!(
                    "Bearer realm=\"{REALM}\", error=\"invalid_request\", error_description=\"{why}\""
                ),
                json!({"error": "invalid_request", "error_description": why}),
            ),
            Denied::InvalidToken(why) => (
                HttpResponse::Unauthorized(),
                format!(
                    "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{why}\""
                ),
                json!({"error": "invalid_token", "error_description": why}),
            ),
            Denied::InsufficientScope(scope) => (
                HttpResponse::Forbidden(),
                format!(
                    "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\""
                ),
                json!({"error": "insufficient_scope", "scope": scope}),
            ),
            Denied::Unavailable => {
                return HttpResponse::ServiceUnavailable().json(json!({
                    "error": "temporarily_unavailable",
                    "error_description": "the authorization server cannot be reached",
                }));
            }
        };
        builder
            .insert_header((WWW_AUTHENTICATE, challenge))
            .json(body)
    }
}
