//! The name of a DPoP key (RFC 9449): its RFC 7638 JWK SHA-256 thumbprint, as `cnf.jkt`,
//! `dpop_jkt` and a bound family carry it.

use std::fmt;

use super::DomainError;

/// Base64url without padding of a SHA-256 digest.
const THUMBPRINT_CHARS: usize = 43;

/// An RFC 7638 SHA-256 thumbprint in base64url: computed from a proof's key, or given by
/// a client as `dpop_jkt` (RFC 9449 section 10), and compared as a string.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbprint(String);

impl Thumbprint {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let well_formed = value.len() == THUMBPRINT_CHARS
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(Self(value.to_owned()))
        } else {
            Err(DomainError::Malformed {
                what: "dpop_jkt (a base64url SHA-256 JWK thumbprint)",
                value: value.chars().take(64).collect(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Thumbprint({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sha256_thumbprint_parses() {
        let jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
        assert_eq!(Thumbprint::parse(jkt).unwrap().as_str(), jkt);
        assert!(Thumbprint::parse(&jkt[1..]).is_err());
        assert!(Thumbprint::parse("0ZcOCORZNYy+DWpqq30jZyJGHTN0d2HglBV3uiguA4I").is_err());
        assert!(Thumbprint::parse("").is_err());
    }
}
