//! WAL checkpoints off the request path (SQLite). By default SQLite copies the WAL back
//! into the database file inside whichever commit pushes the WAL past 1,000 pages, and
//! that commit (with every rotation batched into it) waits for the copy and its fsync: the
//! slowest percentile of refreshes was exactly those. Here a background thread checkpoints
//! four times a second instead. It takes the store's writer lock for it: a checkpoint
//! that runs while writers keep appending never catches up, the WAL is then never
//! restarted, and it grows until the connections' own backstop checkpoint (10,000 pages)
//! stalls a commit for a hundred milliseconds. Holding the lock, each checkpoint copies
//! only the pages written since the last one, a few milliseconds. It is PASSIVE: it
//! copies what no reader still needs and returns. RESTART also waits, through the busy
//! handler's 50 and 100 ms sleeps, for every reader to leave the WAL, and held the
//! writer lock all that time: refresh p99 at 16 clients was 55-73 ms with it, 8-11 ms
//! without. The WAL is still reused from its start once a checkpoint was complete.

use std::sync::{Mutex, PoisonError, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::Pool;

use super::connection::Manager;
use super::{AnyConnection, StoreError};

const INTERVAL: Duration = Duration::from_millis(250);

/// Runs until `alive` (the store's writer lock) is gone with the last handle to the store.
pub(super) fn start(pool: Pool<Manager>, alive: Weak<Mutex<()>>) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("latchkey-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(INTERVAL);
                let Some(writer) = alive.upgrade() else {
                    break;
                };
                let Ok(mut conn) = pool.get() else {
                    continue;
                };
                let _turn = writer.lock().unwrap_or_else(PoisonError::into_inner);
                if let AnyConnection::Sqlite(conn) = &mut *conn
                    && let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);")
                {
                    tracing::debug!(%error, "background checkpoint skipped");
                }
            }
        })
        .map(drop)
        .map_err(|e| StoreError::Task(format!("cannot start the checkpoint thread: {e}")))
}
