//! Signing-key lifecycle. Keys live in the database so every instance signs with the same
//! one; a retired key stays published until no token it signed can still be valid.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::signer::Signer;
use super::{ServiceError, Services};
use crate::domain::{EventKind, KeyId, NewEvent, SigningAlg, SigningKey};
use crate::store::StoreError;

/// Running instances re-read the active key this often, so a rotation reaches all of them
/// within this time; a retired key stays published this much longer than the access-token
/// lifetime to cover tokens signed in that window.
pub const KEY_REFRESH_INTERVAL: TimeDelta = TimeDelta::seconds(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Signs new tokens.
    Active,
    /// Retired, still in the JWKS until the given time.
    Published { until: DateTime<Utc> },
    /// Retired long enough ago that no token it signed is valid; `purge` deletes it.
    Expired,
}

#[derive(Debug, Clone)]
pub struct KeySummary {
    pub id: KeyId,
    pub alg: SigningAlg,
    pub created_at: DateTime<Utc>,
    pub state: KeyState,
}

impl Services {
    /// Makes sure an active key of the configured algorithm exists: creates the first key
    /// on a new database, and rotates when the configuration names another algorithm.
    /// Then loads it for signing.
    pub async fn ensure_signing_key(&self) -> Result<KeyId, ServiceError> {
        let wanted = self.policy.signing_alg;
        match self.store.active_key().await? {
            Some(key) if key.alg == wanted => {}
            Some(_) => {
                self.rotate_signing_key().await?;
            }
            None => {
                let key = generate_key(wanted, self.clock.now())?;
                match self.store.insert_first_key(key).await {
                    // Another instance created the first key a moment ago: use that one.
                    Ok(()) | Err(StoreError::Conflict) => {}
                    Err(other) => return Err(other.into()),
                }
            }
        }
        self.reload_signing_key()
            .await?
            .ok_or_else(|| ServiceError::internal("no active signing key"))
    }

    /// Loads the active key if it is not the one in use; returns the active key's id.
    /// Every instance calls this every few seconds, so a rotation made anywhere (another
    /// instance, the CLI) is signed with everywhere within `KEY_REFRESH_INTERVAL`.
    pub async fn reload_signing_key(&self) -> Result<Option<KeyId>, ServiceError> {
        let loaded = self.keys.current().map(|signer| signer.kid());
        let Some(active) = self.store.active_key().await? else {
            return Ok(None);
        };
        if loaded != Some(active.id) {
            self.keys.install(Signer::from_key(&active)?);
            tracing::info!(kid = %active.id, alg = %active.alg, "signing with key");
        }
        Ok(Some(active.id))
    }

    /// The public keys resource servers may meet in a token: the active key and every
    /// retired key still within its publication deadline (RFC 7517 JWK Set).
    pub async fn published_keys(&self) -> Result<Vec<serde_json::Value>, ServiceError> {
        let now = self.clock.now();
        let keys = self.store.list_keys().await?;
        Ok(keys
            .into_iter()
            .filter(|key| self.key_state(key.retired_at, now) != KeyState::Expired)
            .filter_map(|key| serde_json::from_str(&key.public_jwk).ok())
            .collect())
    }

    /// Generates a key with the configured algorithm and makes it the active one.
    pub async fn rotate_signing_key(&self) -> Result<KeyId, ServiceError> {
        let now = self.clock.now();
        let key = generate_key(self.policy.signing_alg, now)?;
        let id = key.id;
        let event = NewEvent::new(EventKind::SigningKeyRotated).detail(format!("new key {id}"));
        self.store.rotate_key(key, now, event).await?;
        Ok(id)
    }

    /// The algorithms of the published keys, for the metadata document.
    pub async fn signing_algorithms(&self) -> Result<Vec<String>, ServiceError> {
        let mut algorithms: Vec<String> = self
            .published_keys()
            .await?
            .iter()
            .filter_map(|jwk| jwk["alg"].as_str().map(str::to_owned))
            .collect();
        algorithms.sort();
        algorithms.dedup();
        Ok(algorithms)
    }

