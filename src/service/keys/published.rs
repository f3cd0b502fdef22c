//! The public keys this instance verifies our own JWTs with (introspection, `/userinfo`,
//! logout hints), held in memory beside the signers and refreshed with them: reading
//! them from the database for every token cost a round trip per request.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::Jwk;

use crate::domain::{SigningAlg, SigningKey};

/// One published key, ready to check a signature.
pub struct Verifier {
    pub kid: String,
    pub alg: SigningAlg,
    pub key: DecodingKey,
    /// `None` while active; a retired key verifies until then.
    until: Option<DateTime<Utc>>,
}

impl Verifier {
    /// The key's public half, published until `until` (`None`: active). `None` for a
    /// stored JWK that does not parse, which then verifies nothing.
    pub fn of(key: &SigningKey, until: Option<DateTime<Utc>>) -> Option<Self> {
        let jwk: Jwk = serde_json::from_str(&key.public_jwk).ok()?;
        Some(Self {
            kid: key.id.to_string(),
            alg: key.alg,
            key: DecodingKey::from_jwk(&jwk).ok()?,
            until,
        })
    }
}

#[derive(Default)]
pub struct PublishedKeys {
    keys: RwLock<Arc<Vec<Arc<Verifier>>>>,
}

impl PublishedKeys {
    /// The key named `kid`, if it is still published at `now`.
    pub fn find(&self, kid: &str, now: DateTime<Utc>) -> Option<Arc<Verifier>> {
        let keys = self.keys.read().map(|g| g.clone()).unwrap_or_default();
        keys.iter()
            .find(|v| v.kid == kid && v.until.is_none_or(|until| until > now))
            .cloned()
    }

    pub fn replace(&self, verifiers: Vec<Verifier>) {
        if let Ok(mut guard) = self.keys.write() {
            *guard = Arc::new(verifiers.into_iter().map(Arc::new).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::super::generate::generate_key;
    use super::*;
    use crate::clock::{Clock, SystemClock};

    #[test]
    fn a_retired_key_verifies_until_its_deadline_only() {
        let now = SystemClock.now();
        let active = generate_key(SigningAlg::Es256, now).unwrap();
        let retired = generate_key(SigningAlg::EdDsa, now).unwrap();
        let until = now + TimeDelta::minutes(15);
        let published = PublishedKeys::default();
        published.replace(vec![
            Verifier::of(&active, None).unwrap(),
            Verifier::of(&retired, Some(until)).unwrap(),
        ]);
        let later = until + TimeDelta::days(365);
        assert!(published.find(&active.id.to_string(), later).is_some());
        let retired_kid = retired.id.to_string();
        assert!(published.find(&retired_kid, now).is_some());
        assert!(published.find(&retired_kid, until).is_none());
        assert!(published.find("no-such-kid", now).is_none());
    }
}
