//! The actix-web edge: extract (`extract/`), call one service, respond (`respond.rs`).
//! Routes are listed once in `routes.rs`; errors become HTTP in `error.rs`.

mod edge;
mod error;
pub mod extract;
mod handlers;
mod headers;
mod observe;
mod pages;
mod respond;
pub mod routes;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};

pub use edge::Edge;
pub use error::{ApiError, PageError};

const MAX_BODY_BYTES: usize = 64 * 1024;

use crate::service::Services;

/// Builds the HTTP server on an already bound listener, so that tests can bind port 0.
pub fn server(
    listener: TcpListener,
    services: Services,
    edge: Edge,
    workers: Option<u32>,
) -> std::io::Result<Server> {
    let metrics = web::Data::from(services.metrics());
    let services = web::Data::new(services);
    let edge = web::Data::new(edge);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(services.clone())
            .app_data(edge.clone())
            .app_data(metrics.clone())
            // Forms and token requests are small; anything larger is refused early.
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .wrap(middleware::ErrorHandlers::new().handler(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                error::too_large,
            ))
            .wrap(headers::security_headers())
            .wrap(middleware::from_fn(observe::observe))
            .configure(routes::configure)
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(usize::try_from(workers).unwrap_or(1));
    }
    Ok(server.run())
}
