use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::{CsrfToken, LoginHint, Password};
use crate::http::edge::{Edge, LOGIN_CSRF_COOKIE, SESSION_COOKIE, local_path};
use crate::http::error::PageError;
use crate::http::extract::{CurrentSession, Params};
use crate::http::pages::{LoginPage, html};
use crate::http::respond::see_other;
use crate::service::{LoginOutcome, Services};

/// The login form's CSRF token lives in a cookie and in the form (double submit): there
/// is no session yet to bind it to.
const LOGIN_CSRF_SECONDS: i64 = 3600;

/// `GET /login`: the form, or straight on when already signed in, unless an
/// authorization request asked for a fresh login (`prompt=login`). `login_hint`
/// pre-fills the user name, else the signed-in user's name when signing in again.
pub async fn form(
    req: HttpRequest,
    edge: web::Data<Edge>,
    session: CurrentSession,
) -> HttpResponse {
    let query = Params::parse(req.query_string().as_bytes());
    let return_to = local_path(query.get("return_to"));
    let again = query.get("prompt") == Some("login");
    if session.0.is_some() && !again {
        return see_other(&return_to);
    }
    let hint = query.get("login_hint").and_then(LoginHint::parse);
    let username = match (&hint, &session.0) {
        (Some(hint), _) => hint.as_str(),
        (None, Some(session)) => session.user.username.as_str(),
        (None, None) => "",
    };
    let csrf = CsrfToken::generate();
    let mut response = login_page(StatusCode::OK, &return_to, csrf.expose(), username, None);
    let _ = response.add_cookie(&edge.cookie(
        LOGIN_CSRF_COOKIE,
        csrf.expose().to_owned(),
        LOGIN_CSRF_SECONDS,
    ));
    response
}

/// `POST /login`: checks the password (throttled), starts a session, and returns to
/// where the browser was going. Signing in again (`prompt=login`) replaces the session
/// the browser had.
pub async fn submit(
    req: HttpRequest,
    body: Bytes,
    services: web::Data<Services>,
    edge: web::Data<Edge>,
    previous: CurrentSession,
) -> Result<HttpResponse, PageError> {
    let mut form = Params::parse(&body);
    let cookie = req.cookie(LOGIN_CSRF_COOKIE);
    let csrf = match (cookie, form.get("csrf_token")) {
        (Some(cookie), Some(field))
            if CsrfToken::from_stored(cookie.value().to_owned()).matches_presented(field) =>
        {
            field.to_owned()
        }
        _ => return Err(PageError::csrf()),
    };
    let return_to = local_path(form.get("return_to"));
    let username = form.take("username").unwrap_or_default();
    let shown_name: String = username.chars().take(64).collect();
    let outcome = match Password::attempt(form.take("password").unwrap_or_default()) {
        Ok(password) => {
            services
                .log_in(&username, password, edge.origin(&req))
                .await?
        }
        Err(_) => LoginOutcome::Rejected,
    };
    Ok(match outcome {
        LoginOutcome::LoggedIn { token, lifetime } => {
            if let Some(previous) = previous.0 {
                services.log_out(previous).await?;
            }
            let mut response = see_other(&return_to);
            let _ = response.add_cookie(&edge.cookie(
                SESSION_COOKIE,
                token.expose().to_owned(),
                lifetime.as_seconds(),
            ));
            let _ = response.add_cookie(&edge.expired_cookie(LOGIN_CSRF_COOKIE));
            response
        }
        LoginOutcome::Rejected => login_page(
            StatusCode::OK,
            &return_to,
            &csrf,
            &shown_name,
            Some("Wrong user name or password."),
        ),
        LoginOutcome::Throttled { .. } => login_page(
            StatusCode::TOO_MANY_REQUESTS,
            &return_to,
            &csrf,
            &shown_name,
            Some("Too many failed attempts. Please wait a few minutes and try again."),
        ),
    })
}

fn login_page(
    status: StatusCode,
    return_to: &str,
    csrf: &str,
    username: &str,
    error: Option<&str>,
) -> HttpResponse {
    html(
        status,
        &LoginPage {
            return_to,
            csrf,
            username,
            error,
        },
    )
}
