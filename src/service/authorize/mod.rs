//! The authorization endpoint's rules (RFC 6749 section 4.1.1, RFC 7636, RFC 8707,
//! RFC 9207). Validation comes in two stages because their errors go to different
//! places: until the client and its redirect URI are known to be genuine, an error is
//! shown to the user and nobody is redirected (section 4.1.2.1); after that, every
//! error goes back to the client.

mod redirect;
mod request;

pub use request::{AuthorizationRequest, CheckedAuthorization, Requested, Target, Unredirectable};

use super::{ServiceError, Services};
use crate::domain::{
    AuthorizationCode, BrowserSession, ErrorCode, GivenRedirect, GrantType, Issuer, OAuthError,
};
use crate::store::NewCode;
use redirect::{error_redirect, with_query};

/// Also what a `resource` that is not even a URI is refused with.
pub const NOT_THIS_RESOURCE: &str = "this client may not ask for that resource";

/// Why a request was refused, and where the answer goes.
#[derive(Debug)]
pub enum AuthorizeError {
    /// Unknown client or unregistered redirect URI: shown to the user, never redirected.
    Page(Unredirectable),
    /// Everything else: back to the client's redirect URI.
    Redirect(String),
    Service(ServiceError),
}

impl From<ServiceError> for AuthorizeError {
    fn from(error: ServiceError) -> Self {
        AuthorizeError::Service(error)
    }
}

/// What the browser should see next.
#[derive(Debug)]
pub enum AuthorizeStep {
    Login,
    Consent(Box<CheckedAuthorization>),
    /// The client's redirect URI with `code`, `state` and `iss`.
    Redirect(String),
}

impl Services {
    pub async fn check_authorization(
        &self,
        request: AuthorizationRequest,
        issuer: &Issuer,
    ) -> Result<CheckedAuthorization, AuthorizeError> {
        let target = request.target.map_err(AuthorizeError::Page)?;
        let client = match self.find_client(target.client_id).await {
            Ok(client) if client.enabled => client,
            Ok(_) | Err(ServiceError::NotFound(_)) => {
                return Err(AuthorizeError::Page(Unredirectable::UnknownClient));
            }
            Err(other) => return Err(other.into()),
        };
        let redirect_uri = match target.redirect_uri {
            GivenRedirect::Uri(given) => client
                .redirect_uris
                .iter()
                .find(|registered| **registered == given)
                .cloned(),
            GivenRedirect::Invalid => None,
            // Section 3.1.2.3: without a redirect_uri the one registered URI is used; with
            // several there is no telling which was meant.
            GivenRedirect::Absent => match client.redirect_uris.as_slice() {
                [only] => Some(only.clone()),
                _ => return Err(AuthorizeError::Page(Unredirectable::AmbiguousRedirect)),
            },
        }
        .ok_or(AuthorizeError::Page(Unredirectable::UnregisteredRedirect))?;

        let state = request.state;
        let back = |error: OAuthError| {
            AuthorizeError::Redirect(error_redirect(
                &redirect_uri,
                &error,
                state.as_deref(),
                issuer,
            ))
        };
        request.code_flow.map_err(back)?;
        if !client.grant_types.contains(GrantType::AuthorizationCode) {
            return Err(back(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "this client may not use the authorization code grant",
            )));
        }
        let requested = request.details.map_err(back)?;
        let scope = requested.scope.unwrap_or_else(|| client.scopes.clone());
        if !scope.narrows(&client.scopes) {
            return Err(back(OAuthError::new(
                ErrorCode::InvalidScope,
                "the request asks for a scope this client may not have",
            )));
        }
        let resource = requested.resource.map_err(back)?;
        if let Some(resource) = &resource
            && !client.resources.contains(resource)
        {
            return Err(back(OAuthError::new(
                ErrorCode::InvalidTarget,
                NOT_THIS_RESOURCE,
            )));
        }
        Ok(CheckedAuthorization {
            client,
            redirect_uri,
            scope,
            state,
            challenge: requested.challenge,
            resource,
        })
    }

    /// Decides the next step for a valid request and a browser that may be logged in.
    pub async fn authorize(
        &self,
        request: CheckedAuthorization,
        session: Option<&BrowserSession>,
        issuer: &Issuer,
    ) -> Result<AuthorizeStep, ServiceError> {
        let Some(session) = session else {
            return Ok(AuthorizeStep::Login);
        };
        let remembered = if request.client.skip_consent {
            true
        } else {
            self.store
                .find_consent(session.user.id, request.client.id)
                .await?
                .is_some_and(|granted| request.scope.narrows(&granted))
        };
        if !remembered {
            return Ok(AuthorizeStep::Consent(Box::new(request)));
        }
        let url = self.issue_code(&request, session, issuer).await?;
        Ok(AuthorizeStep::Redirect(url))
    }

    /// The user's answer on the consent page. Approval is remembered for this client
    /// (added to what was granted before) and answered with a code.
    pub async fn decide_consent(
        &self,
        request: CheckedAuthorization,
        session: &BrowserSession,
        approve: bool,
        issuer: &Issuer,
    ) -> Result<String, ServiceError> {
        if !approve {
            let denied = OAuthError::new(ErrorCode::AccessDenied, "the user denied the request");
            return Ok(error_redirect(
                &request.redirect_uri,
                &denied,
                request.state.as_deref(),
                issuer,
            ));
        }
        let user = session.user.id;
        let previous = self.store.find_consent(user, request.client.id).await?;
        let granted = match previous {
            Some(previous) => previous.union(&request.scope),
            None => request.scope.clone(),
        };
        self.store
            .save_consent(user, request.client.id, granted, self.clock.now())
            .await?;
        self.issue_code(&request, session, issuer).await
    }

    async fn issue_code(
        &self,
        request: &CheckedAuthorization,
        session: &BrowserSession,
        issuer: &Issuer,
    ) -> Result<String, ServiceError> {
        let code = AuthorizationCode::generate();
        let now = self.clock.now();
        self.store
            .insert_code(NewCode {
                hash: code.hash(),
                client_id: request.client.id,
                user_id: session.user.id,
                redirect_uri: request.redirect_uri.clone(),
                scope: request.scope.clone(),
                resource: request.resource.clone(),
                challenge: request.challenge.clone(),
                auth_time: session.auth_time,
                created_at: now,
                expires_at: now + self.policy.auth_code_ttl.as_delta(),
            })
            .await?;
        let mut params = vec![("code", code.expose())];
        if let Some(state) = &request.state {
            params.push(("state", state));
        }
        params.push(("iss", issuer.as_str()));
        Ok(with_query(&request.redirect_uri, &params))
    }
}
