//! The askama templates, one struct each. Askama escapes every value for HTML.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, Utc};

use crate::domain::{BrowserSession, DisplayName, Email, EventKind};
use crate::service::AccountOverview;

/// Renders a page with a status of our choosing.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(error) => {
            tracing::error!(%error, "rendering a page failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("internal error")
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub issuer: String,
    pub signed_in_as: Option<String>,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub return_to: &'a str,
    pub csrf: &'a str,
    pub username: &'a str,
    pub error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "consent.html")]
pub struct ConsentPage<'a> {
    pub client_name: &'a str,
    pub username: &'a str,
    pub scopes: Vec<(String, &'static str)>,
    pub hidden: Vec<(&'static str, String)>,
    pub csrf: &'a str,
}

/// What a scope lets the application do, in words, for the common ones.
pub fn describe_scope(token: &str) -> &'static str {
    match token {
        "openid" => "Sign you in with your Latchkey account",
        "profile" => "See your name and user name",
        "email" => "See your email address",
        "offline_access" => "Stay signed in while you are away",
        "read" => "Read your data",
        "write" => "Create and change your data",
        _ => "",
    }
}

pub struct AppRow {
    pub family: String,
    pub client_name: String,
    pub scope: String,
    pub authorized: String,
    pub last_used: String,
    pub expires: String,
}

pub struct ConsentRow {
    pub client_id: String,
    pub client_name: String,
    pub scope: String,
    pub granted: String,
}

pub struct EventRow {
    pub when: String,
    pub what: &'static str,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    pub username: &'a str,
    pub display_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub email_verified: bool,
    pub csrf: &'a str,
    pub notice: Option<&'a str>,
    pub error: Option<&'a str>,
    pub apps: Vec<AppRow>,
    pub consents: Vec<ConsentRow>,
    pub events: Vec<EventRow>,
}

impl<'a> AccountPage<'a> {
    pub fn new(
        session: &'a BrowserSession,
        overview: &AccountOverview,
        notice: Option<&'a str>,
        error: Option<&'a str>,
    ) -> Self {
        Self {
            username: session.user.username.as_str(),
            display_name: session.user.display_name.as_ref().map(DisplayName::as_str),
            email: session.user.email.as_ref().map(Email::as_str),
            email_verified: session.user.email_verified,
            csrf: session.csrf.expose(),
            notice,
            error,
            apps: overview
                .apps
                .iter()
                .map(|app| AppRow {
                    family: app.family.to_string(),
                    client_name: app.client_name.clone(),
                    scope: app.scope.to_string(),
                    authorized: when(app.created_at),
                    last_used: when(app.last_used_at),
                    expires: when(app.expires_at),
                })
                .collect(),
            consents: overview
                .consents
                .iter()
                .map(|consent| ConsentRow {
                    client_id: consent.client_id.to_string(),
                    client_name: consent.client_name.clone(),
                    scope: consent.scope.to_string(),
                    granted: when(consent.granted_at),
                })
                .collect(),
            events: overview
                .events
                .iter()
                .map(|event| EventRow {
                    when: when(event.occurred_at),
                    what: describe_event(event.kind),
                    detail: event.detail.clone(),
                })
                .collect(),
        }
    }
}

pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A security event in words a person understands.
pub fn describe_event(kind: EventKind) -> &'static str {
    match kind {
        EventKind::RefreshTokenReuseDetected => {
            "A replayed refresh token ended an app's session (possible theft)"
        }
        EventKind::AuthorizationCodeReplayed => {
            "A reused authorization code ended an app's session"
        }
        EventKind::PasswordChanged => "Your password was changed",
        EventKind::UserDisabled => "Your account was disabled",
        EventKind::UserEnabled => "Your account was enabled",
        EventKind::UserCreated => "Your account was created",
        EventKind::FamiliesRevoked => "An app's access was revoked",
        EventKind::LoginFailed => "A sign-in with a wrong password",
        EventKind::ProfileChanged => "Your name or email address was changed",
        EventKind::DpopKeyMismatch => {
            "An app's refresh token was sent without the app's key (refused; possible theft)"
        }
        EventKind::ClientCreated
        | EventKind::ClientSecretRotated
        | EventKind::ClientDisabled
        | EventKind::ClientEnabled
        | EventKind::SigningKeyRotated
        | EventKind::AdminChanged => "Other security event",
    }
}

mod admin;
pub use admin::{
    AdminClientPage, AdminClientsPage, AdminEventsPage, AdminUserPage, AdminUsersPage, ClientForm,
    ClientSecretPage, OneTimePasswordPage,
};

#[derive(Template)]
#[template(path = "logout_confirm.html")]
pub struct LogoutConfirmPage<'a> {
    pub username: &'a str,
    pub csrf: &'a str,
    pub hidden: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "signed_out.html")]
pub struct SignedOutPage;