    pub async fn list_signing_keys(&self) -> Result<Vec<KeySummary>, ServiceError> {
        let now = self.clock.now();
        let keys = self.store.list_keys().await?;
        Ok(keys
            .into_iter()
            .map(|key| KeySummary {
                id: key.id,
                alg: key.alg,
                created_at: key.created_at,
                state: self.key_state(key.retired_at, now),
            })
            .collect())
    }

    fn key_state(&self, retired_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> KeyState {
        match retired_at {
            None => KeyState::Active,
            Some(retired) => {
                let until = self.key_publish_deadline(retired);
                if until > now {
                    KeyState::Published { until }
                } else {
                    KeyState::Expired
                }
            }
        }
    }

    /// A key retired at `retired` may still have signed a token up to one refresh
    /// interval later, and that token lives one access-token lifetime.
    pub(super) fn key_publish_deadline(&self, retired: DateTime<Utc>) -> DateTime<Utc> {
        retired + KEY_REFRESH_INTERVAL + self.policy.access_token_ttl.as_delta()
    }
}

/// A new key pair with its public JWK (RFC 7517, RFC 7518 section 6, RFC 8037).
fn generate_key(alg: SigningAlg, now: DateTime<Utc>) -> Result<SigningKey, ServiceError> {
    let id = KeyId::generate();
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let failed = |_| ServiceError::internal(format!("generating an {alg} key failed"));
    let (private_pkcs8, jwk) = match alg {
        SigningAlg::Es256 => {
            let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(failed)?;
            // The public key is the uncompressed point 0x04 || X || Y.
            let point = pair.public_key().as_ref();
            let (x, y) = point
                .get(1..65)
                .ok_or_else(|| ServiceError::internal("unexpected P-256 public key length"))?
                .split_at(32);
            let der = pair.to_pkcs8v1().map_err(failed)?;
            (
                der.as_ref().to_vec(),
                json!({"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)}),
            )
        }
        SigningAlg::EdDsa => {
            let pair = Ed25519KeyPair::generate().map_err(failed)?;
            let der = pair.to_pkcs8v1().map_err(failed)?;
            (
                der.as_ref().to_vec(),
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key().as_ref())}),
            )
        }
        SigningAlg::Rs256 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).map_err(failed)?;
            let public = pair.public_key();
            let n = b64(public.modulus().big_endian_without_leading_zero());
            let e = b64(public.exponent().big_endian_without_leading_zero());
            let der: Pkcs8V1Der<'static> = pair.as_der().map_err(failed)?;
            (der.as_ref().to_vec(), json!({"kty": "RSA", "n": n, "e": e}))
        }
    };
    let mut jwk = jwk;
    jwk["kid"] = json!(id.to_string());
    jwk["alg"] = json!(alg.as_str());
    jwk["use"] = json!("sig");
    Ok(SigningKey {
        id,
        alg,
        private_pkcs8,
        public_jwk: jwk.to_string(),
        created_at: now,
        retired_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};

    #[test]
    fn generates_a_key_and_jwk_for_each_algorithm() {
        for alg in SigningAlg::ALL {
            let key = generate_key(alg, SystemClock.now()).unwrap();
            let jwk: serde_json::Value = serde_json::from_str(&key.public_jwk).unwrap();
            assert_eq!(jwk["alg"], alg.as_str());
            assert_eq!(jwk["kid"], key.id.to_string());
            assert!(!key.private_pkcs8.is_empty());
            match alg {
                SigningAlg::Es256 => {
                    assert_eq!(
                        URL_SAFE_NO_PAD
                            .decode(jwk["x"].as_str().unwrap())
                            .unwrap()
                            .len(),
                        32
                    );
                    assert_eq!(
                        URL_SAFE_NO_PAD
                            .decode(jwk["y"].as_str().unwrap())
                            .unwrap()
                            .len(),
                        32
                    );
                }
                SigningAlg::EdDsa => {
                    assert_eq!(
                        URL_SAFE_NO_PAD
                            .decode(jwk["x"].as_str().unwrap())
                            .unwrap()
                            .len(),
                        32
                    );
                }
                SigningAlg::Rs256 => {
                    assert_eq!(
                        URL_SAFE_NO_PAD
                            .decode(jwk["n"].as_str().unwrap())
                            .unwrap()
                            .len(),
                        256
                    );
                    assert_eq!(jwk["e"], "AQAB");
                }
            }
        }
    }
}
