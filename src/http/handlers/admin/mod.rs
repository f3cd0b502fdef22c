//! `/admin`: clients, users and security events, for admins only. Every rule lives in
//! the services the command line uses too; these handlers only read forms and render.

pub mod clients;
pub mod events;
pub mod users;

use actix_web::HttpResponse;

use crate::http::extract::Admin;
use crate::http::respond::see_other;
use crate::http::routes;

pub async fn home(_admin: Admin) -> HttpResponse {
    see_other(routes::ADMIN_CLIENTS)
}
