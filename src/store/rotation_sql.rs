//! The one write of a rotation, as statements that diesel prepares once per connection
//! and keeps: `diesel::update` and `sql_query` mark themselves unsafe to cache, and
//! parsing every rotation's statement again was 6 % of the server's time on SQLite and
//! half of each rotation's time on PostgreSQL. Each type here stands for one SQL text,
//! which is what lets it carry a static query id.
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
use diesel::sql_types::{Array, BigInt, HasSqlType, Nullable, Text, Timestamp, Untyped};
use diesel::{QueryableByName, RunQueryDsl};

use super::refresh_tokens::RotationWrite;
use super::time::to_db;

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

impl QueryId for RotateOne<'_> {
    type QueryId = RotateOne<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
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
        out.push_sql(", handle_hash = COALESCE(");
        out.push_bind_param::<Nullable<Text>, _>(&b.handle)?;
        out.push_sql(", handle_hash) WHERE id = ");
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
    type QueryId = RotateMany;
    const HAS_STATIC_QUERY_ID: bool = true;
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
             idle_expires_at = u.idle, handle_hash = COALESCE(u.handle, f.handle_hash) \
             FROM unnest(",
        );
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
