use std::fmt;

use super::DomainError;

/// The grants Latchkey implements (RFC 6749 sections 4.1, 4.4 and 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    pub const ALL: [GrantType; 3] = [
        GrantType::AuthorizationCode,
        GrantType::RefreshToken,
        GrantType::ClientCredentials,
    ];

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == value)
            .ok_or_else(|| DomainError::GrantType {
                value: value.chars().take(64).collect(),
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
        }
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The set of grants one client may use, kept sorted and free of repeats.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GrantTypes(Vec<GrantType>);

impl GrantTypes {
    /// What a client gets when its registration names none.
    pub fn default_for_new_client() -> Self {
        Self(vec![GrantType::AuthorizationCode, GrantType::RefreshToken])
    }

    pub fn new(grants: impl IntoIterator<Item = GrantType>) -> Self {
        let mut grants: Vec<GrantType> = grants.into_iter().collect();
        grants.sort();
        grants.dedup();
        Self(grants)
    }

    /// Reads the space-separated form used in storage and on the command line.
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        let grants = value
            .split_whitespace()
            .map(GrantType::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(grants))
    }

    pub fn contains(&self, grant: GrantType) -> bool {
        self.0.contains(&grant)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = GrantType> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for GrantTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|g| g.as_str()).collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_deduplicated() {
        let grants = GrantTypes::parse("refresh_token authorization_code refresh_token").unwrap();
        assert_eq!(grants.to_string(), "authorization_code refresh_token");
        assert!(GrantTypes::parse("password").is_err());
        assert!(GrantTypes::parse("implicit").is_err());
    }
}
