//! RFC 6749 section 4.4: a confidential client acting for itself. No refresh token
//! (section 4.4.3: "A refresh token SHOULD NOT be included").

use super::super::access_token::Subject;
use super::super::{ServiceError, Services};
use super::TokenResponse;
use crate::domain::{Client, ErrorCode, Issuer, OAuthError, Resource, Scope};

impl Services {
    pub(super) fn client_credentials(
        &self,
        issuer: &Issuer,
        client: &Client,
        scope: Option<Scope>,
        resource: Option<Resource>,
    ) -> Result<TokenResponse, ServiceError> {
        if !client.enabled || client.is_public() {
            return Err(OAuthError::client_authentication_failed().into());
        }
        let scope = scope.unwrap_or_else(|| client.scopes.clone());
        if !scope.narrows(&client.scopes) {
            return Err(OAuthError::new(
                ErrorCode::InvalidScope,
                "the request asks for a scope this client may not have",
            )
            .into());
        }
        if resource
            .as_ref()
            .is_some_and(|r| !client.resources.contains(r))
        {
            return Err(OAuthError::new(
                ErrorCode::InvalidTarget,
                "this client may not ask for that resource",
            )
            .into());
        }
        let access = self.mint_access_token(
            issuer,
            Subject::Client,
            client.id,
            &scope,
            resource.as_ref(),
        )?;
        Ok(TokenResponse {
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token: None,
            scope,
            id_token: None,
        })
    }
}
