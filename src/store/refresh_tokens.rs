//! Refresh-token families as the rotation reads and writes them. The rules that decide a
//! refresh live in `service::grants::refresh_token`; here a family is loaded as it is
//! stored, and a decided rotation is applied with a conditional update that reports a
//! lost race instead of overwriting a concurrent one (SPEC step 6).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{
    clients, legacy_refresh_tokens as legacy, refresh_token_families as families, users,
};
use super::time::from_db;
use super::{AnyConnection, Store, StoreError, clients as client_rows};
use crate::domain::{
    Client, ClientId, DomainError, FamilyHandleHash, FamilyId, FamilyLookup, RefreshTokenHash,
    Resource, Scope, UserId,
};

/// A family as stored, with what the rotation rules need to know of its user and client.
#[derive(Debug, Clone)]
pub struct StoredFamily {
    pub id: FamilyId,
    pub user_id: UserId,
    pub client_id: ClientId,
    pub scope: Scope,
    pub resource: Option<Resource>,
    pub auth_time: DateTime<Utc>,
    /// How many tokens the family has issued; the current one is this generation.
    pub generation: i64,
    /// `None` once the current token was spent in a family that was revoked meanwhile,
    /// and for a family whose client does not refresh.
    pub current: Option<RefreshTokenHash>,
    pub previous: Option<RefreshTokenHash>,
    /// When the current token was issued, which is when the previous one was retired.
    pub rotated_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked: bool,
    /// Families from before handles get theirs at their first rotation.
    pub has_handle: bool,
    pub user_enabled: bool,
    pub client_enabled: bool,
}

/// A rotation the rules decided: the family's current token becomes its previous one and
/// `token` its current, if the family is still at `expected_generation` and not revoked.
#[derive(Debug)]
pub struct RotationWrite {
    pub family: FamilyId,
    pub expected_generation: i64,
    pub token: RefreshTokenHash,
    /// The family's new handle, for a family from before handles.
    pub handle: Option<FamilyHandleHash>,
    pub now: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
}

/// Whether a [`RotationWrite`] took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Rotated,
    /// Another request rotated or revoked the family since it was loaded: nothing
    /// changed, and the caller decides again on what is stored now.
    LostRace,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = families)]
struct FamilyRow {
    id: String,
    user_id: String,
    client_id: String,
    scope: String,
    resource: Option<String>,
    auth_time: NaiveDateTime,
    generation: i64,
    current_hash: Option<String>,
    previous_hash: Option<String>,
    last_used_at: NaiveDateTime,
    idle_expires_at: NaiveDateTime,
    absolute_expires_at: NaiveDateTime,
    #[diesel(select_expression = families::revoked_at.is_not_null())]
    revoked: bool,
    #[diesel(select_expression = families::handle_hash.is_not_null())]
    has_handle: bool,
    #[diesel(select_expression = users::enabled)]
    user_enabled: bool,
    #[diesel(select_expression = clients::enabled)]
    client_enabled: bool,
}

impl Store {
    /// The family a presented token names, if any. Reading it is not a use.
    pub async fn find_family(
        &self,
        lookup: FamilyLookup,
    ) -> Result<Option<StoredFamily>, StoreError> {
        self.run(move |conn| load(conn, &lookup)).await
    }

    /// What a refresh needs, in one trip to the database: the client that asks and the
    /// family the token names.
    pub async fn load_refresh(
        &self,
        client: ClientId,
        lookup: FamilyLookup,
    ) -> Result<(Option<Client>, Option<StoredFamily>), StoreError> {
        self.run(move |conn| Ok((client_rows::find(conn, client)?, load(conn, &lookup)?)))
            .await
    }

    /// Applies a decided rotation. Rotations are committed in batches by one writer (see
    /// `rotation_writer`); the answer comes once the batch holding this one committed.
    pub async fn apply_rotation(&self, write: RotationWrite) -> Result<Applied, StoreError> {
        self.rotations.apply(write).await
    }
}

fn load(
    conn: &mut AnyConnection,
    lookup: &FamilyLookup,
) -> Result<Option<StoredFamily>, StoreError> {
    let family = families::table
        .inner_join(users::table)
        .inner_join(clients::table)
        .select(FamilyRow::as_select());
    let row = match lookup {
        FamilyLookup::Handle(handle) => family
            .filter(families::handle_hash.eq(handle.as_str()))
            .get_result(conn)
            .optional()?,
        FamilyLookup::Legacy(token) => {
            let id: Option<String> = legacy::table
                .find(token.as_str())
                .select(legacy::family_id)
                .get_result(conn)
                .optional()?;
            match id {
                Some(id) => family
                    .filter(families::id.eq(id))
                    .get_result(conn)
                    .optional()?,
                None => None,
            }
        }
    };
    row.map(FamilyRow::into_family).transpose()
}

impl FamilyRow {
    fn into_family(self) -> Result<StoredFamily, StoreError> {
        let corrupt = |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
        Ok(StoredFamily {
            id: FamilyId::parse(&self.id).map_err(corrupt)?,
            user_id: UserId::parse(&self.user_id).map_err(corrupt)?,
            client_id: ClientId::parse(&self.client_id).map_err(corrupt)?,
            scope: Scope::parse(&self.scope).map_err(corrupt)?,
            resource: self
                .resource
                .as_deref()
                .map(Resource::parse)
                .transpose()
                .map_err(corrupt)?,
            auth_time: from_db(self.auth_time),
            generation: self.generation,
            current: self.current_hash.map(RefreshTokenHash::from_stored),
            previous: self.previous_hash.map(RefreshTokenHash::from_stored),
            rotated_at: from_db(self.last_used_at),
            idle_expires_at: from_db(self.idle_expires_at),
            absolute_expires_at: from_db(self.absolute_expires_at),
            revoked: self.revoked,
            has_handle: self.has_handle,
            user_enabled: self.user_enabled,
            client_enabled: self.client_enabled,
        })
    }
}
