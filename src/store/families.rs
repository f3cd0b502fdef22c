use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{clients, refresh_token_families as families};
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError, events};
use crate::domain::{
    ClientId, DomainError, FamilyId, NewEvent, Resource, RevocationReason, Scope,
    StoredRefreshToken, Thumbprint, UserId,
};

/// A family about to start, with its first refresh token (none when the client may not
/// refresh: the family then only anchors the access token's `sid`).
pub struct NewFamily {
    pub id: FamilyId,
    pub user_id: UserId,
    pub client_id: ClientId,
    pub scope: Scope,
    pub resource: Option<Resource>,
    pub auth_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub first_token: Option<StoredRefreshToken>,
    /// A public client's DPoP key, which every refresh of the family must prove.
    pub dpop_jkt: Option<Thumbprint>,
}

/// The first generation is 1; each rotation adds one.
const FIRST_GENERATION: i64 = 1;

pub(super) fn insert(conn: &mut AnyConnection, family: &NewFamily) -> Result<(), StoreError> {
    let id = family.id.to_string();
    diesel::insert_into(families::table)
        .values((
            families::id.eq(&id),
            families::user_id.eq(family.user_id.to_string()),
            families::client_id.eq(family.client_id.to_string()),
            families::scope.eq(family.scope.to_string()),
            families::resource.eq(family.resource.as_ref().map(Resource::as_str)),
            families::auth_time.eq(to_db(family.auth_time)),
            families::created_at.eq(to_db(family.created_at)),
            families::last_used_at.eq(to_db(family.created_at)),
            families::idle_expires_at.eq(to_db(family.idle_expires_at)),
            families::absolute_expires_at.eq(to_db(family.absolute_expires_at)),
            families::generation.eq(FIRST_GENERATION),
            families::handle_hash.eq(family.first_token.as_ref().map(|t| t.handle.as_str())),
            families::current_hash.eq(family.first_token.as_ref().map(|t| t.token.as_str())),
            families::dpop_jkt.eq(family.dpop_jkt.as_ref().map(Thumbprint::as_str)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes one family; false when it was already revoked (or does not exist).
pub(super) fn revoke_one(
    conn: &mut AnyConnection,
    family: FamilyId,
    reason: RevocationReason,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        families::table
            .find(family.to_string())
            .filter(families::revoked_at.is_null()),
    )
    .set((
        families::revoked_at.eq(to_db(now)),
        families::revoked_reason.eq(reason.as_str()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Whose families to revoke.
pub(super) enum Owner {
    User(UserId),
    Client(ClientId),
}

/// Marks every live family of a user or a client revoked. Their refresh tokens then fail
/// and their access tokens introspect as inactive. A family already revoked keeps its
/// first reason.
pub(super) fn revoke_all(
    conn: &mut AnyConnection,
    owner: Owner,
    reason: RevocationReason,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let live = families::table.filter(families::revoked_at.is_null());
    let revoked = (
        families::revoked_at.eq(to_db(now)),
        families::revoked_reason.eq(reason.as_str()),
    );
    let count = match owner {
        Owner::User(id) => diesel::update(live.filter(families::user_id.eq(id.to_string())))
            .set(revoked)
            .execute(conn)?,
        Owner::Client(id) => diesel::update(live.filter(families::client_id.eq(id.to_string())))
            .set(revoked)
            .execute(conn)?,
    };
    Ok(count)
}

/// One app a user has authorized: a live family, as the account page lists it.
#[derive(Debug, Clone)]
pub struct AuthorizedApp {
    pub family: FamilyId,
    pub client_name: String,
    pub scope: Scope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Whose family it is and whether it still lives, for revocation and introspection.
#[derive(Debug, Clone, Copy)]
pub struct FamilyStatus {
    pub client_id: ClientId,
    pub user_id: UserId,
    pub revoked: bool,
}

impl Store {
    /// Starts many families in one transaction. For stocking a database at scale (the
    /// load benchmark); the protocol starts families one at a time as codes are redeemed.
    pub async fn insert_families(&self, batch: Vec<NewFamily>) -> Result<(), StoreError> {
        self.write(move |conn| batch.iter().try_for_each(|family| insert(conn, family)))
            .await
    }

    pub async fn authorized_apps(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Vec<AuthorizedApp>, StoreError> {
        self.run(move |conn| {
            let now = to_db(now);
            let rows: Vec<(String, String, String, _, _, _, _)> = families::table
                .inner_join(clients::table)
                .filter(families::user_id.eq(user.to_string()))
                .filter(families::revoked_at.is_null())
                .filter(families::idle_expires_at.gt(now))
                .filter(families::absolute_expires_at.gt(now))
                .order(families::last_used_at.desc())
                .select((
                    families::id,
                    clients::name,
                    families::scope,
                    families::created_at,
                    families::last_used_at,
                    families::idle_expires_at,
                    families::absolute_expires_at,
                ))
                .load(conn)?;
            let corrupt =
                |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
            rows.into_iter()
                .map(|(id, client_name, scope, created, used, idle, absolute)| {
                    Ok(AuthorizedApp {
                        family: FamilyId::parse(&id).map_err(corrupt)?,
                        client_name,
                        scope: Scope::parse(&scope).map_err(corrupt)?,
                        created_at: from_db(created),
                        last_used_at: from_db(used),
                        expires_at: from_db(idle).min(from_db(absolute)),
                    })
                })
                .collect()
        })
        .await
    }

    pub async fn family_status(
        &self,
        family: FamilyId,
    ) -> Result<Option<FamilyStatus>, StoreError> {
        self.run(move |conn| {
            let row: Option<(String, String, bool)> = families::table
                .find(family.to_string())
                .select((
                    families::client_id,
                    families::user_id,
                    families::revoked_at.is_not_null(),
                ))
                .get_result(conn)
                .optional()?;
            let corrupt =
                |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
            row.map(|(client, user, revoked)| {
                Ok(FamilyStatus {
                    client_id: ClientId::parse(&client).map_err(corrupt)?,
                    user_id: UserId::parse(&user).map_err(corrupt)?,
                    revoked,
                })
            })
            .transpose()
        })
        .await
    }

    /// Revokes one family with the event that says why; false when it was not live.
    pub async fn revoke_family(
        &self,
        family: FamilyId,
        reason: RevocationReason,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let revoked = revoke_one(conn, family, reason, now)?;
            if revoked {
                events::insert(conn, &event.family(family), now)?;
            }
            Ok(revoked)
        })
        .await
    }
}
