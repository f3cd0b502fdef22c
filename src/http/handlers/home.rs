use actix_web::HttpResponse;
use actix_web::web;

use crate::http::edge::Edge;
use crate::http::extract::CurrentSession;
use crate::http::pages::HomePage;

pub async fn page(edge: web::Data<Edge>, session: CurrentSession) -> HomePage {
    HomePage {
        issuer: edge.issuer.as_str().to_owned(),
        signed_in_as: session.0.as_ref().map(|s| s.user.username.to_string()),
        csrf: session
            .0
            .as_ref()
            .map(|s| s.csrf.expose().to_owned())
            .unwrap_or_default(),
    }
}

/// The one stylesheet, compiled in so the binary is all there is to deploy.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../../static/latchkey.css"))
}

/// The admin console's copy buttons: the one script, served from here so the CSP can
/// stay at `script-src 'self'`.
pub async fn copy_script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../../static/copy.js"))
}
