//! The refresh grant's statements: the one read that loads a refresh (the client and the
//! family, one round trip) and the one write of a rotation. Each is prepared once per
//! connection and kept: `diesel::update` and `sql_query` mark themselves unsafe to cache, and
//! parsing every rotation's statement again was 6 % of the server's time on SQLite and
//! half of each rotation's time on PostgreSQL. A type here may build one of two SQL texts,
//! so each is cached under its text rather than a static query id.
//!
//! The guard `generation = expected AND revoked_at IS NULL` is SPEC step 6: of two
//! requests that loaded the same family, only the first to write changes it; the other
//! finds no row and decides again. Revoking a family (reuse, password change, disabling)
//! sets `revoked_at`, so a rotation decided before a revocation cannot land after it.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::Bool;
use diesel::sql_types::{Array, BigInt, HasSqlType, Nullable, Text, Timestamp, Untyped};
use diesel::{QueryableByName, RunQueryDsl};

use super::refresh_tokens::RotationWrite;
use super::time::to_db;
use crate::domain::{ClientId, FamilyLookup};

/// The parameters of one rotation, in the types the database binds.
pub(super) struct Bound {
    family: String,
    expected: i64,
    token: String,
    handle: Option<String>,
    at: NaiveDateTime,
    idle: NaiveDateTime,
}

impl Bound {
    pub(super) fn of(write: &RotationWrite) -> Self {
        Self {
            family: write.family.to_string(),
            expected: write.expected_generation,
            token: write.token.as_str().to_owned(),
            handle: write.handle.as_ref().map(|h| h.as_str().to_owned()),
            at: to_db(write.now),
            idle: to_db(write.idle_expires_at),
        }
    }

    pub(super) fn family_key(&self) -> &str {
        &self.family
    }
}

/// One rotation: on SQLite, inside the writer's batch transaction; on either backend when
/// a rotation is applied on its own.
pub(super) struct RotateOne<'a>(pub(super) &'a Bound);

// Two SQL texts (with and without a new handle): cached under their text.
impl QueryId for RotateOne<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Conn> RunQueryDsl<Conn> for RotateOne<'_> {}

impl<DB> QueryFragment<DB> for RotateOne<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<BigInt> + HasSqlType<Timestamp>,
    str: ToSql<Text, DB>,
    String: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let b = self.0;
        out.push_sql(
            "UPDATE refresh_token_families SET previous_hash = current_hash, current_hash = ",
        );
        out.push_bind_param::<Text, _>(&b.token)?;
        out.push_sql(", generation = generation + 1, last_used_at = ");
        out.push_bind_param::<Timestamp, _>(&b.at)?;
        out.push_sql(", idle_expires_at = ");
        out.push_bind_param::<Timestamp, _>(&b.idle)?;
        // Only a family from before handles gets one. Naming the column in every update,
        // even to keep its value, rewrote its unique index entry each time: with a million
        // families stored that was a fifth of the server's time.
        if let Some(handle) = &b.handle {
            out.push_sql(", handle_hash = ");
            out.push_bind_param::<Text, _>(handle)?;
        }
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(&b.family)?;
        out.push_sql(" AND generation = ");
        out.push_bind_param::<BigInt, _>(&b.expected)?;
        out.push_sql(" AND revoked_at IS NULL");
        Ok(())
    }
}

/// Many rotations of distinct families in one PostgreSQL statement: one round trip and
/// one commit (one WAL flush) for the whole batch, each row under its own guard. Returns
/// the families it rotated.
pub(super) struct RotateMany {
    families: Vec<String>,
    expected: Vec<i64>,
    tokens: Vec<String>,
    handles: Vec<Option<String>>,
    at: Vec<NaiveDateTime>,
    idle: Vec<NaiveDateTime>,
}

impl RotateMany {
    pub(super) fn of(batch: &[Bound]) -> Self {
        Self {
            families: batch.iter().map(|b| b.family.clone()).collect(),
            expected: batch.iter().map(|b| b.expected).collect(),
            tokens: batch.iter().map(|b| b.token.clone()).collect(),
            handles: batch.iter().map(|b| b.handle.clone()).collect(),
            at: batch.iter().map(|b| b.at).collect(),
            idle: batch.iter().map(|b| b.idle).collect(),
        }
    }
}

#[derive(QueryableByName)]
pub(super) struct RotatedFamily {
    #[diesel(sql_type = Text)]
    pub(super) id: String,
}

