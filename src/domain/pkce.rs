//! PKCE (RFC 7636) values. Only S256 is accepted, so a challenge is always the 43-character
//! base64url of a SHA-256 digest. oxide-auth's PKCE extension does the method check and
//! the constant-time S256 comparison; its flow traits are not used (see the README).

use std::borrow::Cow;

use oxide_auth::code_grant::extensions::Pkce;

use super::{DomainError, ErrorCode, OAuthError};

/// `code_challenge` sent to `/authorize` with `code_challenge_method=S256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

/// `code_verifier` sent to `/token`: 43 to 128 unreserved characters (section 4.1).
pub struct CodeVerifier(String);

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

impl CodeChallenge {
    /// The challenge of an authorization request, from its `code_challenge_method` and
    /// `code_challenge`. PKCE is required for every client, and only S256: `plain` (also
    /// what an absent method means, RFC 7636 section 4.3) is refused because it protects
    /// nothing once the request is seen.
    pub fn from_request(
        method: Option<&str>,
        challenge: Option<&str>,
    ) -> Result<CodeChallenge, OAuthError> {
        let invalid = |why: &str| OAuthError::new(ErrorCode::InvalidRequest, why);
        let Some(challenge) = challenge else {
            return Err(invalid("code_challenge is required (PKCE, RFC 7636)"));
        };
        if method != Some("S256") {
            return Err(invalid("code_challenge_method must be S256"));
        }
        Pkce::required()
            .challenge(method.map(Cow::Borrowed), Some(Cow::Borrowed(challenge)))
            .map_err(|()| invalid("code_challenge is not valid"))?;
        CodeChallenge::parse(challenge).map_err(|e| invalid(&e.to_string()))
    }

    /// RFC 7636 section 4.6: BASE64URL(SHA256(code_verifier)) must equal this challenge.
    pub fn admits(&self, verifier: &CodeVerifier) -> bool {
        let pkce = Pkce::required();
        let Ok(stored) = pkce.challenge(Some(Cow::Borrowed("S256")), Some(Cow::Borrowed(&self.0)))
        else {
            return false;
        };
        pkce.verify(stored, Some(Cow::Borrowed(verifier.as_str())))
            .is_ok()
    }

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

    // The example of RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies() {
        let challenge = CodeChallenge::from_request(Some("S256"), Some(CHALLENGE)).unwrap();
        assert!(challenge.admits(&CodeVerifier::parse(VERIFIER).unwrap()));
        let other = CodeVerifier::parse(&"a".repeat(43)).unwrap();
        assert!(!challenge.admits(&other));
    }

    #[test]
    fn plain_and_missing_are_refused() {
        let accept = CodeChallenge::from_request;
        assert!(accept(Some("plain"), Some(CHALLENGE)).is_err());
        assert!(accept(None, Some(CHALLENGE)).is_err());
        assert!(accept(Some("S256"), None).is_err());
        assert!(accept(Some("S256"), Some("short")).is_err());
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
