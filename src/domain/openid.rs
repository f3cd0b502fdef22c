//! The parameters OpenID Connect adds to an authorization request (OIDC Core section
//! 3.1.2.1), parsed once at the edge.

use super::{ErrorCode, OAuthError};

const MAX_NONCE: usize = 512;
const MAX_LOGIN_HINT: usize = 256;

fn invalid(why: &str) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRequest, why)
}

/// `nonce`: opaque to us, echoed exactly in the ID token so that the client can tie the
/// token to its own session and refuse a replayed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    pub fn parse(value: &str) -> Result<Self, OAuthError> {
        if value.is_empty() {
            return Err(invalid("nonce must not be empty"));
        }
        if value.len() > MAX_NONCE {
            return Err(invalid("nonce is longer than 512 characters"));
        }
        if value.chars().any(char::is_control) {
            return Err(invalid("nonce contains a control character"));
        }
        Ok(Self(value.to_owned()))
    }

    /// As stored with a code: it was checked when the request came in.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `prompt` (section 3.1.2.1): whether the user may be shown the login and consent pages,
/// or must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prompt {
    /// `none`: never show a page; answer `login_required` or `consent_required` instead.
    pub none: bool,
    /// `login`: ask for the password again even with a live session.
    pub login: bool,
    /// `consent`: show the consent page even when consent was remembered.
    pub consent: bool,
}

impl Prompt {
    pub const SUPPORTED: [&'static str; 3] = ["none", "login", "consent"];

    pub fn parse(value: &str) -> Result<Self, OAuthError> {
        let mut prompt = Prompt::default();
        for token in value.split(' ').filter(|t| !t.is_empty()) {
            match token {
                "none" => prompt.none = true,
                "login" => prompt.login = true,
                "consent" => prompt.consent = true,
                _ => return Err(invalid("prompt may hold only none, login and consent")),
            }
        }
        // "If this parameter contains none with any other value, an error is returned."
        if prompt.none && (prompt.login || prompt.consent) {
            return Err(invalid("prompt=none cannot be combined with other values"));
        }
        Ok(prompt)
    }
}

/// `max_age`: how many seconds ago the user may have last entered a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge(pub i64);

impl MaxAge {
    pub fn parse(value: &str) -> Result<Self, OAuthError> {
        value
            .parse::<u32>()
            .map(|seconds| MaxAge(i64::from(seconds)))
            .map_err(|_| invalid("max_age must be a number of seconds"))
    }
}

/// `login_hint`: pre-fills the user name on the login page. Only a hint: never trusted to
/// say who the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginHint(String);

impl LoginHint {
    /// A hint that is too long or not printable is dropped rather than refused: the
    /// specification makes it optional for the server to use it at all.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        (!value.is_empty() && value.len() <= MAX_LOGIN_HINT && !value.chars().any(char::is_control))
            .then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an authentication request adds to an authorization request.
#[derive(Debug, Clone, Default)]
pub struct OpenIdParams {
    pub nonce: Option<Nonce>,
    pub prompt: Prompt,
    pub max_age: Option<MaxAge>,
    pub login_hint: Option<LoginHint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_none_stands_alone() {
        assert_eq!(
            Prompt::parse("login consent").unwrap(),
            Prompt {
                none: false,
                login: true,
                consent: true
            }
        );
        assert!(Prompt::parse("none").unwrap().none);
        assert!(Prompt::parse("none login").is_err());
        assert!(Prompt::parse("select_account").is_err());
        assert_eq!(Prompt::parse("").unwrap(), Prompt::default());
    }

    #[test]
    fn max_age_is_whole_seconds() {
        assert_eq!(MaxAge::parse("0").unwrap(), MaxAge(0));
        assert_eq!(MaxAge::parse("3600").unwrap(), MaxAge(3600));
        for bad in ["-1", "1.5", "", "1e3", "99999999999"] {
            assert!(MaxAge::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nonces_are_kept_exactly_and_bounded() {
        assert_eq!(Nonce::parse(" a b ").unwrap().as_str(), " a b ");
        assert!(Nonce::parse("").is_err());
        assert!(Nonce::parse(&"n".repeat(513)).is_err());
        assert!(Nonce::parse("a\u{0}b").is_err());
    }

    #[test]
    fn odd_login_hints_are_ignored() {
        assert_eq!(LoginHint::parse(" alice ").unwrap().as_str(), "alice");
        assert!(LoginHint::parse("").is_none());
        assert!(LoginHint::parse("a\nb").is_none());
    }
}