impl QueryId for RotateMany {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for RotateMany {
    type SqlType = Untyped;
}

impl RunQueryDsl<diesel::PgConnection> for RotateMany {}

impl QueryFragment<Pg> for RotateMany {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "UPDATE refresh_token_families AS f SET previous_hash = f.current_hash, \
             current_hash = u.token, generation = f.generation + 1, last_used_at = u.at, \
             idle_expires_at = u.idle",
        );
        // As in `RotateOne`: the handle's index is touched only by a batch that sets one.
        if self.handles.iter().any(Option::is_some) {
            out.push_sql(", handle_hash = COALESCE(u.handle, f.handle_hash)");
        }
        out.push_sql(" FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.families)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.expected)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.tokens)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.handles)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.idle)?;
        out.push_sql(
            ") AS u(id, expected, token, handle, at, idle) \
             WHERE f.id = u.id AND f.generation = u.expected AND f.revoked_at IS NULL \
             RETURNING f.id",
        );
        Ok(())
    }
}

/// The client asking (`None`: no client; the family alone is read) and the family a token
/// names, in one statement that always returns one row. Each side is `NULL` when absent.
/// The family's own client is joined again for its `enabled`: the asking client may be
/// another one.
pub(super) struct LoadRefresh {
    client: Option<String>,
    lookup: FamilyLookup,
}

impl LoadRefresh {
    pub(super) fn new(client: Option<ClientId>, lookup: FamilyLookup) -> Self {
        Self {
            client: client.map(|id| id.to_string()),
            lookup,
        }
    }
}

/// The row of [`LoadRefresh`]: `c_` the asking client, `f_` the family.
#[derive(QueryableByName)]
pub(super) struct LoadedRow {
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) c_id: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) c_is_public: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) c_secret_hash: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) c_grant_types: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) c_require_dpop: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_user_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_client_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_scope: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_resource: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(super) f_auth_time: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub(super) f_generation: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_current_hash: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_previous_hash: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(super) f_last_used_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(super) f_idle_expires_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(super) f_absolute_expires_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) f_revoked: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) f_has_handle: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) f_dpop_jkt: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) u_enabled: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) fc_enabled: Option<bool>,
    /// What an ID token says of the user, read only for a family whose scope holds
    /// `openid`: a few short columns more per refresh instead of a second round trip.
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) u_username: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) u_display_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) u_email: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub(super) u_email_verified: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) fc_id_token_alg: Option<String>,
}

impl QueryId for LoadRefresh {
    type QueryId = ();
    // Two SQL texts (by handle, by legacy hash): cached under their text instead.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for LoadRefresh {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for LoadRefresh {}

impl<DB> QueryFragment<DB> for LoadRefresh
where
    DB: Backend + HasSqlType<Text>,
    str: ToSql<Text, DB>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(
            "SELECT c.id AS c_id, c.is_public AS c_is_public, c.secret_hash AS c_secret_hash, \
             c.grant_types AS c_grant_types, c.require_dpop AS c_require_dpop, f.id AS f_id, \
             f.user_id AS f_user_id, f.client_id AS f_client_id, f.scope AS f_scope, f.resource AS f_resource, \
             f.auth_time AS f_auth_time, f.generation AS f_generation, \
             f.current_hash AS f_current_hash, f.previous_hash AS f_previous_hash, \
             f.last_used_at AS f_last_used_at, f.idle_expires_at AS f_idle_expires_at, \
             f.absolute_expires_at AS f_absolute_expires_at, \
             f.revoked_at IS NOT NULL AS f_revoked, f.handle_hash IS NOT NULL AS f_has_handle, \
             f.dpop_jkt AS f_dpop_jkt, \
             u.enabled AS u_enabled, fc.enabled AS fc_enabled, u.username AS u_username, \
             u.display_name AS u_display_name, u.email AS u_email, \
             u.email_verified AS u_email_verified, fc.id_token_alg AS fc_id_token_alg \
             FROM (SELECT 1 AS one) AS one LEFT JOIN clients c ON c.id = ",
        );
        out.push_bind_param::<Nullable<Text>, _>(&self.client)?;
        match &self.lookup {
            FamilyLookup::Handle(handle) => {
                out.push_sql(" LEFT JOIN refresh_token_families f ON f.handle_hash = ");
                out.push_bind_param::<Text, _>(handle.as_str())?;
            }
            FamilyLookup::Legacy(token) => {
                out.push_sql(
                    " LEFT JOIN refresh_token_families f ON f.id = \
                     (SELECT family_id FROM legacy_refresh_tokens WHERE token_hash = ",
                );
                out.push_bind_param::<Text, _>(token.as_str())?;
                out.push_sql(")");
            }
        }
        out.push_sql(
            " LEFT JOIN users u ON u.id = f.user_id LEFT JOIN clients fc ON fc.id = f.client_id",
        );
        Ok(())
    }
}
