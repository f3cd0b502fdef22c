//! Client authentication at the token, revocation and introspection endpoints (RFC 6749
//! section 2.3.1): `client_secret_basic`, `client_secret_post`, and `none` for public
//! clients. The edge has already read the credentials into a `ClientCredentials`.

use super::super::{ServiceError, Services};
use crate::domain::{
    Client, ClientCredentials, ClientKind, ErrorCode, OAuthError, PresentedSecret,
};

fn invalid_client(why: &str) -> ServiceError {
    OAuthError::new(ErrorCode::InvalidClient, why).into()
}

fn failed() -> ServiceError {
    OAuthError::client_authentication_failed().into()
}

/// Checks the presented credentials against the client found under their id (`None`: no
/// such client), whichever record of it the caller loaded. Every failure is the same 401
/// `invalid_client`, whether the client is unknown or the secret wrong.
pub(super) fn verify_credentials<C>(
    found: Option<C>,
    kind: fn(&C) -> &ClientKind,
    presented: &ClientCredentials,
) -> Result<C, ServiceError> {
    let client = found.ok_or_else(failed)?;
    match (kind(&client), &presented.secret) {
        (ClientKind::Public, None) => Ok(client),
        (ClientKind::Public, Some(_)) => Err(invalid_client("a public client has no secret")),
        (ClientKind::Confidential { .. }, None) => Err(invalid_client(
            "this client must authenticate with its secret",
        )),
        (ClientKind::Confidential { secret_hash }, Some(PresentedSecret::WellFormed(secret)))
            if secret_hash.matches(&secret.hash()) =>
        {
            Ok(client)
        }
        (ClientKind::Confidential { .. }, Some(_)) => Err(failed()),
    }
}

impl Services {
    /// Who is asking.
    pub(in crate::service) async fn authenticate_client(
        &self,
        presented: &ClientCredentials,
    ) -> Result<Client, ServiceError> {
        let found = self.store.find_client(presented.id).await?;
        verify_credentials(found, |client| &client.kind, presented)
    }
}
