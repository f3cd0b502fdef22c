//! Signing access tokens. The key pair is parsed once when a key becomes active, not per
//! token: parsing a PKCS#8 document costs about as much as the signature itself. The JOSE
//! header is jsonwebtoken's `Header`, encoded once per key; the JWS (RFC 7515 compact
//! form) is assembled here because jsonwebtoken's `encode` takes the key as PKCS#8 bytes
//! and parses them again for every token. Resource servers verify with any JWT library
//! (the tests use jsonwebtoken).

use std::sync::{Arc, RwLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;

use super::ServiceError;
use crate::domain::{KeyId, SigningAlg, SigningKey};

enum Pair {
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
}

/// The active key, parsed, with its encoded JOSE header ready to prepend.
pub struct Signer {
    kid: KeyId,
    pair: Pair,
    encoded_header: String,
    rng: SystemRandom,
}

impl Signer {
    pub fn from_key(key: &SigningKey) -> Result<Signer, ServiceError> {
        let rejected = |e: aws_lc_rs::error::KeyRejected| {
            ServiceError::internal(format!("signing key {} is unusable: {e}", key.id))
        };
        let der = key.private_pkcs8.as_slice();
        let pair = match key.alg {
            SigningAlg::Es256 => Pair::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
                    .map_err(rejected)?,
            ),
            SigningAlg::EdDsa => Pair::Ed25519(Ed25519KeyPair::from_pkcs8(der).map_err(rejected)?),
            SigningAlg::Rs256 => Pair::Rsa(RsaKeyPair::from_pkcs8(der).map_err(rejected)?),
        };
        let mut header = Header::new(match key.alg {
            SigningAlg::Es256 => Algorithm::ES256,
            SigningAlg::EdDsa => Algorithm::EdDSA,
            SigningAlg::Rs256 => Algorithm::RS256,
        });
        // RFC 9068 section 2.1: "typ" MUST be "at+jwt".
        header.typ = Some("at+jwt".into());
        header.kid = Some(key.id.to_string());
        let header = serde_json::to_string(&header).map_err(ServiceError::internal)?;
        Ok(Signer {
            kid: key.id,
            pair,
            encoded_header: URL_SAFE_NO_PAD.encode(header),
            rng: SystemRandom::new(),
        })
    }

    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// `BASE64URL(header) . BASE64URL(claims) . BASE64URL(signature)`.
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, ServiceError> {
        let payload = serde_json::to_vec(claims).map_err(ServiceError::internal)?;
        let mut token = String::with_capacity(self.encoded_header.len() + payload.len() * 2 + 400);
        token.push_str(&self.encoded_header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let failed = |_| ServiceError::internal("signing an access token failed");
        let signing_input = token.as_bytes();
        let signature = match &self.pair {
            Pair::Ecdsa(pair) => pair
                .sign(&self.rng, signing_input)
                .map_err(failed)?
                .as_ref()
                .to_vec(),
            Pair::Ed25519(pair) => pair.sign(signing_input).as_ref().to_vec(),
            Pair::Rsa(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &self.rng, signing_input, &mut signature)
                    .map_err(failed)?;
                signature
            }
        };
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }
}

/// The signer every request uses, swapped when another key becomes active. A read lock
/// per token costs nanoseconds; the swap happens at most every few seconds.
#[derive(Default)]
pub struct KeyRing {
    active: RwLock<Option<Arc<Signer>>>,
}

impl KeyRing {
    pub fn current(&self) -> Option<Arc<Signer>> {
        self.active.read().ok().and_then(|guard| guard.clone())
    }

    pub fn install(&self, signer: Signer) {
        if let Ok(mut guard) = self.active.write() {
            *guard = Some(Arc::new(signer));
        }
    }
}
