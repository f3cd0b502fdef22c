use std::fmt;

use url::Url;

use super::DomainError;

/// The authorization server's issuer identifier (RFC 8414 section 2): the `iss` of every
/// token and of the metadata. A URL without query or fragment; https in production, http
/// accepted for local use. Kept without a trailing slash so that endpoint URLs join
/// cleanly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let refuse = || DomainError::Malformed {
            what: "issuer URL (http or https, no query, no fragment)",
            value: value.chars().take(200).collect(),
        };
        let url = Url::parse(value.trim()).map_err(|_| refuse())?;
        let ok = matches!(url.scheme(), "http" | "https")
            && url.host().is_some()
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !ok {
            return Err(refuse());
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether cookies must carry `Secure`.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The absolute URL of one of our endpoints, for metadata and redirects.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

impl fmt::Display for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_trailing_slash() {
        let issuer = Issuer::parse("https://auth.example.com/").unwrap();
        assert_eq!(issuer.as_str(), "https://auth.example.com");
        assert_eq!(issuer.endpoint("/token"), "https://auth.example.com/token");
        assert!(issuer.is_https());
        assert!(!Issuer::parse("http://127.0.0.1:8080").unwrap().is_https());
    }

    #[test]
    fn refuses_what_rfc_8414_forbids() {
        for bad in [
            "auth.example.com",
            "https://a.example/?x=1",
            "https://a.example/#f",
            "ftp://a.example",
            "https://u:p@a.example",
        ] {
            assert!(Issuer::parse(bad).is_err(), "{bad}");
        }
    }
}
