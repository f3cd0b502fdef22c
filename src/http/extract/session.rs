use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::params::Params;
use crate::domain::{BrowserSession, SessionToken};
use crate::http::edge::SESSION_COOKIE;
use crate::http::error::PageError;
use crate::service::Services;

/// The browser's session at Latchkey, if its cookie names a live one.
pub struct CurrentSession(pub Option<BrowserSession>);

impl CurrentSession {
    /// The session, if the form carries its CSRF token; every POST from a logged-in page
    /// goes through here. 403 otherwise.
    pub fn verified(self, form: &Params) -> Result<BrowserSession, PageError> {
        self.0
            .filter(|session| {
                form.get("csrf_token")
                    .is_some_and(|field| session.csrf.matches_presented(field))
            })
            .ok_or_else(PageError::csrf)
    }
}

impl FromRequest for CurrentSession {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let services = req.app_data::<web::Data<Services>>().cloned();
        // A cookie that is not the shape we issue names no session.
        let token = req
            .cookie(SESSION_COOKIE)
            .and_then(|cookie| SessionToken::parse(cookie.value()).ok());
        Box::pin(async move {
            let (Some(services), Some(token)) = (services, token) else {
                return Ok(CurrentSession(None));
            };
            Ok(CurrentSession(services.current_session(&token).await?))
        })
    }
}

/// A signed-in administrator. Anyone else is sent to sign in, or refused with 403.
pub struct Admin(pub BrowserSession);

impl FromRequest for Admin {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let path = req.path().to_owned();
        let session = CurrentSession::from_request(req, payload);
        Box::pin(async move {
            match session.await?.0 {
                None => Err(PageError::sign_in(&path)),
                Some(session) if session.user.is_admin => Ok(Admin(session)),
                Some(_) => Err(PageError::forbidden(
                    "This page is for administrators only.",
                )),
            }
        })
    }
}

impl Admin {
    /// The admin's session, if the form carries its CSRF token.
    pub fn verified(self, form: &Params) -> Result<BrowserSession, PageError> {
        CurrentSession(Some(self.0)).verified(form)
    }
}
