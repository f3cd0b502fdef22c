use std::fmt;

use url::Url;

use super::DomainError;

/// A resource indicator (RFC 8707 section 2): the absolute URI of an API a token is meant
/// for, without fragment. It becomes the access token's `aud`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource(String);

impl Resource {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let refuse = || DomainError::Malformed {
            what: "resource (an absolute URI without fragment, RFC 8707)",
            value: value.chars().take(200).collect(),
        };
        if value.len() > 2000 || value.contains('#') || value.chars().any(char::is_whitespace) {
            return Err(refuse());
        }
        Url::parse(value).map_err(|_| refuse())?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uris_without_fragment() {
        assert!(Resource::parse("https://api.example.com").is_ok());
        assert!(Resource::parse("https://api.example.com/v1#x").is_err());
        assert!(Resource::parse("/relative").is_err());
    }
}
