use super::{ServiceError, Services};
use crate::store::PurgeReport;

impl Services {
    /// Is the database answering?
    pub async fn check_health(&self) -> Result<(), ServiceError> {
        Ok(self.store.ping().await?)
    }

    /// Deletes expired codes, sessions, refresh-token families (with their rotated
    /// tokens) and signing keys that no valid token can refer to any more.
    pub async fn purge(&self) -> Result<PurgeReport, ServiceError> {
        let now = self.clock.now();
        // Keys retired before this moment have passed their publication deadline.
        let keys_cutoff = now - (self.key_publish_deadline(now) - now);
        Ok(self.store.purge(now, keys_cutoff).await?)
    }
}
