use std::fmt;

use thiserror::Error;

/// Every error code Latchkey answers with: those of RFC 6749 sections 4.1.2.1 and 5.2,
/// RFC 6750 section 3.1, RFC 7009, RFC 8707 and OIDC Core section 3.1.2.6, and two of its own for what no RFC names (an unknown path, a
/// name already taken). The one vocabulary from the rules to the response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    UnsupportedTokenType,
    InvalidScope,
    InvalidTarget,
    AccessDenied,
    /// RFC 6750: a bearer token that is not (or no longer) good.
    InvalidToken,
    InsufficientScope,
    /// OIDC Core: `prompt=none` and the user would have to sign in, or to consent.
    LoginRequired,
    ConsentRequired,
    ServerError,
    TemporarilyUnavailable,
    NotFound,
    Conflict,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ErrorCode::UnsupportedTokenType => "unsupported_token_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidTarget => "invalid_target",
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InsufficientScope => "insufficient_scope",
            ErrorCode::LoginRequired => "login_required",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal the client is told about in protocol terms: a code from the RFCs and a
/// short description that never echoes a secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    pub code: ErrorCode,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }

    /// The one answer to every failed client authentication, whatever failed: an unknown
    /// client and a wrong secret look the same.
    pub fn client_authentication_failed() -> Self {
        OAuthError::new(ErrorCode::InvalidClient, "client authentication failed")
    }
}
