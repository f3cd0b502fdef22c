//! Token introspection (RFC 7662) for authenticated confidential clients. Reading a
//! refresh token here is not a use of it.

use super::grants::is_live_token;
use super::{ServiceError, Services};
use crate::domain::{ClientCredentials, ErrorCode, Issuer, OAuthError, PresentedToken};

/// What `/introspect` answers for an active token (section 2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveToken {
    pub token_type: &'static str,
    pub scope: String,
    pub client_id: String,
    pub sub: String,
    pub aud: Option<String>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Option<String>,
}

impl Services {
    /// `None` means `{"active": false}`: unknown, expired, revoked, malformed, or a
    /// refresh token of another client.
    pub async fn introspect(
        &self,
        issuer: &Issuer,
        credentials: &ClientCredentials,
        token: Option<PresentedToken>,
    ) -> Result<Option<ActiveToken>, ServiceError> {
        let client = self.authenticate_client(credentials).await?;
        // Section 2.1: the caller must be a client that can authenticate.
        if client.is_public() {
            return Err(OAuthError::new(
                ErrorCode::InvalidClient,
                "introspection is for clients that authenticate with a secret",
            )
            .into());
        }
        let token =
            token.ok_or_else(|| OAuthError::new(ErrorCode::InvalidRequest, "token is missing"))?;
        let now = self.clock.now();

        let jwt = match token {
            PresentedToken::Access(jwt) => jwt,
            PresentedToken::Refresh(refresh) => {
                let Some(family) = self.store.find_family(refresh.lookup()).await? else {
                    return Ok(None);
                };
                // A refresh token is its client's business only.
                if !is_live_token(&family, &refresh.hash(), now) || family.client_id != client.id {
                    return Ok(None);
                }
                return Ok(Some(ActiveToken {
                    token_type: "refresh_token",
                    scope: family.scope.to_string(),
                    client_id: family.client_id.to_string(),
                    sub: family.user_id.to_string(),
                    aud: None,
                    iss: issuer.to_string(),
                    iat: family.rotated_at.timestamp(),
                    exp: family
                        .idle_expires_at
                        .min(family.absolute_expires_at)
                        .timestamp(),
                    jti: None,
                }));
            }
        };
        let Some(claims) = self.verify_access_token(jwt.as_str(), issuer, true).await? else {
            return Ok(None);
        };
        // A token of a family revoked since it was issued is inactive at once; one whose
        // family is gone altogether too.
        if self.family_revoked(&claims).await? {
            return Ok(None);
        }
        Ok(Some(ActiveToken {
            token_type: "Bearer",
            scope: claims.scope,
            client_id: claims.client_id,
            sub: claims.sub,
            aud: Some(claims.aud),
            iss: claims.iss,
            iat: claims.iat,
            exp: claims.exp,
            jti: Some(claims.jti),
        }))
    }
}
