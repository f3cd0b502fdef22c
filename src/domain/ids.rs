use std::fmt;

use uuid::Uuid;

use super::DomainError;

/// Identifiers are UUIDs, stored as their hyphenated text so that both databases hold
/// them the same way. Each kind of id is its own type so that a user id cannot be passed
/// where a client id is wanted.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub fn generate() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn parse(value: &str) -> Result<Self, DomainError> {
                Uuid::try_parse(value.trim())
                    .map(Self)
                    .map_err(|_| DomainError::Malformed {
                        what: $what,
                        value: value.chars().take(64).collect(),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A user account.
    UserId,
    "user id"
);
uuid_id!(
    /// A registered OAuth client (`client_id`, RFC 6749 section 2.2).
    ClientId,
    "client id"
);
uuid_id!(
    /// One refresh-token family: every token rotated from one authorization grant.
    FamilyId,
    "family id"
);
uuid_id!(
    /// A signing key (`kid` in the JWT header and the JWKS).
    KeyId,
    "key id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        let id = ClientId::generate();
        assert_eq!(ClientId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn refuses_non_uuids() {
        assert!(UserId::parse("alice").is_err());
        assert!(UserId::parse("").is_err());
    }
}
