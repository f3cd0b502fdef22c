use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::families::{self, Owner};
use super::schema::{browser_sessions, users};
use super::time::{from_db, to_db};
use super::{AnyConnection, Store, StoreError, events};
use crate::domain::{
    DisplayName, DomainError, Email, NewEvent, PasswordHash, RevocationReason, SessionTokenHash,
    User, UserId, Username,
};

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(super) struct UserRow {
    id: String,
    username: String,
    password_hash: String,
    is_admin: bool,
    enabled: bool,
    created_at: NaiveDateTime,
    password_changed_at: NaiveDateTime,
    email: Option<String>,
    email_verified: bool,
    display_name: Option<String>,
}

impl UserRow {
    pub(super) fn into_user(self) -> Result<(User, PasswordHash), StoreError> {
        let corrupt = |e: DomainError| StoreError::Corrupt(format!("user: {e}"));
        Ok((
            User {
                id: UserId::parse(&self.id).map_err(corrupt)?,
                username: Username::parse(&self.username).map_err(corrupt)?,
                is_admin: self.is_admin,
                enabled: self.enabled,
                created_at: from_db(self.created_at),
                password_changed_at: from_db(self.password_changed_at),
                display_name: display_name_column(self.display_name.as_deref()).map_err(corrupt)?,
                email: email_column(self.email.as_deref()).map_err(corrupt)?,
                email_verified: self.email_verified,
            },
            PasswordHash(self.password_hash),
        ))
    }
}

/// The `display_name` column, as every query that reads a user's profile parses it.
pub(super) fn display_name_column(
    stored: Option<&str>,
) -> Result<Option<DisplayName>, DomainError> {
    stored.map(DisplayName::parse).transpose()
}

/// The `email` column.
pub(super) fn email_column(stored: Option<&str>) -> Result<Option<Email>, DomainError> {
    stored.map(Email::parse).transpose()
}

impl Store {
    /// Inserts a user; `Conflict` when the name is taken.
    pub async fn insert_user(
        &self,
        user: User,
        hash: PasswordHash,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(user.id.to_string()),
                    users::username.eq(user.username.as_str()),
                    users::password_hash.eq(&hash.0),
                    users::is_admin.eq(user.is_admin),
                    users::enabled.eq(user.enabled),
                    users::created_at.eq(to_db(user.created_at)),
                    users::password_changed_at.eq(to_db(user.password_changed_at)),
                    users::display_name.eq(user.display_name.as_ref().map(DisplayName::as_str)),
                    users::email.eq(user.email.as_ref().map(Email::as_str)),
                    users::email_verified.eq(user.email_verified),
                ))
                .execute(conn)?;
            events::insert(conn, &event, user.created_at)
        })
        .await
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        self.run(|conn| Ok(users::table.count().get_result(conn)?))
            .await
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.run(|conn| {
            users::table
                .order(users::username)
                .select(UserRow::as_select())
                .load(conn)?
                .into_iter()
                .map(|row| row.into_user().map(|(user, _)| user))
                .collect()
        })
        .await
    }

    /// The user and their password hash, for login and password changes.
    pub async fn find_user_by_name(
        &self,
        username: &Username,
    ) -> Result<Option<(User, PasswordHash)>, StoreError> {
        let username = username.as_str().to_owned();
        self.run(move |conn| {
            users::table
                .filter(users::username.eq(username))
                .select(UserRow::as_select())
                .get_result(conn)
                .optional()?
                .map(UserRow::into_user)
                .transpose()
        })
        .await
    }

    /// Replaces the password hash and, in the same transaction, revokes every
    /// refresh-token family of the user and ends their browser sessions (except
    /// `keep_session`): a new password must end every session the old one opened.
    /// Returns how many families were revoked.
    pub async fn set_password(
        &self,
        user: UserId,
        hash: PasswordHash,
        keep_session: Option<SessionTokenHash>,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<usize, StoreError> {
        self.write(move |conn| {
            let updated = diesel::update(users::table.find(user.to_string()))
                .set((
                    users::password_hash.eq(&hash.0),
                    users::password_changed_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            let revoked = families::revoke_all(
                conn,
                Owner::User(user),
                RevocationReason::PasswordChanged,
                now,
            )?;
            // Browser sessions opened with the old password end too, but for the one
            // that made the change.
            let kept = keep_session.as_ref().map_or("", |hash| hash.as_str());
            diesel::delete(
                browser_sessions::table
                    .filter(browser_sessions::user_id.eq(user.to_string()))
                    .filter(browser_sessions::token_hash.ne(kept)),
            )
            .execute(conn)?;
            events::insert(conn, &event, now)?;
            Ok(revoked)
        })
        .await
    }

    /// Writes the display name and email columns of `user`, with its event, in one
    /// transaction; `NotFound` when there is no such user.
    pub async fn update_profile(
        &self,
        user: &User,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        let id = user.id.to_string();
        let display_name = user.display_name.as_ref().map(|n| n.as_str().to_owned());
        let email = user.email.as_ref().map(|e| e.as_str().to_owned());
        let email_verified = user.email_verified;
        self.write(move |conn| {
            let updated = diesel::update(users::table.find(id))
                .set((
                    users::display_name.eq(display_name),
                    users::email.eq(email),
                    users::email_verified.eq(email_verified),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            events::insert(conn, &event, now)
        })
        .await
    }

    /// Grants or removes the admin flag. Removing it from the last admin is refused
    /// (`Conflict`): someone must be able to run the console.
    pub async fn set_admin(
        &self,
        user: UserId,
        is_admin: bool,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            if !is_admin && other_enabled_admins(conn, user)? == 0 {
                return Err(StoreError::Conflict);
            }
            let updated = diesel::update(users::table.find(user.to_string()))
                .set(users::is_admin.eq(is_admin))
                .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            events::insert(conn, &event, now)
        })
        .await
    }

    /// Enables or disables a user. Disabling revokes every family of the user in the same
    /// transaction. Returns how many families were revoked.
    pub async fn set_user_enabled(
        &self,
        user: UserId,
        enabled: bool,
        now: DateTime<Utc>,
        event: NewEvent,
    ) -> Result<usize, StoreError> {
        self.write(move |conn| {
            let target: Option<bool> = users::table
                .find(user.to_string())
                .select(users::is_admin)
                .get_result(conn)
                .optional()?;
            // Disabling the last enabled admin would lock everyone out of the console.
            if !enabled && target == Some(true) && other_enabled_admins(conn, user)? == 0 {
                return Err(StoreError::Conflict);
            }
            let updated = diesel::update(users::table.find(user.to_string()))
                .set(users::enabled.eq(enabled))
                .execute(conn)?;
            if updated == 0 {
                return Err(StoreError::NotFound);
            }
            let revoked = if enabled {
                0
            } else {
                families::revoke_all(conn, Owner::User(user), RevocationReason::UserDisabled, now)?
            };
            events::insert(conn, &event, now)?;
            Ok(revoked)
        })
        .await
    }
}

fn other_enabled_admins(conn: &mut AnyConnection, user: UserId) -> Result<i64, StoreError> {
    Ok(users::table
        .filter(users::is_admin.eq(true))
        .filter(users::enabled.eq(true))
        .filter(users::id.ne(user.to_string()))
        .count()
        .get_result(conn)?)
}
