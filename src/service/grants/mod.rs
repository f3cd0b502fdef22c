//! The token endpoint's rules (RFC 6749 sections 3.2, 4.1.3, 4.4, 6): client
//! authentication, the request as one enum variant per grant, and the dispatch. One file
//! per grant beside this one.

mod authorization_code;
mod client_auth;
mod client_credentials;
mod refresh_token;
mod request;

pub(super) use refresh_token::is_live_token;
pub use request::TokenRequest;

use super::{ServiceError, Services};
use crate::domain::{
    Client, ClientCredentials, ErrorCode, GrantType, GrantTypes, Issuer, OAuthError, RefreshToken,
    Scope,
};

/// A successful token response (RFC 6749 section 5.1).
#[derive(Debug)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<RefreshToken>,
    pub scope: Scope,
    /// For a grant whose scope holds `openid` (OIDC Core sections 3.1.3.3 and 12.2).
    pub id_token: Option<String>,
}

impl Services {
    /// Authenticates the client, then runs the grant it asked for.
    pub async fn token(
        &self,
        issuer: &Issuer,
        credentials: &ClientCredentials,
        request: TokenRequest,
    ) -> Result<TokenResponse, ServiceError> {
        match request {
            // The refresh grant authenticates the client in its own trip to the database.
            TokenRequest::RefreshToken { token, scope } => {
                self.refresh(issuer, credentials, token, scope).await
            }
            TokenRequest::AuthorizationCode {
                code,
                redirect_uri,
                verifier,
            } => {
                let client = self
                    .client_for(credentials, GrantType::AuthorizationCode)
                    .await?;
                self.exchange_code(issuer, &client, code, redirect_uri, verifier)
                    .await
            }
            TokenRequest::ClientCredentials { scope, resource } => {
                let client = self
                    .client_for(credentials, GrantType::ClientCredentials)
                    .await?;
                self.client_credentials(issuer, &client, scope, resource)
            }
        }
    }

    /// The answer to a token request the edge could not read: a client that fails to
    /// authenticate learns only that.
    pub async fn refuse_token_request(
        &self,
        credentials: &ClientCredentials,
        unreadable: OAuthError,
    ) -> ServiceError {
        match self.authenticate_client(credentials).await {
            Ok(_) => unreadable.into(),
            Err(refused) => refused,
        }
    }

    async fn client_for(
        &self,
        credentials: &ClientCredentials,
        grant: GrantType,
    ) -> Result<Client, ServiceError> {
        let client = self.authenticate_client(credentials).await?;
        allow_grant(&client.grant_types, grant)?;
        Ok(client)
    }
}

fn allow_grant(allowed: &GrantTypes, grant: GrantType) -> Result<(), ServiceError> {
    if allowed.contains(grant) {
        Ok(())
    } else {
        Err(OAuthError::new(
            ErrorCode::UnauthorizedClient,
            format!("this client may not use the {grant} grant"),
        )
        .into())
    }
}

fn invalid_grant(why: &str) -> ServiceError {
    OAuthError::new(ErrorCode::InvalidGrant, why).into()
}

/// Whether this client gets refresh tokens at all.
fn refreshes(client: &Client) -> bool {
    client.grant_types.contains(GrantType::RefreshToken)
}
