use super::super::oauth_error::{ErrorCode, OAuthError};
use crate::domain::{
    AuthorizationCode, CodeVerifier, GrantType, PresentedRefreshToken, Resource, Scope,
};

/// A token request, one variant per grant, with every parameter already parsed.
#[derive(Debug)]
pub enum TokenRequest {
    AuthorizationCode {
        code: AuthorizationCode,
        redirect_uri: Option<String>,
        verifier: CodeVerifier,
    },
    RefreshToken {
        token: PresentedRefreshToken,
        scope: Option<Scope>,
    },
    ClientCredentials {
        scope: Option<Scope>,
        resource: Option<Resource>,
    },
}

impl TokenRequest {
    /// Builds the request from form parameters; `repeated` names a parameter that was
    /// sent more than once.
    pub fn parse<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
        repeated: Option<&str>,
    ) -> Result<TokenRequest, OAuthError> {
        let invalid = |why: String| OAuthError::new(ErrorCode::InvalidRequest, why);
        if let Some(name) = repeated {
            return Err(invalid(format!("the {name} parameter is repeated")));
        }
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
                redirect_uri: get("redirect_uri").map(str::to_owned),
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

    pub fn grant_type(&self) -> GrantType {
        match self {
            TokenRequest::AuthorizationCode { .. } => GrantType::AuthorizationCode,
            TokenRequest::RefreshToken { .. } => GrantType::RefreshToken,
            TokenRequest::ClientCredentials { .. } => GrantType::ClientCredentials,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::RefreshToken;

    fn parse(pairs: &[(&str, &str)]) -> Result<TokenRequest, OAuthError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        TokenRequest::parse(|name| map.get(name).copied(), None)
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
        let repeated = TokenRequest::parse(|_| None, Some("scope")).unwrap_err();
        assert_eq!(repeated.code, ErrorCode::InvalidRequest);
    }
}
