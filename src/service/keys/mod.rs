//! Signing-key lifecycle. Keys live in the database so every instance signs with the same
//! ones; a retired key stays published until no token it signed can still be valid.
//! Access tokens are signed with the configured algorithm, ID tokens with the one each
//! client asked for, so there is one active key per algorithm in use.

mod generate;
mod published;
mod signer;

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

pub(super) use published::{PublishedKeys, Verifier};
pub(super) use signer::{JwtType, KeyRing, Signer, jose_alg};

use super::{ServiceError, Services};
use crate::domain::{EventKind, KeyId, NewEvent, SigningAlg, SigningKey};
use crate::store::StoreError;
use generate::generate_key;

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
    /// Makes sure every algorithm in use (the configured one, and each client's ID-token
    /// algorithm) has an active key, retiring the keys of algorithms no longer in use (the
    /// configuration moved on), then loads them for signing.
    pub async fn ensure_signing_key(&self) -> Result<KeyId, ServiceError> {
        let in_use = self.algorithms_in_use().await?;
        let active = self.active_algorithms().await?;
        let stale: Vec<SigningAlg> = active
            .iter()
            .copied()
            .filter(|alg| !in_use.contains(alg))
            .collect();
        let missing: Vec<SigningAlg> = in_use
            .iter()
            .copied()
            .filter(|alg| !active.contains(alg))
            .collect();
        if !stale.is_empty() || !missing.is_empty() {
            self.replace_keys(stale, &missing).await?;
        }
        self.reload_signing_key()
            .await?
            .ok_or_else(|| ServiceError::internal("no active signing key"))
    }

    /// The active key of `alg`: the one this instance loaded, else the one in the
    /// database (a client registered a moment ago on another instance or the CLI), else
    /// one made now, for the first client to ask for its ID tokens to be signed with it.
    pub(super) async fn ensure_key_for(
        &self,
        alg: SigningAlg,
    ) -> Result<Arc<Signer>, ServiceError> {
        if let Some(signer) = self.keys.signer(alg) {
            return Ok(signer);
        }
        self.reload_signing_key().await?;
        if self.keys.signer(alg).is_none() {
            self.replace_keys(vec![], &[alg]).await?;
            self.reload_signing_key().await?;
        }
        self.keys
            .signer(alg)
            .ok_or_else(|| ServiceError::internal(format!("no active {alg} key")))
    }

    /// Loads the active keys if they are not the ones in use, and the published ones for
    /// verifying; returns the id of the key access tokens are signed with. Every instance
    /// calls this every few seconds, so a rotation made anywhere (another instance, the
    /// CLI) is signed with everywhere within `KEY_REFRESH_INTERVAL`.
    pub async fn reload_signing_key(&self) -> Result<Option<KeyId>, ServiceError> {
        let stored = self.store.list_keys().await?;
        let active: Vec<&SigningKey> = stored.iter().filter(|k| k.retired_at.is_none()).collect();
        let mut kids: Vec<KeyId> = active.iter().map(|key| key.id).collect();
        let mut loaded = self.keys.kids();
        kids.sort();
        loaded.sort();
        if kids != loaded {
            let signers = active
                .iter()
                .map(|key| Signer::from_key(key))
                .collect::<Result<Vec<_>, _>>()?;
            for key in &active {
                tracing::info!(kid = %key.id, alg = %key.alg, "signing with key");
            }
            self.keys.install(signers);
        }
        self.published.replace(
            stored
                .iter()
                .filter_map(|key| {
                    let until = key.retired_at.map(|at| self.key_publish_deadline(at));
                    Verifier::of(key, until)
                })
                .collect(),
        );
        Ok(self
            .keys
            .access_signer(self.policy.signing_alg)
            .map(|signer| signer.kid()))
    }

    /// The published key `kid` names, looking in the database once when this instance
    /// does not know it (a key made a moment ago elsewhere).
    pub(super) async fn verifier(&self, kid: &str) -> Result<Option<Arc<Verifier>>, ServiceError> {
        let now = self.clock.now();
        if let Some(found) = self.published.find(kid, now) {
            return Ok(Some(found));
        }
        self.reload_signing_key().await?;
        Ok(self.published.find(kid, now))
    }

    /// Replaces every active key with a new one of the same algorithm, and makes sure the
    /// configured algorithm and the clients' ID-token algorithms have one. Returns the new
    /// keys.
    pub async fn rotate_signing_key(&self) -> Result<Vec<(KeyId, SigningAlg)>, ServiceError> {
        let in_use = self.algorithms_in_use().await?;
        let active = self.active_algorithms().await?;
        self.replace_keys(active, &in_use).await
    }

    async fn active_algorithms(&self) -> Result<Vec<SigningAlg>, ServiceError> {
        let keys = self.store.active_keys().await?;
        Ok(keys.iter().map(|key| key.alg).collect())
    }

    /// The configured algorithm first, then each one a client names for its ID tokens.
    async fn algorithms_in_use(&self) -> Result<Vec<SigningAlg>, ServiceError> {
        let mut algs = vec![self.policy.signing_alg];
        for alg in self.store.client_id_token_algs().await? {
            if !algs.contains(&alg) {
                algs.push(alg);
            }
        }
        Ok(algs)
    }

    /// Retires the active keys of `retire` and makes a new key active for each of `new`,
    /// in one transaction: there is never a moment without an active key for an algorithm
    /// in use, nor two for one. Another instance doing the same at once wins or loses as
    /// a whole; its keys are as good as ours.
    async fn replace_keys(
        &self,
        retire: Vec<SigningAlg>,
        new: &[SigningAlg],
    ) -> Result<Vec<(KeyId, SigningAlg)>, ServiceError> {
        let now = self.clock.now();
        let keys = new
            .iter()
            .map(|alg| generate_key(*alg, now))
            .collect::<Result<Vec<_>, _>>()?;
        let made: Vec<(KeyId, SigningAlg)> = keys.iter().map(|key| (key.id, key.alg)).collect();
        let detail = made
            .iter()
            .map(|(id, alg)| format!("new {alg} key {id}"))
            .collect::<Vec<_>>()
            .join(", ");
        let event = NewEvent::new(EventKind::SigningKeyRotated).detail(detail);
        match self.store.replace_keys(retire, keys, now, event).await {
            Ok(()) | Err(StoreError::Conflict) => Ok(made),
            Err(other) => Err(other.into()),
        }
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
    /// interval later, and that token lives one access-token or ID-token lifetime,
    /// whichever is longer: some relying parties (Kubernetes, for one) keep verifying an
    /// ID token until it expires.
    pub(super) fn key_publish_deadline(&self, retired: DateTime<Utc>) -> DateTime<Utc> {
        let lifetime = self
            .policy
            .access_token_ttl
            .as_delta()
            .max(self.policy.id_token_ttl.as_delta());
        retired + KEY_REFRESH_INTERVAL + lifetime
    }
}
