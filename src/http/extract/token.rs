//! The token endpoint's form (RFC 6749 sections 4.1.3, 4.4.2, 6) read into a
//! `TokenRequest`, and the `token` parameter of revocation and introspection.

use super::params::Params;
use crate::domain::{
    AuthorizationCode, CodeVerifier, ErrorCode, GivenRedirect, GrantType, OAuthError,
    PresentedRefreshToken, PresentedToken, Resource, Scope,
};
use crate::service::TokenRequest;

/// RFC 6749, RFC 7009 and RFC 7662 all take `application/x-www-form-urlencoded`.
pub fn not_a_form() -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidRequest,
        "the body must be application/x-www-form-urlencoded",
    )
}

fn invalid(why: String) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRequest, why)
}

/// A token request, one variant per grant, or the error that says what is wrong with it;
/// `None` is a body that is not a form at all.
pub fn token_request(form: Option<&Params>) -> Result<TokenRequest, OAuthError> {
    let form = form.ok_or_else(not_a_form)?;
    form.refuse_repeated()?;
    let get = |name: &str| form.get(name);
    let required = |name: &str| get(name).ok_or_else(|| invalid(format!("{name} is missing")));
    let scope = || {
        get("scope")
            .map(Scope::parse)
            .transpose()
            .map_err(|e| OAuthError::new(ErrorCode::InvalidScope, e.to_string()))
    };
    let grant = GrantType::parse(required("grant_type")?).map_err(|_| {
        OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "grant_type must be authorization_code, refresh_token or client_credentials",
        )
    })?;
    Ok(match grant {
        GrantType::AuthorizationCode => TokenRequest::AuthorizationCode {
            // A code that is not even the shape we issue cannot be valid.
            code: AuthorizationCode::parse(required("code")?).map_err(|_| {
                OAuthError::new(
                    ErrorCode::InvalidGrant,
                    "the authorization code is not valid",
                )
            })?,
            redirect_uri: GivenRedirect::parse(get("redirect_uri")),
            verifier: CodeVerifier::parse(required("code_verifier")?)
                .map_err(|e| invalid(e.to_string()))?,
        },
        GrantType::RefreshToken => TokenRequest::RefreshToken {
            token: PresentedRefreshToken::parse(required("refresh_token")?).map_err(|_| {
                OAuthError::new(ErrorCode::InvalidGrant, "the refresh token is not valid")
            })?,
            scope: scope()?,
        },
        GrantType::ClientCredentials => TokenRequest::ClientCredentials {
            scope: scope()?,
            resource: get("resource")
                .map(Resource::parse)
                .transpose()
                .map_err(|e| OAuthError::new(ErrorCode::InvalidTarget, e.to_string()))?,
        },
    })
}

/// The `token` of a revocation or introspection request (RFC 7009 section 2.1, RFC 7662
/// section 2.1); whether it is missing is for the rules to say, after the client is
/// authenticated.
pub fn presented_token(form: Option<&Params>) -> Result<Option<PresentedToken>, OAuthError> {
    let form = form.ok_or_else(not_a_form)?;
    form.refuse_repeated()?;
    Ok(form.get("token").map(PresentedToken::parse))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RefreshToken;

    fn parse(pairs: &[(&str, &str)]) -> Result<TokenRequest, OAuthError> {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        token_request(Some(&Params::parse(body.as_bytes())))
    }

    #[test]
    fn each_grant_needs_its_parameters() {
        let token = RefreshToken::generate();
        assert!(matches!(
            parse(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", token.expose())
            ]),
            Ok(TokenRequest::RefreshToken { scope: None, .. })
        ));
        let code = AuthorizationCode::generate();
        let missing_verifier = parse(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
        ]);
        assert_eq!(
            missing_verifier.unwrap_err().code,
            ErrorCode::InvalidRequest
        );
        assert!(matches!(
            parse(&[("grant_type", "client_credentials"), ("scope", "a b")]),
            Ok(TokenRequest::ClientCredentials { scope: Some(_), .. })
        ));
    }

    #[test]
    fn a_redirect_uri_that_cannot_be_registered_is_kept_as_such() {
        let code = AuthorizationCode::generate();
        let verifier = "a".repeat(43);
        let exchange = |redirect_uri: &str| {
            parse(&[
                ("grant_type", "authorization_code"),
                ("code", code.expose()),
                ("code_verifier", &verifier),
                ("redirect_uri", redirect_uri),
            ])
        };
        assert!(matches!(
            exchange("javascript:alert(1)"),
            Ok(TokenRequest::AuthorizationCode {
                redirect_uri: GivenRedirect::Invalid,
                ..
            })
        ));
        assert!(matches!(
            exchange("https://app.example.com/cb"),
            Ok(TokenRequest::AuthorizationCode {
                redirect_uri: GivenRedirect::Uri(_),
                ..
            })
        ));
    }

    #[test]
    fn errors_use_the_rfc_codes() {
        assert_eq!(parse(&[]).unwrap_err().code, ErrorCode::InvalidRequest);
        assert_eq!(
            parse(&[("grant_type", "password")]).unwrap_err().code,
            ErrorCode::UnsupportedGrantType
        );
        assert_eq!(
            parse(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "garbage")
            ])
            .unwrap_err()
            .code,
            ErrorCode::InvalidGrant
        );
        let token = RefreshToken::generate();
        assert_eq!(
            parse(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", token.expose()),
                ("scope", "bad\"scope")
            ])
            .unwrap_err()
            .code,
            ErrorCode::InvalidScope
        );
        let repeated = parse(&[("scope", "a"), ("scope", "b")]).unwrap_err();
        assert_eq!(repeated.code, ErrorCode::InvalidRequest);
        assert_eq!(
            token_request(None).unwrap_err().code,
            ErrorCode::InvalidRequest
        );
    }
}
