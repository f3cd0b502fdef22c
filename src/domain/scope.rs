use std::collections::BTreeSet;
use std::fmt;

use super::DomainError;

const MAX_TOKENS: usize = 64;
const MAX_TOKEN_LEN: usize = 128;

/// A set of scope tokens (RFC 6749 section 3.3): space-delimited, case-sensitive, order
/// irrelevant. Kept sorted so that two equal sets print, store and compare the same.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope(BTreeSet<String>);

impl Scope {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let mut tokens = BTreeSet::new();
        for token in value.split(' ').filter(|t| !t.is_empty()) {
            // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            let valid = token.len() <= MAX_TOKEN_LEN
                && token
                    .bytes()
                    .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
            if !valid {
                return Err(DomainError::ScopeToken {
                    token: token.chars().take(MAX_TOKEN_LEN).collect(),
                });
            }
            tokens.insert(token.to_owned());
        }
        if tokens.len() > MAX_TOKENS {
            return Err(DomainError::TooLong {
                what: "scope",
                max: MAX_TOKENS,
            });
        }
        Ok(Self(tokens))
    }

    /// True when every token of `self` is also in `wider`: asking for this scope under
    /// `wider` does not ask for more.
    pub fn narrows(&self, wider: &Scope) -> bool {
        self.0.is_subset(&wider.0)
    }

    /// Every token in either set.
    pub fn union(&self, other: &Scope) -> Scope {
        Scope(self.0.union(&other.0).cloned().collect())
    }

    pub fn contains(&self, token: &str) -> bool {
        self.0.contains(token)
    }

    /// OIDC Core section 3.1.2.1: a request whose scope holds `openid` is an
    /// authentication request, answered with an ID token.
    pub fn is_openid(&self) -> bool {
        self.contains("openid")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for token in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let scope = Scope::parse("write read  read").unwrap();
        assert_eq!(scope.to_string(), "read write");
        assert!(Scope::parse("").unwrap().is_empty());
        assert!(Scope::parse("api:read https://example.com/x").is_ok());
    }

    #[test]
    fn refuses_characters_outside_rfc_6749() {
        for bad in ["a\"b", "back\\slash", "tab\there", "é", "new\nline"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn narrowing_is_the_subset_relation() {
        let all = Scope::parse("read write admin").unwrap();
        assert!(Scope::parse("read").unwrap().narrows(&all));
        assert!(Scope::empty().narrows(&all));
        assert!(all.narrows(&all));
        assert!(!Scope::parse("read delete").unwrap().narrows(&all));
    }
}
