use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{browser_sessions as sessions, users};
use super::time::{from_db, to_db};
use super::users::UserRow;
use super::{Store, StoreError};
use crate::domain::{BrowserSession, CsrfToken, SessionTokenHash, UserId};

/// A browser session about to be stored.
pub struct NewSession {
    pub token_hash: SessionTokenHash,
    pub user_id: UserId,
    pub csrf: CsrfToken,
    pub auth_time: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Store {
    pub async fn insert_session(&self, session: NewSession) -> Result<(), StoreError> {
        self.run(move |conn| {
            diesel::insert_into(sessions::table)
                .values((
                    sessions::token_hash.eq(session.token_hash.as_str()),
                    sessions::user_id.eq(session.user_id.to_string()),
                    sessions::csrf_token.eq(session.csrf.expose()),
                    sessions::auth_time.eq(to_db(session.auth_time)),
                    sessions::created_at.eq(to_db(session.auth_time)),
                    sessions::last_seen_at.eq(to_db(session.auth_time)),
                    sessions::expires_at.eq(to_db(session.expires_at)),
                    sessions::ip.eq(session.ip),
                    sessions::user_agent.eq(session.user_agent),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// The live session with this cookie, if its user may still log in.
    pub async fn find_session(
        &self,
        hash: SessionTokenHash,
        now: DateTime<Utc>,
    ) -> Result<Option<BrowserSession>, StoreError> {
        self.run(move |conn| {
            let found: Option<(UserRow, String, NaiveDateTime, NaiveDateTime)> = sessions::table
                .inner_join(users::table)
                .filter(sessions::token_hash.eq(hash.as_str()))
                .filter(sessions::expires_at.gt(to_db(now)))
                .filter(users::enabled.eq(true))
                .select((
                    UserRow::as_select(),
                    sessions::csrf_token,
                    sessions::auth_time,
                    sessions::expires_at,
                ))
                .get_result(conn)
                .optional()?;
            let Some((user, csrf, auth_time, expires_at)) = found else {
                return Ok(None);
            };
            Ok(Some(BrowserSession {
                token: hash,
                user: user.into_user()?.0,
                csrf: CsrfToken::from_stored(csrf),
                auth_time: from_db(auth_time),
                expires_at: from_db(expires_at),
            }))
        })
        .await
    }

    pub async fn delete_session(&self, hash: SessionTokenHash) -> Result<(), StoreError> {
        self.run(move |conn| {
            diesel::delete(sessions::table.find(hash.as_str())).execute(conn)?;
            Ok(())
        })
        .await
    }
}
