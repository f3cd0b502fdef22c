//! `/logout`: RP-Initiated Logout 1.0 (`GET`, from an app) and the sign-out form
//! (`POST`, from Latchkey's own pages and the confirmation page).

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::http::edge::{Edge, SESSION_COOKIE};
use crate::http::error::PageError;
use crate::http::extract::{CurrentSession, Params, logout_request};
use crate::http::pages::{LogoutConfirmPage, SignedOutPage, html};
use crate::http::respond::see_other;
use crate::http::routes;
use crate::service::{LogoutStep, Services};

/// What the confirmation form carries on; the hint has done its work by then.
const FORWARDED: [&str; 3] = ["client_id", "post_logout_redirect_uri", "state"];

/// `GET /logout` (section 2).
pub async fn start(
    req: HttpRequest,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let params = Params::parse(req.query_string().as_bytes());
    let request = logout_request(&params);
    let Some(signed_in) = session.0 else {
        let step = services.end_session(&edge.issuer, &request, None).await?;
        return Ok(finished(&edge, step));
    };
    let username = signed_in.user.username.as_str().to_owned();
    let csrf = signed_in.csrf.expose().to_owned();
    match services
        .end_session(&edge.issuer, &request, Some(signed_in))
        .await?
    {
        LogoutStep::Confirm => {
            let hidden = params.carried(&FORWARDED);
            Ok(html(
                StatusCode::OK,
                &LogoutConfirmPage {
                    username: &username,
                    csrf: &csrf,
                    hidden,
                },
            ))
        }
        done => Ok(finished(&edge, done)),
    }
}

/// `POST /logout`: ends the browser session at Latchkey (not the apps' refresh tokens),
/// then back to the app that asked, if it may be, else to the signed-out page (by a
/// redirect, so that reloading it posts nothing).
pub async fn confirm(
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    session: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let form = Params::parse(&body);
    if session.0.is_none() {
        return Ok(see_other(routes::HOME));
    }
    let session = session.verified(&form)?;
    let redirect = services
        .confirm_logout(&logout_request(&form), session)
        .await?;
    let url = redirect.unwrap_or_else(|| routes::LOGOUT.to_owned());
    Ok(without_session(&edge, see_other(&url)))
}

fn finished(edge: &Edge, step: LogoutStep) -> HttpResponse {
    let response = match step {
        LogoutStep::Done(Some(url)) => see_other(&url),
        LogoutStep::Done(None) | LogoutStep::Confirm => html(StatusCode::OK, &SignedOutPage),
    };
    without_session(edge, response)
}

fn without_session(edge: &Edge, mut response: HttpResponse) -> HttpResponse {
    let _ = response.add_cookie(&edge.expired_cookie(SESSION_COOKIE));
    response
}
