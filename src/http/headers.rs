use actix_web::middleware::DefaultHeaders;

/// Sent with every response unless a handler sets its own. Pages load only our own
/// stylesheet and, in the admin console, our own copy-button script; nothing may frame
/// them (clickjacking on the consent page).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        // Pages carry CSRF tokens and personal data: no cache keeps them.
        .add(("Cache-Control", "no-store"))
}
