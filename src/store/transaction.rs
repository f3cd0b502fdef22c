use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::{AnyConnection, StoreError};

type Manager = <AnyConnection as Connection>::TransactionManager;

/// A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, taking the
/// write lock up front: a deferred transaction that reads first and writes later can fail
/// at once with `SQLITE_BUSY` when another writer committed in between, and the busy
/// timeout does not help there. On PostgreSQL it is a plain `BEGIN`; conditional updates
/// do the rest.
pub(super) fn write<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    match conn {
        AnyConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        AnyConnection::Postgresql(_) => Manager::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(error) => {
                let _ = Manager::rollback_transaction(conn);
                Err(error.into())
            }
        },
        Err(error) => {
            // The rollback's own failure would only hide the error that matters.
            let _ = Manager::rollback_transaction(conn);
            Err(error)
        }
    }
}
