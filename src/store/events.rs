use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::security_events;
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError};
use crate::domain::{EventKind, NewEvent, UserId};

/// A recorded event, as people read it.
#[derive(Debug, Clone)]
pub struct RecordedEvent {
    pub occurred_at: DateTime<Utc>,
    pub kind: EventKind,
    pub detail: String,
}

/// A recorded event with who and what it concerns, for the admin console.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub occurred_at: DateTime<Utc>,
    pub kind: EventKind,
    pub username: Option<String>,
    pub client_id: Option<String>,
    pub family_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

/// Every kind this build writes is known to it; another is a row from a newer build.
fn stored_kind(name: &str) -> Result<EventKind, StoreError> {
    EventKind::from_name(name)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown event kind {name:?}")))
}

/// Records an event inside the caller's transaction, so that the event and the change it
/// describes commit together or not at all.
pub(super) fn insert(
    conn: &mut AnyConnection,
    event: &NewEvent,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(security_events::table)
        .values((
            security_events::occurred_at.eq(to_db(at)),
            security_events::kind.eq(event.kind.as_str()),
            security_events::user_id.eq(event.user_id.map(|id| id.to_string())),
            security_events::client_id.eq(event.client_id.map(|id| id.to_string())),
            security_events::family_id.eq(event.family_id.map(|id| id.to_string())),
            security_events::detail.eq(&event.detail),
        ))
        .execute(conn)?;
    Ok(())
}

impl Store {
    /// Records an event that goes with no other change.
    pub async fn record_event(&self, event: NewEvent, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(move |conn| insert(conn, &event, at)).await
    }

    /// The newest events about one user.
    pub async fn events_of(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        self.run(move |conn| {
            let rows: Vec<(chrono::NaiveDateTime, String, String)> = security_events::table
                .filter(security_events::user_id.eq(user.to_string()))
                .order((
                    security_events::occurred_at.desc(),
                    security_events::id.desc(),
                ))
                .limit(limit)
                .select((
                    security_events::occurred_at,
                    security_events::kind,
                    security_events::detail,
                ))
                .load(conn)?;
            rows.into_iter()
                .map(|(at, kind, detail)| {
                    Ok(RecordedEvent {
                        occurred_at: from_db(at),
                        kind: stored_kind(&kind)?,
                        detail,
                    })
                })
                .collect()
        })
        .await
    }

    /// One page of events, newest first, optionally of one kind. Returns one row more
    /// than asked when there is a next page.
    pub async fn events_page(
        &self,
        kind: Option<EventKind>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        use super::schema::users;
        self.run(move |conn| {
            let mut query = security_events::table
                .left_join(users::table.on(users::id.nullable().eq(security_events::user_id)))
                .order((
                    security_events::occurred_at.desc(),
                    security_events::id.desc(),
                ))
                .offset(offset)
                .limit(limit + 1)
                .select((
                    security_events::occurred_at,
                    security_events::kind,
                    users::username.nullable(),
                    security_events::client_id,
                    security_events::family_id,
                    security_events::ip,
                    security_events::detail,
                ))
                .into_boxed();
            if let Some(kind) = kind {
                query = query.filter(security_events::kind.eq(kind.as_str()));
            }
            type Row = (
                chrono::NaiveDateTime,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
            );
            let rows: Vec<Row> = query.load(conn)?;
            rows.into_iter()
                .map(|(at, kind, username, client_id, family_id, ip, detail)| {
                    Ok(EventRecord {
                        occurred_at: from_db(at),
                        kind: stored_kind(&kind)?,
                        username,
                        client_id,
                        family_id,
                        ip,
                        detail,
                    })
                })
                .collect()
        })
        .await
    }
}
