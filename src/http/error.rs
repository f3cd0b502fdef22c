//! The one place where errors become HTTP responses: JSON for the protocol endpoints,
//! an HTML page for what a person sees. A client sees a standard error code
//! and a short description; the cause chain goes to the log, never into a body.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::pages::ErrorPage;
use crate::service::{ErrorCode, OAuthError, ServiceError};

/// An error of the JSON endpoints, shaped as RFC 6749 section 5.2 describes.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    description: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
        }
    }
}

impl ApiError {
    /// RFC 6749 section 5.2: 400, except a failed client authentication, which is 401
    /// with a `WWW-Authenticate` challenge.
    pub fn oauth(error: &OAuthError) -> Self {
        let status = if error.code == ErrorCode::InvalidClient {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, error.code.as_str(), error.description.clone())
    }
}

impl ApiError {
    /// The RFC 6749 error code, for metrics.
    pub fn code(&self) -> &'static str {
        self.code
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
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                WWW_AUTHENTICATE,
                r#"Basic realm="latchkey", charset="UTF-8""#,
            ));
        }
        response
            .insert_header((CACHE_CONTROL, "no-store"))
            .insert_header((PRAGMA, "no-cache"))
            .json(ErrorBody {
                error: self.code,
                error_description: &self.description,
            })
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match &error {
            ServiceError::OAuth(oauth) => ApiError::oauth(oauth),
            ServiceError::Invalid(_) | ServiceError::Refused(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                error.to_string(),
            ),
            ServiceError::NotFound(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", error.to_string())
            }
            ServiceError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            ServiceError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the service is temporarily unavailable, try again shortly",
                )
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, source = ?std::error::Error::source(cause.as_ref()), "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "an internal error occurred",
                )
            }
        }
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
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
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
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("return_to", path)
                .finish();
            return HttpResponse::SeeOther()
                .insert_header(("Location", format!("/login?{query}")))
                .finish();
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
        "invalid_request",
        "the request body is too large",
    )
    .error_response();
    let response = actix_web::dev::ServiceResponse::new(request, body).map_into_right_body();
    Ok(actix_web::middleware::ErrorHandlerResponse::Response(
        response,
    ))
}
