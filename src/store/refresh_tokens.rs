//! The refresh-token rotation: SPEC "The refresh_token grant, exactly", steps 2 to 7, in
//! one transaction. Order is decided by the generation number the family keeps, never by
//! timestamps.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;

use super::families::{self, insert_token};
use super::schema::{
    clients, refresh_token_families as families_t, refresh_tokens as tokens, users,
};
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError, events, rotate_postgres, transaction};
use crate::domain::{
    ClientId, DomainError, EventKind, FamilyId, NewEvent, RefreshTokenHash, Resource, Scope, UserId,
};

/// One refresh request, after the client authenticated.
pub struct RotationRequest {
    pub presented: RefreshTokenHash,
    pub client_id: ClientId,
    pub replacement: RefreshTokenHash,
    /// The scope asked for, if any: it may narrow the family's, never widen it.
    pub scope: Option<Scope>,
    pub now: DateTime<Utc>,
    pub idle_ttl: TimeDelta,
    pub reuse_grace: TimeDelta,
}

/// What the access token minted for a successful rotation needs to know.
#[derive(Debug, Clone)]
pub struct FamilySnapshot {
    pub id: FamilyId,
    pub user_id: UserId,
    pub client_id: ClientId,
    /// The scope of this access token: the family's, or the narrower one asked for.
    pub scope: Scope,
    pub resource: Option<Resource>,
    pub auth_time: DateTime<Utc>,
}

#[derive(Debug)]
pub enum Rotation {
    /// The presented token is retired and `replacement` is the family's new current one.
    Rotated(FamilySnapshot),
    /// Unknown, expired, revoked, another client's, or a disabled user or client. Nothing
    /// changed.
    Refused(&'static str),
    /// The scope asked for is wider than the family's. Nothing changed.
    ScopeTooWide,
    /// A retired token came back outside the grace: the family is now revoked and the
    /// event recorded, both committed.
    ReuseDetected { family: FamilyId },
}

#[derive(Queryable)]
struct Row {
    generation: i64,
    issued_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    family_id: String,
    family_generation: i64,
    user_id: String,
    client_id: String,
    scope: String,
    resource: Option<String>,
    auth_time: NaiveDateTime,
    idle_expires_at: NaiveDateTime,
    absolute_expires_at: NaiveDateTime,
    revoked: bool,
    user_enabled: bool,
    client_enabled: bool,
}

/// What introspection may say about a refresh token (RFC 7662). Reading it is not a use.
#[derive(Debug, Clone)]
pub struct RefreshTokenState {
    pub family: FamilySnapshot,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Current (not rotated), family not revoked, user and client enabled.
    pub usable: bool,
}

impl Store {
    pub async fn inspect_refresh_token(
        &self,
        presented: RefreshTokenHash,
    ) -> Result<Option<RefreshTokenState>, StoreError> {
        self.run(move |conn| {
            let Some(row) = load(conn, &presented)? else {
                return Ok(None);
            };
            let usable =
                row.used_at.is_none() && !row.revoked && row.user_enabled && row.client_enabled;
            let expires_at = from_db(row.idle_expires_at).min(from_db(row.absolute_expires_at));
            let issued_at = from_db(row.issued_at);
            let scope = parse_scope(&row.scope)?;
            Ok(Some(RefreshTokenState {
                family: snapshot(row, scope)?,
                issued_at,
                expires_at,
                usable,
            }))
        })
        .await
    }

