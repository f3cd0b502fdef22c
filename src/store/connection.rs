use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::{ConnectionError, PgConnection, SqliteConnection};

use super::{DatabaseUrl, StoreError};

/// One connection type for both backends. SQLite goes last: diesel's derived
/// `establish` would accept any string as an SQLite path; the manager below picks the
/// variant by URL scheme instead.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// An r2d2 manager that chooses the backend from the URL scheme. diesel's stock manager
/// tries each backend in turn and reports only that none accepted the URL, hiding the
/// real reason (wrong password, server down, unwritable file).
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    pub fn connect_once(&self) -> Result<AnyConnection, StoreError> {
        self.connect().map_err(StoreError::from)
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<AnyConnection, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(AnyConnection::Postgresql)
            }
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    ConnectionError::InvalidConnectionUrl("the SQLite path is not UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                // Per connection: wait for a busy writer instead of failing at once, and
                // enforce the schema's foreign keys. WAL makes NORMAL durable against a
                // crash of the process; only a power loss can drop the last commits.
                // Checkpoints normally run in the background (see `checkpoint`); a commit
                // only does one itself if the WAL outgrows 10,000 pages.
                // 16 MiB of page cache, not the default 2: with 100,000 families stored,
                // the rotations' index lookups missed the cache and refresh throughput
                // fell by a third (3,600 against 5,100/s at 16 clients). Pages are only
                // held once touched, so a small database costs no more.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000; \
                     PRAGMA cache_size = -16384;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectionError> {
        conn.ping()
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        DISCARD.with(|discard| discard.replace(false))
            || std::thread::panicking()
            || conn.is_broken()
    }
}

thread_local! {
    /// Set by the store when a query on this thread's connection found the database
    /// gone; read (and cleared) by `has_broken` as the connection goes back to the pool,
    /// on the same thread, so that a dead connection is dropped rather than reused.
    static DISCARD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub fn discard_on_return() {
    DISCARD.with(|discard| discard.set(true));
}

/// Settings that belong to the database rather than to a connection, applied once before
/// the pool opens: switching to WAL from many connections at once raced into
/// `database is locked`.
pub fn prepare_database(conn: &mut AnyConnection) -> Result<(), StoreError> {
    if let AnyConnection::Sqlite(conn) = conn {
        conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    Ok(())
}
