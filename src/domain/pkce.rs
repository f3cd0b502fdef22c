//! PKCE (RFC 7636) values. Only S256 is accepted, so a challenge is always the 43-character
//! base64url of a SHA-256 digest. The comparison itself goes through the oxide-auth
//! adapter in `service::pkce`.

use super::DomainError;

/// `code_challenge` sent to `/authorize` with `code_challenge_method=S256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

/// `code_verifier` sent to `/token`: 43 to 128 unreserved characters (section 4.1).
pub struct CodeVerifier(String);

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

impl CodeChallenge {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let well_formed = value.len() == 43
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(DomainError::Malformed {
                what: "S256 code_challenge (43 base64url characters)",
                value: value.chars().take(64).collect(),
            });
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl CodeVerifier {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        if !(43..=128).contains(&value.len()) || !value.bytes().all(is_unreserved) {
            return Err(DomainError::Malformed {
                what: "code_verifier (43 to 128 unreserved characters, RFC 7636 section 4.1)",
                value: "(not shown)".into(),
            });
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeVerifier(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_43_base64url_characters() {
        assert!(CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM").is_ok());
        assert!(CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c").is_err());
        assert!(CodeChallenge::parse("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM").is_err());
        assert!(CodeChallenge::parse("").is_err());
    }

    #[test]
    fn verifier_length_and_alphabet_follow_rfc_7636() {
        assert!(CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").is_ok());
        assert!(CodeVerifier::parse(&"a".repeat(42)).is_err());
        assert!(CodeVerifier::parse(&"a".repeat(128)).is_ok());
        assert!(CodeVerifier::parse(&"a".repeat(129)).is_err());
        assert!(CodeVerifier::parse(&format!("{}+", "a".repeat(43))).is_err());
    }
}
