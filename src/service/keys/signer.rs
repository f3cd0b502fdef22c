//! Signing access and ID tokens. The key pair is parsed once when a key becomes active, not per
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

/// The JOSE `alg` of our algorithm (RFC 7518, RFC 8037).
pub fn jose_alg(alg: SigningAlg) -> Algorithm {
    match alg {
        SigningAlg::Es256 => Algorithm::ES256,
        SigningAlg::EdDsa => Algorithm::EdDSA,
        SigningAlg::Rs256 => Algorithm::RS256,
    }
}

/// What a JWT is for, told apart by its `typ` header so that one cannot pass for the
/// other (RFC 8725 section 3.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtType {
    /// RFC 9068 section 2.1: "typ" MUST be "at+jwt".
    Access,
    /// OIDC Core section 2 leaves `typ` open; "JWT" is what relying parties expect.
    Id,
}

impl JwtType {
    pub fn typ(self) -> &'static str {
        match self {
            JwtType::Access => "at+jwt",
            JwtType::Id => "JWT",
        }
    }
}

/// An active key, parsed, with its encoded JOSE headers ready to prepend.
pub struct Signer {
    kid: KeyId,
    alg: SigningAlg,
    pair: Pair,
    access_header: String,
    id_header: String,
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
        let header = |kind: JwtType| {
            let mut header = Header::new(jose_alg(key.alg));
            header.typ = Some(kind.typ().into());
            header.kid = Some(key.id.to_string());
            serde_json::to_string(&header)
                .map(|json| URL_SAFE_NO_PAD.encode(json))
                .map_err(ServiceError::internal)
        };
        Ok(Signer {
            kid: key.id,
            alg: key.alg,
            pair,
            access_header: header(JwtType::Access)?,
            id_header: header(JwtType::Id)?,
            rng: SystemRandom::new(),
        })
    }

    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// `BASE64URL(header) . BASE64URL(claims) . BASE64URL(signature)`.
    pub fn sign(&self, kind: JwtType, claims: &impl Serialize) -> Result<String, ServiceError> {
        let header = match kind {
            JwtType::Access => &self.access_header,
            JwtType::Id => &self.id_header,
        };
        let payload = serde_json::to_vec(claims).map_err(ServiceError::internal)?;
        let mut token = String::with_capacity(header.len() + payload.len() * 2 + 400);
        token.push_str(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let failed = |_| ServiceError::internal("signing a token failed");
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

/// The active keys, one per algorithm in use, swapped as a whole when the set changes.
/// A read lock per token costs nanoseconds; a swap happens at most every few seconds.
#[derive(Default)]
pub struct KeyRing {
    active: RwLock<Arc<Vec<Arc<Signer>>>>,
}

impl KeyRing {
    fn loaded(&self) -> Arc<Vec<Arc<Signer>>> {
        self.active
            .read()
            .map(|guard| guard.clone())
            .unwrap_or_default()
    }

    /// The active key of this algorithm.
    pub fn signer(&self, alg: SigningAlg) -> Option<Arc<Signer>> {
        self.loaded().iter().find(|s| s.alg == alg).cloned()
    }

    /// The key access tokens are signed with: the configured algorithm's, or, when
    /// another instance or the CLI rotated to another algorithm, the newest active one.
    pub fn access_signer(&self, configured: SigningAlg) -> Option<Arc<Signer>> {
        let loaded = self.loaded();
        loaded
            .iter()
            .find(|s| s.alg == configured)
            .or_else(|| loaded.first())
            .cloned()
    }

    pub fn kids(&self) -> Vec<KeyId> {
        self.loaded().iter().map(|s| s.kid).collect()
    }

    /// Replaces the active set (newest first). An empty set leaves the old one in place,
    /// so that an instance keeps signing with keys it has rather than with none.
    pub fn install(&self, signers: Vec<Signer>) {
        if signers.is_empty() {
            return;
        }
        if let Ok(mut guard) = self.active.write() {
            *guard = Arc::new(signers.into_iter().map(Arc::new).collect());
        }
    }
}
