//! Refresh-token families as the rotation reads and writes them. The rules that decide a
//! refresh live in `service::grants::refresh_token`; here a family is loaded as it is
//! stored, and a decided rotation is applied with a conditional update that reports a
//! lost race instead of overwriting a concurrent one (SPEC step 6).

use chrono::{DateTime, Utc};
use diesel::RunQueryDsl;

use super::openid::{OpenIdSubject, id_token_alg};
use super::refresh_sql::{LoadRefresh, LoadedRow};
use super::time::from_db;
use super::users::{display_name_column, email_column};
use super::{AnyConnection, Store, StoreError, clients as client_rows};
use crate::domain::{
    Claimant, ClientId, ClientKind, DomainError, FamilyHandleHash, FamilyId, FamilyLookup,
    GrantTypes, RefreshTokenHash, Resource, Scope, Thumbprint, UserId, Username,
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
    /// The DPoP key a public client's family is bound to (RFC 9449 section 5).
    pub dpop_jkt: Option<Thumbprint>,
    pub user_enabled: bool,
    pub client_enabled: bool,
    /// For a family whose scope holds `openid`: what its ID tokens say of the user.
    pub openid: Option<OpenIdSubject>,
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

/// What a refresh needs of the client that asks.
#[derive(Debug, Clone)]
pub struct RefreshingClient {
    pub id: ClientId,
    pub kind: ClientKind,
    pub grant_types: GrantTypes,
    pub require_dpop: bool,
}

impl Store {
    /// The family a presented token names, if any. Reading it is not a use.
    pub async fn find_family(
        &self,
        lookup: FamilyLookup,
    ) -> Result<Option<StoredFamily>, StoreError> {
        self.run(move |conn| Ok(load(conn, LoadRefresh::new(None, lookup))?.1))
            .await
    }

    /// What a refresh needs, in one statement: the client that asks and the family the
    /// token names.
    pub async fn load_refresh(
        &self,
        client: ClientId,
        lookup: FamilyLookup,
    ) -> Result<(Option<RefreshingClient>, Option<StoredFamily>), StoreError> {
        self.run(move |conn| load(conn, LoadRefresh::new(Some(client), lookup)))
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
    query: LoadRefresh,
) -> Result<(Option<RefreshingClient>, Option<StoredFamily>), StoreError> {
    let row = match conn {
        AnyConnection::Sqlite(conn) => query.get_result::<LoadedRow>(conn)?,
        AnyConnection::Postgresql(conn) => query.get_result::<LoadedRow>(conn)?,
    };
    Ok((client_of(&row)?, family_of(row)?))
}

fn client_of(row: &LoadedRow) -> Result<Option<RefreshingClient>, StoreError> {
    let Some(id) = &row.c_id else {
        return Ok(None);
    };
    let corrupt = |e: DomainError| StoreError::Corrupt(format!("client {id}: {e}"));
    let kind = client_rows::kind_of(
        id,
        needed(row.c_is_public, "is_public")?,
        row.c_secret_hash.clone(),
    )?;
    Ok(Some(RefreshingClient {
        id: ClientId::parse(id).map_err(corrupt)?,
        kind,
        grant_types: GrantTypes::parse(row.c_grant_types.as_deref().unwrap_or_default())
            .map_err(corrupt)?,
        require_dpop: row.c_require_dpop.unwrap_or(false),
    }))
}

fn family_of(row: LoadedRow) -> Result<Option<StoredFamily>, StoreError> {
    let Some(id) = row.f_id else {
        return Ok(None);
    };
    let corrupt = |e: DomainError| StoreError::Corrupt(format!("refresh token family: {e}"));
    let user_id = UserId::parse(&needed(row.f_user_id, "user_id")?).map_err(corrupt)?;
    let client_id = ClientId::parse(&needed(row.f_client_id, "client_id")?).map_err(corrupt)?;
    let scope = Scope::parse(&needed(row.f_scope, "scope")?).map_err(corrupt)?;
    let openid = match (&row.u_username, scope.is_openid()) {
        (Some(username), true) => Some(OpenIdSubject {
            claimant: Claimant {
                id: user_id,
                username: Username::parse(username).map_err(corrupt)?,
                display_name: display_name_column(row.u_display_name.as_deref())
                    .map_err(corrupt)?,
                email: email_column(row.u_email.as_deref()).map_err(corrupt)?,
                email_verified: row.u_email_verified.unwrap_or(false),
            },
            id_token_alg: id_token_alg(client_id, row.fc_id_token_alg.as_deref())?,
        }),
        _ => None,
    };
    Ok(Some(StoredFamily {
        id: FamilyId::parse(&id).map_err(corrupt)?,
        user_id,
        client_id,
        scope,
        resource: row
            .f_resource
            .as_deref()
            .map(Resource::parse)
            .transpose()
            .map_err(corrupt)?,
        auth_time: from_db(needed(row.f_auth_time, "auth_time")?),
        generation: needed(row.f_generation, "generation")?,
        current: row.f_current_hash.map(RefreshTokenHash::from_stored),
        previous: row.f_previous_hash.map(RefreshTokenHash::from_stored),
        rotated_at: from_db(needed(row.f_last_used_at, "last_used_at")?),
        idle_expires_at: from_db(needed(row.f_idle_expires_at, "idle_expires_at")?),
        absolute_expires_at: from_db(needed(row.f_absolute_expires_at, "absolute_expires_at")?),
        revoked: needed(row.f_revoked, "revoked_at")?,
        has_handle: needed(row.f_has_handle, "handle_hash")?,
        dpop_jkt: row
            .f_dpop_jkt
            .as_deref()
            .map(Thumbprint::parse)
            .transpose()
            .map_err(corrupt)?,
        // A family whose user or client row is gone cannot refresh.
        user_enabled: row.u_enabled.unwrap_or(false),
        client_enabled: row.fc_enabled.unwrap_or(false),
        openid,
    }))
}

/// A column that is `NULL` only when its whole side of the outer join is.
fn needed<T>(value: Option<T>, column: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Corrupt(format!("refresh token family without {column}")))
}
