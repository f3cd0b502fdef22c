//! The schema lives in `migrations/sqlite` and `migrations/postgres`, one tree per
//! backend with the same names in the same order, embedded in the binary.

use diesel::RunQueryDsl;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{AnyConnection, StoreError};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Any fixed number: instances starting together on one PostgreSQL database take turns.
const MIGRATION_LOCK: i64 = 0x1a7c_4e10;

/// Applies what is pending and returns the names of the migrations it applied.
pub fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        AnyConnection::Sqlite(conn) => conn
            .run_pending_migrations(SQLITE)
            .map(|done| done.iter().map(ToString::to_string).collect()),
        AnyConnection::Postgresql(conn) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .execute(conn)?;
            let result = conn
                .run_pending_migrations(POSTGRES)
                .map(|done| done.iter().map(ToString::to_string).collect());
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .execute(conn)?;
            result
        }
    };
    applied.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Reverts every migration: the schema's `down.sql` files must leave an empty database.
/// Used by the test that runs migrations up, down and up again.
pub fn revert_all(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let reverted = match conn {
        AnyConnection::Sqlite(conn) => conn.revert_all_migrations(SQLITE).map(|_| ()),
        AnyConnection::Postgresql(conn) => conn.revert_all_migrations(POSTGRES).map(|_| ()),
    };
    reverted.map_err(|e| StoreError::Migration(e.to_string()))
}
