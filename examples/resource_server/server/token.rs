//! Offline verification of an access token (RFC 9068 section 4): the `typ`, a signature
//! by one of Latchkey's published keys with that key's algorithm, `iss`, `aud`, and `exp`
//! with a little leeway for clock skew. No network call unless the key is new to us.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode, decode_header};
use serde::Deserialize;

use super::Now;
use super::keys::{KeySet, Lookup};

#[derive(Debug, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub client_id: String,
    #[serde(default)]
    pub scope: String,
    pub exp: i64,
    pub iat: i64,
}

impl Claims {
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scope.split(' ').any(|granted| granted == wanted)
    }
}

pub enum Rejection {
    /// The client should refresh its access token (or log in again).
    Invalid(&'static str),
    /// The keys could not be fetched: not the client's fault.
    Unavailable(String),
}

pub struct Verifier {
    keys: KeySet,
    issuer: String,
    audience: String,
    leeway: i64,
    now: Now,
}

impl Verifier {
    pub fn new(keys: KeySet, issuer: String, audience: String, leeway: i64, now: Now) -> Verifier {
        Verifier {
            keys,
            issuer,
            audience,
            leeway,
            now,
        }
    }

    pub async fn verify(&self, token: &str) -> Result<Claims, Rejection> {
        let header = decode_header(token).map_err(|_| Rejection::Invalid("not a JWT"))?;
        // An ID token or any other JWT signed by the same keys is not an access token.
        let typ = header.typ.as_deref().unwrap_or_default();
        if !typ.eq_ignore_ascii_case("at+jwt") && !typ.eq_ignore_ascii_case("application/at+jwt") {
            return Err(Rejection::Invalid(
                "not an access token (typ is not at+jwt)",
            ));
        }
        let kid = header
            .kid
            .ok_or(Rejection::Invalid("the token names no key (kid)"))?;
        let key = match self.keys.get(&kid).await {
            Lookup::Found(key) => key,
            Lookup::Unknown => return Err(Rejection::Invalid("signed by an unknown key")),
            Lookup::Unavailable(reason) => return Err(Rejection::Unavailable(reason)),
        };
        if header.alg != key.alg {
            return Err(Rejection::Invalid("the algorithm does not match the key"));
        }
        let mut validation = Validation::new(key.alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Time is checked below against the injected clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims = decode::<Claims>(token, &key.key, &validation)
            .map_err(|e| {
                Rejection::Invalid(match e.kind() {
                    ErrorKind::InvalidSignature => "the signature does not verify",
                    ErrorKind::InvalidIssuer => "issued by another authorization server",
                    ErrorKind::InvalidAudience => "not meant for this API (aud)",
                    _ => "malformed claims",
                })
            })?
            .claims;
        let now = (self.now)();
        if claims.exp + self.leeway <= now {
            return Err(Rejection::Invalid("the access token expired"));
        }
        if claims.iat - self.leeway > now {
            return Err(Rejection::Invalid(
                "the access token is issued in the future",
            ));
        }
        Ok(claims)
    }
}
