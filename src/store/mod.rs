//! Diesel: the one place that knows SQL and owns transactions. Every public method is a
//! step of the protocol or of account management, runs on the blocking pool, and returns
//! domain types.

mod checkpoint;
mod clients;
mod codes;
mod connection;
mod consents;
mod error;
mod events;
mod families;
mod keys;
mod maintenance;
mod migrations;
mod openid;
mod refresh_sql;
mod refresh_tokens;
mod rotation_writer;
mod schema;
mod sessions;
mod throttle;
mod time;
mod transaction;
mod url;
mod users;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use diesel::r2d2::Pool;
use tokio::sync::Semaphore;

pub use codes::{NewCode, Redemption, StoredCode};
pub use connection::AnyConnection;
use connection::Manager;
pub use consents::RememberedConsent;
pub use error::StoreError;
pub use events::{EventRecord, RecordedEvent};
pub use families::{AuthorizedApp, FamilyStatus, NewFamily};
pub use maintenance::PurgeReport;
pub use openid::OpenIdSubject;
pub use refresh_tokens::{Applied, RefreshingClient, RotationWrite, StoredFamily};
pub use sessions::NewSession;
pub use throttle::ThrottleRule;
pub use url::DatabaseUrl;

/// How many connections, and how long a request waits for one before the store reports
/// itself unavailable.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_size: u32,
    /// Connections kept open while idle. A short-lived command wants 0: a connection
    /// still being opened in the background when the process exits can crash libpq's
    /// TLS clean-up.
    pub min_idle: u32,
    pub checkout_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            min_idle: 1,
            checkout_timeout: Duration::from_secs(5),
        }
    }
}

/// A pool of connections to one database, either backend.
#[derive(Clone)]
pub struct Store {
    pool: Pool<Manager>,
    /// SQLite has one writer at a time. Waiting for its lock inside SQLite means sleeping
    /// in its busy handler's steps (up to 100 ms); waiting here wakes the next writer the
    /// moment the lock is free. `None` on PostgreSQL, where writers do not exclude each
    /// other.
    sqlite_writer: Option<Arc<Mutex<()>>>,
    /// Refresh-token rotations go through one writer that commits them in batches (see
    /// `rotation_writer`).
    rotations: rotation_writer::RotationWriter,
    /// One permit per pooled connection, taken before a blocking thread is. Without it a
    /// burst of N requests starts N blocking threads that each sit waiting for one of the
    /// few connections: hundreds of idle stacks and malloc arenas (RSS grew with the
    /// number of clients), and no request served sooner.
    permits: Arc<Semaphore>,
}

/// The rotation writer's and the checkpoint thread's connections.
const BACKGROUND_CONNECTIONS: u32 = 2;

impl Store {
    /// Connects, prepares the database file (SQLite) and applies pending migrations, so
    /// that every command starts on the current schema.
    pub async fn open(url: &DatabaseUrl, options: PoolOptions) -> Result<Store, StoreError> {
        let manager = Manager::new(url.clone());
        let url = url.clone();
        blocking(move || {
            let mut first = manager.connect_once()?;
            connection::prepare_database(&mut first)?;
            migrations::run_pending(&mut first)?;
            drop(first);
            let pool = Pool::builder()
                // No `SELECT 1` before every use: it cost a round trip per request. A
                // connection that failed is discarded instead (see `run`).
                .test_on_check_out(false)
                // Beyond the connections requests take (one permit each), one for the
                // rotation writer and one for SQLite's checkpoints: a batch of rotations
                // waiting for a reader to hand back a connection held every caller in it.
                .max_size(options.max_size + BACKGROUND_CONNECTIONS)
                .min_idle(Some(options.min_idle))
                .connection_timeout(options.checkout_timeout)
                .build(manager)
                .map_err(StoreError::from)?;
            let sqlite_writer = match url {
                DatabaseUrl::Sqlite(_) => {
                    let writer = Arc::default();
                    checkpoint::start(pool.clone(), Arc::downgrade(&writer))?;
                    Some(writer)
                }
                DatabaseUrl::Postgres(_) => None,
            };
            let rotations =
                rotation_writer::RotationWriter::start(pool.clone(), sqlite_writer.clone())?;
            Ok(Store {
                pool,
                sqlite_writer,
                rotations,
                permits: Arc::new(Semaphore::new(options.max_size as usize)),
            })
        })
        .await
    }

    /// Applies pending migrations; returns the names of those it applied.
    pub async fn run_pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        self.run(migrations::run_pending).await
    }

    /// Reverts every migration. For the test that runs the schema up, down and up again.
    pub async fn revert_all_migrations(&self) -> Result<(), StoreError> {
        self.run(migrations::revert_all).await
    }

    /// Runs `f` in a write transaction (see `transaction::write`), one writer at a time
    /// on SQLite.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let writer = self.sqlite_writer.clone();
        self.run(move |conn| {
            // A writer that panicked left nothing half-done: its transaction rolled back.
            let _turn = writer
                .as_ref()
                .map(|lock| lock.lock().unwrap_or_else(PoisonError::into_inner));
            transaction::write(conn, f)
        })
        .await
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so that the async
    /// workers never wait on the database.
    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(
            self.pool.connection_timeout(),
            Arc::clone(&self.permits).acquire_owned(),
        )
        .await
        .map_err(|_| StoreError::Unavailable("no database connection came free".into()))?
        .map_err(|e| StoreError::Task(e.to_string()))?;
        let pool = self.pool.clone();
        blocking(move || {
            let _permit = permit;
            let mut conn = pool.get()?;
            let result = f(&mut conn);
            if matches!(result, Err(StoreError::Unavailable(_))) {
                connection::discard_on_return();
            }
            drop(conn);
            result
        })
        .await
    }
}

async fn blocking<T, F>(f: F) -> Result<T, StoreError>
where
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
}
