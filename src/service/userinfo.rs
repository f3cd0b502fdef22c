//! The UserInfo endpoint (OIDC Core section 5.3): what an access token with `openid` may
//! learn about its user, with RFC 6750 section 3.1 errors.

use serde::Serialize;

use super::id_token::{ScopeClaims, subject};
use super::{ServiceError, Services};
use crate::domain::{AccessTokenText, Claimant, ErrorCode, Issuer, OAuthError, Scope, UserId};

/// Section 5.3.2: `sub` and the claims of the token's scope.
#[derive(Debug, Serialize)]
pub struct UserInfo {
    pub sub: String,
    #[serde(flatten)]
    pub claims: ScopeClaims,
}

fn invalid_token(why: &str) -> ServiceError {
    OAuthError::new(ErrorCode::InvalidToken, why).into()
}

impl Services {
    pub async fn userinfo(
        &self,
        issuer: &Issuer,
        token: &AccessTokenText,
    ) -> Result<UserInfo, ServiceError> {
        let Some(claims) = self
            .verify_access_token(token.as_str(), issuer, true)
            .await?
        else {
            return Err(invalid_token("the access token is invalid or has expired"));
        };
        // The token must be meant for us: one issued for another API (RFC 8707) is that
        // API's to accept, not ours.
        if claims.aud != issuer.as_str() {
            return Err(invalid_token("the access token is for another audience"));
        }
        // A token of a revoked family is no longer good, whatever it was granted.
        if self.family_revoked(&claims).await? {
            return Err(invalid_token("the access token has been revoked"));
        }
        let scope = Scope::parse(&claims.scope)
            .map_err(|_| invalid_token("the access token's scope is unreadable"))?;
        // RFC 6750 section 3.1: a good token without the scope the resource needs.
        if !scope.is_openid() {
            return Err(OAuthError::new(
                ErrorCode::InsufficientScope,
                "the access token was not granted the openid scope",
            )
            .into());
        }
        if claims.family().is_none() {
            return Err(invalid_token("the access token does not speak for a user"));
        }
        let user = match UserId::parse(&claims.sub) {
            Ok(id) => self.store.find_user_by_id(id).await?,
            Err(_) => None,
        };
        match user {
            Some(user) if user.enabled => Ok(UserInfo {
                sub: subject(user.id),
                claims: ScopeClaims::of(&Claimant::from(user), &scope),
            }),
            _ => Err(invalid_token("the user is no longer active")),
        }
    }
}
