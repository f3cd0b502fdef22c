//! The common case of a rotation on PostgreSQL in one statement, one round trip instead
//! of six (BEGIN, read, retire, family, insert, COMMIT). It only ever succeeds for the
//! family's current token when every rule of SPEC step 5 holds; anything else (unknown,
//! expired, revoked, reuse, the grace, a narrower scope) returns no row, changes nothing
//! that matters, and the caller runs the full rules in `refresh_tokens::rotate`.
//!
//! Under concurrency the statement keeps the guarantee of the conditional update: the
//! `UPDATE ... WHERE used_at IS NULL` re-checks the row after waiting for a concurrent
//! writer's lock, so of two requests with one token only one retires it. If a revocation
//! lands between the read and the family update, the token is retired in a family that is
//! already dead, no new token is issued, and the full rules then report the revocation.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use super::StoreError;
use super::refresh_tokens::{FamilySnapshot, snapshot_of};
use super::time::to_db;
use crate::domain::{ClientId, RefreshTokenHash, Scope};

const ROTATE: &str = "
WITH current AS (
    SELECT t.token_hash, t.generation, f.id AS family_id, f.absolute_expires_at
    FROM refresh_tokens t
    JOIN refresh_token_families f ON f.id = t.family_id
    JOIN users u ON u.id = f.user_id
    JOIN clients c ON c.id = f.client_id
    WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.generation = f.generation
      AND f.client_id = $2 AND f.revoked_at IS NULL
      AND f.idle_expires_at > $3 AND f.absolute_expires_at > $3
      AND u.enabled AND c.enabled
),
retired AS (
    UPDATE refresh_tokens t SET used_at = $3
    FROM current
    WHERE t.token_hash = current.token_hash AND t.used_at IS NULL
    RETURNING current.family_id, current.generation, current.absolute_expires_at
),
family AS (
    UPDATE refresh_token_families f
    SET generation = retired.generation + 1,
        last_used_at = $3,
        idle_expires_at = LEAST($4, retired.absolute_expires_at)
    FROM retired
    WHERE f.id = retired.family_id AND f.generation = retired.generation
      AND f.revoked_at IS NULL
    RETURNING f.id, f.user_id, f.client_id, f.scope, f.resource, f.auth_time,
              f.generation, f.idle_expires_at
),
inserted AS (
    INSERT INTO refresh_tokens (token_hash, family_id, generation, issued_at, idle_expires_at)
    SELECT $5, family.id, family.generation, $3, family.idle_expires_at FROM family
    RETURNING family_id
)
SELECT family.id, family.user_id, family.client_id, family.scope, family.resource,
       family.auth_time
FROM family JOIN inserted ON inserted.family_id = family.id";

#[derive(QueryableByName)]
struct Rotated {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    user_id: String,
    #[diesel(sql_type = Text)]
    client_id: String,
    #[diesel(sql_type = Text)]
    scope: String,
    #[diesel(sql_type = Nullable<Text>)]
    resource: Option<String>,
    #[diesel(sql_type = Timestamp)]
    auth_time: NaiveDateTime,
}

/// The presented token's rotation to `replacement` if it is the current token of a live
/// family of this client; `None` when the full rules must decide.
pub(super) fn rotate_current(
    conn: &mut PgConnection,
    presented: &RefreshTokenHash,
    client_id: ClientId,
    replacement: &RefreshTokenHash,
    now: DateTime<Utc>,
    idle_ttl: TimeDelta,
) -> Result<Option<FamilySnapshot>, StoreError> {
    let rotated = diesel::sql_query(ROTATE)
        .bind::<Text, _>(presented.as_str())
        .bind::<Text, _>(client_id.to_string())
        .bind::<Timestamp, _>(to_db(now))
        .bind::<Timestamp, _>(to_db(now + idle_ttl))
        .bind::<Text, _>(replacement.as_str())
        .get_result::<Rotated>(conn)
        .optional()?;
    rotated
        .map(|row| {
            let scope = Scope::parse(&row.scope)
                .map_err(|e| StoreError::Corrupt(format!("refresh token family: {e}")))?;
            snapshot_of(
                &row.id,
                &row.user_id,
                &row.client_id,
                scope,
                row.resource.as_deref(),
                row.auth_time,
            )
        })
        .transpose()
}
