//! OpenID Connect ID tokens (OIDC Core 1.0 sections 2, 3.1.3.6 and 12.2), and the claims
//! of the granted scopes that they and `/userinfo` release (section 5.4).

use aws_lc_rs::digest::{SHA256, SHA512, digest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;

use std::sync::Arc;

use super::keys::{JwtType, Signer};
use super::{ServiceError, Services};
use crate::domain::{
    Claimant, ClientId, ErrorCode, Issuer, Nonce, OAuthError, Scope, SigningAlg, UserId,
};
use crate::store::OpenIdSubject;

/// The claims of `profile` and `email` (section 5.4), each only when granted and set.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ScopeClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

impl ScopeClaims {
    pub fn of(user: &Claimant, scope: &Scope) -> Self {
        let profile = scope.contains("profile");
        let email = scope
            .contains("email")
            .then_some(user.email.as_ref())
            .flatten();
        Self {
            preferred_username: profile.then(|| user.username.as_str().to_owned()),
            name: profile
                .then_some(user.display_name.as_ref())
                .flatten()
                .map(|name| name.as_str().to_owned()),
            email: email.map(|email| email.as_str().to_owned()),
            email_verified: email.map(|_| user.email_verified),
        }
    }
}

/// Section 2: the ID token's claims. `sub` is the user id, as in the access token.
#[derive(Serialize)]
struct IdClaims<'a> {
    iss: &'a str,
    sub: String,
    aud: String,
    /// The client the token was issued to; with a single audience it is the same as
    /// `aud`, which some relying parties still check.
    azp: String,
    iat: i64,
    exp: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    at_hash: String,
    #[serde(flatten)]
    scope_claims: ScopeClaims,
}

/// An ID token ready to be signed once its grant has committed: the subject is loaded
/// and the key chosen before, so that nothing after the commit can fail on the database
/// and lose a rotation or a redeemed code.
pub(super) struct IdTokenMinter {
    user: Claimant,
    client: ClientId,
    alg: SigningAlg,
    signer: Arc<Signer>,
    ttl: i64,
}

/// What the grant adds when it signs.
pub(super) struct Minted<'a> {
    pub scope: &'a Scope,
    pub auth_time: DateTime<Utc>,
    /// Only on the code exchange: a refresh's ID token has none (section 12.2).
    pub nonce: Option<&'a Nonce>,
    /// The access token issued beside it, whose hash goes in `at_hash`.
    pub access_token: &'a str,
    pub now: DateTime<Utc>,
}

impl IdTokenMinter {
    pub(super) fn mint(&self, issuer: &Issuer, token: Minted<'_>) -> Result<String, ServiceError> {
        let now = token.now.timestamp();
        let claims = IdClaims {
            iss: issuer.as_str(),
            sub: subject(self.user.id),
            aud: self.client.to_string(),
            azp: self.client.to_string(),
            iat: now,
            exp: now + self.ttl,
            auth_time: token.auth_time.timestamp(),
            nonce: token.nonce.map(Nonce::as_str),
            at_hash: at_hash(self.alg, token.access_token),
            scope_claims: ScopeClaims::of(&self.user, token.scope),
        };
        self.signer.sign(JwtType::Id, &claims)
    }
}

impl Services {
    /// For a grant whose scope holds `openid`: its subject and signing key. `None` for a
    /// plain OAuth grant, which costs nothing extra.
    pub(super) async fn prepare_id_token(
        &self,
        scope: &Scope,
        user: UserId,
        client: ClientId,
    ) -> Result<Option<IdTokenMinter>, ServiceError> {
        if !scope.is_openid() {
            return Ok(None);
        }
        let subject = self.store.openid_subject(user, client).await?;
        self.id_token_minter(subject, client).await.map(Some)
    }

    /// The minter for a subject already loaded (a refresh reads it with its family).
    /// `None`: the user or the client is gone, and the grant cannot go on.
    pub(super) async fn id_token_minter(
        &self,
        subject: Option<OpenIdSubject>,
        client: ClientId,
    ) -> Result<IdTokenMinter, ServiceError> {
        let Some(subject) = subject else {
            return Err(OAuthError::new(
                ErrorCode::InvalidGrant,
                "the user or the client no longer exists",
            )
            .into());
        };
        let alg = subject.id_token_alg.unwrap_or(self.policy.signing_alg);
        Ok(IdTokenMinter {
            user: subject.claimant,
            client,
            alg,
            signer: self.ensure_key_for(alg).await?,
            ttl: self.policy.id_token_ttl.as_seconds(),
        })
    }
}

/// The `sub` of every token about this user: stable, never reassigned, not their name.
pub(super) fn subject(user: UserId) -> String {
    user.to_string()
}

/// Section 3.1.3.6: the left half of the hash of the access token's ASCII form, with the
/// hash of the ID token's `alg` (SHA-256 for ES256 and RS256; SHA-512 for EdDSA, as
/// Ed25519 signs with SHA-512), base64url.
fn at_hash(alg: SigningAlg, access_token: &str) -> String {
    let hashed = match alg {
        SigningAlg::Es256 | SigningAlg::Rs256 => digest(&SHA256, access_token.as_bytes()),
        SigningAlg::EdDsa => digest(&SHA512, access_token.as_bytes()),
    };
    let bytes = hashed.as_ref();
    URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DisplayName, Email, Username};

    fn user() -> Claimant {
        Claimant {
            id: UserId::generate(),
            username: Username::parse("alice").unwrap(),
            display_name: Some(DisplayName::parse("Alice Liddell").unwrap()),
            email: Some(Email::parse("alice@example.com").unwrap()),
            email_verified: false,
        }
    }

    #[test]
    fn each_scope_releases_its_own_claims() {
        let user = user();
        let bare = ScopeClaims::of(&user, &Scope::parse("openid").unwrap());
        assert_eq!(serde_json::to_value(&bare).unwrap(), serde_json::json!({}));
        let all = ScopeClaims::of(&user, &Scope::parse("openid profile email").unwrap());
        assert_eq!(
            serde_json::to_value(&all).unwrap(),
            serde_json::json!({
                "preferred_username": "alice",
                "name": "Alice Liddell",
                "email": "alice@example.com",
                "email_verified": false,
            })
        );
        let unset = Claimant {
            display_name: None,
            email: None,
            ..user
        };
        let profile = ScopeClaims::of(&unset, &Scope::parse("openid profile email").unwrap());
        assert_eq!(
            serde_json::to_value(&profile).unwrap(),
            serde_json::json!({"preferred_username": "alice"})
        );
    }

    /// The access token and `at_hash` of OIDC Core's example (appendix A.3, RS256).
    #[test]
    fn at_hash_is_the_left_half_of_the_algorithms_hash() {
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        assert_eq!(at_hash(SigningAlg::Rs256, token), "77QmUPtjPfzWtF2AnpK9RQ");
        assert_eq!(at_hash(SigningAlg::Es256, token), "77QmUPtjPfzWtF2AnpK9RQ");
        let eddsa = URL_SAFE_NO_PAD
            .decode(at_hash(SigningAlg::EdDsa, token))
            .unwrap();
        assert_eq!(eddsa.len(), 32);
    }
}
