use crate::domain::{
    AuthorizationCode, CodeVerifier, GivenRedirect, PresentedRefreshToken, Resource, Scope,
};

/// A token request, one variant per grant, with every parameter already parsed at the
/// edge.
#[derive(Debug)]
pub enum TokenRequest {
    AuthorizationCode {
        code: AuthorizationCode,
        redirect_uri: GivenRedirect,
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
