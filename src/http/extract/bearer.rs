//! The access token of a request to a protected resource (RFC 6750 section 2): the
//! `Authorization: Bearer` header, or on a POST the form field `access_token`.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;

use super::params::Params;
use crate::domain::{AccessTokenText, ErrorCode, OAuthError};

/// Why no token could be read.
#[derive(Debug)]
pub enum NoBearer {
    /// No token at all, or credentials of another scheme: a challenge without an error
    /// code (section 3.1).
    Missing,
    /// A token that cannot be one of ours, or a request that sends it twice.
    Refused(OAuthError),
}

pub fn bearer_token(req: &HttpRequest, form: Option<&Params>) -> Result<AccessTokenText, NoBearer> {
    let mut headers = req.headers().get_all(AUTHORIZATION);
    let header = headers.next();
    let in_form = form.and_then(|form| form.get("access_token"));
    let twice = || {
        NoBearer::Refused(OAuthError::new(
            ErrorCode::InvalidRequest,
            "the access token must be sent one way only",
        ))
    };
    if headers.next().is_some() || (header.is_some() && in_form.is_some()) {
        return Err(twice());
    }
    if form.is_some_and(|form| form.repeated.as_deref() == Some("access_token")) {
        return Err(twice());
    }
    let presented = match (header, in_form) {
        (Some(header), _) => {
            let value = header.to_str().map_err(|_| malformed())?;
            // The scheme is case-insensitive (RFC 9110 section 11.1).
            match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
                _ => return Err(NoBearer::Missing),
            }
        }
        (None, Some(token)) => token,
        (None, None) => return Err(NoBearer::Missing),
    };
    AccessTokenText::parse(presented).ok_or_else(malformed)
}

fn malformed() -> NoBearer {
    NoBearer::Refused(OAuthError::new(
        ErrorCode::InvalidToken,
        "the access token is malformed",
    ))
}
