use std::fmt;

use super::DomainError;

const MIN_CHARS: usize = 8;
/// argon2 hashes whatever it is given; a cap keeps a megabyte "password" from costing more
/// than a normal one.
const MAX_BYTES: usize = 1024;

/// A user's password in clear, on its way to argon2. Never printed, never cloned.
pub struct Password(String);

impl Password {
    /// A password someone is choosing: held to the length policy.
    pub fn new_choice(value: String) -> Result<Self, DomainError> {
        let value = Self::attempt(value)?;
        if value.0.chars().count() < MIN_CHARS {
            return Err(DomainError::TooShort {
                what: "password",
                min: MIN_CHARS,
            });
        }
        Ok(value)
    }

    /// A password someone is logging in with: only the size cap applies, so that a
    /// password set before a policy change still works.
    pub fn attempt(value: String) -> Result<Self, DomainError> {
        if value.is_empty() {
            return Err(DomainError::Empty { what: "password" });
        }
        if value.len() > MAX_BYTES {
            return Err(DomainError::TooLong {
                what: "password",
                max: MAX_BYTES,
            });
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_applies_to_new_choices_only() {
        assert!(Password::new_choice("short".into()).is_err());
        assert!(Password::attempt("short".into()).is_ok());
        assert!(Password::new_choice("long enough".into()).is_ok());
        assert!(Password::attempt(String::new()).is_err());
        assert!(Password::attempt("x".repeat(MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn debug_hides_the_value() {
        let p = Password::attempt("hunter2hunter2".into()).unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
