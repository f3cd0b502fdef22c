//! RFC 6749 section 6, with rotation and reuse detection (RFC 9700 section 4.14.2). The
//! rules themselves are one transaction in `store::refresh_tokens`; this maps its outcome
//! to the protocol.

use super::super::access_token::Subject;
use super::super::oauth_error::{ErrorCode, OAuthError};
use super::super::{ServiceError, Services};
use super::{TokenResponse, invalid_grant};
use crate::domain::{Client, Issuer, RefreshToken, Scope};
use crate::store::{Rotation, RotationRequest};

impl Services {
    pub(super) async fn refresh(
        &self,
        issuer: &Issuer,
        client: &Client,
        presented: RefreshToken,
        scope: Option<Scope>,
    ) -> Result<TokenResponse, ServiceError> {
        let replacement = RefreshToken::generate();
        let rotation = self
            .store
            .rotate_refresh_token(RotationRequest {
                presented: presented.hash(),
                client_id: client.id,
                replacement: replacement.hash(),
                scope,
                now: self.clock.now(),
                idle_ttl: self.policy.refresh_idle_ttl.as_delta(),
                reuse_grace: self.policy.refresh_reuse_grace.as_delta(),
            })
            .await?;
        let family = match rotation {
            Rotation::Rotated(family) => family,
            Rotation::Refused(why) => return Err(invalid_grant(why)),
            Rotation::ScopeTooWide => {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    "the requested scope exceeds the scope originally granted",
                )
                .into());
            }
            Rotation::ReuseDetected { family } => {
                self.metrics.reuse_detected();
                tracing::warn!(%family, client = %client.id, "refresh token reuse detected; family revoked");
                return Err(invalid_grant("the refresh token has already been used"));
            }
        };
        let access = self.mint_access_token(
            issuer,
            Subject::User {
                id: family.user_id,
                auth_time: family.auth_time,
                family: family.id,
            },
            client.id,
            &family.scope,
            family.resource.as_ref(),
        )?;
        Ok(TokenResponse {
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token: Some(replacement),
            scope: family.scope,
        })
    }
}
