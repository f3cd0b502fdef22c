//! Per request: an id (returned as `X-Request-Id`), a tracing span that carries it, one
//! log line, and the request metrics. The log line names the route and path, never the
//! query string or the body, where codes, tokens and secrets travel.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use tracing::Instrument;

use crate::metrics::Metrics;

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let method = req.method().to_string();
    let path: String = req.path().chars().take(200).collect();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", id = %id, method = %method, path = %path);
    let mut response = next.call(req).instrument(span.clone()).await?;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    // The matched pattern keeps label cardinality bounded; unmatched paths share one.
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    if let Some(metrics) = metrics {
        metrics.request(&route, &method, status, elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    span.in_scope(|| {
        tracing::info!(status, route = %route, millis = elapsed.as_secs_f64() * 1000.0, "served");
    });
    Ok(response)
}
