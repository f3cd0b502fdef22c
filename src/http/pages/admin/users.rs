//! The users list and the one-time password page.

use askama::Template;

use crate::domain::{BrowserSession, User};
use crate::http::pages::when;

pub struct UserRow {
    pub name: String,
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
                    is_admin: user.is_admin,
                    enabled: user.enabled,
                    created: when(user.created_at),
                })
                .collect(),
            error: error.map(str::to_owned),
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
