//! The authorization endpoint's rules (RFC 6749 section 4.1.1, RFC 7636, RFC 8707,
//! RFC 9207, and OIDC Core section 3.1.2 for `prompt`, `max_age` and `nonce`).
//! Validation comes in two stages because their errors go to different places: until
//! the client and its redirect URI are known to be genuine, an error is shown to the
//! user and nobody is redirected (section 4.1.2.1); after that, every error goes back to
//! the client.

mod redirect;
mod request;

pub use request::{AuthorizationRequest, CheckedAuthorization, Requested, Target, Unredirectable};

use chrono::{DateTime, Utc};

use super::{ServiceError, Services};
use crate::domain::{
    AuthorizationCode, BrowserSession, ErrorCode, GivenRedirect, GrantType, Issuer, LoginHint,
    OAuthError,
};
use crate::store::NewCode;
use redirect::error_redirect;
pub(super) use redirect::with_query;

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
    /// Sign in (again, if there is a session), then come back to the request; for a
    /// request that asks for a fresh login, marked with `login_after`, so that the new
    /// login is known to satisfy it.
    Login {
        hint: Option<LoginHint>,
        login_after: Option<DateTime<Utc>>,
    },
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
            openid: requested.openid,
            dpop_jkt: requested.dpop_jkt,
            login_after: requested.login_after,
        })
    }

    /// Decides the next step for a valid request and a browser that may be logged in:
    /// sign in (or again, for `prompt=login` or a login older than `max_age`), consent
    /// (unless remembered, or unless `prompt=consent` asks for it anyway), then a code.
    /// `prompt=none` turns each page it would show into an error sent back to the client.
    pub async fn authorize(
        &self,
        request: CheckedAuthorization,
        session: Option<&BrowserSession>,
        issuer: &Issuer,
    ) -> Result<AuthorizeStep, ServiceError> {
        let now = self.clock.now();
        let prompt = request.openid.prompt;
        let back = |code, why: &str| {
            Ok(AuthorizeStep::Redirect(error_redirect(
                &request.redirect_uri,
                &OAuthError::new(code, why),
                request.state.as_deref(),
                issuer,
            )))
        };
        let session = match session {
            Some(session) if signed_in_recently(&request, session, now) => session,
            _ if prompt.none => {
                return back(ErrorCode::LoginRequired, "the user must sign in");
            }
            _ => {
                let wants_fresh = prompt.login || request.openid.max_age.is_some();
                return Ok(AuthorizeStep::Login {
                    hint: request.openid.login_hint.clone(),
                    login_after: wants_fresh.then_some(now),
                });
            }
        };
        let remembered = !prompt.consent
            && (request.client.skip_consent
                || self
                    .store
                    .find_consent(session.user.id, request.client.id)
                    .await?
                    .is_some_and(|granted| request.scope.narrows(&granted)));
        if !remembered {
            if prompt.none {
                return back(
                    ErrorCode::ConsentRequired,
                    "the user must approve this request",
                );
            }
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
                // Only an authentication request's code carries its nonce to the ID token.
                nonce: request
                    .scope
                    .is_openid()
                    .then(|| request.openid.nonce.clone())
                    .flatten(),
                dpop_jkt: request.dpop_jkt.clone(),
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

/// Whether the session's login is recent enough for this request: `prompt=login` and
/// `max_age` (OIDC Core section 3.1.2.1) ask for a login newer than the request, or than
/// `max_age` seconds; a login after Latchkey sent the browser to sign in for this very
/// request always is.
fn signed_in_recently(
    request: &CheckedAuthorization,
    session: &BrowserSession,
    now: DateTime<Utc>,
) -> bool {
    let renewed = request
        .login_after
        .is_some_and(|after| session.auth_time.timestamp() >= after.timestamp());
    let young_enough = request
        .openid
        .max_age
        .is_none_or(|max| (now - session.auth_time).num_seconds() <= max.0);
    renewed || (!request.openid.prompt.login && young_enough)
}
