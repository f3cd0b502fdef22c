use std::fmt;

use super::DomainError;

/// A login name. Lower-cased on the way in, so that `Alice` and `alice` are one account
/// and nobody can register a look-alike of an existing name by case alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

const USERNAME_MAX: usize = 64;

impl Username {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(DomainError::Empty { what: "user name" });
        }
        if value.chars().count() > USERNAME_MAX {
            return Err(DomainError::TooLong {
                what: "user name",
                max: USERNAME_MAX,
            });
        }
        if let Some(bad) = value
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+')))
        {
            return Err(DomainError::BadCharacter {
                what: "user name",
                detail: format!("{bad:?} (use letters, digits and . _ - @ +)"),
            });
        }
        Ok(Self(value.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// The name of a client application, as shown to users on the consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

const CLIENT_NAME_MAX: usize = 100;

impl ClientName {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        printable(value, "client name", CLIENT_NAME_MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person is called, shown to apps in the `name` claim (OIDC Core section 5.1)
/// and on Latchkey's own pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

const DISPLAY_NAME_MAX: usize = 100;

impl DisplayName {
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        printable(value, "display name", DISPLAY_NAME_MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text for people to read: trimmed, not empty, bounded, no control characters.
fn printable(value: &str, what: &'static str, max: usize) -> Result<String, DomainError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(DomainError::Empty { what });
    }
    if value.chars().count() > max {
        return Err(DomainError::TooLong { what, max });
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::BadCharacter {
            what,
            detail: "a control character".into(),
        });
    }
    Ok(value.to_owned())
}

impl fmt::Display for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_case_folded_and_checked() {
        assert_eq!(Username::parse(" Alice ").unwrap().as_str(), "alice");
        assert!(Username::parse("bob@example.com").is_ok());
        assert!(Username::parse("").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("robert'); DROP TABLE users;--").is_err());
        assert!(Username::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn client_names_refuse_control_characters() {
        assert!(ClientName::parse("My App").is_ok());
        assert!(ClientName::parse("bad\nname").is_err());
        assert!(ClientName::parse("  ").is_err());
        assert_eq!(
            DisplayName::parse(" Alice Liddell ").unwrap().as_str(),
            "Alice Liddell"
        );
        assert!(DisplayName::parse("tab\there").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
    }
}
