//! The few response shapes every handler shares.

use actix_web::{HttpResponse, HttpResponseBuilder};

/// 303: after a POST the browser must follow with a GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// RFC 6749 section 5.1: tokens, and what is said about them, must not be cached.
pub fn no_store(mut response: HttpResponseBuilder) -> HttpResponseBuilder {
    response
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Pragma", "no-cache"));
    response
}
