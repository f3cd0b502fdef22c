//! The users list, a user's profile form and the one-time password page.

use askama::Template;

use crate::domain::{BrowserSession, DisplayName, Email, User};
use crate::http::extract::Params;
use crate::http::pages::when;

pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    pub is_admin: bool,
    pub enabled: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct AdminUsersPage {
    pub me: String,
    pub csrf: String,
    pub search: String,
    pub rows: Vec<UserRow>,
    pub error: Option<String>,
    /// The create form's profile fields: empty, or as typed after a refusal.
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
}

impl AdminUsersPage {
    pub fn new(
        session: &BrowserSession,
        users: &[User],
        search: &str,
        error: Option<&str>,
    ) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            search: search.to_owned(),
            rows: users
                .iter()
                .map(|user| UserRow {
                    name: user.username.to_string(),
                    display_name: display_name(user),
                    email: email(user),
                    email_verified: user.email_verified,
                    is_admin: user.is_admin,
                    enabled: user.enabled,
                    created: when(user.created_at),
                })
                .collect(),
            error: error.map(str::to_owned),
            display_name: String::new(),
            email: String::new(),
            email_verified: false,
        }
    }

    /// The create form filled again as typed, after a refusal.
    pub fn refilled(self, form: &Params) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        Self {
            display_name: text("display_name"),
            email: text("email"),
            email_verified: form.get("email_verified").is_some(),
            ..self
        }
    }
}

fn display_name(user: &User) -> String {
    user.display_name
        .as_ref()
        .map(DisplayName::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn email(user: &User) -> String {
    user.email
        .as_ref()
        .map(Email::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// One user's profile form: as stored, or refilled as typed after a refusal.
#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct AdminUserPage {
    pub me: String,
    pub csrf: String,
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub email_verified: bool,
    pub errors: Vec<String>,
}

impl AdminUserPage {
    pub fn new(session: &BrowserSession, user: &User) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            name: user.username.to_string(),
            display_name: display_name(user),
            email: email(user),
            email_verified: user.email_verified,
            errors: Vec::new(),
        }
    }

    pub fn refused(
        session: &BrowserSession,
        user: &User,
        form: &Params,
        errors: Vec<String>,
    ) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        Self {
            display_name: text("display_name"),
            email: text("email"),
            email_verified: form.get("email_verified").is_some(),
            errors,
            ..Self::new(session, user)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/password.html")]
pub struct OneTimePasswordPage {
    pub me: String,
    pub csrf: String,
    pub target: String,
    pub password: String,
}

impl OneTimePasswordPage {
    pub fn new(session: &BrowserSession, target: &str, password: &str) -> Self {
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            target: target.to_owned(),
            password: password.to_owned(),
        }
    }
}
