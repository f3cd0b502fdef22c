//! Latchkey's public keys, fetched from `jwks_uri` and kept. A token signed by a key we
//! have not seen makes us fetch the set again (Latchkey rotated its key), but at most once
//! per `MIN_REFETCH`: otherwise anyone could make us hammer the authorization server by
//! sending tokens with made-up `kid`s.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};

const MIN_REFETCH: Duration = Duration::from_secs(30);

pub struct PublicKey {
    pub key: DecodingKey,
    /// The key's own `alg`: a token's header may not choose another one.
    pub alg: Algorithm,
}

pub enum Lookup {
    Found(Arc<PublicKey>),
    Unknown,
    /// The key set could not be fetched: our problem, not the token's.
    Unavailable(String),
}

pub struct KeySet {
    http: reqwest::Client,
    jwks_uri: String,
    keys: RwLock<HashMap<String, Arc<PublicKey>>>,
    /// When the set was last fetched because of an unknown `kid`; held while fetching,
    /// so that a burst of such tokens makes one request.
    last_refetch: tokio::sync::Mutex<Option<Instant>>,
}

impl KeySet {
    pub async fn load(http: reqwest::Client, jwks_uri: String) -> Result<KeySet, String> {
        let keys = fetch(&http, &jwks_uri).await?;
        Ok(KeySet {
            http,
            jwks_uri,
            keys: RwLock::new(keys),
            last_refetch: tokio::sync::Mutex::new(None),
        })
    }

    pub async fn get(&self, kid: &str) -> Lookup {
        if let Some(key) = self.cached(kid) {
            return Lookup::Found(key);
        }
        let mut last = self.last_refetch.lock().await;
        // Another request may have fetched the new set while this one waited.
        if let Some(key) = self.cached(kid) {
            return Lookup::Found(key);
        }
        if last.is_some_and(|at| at.elapsed() < MIN_REFETCH) {
            return Lookup::Unknown;
        }
        *last = Some(Instant::now());
        match fetch(&self.http, &self.jwks_uri).await {
            Ok(fresh) => {
                *self.keys.write().unwrap_or_else(PoisonError::into_inner) = fresh;
                self.cached(kid).map_or(Lookup::Unknown, Lookup::Found)
            }
            Err(reason) => Lookup::Unavailable(reason),
        }
    }

    fn cached(&self, kid: &str) -> Option<Arc<PublicKey>> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kid)
            .cloned()
    }
}

/// The usable signing keys of the set, by `kid`. Keys without a `kid` or an `alg`, or of
/// a kind we do not know, are skipped rather than guessed at.
async fn fetch(
    http: &reqwest::Client,
    jwks_uri: &str,
) -> Result<HashMap<String, Arc<PublicKey>>, String> {
    let set: JwkSet = super::fetch_json(http.get(jwks_uri)).await?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let (Some(kid), Some(alg)) = (&jwk.common.key_id, jwk.common.key_algorithm) else {
            continue;
        };
        let (Ok(alg), Ok(key)) = (Algorithm::try_from(alg), DecodingKey::from_jwk(jwk)) else {
            continue;
        };
        keys.insert(kid.clone(), Arc::new(PublicKey { key, alg }));
    }
    Ok(keys)
}
