//! The rules: the OAuth grants and endpoints, accounts, clients, signing keys, maintenance.
//! No HTTP types, no SQL: the store does the storing, the edge does the talking.

mod access_token;
mod account;
mod accounts;
mod authorize;
mod clients;
mod error;
mod events;
mod grants;
mod id_token;
mod introspect;
mod keys;
mod logout;
mod maintenance;
mod passwords;
mod profile;
mod revoke;
mod sessions;
mod userinfo;
mod verifier;

use std::sync::Arc;

pub use account::AccountOverview;
pub use accounts::FirstAdmin;
pub use authorize::{
    AuthorizationRequest, AuthorizeError, AuthorizeStep, CheckedAuthorization, NOT_THIS_RESOURCE,
    Requested, Target, Unredirectable,
};
pub use clients::{ClientRegistration, RegisteredClient};
pub use error::ServiceError;
pub use events::{EVENTS_PER_PAGE, EventsPage};
pub use grants::{TokenRequest, TokenResponse};
pub use introspect::ActiveToken;
pub use keys::{KEY_REFRESH_INTERVAL, KeyState, KeySummary};
pub use logout::{LogoutRequest, LogoutStep};
pub use profile::Profile;
pub use sessions::{LoginOutcome, Origin};
pub use userinfo::UserInfo;

use crate::clock::Clock;
use crate::domain::{SigningAlg, Ttl};
use crate::metrics::Metrics;
use crate::store::Store;
use keys::{KeyRing, PublishedKeys};

/// The lifetimes and choices the rules depend on, read once from configuration.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub access_token_ttl: Ttl,
    pub refresh_idle_ttl: Ttl,
    pub refresh_absolute_ttl: Ttl,
    pub refresh_reuse_grace: Ttl,
    pub auth_code_ttl: Ttl,
    pub session_ttl: Ttl,
    pub signing_alg: SigningAlg,
    pub id_token_ttl: Ttl,
    /// Lifetime of a pushed authorization request's `request_uri` (RFC 9126).
    pub par_ttl: Ttl,
    /// Every client must push its authorization requests (RFC 9126 section 6).
    pub require_par: bool,
}

/// Everything the HTTP handlers and the CLI call. Cheap to clone: a pool handle, a clock
/// handle and a few numbers.
#[derive(Clone)]
pub struct Services {
    store: Store,
    clock: Arc<dyn Clock>,
    policy: Policy,
    keys: Arc<KeyRing>,
    published: Arc<PublishedKeys>,
    metrics: Arc<Metrics>,
}

impl Services {
    pub fn new(store: Store, clock: Arc<dyn Clock>, policy: Policy) -> Self {
        Self {
            store,
            clock,
            policy,
            keys: Arc::new(KeyRing::default()),
            published: Arc::new(PublishedKeys::default()),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The counters `/metrics` shows, shared with the HTTP layer.
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}
