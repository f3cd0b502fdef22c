//! Token revocation (RFC 7009). Revoking a refresh token, or an access token, revokes its
//! whole family. A token that is unknown, malformed or another client's is ignored and
//! answered like success (section 2.2), so the endpoint reveals nothing.

use super::{ServiceError, Services};
use crate::domain::{
    ClientCredentials, ErrorCode, EventKind, Issuer, NewEvent, OAuthError, PresentedToken,
    RevocationReason,
};

impl Services {
    pub async fn revoke(
        &self,
        issuer: &Issuer,
        credentials: &ClientCredentials,
        token: Option<PresentedToken>,
    ) -> Result<(), ServiceError> {
        let client = self.authenticate_client(credentials).await?;
        let token =
            token.ok_or_else(|| OAuthError::new(ErrorCode::InvalidRequest, "token is missing"))?;
        // token_type_hint only says where to look first; the token's own form says what
        // it is, so a wrong hint cannot make us miss it (section 2.1).
        let family = match token {
            PresentedToken::Refresh(refresh) => self
                .store
                .find_family(refresh.lookup())
                .await?
                .map(|family| family.id),
            PresentedToken::Access(jwt) => self
                .verify_access_token(jwt.as_str(), issuer, false)
                .await?
                .and_then(|claims| claims.family()),
        };
        let Some(family) = family else {
            return Ok(());
        };
        let Some(status) = self.store.family_status(family).await? else {
            return Ok(());
        };
        // Section 2.1: the server "verifies whether the token was issued to the client
        // making the revocation request"; if not, nothing happens.
        if status.client_id != client.id {
            return Ok(());
        }
        let event = NewEvent::new(EventKind::FamiliesRevoked)
            .user(status.user_id)
            .client(client.id)
            .detail("revoked by the client (RFC 7009)");
        self.store
            .revoke_family(
                family,
                RevocationReason::RevokedByClient,
                self.clock.now(),
                event,
            )
            .await?;
        Ok(())
    }
}
