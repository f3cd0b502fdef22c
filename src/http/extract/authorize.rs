//! `GET /authorize`'s query (and the consent form that carries it back) read into an
//! `AuthorizationRequest` (RFC 6749 section 4.1.1, RFC 7636 section 4.3, RFC 8707).

use super::params::Params;
use chrono::DateTime;

use crate::domain::{
    ClientId, CodeChallenge, ErrorCode, GivenRedirect, LoginHint, MaxAge, Nonce, OAuthError,
    OpenIdParams, Prompt, Resource, Scope, Thumbprint,
};
use crate::service::{AuthorizationRequest, NOT_THIS_RESOURCE, Requested, Target, Unredirectable};

const MAX_STATE: usize = 1024;

/// Latchkey's own mark on a request it sent the browser to sign in for: when (Unix
/// seconds) it did. Only weakens `prompt=login` for a login made after that moment, so a
/// forged value gains nothing a request without `prompt=login` would not have.
pub const LOGIN_AFTER: &str = "login_after";

pub fn authorization_request(params: &Params) -> AuthorizationRequest {
    AuthorizationRequest {
        target: target(params),
        state: params.get("state").map(str::to_owned),
        code_flow: code_flow(params),
        details: details(params),
    }
}

fn target(params: &Params) -> Result<Target, Unredirectable> {
    if matches!(
        params.repeated.as_deref(),
        Some("client_id" | "redirect_uri")
    ) {
        return Err(Unredirectable::RepeatedTarget);
    }
    let client_id = params.get("client_id").ok_or(Unredirectable::NoClient)?;
    Ok(Target {
        client_id: ClientId::parse(client_id).map_err(|_| Unredirectable::UnknownClient)?,
        redirect_uri: GivenRedirect::parse(params.get("redirect_uri")),
    })
}

fn code_flow(params: &Params) -> Result<(), OAuthError> {
    let invalid = |why: &str| OAuthError::new(ErrorCode::InvalidRequest, why);
    params.refuse_repeated()?;
    if params.get("state").is_some_and(|s| s.len() > MAX_STATE) {
        return Err(invalid("state is longer than 1024 characters"));
    }
    match params.get("response_type") {
        Some("code") => Ok(()),
        None => Err(invalid("response_type is missing")),
        Some(_) => Err(OAuthError::new(
            ErrorCode::UnsupportedResponseType,
            "only response_type=code is supported",
        )),
    }
}

fn details(params: &Params) -> Result<Requested, OAuthError> {
    let challenge = CodeChallenge::from_request(
        params.get("code_challenge_method"),
        params.get("code_challenge"),
    )?;
    let scope = params
        .get("scope")
        .map(Scope::parse)
        .transpose()
        .map_err(|e| OAuthError::new(ErrorCode::InvalidScope, e.to_string()))?;
    let resource = params
        .get("resource")
        .map(Resource::parse)
        .transpose()
        .map_err(|_| OAuthError::new(ErrorCode::InvalidTarget, NOT_THIS_RESOURCE));
    let openid = OpenIdParams {
        nonce: params.get("nonce").map(Nonce::parse).transpose()?,
        prompt: params
            .get("prompt")
            .map(Prompt::parse)
            .transpose()?
            .unwrap_or_default(),
        max_age: params.get("max_age").map(MaxAge::parse).transpose()?,
        login_hint: params.get("login_hint").and_then(LoginHint::parse),
    };
    let dpop_jkt = params
        .get("dpop_jkt")
        .map(Thumbprint::parse)
        .transpose()
        .map_err(|e| OAuthError::new(ErrorCode::InvalidRequest, e.to_string()))?;
    let login_after = params
        .get(LOGIN_AFTER)
        .and_then(|seconds| seconds.parse::<i64>().ok())
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0));
    Ok(Requested {
        challenge,
        scope,
        resource,
        openid,
        dpop_jkt,
        login_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn read(query: &str) -> AuthorizationRequest {
        authorization_request(&Params::parse(query.as_bytes()))
    }

    #[test]
    fn the_client_and_its_redirect_uri_stand_apart() {
        let id = ClientId::generate();
        let request = read(&format!(
            "client_id={id}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code\
             &code_challenge={CHALLENGE}&code_challenge_method=S256&scope=a+b&state=xyz"
        ));
        let target = request.target.unwrap();
        assert_eq!(target.client_id, id);
        assert!(matches!(target.redirect_uri, GivenRedirect::Uri(_)));
        assert_eq!(request.state.as_deref(), Some("xyz"));
        assert!(request.code_flow.is_ok());
        let details = request.details.unwrap();
        assert_eq!(details.scope.unwrap().to_string(), "a b");
        assert!(matches!(details.resource, Ok(None)));
    }

    #[test]
    fn each_problem_waits_for_its_stage() {
        assert_eq!(read("").target.unwrap_err(), Unredirectable::NoClient);
        assert_eq!(
            read("client_id=a&client_id=b").target.unwrap_err(),
            Unredirectable::RepeatedTarget
        );
        assert_eq!(
            read("client_id=%00").target.unwrap_err(),
            Unredirectable::UnknownClient
        );
        let id = ClientId::generate();
        let request = read(&format!("client_id={id}&response_type=token&resource=%%"));
        assert!(request.target.is_ok());
        assert_eq!(
            request.code_flow.unwrap_err().code,
            ErrorCode::UnsupportedResponseType
        );
        assert_eq!(
            request.details.unwrap_err().code,
            ErrorCode::InvalidRequest,
            "PKCE is required"
        );
        let request = read(&format!(
            "client_id={id}&response_type=code&code_challenge={CHALLENGE}\
             &code_challenge_method=S256&resource=not-a-uri"
        ));
        assert_eq!(
            request.details.unwrap().resource.unwrap_err().code,
            ErrorCode::InvalidTarget
        );
    }
}
