//! An email address as a user's profile holds it (OIDC Core section 5.1 `email`).

use std::fmt;

use super::DomainError;

/// RFC 5321 section 4.5.3.1: a path is at most 256 octets, so an address at most 254.
const MAX_LEN: usize = 254;

/// `local@domain`, checked only as far as a typo or an injection would show: whether the
/// address receives mail is not ours to know, which is why `email_verified` is a separate
/// flag that only an admin sets. The domain is lower-cased; the local part is kept as
/// typed (RFC 5321 lets it be case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let value = value.trim();
        let malformed = || DomainError::Malformed {
            what: "email address",
            value: value.chars().take(64).collect(),
        };
        if value.is_empty() {
            return Err(DomainError::Empty {
                what: "email address",
            });
        }
        if value.len() > MAX_LEN {
            return Err(DomainError::TooLong {
                what: "email address",
                max: MAX_LEN,
            });
        }
        if value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
        {
            return Err(malformed());
        }
        let (local, domain) = value.rsplit_once('@').ok_or_else(malformed)?;
        let labels_ok = domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.contains('@') || !domain.contains('.') || !labels_ok {
            return Err(malformed());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_local_part_and_folds_the_domain() {
        assert_eq!(
            Email::parse(" Alice@Example.COM ").unwrap().as_str(),
            "Alice@example.com"
        );
        assert!(Email::parse("a.b+tag@mail.example.org").is_ok());
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@localhost",
            "a@b@example.com",
            "alice@exa mple.com",
            "alice@example..com",
            "alice@-example.com",
            "al\u{0}ice@example.com",
            "<alice@example.com>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }
}
