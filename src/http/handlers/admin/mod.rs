//! `/admin`: clients, users and security events, for admins only. Every rule lives in
//! the services the command line uses too; these handlers only read forms and render.

pub mod clients;
pub mod events;
pub mod users;

use actix_web::HttpResponse;

use super::login::see_other;
use crate::http::session::Admin;

pub async fn home(_admin: Admin) -> HttpResponse {
    see_other("/admin/clients")
}
