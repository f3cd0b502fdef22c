//! What a client presents to prove who it is (RFC 6749 section 2.3.1), and the tokens it
//! hands back to `/revoke` and `/introspect`, parsed at the edge.

use super::{ClientId, ClientSecret, PresentedRefreshToken};

/// A client's id with the secret it sent, if any. `Debug` never shows the secret.
#[derive(Debug)]
pub struct ClientCredentials {
    pub id: ClientId,
    pub secret: Option<PresentedSecret>,
}

/// A secret as sent: either the shape Latchkey issues, or something that matches no
/// client's secret. The second is still told apart from no secret at all, because a
/// public client that sends one is refused for sending it.
#[derive(Debug)]
pub enum PresentedSecret {
    WellFormed(ClientSecret),
    Malformed,
}

impl PresentedSecret {
    pub fn parse(presented: &str) -> Self {
        ClientSecret::parse(presented).map_or(PresentedSecret::Malformed, Self::WellFormed)
    }
}

/// The `token` parameter of `/revoke` and `/introspect`. Its own form says what it is, so
/// `token_type_hint` is not needed to find it (RFC 7009 section 2.1).
#[derive(Debug)]
pub enum PresentedToken {
    Refresh(PresentedRefreshToken),
    /// Anything else is taken for a JWT access token, and checked as one.
    Access(AccessTokenText),
}

/// A presented access token, not yet verified. `Debug` does not show it: it is a bearer
/// credential until it expires.
pub struct AccessTokenText(String);

/// Far longer than any token we issue; a longer one is not ours.
const MAX_ACCESS_TOKEN: usize = 8192;

impl AccessTokenText {
    /// A bearer token as RFC 6750 section 2.1 spells it (`b64token`), or `None`.
    pub fn parse(value: &str) -> Option<Self> {
        let b64token = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
        let body = value.trim_end_matches('=');
        (!body.is_empty() && value.len() <= MAX_ACCESS_TOKEN && body.bytes().all(b64token))
            .then(|| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessTokenText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessTokenText(<redacted>)")
    }
}

impl PresentedToken {
    pub fn parse(presented: &str) -> Self {
        match PresentedRefreshToken::parse(presented) {
            Ok(refresh) => PresentedToken::Refresh(refresh),
            Err(_) => PresentedToken::Access(AccessTokenText(presented.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RefreshToken;

    #[test]
    fn a_token_is_told_by_its_form() {
        let refresh = RefreshToken::generate();
        assert!(matches!(
            PresentedToken::parse(refresh.expose()),
            PresentedToken::Refresh(_)
        ));
        assert!(matches!(
            PresentedToken::parse("eyJhbGciOi.e30.sig"),
            PresentedToken::Access(_)
        ));
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let secret = ClientSecret::generate();
        let shown = format!("{:?}", PresentedSecret::parse(secret.expose()));
        assert!(!shown.contains(secret.expose()), "{shown}");
        assert!(matches!(
            PresentedSecret::parse("short"),
            PresentedSecret::Malformed
        ));
        let access = format!("{:?}", PresentedToken::parse("eyJ.secret-bits.sig"));
        assert!(!access.contains("secret-bits"), "{access}");
    }
}
