//! The routes: the home page (data from the API), `/login` (off to Latchkey), `/callback`
//! (back from it), `/logout`.

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::oauth::{GrantError, random_token};
use super::session::{Pending, Session};
use super::{ClientApp, api, pages};

const COOKIE: &str = "app_session";

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(home))
        .route("/login", web::get().to(login))
        .route("/callback", web::get().to(callback))
        .route("/logout", web::post().to(logout));
}

impl ClientApp {
    fn session_of(&self, request: &HttpRequest) -> Option<(String, Arc<Session>)> {
        let id = request.cookie(COOKIE)?.value().to_owned();
        let session = self.sessions.get(&id, self.oauth.now())?;
        Some((id, session))
    }

    fn session_cookie(&self, id: String) -> Cookie<'static> {
        Cookie::build(COOKIE, id)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.oauth.secure_cookies())
            .finish()
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .finish()
}

fn unavailable(why: &GrantError) -> HttpResponse {
    let message = match why {
        GrantError::LoginAgain => "Please sign in again.".to_owned(),
        GrantError::Refused(why) => format!("Latchkey or the API refused this app: {why}"),
        GrantError::Unavailable(why) => format!("Latchkey or the API cannot be reached: {why}"),
    };
    pages::error(StatusCode::BAD_GATEWAY, &message)
}

async fn home(app: web::Data<ClientApp>, request: HttpRequest) -> HttpResponse {
    let Some((_, session)) = app.session_of(&request) else {
        return pages::signed_out(None);
    };
    if !session.signed_in().await {
        return pages::signed_out(None);
    }
    // Two calls at once, as a real page makes them: one refresh serves both.
    let (notes, account) = tokio::join!(
        api::get(&app.http, &app.oauth, &session, "/api/notes"),
        api::get(&app.http, &app.oauth, &session, "/api/account"),
    );
    match (notes, account) {
        (Ok(notes), Ok(account)) => pages::dashboard(&notes, &account),
        (Err(GrantError::LoginAgain), _) | (_, Err(GrantError::LoginAgain)) => {
            session.take_tokens().await;
            pages::signed_out(Some(
                "Latchkey ended this app's access: it was revoked, or unused for too long.",
            ))
        }
        (Err(why), _) | (_, Err(why)) => unavailable(&why),
    }
}

async fn login(app: web::Data<ClientApp>, request: HttpRequest) -> HttpResponse {
    let created = match app.session_of(&request) {
        Some((_, session)) => Ok((None, session)),
        None => app
            .sessions
            .create(app.oauth.now())
            .map(|(id, session)| (Some(id), session)),
    };
    let (Ok((new_id, session)), Ok(state), Ok(verifier)) =
        (created, random_token(), random_token())
    else {
        return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "no randomness available");
    };
    let url = app.oauth.authorization_url(&state, &verifier);
    session.begin_login(Pending { state, verifier });
    let mut response = see_other(&url);
    if let Some(id) = new_id {
        // Cannot fail: the cookie is freshly built and well-formed.
        let _ = response.add_cookie(&app.session_cookie(id));
    }
    response
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    app: web::Data<ClientApp>,
    request: HttpRequest,
    query: web::Query<CallbackQuery>,
) -> HttpResponse {
    let Some((old_id, session)) = app.session_of(&request) else {
        return pages::error(StatusCode::BAD_REQUEST, "This sign-in did not start here.");
    };
    // The state ties the answer to the login this browser started (CSRF); taken once.
    let Some(pending) = session.take_pending() else {
        return pages::error(StatusCode::BAD_REQUEST, "This sign-in was already used.");
    };
    if query.state.as_deref() != Some(pending.state.as_str()) {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "The sign-in answer does not match.",
        );
    }
    // RFC 9207: an answer from another authorization server is a mix-up attack.
    if query
        .iss
        .as_deref()
        .is_some_and(|iss| iss != app.oauth.issuer())
    {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "The answer came from another issuer.",
        );
    }
    if let Some(error) = &query.error {
        let message = match error.as_str() {
            "access_denied" => "You did not allow this app to see your notes.".to_owned(),
            _ => format!(
                "Latchkey refused: {error} {}",
                query.error_description.as_deref().unwrap_or_default()
            ),
        };
        return pages::error(StatusCode::BAD_REQUEST, &message);
    }
    let Some(code) = &query.code else {
        return pages::error(StatusCode::BAD_REQUEST, "The sign-in answer has no code.");
    };
    let tokens = match app.oauth.exchange(code, &pending.verifier).await {
        Ok(tokens) => tokens,
        Err(why) => return unavailable(&why),
    };
    // A new session id at sign-in, so that an id planted before it (fixation) is useless.
    app.sessions.remove(&old_id);
    let Ok((id, signed_in)) = app.sessions.create(app.oauth.now()) else {
        return pages::error(StatusCode::INTERNAL_SERVER_ERROR, "no randomness available");
    };
    signed_in.set_tokens(tokens).await;
    let mut response = see_other("/");
    let _ = response.add_cookie(&app.session_cookie(id));
    response
}

async fn logout(app: web::Data<ClientApp>, request: HttpRequest) -> HttpResponse {
    if let Some((id, session)) = app.session_of(&request) {
        app.sessions.remove(&id);
        if let Some(refresh) = session.take_tokens().await.and_then(|t| t.refresh) {
            app.oauth.revoke(&refresh).await;
        }
    }
    let mut response = see_other("/");
    let mut gone = Cookie::build(COOKIE, "").path("/").finish();
    gone.make_removal();
    let _ = response.add_cookie(&gone);
    response
}
