//! Reading back an access token we issued, for introspection and revocation: signature
//! by a published key, `typ`, `iss`, and (when asked) `exp` against our clock, with no
//! leeway. jsonwebtoken checks the signature; the time check is ours so that it follows
//! the injected clock.

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;

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

impl Services {
    /// The claims of a genuine access token of ours, or `None`. `check_expiry: false`
    /// still accepts an expired token (revoking by an expired token is allowed).
    pub(super) async fn verify_access_token(
        &self,
        token: &str,
        issuer: &Issuer,
        check_expiry: bool,
    ) -> Result<Option<AccessClaims>, ServiceError> {
        let Ok(header) = decode_header(token) else {
            return Ok(None);
        };
        if header.typ.as_deref() != Some("at+jwt") {
            return Ok(None);
        }
        let Some(kid) = header.kid else {
            return Ok(None);
        };
        let published = self.published_keys().await?;
        let Some(jwk) = published
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
            .find(|jwk| jwk.common.key_id.as_deref() == Some(kid.as_str()))
        else {
            return Ok(None);
        };
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            return Ok(None);
        };
        let mut validation = Validation::new(header.alg);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        validation.set_issuer(&[issuer.as_str()]);
        let Ok(data) = decode::<AccessClaims>(token, &key, &validation) else {
            return Ok(None);
        };
        let claims = data.claims;
        // RFC 7662 section 4: no leeway, an expired token is inactive.
        if check_expiry && claims.exp <= self.clock.now().timestamp() {
            return Ok(None);
        }
        Ok(Some(claims))
    }
}
