//! Fills a database with families, half of them expired and half live, so that a load
//! run measures the token endpoint with realistic tables rather than empty ones. Goes
//! through the store's public API; the server may run meanwhile.

use chrono::TimeDelta;
use latchkey::clock::{Clock, SystemClock};
use latchkey::domain::{ClientId, FamilyId, RefreshToken, Scope, UserId};
use latchkey::store::{NewFamily, Store};

const BATCH: usize = 5_000;

/// Families of `user` with `client`, each with one refresh token; every second one already
/// past its idle expiry (the kind `purge` removes). Returns the tokens of the live ones
/// when `keep_tokens` asks for them.
pub async fn families(
    store: &Store,
    user: UserId,
    client: ClientId,
    count: usize,
    keep_tokens: bool,
) -> Result<Vec<RefreshToken>, String> {
    let scope = Scope::parse("read write").map_err(|e| e.to_string())?;
    let mut live_tokens = Vec::new();
    let mut done = 0;
    while done < count {
        let now = SystemClock.now();
        let size = BATCH.min(count - done);
        let mut batch = Vec::with_capacity(size);
        for i in done..done + size {
            let token = RefreshToken::generate();
            let expired = i % 2 == 1;
            let idle_expires_at = if expired {
                now - TimeDelta::hours(1)
            } else {
                now + TimeDelta::days(7)
            };
            batch.push(NewFamily {
                id: FamilyId::generate(),
                user_id: user,
                client_id: client,
                scope: scope.clone(),
                resource: None,
                auth_time: now - TimeDelta::days(1),
                created_at: now - TimeDelta::days(1),
                idle_expires_at,
                absolute_expires_at: now + TimeDelta::days(30),
                first_token: Some(token.hashes()),
                dpop_jkt: None,
            });
            if keep_tokens && !expired {
                live_tokens.push(token);
            }
        }
        store
            .insert_families(batch)
            .await
            .map_err(|e| format!("inserting families: {e}"))?;
        done += size;
    }
    Ok(live_tokens)
}
