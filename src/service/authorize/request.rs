//! An authorization request as the edge parsed it, and as it stands once checked.

use chrono::{DateTime, Utc};

use crate::domain::{
    Client, ClientId, CodeChallenge, GivenRedirect, OAuthError, OpenIdParams, RedirectUri,
    Resource, Scope, Thumbprint,
};

/// `GET /authorize`'s parameters, each already parsed. What names the client and its
/// redirect URI stands apart from the rest, because until those two are checked an error
/// may not be redirected anywhere (RFC 6749 section 4.1.2.1). A parameter that did not
/// parse keeps its error for the stage at which the rules report it.
#[derive(Debug)]
pub struct AuthorizationRequest {
    pub target: Result<Target, Unredirectable>,
    /// Echoed in every redirect, the one that says it is too long included.
    pub state: Option<String>,
    /// `response_type=code`, no parameter repeated, `state` within bounds: reported
    /// before whether the client may use the code grant at all.
    pub code_flow: Result<(), OAuthError>,
    pub details: Result<Requested, OAuthError>,
}

#[derive(Debug)]
pub struct Target {
    pub client_id: ClientId,
    pub redirect_uri: GivenRedirect,
}

/// Why no redirect URI can be trusted with the answer: the user is told, nobody is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unredirectable {
    RepeatedTarget,
    NoClient,
    UnknownClient,
    UnregisteredRedirect,
    AmbiguousRedirect,
}

impl Unredirectable {
    pub fn message(self) -> &'static str {
        match self {
            Unredirectable::RepeatedTarget => "The request repeats client_id or redirect_uri.",
            Unredirectable::NoClient => "The request names no client (client_id is missing).",
            Unredirectable::UnknownClient => "The request names an unknown client.",
            Unredirectable::UnregisteredRedirect => {
                "The redirect URI is not registered for this client."
            }
            Unredirectable::AmbiguousRedirect => {
                "The request must name one of the client's redirect URIs."
            }
        }
    }
}

/// What the client asks for, checked against what it may have only after it is known.
#[derive(Debug)]
pub struct Requested {
    pub challenge: CodeChallenge,
    /// `None`: everything the client may have.
    pub scope: Option<Scope>,
    /// One that did not parse is reported after the scope, as one the client may not ask
    /// for.
    pub resource: Result<Option<Resource>, OAuthError>,
    pub openid: OpenIdParams,
    /// RFC 9449 section 10: the key the code will be bound to.
    pub dpop_jkt: Option<Thumbprint>,
    /// Set by Latchkey itself when it sent the browser to sign in again for this request
    /// (`prompt=login`, `max_age`): a login since then satisfies the request.
    pub login_after: Option<DateTime<Utc>>,
}

/// A request that passed every check: safe to show consent for and to issue a code to.
#[derive(Debug, Clone)]
pub struct CheckedAuthorization {
    pub client: Client,
    pub redirect_uri: RedirectUri,
    pub scope: Scope,
    pub state: Option<String>,
    pub challenge: CodeChallenge,
    pub resource: Option<Resource>,
    pub openid: OpenIdParams,
    pub dpop_jkt: Option<Thumbprint>,
    pub login_after: Option<DateTime<Utc>>,
}
