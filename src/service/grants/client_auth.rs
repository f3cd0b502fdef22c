//! Client authentication at the token endpoint (RFC 6749 section 2.3.1):
//! `client_secret_basic`, `client_secret_post`, and `none` for public clients.

use super::super::oauth_error::{ErrorCode, OAuthError};
use super::super::{ServiceError, Services};
use crate::domain::{Client, ClientId, ClientKind, ClientSecret};

/// The credentials as the edge found them, already decoded.
#[derive(Debug, Default)]
pub struct PresentedClient {
    pub client_id: Option<String>,
    pub secret: Option<String>,
}

const FAILED: &str = "client authentication failed";

impl PresentedClient {
    /// The client that claims to ask; not yet authenticated.
    pub(super) fn client_id(&self) -> Result<ClientId, ServiceError> {
        let id = self
            .client_id
            .as_deref()
            .ok_or_else(|| invalid_client("client authentication is required"))?;
        ClientId::parse(id).map_err(|_| invalid_client(FAILED))
    }
}

fn invalid_client(why: &str) -> ServiceError {
    OAuthError::new(ErrorCode::InvalidClient, why).into()
}

/// Checks the presented credentials against the client found under their id (`None`: no
/// such client), whichever record of it the caller loaded. Every failure is the same 401
/// `invalid_client`, whether the client is unknown or the secret wrong.
pub(super) fn verify_credentials<C>(
    found: Option<C>,
    kind: fn(&C) -> &ClientKind,
    presented: &PresentedClient,
) -> Result<C, ServiceError> {
    let client = found.ok_or_else(|| invalid_client(FAILED))?;
    match (kind(&client), presented.secret.as_deref()) {
        (ClientKind::Public, None) => Ok(client),
        (ClientKind::Public, Some(_)) => Err(invalid_client("a public client has no secret")),
        (ClientKind::Confidential { .. }, None) => Err(invalid_client(
            "this client must authenticate with its secret",
        )),
        (ClientKind::Confidential { secret_hash }, Some(secret)) => {
            let presented = ClientSecret::parse(secret).map_err(|_| invalid_client(FAILED))?;
            if secret_hash.matches(&presented.hash()) {
                Ok(client)
            } else {
                Err(invalid_client(FAILED))
            }
        }
    }
}

impl Services {
    /// Who is asking.
    pub(in crate::service) async fn authenticate_client(
        &self,
        presented: PresentedClient,
    ) -> Result<Client, ServiceError> {
        let found = self.store.find_client(presented.client_id()?).await?;
        verify_credentials(found, |client| &client.kind, &presented)
    }
}
