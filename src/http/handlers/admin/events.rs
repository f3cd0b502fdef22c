use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::EventKind;
use crate::http::error::PageError;
use crate::http::extract::{Admin, Params};
use crate::http::pages::{AdminEventsPage, html};
use crate::service::Services;

pub async fn list(
    req: HttpRequest,
    admin: Admin,
    services: web::Data<Services>,
) -> Result<HttpResponse, PageError> {
    let query = Params::parse(req.query_string().as_bytes());
    // A kind Latchkey does not record lists them all.
    let kind = query.get("kind").and_then(EventKind::from_name);
    let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let events = services.list_events(kind, page).await?;
    Ok(html(
        StatusCode::OK,
        &AdminEventsPage::new(&admin.0, &events, kind),
    ))
}
