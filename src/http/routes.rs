//! The one route table. Paths are constants, and the few paths the handlers send a
//! browser to are built here too, so that the router, the redirects and the metadata
//! document (which tells clients where each endpoint is) cannot drift apart.

use actix_web::web;

use super::handlers::{
    account, admin, authorize, discovery, health, home, jwks, login, logout, revocation, token,
    userinfo,
};

pub const HOME: &str = "/";
pub const HEALTH: &str = "/healthz";
pub const STYLESHEET: &str = "/static/latchkey.css";
pub const COPY_SCRIPT: &str = "/static/copy.js";
pub const AUTHORIZE: &str = "/authorize";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const TOKEN: &str = "/token";
pub const JWKS: &str = "/jwks.json";
pub const REVOKE: &str = "/revoke";
pub const INTROSPECT: &str = "/introspect";
pub const METADATA: &str = "/.well-known/oauth-authorization-server";
pub const OPENID_CONFIGURATION: &str = "/.well-known/openid-configuration";
pub const USERINFO: &str = "/userinfo";
pub const METRICS: &str = "/metrics";
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_REVOKE_APP: &str = "/account/apps/{family}/revoke";
pub const ACCOUNT_FORGET_CONSENT: &str = "/account/consents/{client}/forget";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const ADMIN: &str = "/admin";
pub const ADMIN_CLIENTS: &str = "/admin/clients";
pub const ADMIN_NEW_CLIENT: &str = "/admin/clients/new";
pub const ADMIN_CLIENT: &str = "/admin/clients/{id}";
pub const ADMIN_ROTATE_SECRET: &str = "/admin/clients/{id}/rotate-secret";
pub const ADMIN_CLIENT_ACTION: &str = "/admin/clients/{id}/{action}";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_USER: &str = "/admin/users/{name}";
pub const ADMIN_USER_ACTION: &str = "/admin/users/{name}/{action}";
pub const ADMIN_EVENTS: &str = "/admin/events";

/// A path with its query, encoded.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{path}?{query}")
}

/// The login page, and where to go once signed in.
pub fn login_then(return_to: &str) -> String {
    sign_in_for(return_to, None, false)
}

/// The login page for an authorization request: pre-filled with the request's
/// `login_hint`, and shown even to a signed-in browser when the request wants a fresh
/// login (`again`).
pub fn sign_in_for(return_to: &str, hint: Option<&str>, again: bool) -> String {
    let mut pairs = vec![("return_to", return_to)];
    if let Some(hint) = hint {
        pairs.push(("login_hint", hint));
    }
    if again {
        pairs.push(("prompt", "login"));
    }
    with_query(LOGIN, &pairs)
}

/// The authorization request `query` again, marked (`mark`) with the time the browser
/// was sent to sign in for it; an older mark is replaced.
pub fn authorize_again(query: &str, mark: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let seconds = at.timestamp().to_string();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != mark)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .chain(std::iter::once((mark.to_owned(), seconds)))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    with_query(AUTHORIZE, &pairs)
}

/// The account page with a notice of what was just done.
pub fn account_done(what: &str) -> String {
    with_query(ACCOUNT, &[("done", what)])
}

pub fn admin_client(id: impl std::fmt::Display) -> String {
    ADMIN_CLIENT.replace("{id}", &id.to_string())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(HOME, web::get().to(home::page))
        .route(HEALTH, web::get().to(health::check))
        .route(STYLESHEET, web::get().to(home::stylesheet))
        .route(COPY_SCRIPT, web::get().to(home::copy_script))
        .route(JWKS, web::get().to(jwks::keys))
        .route(METADATA, web::get().to(discovery::metadata))
        .route(OPENID_CONFIGURATION, web::get().to(discovery::metadata))
        .service(
            web::resource(USERINFO)
                .route(web::get().to(userinfo::get))
                .route(web::post().to(userinfo::post)),
        )
        .route(METRICS, web::get().to(discovery::metrics))
        .route(ACCOUNT, web::get().to(account::page))
        .route(ACCOUNT_REVOKE_APP, web::post().to(account::revoke_app))
        .route(
            ACCOUNT_FORGET_CONSENT,
            web::post().to(account::forget_consent),
        )
        .route(ACCOUNT_PASSWORD, web::post().to(account::change_password))
        .service(
            web::resource(AUTHORIZE)
                .route(web::get().to(authorize::start))
                .route(web::post().to(authorize::decide)),
        )
        .service(
            web::resource(LOGIN)
                .route(web::get().to(login::form))
                .route(web::post().to(login::submit)),
        )
        .service(
            web::resource(LOGOUT)
                .route(web::get().to(logout::start))
                .route(web::post().to(logout::confirm)),
        )
        .service(
            web::resource(TOKEN)
                .route(web::post().to(token::issue))
                .default_service(web::to(token::method_not_allowed)),
        )
        .service(
            web::resource(REVOKE)
                .route(web::post().to(revocation::revoke))
                .default_service(web::to(token::method_not_allowed)),
        )
        .service(
            web::resource(INTROSPECT)
                .route(web::post().to(revocation::introspect))
                .default_service(web::to(token::method_not_allowed)),
        )
        .configure(admin_routes)
        .default_service(web::to(health::not_found));
}

/// The admin console; every handler takes the `Admin` extractor.
fn admin_routes(cfg: &mut web::ServiceConfig) {
    use admin::{clients, events, users};
    cfg.route(ADMIN, web::get().to(admin::home))
        .service(
            web::resource(ADMIN_CLIENTS)
                .route(web::get().to(clients::list))
                .route(web::post().to(clients::register)),
        )
        .route(ADMIN_NEW_CLIENT, web::get().to(clients::new_form))
        .service(
            web::resource(ADMIN_CLIENT)
                .route(web::get().to(clients::show))
                .route(web::post().to(clients::edit)),
        )
        .route(ADMIN_ROTATE_SECRET, web::post().to(clients::rotate_secret))
        .route(ADMIN_CLIENT_ACTION, web::post().to(clients::set_enabled))
        .service(
            web::resource(ADMIN_USERS)
                .route(web::get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .service(
            web::resource(ADMIN_USER)
                .route(web::get().to(users::show))
                .route(web::post().to(users::edit_profile)),
        )
        .route(ADMIN_USER_ACTION, web::post().to(users::act))
        .route(ADMIN_EVENTS, web::get().to(events::list));
}
