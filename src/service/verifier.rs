//! Reading back a JWT we issued: an access token for introspection, revocation and
//! `/userinfo`, an ID token as a logout hint. Signature by a published key, `typ`, `iss`,
//! and (when asked) `exp` against our clock, with no leeway. jsonwebtoken checks the
//! signature; the time check is ours so that it follows the injected clock.

use jsonwebtoken::{Validation, decode, decode_header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::keys::{JwtType, jose_alg};
use super::{ServiceError, Services};
use crate::domain::{FamilyId, Issuer};

#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    #[serde(default)]
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sid: Option<String>,
}

impl AccessClaims {
    pub fn family(&self) -> Option<FamilyId> {
        self.sid
            .as_deref()
            .and_then(|sid| FamilyId::parse(sid).ok())
    }
}

/// What an ID token we issued says, as far as logout needs to know.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub aud: String,
}

impl Services {
    /// The claims of a genuine access token of ours, or `None`. `check_expiry: false`
    /// still accepts an expired token (revoking by an expired token is allowed).
    pub(super) async fn verify_access_token(
        &self,
        token: &str,
        issuer: &Issuer,
        check_expiry: bool,
    ) -> Result<Option<AccessClaims>, ServiceError> {
        let Some(claims) = self
            .verify_jwt::<AccessClaims>(token, issuer, JwtType::Access)
            .await?
        else {
            return Ok(None);
        };
        // RFC 7662 section 4: no leeway, an expired token is inactive.
        if check_expiry && claims.exp <= self.clock.now().timestamp() {
            return Ok(None);
        }
        Ok(Some(claims))
    }

    /// Whether the token's family was revoked (or is gone) since the token was issued: then
    /// the token is no longer good, whatever its `exp` says.
    pub(super) async fn family_revoked(&self, claims: &AccessClaims) -> Result<bool, ServiceError> {
        let Some(family) = claims.family() else {
            return Ok(false);
        };
        let status = self.store.family_status(family).await?;
        Ok(status.is_none_or(|status| status.revoked))
    }

    /// The claims of a genuine ID token of ours, expired or not: RP-Initiated Logout
    /// section 2 has the server accept an expired one as a logout hint.
    pub(super) async fn verify_id_token(
        &self,
        token: &str,
        issuer: &Issuer,
    ) -> Result<Option<IdClaims>, ServiceError> {
        self.verify_jwt::<IdClaims>(token, issuer, JwtType::Id)
            .await
    }

    /// A JWT of the given type signed by one of our published keys and issued by us.
    async fn verify_jwt<C: DeserializeOwned>(
        &self,
        token: &str,
        issuer: &Issuer,
        kind: JwtType,
    ) -> Result<Option<C>, ServiceError> {
        let Ok(header) = decode_header(token) else {
            return Ok(None);
        };
        // RFC 8725 section 3.11: an ID token must not pass for an access token, nor the
        // other way round.
        if header.typ.as_deref() != Some(kind.typ()) {
            return Ok(None);
        }
        let Some(kid) = header.kid else {
            return Ok(None);
        };
        let Some(verifier) = self.verifier(&kid).await? else {
            return Ok(None);
        };
        // The key decides the algorithm, not the token (RFC 8725 section 3.1).
        if header.alg != jose_alg(verifier.alg) {
            return Ok(None);
        }
        let mut validation = Validation::new(header.alg);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        validation.set_issuer(&[issuer.as_str()]);
        Ok(decode::<C>(token, &verifier.key, &validation)
            .ok()
            .map(|data| data.claims))
    }
}
