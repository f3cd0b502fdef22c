use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::http::error::PageError;
use crate::http::pages::{AdminEventsPage, html};
use crate::http::params::Params;
use crate::http::session::Admin;
use crate::service::Services;

pub async fn list(
    req: HttpRequest,
    admin: Admin,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let query = Params::parse(req.query_string().as_bytes());
    let kind = query.get("kind").filter(|k| !k.is_empty());
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let events = services.list_events(kind, page).await?;
    Ok(html(
        StatusCode::OK,
        &AdminEventsPage::new(&admin.0, &events, kind),
    ))
}
