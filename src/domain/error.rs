use thiserror::Error;

/// Why a value from outside was refused. The message is safe to show to the person or
/// client who sent it: it never echoes a secret back.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} is too long (at most {max} characters)")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} is too short (at least {min} characters)")]
    TooShort { what: &'static str, min: usize },
    #[error("{what} contains a character that is not allowed: {detail}")]
    BadCharacter { what: &'static str, detail: String },
    #[error("'{value}' is not a duration (write it like 90s, 15m, 12h or 7d)")]
    Duration { value: String },
    #[error("invalid redirect URI '{uri}': {reason}")]
    RedirectUri { uri: String, reason: &'static str },
    #[error("invalid scope token '{token}' (RFC 6749 section 3.3)")]
    ScopeToken { token: String },
    #[error(
        "unknown grant type '{value}' (expected authorization_code, refresh_token or client_credentials)"
    )]
    GrantType { value: String },
    #[error("unknown signing algorithm '{value}' (expected ES256, EdDSA or RS256)")]
    SigningAlg { value: String },
    #[error("'{value}' is not a valid {what}")]
    Malformed { what: &'static str, value: String },
}
