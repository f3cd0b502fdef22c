use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::LoginHint;
use crate::http::edge::Edge;
use crate::http::error::PageError;
use crate::http::extract::{CurrentSession, LOGIN_AFTER, Params, authorization_request};
use crate::http::pages::{ConsentPage, describe_scope, html};
use crate::http::respond::see_other;
use crate::http::routes;
use crate::service::{AuthorizeError, AuthorizeStep, Services};

/// The request parameters that travel through the consent form unchanged.
const FORWARDED: [&str; 14] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "nonce",
    "prompt",
    "max_age",
    "login_hint",
    "dpop_jkt",
    LOGIN_AFTER,
];

/// `GET /authorize` (RFC 6749 section 4.1.1).
pub async fn start(
    req: HttpRequest,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let params = Params::parse(req.query_string().as_bytes());
    let checked = services
        .check_authorization(authorization_request(&params), &edge.issuer)
        .await;
    let request = match checked {
        Ok(request) => request,
        Err(error) => return refusal(error),
    };
    match services
        .authorize(request, session.0.as_ref(), &edge.issuer)
        .await?
    {
        AuthorizeStep::Login { hint, login_after } => {
            let here = match login_after {
                Some(at) => routes::authorize_again(req.query_string(), LOGIN_AFTER, at),
                None => format!("{}?{}", routes::AUTHORIZE, req.query_string()),
            };
            let hint = hint.as_ref().map(LoginHint::as_str);
            Ok(see_other(&routes::sign_in_for(
                &here,
                hint,
                session.0.is_some(),
            )))
        }
        AuthorizeStep::Redirect(url) => Ok(see_other(&url)),
        AuthorizeStep::Consent(request) => {
            let Some(session) = session.0 else {
                return Err(PageError::csrf());
            };
            let hidden = params.carried(&FORWARDED);
            let scopes = request
                .scope
                .iter()
                .map(|token| (token.to_owned(), describe_scope(token)))
                .collect();
            Ok(html(
                StatusCode::OK,
                &ConsentPage {
                    client_name: request.client.name.as_str(),
                    username: session.user.username.as_str(),
                    scopes,
                    hidden,
                    csrf: session.csrf.expose(),
                },
            ))
        }
    }
}

/// `POST /authorize`: the user's decision on the consent page. The request is checked
/// again from scratch: the hidden fields came back through the browser.
pub async fn decide(
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let form = Params::parse(&body);
    let session = session.verified(&form)?;
    let request = match services
        .check_authorization(authorization_request(&form), &edge.issuer)
        .await
    {
        Ok(request) => request,
        Err(error) => return refusal(error),
    };
    let approve = form.get("decision") == Some("approve");
    let url = services
        .decide_consent(request, &session, approve, &edge.issuer)
        .await?;
    Ok(see_other(&url))
}

fn refusal(error: AuthorizeError) -> Result<HttpResponse, PageError> {
    match error {
        AuthorizeError::Page(problem) => Err(PageError::bad_request(problem.message())),
        AuthorizeError::Redirect(url) => Ok(see_other(&url)),
        AuthorizeError::Service(error) => Err(error.into()),
    }
}
