use super::{ServiceError, Services};
use crate::domain::EventKind;
use crate::store::EventRecord;

pub const EVENTS_PER_PAGE: i64 = 50;

/// One page of the security events, for the admin console.
#[derive(Debug)]
pub struct EventsPage {
    pub events: Vec<EventRecord>,
    pub page: i64,
    pub has_next: bool,
}

impl Services {
    /// Newest first, of one kind or of all.
    pub async fn list_events(
        &self,
        kind: Option<EventKind>,
        page: i64,
    ) -> Result<EventsPage, ServiceError> {
        let page = page.clamp(1, 10_000);
        let mut events = self
            .store
            .events_page(kind, (page - 1) * EVENTS_PER_PAGE, EVENTS_PER_PAGE)
            .await?;
        let has_next = events.len() > usize::try_from(EVENTS_PER_PAGE).unwrap_or(usize::MAX);
        events.truncate(usize::try_from(EVENTS_PER_PAGE).unwrap_or(usize::MAX));
        Ok(EventsPage {
            events,
            page,
            has_next,
        })
    }
}
