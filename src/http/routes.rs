//! The one route table. Paths are constants so that the router and the metadata document
//! (which tells clients where each endpoint is) cannot drift apart.

use actix_web::web;

use super::handlers::{
    account, admin, authorize, discovery, health, home, jwks, login, revocation, token,
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
pub const METRICS: &str = "/metrics";
pub const ACCOUNT: &str = "/account";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(HOME, web::get().to(home::page))
        .route(HEALTH, web::get().to(health::check))
        .route(STYLESHEET, web::get().to(home::stylesheet))
        .route(COPY_SCRIPT, web::get().to(home::copy_script))
        .route(JWKS, web::get().to(jwks::keys))
        .route(METADATA, web::get().to(discovery::metadata))
        .route(METRICS, web::get().to(discovery::metrics))
        .route(ACCOUNT, web::get().to(account::page))
        .route(
            "/account/apps/{family}/revoke",
            web::post().to(account::revoke_app),
        )
        .route(
            "/account/consents/{client}/forget",
            web::post().to(account::forget_consent),
        )
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
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
        .route(LOGOUT, web::post().to(login::logout))
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
    cfg.route("/admin", web::get().to(admin::home))
        .service(
            web::resource("/admin/clients")
                .route(web::get().to(clients::list))
                .route(web::post().to(clients::register)),
        )
        .route("/admin/clients/new", web::get().to(clients::new_form))
        .service(
            web::resource("/admin/clients/{id}")
                .route(web::get().to(clients::show))
                .route(web::post().to(clients::edit)),
        )
        .route(
            "/admin/clients/{id}/rotate-secret",
            web::post().to(clients::rotate_secret),
        )
        .route(
            "/admin/clients/{id}/{action}",
            web::post().to(clients::set_enabled),
        )
        .service(
            web::resource("/admin/users")
                .route(web::get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .route("/admin/users/{name}/{action}", web::post().to(users::act))
        .route("/admin/events", web::get().to(events::list));
}
