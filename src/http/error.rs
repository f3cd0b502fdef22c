//! The one place where errors become HTTP responses: JSON for the protocol endpoints,
//! an HTML page for what a person sees. A client sees a standard error code
//! and a short description; the cause chain goes to the log, never into a body.

use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::pages::ErrorPage;
use super::respond::see_other;
use super::routes;
use crate::domain::{ErrorCode, OAuthError};
use crate::service::ServiceError;

/// An error of the JSON endpoints, shaped as RFC 6749 section 5.2 describes.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    description: String,
    challenge: Challenge,
}

/// The `WWW-Authenticate` header of a 401 or 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Challenge {
    None,
    /// A client failed to authenticate (RFC 6749 section 5.2).
    Basic,
    /// A protected resource refused the access token (RFC 6750 section 3); `error`:
    /// whether to name the error code (not when no token was sent at all).
    Bearer {
        error: bool,
    },
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, description: impl Into<String>) -> Self {
        let challenge = match code {
            ErrorCode::InvalidClient => Challenge::Basic,
            ErrorCode::InvalidToken | ErrorCode::InsufficientScope => {
                Challenge::Bearer { error: true }
            }
            _ => Challenge::None,
        };
        Self {
            status,
            code,
            description: description.into(),
            challenge,
        }
    }

    /// A protected resource asked for without an access token (RFC 6750 section 3.1:
    /// "the resource server SHOULD NOT include an error code").
    pub fn bearer_required() -> Self {
        let mut error = ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidToken,
            "an access token is required",
        );
        error.challenge = Challenge::Bearer { error: false };
        error
    }

    /// A path that names no endpoint.
    pub fn no_such_endpoint() -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such endpoint",
        )
    }

    /// Any other method on a JSON endpoint: 405 with a JSON body, never HTML.
    pub fn post_only() -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidRequest,
            "this endpoint accepts only POST",
        )
    }

    /// The error code, for metrics.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

/// RFC 6749 section 5.2: 400, except a failed client authentication, which is 401 with a
/// `WWW-Authenticate` challenge.
impl From<OAuthError> for ApiError {
    fn from(error: OAuthError) -> Self {
        let status = match error.code {
            ErrorCode::InvalidClient | ErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
            ErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, error.code, error.description)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.description)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        match self.challenge {
            Challenge::None => {}
            Challenge::Basic => {
                response.insert_header((
                    WWW_AUTHENTICATE,
                    r#"Basic realm="latchkey", charset="UTF-8""#,
                ));
            }
            Challenge::Bearer { error: false } => {
                response.insert_header((WWW_AUTHENTICATE, r#"Bearer realm="latchkey""#));
            }
            Challenge::Bearer { error: true } => {
                // The description is ours and plain: no quote or backslash to escape.
                let mut value = format!(
                    r#"Bearer realm="latchkey", error="{}", error_description="{}""#,
                    self.code,
                    self.description.replace(['"', '\\'], "'")
                );
                // Section 3.1: name the scope that would do. The one endpoint that asks
                // for a scope is /userinfo, for openid.
                if self.code == ErrorCode::InsufficientScope {
                    value.push_str(r#", scope="openid""#);
                }
                response.insert_header((WWW_AUTHENTICATE, value));
            }
        }
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response.insert_header((ALLOW, "POST"));
        }
        response
            .insert_header((CACHE_CONTROL, "no-store"))
            .insert_header((PRAGMA, "no-cache"))
            .json(ErrorBody {
                error: self.code.as_str(),
                error_description: &self.description,
            })
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let oauth = match error {
            ServiceError::OAuth(oauth) => oauth,
            ServiceError::Invalid(_) | ServiceError::Refused(_) => {
                OAuthError::new(ErrorCode::InvalidRequest, error.to_string())
            }
            ServiceError::NotFound(_) => OAuthError::new(ErrorCode::NotFound, error.to_string()),
            ServiceError::Conflict(_) => OAuthError::new(ErrorCode::Conflict, error.to_string()),
            ServiceError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                OAuthError::new(
                    ErrorCode::TemporarilyUnavailable,
                    "the service is temporarily unavailable, try again shortly",
                )
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, source = ?std::error::Error::source(cause.as_ref()), "internal error");
                OAuthError::new(ErrorCode::ServerError, "an internal error occurred")
            }
        };
        oauth.into()
    }
}

/// An error on a page a person sees: an HTML page with a short explanation.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: &'static str,
    message: String,
    /// Set for "sign in first": the answer is a redirect to the login page.
    login_then: Option<String>,
}

impl PageError {
    fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            title,
            message: message.into(),
            login_then: None,
        }
    }

    /// Not signed in: off to the login page, and back to `path` afterwards.
    pub fn sign_in(path: &str) -> Self {
        let mut error = Self::new(StatusCode::SEE_OTHER, "Sign in", "Sign in first.");
        error.login_then = Some(path.to_owned());
        error
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found", message)
    }

    /// For a service call about one named thing: its "not found" becomes a 404 page that
    /// says `missing`; any other error stays what it is (an outage is still a 503).
    pub fn unless_missing(missing: &'static str) -> impl FnOnce(ServiceError) -> PageError {
        move |error| match error {
            ServiceError::NotFound(_) => PageError::not_found(missing),
            other => other.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Not allowed", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "This request cannot be completed",
            message,
        )
    }

    /// A form without the token this browser was given: possibly a forged request.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The form was missing its security token or it did not match. Go back, reload the page and try again.",
        )
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.title, self.message)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(path) = &self.login_then {
            return see_other(&routes::login_then(path));
        }
        let page = ErrorPage {
            title: self.title,
            message: &self.message,
        };
        super::pages::html(self.status, &page)
    }
}

impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        match ApiError::from(error) {
            api if api.status == StatusCode::SERVICE_UNAVAILABLE => PageError::new(
                api.status,
                "Temporarily unavailable",
                "The service cannot answer right now. Please try again in a moment.",
            ),
            api if api.status.is_server_error() => PageError::new(
                api.status,
                "Something went wrong",
                "An internal error occurred. Please try again later.",
            ),
            api => PageError::bad_request(api.description),
        }
    }
}

/// actix-web answers an oversized body with a bare 413 before any handler runs; give it
/// the same JSON error shape as everything else.
pub fn too_large<B>(
    response: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    let (request, _) = response.into_parts();
    let body = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::InvalidRequest,
        "the request body is too large",
    )
    .error_response();
    let response = actix_web::dev::ServiceResponse::new(request, body).map_into_right_body();
    Ok(actix_web::middleware::ErrorHandlerResponse::Response(
        response,
    ))
}