    pub async fn rotate_refresh_token(
        &self,
        request: RotationRequest,
    ) -> Result<Rotation, StoreError> {
        if let Some(queue) = &self.rotations {
            return queue.rotate(request).await;
        }
        self.run(move |conn| {
            if let AnyConnection::Postgresql(pg) = conn
                && request.scope.is_none()
                && let Some(family) = rotate_postgres::rotate_current(
                    pg,
                    &request.presented,
                    request.client_id,
                    &request.replacement,
                    request.now,
                    request.idle_ttl,
                )?
            {
                return Ok(Rotation::Rotated(family));
            }
            transaction::write(conn, |conn| rotate(conn, &request))
        })
        .await
    }
}

/// The full rules, inside the caller's write transaction.
pub(super) fn rotate(
    conn: &mut AnyConnection,
    request: &RotationRequest,
) -> Result<Rotation, StoreError> {
    // Two passes at most: on PostgreSQL a concurrent request can retire the token between
    // our read and our conditional update; the second pass sees what it committed.
    for _ in 0..2 {
        let Some(row) = load(conn, &request.presented)? else {
            return Ok(Rotation::Refused("unknown refresh token"));
        };
        let now = request.now;
        if row.client_id != request.client_id.to_string() {
            return Ok(Rotation::Refused(
                "the refresh token was issued to another client",
            ));
        }
        if row.revoked {
            return Ok(Rotation::Refused("the refresh token has been revoked"));
        }
        if from_db(row.absolute_expires_at) <= now || from_db(row.idle_expires_at) <= now {
            return Ok(Rotation::Refused("the refresh token has expired"));
        }
        if !row.user_enabled {
            return Ok(Rotation::Refused("the user is disabled"));
        }
        if !row.client_enabled {
            return Ok(Rotation::Refused("the client is disabled"));
        }
        let family_scope = parse_scope(&row.scope)?;
        let scope = match &request.scope {
            Some(asked) if !asked.narrows(&family_scope) => return Ok(Rotation::ScopeTooWide),
            Some(asked) => asked.clone(),
            None => family_scope,
        };

        let retired = match row.used_at {
            // The current token: retire it, if nobody did since we read it.
            None => retire_token(conn, &request.presented, now)?,
            Some(used_at) => {
                let previous = row.generation == row.family_generation - 1;
                let within_grace = now - from_db(used_at) <= request.reuse_grace
                    && request.reuse_grace > TimeDelta::zero();
                if !(previous && within_grace) {
                    return reuse_detected(conn, &row, now);
                }
                // A concurrent retry of the immediately previous token (two tabs, a lost
                // response): retire the current token instead, so that the family keeps
                // exactly one live token, and answer with a fresh one.
                retire_current(conn, &row.family_id, row.family_generation, now)?
            }
        };
        if !retired {
            continue;
        }
        let generation = row.family_generation + 1;
        let absolute = from_db(row.absolute_expires_at);
        // Step 7: the sliding idle window, capped by the family's absolute lifetime.
        let idle_expires_at = (now + request.idle_ttl).min(absolute);
        diesel::update(families_t::table.find(&row.family_id))
            .set((
                families_t::generation.eq(generation),
                families_t::last_used_at.eq(to_db(now)),
                families_t::idle_expires_at.eq(to_db(idle_expires_at)),
            ))
            .execute(conn)?;
        insert_token(
            conn,
            &request.replacement,
            &row.family_id,
            generation,
            now,
            idle_expires_at,
        )?;
        return snapshot(row, scope).map(Rotation::Rotated);
    }
    Ok(Rotation::Refused("the refresh token was used concurrently"))
}

fn load(conn: &mut AnyConnection, presented: &RefreshTokenHash) -> Result<Option<Row>, StoreError> {
    Ok(tokens::table
        .inner_join(
            families_t::table
                .inner_join(users::table)
                .inner_join(clients::table),
        )
        .filter(tokens::token_hash.eq(presented.as_str()))
        .select((
            tokens::generation,
            tokens::issued_at,
            tokens::used_at,
            families_t::id,
            families_t::generation,
            families_t::user_id,
            families_t::client_id,
            families_t::scope,
            families_t::resource,
            families_t::auth_time,
            families_t::idle_expires_at,
            families_t::absolute_expires_at,
            families_t::revoked_at.is_not_null(),
            users::enabled,
            clients::enabled,
        ))
        .get_result::<Row>(conn)
        .optional()?)
}

/// Step 6: `... WHERE used_at IS NULL`, so that of two concurrent requests only one
/// retires the token.
fn retire_token(
    conn: &mut AnyConnection,
    presented: &RefreshTokenHash,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tokens::table
            .find(presented.as_str())
            .filter(tokens::used_at.is_null()),
    )
    .set(tokens::used_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

fn retire_current(
    conn: &mut AnyConnection,
    family: &str,
    generation: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tokens::table
            .filter(tokens::family_id.eq(family))
            .filter(tokens::generation.eq(generation))
            .filter(tokens::used_at.is_null()),
    )
    .set(tokens::used_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Step 4: theft. The whole family goes, and the event names family, client and user.
fn reuse_detected(
    conn: &mut AnyConnection,
    row: &Row,
    now: DateTime<Utc>,
) -> Result<Rotation, StoreError> {
    let corrupt = |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
    let family = FamilyId::parse(&row.family_id).map_err(corrupt)?;
    if families::revoke_one(conn, family, "refresh_token_reuse", now)? {
        let event = NewEvent::new(EventKind::RefreshTokenReuseDetected)
            .user(UserId::parse(&row.user_id).map_err(corrupt)?)
            .client(ClientId::parse(&row.client_id).map_err(corrupt)?)
            .family(family)
            .detail(format!(
                "generation {} presented after the family reached generation {}",
                row.generation, row.family_generation
            ));
        events::insert(conn, &event, now)?;
    }
    Ok(Rotation::ReuseDetected { family })
}

fn parse_scope(text: &str) -> Result<Scope, StoreError> {
    Scope::parse(text).map_err(|e| StoreError::Corrupt(format!("refresh token family: {e}")))
}

fn snapshot(row: Row, scope: Scope) -> Result<FamilySnapshot, StoreError> {
    snapshot_of(
        &row.family_id,
        &row.user_id,
        &row.client_id,
        scope,
        row.resource.as_deref(),
        row.auth_time,
    )
}

pub(super) fn snapshot_of(
    family_id: &str,
    user_id: &str,
    client_id: &str,
    scope: Scope,
    resource: Option<&str>,
    auth_time: NaiveDateTime,
) -> Result<FamilySnapshot, StoreError> {
    let corrupt = |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
    Ok(FamilySnapshot {
        id: FamilyId::parse(family_id).map_err(corrupt)?,
        user_id: UserId::parse(user_id).map_err(corrupt)?,
        client_id: ClientId::parse(client_id).map_err(corrupt)?,
        scope,
        resource: resource.map(Resource::parse).transpose().map_err(corrupt)?,
        auth_time: from_db(auth_time),
    })
}
