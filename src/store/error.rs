use diesel::result::{DatabaseErrorKind, Error as DieselError};
use thiserror::Error;

/// What went wrong below the services. `Unavailable` is the database not answering (the
/// caller may retry later); `Conflict` is a uniqueness rule; everything else is a fault.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{0}")]
    BadUrl(String),
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("no such row")]
    NotFound,
    #[error("a row with the same unique value exists")]
    Conflict,
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("stored data could not be read back: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Query(#[source] DieselError),
    #[error("a database task failed: {0}")]
    Task(String),
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StoreError::Conflict
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info) if is_transient(info.message()) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            DieselError::BrokenTransactionManager => {
                StoreError::Unavailable("the connection broke inside a transaction".into())
            }
            other => StoreError::Query(other),
        }
    }
}

/// Messages that mean "try again later" rather than "this query is wrong": a busy SQLite
/// file, or a PostgreSQL server that went away or is shutting down.
fn is_transient(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "database is locked",
        "database is busy",
        "server closed the connection",
        "terminating connection",
        "connection to server",
        "no connection to the server",
        "the database system is shutting down",
        "the database system is starting up",
        "could not receive data from server",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(error: diesel::ConnectionError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}
