use std::fmt;
use std::marker::PhantomData;

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use super::DomainError;

/// 256 bits of randomness, as SPEC.md asks of every token and secret Latchkey issues.
const SECRET_BYTES: usize = 32;
/// Base64url without padding of 32 bytes.
const SECRET_CHARS: usize = 43;

/// A random secret that Latchkey hands out once and keeps only as a SHA-256 hash. The kind
/// parameter keeps, say, a client secret from being looked up as a session token. No
/// `Clone`, and `Debug` is redacted, so a secret does not wander into logs by accident.
pub struct Secret<K> {
    value: String,
    kind: PhantomData<K>,
}

/// The SHA-256 of a [`Secret`], in lowercase hex: what the database holds.
pub struct SecretHash<K> {
    hex: String,
    kind: PhantomData<K>,
}

impl<K> Secret<K> {
    pub fn generate() -> Self {
        let bytes = random_bytes::<SECRET_BYTES>();
        Self {
            value: URL_SAFE_NO_PAD.encode(bytes),
            kind: PhantomData,
        }
    }

    /// Takes a secret presented by a client. Anything that is not the shape Latchkey
    /// issues cannot match a stored hash, so it is refused before any look-up.
    pub fn parse(presented: &str) -> Result<Self, DomainError> {
        let well_formed = presented.len() == SECRET_CHARS
            && presented
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(DomainError::Malformed {
                what: "token",
                value: "(not shown)".into(),
            });
        }
        Ok(Self {
            value: presented.to_owned(),
            kind: PhantomData,
        })
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Compares with a value presented by a browser, in constant time. For tokens that are
    /// stored as they are (a session's CSRF token), not as a hash.
    pub fn matches_presented(&self, presented: &str) -> bool {
        self.value.as_bytes().ct_eq(presented.as_bytes()).into()
    }

    /// Wraps a value read back from storage.
    pub fn from_stored(value: String) -> Self {
        Self {
            value,
            kind: PhantomData,
        }
    }

    pub fn hash(&self) -> SecretHash<K> {
        SecretHash::of(&self.value)
    }
}

impl<K> SecretHash<K> {
    /// The SHA-256 of a value that is already in hand, with no copy of it made first.
    pub(super) fn of(value: &str) -> Self {
        Self {
            hex: to_hex(digest(&SHA256, value.as_bytes()).as_ref()),
            kind: PhantomData,
        }
    }

    /// Wraps a hash read back from storage.
    pub fn from_stored(hex: String) -> Self {
        Self {
            hex,
            kind: PhantomData,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.hex
    }

    /// Compares in constant time, so that response timing says nothing about how much of
    /// a guessed secret was right.
    pub fn matches(&self, other: &SecretHash<K>) -> bool {
        self.hex.as_bytes().ct_eq(other.hex.as_bytes()).into()
    }
}

impl<K> Clone for SecretHash<K> {
    fn clone(&self) -> Self {
        Self::from_stored(self.hex.clone())
    }
}

impl<K> fmt::Debug for Secret<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<K> fmt::Debug for SecretHash<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A hash is not the secret, but a prefix is enough to tell rows apart in a log.
        write!(f, "SecretHash({}..)", self.hex.get(..8).unwrap_or(""))
    }
}

/// Fills a buffer from the operating system's CSPRNG.
#[allow(clippy::expect_used)]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without a working CSPRNG no secret can be issued safely; stopping is the only
    // correct answer, and the OS generator does not fail on a running system.
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random generator failed");
    bytes
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Marker for `client_secret` (RFC 6749 section 2.3.1).
pub enum ClientSecretKind {}
pub type ClientSecret = Secret<ClientSecretKind>;
pub type ClientSecretHash = SecretHash<ClientSecretKind>;

/// Marker for authorization codes (RFC 6749 section 4.1.2).
pub enum AuthorizationCodeKind {}
pub type AuthorizationCode = Secret<AuthorizationCodeKind>;
pub type AuthorizationCodeHash = SecretHash<AuthorizationCodeKind>;

/// Marker for refresh tokens (RFC 6749 section 1.5); their format is in `refresh_token`.
pub enum RefreshTokenKind {}

/// Marker for the browser session cookie at Latchkey itself.
pub enum SessionTokenKind {}
pub type SessionToken = Secret<SessionTokenKind>;
pub type SessionTokenHash = SecretHash<SessionTokenKind>;

/// Marker for anti-CSRF tokens in forms.
pub enum CsrfTokenKind {}
pub type CsrfToken = Secret<CsrfTokenKind>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_256_bit_base64url_and_distinct() {
        let a = ClientSecret::generate();
        let b = ClientSecret::generate();
        assert_eq!(a.expose().len(), SECRET_CHARS);
        assert_ne!(a.expose(), b.expose());
        assert!(ClientSecret::parse(a.expose()).is_ok());
    }

    #[test]
    fn hashes_are_sha256_hex() {
        let s: ClientSecret = Secret {
            value: "abc".into(),
            kind: PhantomData,
        };
        assert_eq!(
            s.hash().as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn matching_compares_hashes() {
        let s = ClientSecret::generate();
        let presented = ClientSecret::parse(s.expose()).unwrap();
        assert!(s.hash().matches(&presented.hash()));
        assert!(!s.hash().matches(&ClientSecret::generate().hash()));
    }

    #[test]
    fn malformed_presented_secrets_are_refused() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
        ] {
            assert!(ClientSecret::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let s = ClientSecret::generate();
        assert!(!format!("{s:?}").contains(s.expose()));
    }
}
