use thiserror::Error;

use crate::domain::DomainError;
use crate::domain::OAuthError;
use crate::store::StoreError;

/// Why a service call did not do what was asked. The first four are the caller's to fix
/// and their text is safe to show; `Unavailable` is the database not answering;
/// `Internal` is our fault and its cause is for the log only.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// Refused in the terms of the OAuth RFCs, for a client to act on.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Invalid(#[from] DomainError),
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the database is unavailable")]
    Unavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ServiceError {
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ServiceError::Internal(error.into())
    }
}

/// Store errors that the calling service did not give a meaning of its own.
impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => ServiceError::Unavailable(error),
            other => ServiceError::Internal(Box::new(other)),
        }
    }
}
