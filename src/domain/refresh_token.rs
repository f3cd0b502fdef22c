//! The refresh token's format. A token is a family handle followed by a secret, each 256
//! bits of randomness in base64url: the handle is the same for every token of a family
//! and names it (the database keeps only its SHA-256), the secret changes with every
//! rotation. So a family's row needs only the hashes of its current and previous token,
//! and a token whose handle names a family but which is neither of those two is an
//! earlier generation: a reuse, recognised however long ago it was rotated, with no row
//! kept per rotation (SPEC step 4).
//!
//! Tokens issued before handles existed (one 43-character secret) are still accepted:
//! they are looked up by their own hash, and their family gets a handle at its next
//! rotation.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::DomainError;
use super::secret::{RefreshTokenKind, Secret, SecretHash, random_bytes};

/// Base64url without padding of 32 bytes.
const PART_CHARS: usize = 43;

/// The SHA-256 of a whole refresh token, as a family row keeps its current and previous.
pub type RefreshTokenHash = SecretHash<RefreshTokenKind>;

/// Marker for the family handle inside a refresh token.
pub enum FamilyHandleKind {}
/// The SHA-256 of a family handle: the key a family is found by.
pub type FamilyHandleHash = SecretHash<FamilyHandleKind>;

/// A refresh token in the current format, as Latchkey issues it.
pub struct RefreshToken {
    value: String,
}

impl RefreshToken {
    /// The first token of a new family, with a new handle.
    pub fn generate() -> Self {
        let handle = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
        Self::with_handle(&handle)
    }

    fn with_handle(handle: &str) -> Self {
        let mut value = String::with_capacity(2 * PART_CHARS);
        value.push_str(handle);
        URL_SAFE_NO_PAD.encode_string(random_bytes::<32>(), &mut value);
        Self { value }
    }

    fn handle(&self) -> &str {
        &self.value[..PART_CHARS]
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    /// What the database keeps of this token.
    pub fn hashes(&self) -> StoredRefreshToken {
        StoredRefreshToken {
            handle: self.handle_hash(),
            token: self.token_hash(),
        }
    }

    fn handle_hash(&self) -> FamilyHandleHash {
        SecretHash::of(self.handle())
    }

    fn token_hash(&self) -> RefreshTokenHash {
        SecretHash::of(&self.value)
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// A family handle's and a token's hash, for storing a newly issued token.
#[derive(Debug, Clone)]
pub struct StoredRefreshToken {
    pub handle: FamilyHandleHash,
    pub token: RefreshTokenHash,
}

/// How to find the family of a presented token.
#[derive(Debug, Clone)]
pub enum FamilyLookup {
    /// By the handle the token carries.
    Handle(FamilyHandleHash),
    /// A token from before handles: by its own hash, among the tokens kept from then.
    Legacy(RefreshTokenHash),
}

/// A refresh token as a client presented it.
#[derive(Debug)]
pub enum PresentedRefreshToken {
    Current(RefreshToken),
    Legacy(Secret<RefreshTokenKind>),
}

impl PresentedRefreshToken {
    /// Anything that is not a shape Latchkey issues cannot be a token of any family, so it
    /// is refused before a look-up.
    pub fn parse(presented: &str) -> Result<Self, DomainError> {
        let base64url = presented
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        match presented.len() {
            n if n == 2 * PART_CHARS && base64url => Ok(Self::Current(RefreshToken {
                value: presented.to_owned(),
            })),
            PART_CHARS => Secret::parse(presented).map(Self::Legacy),
            _ => Err(DomainError::Malformed {
                what: "token",
                value: "(not shown)".into(),
            }),
        }
    }

    pub fn lookup(&self) -> FamilyLookup {
        match self {
            Self::Current(token) => FamilyLookup::Handle(token.handle_hash()),
            Self::Legacy(secret) => FamilyLookup::Legacy(secret.hash()),
        }
    }

    pub fn hash(&self) -> RefreshTokenHash {
        match self {
            Self::Current(token) => token.token_hash(),
            Self::Legacy(secret) => secret.hash(),
        }
    }

    /// The token that replaces this one: the same handle and a new secret; for a token
    /// from before handles, a new handle for its family.
    pub fn successor(&self) -> RefreshToken {
        match self {
            Self::Current(token) => RefreshToken::with_handle(token.handle()),
            Self::Legacy(_) => RefreshToken::generate(),
        }
    }

    pub fn is_legacy(&self) -> bool {
        matches!(self, Self::Legacy(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_a_handle_and_a_secret_of_256_bits_each() {
        let token = RefreshToken::generate();
        assert_eq!(token.expose().len(), 86);
        let presented = PresentedRefreshToken::parse(token.expose()).unwrap();
        assert!(!presented.is_legacy());
        let next = presented.successor();
        assert_eq!(next.handle(), token.handle(), "the family keeps its handle");
        assert_ne!(next.expose(), token.expose());
        assert!(next.hashes().handle.matches(&token.hashes().handle));
        assert!(!next.hashes().token.matches(&token.hashes().token));
        assert!(presented.hash().matches(&token.hashes().token));
        let other = RefreshToken::generate();
        assert!(!other.hashes().handle.matches(&token.hashes().handle));
    }

    #[test]
    fn tokens_from_before_handles_are_found_by_their_hash() {
        let old = Secret::<RefreshTokenKind>::generate();
        let presented = PresentedRefreshToken::parse(old.expose()).unwrap();
        assert!(presented.is_legacy());
        assert!(
            matches!(presented.lookup(), FamilyLookup::Legacy(hash) if hash.matches(&old.hash()))
        );
        assert_eq!(presented.successor().expose().len(), 86);
    }

    #[test]
    fn other_shapes_are_refused() {
        let token = RefreshToken::generate();
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &"a".repeat(85),
            &"a".repeat(87),
            &format!("{}=", &token.expose()[..85]),
            &format!("{}.", &token.expose()[..85]),
        ] {
            assert!(PresentedRefreshToken::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = RefreshToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
        let presented = PresentedRefreshToken::parse(token.expose()).unwrap();
        assert!(!format!("{presented:?}").contains(&token.expose()[43..]));
    }
}
