//! What the HTTP edge needs to know about where it runs, and the cookies and client
//! addresses that follow from it.

use actix_web::HttpRequest;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};

use crate::domain::Issuer;
use crate::service::Origin;

pub const SESSION_COOKIE: &str = "latchkey_session";
pub const LOGIN_CSRF_COOKIE: &str = "latchkey_login_csrf";

#[derive(Debug, Clone)]
pub struct Edge {
    pub issuer: Issuer,
    /// Take the client address from `X-Forwarded-For` (behind a trusted proxy only).
    pub trust_forwarded_for: bool,
}

impl Edge {
    /// `HttpOnly` (no script reads it), `SameSite=Lax` (not sent on cross-site POSTs),
    /// `Secure` whenever the issuer is https.
    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age_seconds: i64,
    ) -> Cookie<'static> {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.issuer.is_https())
            .max_age(CookieDuration::seconds(max_age_seconds))
            .finish()
    }

    pub fn expired_cookie(&self, name: &'static str) -> Cookie<'static> {
        self.cookie(name, String::new(), 0)
    }

    pub fn origin(&self, req: &HttpRequest) -> Origin {
        let ip = if self.trust_forwarded_for {
            req.connection_info()
                .realip_remote_addr()
                .map(str::to_owned)
        } else {
            req.peer_addr().map(|addr| addr.ip().to_string())
        };
        let user_agent = req
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Origin {
            ip: ip.map(|ip| ip.chars().take(64).collect()),
            user_agent,
        }
    }
}

/// A place to send the browser back to after login: only a path on this server, so the
/// login page cannot be used as an open redirector.
pub fn local_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 4096
                && !path.chars().any(|c| c.is_control() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_targets_stay_on_this_server() {
        assert_eq!(
            local_path(Some("/authorize?client_id=x")),
            "/authorize?client_id=x"
        );
        for hostile in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a\r\nSet-Cookie: x=y",
            "",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
