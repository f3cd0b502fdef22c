use std::fmt;
use std::str::FromStr;

use super::DomainError;

/// The JWS algorithm access tokens are signed with (RFC 7518, RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlg {
    Es256,
    EdDsa,
    Rs256,
}

impl SigningAlg {
    pub const ALL: [SigningAlg; 3] = [SigningAlg::Es256, SigningAlg::EdDsa, SigningAlg::Rs256];

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.as_str().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| DomainError::SigningAlg {
                value: value.chars().take(32).collect(),
            })
    }

    /// The `alg` value of the JOSE header.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlg::Es256 => "ES256",
            SigningAlg::EdDsa => "EdDSA",
            SigningAlg::Rs256 => "RS256",
        }
    }
}

impl FromStr for SigningAlg {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_jose_names() {
        for alg in SigningAlg::ALL {
            assert_eq!(SigningAlg::parse(alg.as_str()).unwrap(), alg);
        }
        assert_eq!(SigningAlg::parse("eddsa").unwrap(), SigningAlg::EdDsa);
        assert!(SigningAlg::parse("HS256").is_err());
        assert!(SigningAlg::parse("none").is_err());
    }
}
