//! The authorization endpoint's rules (RFC 6749 section 4.1.1, RFC 7636, RFC 8707,
//! RFC 9207). Validation comes in two stages because their errors go to different
//! places: until the client and its redirect URI are known to be genuine, an error is
//! shown to the user and nobody is redirected (section 4.1.2.1); after that, every
//! error goes back to the client.

use url::Url;

use super::oauth_error::{ErrorCode, OAuthError};
use super::{ServiceError, Services, pkce};
use crate::domain::{
    AuthorizationCode, BrowserSession, Client, ClientId, CodeChallenge, GrantType, Issuer,
    RedirectUri, Resource, Scope,
};
use crate::store::NewCode;

const MAX_STATE: usize = 1024;

/// The parameters of an authorization request as they arrived, each at most once.
#[derive(Debug, Clone, Default)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub resource: Option<String>,
    /// A parameter that appeared more than once (section 3.1 forbids it).
    pub repeated: Option<String>,
}

/// A request that passed every check: safe to show consent for and to issue a code to.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: Client,
    pub redirect_uri: RedirectUri,
    pub scope: Scope,
    pub state: Option<String>,
    pub challenge: CodeChallenge,
    pub resource: Option<Resource>,
}

/// Why a request was refused, and where the answer goes.
#[derive(Debug)]
pub enum AuthorizeError {
    /// Unknown client or unregistered redirect URI: shown to the user, never redirected.
    Page(String),
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
    Consent(Box<AuthorizationRequest>),
    /// The client's redirect URI with `code`, `state` and `iss`.
    Redirect(String),
}

impl Services {
    pub async fn check_authorization(
        &self,
        params: &AuthorizeParams,
        issuer: &Issuer,
    ) -> Result<AuthorizationRequest, AuthorizeError> {
        let page = |why: &str| AuthorizeError::Page(why.to_owned());
        if matches!(
            params.repeated.as_deref(),
            Some("client_id" | "redirect_uri")
        ) {
            return Err(page("The request repeats client_id or redirect_uri."));
        }
        let client_id = params
            .client_id
            .as_deref()
            .ok_or_else(|| page("The request names no client (client_id is missing)."))?;
        let client_id =
            ClientId::parse(client_id).map_err(|_| page("The request names an unknown client."))?;
        let client = match self.find_client(client_id).await {
            Ok(client) if client.enabled => client,
            Ok(_) | Err(ServiceError::NotFound(_)) => {
                return Err(page("The request names an unknown client."));
            }
            Err(other) => return Err(other.into()),
        };
        let redirect_uri = match params.redirect_uri.as_deref() {
            Some(given) => client
                .redirect_uris
                .iter()
                .find(|registered| registered.as_str() == given)
                .cloned()
                .ok_or_else(|| page("The redirect URI is not registered for this client."))?,
            // Section 3.1.2.3: without a redirect_uri the one registered URI is used; with
            // several there is no telling which was meant.
            None => match client.redirect_uris.as_slice() {
                [only] => only.clone(),
                _ => {
                    return Err(page(
                        "The request must name one of the client's redirect URIs.",
                    ));
                }
            },
        };

        let state = params.state.clone();
        let back = |error: OAuthError| {
            AuthorizeError::Redirect(error_redirect(
                &redirect_uri,
                &error,
                state.as_deref(),
                issuer,
            ))
        };
        let invalid = |why: &str| back(OAuthError::new(ErrorCode::InvalidRequest, why));
        if let Some(name) = &params.repeated {
            return Err(invalid(&format!("the {name} parameter is repeated")));
        }
        if state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
            return Err(invalid("state is longer than 1024 characters"));
        }
        match params.response_type.as_deref() {
            Some("code") => {}
            None => return Err(invalid("response_type is missing")),
            Some(_) => {
                return Err(back(OAuthError::new(
                    ErrorCode::UnsupportedResponseType,
                    "only response_type=code is supported",
                )));
            }
        }
        if !client.grant_types.contains(GrantType::AuthorizationCode) {
            return Err(back(OAuthError::new(
                ErrorCode::UnauthorizedClient,
                "this client may not use the authorization code grant",
            )));
        }
        let challenge = pkce::accept_challenge(
            params.code_challenge_method.as_deref(),
            params.code_challenge.as_deref(),
        )
        .map_err(back)?;
        let scope = match params.scope.as_deref() {
            None => client.scopes.clone(),
            Some(text) => Scope::parse(text)
                .map_err(|e| back(OAuthError::new(ErrorCode::InvalidScope, e.to_string())))?,
        };
        if !scope.narrows(&client.scopes) {
            return Err(back(OAuthError::new(
                ErrorCode::InvalidScope,
                "the request asks for a scope this client may not have",
            )));
        }
        let resource = match params.resource.as_deref() {
            None => None,
            Some(text) => {
                let resource = Resource::parse(text)
                    .ok()
                    .filter(|r| client.resources.contains(r));
                Some(resource.ok_or_else(|| {
                    back(OAuthError::new(
                        ErrorCode::InvalidTarget,
                        "this client may not ask for that resource",
                    ))
                })?)
            }
        };
        Ok(AuthorizationRequest {
            client,
            redirect_uri,
            scope,
            state,
            challenge,
            resource,
        })
    }

    /// Decides the next step for a valid request and a browser that may be logged in.
    pub async fn authorize(
        &self,
        request: AuthorizationRequest,
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
        request: AuthorizationRequest,
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
        request: &AuthorizationRequest,
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

/// Section 4.1.2.1, with `iss` from RFC 9207 so that a client talking to several
/// servers can tell which one answered.
fn error_redirect(
    redirect_uri: &RedirectUri,
    error: &OAuthError,
    state: Option<&str>,
    issuer: &Issuer,
) -> String {
    let mut params = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        params.push(("state", state));
    }
    params.push(("iss", issuer.as_str()));
    with_query(redirect_uri, &params)
}

/// Adds query parameters to a registered redirect URI, keeping any query it already has
/// (section 3.1.2: "MUST retain that query component").
fn with_query(redirect_uri: &RedirectUri, params: &[(&str, &str)]) -> String {
    match Url::parse(redirect_uri.as_str()) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(params);
            url.to_string()
        }
        // Registered URIs were parsed when registered; this cannot happen, but a
        // redirect without parameters is still better than none.
        Err(_) => redirect_uri.as_str().to_owned(),
    }
}
