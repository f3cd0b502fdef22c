use std::fmt;

use url::{Host, Url};

use super::DomainError;

const MAX_LEN: usize = 2000;

/// A redirection endpoint (RFC 6749 section 3.1.2). Keeps the registered string as it was
/// written, because RFC 9700 section 2.1 requires exact string comparison: no prefix, no
/// normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedirectUri(String);

/// The `redirect_uri` parameter of a request, compared with registered URIs by exact
/// string (RFC 9700 section 2.1). One that is not even a valid redirection endpoint can
/// match none, but it is still told apart from none at all: the rules decide when to say
/// so (a replayed code is caught first, an unknown client is named first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenRedirect {
    Absent,
    Uri(RedirectUri),
    Invalid,
}

impl GivenRedirect {
    pub fn parse(given: Option<&str>) -> Self {
        match given.map(RedirectUri::parse) {
            None => GivenRedirect::Absent,
            Some(Ok(uri)) => GivenRedirect::Uri(uri),
            Some(Err(_)) => GivenRedirect::Invalid,
        }
    }
}

impl RedirectUri {
    /// Checks a URI being registered for a client.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let refuse = |reason| DomainError::RedirectUri {
            uri: value.chars().take(200).collect(),
            reason,
        };
        if value.is_empty() {
            return Err(refuse("it is empty"));
        }
        if value.len() > MAX_LEN {
            return Err(refuse("it is longer than 2000 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("it contains white space or a control character"));
        }
        // "The endpoint URI MUST NOT include a fragment component."
        if value.contains('#') {
            return Err(refuse("it has a fragment (#...)"));
        }
        let url = Url::parse(value).map_err(|_| refuse("it is not an absolute URI"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("it carries user information"));
        }
        match url.scheme() {
            "https" => {}
            // RFC 8252 section 7.3: plain http only on the loopback interface.
            "http" if is_loopback(&url) => {}
            "http" => return Err(refuse("plain http is allowed only for loopback hosts")),
            "javascript" | "data" | "file" | "vbscript" | "about" | "blob" | "ftp" | "ws"
            | "wss" => return Err(refuse("this scheme cannot be a redirection endpoint")),
            // RFC 8252 section 7.1: private-use schemes for native apps, in reverse
            // domain-name form so that apps do not collide.
            scheme if scheme.contains('.') => {}
            _ => {
                return Err(refuse(
                    "use https, http on a loopback host, or a reverse-domain scheme such as com.example.app",
                ));
            }
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_kinds_rfc_8252_names() {
        for good in [
            "https://app.example.com/callback",
            "https://app.example.com/cb?tenant=1",
            "http://127.0.0.1:8000/cb",
            "http://[::1]/cb",
            "http://localhost:3000/cb",
            "com.example.app:/oauth2redirect",
        ] {
            assert_eq!(RedirectUri::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn refuses_unsafe_or_malformed_uris() {
        for bad in [
            "",
            "/relative/path",
            "https://app.example.com/cb#frag",
            "http://app.example.com/cb",
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://user:pw@app.example.com/cb",
            "https://app.example.com/a b",
            "myapp:/cb",
        ] {
            assert!(RedirectUri::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keeps_the_string_as_registered() {
        // The url crate would add a trailing slash here; exact comparison needs the original.
        let uri = RedirectUri::parse("https://APP.example.com").unwrap();
        assert_eq!(uri.as_str(), "https://APP.example.com");
    }
}
