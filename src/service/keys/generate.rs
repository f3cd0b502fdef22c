//! New key pairs, with the public JWK that `/jwks.json` publishes.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::ServiceError;
use crate::domain::{KeyId, SigningAlg, SigningKey};

/// A new key pair with its public JWK (RFC 7517, RFC 7518 section 6, RFC 8037).
pub(super) fn generate_key(
    alg: SigningAlg,
    now: DateTime<Utc>,
) -> Result<SigningKey, ServiceError> {
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
