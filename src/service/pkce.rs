//! The oxide-auth adapter: the one module that calls oxide-auth. Latchkey uses its PKCE
//! extension (RFC 7636) for the method check and the constant-time S256 comparison. Its
//! flow traits (`Registrar`, `Authorizer`, `Issuer`) are synchronous and report failures
//! as `()`, which cannot carry reuse detection, family revocation or a database outage,
//! so the flows themselves are Latchkey's own (see the README).

use std::borrow::Cow;

use oxide_auth::code_grant::extensions::Pkce;

use super::oauth_error::{ErrorCode, OAuthError};
use crate::domain::{CodeChallenge, CodeVerifier};

/// Accepts a challenge from an authorization request. PKCE is required for every client,
/// and only S256: `plain` (also what an absent method means, RFC 7636 section 4.3) is
/// refused because it protects nothing once the request is seen.
pub fn accept_challenge(
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

/// RFC 7636 section 4.6: BASE64URL(SHA256(code_verifier)) must equal the stored challenge.
pub fn verifier_matches(challenge: &CodeChallenge, verifier: &CodeVerifier) -> bool {
    let pkce = Pkce::required();
    let Ok(stored) = pkce.challenge(
        Some(Cow::Borrowed("S256")),
        Some(Cow::Borrowed(challenge.as_str())),
    ) else {
        return false;
    };
    pkce.verify(stored, Some(Cow::Borrowed(verifier.as_str())))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies() {
        let challenge = accept_challenge(Some("S256"), Some(CHALLENGE)).unwrap();
        assert!(verifier_matches(
            &challenge,
            &CodeVerifier::parse(VERIFIER).unwrap()
        ));
        let other = CodeVerifier::parse(&"a".repeat(43)).unwrap();
        assert!(!verifier_matches(&challenge, &other));
    }

    #[test]
    fn plain_and_missing_are_refused() {
        assert!(accept_challenge(Some("plain"), Some(CHALLENGE)).is_err());
        assert!(accept_challenge(None, Some(CHALLENGE)).is_err());
        assert!(accept_challenge(Some("S256"), None).is_err());
        assert!(accept_challenge(Some("S256"), Some("short")).is_err());
    }
}
