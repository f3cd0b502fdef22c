//! The app's sessions, in memory: a pending login (state and PKCE verifier) and the
//! tokens. The refresh happens under the session's token lock, so that however many
//! requests of one session find the access token expired at once, exactly one refresh
//! goes to Latchkey and the others wait for its result: a second refresh with the same
//! (now spent) refresh token would be taken for theft and end the session.
//!
//! A real deployment keeps sessions in its own store (a database, Redis), encrypted at
//! rest, since the refresh token is worth stealing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::oauth::{GrantError, OAuth, Tokens, random_token};

/// Refresh this long before the access token expires, so that a request never carries a
/// token that expires on its way to the API.
const REFRESH_MARGIN_SECONDS: i64 = 30;
/// Sessions unused for longer are forgotten: past Latchkey's 7-day idle window their
/// refresh token is dead anyway.
const IDLE_SECONDS: i64 = 8 * 24 * 3600;

#[derive(Clone)]
pub struct Pending {
    pub state: String,
    pub verifier: String,
}

#[derive(Default)]
pub struct Session {
    pending: Mutex<Option<Pending>>,
    tokens: tokio::sync::Mutex<Option<Tokens>>,
    last_seen: AtomicI64,
}

#[derive(Default)]
pub struct Sessions {
    by_id: Mutex<HashMap<String, Arc<Session>>>,
}

impl Sessions {
    pub fn create(
        &self,
        now: i64,
    ) -> Result<(String, Arc<Session>), aws_lc_rs::error::Unspecified> {
        let id = random_token()?;
        let session = Arc::new(Session::default());
        session.last_seen.store(now, Ordering::Relaxed);
        let mut by_id = self.by_id.lock().unwrap_or_else(PoisonError::into_inner);
        by_id.retain(|_, s| now - s.last_seen.load(Ordering::Relaxed) < IDLE_SECONDS);
        by_id.insert(id.clone(), Arc::clone(&session));
        Ok((id, session))
    }

    pub fn get(&self, id: &str, now: i64) -> Option<Arc<Session>> {
        let session = self
            .by_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()?;
        session.last_seen.store(now, Ordering::Relaxed);
        Some(session)
    }

    pub fn remove(&self, id: &str) -> Option<Arc<Session>> {
        self.by_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id)
    }
}

impl Session {
    pub fn begin_login(&self, pending: Pending) {
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) = Some(pending);
    }

    /// The pending login, once: a replayed callback finds none.
    pub fn take_pending(&self) -> Option<Pending> {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    pub async fn set_tokens(&self, tokens: Tokens) {
        *self.tokens.lock().await = Some(tokens);
    }

    pub async fn signed_in(&self) -> bool {
        self.tokens.lock().await.is_some()
    }

    pub async fn take_tokens(&self) -> Option<Tokens> {
        self.tokens.lock().await.take()
    }

    /// An access token good for the next request: the current one, or a fresh one when
    /// it is about to expire.
    pub async fn access_token(&self, oauth: &OAuth) -> Result<String, GrantError> {
        let mut tokens = self.tokens.lock().await;
        let current = tokens.as_ref().ok_or(GrantError::LoginAgain)?;
        if current.expires_at - REFRESH_MARGIN_SECONDS > oauth.now() {
            return Ok(current.access.clone());
        }
        refresh(&mut tokens, oauth).await
    }

    /// After the API refused `rejected` as `invalid_token`: refresh, unless a concurrent
    /// request of this session already did (then its new token is the answer).
    pub async fn access_token_after_rejection(
        &self,
        oauth: &OAuth,
        rejected: &str,
    ) -> Result<String, GrantError> {
        let mut tokens = self.tokens.lock().await;
        let current = tokens.as_ref().ok_or(GrantError::LoginAgain)?;
        if current.access != rejected {
            return Ok(current.access.clone());
        }
        refresh(&mut tokens, oauth).await
    }
}

/// Called with the session's token lock held.
async fn refresh(tokens: &mut Option<Tokens>, oauth: &OAuth) -> Result<String, GrantError> {
    let Some(refresh_token) = tokens.as_ref().and_then(|t| t.refresh.clone()) else {
        *tokens = None;
        return Err(GrantError::LoginAgain);
    };
    match oauth.refresh(&refresh_token).await {
        Ok(mut fresh) => {
            // RFC 6749 section 6: no new refresh token means keep using the old one.
            fresh.refresh.get_or_insert(refresh_token);
            let access = fresh.access.clone();
            *tokens = Some(fresh);
            Ok(access)
        }
        Err(GrantError::LoginAgain) => {
            *tokens = None;
            Err(GrantError::LoginAgain)
        }
        // Keep the tokens: the next request tries again with the same refresh token.
        Err(other) => Err(other),
    }
}
